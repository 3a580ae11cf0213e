/**
 * Reads an NDJSON answer line by line as it arrives (the gateway's progress streams): one parsed value per line.
 * Without a readable body (an old engine), the whole text is read at once.
 */
export async function* ndjsonLines(response: Response): AsyncGenerator<unknown> {
  const reader = response.body?.getReader();
  if (!reader) {
    for (const line of (await response.text()).split('\n'))
      if (line.trim()) yield JSON.parse(line) as unknown;
    return;
  }
  const decoder = new TextDecoder();
  let buffered = '';
  for (;;) {
    const { done, value } = await reader.read();
    buffered += done ? decoder.decode() : decoder.decode(value, { stream: true });
    let newline = buffered.indexOf('\n');
    while (newline >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      if (line.trim()) yield JSON.parse(line) as unknown;
      newline = buffered.indexOf('\n');
    }
    if (done) break;
  }
  if (buffered.trim()) yield JSON.parse(buffered) as unknown;
}
