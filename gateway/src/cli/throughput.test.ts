import { formatBytes, formatTimeLeft, MIN_SPAN_MS, RATE_WINDOW_MS, ThroughputMeter } from './throughput';

const MB = 1024 * 1024;

describe('ThroughputMeter', () => {
  it('knows nothing in the first second', () => {
    const meter = new ThroughputMeter(0);
    meter.record(8 * MB, 500);
    expect(meter.rate(MIN_SPAN_MS - 1)).toBeUndefined();
    expect(meter.timeLeft(10 * MB, MIN_SPAN_MS - 1)).toBeUndefined();
  });

  it('estimates the time left of a steady upload from the bytes sent', () => {
    const meter = new ThroughputMeter(0);
    // 8 MiB parts, one every 2 s: 4 MiB/s.
    for (let part = 1; part <= 10; part++) meter.record(part * 8 * MB, part * 2000);
    expect(meter.rate(20_000)).toBeCloseTo(4 * MB, -3);
    expect(meter.timeLeft(120 * MB, 20_000)).toBeCloseTo(30_000, -2);
  });

  it('lets the time left grow while nothing is sent, instead of sitting at the last estimate', () => {
    const meter = new ThroughputMeter(0);
    for (let part = 1; part <= 5; part++) meter.record(part * 8 * MB, part * 1000);
    const before = meter.timeLeft(160 * MB, 5_000) as number;
    expect(before).toBeCloseTo(20_000, -2);
    // 8 s of silence (a slow part on a congested link): the estimate must not stay at 20 s.
    const stalled = meter.timeLeft(160 * MB, 13_000) as number;
    expect(stalled).toBeGreaterThan(before * 1.5);
    // After a whole window without a byte, there is no rate left to estimate from.
    expect(meter.timeLeft(160 * MB, 5_000 + RATE_WINDOW_MS + 1)).toBeUndefined();
  });

  it('says nothing is left once everything is sent', () => {
    expect(new ThroughputMeter(0).timeLeft(0, 10)).toBe(0);
  });
});

describe('formatting', () => {
  it('writes sizes in binary units and times left in hours, minutes and seconds', () => {
    expect([formatBytes(512), formatBytes(1536), formatBytes(200 * MB), formatBytes(3 * 1024 * MB)]).toEqual([
      '512 B',
      '1.5 kB',
      '200 MB',
      '3.0 GB',
    ]);
    expect([
      formatTimeLeft(undefined),
      formatTimeLeft(41_200),
      formatTimeLeft(187_000),
      formatTimeLeft(7_500_000),
    ]).toEqual(['--', '42s', '3m 07s', '2h 05m']);
  });
});
