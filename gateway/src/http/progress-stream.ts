/**
 * A long operation answered as NDJSON (`application/x-ndjson`): `{"type":"progress",…}` lines while it runs,
 * then one `{"type":"result","result":…}` line — or `{"type":"error","problem":…}` when it fails after the
 * first line went out (before that, the failure is an ordinary problem+json answer).
 */
import type { Response } from 'express';
import { toProblem } from './problem';

export const NDJSON = 'application/x-ndjson';

/** Progress lines are written at most this often (the first and the last always). */
export const PROGRESS_INTERVAL_MS = 250;

export async function streamProgress<P extends object, R>(
  res: Response,
  run: (progress: (update: P, final?: boolean) => void) => Promise<R>,
  now: () => number = Date.now,
): Promise<void> {
  let lastWrite = Number.NEGATIVE_INFINITY;
  const line = (value: unknown): void => {
    res.write(`${JSON.stringify(value)}\n`);
  };
  const progress = (update: P, final = false): void => {
    if (!res.headersSent) {
      res.status(200).type(NDJSON);
      res.setHeader('Cache-Control', 'no-store');
      // Reverse proxies (nginx) would otherwise hold the lines until the end.
      res.setHeader('X-Accel-Buffering', 'no');
      res.flushHeaders();
    } else if (!final && now() - lastWrite < PROGRESS_INTERVAL_MS) return;
    lastWrite = now();
    line({ type: 'progress', ...update });
  };
  let result: R;
  try {
    result = await run(progress);
  } catch (error) {
    if (!res.headersSent) throw error;
    line({ type: 'error', problem: toProblem(error) });
    res.end();
    // The error handler still logs it; the answer is already complete.
    throw error;
  }
  if (!res.headersSent) res.status(200).type(NDJSON);
  line({ type: 'result', result });
  res.end();
}
