/** @jest-environment ./portal/test/support/jsdom-environment.js */
import '@testing-library/jest-dom';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { logEntry, refusedEntry, storedRule } from '../../test/support/ledger';
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

const NOW = '2026-11-23T12:00:00.000Z';
const revokedGrant = {
  ...logEntry(),
  grantId: 'grant-1',
  granted: [{ category: 'allergies', labels: [] }],
  denied: ['medications'],
  rules: [{ ruleId: 'rule-1', version: 1, effect: 'permit' }],
  issuedAt: '2026-11-20T09:30:00.000Z',
  expiresAt: '2026-11-20T10:30:00.000Z',
  revoked: { at: '2026-11-20T09:45:00.000Z', txId: 'tx-9', ruleId: 'rule-1' },
  status: 'revoked',
};

function entries() {
  return [
    logEntry(),
    logEntry({
      entryId: 'e2',
      timestamp: '2026-11-22T03:10:00.000Z',
      emergency: true,
      purpose: 'ETREAT',
      reason: { text: 'unconscious', salt: 'cd'.repeat(32), verified: true },
      requester: { mspId: 'HospitalITMSP', id: 'er-7', role: 'clinician', country: 'IT' },
      grantId: 'grant-e',
      decision: {
        purpose: 'ETREAT',
        categories: [],
        granted: ['allergies'],
        denied: [],
        rules: [{ ruleId: 'emergency-policy', version: 3, effect: 'permit' }],
      },
    }),
    refusedEntry({ entryId: 'e3', timestamp: '2026-11-21T08:00:00.000Z', patientId: 'patient-2' }),
  ];
}

function routes() {
  return {
    'GET /audit/access-log': { body: { items: entries(), bookmark: '' } },
    'GET /patients/patient-1/grants/grant-1': { body: revokedGrant },
    'GET /patients/patient-1/grants/grant-1/deliveries': {
      body: {
        items: [
          {
            deliveryId: 'd-1',
            grantId: 'grant-1',
            patientId: 'patient-1',
            requester: logEntry().requester,
            manifestHash: 'cd'.repeat(32),
            deliveredAt: '2026-11-20T09:35:00.000Z',
          },
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
        : { body: JSON.stringify(report), contentType: 'application/json' },
  };
}

/** The replay's NDJSON stream: progress lines, then (once `hold` resolves) more progress and the report. */
function streamedReplay(hold: Promise<void>) {
  const line = (value: unknown) => `${JSON.stringify(value)}\n`;
  return {
    contentType: 'application/x-ndjson',
    chunks: [
      line({ type: 'progress', blocksVerified: 0, totalBlocks: 42 }) +
        line({ type: 'progress', blocksVerified: 17, totalBlocks: 42 }),
      line({ type: 'progress', blocksVerified: 42, totalBlocks: 42 }) +
        line({ type: 'result', result: report }),
    ],
    hold,
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

  it('opens on an overview of the last 30 days: totals, charts with their tables, emergencies and refusals', async () => {
    const { network } = renderAs('auditor', <AuditorWorkspace now={() => NOW} />, routes());
    expect(await screen.findByRole('heading', { name: 'Overview' })).toBeInTheDocument();
    const query = network.callsTo('GET /audit/access-log')[0]?.query;
    expect(query?.get('from')).toBe('2026-10-24T12:00:00.000Z');
    const total = (label: string) => screen.getByText(label, { selector: 'dt' }).nextSibling?.textContent;
    expect(await screen.findByText('Requests', { selector: 'dt' })).toBeInTheDocument();
    expect([
      total('Requests'),
      total('Shared'),
      total('Refused'),
      total('Emergency uses'),
      total('Patients concerned'),
    ]).toEqual(['3', '1', '1', '1', '2']);
    const perDay = screen.getByRole('figure', { name: 'Requests per day' });
    expect(perDay).toHaveAccessibleDescription(
      'Over the last 30 days: 1 shared, 1 refused, 1 in an emergency.',
    );
    const perOrganisation = screen.getByRole('figure', { name: 'Requests by requesting organisation' });
    const rows = within(within(perOrganisation).getByRole('table')).getAllByRole('row');
    expect(rows.map((row) => row.textContent)).toEqual([
      'OrganisationSharedRefusedEmergencyTotal',
      'HospitalFRMSP1102',
      'HospitalITMSP0011',
    ]);
    const emergencies = screen.getByRole('region', { name: 'Recent emergency uses' });
    expect(within(emergencies).getAllByRole('row')).toHaveLength(2);
    expect(emergencies).toHaveTextContent('“unconscious”');
    expect(within(screen.getByRole('region', { name: 'Recent refusals' })).getAllByRole('row')).toHaveLength(
      2,
    );
  });

  it('shows the last days of the access log at once, then searches with filters and exports as CSV', async () => {
    const { network } = renderAs('auditor', <AuditorWorkspace now={() => NOW} />, routes());
    await userEvent.click(screen.getByRole('button', { name: 'Access log' }));
    const table = await screen.findByRole('table', { name: 'Access-log entries, newest first' });
    expect(within(table).getAllByRole('row')).toHaveLength(4);
    expect(screen.getByRole('status')).toHaveTextContent('3 entries in the last 7 days');
    expect(network.callsTo('GET /audit/access-log').at(-1)?.query.get('from')).toBe(
      '2026-11-16T12:00:00.000Z',
    );

    await userEvent.type(screen.getByLabelText('Requester organisation'), 'HospitalFRMSP');
    await userEvent.type(screen.getByLabelText('Requester id'), 'dr-2');
    await userEvent.click(screen.getByRole('button', { name: 'Search' }));
    await waitFor(() =>
      expect(Object.fromEntries(network.callsTo('GET /audit/access-log').at(-1)?.query ?? [])).toEqual({
        requesterMspId: 'HospitalFRMSP',
        requesterId: 'dr-2',
        pageSize: '100',
      }),
    );
    const rows = within(
      await screen.findByRole('table', { name: 'Access-log entries, newest first' }),
    ).getAllByRole('row');
    expect(rows[1]).toHaveTextContent('er-7 (HospitalITMSP, Italy)');
    expect(rows[1]).toHaveTextContent('Emergency treatment · emergency “unconscious”');
    expect(rows[1]).toHaveTextContent('emergency policy v3');
    expect(rows[2]).toHaveTextContent('default deny');
    expect(rows[3]).toHaveTextContent('dr-2 (HospitalFRMSP, France)');
    expect(rows[3]).toHaveTextContent('rule-1 v1 (Allow)');

    await userEvent.click(screen.getByRole('button', { name: 'Export CSV' }));
    expect(saved).toHaveLength(1);
    const text = await new Promise<string>((resolve) => {
      const reader = new FileReader();
      reader.onload = () => resolve(String(reader.result));
      reader.readAsText(saved[0] as Blob);
    });
    const lines = text.trim().split('\r\n');
    expect(lines).toHaveLength(4);
    expect(lines[3]).toContain(
      'patient-1,HospitalFRMSP,dr-2,clinician,FR,TREAT,false,allergies medications,allergies',
    );

    // A deciding rule opens its history as diffs.
    await userEvent.click(within(rows[3] as HTMLElement).getByRole('button', { name: 'rule-1 v1 (Allow)' }));
    const history = await screen.findByRole('region', { name: 'History of rule rule-1' });
    expect(await within(history).findByRole('heading', { name: /Version 2 · revoked/ })).toBeInTheDocument();
  });

  it('shows whether a grant was revoked and when its record was delivered', async () => {
    const { network } = renderAs('auditor', <AuditorWorkspace now={() => NOW} />, routes());
    await userEvent.click(screen.getByRole('button', { name: 'Access log' }));
    const table = await screen.findByRole('table', { name: 'Access-log entries, newest first' });
    const row = within(table)
      .getAllByRole('row')
      .find((r) => r.textContent?.includes('rule-1')) as HTMLElement;
    await userEvent.click(within(row).getByRole('button', { name: 'Check' }));
    expect(await within(row).findByText(/^Withdrawn/)).toBeInTheDocument();
    expect(row).toHaveTextContent(/by a change of rule-1/);
    expect(row).toHaveTextContent(/delivered once: /);
    expect(network.callsTo('GET /patients/patient-1/grants/grant-1')).toHaveLength(1);
  });

  it('says in the auditor’s words when the filters are not enough, with the gateway’s detail at hand', async () => {
    renderAs('auditor', <AuditorWorkspace now={() => NOW} />, {
      ...routes(),
      'GET /audit/access-log': (call: { query: URLSearchParams }) =>
        call.query.has('from')
          ? { body: { items: entries(), bookmark: '' } }
          : problem(400, 'VALIDATION_FAILED', 'give patientId, or requesterMspId with requesterId, or from'),
    });
    await userEvent.click(screen.getByRole('button', { name: 'Access log' }));
    await screen.findByRole('table', { name: 'Access-log entries, newest first' });
    await userEvent.type(screen.getByLabelText('Requester organisation'), 'HospitalFRMSP');
    await userEvent.click(screen.getByRole('button', { name: 'Search' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Some of what was entered was not accepted.');
    expect(alert).toHaveTextContent('give patientId, or requesterMspId with requesterId');
  });

  it('explores the latest blocks, a block’s transactions, a transaction’s writes, and a rule’s history as diffs', async () => {
    const { network } = renderAs('auditor', <AuditorWorkspace now={() => NOW} />, routes());
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

  it('shows the blocks verified of the total while replay runs, then names every discrepancy', async () => {
    let release = () => undefined as void;
    const hold = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { network } = renderAs('auditor', <AuditorWorkspace now={() => NOW} />, {
      ...routes(),
      'POST /audit/replay': (call: { query: URLSearchParams }) =>
        call.query.get('format') === 'csv'
          ? { body: 'kind,block,txId,detail\r\n', contentType: 'text/csv' }
          : streamedReplay(hold),
    });
    await userEvent.click(screen.getByRole('button', { name: 'Replay & verify' }));
    await userEvent.click(screen.getByRole('button', { name: 'Run replay & verify' }));
    expect(await screen.findByText('17 of 42 blocks verified')).toBeInTheDocument();
    expect(screen.getByRole('progressbar', { name: 'Blocks verified' })).toHaveAttribute('value', '17');
    expect(network.callsTo('POST /audit/replay')[0]?.headers.accept).toBe('application/x-ndjson');
    release();
    expect(await screen.findByRole('alert')).toHaveTextContent('1 discrepancy found');
    expect(screen.queryByRole('progressbar')).not.toBeInTheDocument();
    expect(screen.getByText('Decisions re-derived').nextSibling).toHaveTextContent('9');
    const row = screen.getAllByRole('row')[1] as HTMLElement;
    expect(row).toHaveTextContent('DECISION_MISMATCH17');
    expect(row).toHaveTextContent('granted medications, replay denies it');
    await userEvent.click(screen.getByRole('button', { name: 'Export report (CSV)' }));
    expect(saved).toHaveLength(1);
  });

  it('tells a replay that fails half-way in the auditor’s language, with the gateway’s words at hand', async () => {
    const line = (value: unknown) => `${JSON.stringify(value)}\n`;
    renderAs('auditor', <AuditorWorkspace now={() => NOW} />, {
      ...routes(),
      'POST /audit/replay': {
        contentType: 'application/x-ndjson',
        chunks: [
          line({ type: 'progress', blocksVerified: 0, totalBlocks: 42 }) +
            line({
              type: 'error',
              problem: { status: 503, code: 'LEDGER_UNAVAILABLE', detail: 'peer down' },
            }),
        ],
      },
    });
    await userEvent.click(screen.getByRole('button', { name: 'Replay & verify' }));
    await userEvent.click(screen.getByRole('button', { name: 'Run replay & verify' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('The ledger cannot be reached right now.');
    expect(alert).toHaveTextContent('peer down');
  });
});
