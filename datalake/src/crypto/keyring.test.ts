import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { FileKeyProvider } from './file-key-provider';
import { KeyedHash } from './keyed-hash';
import { Keyring, unwrapDataKey, wrapDataKey } from './keyring';

describe('a location keyring', () => {
  let directory: string;
  let keyring: Keyring;
  const tokens = new KeyedHash(randomBytes(32));
  const open = () =>
    new Keyring({
      country: 'DE',
      kek: new FileKeyProvider({ directory, create: true }),
      directory,
      tokens,
      lakeOwner: 'custodia-datalake',
    });
  beforeEach(async () => {
    directory = await mkdtemp(path.join(tmpdir(), 'custodia-keyring-'));
    keyring = open();
  });
  afterEach(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('keeps one key per patient and owner, wrapped (0600), the same after a restart, named by token only', async () => {
    const first = await keyring.patient('patient-anna', 'HospitalDEMSP', true);
    const [a, b] = await Promise.all([
      open().patient('patient-anna', 'HospitalDEMSP', true),
      open().patient('patient-anna', 'HospitalDEMSP', true),
    ]);
    expect(a.wrapping.equals(first.wrapping) && b.documents.equals(first.documents)).toBe(true);
    const other = await keyring.patient('patient-marco', 'HospitalDEMSP', true);
    const otherOwner = await keyring.patient('patient-anna', 'HospitalFRMSP', true);
    expect(other.wrapping.equals(first.wrapping) || otherOwner.wrapping.equals(first.wrapping)).toBe(false);
    const folders = await readdir(path.join(directory, 'patients'));
    expect(folders).toHaveLength(2);
    expect(folders.join()).not.toContain('anna');
    const file = path.join(directory, 'patients', tokens.patientToken('patient-anna'), 'HospitalDEMSP.json');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readFile(file, 'utf8')).not.toContain(first.wrapping.toString('base64url'));
  });

  it('wraps data keys so that only the same patient key and place unwrap them', async () => {
    const anna = await keyring.patient('patient-anna', 'HospitalDEMSP', true);
    const marco = await keyring.patient('patient-marco', 'HospitalDEMSP', true);
    const dataKey = randomBytes(32);
    const wrapped = wrapDataKey(anna, dataKey, 'DE\0patient-anna\0raw\0objects/1');
    expect(unwrapDataKey(anna, wrapped, 'DE\0patient-anna\0raw\0objects/1').equals(dataKey)).toBe(true);
    expect(() => unwrapDataKey(marco, wrapped, 'DE\0patient-anna\0raw\0objects/1')).toThrow(
      expect.objectContaining({ code: 'INTEGRITY_FAILED' }),
    );
    expect(() => unwrapDataKey(anna, wrapped, 'DE\0patient-anna\0raw\0objects/2')).toThrow(
      expect.objectContaining({ code: 'INTEGRITY_FAILED' }),
    );
  });

  it('destroys every key of a patient: a fresh process has none and will not read anything of theirs', async () => {
    await keyring.patient('patient-anna', 'HospitalDEMSP', true);
    await keyring.patient('patient-anna', 'custodia-datalake', true);
    await keyring.patient('patient-marco', 'HospitalDEMSP', true);
    expect(await keyring.destroyPatient('patient-anna')).toBe(2);
    for (const fresh of [keyring, open()])
      await expect(fresh.patient('patient-anna', 'HospitalDEMSP', false)).rejects.toMatchObject({
        code: 'INTEGRITY_FAILED',
      });
    await expect(open().patient('patient-marco', 'HospitalDEMSP', false)).resolves.toBeDefined();
  });

  it('refuses a patient key file copied over to another patient', async () => {
    await keyring.patient('patient-anna', 'HospitalDEMSP', true);
    const from = path.join(directory, 'patients', tokens.patientToken('patient-anna'), 'HospitalDEMSP.json');
    const to = path.join(directory, 'patients', tokens.patientToken('patient-marco'));
    await mkdir(to, { recursive: true });
    await copyFile(from, path.join(to, 'HospitalDEMSP.json'));
    await expect(open().patient('patient-marco', 'HospitalDEMSP', false)).rejects.toMatchObject({
      code: 'INTEGRITY_FAILED',
    });
  });
});
