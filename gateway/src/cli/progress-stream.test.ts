import { ApiError } from './api-client';
import { progressResult } from './progress-stream';

/** An answer whose body arrives in the given chunks (split anywhere, as TCP may). */
function answer(chunks: readonly string[]): Response {
  const encoder = new TextEncoder();
  return new Response(
    new ReadableStream<Uint8Array>({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
        controller.close();
      },
    }),
    { status: 200, headers: { 'content-type': 'application/x-ndjson' } },
  );
}

describe('progressResult', () => {
  it('returns the result line and tells each progress line, whatever the chunking', async () => {
    const text =
      '{"type":"progress","blocksVerified":0,"totalBlocks":2}\n' +
      '\n' +
      '{"type":"progress","blocksVerified":2,"totalBlocks":2}\n' +
      '{"type":"result","result":{"ok":true,"blocksChecked":2}}\n';
    const chunks = [text.slice(0, 7), text.slice(7, 60), text.slice(60, 61), text.slice(61)];
    const seen: unknown[] = [];
    const result = await progressResult(answer(chunks), (progress) => seen.push(progress));
    expect(result).toEqual({ ok: true, blocksChecked: 2 });
    expect(seen).toEqual([
      { type: 'progress', blocksVerified: 0, totalBlocks: 2 },
      { type: 'progress', blocksVerified: 2, totalBlocks: 2 },
    ]);
  });

  it('turns a failure told in the stream into the problem it carries', async () => {
    const failed = progressResult(
      answer([
        '{"type":"progress","blocksVerified":0,"totalBlocks":9}\n',
        '{"type":"error","problem":{"status":503,"code":"LEDGER_UNAVAILABLE","detail":"try later"}}\n',
      ]),
    );
    await expect(failed).rejects.toEqual(
      expect.objectContaining({ code: 'LEDGER_UNAVAILABLE', status: 503 }),
    );
  });

  it('refuses an answer cut off before its result (a dropped connection is not a clean report)', async () => {
    const cut = progressResult(answer(['{"type":"progress","blocksVerified":0,"totalBlocks":9}\n']));
    await expect(cut).rejects.toBeInstanceOf(ApiError);
    await expect(cut).rejects.toEqual(expect.objectContaining({ code: 'INCOMPLETE_ANSWER' }));
  });
});
