import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readRegistrars } from './registrars';

const ORGS = ['HospitalDEMSP', 'HospitalFRMSP'];
const dir = mkdtempSync(join(tmpdir(), 'custodia-registrars-'));

beforeAll(() => {
  writeFileSync(join(dir, 'de.secret'), 'secret-of-de\n', { mode: 0o600 });
  writeFileSync(join(dir, 'fr.secret'), 'secret-of-fr\n', { mode: 0o600 });
  writeFileSync(join(dir, 'empty.secret'), '\n');
  writeFileSync(join(dir, 'registrar.secret'), 'embedded-secret\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const perOrganisation = (entries: Record<string, unknown>) => ({
  CUSTODIA_CA_REGISTRARS: JSON.stringify(entries),
});

it('gives each organisation its own registrar, the secret read from its file', async () => {
  const registrars = await readRegistrars(
    perOrganisation({
      HospitalDEMSP: { id: 'custodia-registrar', secretFile: join(dir, 'de.secret') },
      HospitalFRMSP: { id: 'registrar-fr', secretFile: join(dir, 'fr.secret') },
    }),
    dir,
    ORGS,
  );
  expect(Object.fromEntries(registrars)).toEqual({
    HospitalDEMSP: { id: 'custodia-registrar', secret: 'secret-of-de' },
    HospitalFRMSP: { id: 'registrar-fr', secret: 'secret-of-fr' },
  });
});

it('falls back to one registrar for every CA: CUSTODIA_CA_ADMIN_ID / _SECRET, or the embedded network’s file', async () => {
  expect(Object.fromEntries(await readRegistrars({}, dir, ORGS))).toEqual({
    HospitalDEMSP: { id: 'admin', secret: 'embedded-secret' },
    HospitalFRMSP: { id: 'admin', secret: 'embedded-secret' },
  });
  const fromEnv = await readRegistrars(
    { CUSTODIA_CA_ADMIN_ID: 'ops', CUSTODIA_CA_ADMIN_SECRET: 's3cret' },
    dir,
    ORGS,
  );
  expect(fromEnv.get('HospitalFRMSP')).toEqual({ id: 'ops', secret: 's3cret' });
  await expect(readRegistrars({}, join(dir, 'nowhere'), ORGS)).rejects.toMatchObject({
    code: 'CA_UNAVAILABLE',
  });
});

it.each([
  ['not JSON', { CUSTODIA_CA_REGISTRARS: '{' }, 'is not JSON'],
  ['a secret inline', perOrganisation({ HospitalDEMSP: { id: 'r', secret: 'x' } }), 'must be'],
  [
    'an organisation left out',
    perOrganisation({ HospitalDEMSP: { id: 'r', secretFile: join(dir, 'de.secret') } }),
    'no registrar for HospitalFRMSP',
  ],
  [
    'an unreadable secret file',
    perOrganisation({
      HospitalDEMSP: { id: 'r', secretFile: join(dir, 'missing.secret') },
      HospitalFRMSP: { id: 'r', secretFile: join(dir, 'fr.secret') },
    }),
    'cannot be read',
  ],
  [
    'an empty secret file',
    perOrganisation({
      HospitalDEMSP: { id: 'r', secretFile: join(dir, 'empty.secret') },
      HospitalFRMSP: { id: 'r', secretFile: join(dir, 'fr.secret') },
    }),
    'is empty',
  ],
])('refuses a configuration with %s, naming no secret', async (_, env, message) => {
  const error: unknown = await readRegistrars(env, dir, ORGS).catch((failure: unknown) => failure);
  expect(error).toMatchObject({
    code: 'VALIDATION_FAILED',
    message: expect.stringContaining(message) as string,
  });
  expect(String((error as Error).message)).not.toMatch(/secret-of-/);
});

it('does not fall back to the shared registrar when the per-organisation file is unreadable', async () => {
  await expect(
    readRegistrars(
      {
        ...perOrganisation({ HospitalDEMSP: { id: 'r', secretFile: join(dir, 'nope') } }),
        CUSTODIA_CA_ADMIN_SECRET: 'x',
      },
      dir,
      ['HospitalDEMSP'],
    ),
  ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
});
