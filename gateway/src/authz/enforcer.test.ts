import { readFileSync } from 'node:fs';
import path from 'node:path';
import { newEnforcer } from 'casbin';
import { ANONYMOUS, AUTHZ_DIR, loadAuthorizer } from './enforcer';

/** The roles and route paths the policy names, and every method. */
function combinations(): [string, string, string][] {
  const lines = readFileSync(path.join(AUTHZ_DIR, 'policy.csv'), 'utf8')
    .split('\n')
    .map((line) => line.split(',').map((field) => field.trim()));
  const roles = new Set([ANONYMOUS, 'stranger']);
  const paths = new Set(['/api/v1/not-a-route']);
  for (const [kind, first, second] of lines) {
    if (kind === 'g') [first, second].forEach((role) => role !== undefined && roles.add(role));
    if (kind === 'p' && second !== undefined) paths.add(second);
  }
  return [...roles].flatMap((role) =>
    [...paths].flatMap((routePath) =>
      ['get', 'post', 'put', 'delete'].map((method): [string, string, string] => [role, routePath, method]),
    ),
  );
}

it('decides every role, route and method as casbin does, the first time and from its memo', async () => {
  const casbin = await newEnforcer(path.join(AUTHZ_DIR, 'model.conf'), path.join(AUTHZ_DIR, 'policy.csv'));
  const authorizer = await loadAuthorizer();
  const all = combinations();
  const expected = await Promise.all(
    all.map(([role, routePath, method]) => casbin.enforce(role, routePath, method.toUpperCase())),
  );
  // Both answers are seen (the comparison could miss a memo that mixes keys up otherwise).
  expect(new Set(expected)).toEqual(new Set([true, false]));
  for (let round = 0; round < 2; round += 1)
    for (const [index, [role, routePath, method]] of all.entries())
      expect([role, routePath, method, await authorizer.allows(role, routePath, method)]).toEqual([
        role,
        routePath,
        method,
        expected[index],
      ]);
});
