import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The CLI is a pure HTTP client: at run time it loads its own modules, Node and its two libraries only. */
describe('the command-line client’s dependencies', () => {
  const sources = readdirSync(__dirname).filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'));

  it.each(sources)('%s loads no server code', (file) => {
    const text = readFileSync(path.join(__dirname, file), 'utf8');
    const runtime = [...text.matchAll(/^import (?!type )[^;]*?from '([^']+)';/gms)].map((match) => match[1]);
    for (const target of runtime)
      expect(target).toMatch(/^(\.\/[a-z-]+|node:[a-z/]+|commander|cli-progress)$/);
  });
});
