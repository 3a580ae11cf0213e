import { v8Collector } from './collector';

describe('v8Collector', () => {
  it('is looked up once per thread (a new context each time cost milliseconds of the event loop per upload)', () => {
    const first = v8Collector();
    expect(typeof first).toBe('function');
    expect(v8Collector()).toBe(first);
  });
});
