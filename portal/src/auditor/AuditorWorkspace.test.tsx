/** @jest-environment ./portal/test/support/jsdom-environment.js */
import '@testing-library/jest-dom';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { logEntry, storedRule } from '../../test/support/ledger';
import { problem } from '../../test/support/network';
import { renderAs } from '../../test/support/session';
import type { BlockView, ReplayReport, RuleVersion } from '../api/types';
import { AuditorWorkspace } from './AuditorWorkspace';

const TX = 'ab'.repeat(32);
function block(number: number): BlockView {
  return {
    number,
    hash: `${number}`.padStart(64, 'f'),
    previousHash: `${number - 1}`.padStart(64, 'e'),
    dataHash: 'd'.repeat(64),
    transactionCount: 1,
    transactions: [
      {
        index: 0,
        txId: TX,
        type: 'ENDORSER_TRANSACTION',
        creatorMspId: 'HospitalFRMSP',
        chaincodeName: 'custodia',
        functionName: 'access:requestAccess',
        validationCode: 'VALID',
        timestamp: '2026-11-23T10:00:00.000Z',
      },
    ],
  };
}

const report: ReplayReport = {
  range: { from: 0, to: 41 },
  blocksChecked: 42,
  transactionsChecked: 57,
  decisionsChecked: 9,
  deliveriesChecked: 4,
  manifestsChecked: 4,
  ok: false,
  discrepancies: [
    { kind: 'DECISION_MISMATCH', block: 17, txId: TX, detail: 'granted medications, replay denies it' },
  ],
};

function routes() {
  return {
    'GET /audit/access-log': {
      body: {
        items: [
          logEntry(),
          logEntry({
            entryId: 'e2',
            emergency: true,
            purpose: 'ETREAT',
            decision: {
              purpose: 'ETREAT',
              categories: [],
              granted: ['allergies'],
              denied: [],
              rules: [{ ruleId: 'emergency-policy', version: 3, effect: 'permit' }],
            },
          }),
        ],
        bookmark: '',
      },
    },
    'GET /audit/blocks': (call: { query: URLSearchParams }) => {
      const from = Number(call.query.get('from'));
      const limit = Number(call.query.get('limit'));
      const blocks = Array.from({ length: Math.max(0, Math.min(limit, 42 - from)) }, (_, i) =>
        block(from + i),
      );
      return { body: { height: 42, blocks } };
    },
    'GET /audit/blocks/41': { body: block(41) },
    [`GET /audit/transactions/${TX}`]: {
      body: {
        ...block(41).transactions[0],
        blockNumber: 41,
        writes: [
          {
            namespace: 'custodia',
            key: 'k',
            objectType: 'grant',
            attributes: ['g-1'],
            isDelete: false,
            value: '{"grantId":"g-1"}',
          },
        ],
      },
    },
    'GET /audit/rules/rule-1/history': {
      body: {
        items: [
          { ...storedRule(), change: 'created' },
          { ...storedRule({ version: 2, status: 'revoked', txId: 'tx-2' }), change: 'revoked' },
        ] satisfies RuleVersion[],
        bookmark: '',
      },
    },
    'POST /audit/replay': (call: { query: URLSearchParams }) =>
      call.query.get('format') === 'csv'
        ? { body: 'kind,block,txId,detail\r\nDECISION_MISMATCH,17,x,y\r\n', contentType: 'text/csv' }
        : { body: report },
  };
}

describe('AuditorWorkspace', () => {
  let saved: Blob[];
  beforeEach(() => {
    saved = [];
    // jsdom has no object URLs: keep what the page hands to the download instead.
    URL.createObjectURL = (blob: Blob) => {
      saved.push(blob);
      return 'blob:download';
    };
    URL.revokeObjectURL = () => undefined;
    // jsdom cannot navigate to a download either.
    jest.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it('searches the access log with filters and exports what it shows as CSV', async () => {
    const { network } = renderAs('auditor', <AuditorWorkspace />, routes());
    await userEvent.type(screen.getByLabelText('Requester organisation'), 'HospitalFRMSP');
    await userEvent.type(screen.getByLabelText('Requester id'), 'dr-2');
    await userEvent.click(screen.getByRole('button', { name: 'Search' }));
    const rows = await screen.findAllByRole('row');
    expect(rows).toHaveLength(3);
    expect(rows[1]).toHaveTextContent('dr-2 (HospitalFRMSP, FR)');
    expect(rows[1]).toHaveTextContent('rule-1 v1 (permit)');
    expect(rows[2]).toHaveTextContent('ETREAT · emergency');
    expect(rows[2]).toHaveTextContent('emergency policy v3');
    expect(within(rows[2] as HTMLElement).queryByRole('button')).not.toBeInTheDocument();
    const query = network.callsTo('GET /audit/access-log')[0]?.query;
    expect(Object.fromEntries(query ?? [])).toEqual({ requesterMspId: 'HospitalFRMSP', requesterId: 'dr-2' });

    await userEvent.click(screen.getByRole('button', { name: 'Export CSV' }));
    expect(saved).toHaveLength(1);
    const text = await new Promise<string>((resolve) => {
      const reader = new FileReader();
      reader.onload = () => resolve(String(reader.result));
      reader.readAsText(saved[0] as Blob);
    });
    const lines = text.trim().split('\r\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain(
      'patient-1,HospitalFRMSP,dr-2,clinician,FR,TREAT,false,allergies medications,allergies',
    );

    // A deciding rule opens its history as diffs.
    await userEvent.click(within(rows[1] as HTMLElement).getByRole('button', { name: 'rule-1 v1 (permit)' }));
    const history = await screen.findByRole('region', { name: 'History of rule rule-1' });
    expect(await within(history).findByRole('heading', { name: /Version 2 · revoked/ })).toBeInTheDocument();
  });

  it('shows the gateway’s detail when the filters are not enough', async () => {
    renderAs('auditor', <AuditorWorkspace />, {
      'GET /audit/access-log': problem(
        400,
        'VALIDATION_FAILED',
        'give patientId, or requesterMspId with requesterId, or from',
      ),
    });
    await userEvent.click(screen.getByRole('button', { name: 'Search' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'give patientId, or requesterMspId with requesterId',
    );
  });

  it('explores the latest blocks, a block’s transactions, a transaction’s writes, and a rule’s history as diffs', async () => {
    const { network } = renderAs('auditor', <AuditorWorkspace />, routes());
    await userEvent.click(screen.getByRole('button', { name: 'Chain explorer' }));
    expect(await screen.findByText('42 blocks in the chain.')).toBeInTheDocument();
    const blockButtons = await screen.findAllByRole('button', { name: /^Block \d+$/ });
    expect(blockButtons.map((b) => b.textContent)).toEqual(
      Array.from({ length: 20 }, (_, i) => `Block ${41 - i}`),
    );
    expect(network.callsTo('GET /audit/blocks').map((c) => c.query.get('from'))).toEqual(['0', '22']);

    await userEvent.click(screen.getByRole('button', { name: 'Block 41' }));
    await userEvent.click(await screen.findByRole('button', { name: /access:requestAccess/ }));
    const tx = await screen.findByRole('heading', { name: new RegExp(`Transaction ${TX}`) });
    expect(tx.parentElement).toHaveTextContent('VALID');
    expect(tx.parentElement).toHaveTextContent('grant g-1');

    await userEvent.type(screen.getByLabelText('Rule id'), 'rule-1');
    await userEvent.click(screen.getByRole('button', { name: 'Show history' }));
    const version2 = (await screen.findByRole('heading', { name: /Version 2 · revoked/ }))
      .parentElement as HTMLElement;
    const change = within(version2).getByRole('row', { name: /status/ });
    expect(change).toHaveTextContent('statusactiverevoked');
  });

  it('runs replay & verify and names every discrepancy', async () => {
    renderAs('auditor', <AuditorWorkspace />, routes());
    await userEvent.click(screen.getByRole('button', { name: 'Replay & verify' }));
    await userEvent.click(screen.getByRole('button', { name: 'Run replay & verify' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('1 discrepancies found');
    expect(screen.getByText('Decisions re-derived').nextSibling).toHaveTextContent('9');
    const row = screen.getAllByRole('row')[1] as HTMLElement;
    expect(row).toHaveTextContent('DECISION_MISMATCH17');
    expect(row).toHaveTextContent('granted medications, replay denies it');
    await userEvent.click(screen.getByRole('button', { name: 'Export report (CSV)' }));
    expect(saved).toHaveLength(1);
  });
});
