/**
 * A throw-away single-node Ceph cluster with its S3 gateway, as plain processes on loopback (no Docker): one monitor,
 * one memstore OSD (objects in RAM) and radosgw with the beast frontend, in a git-ignored folder, with an S3 user
 * whose keys radosgw-admin generates. `npm run test:s3` runs the data lake's S3 tests against it.
 *
 *   tsx scripts/s3/ceph.ts start   # installs Debian's ceph-mon ceph-osd radosgw when missing (root), starts, prints
 *   tsx scripts/s3/ceph.ts env     # CUSTODIA_TEST_S3_* lines for the running cluster (eval "$(… env)")
 *   tsx scripts/s3/ceph.ts stop    # stops its daemons (by their pid files) and removes the folder
 *
 * The folder is `$CUSTODIA_CEPH_DIR` or `.custodia/ceph`. No manager daemon: the monitor, the OSD and radosgw are
 * all the S3 gateway needs (a manager only reports statistics).
 */
import { execFile, execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '..', '..');
/** Debian packages of the daemons (radosgw-admin and the ceph command come with them). */
const PACKAGES = ['ceph-mon', 'ceph-osd', 'radosgw'];
const BINARIES = ['ceph-mon', 'ceph-osd', 'radosgw', 'radosgw-admin', 'ceph', 'ceph-authtool', 'monmaptool'];
/** Room for the tests' objects: memstore keeps everything in RAM, up to this. */
const MEMSTORE_BYTES = 2 * 1024 * 1024 * 1024;
const READY_TIMEOUT_MS = 120_000;

/** What the tests need to reach the gateway (written to `<dir>/s3.json`, mode 0600). */
export interface CephS3 {
  readonly endpoint: string;
  readonly accessKey: string;
  readonly secretKey: string;
  readonly region: string;
  readonly version: string;
  readonly startupSeconds: number;
}

export function cephDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.CUSTODIA_CEPH_DIR ?? path.join(ROOT, '.custodia', 'ceph'));
}

/** The env lines that point the data lake's test factories at the gateway. */
export function testEnv(s3: CephS3): Record<string, string> {
  return {
    CUSTODIA_TEST_S3_ENDPOINT: s3.endpoint,
    CUSTODIA_TEST_S3_ACCESS_KEY: s3.accessKey,
    CUSTODIA_TEST_S3_SECRET_KEY: s3.secretKey,
    CUSTODIA_TEST_S3_REGION: s3.region,
  };
}

/** Installs the Ceph packages when a binary is missing: with apt-get as root, otherwise stops with the command. */
export function ensureCephInstalled(): void {
  const missing = BINARIES.filter((binary) => !onPath(binary));
  if (missing.length === 0) return;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const command = `apt-get install -y --no-install-recommends ${PACKAGES.join(' ')}`;
  if (!isRoot || !onPath('apt-get'))
    throw new Error(`Ceph is missing (${missing.join(', ')}): run \`sudo ${command}\` (Debian/Ubuntu).`);
  console.log(`Ceph is missing: installing Debian’s ${PACKAGES.join(', ')} (apt-get)…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '--no-install-recommends', ...PACKAGES], {
    stdio: 'inherit',
    env,
  });
  const still = BINARIES.filter((binary) => !onPath(binary));
  if (still.length > 0) throw new Error(`apt-get installed Ceph, but ${still.join(', ')} is still missing.`);
}

/** Starts a fresh cluster in `dir` (a previous one there is stopped and removed first). */
export async function startCeph(dir: string = cephDir()): Promise<CephS3> {
  ensureCephInstalled();
  await stopCeph(dir);
  const started = process.hrtime.bigint();
  for (const sub of ['mon.a', 'osd.0', 'rgw.a', 'run', 'log'])
    await mkdir(path.join(dir, sub), { recursive: true });
  await chmod(dir, 0o700);
  const [monPort, rgwPort] = await freePorts(2);
  const fsid = randomUUID();
  const conf = path.join(dir, 'ceph.conf');
  await writeFile(conf, cephConf(dir, fsid, monPort as number, rgwPort as number), { mode: 0o600 });
  const ceph = (...args: string[]) => tool('ceph', ['-c', conf, ...args]);
  try {
    // Monitor: its keyring, the admin's (imported into it), a one-monitor map, then the store.
    const monKeyring = path.join(dir, 'mon.a.keyring');
    await tool('ceph-authtool', [
      '--create-keyring',
      monKeyring,
      '--gen-key',
      '-n',
      'mon.',
      '--cap',
      'mon',
      'allow *',
    ]);
    const adminKeyring = path.join(dir, 'client.admin.keyring');
    await tool('ceph-authtool', [
      '--create-keyring',
      adminKeyring,
      '--gen-key',
      '-n',
      'client.admin',
      ...['--cap', 'mon', 'allow *', '--cap', 'osd', 'allow *', '--cap', 'mgr', 'allow *'],
    ]);
    await tool('ceph-authtool', [monKeyring, '--import-keyring', adminKeyring]);
    const monmap = path.join(dir, 'monmap');
    await tool('monmaptool', ['--create', '--fsid', fsid, '--add', 'a', `v1:127.0.0.1:${monPort}`, monmap]);
    await tool('ceph-mon', ['-c', conf, '--mkfs', '-i', 'a', '--monmap', monmap, '--keyring', monKeyring]);
    await tool('ceph-mon', ['-c', conf, '-i', 'a']);
    // One OSD on memstore.
    const osdUuid = randomUUID();
    const osdId = (await ceph('osd', 'new', osdUuid)).trim();
    await ceph(
      ...['auth', 'get-or-create', `osd.${osdId}`],
      ...['mon', 'allow profile osd', 'osd', 'allow *', 'mgr', 'allow profile osd'],
      ...['-o', path.join(dir, `osd.${osdId}.keyring`)],
    );
    await tool('ceph-osd', ['-c', conf, '-i', osdId, '--mkfs', '--osd-uuid', osdUuid]);
    await tool('ceph-osd', ['-c', conf, '-i', osdId]);
    // The S3 gateway (it creates its pools on first start).
    await ceph(
      ...['auth', 'get-or-create', 'client.rgw.a', 'mon', 'allow rw', 'osd', 'allow rwx'],
      ...['-o', path.join(dir, 'client.rgw.a.keyring')],
    );
    await tool('radosgw', ['-c', conf, '-n', 'client.rgw.a']);
    const endpoint = `http://127.0.0.1:${rgwPort}`;
    await untilAnswers(endpoint);
    // An S3 user; radosgw-admin generates its keys (they never appear on a command line).
    const user = JSON.parse(
      await tool('radosgw-admin', [
        '-c',
        conf,
        'user',
        'create',
        '--uid',
        'custodia',
        '--display-name',
        'Custodia',
      ]),
    ) as { keys: { access_key: string; secret_key: string }[] };
    const keys = user.keys[0];
    if (keys === undefined) throw new Error('radosgw-admin created the user without keys');
    const s3: CephS3 = {
      endpoint,
      accessKey: keys.access_key,
      secretKey: keys.secret_key,
      region: 'us-east-1',
      version: (await tool('ceph', ['--version'])).trim(),
      startupSeconds: Number(process.hrtime.bigint() - started) / 1e9,
    };
    await writeFile(path.join(dir, 's3.json'), JSON.stringify(s3, null, 2), { mode: 0o600 });
    return s3;
  } catch (error) {
    await stopCeph(dir);
    throw error;
  }
}

/** The running cluster's S3 endpoint and keys. */
export async function readCeph(dir: string = cephDir()): Promise<CephS3> {
  return JSON.parse(await readFile(path.join(dir, 's3.json'), 'utf8')) as CephS3;
}

/**
 * Stops the cluster in `dir`: each daemon named by a pid file there, and only if that process still runs with this
 * folder's ceph.conf (a pid reused by another process is left alone); then removes the folder.
 */
export async function stopCeph(dir: string = cephDir()): Promise<void> {
  const runDir = path.join(dir, 'run');
  const conf = path.join(dir, 'ceph.conf');
  const pids: number[] = [];
  if (existsSync(runDir)) {
    for (const name of await readdir(runDir)) {
      if (!name.endsWith('.pid')) continue;
      const pid = Number((await readFile(path.join(runDir, name), 'utf8')).trim());
      if (Number.isInteger(pid) && pid > 0 && (await commandLine(pid)).includes(conf)) pids.push(pid);
    }
  }
  for (const pid of pids) signal(pid, 'SIGTERM');
  const deadline = Date.now() + 10_000;
  while (pids.some(alive) && Date.now() < deadline) await sleep(100);
  for (const pid of pids.filter(alive)) signal(pid, 'SIGKILL');
  await rm(dir, { recursive: true, force: true });
}

function cephConf(dir: string, fsid: string, monPort: number, rgwPort: number): string {
  return `[global]
fsid = ${fsid}
mon_host = v1:127.0.0.1:${monPort}
public_addr = 127.0.0.1
ms_bind_msgr2 = false
auth_cluster_required = cephx
auth_service_required = cephx
auth_client_required = cephx
auth_allow_insecure_global_id_reclaim = false
run_dir = ${dir}/run
admin_socket = ${dir}/run/$name.asok
pid_file = ${dir}/run/$name.pid
log_file = ${dir}/log/$name.log
keyring = ${dir}/$name.keyring
# One OSD: pools of one replica, placement by OSD, few placement groups.
osd_pool_default_size = 1
osd_pool_default_min_size = 1
mon_allow_pool_size_one = true
mon_warn_on_pool_no_redundancy = false
osd_pool_default_pg_num = 8
osd_pool_default_pgp_num = 8
osd_pool_default_pg_autoscale_mode = off
osd_crush_chooseleaf_type = 0
# A throw-away cluster: no warning about the host's free disk space.
mon_data_avail_warn = 1

[mon]
mon_data = ${dir}/mon.$id
# Commit map changes at once instead of batching them for a second (each pool radosgw creates waited ~2 s).
paxos_propose_interval = 0.01
paxos_min_wait = 0.01

[osd]
osd_data = ${dir}/osd.$id
osd_objectstore = memstore
memstore_device_bytes = ${MEMSTORE_BYTES}

[client.rgw.a]
rgw_frontends = beast endpoint=127.0.0.1:${rgwPort}
rgw_data = ${dir}/rgw.a
`;
}

async function tool(command: string, args: readonly string[]): Promise<string> {
  try {
    const { stdout } = await run(command, args, { maxBuffer: 16 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const failed = error as { stderr?: string; message: string };
    throw new Error(`${command} ${args[0] ?? ''} failed: ${(failed.stderr ?? failed.message).trim()}`);
  }
}

/** Waits until the gateway answers an anonymous ListBuckets (200 or 403 both mean S3 is serving). */
async function untilAnswers(endpoint: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    try {
      const response = await fetch(endpoint, { signal: AbortSignal.timeout(2_000) });
      await response.arrayBuffer();
      if (response.status === 200 || response.status === 403) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`the S3 gateway did not answer at ${endpoint} within 120 s`);
    await sleep(200);
  }
}

async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
          const server = createServer();
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((server) => (server.address() as AddressInfo).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

function onPath(binary: string): boolean {
  return (process.env.PATH ?? '')
    .split(path.delimiter)
    .some((directory) => directory !== '' && existsSync(path.join(directory, binary)));
}

async function commandLine(pid: number): Promise<string> {
  try {
    return (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').join(' ');
  } catch {
    return '';
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function main(command: string | undefined): Promise<void> {
  const dir = cephDir();
  switch (command) {
    case 'start': {
      const s3 = await startCeph(dir);
      console.log(
        `${s3.version}: S3 gateway at ${s3.endpoint}, ready in ${s3.startupSeconds.toFixed(1)} s ` +
          `(folder ${dir}; keys in s3.json)`,
      );
      return;
    }
    case 'env':
      for (const [name, value] of Object.entries(testEnv(await readCeph(dir))))
        console.log(`${name}=${value}`);
      return;
    case 'stop':
      await stopCeph(dir);
      return;
    default:
      throw new Error('usage: ceph.ts start|env|stop');
  }
}

if (require.main === module) {
  main(process.argv[2]).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
}
