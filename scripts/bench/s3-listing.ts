/**
 * The embedded S3 server's listing of one grant's prefix (what every prefix delete, assembly clean-up and expiry
 * sweep asks) as the consumer zone grows: s3rver 3.7's own listing beside the embedded server's, on the same files.
 * For each size it prints the time of one listing and the longest the event loop was blocked meanwhile — the
 * embedded server shares its process with the gateway, the data lake and the embedded network, so a blocked loop
 * delays every request. Figures only: nothing is asserted.
 *
 *   npx tsx scripts/bench/s3-listing.ts [--grants 1000,5000,10000] [--runs 50]
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type S3rver from 's3rver';
import { applyS3rverFixes } from '../../datalake/src/storage/embedded/s3rver-fixes';
import { rank } from './figures';

type Store = S3rver['store'];
type StoreClass = new (root: string) => Store;

// s3rver's filesystem store, the class the embedded server runs (the package ships no types for it).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const FilesystemStore = require('s3rver/lib/stores/filesystem') as StoreClass;

const BUCKET = 'consumer';

function sizes(argv: readonly string[]): { grants: number[]; runs: number } {
  const at = (name: string): string | undefined => {
    const index = argv.indexOf(`--${name}`);
    return index >= 0 ? argv[index + 1] : undefined;
  };
  const grants = (at('grants') ?? '1000,5000,10000').split(',').map(Number);
  const runs = Number(at('runs') ?? 50);
  if (grants.some((n) => !Number.isInteger(n) || n < 1) || !Number.isInteger(runs) || runs < 1)
    throw new Error('--grants takes whole numbers separated by commas, --runs a whole number');
  return { grants, runs };
}

/** `count` grants in s3rver's layout, as the consumer zone keeps them (record, metadata, expiry marker). */
function fill(root: string, from: number, to: number): void {
  const put = (key: string): void => {
    const file = path.join(root, BUCKET, `${key}._S3rver_object`);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, '{}');
    writeFileSync(
      path.join(root, BUCKET, `${key}._S3rver_metadata.json`),
      '{"content-type":"application/json"}',
    );
    writeFileSync(`${file}.md5`, '99914b932bd37a50b983c5e7c90ae93b');
  };
  for (let index = from; index < to; index += 1) {
    const grant = `g-${String(index).padStart(6, '0')}`;
    put(`grants/${grant}/record`);
    put(`grants/${grant}/meta`);
    put(`expiry/${String(1_800_000_000_000 + index).padStart(15, '0')}/${grant}/p-1/mac`);
  }
}

/** ms per listing (p50, p99) and the longest event-loop stall (ms) over `runs` listings of one grant's prefix. */
async function measure(store: Store, grants: number, runs: number): Promise<string> {
  const times: number[] = [];
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  for (let run = 0; run < runs; run += 1) {
    const grant = `g-${String(Math.floor(Math.random() * grants)).padStart(6, '0')}`;
    const start = performance.now();
    const listed = await store.listObjects(BUCKET, { prefix: `grants/${grant}/`, maxKeys: 1000 });
    times.push(performance.now() - start);
    if (listed.objects.length !== 2)
      throw new Error(`listed ${listed.objects.length} keys of ${grant}, not 2`);
    // Lets the delay monitor's timer run between listings.
    await new Promise((resolve) => setImmediate(resolve));
  }
  delay.disable();
  times.sort((a, b) => a - b);
  return (
    `p50 ${rank(times, 50).toFixed(2)} ms, p99 ${rank(times, 99).toFixed(2)} ms, ` +
    `event loop blocked up to ${(delay.max / 1e6).toFixed(1)} ms`
  );
}

async function main(): Promise<void> {
  const { grants, runs } = sizes(process.argv.slice(2));
  const root = mkdtempSync(path.join(tmpdir(), 'custodia-bench-s3-listing-'));
  try {
    const original = new FilesystemStore(root);
    const embedded = new FilesystemStore(root);
    applyS3rverFixes(embedded);
    process.stdout.write(
      `one grant's prefix listed ${runs} times (consumer zone: record + metadata + expiry marker per grant); ` +
        `machine load ${loadavg()
          .map((load) => load.toFixed(1))
          .join(' ')}\n`,
    );
    let filled = 0;
    for (const count of [...grants].sort((a, b) => a - b)) {
      fill(root, filled, count);
      filled = count;
      process.stdout.write(
        `${String(count).padStart(6)} live grants\n` +
          `  s3rver 3.7 listing:   ${await measure(original, count, runs)}\n` +
          `  embedded S3 listing:  ${await measure(embedded, count, runs)}\n`,
      );
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`s3-listing bench failed: ${String(error)}\n`);
  process.exit(1);
});
