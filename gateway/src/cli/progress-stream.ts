/**
 * Reads the gateway's NDJSON progress answers (`application/x-ndjson`, see http/progress-stream): progress lines
 * while the operation runs, then its result or its problem. A long operation (replay of a long chain) is asked
 * this way because bytes keep arriving: a plain JSON answer sends nothing until the end, and fetch gives up
 * waiting for the headers after 300 s.
 */
import { ApiError } from './api-client';

export const NDJSON = 'application/x-ndjson';

type Line =
  | { readonly type: 'progress' }
  | { readonly type: 'result'; readonly result: unknown }
  | { readonly type: 'error'; readonly problem: { code?: unknown; status?: unknown; detail?: unknown } };

/** Parsed lines of `body` as they arrive (blank lines skipped). */
async function* lines(body: AsyncIterable<Uint8Array>): AsyncGenerator<Line> {
  const decoder = new TextDecoder();
  let buffered = '';
  for await (const chunk of body) {
    buffered += decoder.decode(chunk, { stream: true });
    let newline = buffered.indexOf('\n');
    while (newline >= 0) {
      const line = buffered.slice(0, newline).trim();
      buffered = buffered.slice(newline + 1);
      if (line !== '') yield JSON.parse(line) as Line;
      newline = buffered.indexOf('\n');
    }
  }
  const rest = (buffered + decoder.decode()).trim();
  if (rest !== '') yield JSON.parse(rest) as Line;
}

/** The result of a progress stream; `onProgress` is told every progress line. */
export async function progressResult<P, R>(
  response: Response,
  onProgress?: (progress: P) => void,
): Promise<R> {
  if (response.body === null) throw new ApiError('INCOMPLETE_ANSWER', response.status, 'an empty answer');
  for await (const line of lines(response.body)) {
    if (line.type === 'result') return line.result as R;
    if (line.type === 'error') {
      const { code, status, detail } = line.problem;
      throw new ApiError(
        typeof code === 'string' ? code : 'STREAM_FAILED',
        typeof status === 'number' ? status : 500,
        typeof detail === 'string' ? detail : 'the operation failed after it started',
      );
    }
    onProgress?.(line as P);
  }
  throw new ApiError('INCOMPLETE_ANSWER', response.status, 'the answer ended before its result');
}
