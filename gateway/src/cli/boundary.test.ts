import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The modules a source loads at run time (its non-type imports). */
function runtimeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^import (?!type )[^;]*?from '([^']+)';/gms)].map((match) => match[1] as string);
}

/**
 * The CLI is a pure HTTP client: at run time it loads its own modules, Node and its two libraries only — and, to keep
 * one definition of a format the gateway also writes (the replay report's CSV), a gateway module that is itself a
 * leaf: it loads nothing at run time, so no server code comes with it.
 */
describe('the command-line client’s dependencies', () => {
  const sources = readdirSync(__dirname).filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'));

  it.each(sources)('%s loads no server code', (file) => {
    for (const target of runtimeImports(path.join(__dirname, file))) {
      if (target.startsWith('../')) {
        expect(runtimeImports(path.join(__dirname, `${target}.ts`))).toEqual([]);
        continue;
      }
      expect(target).toMatch(/^(\.\/[a-z-]+|node:[a-z/]+|commander|cli-progress)$/);
    }
  });
});
