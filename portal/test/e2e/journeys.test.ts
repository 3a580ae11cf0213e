/**
 * End-to-end: Chromium drives the built portal against the real platform (embedded network, data lake, gateway),
 * one journey per kind of user, in the order a real day would go: a records office in Germany uploads (in
 * German), a clinician in France is granted and reads the record (in French), the patient reviews and revokes
 * (in English), the clinician's next request is refused and an emergency access goes through the card, the
 * patient is told once, and an auditor reviews and verifies the chain. Every screen is checked by axe-core at
 * desktop and phone width (no serious or critical violation, no sideways scrolling). Screenshots go to
 * portal/test-output/.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { checkScreen, PHONE } from './a11y';
import type { ScreenCheck } from './a11y';
import { BROWSER_LOCALE, BROWSER_TIME_ZONE, launchChromium } from './chromium';
import type { Browser } from './chromium';
import { startStack } from './stack';
import type { Stack } from './stack';

const OUTPUT = path.resolve(__dirname, '../../test-output');
/** Anna's pseudonym, generated when the platform seeded the demo. */
let PATIENT = '';

let stack: Stack;
let browser: Browser;
let cardCode = '';
/** The clinician's tab with the granted record, left open while the patient revokes. */
let openRecord: Page | undefined;
/** Uncaught script errors in any page: a journey that passes with one is still broken. */
const pageErrors: string[] = [];
/** Every screen's accessibility and phone-width check, asserted after each journey. */
const checks: ScreenCheck[] = [];

jest.setTimeout(300_000);

beforeAll(async () => {
  mkdirSync(OUTPUT, { recursive: true });
  // Chromium first: when it cannot start, the suite fails at once, before the platform is started.
  browser = await launchChromium();
  stack = await startStack();
  PATIENT = stack.login('anna').ledgerId;
});

afterEach(() => {
  expect(pageErrors.splice(0)).toEqual([]);
  // Each screen: no serious or critical axe violation at either width, nothing scrolls sideways on a phone.
  expect(
    checks.splice(0).filter((c) => c.desktop.length + c.phone.length > 0 || c.phoneOverflow > 0),
  ).toEqual([]);
});

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(OUTPUT, `${name}.png`), fullPage: true });
}

async function check(page: Page, screen: string, atPhone?: (page: Page) => Promise<void>): Promise<void> {
  checks.push(await checkScreen(page, screen, shot, atPhone));
}

/** A new tab (its own sessionStorage, so its own session) signed in as a demo user, in the language chosen. */
async function signIn(username: string, language: 'en' | 'de' | 'fr' | 'it'): Promise<Page> {
  const page = await browser.context.newPage();
  page.setDefaultTimeout(30_000);
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(stack.url);
  // The language menu names itself in every language it offers.
  await page.getByRole('combobox', { name: /^(Language|Sprache|Langue|Lingua)$/ }).selectOption(language);
  await page.locator(`html[lang="${language}"]`).waitFor({ state: 'attached' });
  await page.locator('input[name=username]').fill(username);
  await page.locator('input[name=password]').fill(stack.login(username).password);
  await page.locator('form button[type=submit]').click();
  return page;
}

/** What an instant looks like to this browser's reader (its locale and time zone). */
function asShown(instant: string, locale = BROWSER_LOCALE): string {
  return new Intl.DateTimeFormat(locale, {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: BROWSER_TIME_ZONE,
  }).format(new Date(instant));
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

/** A lab result whose value is text where FHIR wants a number: refused, with the place of the issue. */
function brokenResult(): Buffer {
  return Buffer.from(
    JSON.stringify({
      resourceType: 'Observation',
      status: 'final',
      code: { coding: [{ system: 'http://loinc.org', code: '2345-7', display: 'Glucose' }] },
      subject: { reference: `Patient/${PATIENT}` },
      valueQuantity: { value: 'high', unit: 'mg/dL' },
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
  it('a records office in Germany confirms the patient and uploads in German: each file’s progress, what was stored, a refused file’s issues', async () => {
    const page = await signIn('centre.berlin', 'de');
    await page.getByLabel('Kennung der Patientin / des Patienten').fill(PATIENT);
    // Before anything is sent, the office sees whom the id names, and confirms it.
    await page.getByRole('button', { name: 'Prüfen, wer das ist' }).click();
    await page.getByText('Anna Keller, geboren am 14. März 1981').waitFor();
    await check(page, 'centre-confirm-patient');
    await page.getByLabel('Das ist die Person, deren Unterlagen ich hochlade').check();
    await page.setInputFiles('input[type=file]', [
      { name: 'latex-allergy.json', mimeType: 'application/fhir+json', buffer: allergyBundle() },
      // Larger than one part: goes through the chunked upload routes.
      { name: 'chest-x-ray.pdf', mimeType: 'application/pdf', buffer: Buffer.alloc(9 * 1024 * 1024, 7) },
      { name: 'glucose.json', mimeType: 'application/fhir+json', buffer: brokenResult() },
    ]);
    const queue = page.getByRole('list', { name: 'Dateien' });
    await queue.getByRole('listitem').nth(2).waitFor();
    await page.getByRole('button', { name: 'Dateien hochladen' }).click();
    await page.locator('.upload-done').nth(1).waitFor({ timeout: 120_000 });
    await page.locator('.upload-failed').first().waitFor();
    const refused = queue.getByRole('listitem').filter({ hasText: 'glucose.json' });
    await refused.getByText('Die Datei ist kein gültiges FHIR.').waitFor();
    await refused.getByText(/1 Fehler in der Datei zu beheben/).waitFor();
    await refused.getByText(/valueQuantity|value\[x\]/).waitFor();
    await queue
      .getByRole('listitem')
      .filter({ hasText: 'latex-allergy.json' })
      .getByText(/1 Eintrag gespeichert: 1 neu/)
      .waitFor();
    const bars = await page
      .locator('progress')
      .evaluateAll((all) => all.map((b) => (b as HTMLProgressElement).value));
    expect(bars.slice(0, 2)).toEqual([1, 1]);
    await check(page, 'centre-upload');

    await page.getByRole('button', { name: 'Verlauf' }).click();
    const history = page.getByRole('list', { name: 'Upload-Verlauf' });
    const stored = history.getByRole('listitem').filter({ hasText: 'latex-allergy.json' });
    await stored.getByText('Gespeichert', { exact: true }).waitFor();
    await history
      .getByRole('listitem')
      .filter({ hasText: 'chest-x-ray.pdf' })
      .getByText('Gespeichert', { exact: true })
      .waitFor();
    const failed = history.getByRole('listitem').filter({ hasText: 'glucose.json' });
    await failed.getByText('Abgelehnt', { exact: true }).waitFor();
    await failed
      .getByText(/Bundle|Observation/)
      .first()
      .waitFor();
    await check(page, 'centre-history', async (phone) => {
      // At phone width every upload's status is in view, not cut off at the right.
      const box = await phone.locator('.uploads .upload-state').first().boundingBox();
      expect(box && box.x >= 0 && box.x + box.width <= PHONE.width).toBe(true);
    });
    await page.close();
  });

  it('a clinician in France asks for the minimum for treatment and reads the record by section, in French', async () => {
    const page = await signIn('dr.dubois', 'fr');
    await page.getByLabel('Identifiant du patient').fill(PATIENT);
    await page.getByRole('button', { name: 'Rechercher' }).click();
    const request = page.getByRole('form', { name: 'Demander l’accès' });
    // Nothing is asked for before the purpose; treatment suggests the IPS essentials.
    expect(await request.getByRole('checkbox').count()).toBe(0);
    await request.getByLabel('Soins', { exact: true }).check();
    const ticked = await request
      .getByRole('checkbox', { checked: true })
      .evaluateAll((boxes) => boxes.map((box) => box.parentElement?.textContent));
    expect(ticked).toEqual(['Allergies', 'Médicaments', 'Problèmes de santé']);
    await check(page, 'clinician-request');
    await request.getByRole('button', { name: 'Demander l’accès' }).click();
    await page.getByText('Accès accordé : allergies, médicaments et problèmes de santé.').waitFor();
    const record = page.getByRole('article', { name: 'Dossier temporaire' });
    const allergies = record.getByRole('region', { name: /^Allergies et intolérances/ });
    await allergies.getByText('Latex allergy').waitFor();
    await allergies.getByText('Allergy to penicillin').waitFor();
    await record
      .getByRole('region', { name: /^Traitements en cours/ })
      .getByText('ramipril')
      .waitFor();
    expect(await record.getByRole('timer').innerText()).toMatch(/^encore \d+ h \d+ min$/);
    // The identification set her hospital releases with every record: the clinician can tell who she is.
    await page.getByRole('heading', { name: /Anna Keller, né\(e\) le 14 mars 1981/ }).waitFor();
    await check(page, 'clinician-record');

    await page.getByLabel('Note', { exact: true }).fill('Mild reaction to latex gloves during examination.');
    await page.getByRole('button', { name: 'Envoyer l’ajout' }).click();
    await page.getByText('Envoyé. L’ajout attend l’accord du patient.').waitFor();
    openRecord = page;
  });

  it('the patient sees who looked and that the record was opened, approves the addition, and revokes the rule for France', async () => {
    const page = await signIn('anna', 'en');
    await page.getByRole('heading', { name: 'My sharing rules' }).waitFor();
    await page.getByText('Allow any of the clinicians in France').waitFor();
    // Rules name people by name, not by the ids the ledger holds.
    await page.getByText(/^Allow Dr\. Jonas Weber to see your/).waitFor();
    await check(page, 'patient-rules');

    // The builder finds a clinician by name and country (no id typed), says the rule back in plain words and
    // previews it against the patient's real rules.
    await page.getByRole('button', { name: 'New rule' }).click();
    await page.getByLabel('A specific clinician').check();
    await page.getByLabel('Find the clinician by name').fill('rossi');
    await page
      .getByRole('button', { name: /^Dr\. Paolo Rossi · Clinician, Ospedale San Carlo Milano \(Italy\)$/ })
      .click();
    await page.getByText('Chosen: Dr. Paolo Rossi').waitFor();
    await page.getByRole('group', { name: 'Which information?' }).getByLabel('Test results').check();
    await page.getByText('Allow Dr. Paolo Rossi to see your test results for treating you.').waitFor();
    await page.getByRole('heading', { name: 'What they would receive' }).waitFor();
    await check(page, 'patient-rule-builder');
    await page.getByRole('button', { name: 'Cancel' }).click();

    // Her own record: every section with its sources, and who her rules share each part with, by name.
    await page.getByRole('button', { name: 'My record' }).click();
    const allergies = page.getByRole('region', { name: /^Allergies and intolerances/ });
    await allergies.getByText('Allergy to penicillin').first().waitFor();
    await allergies.getByText(/^Your rules share this with: .*Dr\. Jonas Weber/).waitFor();
    await page
      .getByRole('region', { name: /^Problem list/ })
      .getByText('Sensitive: mental health — shared only by a rule that names it.')
      .waitFor();
    await check(page, 'patient-my-record');

    await page.getByRole('button', { name: 'Who looked' }).click();
    const entries = page.getByRole('list', { name: 'Requests, newest first' });
    const dubois = entries
      .getByRole('listitem')
      .filter({ hasText: 'Dr. Claire Dubois (Clinician, Hôpital Saint-Louis Lyon, France)' });
    await dubois.getByText('Shared: allergies, medicines and health problems.', { exact: false }).waitFor();
    // Opened: the delivery of the record, at a time written for this reader (en-GB, Berlin), not in UTC.
    await dubois.getByText(/^Opened on .* by Dr\. Claire Dubois/).waitFor();
    const when = await dubois.locator('time').first().getAttribute('datetime');
    expect(await dubois.locator('time').first().innerText()).toBe(asShown(when ?? ''));
    await page
      .getByRole('figure', { name: 'Requests for your record, last 30 days' })
      .getByText('Over the last 30 days: 1 shared, 0 refused, 0 in an emergency.')
      .waitFor();
    await check(page, 'patient-timeline');

    await page.getByRole('button', { name: /^Additions/ }).click();
    await page.getByText('Waiting for your decision').waitFor();
    await page.getByRole('button', { name: 'Show what was added' }).click();
    await page.getByText(/Mild reaction to latex gloves during examination/).waitFor();
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.getByText('Approved').waitFor();
    await check(page, 'patient-additions');

    await page.getByRole('button', { name: 'Emergency' }).click();
    await page.getByRole('img', { name: 'Emergency card QR code' }).waitFor();
    cardCode = (await page.locator('.emergency-card code').innerText()).trim();
    expect(cardCode).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{16}$/);
    await check(page, 'patient-emergency');

    await page.getByRole('button', { name: 'My rules' }).click();
    const franceRule = page.getByRole('listitem').filter({ hasText: 'any of the clinicians in France' });
    await franceRule.getByRole('button', { name: 'Revoke' }).click();
    await franceRule.getByRole('button', { name: 'Yes, revoke this rule' }).click();
    await page.getByText('The rule is revoked. Nobody can use it from now on.').waitFor();
    await franceRule.getByText('Revoked').waitFor();

    // The grant it made is now marked as withdrawn in "Who looked".
    await page.reload();
    await page.getByRole('button', { name: 'Who looked' }).click();
    await page
      .getByRole('list', { name: 'Requests, newest first' })
      .getByRole('listitem')
      .filter({ hasText: 'Dr. Claire Dubois' })
      .getByText(/^Access withdrawn on /)
      .waitFor();
    await page.close();

    // The clinician's open record goes as soon as the page checks its grant (on focus, or every 30 s).
    const clinician = openRecord as Page;
    await clinician.bringToFront();
    await clinician.evaluate(() => window.dispatchEvent(new Event('focus')));
    await clinician.getByText('ce dossier a été retiré et supprimé', { exact: false }).waitFor();
    expect(await clinician.getByText('Latex allergy').count()).toBe(0);
    await check(clinician, 'clinician-withdrawn');
    await clinician.close();
  });

  it('after the revocation the clinician’s next request is refused; emergency access through the card works, flagged', async () => {
    const page = await signIn('dr.dubois', 'fr');
    await page.getByLabel('Identifiant du patient').fill(PATIENT);
    await page.getByRole('button', { name: 'Rechercher' }).click();
    await page.getByLabel('Soins', { exact: true }).check();
    await page.getByRole('button', { name: 'Demander l’accès' }).click();
    const refusal = page.getByRole('alert').filter({ hasText: 'Accès refusé' });
    await refusal.waitFor();
    expect(await page.getByRole('article', { name: 'Dossier temporaire' }).count()).toBe(0);
    await check(page, 'clinician-refused');

    // Marco never set up emergency access: the refusal says so, not that his rules refuse.
    await page.getByLabel('Identifiant du patient').fill(stack.login('marco').ledgerId);
    await page.getByRole('button', { name: 'Rechercher' }).click();
    await page.getByLabel('Urgence : le patient ne peut pas consentir').check();
    await page
      .getByLabel(/^Ce qui s’est passé/)
      .fill('Inconscient à l’arrivée aux urgences, aucun proche joignable');
    await page.getByRole('button', { name: 'Ouvrir en urgence' }).click();
    const noPolicy = page.getByRole('alert').filter({ hasText: 'Pas d’accès d’urgence pour ce patient' });
    await noPolicy.getByText(/n’a pas configuré d’accès d’urgence/).waitFor();
    await check(page, 'clinician-no-emergency-policy');

    await page.getByLabel('Carte d’urgence (code scanné)').check();
    await page.getByLabel('Code de la carte').fill(cardCode);
    await page.getByRole('button', { name: 'Rechercher' }).click();
    await page.getByLabel('Urgence : le patient ne peut pas consentir').check();
    await page
      .getByLabel(/^Ce qui s’est passé/)
      .fill('Inconscient après un accident de la route, allergies à vérifier');
    await page.getByRole('button', { name: 'Ouvrir en urgence' }).click();
    const record = page.getByRole('article', { name: 'Dossier temporaire' });
    const banner = record.getByRole('note', { name: 'Accès d’urgence' });
    await banner.getByText('ACCÈS D’URGENCE').waitFor();
    await banner.getByText(/Le patient est inconscient/).waitFor();
    await record.getByText('Latex allergy').waitFor();
    await check(page, 'clinician-emergency');
    await page.close();
  });

  it('the patient is told about the emergency access once (dismissed, it stays dismissed) and ends it with “End now”', async () => {
    const page = await signIn('anna', 'en');
    const notice = page.getByRole('alert').filter({ hasText: 'Your record was opened in an emergency' });
    await notice.getByText(/Inconscient après un accident de la route/).waitFor();
    await check(page, 'patient-emergency-notice');
    await notice.getByRole('button', { name: 'I have seen this' }).click();
    await notice.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.close();

    const again = await signIn('anna', 'en');
    await again.getByRole('heading', { name: 'My sharing rules' }).waitFor();
    await again.getByRole('button', { name: 'Who looked' }).click();
    await again
      .getByText('Emergency access: “Inconscient après un accident de la route', { exact: false })
      .waitFor();
    expect(await again.getByText('Your record was opened in an emergency').count()).toBe(0);

    // Who can see the record now: the emergency access, by name; the patient ends it at once.
    await again.getByRole('button', { name: 'Open accesses' }).click();
    const open = again.getByRole('list', { name: 'Who can see my record now' });
    const emergencyAccess = open.getByRole('listitem').filter({ hasText: 'Dr. Claire Dubois' });
    await emergencyAccess.getByText('Emergency access').waitFor();
    await check(again, 'patient-open-accesses');
    await emergencyAccess.getByRole('button', { name: 'End now' }).click();
    await emergencyAccess.getByRole('button', { name: 'Yes, end it now' }).click();
    await again.getByText(/^The access of Dr\. Claire Dubois .* has ended\./).waitFor();
    await again.getByText('Nobody has an open access to your record.').waitFor();
    await again.getByRole('button', { name: 'Who looked' }).click();
    await again.getByText(/^Access ended on .*: you ended it\.$/).waitFor();
    await again.close();
  });

  it('an auditor signs in with TOTP, reviews the overview and the recent log, checks a grant, and verifies the chain', async () => {
    const page = await signIn('auditor', 'en');
    await page.getByLabel('6-digit code').fill(await stack.totp('auditor'));
    await page.getByRole('button', { name: 'Verify and sign in' }).click();

    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await page.getByRole('figure', { name: 'Requests per day' }).waitFor();
    await page
      .getByRole('figure', { name: 'Requests by requesting organisation' })
      .getByRole('row', { name: /HospitalFRMSP/ })
      .waitFor();
    // Two break-glass requests by Dr. Dubois (Marco's refused, Anna's granted), each named beside its id.
    await page
      .getByRole('region', { name: 'Recent emergency uses' })
      .getByText(/Dr\. Claire Dubois/)
      .first()
      .waitFor();
    await page
      .getByRole('region', { name: 'Recent refusals' })
      .getByText(/clin-dubois/)
      .first()
      .waitFor();
    await page.locator('.chart-canvas svg').first().waitFor();
    await check(page, 'auditor-overview');

    // The log shows the last days at once, without a search.
    await page.getByRole('button', { name: 'Access log' }).click();
    await seeRow(
      page,
      'Dr. Claire Dubois',
      'clin-dubois',
      'Hôpital Saint-Louis Lyon',
      'Treatment',
      'allergies',
    );
    await seeRow(page, 'clin-dubois', 'Emergency treatment', 'emergency');
    const first = page
      .getByRole('row')
      .filter({ hasText: 'clin-dubois' })
      .filter({ hasText: 'allergies, medicines and health problems' })
      .filter({ hasText: 'Allow' })
      .first();
    await first.getByRole('button', { name: 'Check' }).click();
    await first.getByText('Withdrawn').waitFor();
    await first.getByText(/delivered once/).waitFor();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    const csv = readFileSync(await download.path(), 'utf8');
    expect(csv.split('\r\n')[0]).toContain('timestamp,entryId,patientId');
    expect(csv).toContain('clin-dubois');
    // The rule that granted the first request: its history shows the patient's revocation.
    await first.getByRole('button', { name: /v1 \(Allow\)/ }).click();
    await page.getByRole('heading', { name: /Version 2 · revoked/ }).waitFor();
    await check(page, 'auditor-access-log');

    await page.getByRole('button', { name: 'Chain explorer' }).click();
    await page.getByText(/\d+ blocks in the chain/).waitFor();
    await page
      .getByRole('button', { name: /^Block \d+$/ })
      .first()
      .click();
    await page.getByRole('heading', { name: /^Block \d+$/ }).waitFor();
    await check(page, 'auditor-chain');

    await page.getByRole('button', { name: 'Replay & verify', exact: true }).click();
    // Every progress text the page shows while replay runs.
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { progressSeen: string[] }).progressSeen = seen;
      new MutationObserver(() => {
        const text = document.querySelector('.replay-progress [role=status]')?.textContent;
        if (text && seen.at(-1) !== text) seen.push(text);
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    await page.getByRole('button', { name: 'Run replay & verify' }).click();
    await page
      .getByText('Verified: every decision and delivery matches the chain.')
      .waitFor({ timeout: 120_000 });
    const progress = await page.evaluate(
      () => (window as unknown as { progressSeen: string[] }).progressSeen,
    );
    expect(progress.some((text) => /^\d+ of \d+ blocks verified$/.test(text))).toBe(true);
    await check(page, 'auditor-replay');
    await page.close();
  });

  it('a patient in Italy reads his own record in Italian, which his (absent) rules share with nobody', async () => {
    const page = await signIn('marco', 'it');
    await page.getByRole('button', { name: 'La mia cartella' }).click();
    const allergies = page.getByRole('region', { name: /^Allergie e intolleranze/ });
    await allergies.getByText('Allergy to penicillin').first().waitFor();
    await allergies.getByText('Le sue regole non la condividono con nessuno.').first().waitFor();
    await check(page, 'patient-my-record-it');
    await page.close();
  });
});
