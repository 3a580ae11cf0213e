import { PACKAGE } from './index';

describe('@custodia/gateway', () => {
  it('exports its package name', () => {
    expect(PACKAGE).toBe('@custodia/gateway');
  });
});
