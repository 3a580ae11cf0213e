/** @jest-environment ./portal/test/support/jsdom-environment.js */
import '@testing-library/jest-dom';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { problem } from '../../test/support/network';
import { storedRule } from '../../test/support/ledger';
import { renderAs } from '../../test/support/session';
import { patientApi } from '../api/endpoints';
import { useSession } from '../session/session';
import { RulesView } from './RulesView';

const BASE = '/patients/patient-1';
const LYON = {
  kind: 'organization',
  mspId: 'HospitalFRMSP',
  name: 'Hôpital Saint-Louis Lyon',
  country: 'FR',
};
const MILANO = {
  kind: 'organization',
  mspId: 'HospitalITMSP',
  name: 'Ospedale San Carlo Milano',
  country: 'IT',
};

function View() {
  const { client } = useSession();
  return <RulesView api={patientApi(client, 'patient-1')} now={() => '2026-11-23T12:00:00.000Z'} />;
}

async function openBuilder(routes: Parameters<typeof renderAs>[2]) {
  const rendered = renderAs('patient', <View />, routes);
  await userEvent.click(await screen.findByRole('button', { name: 'New rule' }));
  return rendered;
}

describe('RuleBuilder', () => {
  it('says the rule in plain words, previews what the grantee receives and saves the spec', async () => {
    // An existing deny on medications for everyone: the preview must show it winning over the new permit.
    const deny = storedRule({
      ruleId: 'deny-1',
      effect: 'deny',
      grantee: { kind: 'role', role: 'clinician' },
      categories: ['medications'],
    });
    const { network } = await openBuilder({
      [`GET ${BASE}/rules`]: { body: { items: [deny], bookmark: '' } },
      [`POST ${BASE}/rules`]: { status: 201, body: storedRule({ ruleId: 'rule-9' }) },
      'GET /directory': (call) => ({
        body: {
          items: [LYON, MILANO].filter((entry) =>
            entry.name.toLowerCase().includes(call.query.get('q')?.toLowerCase() ?? ''),
          ),
        },
      }),
      'GET /directory/names': { body: { items: [{ mspId: 'HospitalFRMSP', name: LYON.name }] } },
    });
    await userEvent.click(screen.getByLabelText('Everyone at an organisation'));
    // The patient finds the organisation by its name: no code is typed.
    await userEvent.type(screen.getByLabelText('Find the organisation by name'), 'lyon');
    await waitFor(() => expect(screen.queryByRole('button', { name: /Ospedale/ })).not.toBeInTheDocument());
    await userEvent.click(screen.getByRole('button', { name: 'Hôpital Saint-Louis Lyon (France)' }));
    expect(network.callsTo('GET /directory').at(-1)?.query.get('kind')).toBe('organization');
    await userEvent.click(screen.getByText(/Only in some countries/));
    await userEvent.click(screen.getByLabelText('France'));
    const what = screen.getByRole('group', { name: 'Which information?' });
    await userEvent.click(within(what).getByLabelText('Allergies'));
    await userEvent.click(within(what).getByLabelText('Medicines'));
    await userEvent.click(
      within(screen.getByRole('group', { name: 'Also share sensitive information' })).getByLabelText(
        'Mental health',
      ),
    );

    expect(
      screen.getByText(
        'Allow staff of Hôpital Saint-Louis Lyon in France to see your allergies and medicines, including mental health, for treating you.',
      ),
    ).toBeInTheDocument();
    const preview = screen.getByRole('heading', { name: 'What they would receive' })
      .parentElement as HTMLElement;
    expect(within(preview).getByText(/Allergies — including mental health/)).toBeInTheDocument();
    expect(within(preview).getByText('Not shared: medicines.', { exact: false })).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Save rule' }));
    // Only the organisation's id goes to the ledger, never its name.
    expect(network.callsTo(`POST ${BASE}/rules`)[0]?.body).toEqual({
      effect: 'permit',
      grantee: { kind: 'organization', mspId: 'HospitalFRMSP', countries: ['FR'] },
      categories: ['allergies', 'medications'],
      labels: ['PSY'],
      purposes: ['TREAT'],
    });
    expect(await screen.findByRole('status')).toHaveTextContent('Your new rule is saved.');
  });

  it('says what is missing instead of sending an incomplete rule', async () => {
    const { network } = await openBuilder({ [`GET ${BASE}/rules`]: { body: { items: [], bookmark: '' } } });
    await userEvent.click(screen.getByRole('button', { name: 'Save rule' }));
    expect(screen.getByText('Find the clinician and choose them from the list.')).toBeInTheDocument();
    expect(screen.getByText('Choose at least one kind of information.')).toBeInTheDocument();
    expect(network.callsTo(`POST ${BASE}/rules`)).toHaveLength(0);
  });

  it('shows the gateway’s detail when the rule is refused', async () => {
    await openBuilder({
      [`GET ${BASE}/rules`]: { body: { items: [], bookmark: '' } },
      [`POST ${BASE}/rules`]: problem(400, 'VALIDATION_FAILED', 'notAfter must be after notBefore'),
    });
    await userEvent.click(screen.getByLabelText('Anyone with a role'));
    await userEvent.click(
      within(screen.getByRole('group', { name: 'Which information?' })).getByLabelText('Vaccinations'),
    );
    await userEvent.click(screen.getByLabelText('Block (always wins over “allow”)'));
    expect(
      screen.getByText(
        'Never show any of the clinicians your vaccinations for treating you, even if another rule allows it.',
      ),
    ).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Save rule' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('notAfter must be after notBefore');
  });
});
