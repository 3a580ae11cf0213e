/**
 * The real stack for the end-to-end journeys: the portal built from source by Vite into a temp dir, and the
 * whole platform (embedded network, data lake, gateway serving that build) on free ports, seeded with the demo.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { startPlatform, totpCode } from '@custodia/gateway';
import type { DemoLogin, RunningPlatform } from '@custodia/gateway';

const PORTAL_ROOT = path.resolve(__dirname, '../..');
const TOTP_STEP_MS = 30_000;

export interface Stack {
  readonly url: string;
  readonly platform: RunningPlatform;
  login(username: string): DemoLogin;
  /** A TOTP code the gateway has not seen yet for this user (each code is accepted once). */
  totp(username: string): Promise<string>;
  close(): Promise<void>;
}

/** Builds the portal as `npm run build` does, into `outDir`, so the test never serves a stale build. */
export function buildPortal(outDir: string): void {
  // Vite's exports map hides its bin: find it beside its package.json.
  const vite = path.join(
    path.dirname(require.resolve('vite/package.json', { paths: [PORTAL_ROOT] })),
    'bin/vite.js',
  );
  const result = spawnSync(
    process.execPath,
    [vite, 'build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'],
    {
      cwd: PORTAL_ROOT,
      encoding: 'utf8',
    },
  );
  if (result.status !== 0 || !existsSync(path.join(outDir, 'index.html'))) {
    throw new Error(`portal build failed (exit ${result.status}): ${result.stderr}`);
  }
}

export async function startStack(): Promise<Stack> {
  const dir = mkdtempSync(path.join(tmpdir(), 'custodia-portal-e2e-'));
  const portalDir = path.join(dir, 'portal');
  buildPortal(portalDir);
  const platform = await startPlatform({
    dataDir: path.join(dir, 'data'),
    portalDir,
    ephemeralPorts: true,
    seed: true,
    logger: pino({ level: 'silent' }),
    env: {
      CUSTODIA_SWEEP_INTERVAL_MS: '3600000',
      CUSTODIA_API_RATE_LIMIT: '100000',
      CUSTODIA_AUTH_RATE_LIMIT: '10000',
    },
  });
  // The seed confirmed the TOTP set-ups with the current step: a login needs a later one.
  let lastStep = Math.floor(Date.now() / TOTP_STEP_MS);
  const login = (username: string): DemoLogin => {
    const found = platform.demo.find((entry) => entry.username === username);
    if (!found) throw new Error(`no demo user ${username}`);
    return found;
  };
  return {
    url: platform.url,
    platform,
    login,
    totp: async (username) => {
      const secret = login(username).totpSecret;
      if (!secret) throw new Error(`${username} has no TOTP secret`);
      const step = Math.max(Math.floor(Date.now() / TOTP_STEP_MS), lastStep + 1);
      lastStep = step;
      // The gateway accepts a code of the next step too: wait until the step before it has begun.
      const wait = (step - 1) * TOTP_STEP_MS - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait + 50));
      return totpCode(secret, step * TOTP_STEP_MS);
    },
    close: async () => {
      await platform.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
