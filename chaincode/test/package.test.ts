/**
 * The chaincode deploys on its own: its build output plus `npm install --omit=dev` in a copy of
 * chaincode/ outside the repository is a runnable chaincode (no sibling workspaces, the
 * class-transformer override carried by its own package.json), found by fabric-chaincode-node's
 * own loader.
 */
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const chaincodeDir = resolve(__dirname, '..');

async function sources(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile() && e.name.endsWith('.js')).map((e) => join(e.parentPath, e.name));
}

describe('standalone chaincode package', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'custodia-chaincode-'));
    await cp(join(chaincodeDir, 'package.json'), join(dir, 'package.json'));
    await run(process.execPath, [
      require.resolve('typescript/bin/tsc'),
      '-p',
      join(chaincodeDir, 'tsconfig.json'),
      '--outDir',
      join(dir, 'dist'),
      '--tsBuildInfoFile',
      join(dir, 'tsconfig.tsbuildinfo'),
      '--declaration',
      'false',
      '--declarationMap',
      'false',
      '--composite',
      'false',
    ]);
    await run(
      'npm',
      ['install', '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'],
      {
        cwd: dir,
        env: { ...process.env, npm_config_workspaces: 'false' },
      },
    );
  }, 120_000);

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('builds without test files and imports nothing from other workspaces', async () => {
    const files = await sources(join(dir, 'dist'));
    expect(files.some((file) => file.endsWith(join('dist', 'index.js')))).toBe(true);
    expect(files.some((file) => file.includes('.test.'))).toBe(false);
    for (const file of files) {
      expect(await readFile(file, 'utf8')).not.toMatch(/require\("@custodia\//);
    }
  });

  it('installs the override of class-transformer that fabric-contract-api needs', async () => {
    const installed = JSON.parse(
      await readFile(join(dir, 'node_modules', 'class-transformer', 'package.json'), 'utf8'),
    ) as { version: string };
    expect(installed.version).toBe('0.4.0');
  });

  it('is found by fabric-chaincode-node: the bin exists and its loader gets every contract', async () => {
    expect((await stat(join(dir, 'node_modules', '.bin', 'fabric-chaincode-node'))).isFile()).toBe(true);
    // The loader `fabric-chaincode-node start|server` uses, run in a fresh process from the copy.
    const script = `
      const Bootstrap = require('fabric-shim/lib/contract-spi/bootstrap');
      const { contracts } = Bootstrap.getInfoFromContract('.');
      const ChaincodeFromContract = require('fabric-shim/lib/contract-spi/chaincodefromcontract');
      const { JSONSerializer } = require('fabric-contract-api');
      const chaincode = new ChaincodeFromContract(contracts, { transaction: 'json', serializers: { json: JSONSerializer } }, {}, 'c', '1');
      const names = Object.fromEntries(Object.entries(chaincode.metadata.contracts).map(([n, c]) => [n, c.transactions.map((t) => t.name)]));
      process.stdout.write(JSON.stringify(names));
    `;
    const { stdout } = await run(process.execPath, ['-e', script], {
      cwd: dir,
      env: { ...process.env, NODE_PATH: '', CORE_CHAINCODE_LOGGING_LEVEL: 'error' },
    });
    const names = JSON.parse(stdout) as Record<string, string[]>;
    expect(Object.keys(names).sort()).toEqual(
      [
        'access',
        'audit',
        'contributions',
        'emergency',
        'identities',
        'org.hyperledger.fabric',
        'organisations',
        'patients',
        'records',
        'rules',
      ].sort(),
    );
    expect(names.rules).toEqual(
      expect.arrayContaining(['createRule', 'updateRule', 'revokeRule', 'restoreRuleVersion']),
    );
    expect(names.access).toEqual(
      expect.arrayContaining(['requestAccess', 'requestEmergencyAccess', 'recordDelivery']),
    );
  });
});
