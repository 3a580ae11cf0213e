#!/usr/bin/env node
/**
 * `npm run test:fabric`: the network tests (network/test) and the gateway's end-to-end journeys and replay
 * against a real Hyperledger Fabric 2.5 network — the local one of network/fabric/local (Fabric CAs, Raft
 * orderers, peers, the chaincode as a service), brought up from the release binaries on PATH or in FABRIC_BIN,
 * with CUSTODIA_NETWORK=fabric. Each test file that starts a network gets a fresh one (its users, rules and
 * logs start from nothing, as on the embedded network); the network is removed at the end. Not part of CI.
 * Prints the tests skipped here (those only the embedded network can run), the counts, and the fault tests' figures.
 *
 *   npm run test:fabric [-- <test file>...]   (default: the files listed in FILES)
 */
const { execFileSync, spawnSync } = require('node:child_process');
const { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const LOCAL = path.join(ROOT, 'network', 'fabric', 'local');
const DATA_DIR = path.join(ROOT, '.custodia', 'fabric-test');
const FILES = [
  ...readdirSync(path.join(ROOT, 'network', 'test'))
    .filter((name) => name.endsWith('.test.ts'))
    .sort()
    .map((name) => path.join('network', 'test', name)),
  path.join('gateway', 'test', 'audit-replay.test.ts'),
  path.join('gateway', 'test', 'journeys.test.ts'),
  // The portal's calls: the directory, a patient's live grants and ending one, her record.
  path.join('gateway', 'test', 'portal-capabilities.test.ts'),
  // Fabric only: peers and orderers frozen and stopped under load (skipped on the embedded network).
  path.join('gateway', 'test', 'fabric-faults.test.ts'),
];
/** A file that asks the fixtures for a network (or a platform) gets a fresh one. */
const usesNetwork = (file) =>
  /\bstart(TestNetwork|TestPlatform)\(/.test(readFileSync(path.join(ROOT, file), 'utf8'));

const env = { ...process.env, CUSTODIA_FABRIC_DIR: DATA_DIR, FABRIC_TOPOLOGY: 'local' };

function network(script, ...args) {
  execFileSync('bash', [path.join(LOCAL, script), ...args], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

/** A fresh network: whatever an earlier file left is removed first. Returns the seconds it took to come up. */
function freshNetwork() {
  network('down.sh', '--purge');
  const started = process.hrtime.bigint();
  network('up.sh');
  return Number(process.hrtime.bigint() - started) / 1e9;
}

function portInUse(port) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

/** Runs jest on `files` with the Fabric network's variables; returns jest's JSON report. */
function jest(files) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'custodia-test-fabric-'));
  const output = path.join(dir, 'report.json');
  const connectionFile = path.join(DATA_DIR, 'connection.json');
  spawnSync(
    process.execPath,
    [
      path.join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js'),
      '--runTestsByPath',
      ...files,
      '--json',
      // A failed test may leave a connection open; the run goes on to the next file rather than hang.
      '--forceExit',
      '--outputFile',
      output,
    ],
    {
      cwd: ROOT,
      stdio: 'inherit',
      env: {
        ...env,
        CUSTODIA_NETWORK: 'fabric',
        CUSTODIA_CONNECTION_FILE: connectionFile,
        CUSTODIA_CA_REGISTRARS: existsSync(path.join(DATA_DIR, 'registrars.json'))
          ? readFileSync(path.join(DATA_DIR, 'registrars.json'), 'utf8')
          : '',
      },
    },
  );
  const report = existsSync(output) ? JSON.parse(readFileSync(output, 'utf8')) : undefined;
  rmSync(dir, { recursive: true, force: true });
  return report;
}

async function main() {
  // The binaries, their config/ and the CCaaS builder are there, or up.sh says what is missing and where.
  network('up.sh', '--check');
  if (await portInUse(11151))
    throw new Error(
      'a Fabric network already runs on 127.0.0.1:11151; stop it first (network/fabric/local/down.sh)',
    );
  const results = [];
  const upTimes = [];
  try {
    const requested = process.argv.slice(2);
    const files = requested.length > 0 ? requested : FILES;
    const withNetwork = files.filter(usesNetwork);
    for (const file of withNetwork) {
      process.stdout.write(`\n== test:fabric: a fresh Fabric network for ${file}\n`);
      upTimes.push(freshNetwork());
      results.push({ files: [file], report: jest([file]) });
    }
    const rest = files.filter((file) => !withNetwork.includes(file));
    if (rest.length > 0) {
      process.stdout.write(`\n== test:fabric: the rest of network/test (no network of their own)\n`);
      results.push({ files: rest, report: jest(rest) });
    }
  } finally {
    network('down.sh', '--purge');
  }

  const totals = { passed: 0, failed: 0, skipped: 0 };
  const skipped = [];
  const failed = [];
  for (const { files, report } of results) {
    if (!report) {
      failed.push(`${files.join(', ')}: jest wrote no report`);
      continue;
    }
    for (const suite of report.testResults) {
      const file = path.relative(ROOT, suite.name);
      if (suite.status === 'failed' && suite.assertionResults.length === 0)
        failed.push(`${file}: ${suite.message.split('\n')[0]}`);
      for (const test of suite.assertionResults) {
        const name = `${file} › ${test.fullName}`;
        if (test.status === 'passed') {
          totals.passed += 1;
        } else if (test.status === 'failed') {
          totals.failed += 1;
          failed.push(name);
        } else {
          totals.skipped += 1;
          skipped.push(name);
        }
      }
    }
  }
  const lines = ['', '== test:fabric summary'];
  lines.push(`network start-up: ${upTimes.map((seconds) => `${seconds.toFixed(1)} s`).join(', ')}`);
  lines.push(`tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
  if (skipped.length > 0)
    lines.push(
      'skipped on Fabric (what only the embedded network can run):',
      ...skipped.map((name) => `  - ${name}`),
    );
  if (failed.length > 0) lines.push('failed:', ...failed.map((name) => `  - ${name}`));
  process.stdout.write(`${lines.join('\n')}\n`);
  if (failed.length > 0) process.exitCode = 1;
}

main().catch((error) => {
  // A failed script has already said why on standard error.
  process.stderr.write(`test:fabric: ${error.message.split('\n')[0]}\n`);
  process.exitCode = 1;
});
