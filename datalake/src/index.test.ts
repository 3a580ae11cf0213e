import { PACKAGE } from './index';

describe('@custodia/datalake', () => {
  it('exports its package name', () => {
    expect(PACKAGE).toBe('@custodia/datalake');
  });
});
