import 'reflect-metadata';
import { createPrivateKey, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { chmod, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testIdentity } from '../../test/fixtures/identity';
import type { Identity } from '../msp';
import { FileWallet, WALLET_KEY_FILE } from './file-wallet';
import { WalletErrorCode } from './errors';
import { loadWalletKey, WALLET_KEY_ENV } from './key';

let dir: string;
let alice: Identity;
let bob: Identity;

beforeAll(async () => {
  alice = await testIdentity('HospitalDEMSP', 'alice');
  bob = await testIdentity('HospitalDEMSP', 'bob');
});

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'custodia-wallet-'));
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

const keyHex = randomBytes(32).toString('hex');
const env = { [WALLET_KEY_ENV]: keyHex };

describe('FileWallet', () => {
  it('stores identities one file each, the private key encrypted, the file 0600', async () => {
    const wallet = await FileWallet.open(dir, { env });
    await wallet.put(alice, 'alice');
    const path = join(dir, 'HospitalDEMSP', 'alice.json');
    const text = await readFile(path, 'utf8');
    expect(text).toContain(alice.certificate.split('\n')[1]);
    const keyBody = alice.privateKey.split('\n')[1] ?? '';
    expect(keyBody.length).toBeGreaterThan(20);
    expect(text).not.toContain(keyBody);
    expect((await stat(path)).mode & 0o777).toBe(0o600);

    const back = await (await FileWallet.open(dir, { env })).get('HospitalDEMSP', 'alice');
    expect(back).toEqual(alice);
    // The decrypted key is usable as a signing key.
    expect(createPrivateKey(back?.privateKey ?? '').asymmetricKeyType).toBe('ec');
  });

  it('lists, replaces and removes entries; an unknown entry is undefined', async () => {
    const wallet = await FileWallet.open(dir, { env });
    await wallet.put(alice, 'alice');
    await wallet.put(bob, 'b/ob');
    await wallet.put(bob, 'alice');
    expect(await wallet.list()).toEqual([
      { mspId: 'HospitalDEMSP', id: 'alice' },
      { mspId: 'HospitalDEMSP', id: 'b/ob' },
    ]);
    expect((await wallet.get('HospitalDEMSP', 'alice'))?.certificate).toBe(bob.certificate);
    expect(await wallet.remove('HospitalDEMSP', 'alice')).toBe(true);
    expect(await wallet.remove('HospitalDEMSP', 'alice')).toBe(false);
    expect(await wallet.get('HospitalDEMSP', 'alice')).toBeUndefined();
    expect(await wallet.get('HospitalFRMSP', 'b/ob')).toBeUndefined();
    await expect(wallet.get('HospitalDEMSP', '..')).rejects.toMatchObject({
      code: WalletErrorCode.IdInvalid,
    });
  });

  it('concurrent writes of one entry leave one whole entry', async () => {
    const wallet = await FileWallet.open(dir, { env });
    await Promise.all([alice, bob, alice, bob].map((identity) => wallet.put(identity, 'shared')));
    expect(await wallet.get('HospitalDEMSP', 'shared')).toEqual(bob);
    expect((await readdir(join(dir, 'HospitalDEMSP'))).sort()).toEqual(['shared.json']);
  });

  it('refuses an entry whose key was altered, or whose certificate was swapped', async () => {
    const wallet = await FileWallet.open(dir, { env });
    await wallet.put(alice, 'alice');
    await wallet.put(bob, 'bob');
    const alicePath = join(dir, 'HospitalDEMSP', 'alice.json');
    const original = JSON.parse(await readFile(alicePath, 'utf8')) as {
      certificate: string;
      privateKey: { ciphertext: string };
    };

    const bytes = Buffer.from(original.privateKey.ciphertext, 'base64');
    bytes[5] = (bytes[5] ?? 0) ^ 0xff;
    const altered = {
      ...original,
      privateKey: { ...original.privateKey, ciphertext: bytes.toString('base64') },
    };
    await writeFile(alicePath, JSON.stringify(altered));
    await expect(wallet.get('HospitalDEMSP', 'alice')).rejects.toMatchObject({
      code: WalletErrorCode.EntryTampered,
    });

    await writeFile(alicePath, JSON.stringify({ ...original, certificate: bob.certificate }));
    await expect(wallet.get('HospitalDEMSP', 'alice')).rejects.toMatchObject({
      code: WalletErrorCode.EntryTampered,
    });

    // Bob's entry copied over Alice's: filed under another name.
    await writeFile(alicePath, await readFile(join(dir, 'HospitalDEMSP', 'bob.json')));
    await expect(wallet.get('HospitalDEMSP', 'alice')).rejects.toMatchObject({
      code: WalletErrorCode.EntryTampered,
    });

    await writeFile(alicePath, '{"version":1');
    await expect(wallet.get('HospitalDEMSP', 'alice')).rejects.toMatchObject({
      code: WalletErrorCode.EntryInvalid,
    });
  });

  it('refuses entries sealed under another wallet key', async () => {
    await (await FileWallet.open(dir, { env })).put(alice, 'alice');
    const other = await FileWallet.open(dir, { env: { [WALLET_KEY_ENV]: randomBytes(32).toString('hex') } });
    await expect(other.get('HospitalDEMSP', 'alice')).rejects.toMatchObject({
      code: WalletErrorCode.KeyMismatch,
    });
  });
});

describe('wallet key', () => {
  it('without CUSTODIA_WALLET_KEY, creates a 0600 key file once and reuses it', async () => {
    const wallet = await FileWallet.open(dir, { env: {} });
    await wallet.put(alice, 'alice');
    const keyFile = join(dir, WALLET_KEY_FILE);
    expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
    expect((await readFile(keyFile, 'utf8')).trim()).toMatch(/^[0-9a-f]{64}$/);
    expect(await (await FileWallet.open(dir, { env: {} })).get('HospitalDEMSP', 'alice')).toEqual(alice);
    expect(await wallet.list()).toEqual([{ mspId: 'HospitalDEMSP', id: 'alice' }]);
    expect((await readdir(dir)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('processes starting together agree on one key', async () => {
    const keyFile = join(dir, 'keys', 'wallet.key');
    const keys = await Promise.all(Array.from({ length: 8 }, () => loadWalletKey({ env: {}, keyFile })));
    expect(new Set(keys.map((key) => key.toString('hex'))).size).toBe(1);
  });

  it('refuses a malformed key or a key file others can read', async () => {
    await expect(
      loadWalletKey({ env: { [WALLET_KEY_ENV]: 'abcd' }, keyFile: join(dir, 'k') }),
    ).rejects.toMatchObject({ code: WalletErrorCode.KeyInvalid });
    const keyFile = join(dir, 'open.key');
    await writeFile(keyFile, `${keyHex}\n`, { mode: 0o644 });
    await chmod(keyFile, 0o644);
    await expect(loadWalletKey({ env: {}, keyFile })).rejects.toMatchObject({
      code: WalletErrorCode.KeyInvalid,
    });
  });
});
