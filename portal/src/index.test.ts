import { PACKAGE } from './index';

describe('@custodia/portal', () => {
  it('exports its package name', () => {
    expect(PACKAGE).toBe('@custodia/portal');
  });
});
