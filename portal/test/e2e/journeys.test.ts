/**
 * End-to-end: Chromium drives the built portal against the real platform (embedded network, data lake, gateway),
 * one journey per kind of user, in the order a real day would go: a centre uploads, a clinician is granted and
 * reads the record, the patient reviews and revokes, the clinician's next request is refused, an emergency
 * access goes through the card, and an auditor verifies the chain. Screenshots go to portal/test-output/.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { launchChromium } from './chromium';
import type { Browser } from './chromium';
import { startStack } from './stack';
import type { Stack } from './stack';

const OUTPUT = path.resolve(__dirname, '../../test-output');
const PATIENT = 'patient-anna';

let stack: Stack;
let browser: Browser;
let cardCode = '';
/** The clinician's tab with the granted record, left open while the patient revokes. */
let openRecord: Page | undefined;
/** Uncaught script errors in any page: a journey that passes with one is still broken. */
const pageErrors: string[] = [];

jest.setTimeout(240_000);

beforeAll(async () => {
  mkdirSync(OUTPUT, { recursive: true });
  // Chromium first: when it cannot start, the suite fails at once, before the platform is started.
  browser = await launchChromium();
  stack = await startStack();
});

afterEach(() => {
  expect(pageErrors.splice(0)).toEqual([]);
});

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(OUTPUT, `${name}.png`), fullPage: true });
}

/** A new tab (its own sessionStorage, so its own session) signed in as a demo user. */
async function signIn(username: string): Promise<Page> {
  const page = await browser.context.newPage();
  page.setDefaultTimeout(30_000);
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(stack.url);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(stack.login(username).password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  return page;
}

function allergyBundle(): Buffer {
  return Buffer.from(
    JSON.stringify({
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        {
          resource: {
            resourceType: 'AllergyIntolerance',
            clinicalStatus: {
              coding: [
                {
                  system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical',
                  code: 'active',
                  display: 'Active',
                },
              ],
            },
            code: {
              coding: [{ system: 'http://snomed.info/sct', code: '300916003', display: 'Latex allergy' }],
            },
            patient: { reference: `Patient/${PATIENT}` },
          },
          request: { method: 'POST', url: 'AllergyIntolerance' },
        },
      ],
    }),
  );
}

/** Waits until a row (or any element) with all these texts is on the page. */
async function seeRow(page: Page, ...texts: string[]): Promise<void> {
  let rows = page.getByRole('row');
  for (const text of texts) rows = rows.filter({ hasText: text });
  await rows.first().waitFor();
}

describe('portal journeys on the real platform', () => {
  it('a centre drops a FHIR file and a large scan, sees each upload progress and its history', async () => {
    const page = await signIn('centre.berlin');
    await page.getByLabel('Patient identifier').fill(PATIENT);
    await page.setInputFiles('input[type=file]', [
      { name: 'latex-allergy.json', mimeType: 'application/fhir+json', buffer: allergyBundle() },
      // Larger than one part: goes through the chunked upload routes.
      { name: 'chest-x-ray.pdf', mimeType: 'application/pdf', buffer: Buffer.alloc(9 * 1024 * 1024, 7) },
    ]);
    await page.getByRole('list', { name: 'Files' }).getByRole('listitem').nth(1).waitFor();
    await page.getByRole('button', { name: 'Upload files' }).click();
    await page.locator('.upload-done').nth(1).waitFor({ timeout: 120_000 });
    expect(await page.locator('.upload-failed').count()).toBe(0);
    const bars = await page
      .locator('progress')
      .evaluateAll((all) => all.map((b) => (b as HTMLProgressElement).value));
    expect(bars).toEqual([1, 1]);
    await shot(page, 'centre-upload');

    await page.getByRole('button', { name: 'History' }).click();
    await seeRow(page, 'latex-allergy.json', 'Stored');
    await seeRow(page, 'chest-x-ray.pdf', 'Stored');
    await shot(page, 'centre-history');
    await page.close();
  });

  it('a clinician in France finds the patient, is granted, reads the record by section and adds a note', async () => {
    const page = await signIn('dr.dubois');
    await page.getByLabel('Patient identifier').fill(PATIENT);
    await page.getByRole('button', { name: 'Find' }).click();
    await page.getByRole('button', { name: 'Request access' }).click();
    await page.getByText('Access granted to allergies, medicines and health problems').waitFor();
    const record = page.getByRole('article', { name: 'Temporary record' });
    await record.getByText('Latex allergy').waitFor();
    await record.getByText('Allergy to penicillin').waitFor();
    await record.getByRole('region', { name: 'Medication Summary' }).getByText('ramipril').waitFor();
    expect(await record.getByRole('timer').innerText()).toMatch(/\d+ (h|min) .* left/);
    await shot(page, 'clinician-record');

    await page.getByLabel('Note').fill('Mild reaction to latex gloves during examination.');
    await page.getByRole('button', { name: 'Send addition' }).click();
    await page.getByText('Sent. It waits for the patient’s approval.').waitFor();
    openRecord = page;
  });

  it('the patient sees who looked, approves the addition, keeps the card and revokes the rule for France', async () => {
    const page = await signIn('anna');
    await page.getByRole('heading', { name: 'My sharing rules' }).waitFor();
    await page.getByText('Allow any of the clinicians in France').waitFor();
    await shot(page, 'patient-rules');
    await page.setViewportSize({ width: 390, height: 844 });
    await shot(page, 'patient-rules-phone');
    await page.setViewportSize({ width: 1280, height: 900 });

    // The builder says a rule back in plain words and previews it against the patient's real rules.
    await page.getByRole('button', { name: 'New rule' }).click();
    await page.getByLabel('Anyone with a role').check();
    await page.getByRole('group', { name: 'Which information?' }).getByLabel('Test results').check();
    await page.getByText('Allow any of the clinicians to see your test results for treating you.').waitFor();
    await page.getByRole('heading', { name: 'What they would receive' }).waitFor();
    await shot(page, 'patient-rule-builder');
    await page.getByRole('button', { name: 'Cancel' }).click();

    await page.getByRole('button', { name: 'Who looked' }).click();
    const entries = page.getByRole('list', { name: 'Accesses, newest first' });
    await entries.getByText('Clinician clin-dubois (HospitalFRMSP, France)').waitFor();
    await entries.getByText('Shared: allergies, medicines and health problems.', { exact: false }).waitFor();
    await page.getByRole('img', { name: /Over the last 30 days: 1 accesses shared/ }).waitFor();
    await shot(page, 'patient-timeline');

    await page.getByRole('button', { name: 'Additions' }).click();
    await page.getByText('Waiting for your decision').waitFor();
    await page.getByRole('button', { name: 'Show what was added' }).click();
    await page.getByText(/Mild reaction to latex gloves during examination/).waitFor();
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.getByText('Approved').waitFor();

    await page.getByRole('button', { name: 'Emergency' }).click();
    await page.getByRole('img', { name: 'Emergency card QR code' }).waitFor();
    cardCode = (await page.locator('.emergency-card code').innerText()).trim();
    expect(cardCode).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{16}$/);
    await shot(page, 'patient-emergency');

    await page.getByRole('button', { name: 'My rules' }).click();
    const franceRule = page.getByRole('listitem').filter({ hasText: 'any of the clinicians in France' });
    await franceRule.getByRole('button', { name: 'Revoke' }).click();
    await franceRule.getByRole('button', { name: 'Yes, revoke this rule' }).click();
    await page.getByText('The rule is revoked. Nobody can use it from now on.').waitFor();
    await franceRule.getByText('Revoked').waitFor();
    await page.close();

    // The clinician's open record goes as soon as the page checks its grant (on focus, or every 30 s).
    const clinician = openRecord as Page;
    await clinician.bringToFront();
    await clinician.evaluate(() => window.dispatchEvent(new Event('focus')));
    await clinician.getByText('this record was withdrawn and deleted', { exact: false }).waitFor();
    expect(await clinician.getByText('Latex allergy').count()).toBe(0);
    await shot(clinician, 'clinician-withdrawn');
    await clinician.close();
  });

  it('after the revocation the clinician’s next request is refused; emergency access through the card works', async () => {
    const page = await signIn('dr.dubois');
    await page.getByLabel('Patient identifier').fill(PATIENT);
    await page.getByRole('button', { name: 'Find' }).click();
    await page.getByRole('button', { name: 'Request access' }).click();
    const refusal = page.getByRole('alert').filter({ hasText: 'Access refused' });
    await refusal.waitFor();
    expect(await page.getByRole('article', { name: 'Temporary record' }).count()).toBe(0);
    await shot(page, 'clinician-refused');

    await page.getByLabel('Emergency card (scanned code)').check();
    await page.getByLabel('Card code').fill(cardCode);
    await page.getByRole('button', { name: 'Find' }).click();
    await page.getByLabel('Reason').fill('Unconscious after a road accident, allergy status needed');
    await page.getByRole('button', { name: 'Open in emergency' }).click();
    const record = page.getByRole('article', { name: 'Temporary record' });
    await record.getByText('Latex allergy').waitFor();
    await shot(page, 'clinician-emergency');
    await page.close();
  });

  it('the patient is told about the emergency access', async () => {
    const page = await signIn('anna');
    const notice = page.getByRole('alert').filter({ hasText: 'Your record was opened in an emergency' });
    await notice.getByText(/Unconscious after a road accident/).waitFor();
    await shot(page, 'patient-emergency-notice');
    await page.close();
  });

  it('an auditor signs in with TOTP, searches the access log, exports it, explores the chain and verifies it', async () => {
    const page = await signIn('auditor');
    await page.getByLabel('6-digit code').fill(await stack.totp('auditor'));
    await page.getByRole('button', { name: 'Verify and sign in' }).click();

    await page.getByLabel('Patient id').fill(PATIENT);
    await page.getByRole('button', { name: 'Search' }).click();
    await seeRow(page, 'clin-dubois', 'TREAT', 'allergies');
    await seeRow(page, 'clin-dubois', 'ETREAT', 'emergency');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    const csv = readFileSync(await download.path(), 'utf8');
    expect(csv.split('\r\n')[0]).toContain('timestamp,entryId,patientId');
    expect(csv).toContain('clin-dubois');
    await shot(page, 'auditor-access-log');
    // The rule that granted the first request: its history shows the patient's revocation.
    await page
      .getByRole('row')
      .filter({ hasText: 'clin-dubois' })
      .filter({ hasText: 'allergies, medications, problems' })
      .first()
      .getByRole('button', { name: /v1 \(permit\)/ })
      .click();
    await page.getByRole('heading', { name: /Version 2 · revoked/ }).waitFor();
    await shot(page, 'auditor-rule-history');

    await page.getByRole('button', { name: 'Chain explorer' }).click();
    await page.getByText(/\d+ blocks in the chain/).waitFor();
    await page
      .getByRole('button', { name: /^Block \d+$/ })
      .first()
      .click();
    await page.getByRole('heading', { name: /^Block \d+$/ }).waitFor();
    await shot(page, 'auditor-chain');

    await page.getByRole('button', { name: 'Replay & verify', exact: true }).click();
    await page.getByRole('button', { name: 'Run replay & verify' }).click();
    await page
      .getByText('Verified: every decision and delivery matches the chain.')
      .waitFor({ timeout: 120_000 });
    await shot(page, 'auditor-replay');
    await page.close();
  });
});
