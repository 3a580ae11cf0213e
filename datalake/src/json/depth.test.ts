import { jsonDepthExceeds, MAX_JSON_DEPTH } from './depth';

const nested = (depth: number) => Buffer.from(`${'['.repeat(depth)}${']'.repeat(depth)}`);

describe('JSON nesting bound', () => {
  it('allows 400 levels and refuses 401 and 100,000', () => {
    expect(MAX_JSON_DEPTH).toBe(400);
    expect(jsonDepthExceeds(nested(400))).toBe(false);
    expect(jsonDepthExceeds(nested(401))).toBe(true);
    expect(jsonDepthExceeds(nested(100_000))).toBe(true);
    expect(jsonDepthExceeds(Buffer.from(`${'{"a":'.repeat(401)}1${'}'.repeat(401)}`))).toBe(true);
  });

  it('does not count brackets inside strings, escaped quotes included', () => {
    const text = JSON.stringify({ text: `\\"${'['.repeat(1000)}`, more: '"{{{{' });
    expect(jsonDepthExceeds(Buffer.from(text))).toBe(false);
  });
});
