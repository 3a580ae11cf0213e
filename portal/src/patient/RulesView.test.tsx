/** @jest-environment ./portal/test/support/jsdom-environment.js */
import '@testing-library/jest-dom';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { storedRule } from '../../test/support/ledger';
import { renderAs } from '../../test/support/session';
import { patientApi } from '../api/endpoints';
import type { RuleVersion } from '../api/types';
import { useSession } from '../session/session';
import { RulesView } from './RulesView';

const NOW = '2026-11-23T12:00:00.000Z';
const BASE = '/patients/patient-1';

function View() {
  const { client } = useSession();
  return <RulesView api={patientApi(client, 'patient-1')} now={() => NOW} />;
}

const active = storedRule();
const expired = storedRule({
  ruleId: 'rule-2',
  grantee: { kind: 'role', role: 'clinician', countries: ['FR'] },
  categories: ['results'],
  notAfter: '2026-11-01T00:00:00.000Z',
});
const revoked = storedRule({ ruleId: 'rule-3', status: 'revoked', effect: 'deny', version: 2 });

describe('RulesView', () => {
  it('lists each rule in plain words with its status and version, active first', async () => {
    renderAs('patient', <View />, {
      [`GET ${BASE}/rules`]: { body: { items: [revoked, expired, active], bookmark: '' } },
    });
    const cards = await screen.findAllByRole('listitem');
    expect(cards).toHaveLength(3);
    expect(cards[0]).toHaveTextContent('Active');
    expect(cards[0]).toHaveTextContent(
      'Allow practitioner dr-2 to see your allergies and medicines for treating you.',
    );
    expect(cards[1]).toHaveTextContent('Expired');
    expect(cards[1]).toHaveTextContent('any of the clinicians in France');
    expect(cards[2]).toHaveTextContent('Revoked');
    expect(cards[2]).toHaveTextContent('Version 2');
    expect(within(cards[2] as HTMLElement).queryByRole('button', { name: 'Revoke' })).not.toBeInTheDocument();
  });

  it('revokes a rule after confirmation and shows the list as the ledger now has it', async () => {
    const { network } = renderAs('patient', <View />, {
      [`GET ${BASE}/rules`]: { body: { items: [active], bookmark: '' } },
      [`DELETE ${BASE}/rules/rule-1`]: { body: { ...active, status: 'revoked', version: 2 } },
    });
    await userEvent.click(await screen.findByRole('button', { name: 'Revoke' }));
    expect(network.callsTo(`DELETE ${BASE}/rules/rule-1`)).toHaveLength(0);
    network.set({
      [`GET ${BASE}/rules`]: {
        body: { items: [{ ...active, status: 'revoked', version: 2 }], bookmark: '' },
      },
    });
    await userEvent.click(screen.getByRole('button', { name: 'Yes, revoke this rule' }));
    expect(await screen.findByRole('status')).toHaveTextContent('The rule is revoked');
    expect(network.callsTo(`DELETE ${BASE}/rules/rule-1`)).toHaveLength(1);
    expect(await screen.findByText('Revoked')).toBeInTheDocument();
  });

  it('shows the versions of a rule and restores an earlier one', async () => {
    const v1: RuleVersion = { ...storedRule({ categories: ['allergies'] }), change: 'created' };
    const v2: RuleVersion = { ...storedRule({ version: 2 }), change: 'updated' };
    const { network } = renderAs('patient', <View />, {
      [`GET ${BASE}/rules`]: { body: { items: [storedRule({ version: 2 })], bookmark: '' } },
      [`GET ${BASE}/rules/rule-1/history`]: { body: { items: [v1, v2], bookmark: '' } },
      [`POST ${BASE}/rules/rule-1/restore`]: { body: storedRule({ version: 3 }) },
    });
    await userEvent.click(await screen.findByRole('button', { name: 'Versions' }));
    expect(await screen.findByText(/Version 1 · created/)).toBeInTheDocument();
    expect(
      screen.getByText('Allow practitioner dr-2 to see your allergies for treating you.'),
    ).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Restore version 2' })).not.toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Restore version 1' }));
    expect(network.callsTo(`POST ${BASE}/rules/rule-1/restore`)[0]?.body).toEqual({ version: 1 });
    expect(await screen.findByRole('status')).toHaveTextContent('earlier version is restored');
  });

  it('shows the gateway’s explanation when rules cannot be loaded', async () => {
    renderAs('patient', <View />, {
      [`GET ${BASE}/rules`]: {
        status: 503,
        contentType: 'application/problem+json',
        body: {
          code: 'LEDGER_UNAVAILABLE',
          title: 'Service unavailable',
          detail: 'The ledger is not reachable.',
        },
      },
    });
    expect(await screen.findByRole('alert')).toHaveTextContent('The ledger is not reachable.');
  });
});
