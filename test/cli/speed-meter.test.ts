import { describe, expect, it } from 'vitest';
import { createSpeedMeter, formatEta } from '../../src/cli/speed-meter.js';

describe('the speed of a progress view', () => {
  it('does not count rows finished before the view opened', () => {
    let now = 0;
    const meter = createSpeedMeter(() => now);
    // 900 of 1000 rows were done long before anyone watched.
    expect(meter.sample(900, 1000)).toEqual({ speed: 0, etaSeconds: undefined });
    now = 10_000;
    // 20 more in 10 s: 2 rows/s, not (920 / 10 s).
    expect(meter.sample(920, 1000)).toEqual({ speed: 2, etaSeconds: 40 });
  });

  it('moves its ETA while nothing finishes', () => {
    let now = 0;
    const meter = createSpeedMeter(() => now);
    meter.sample(0, 100);
    now = 10_000;
    const a = meter.sample(10, 100).etaSeconds;
    now = 20_000;
    const b = meter.sample(10, 100).etaSeconds;
    expect(a).toBe(90);
    expect(b).toBe(180);
  });

  it('says 0 s left when every row is done, and "--" while the speed is unknown', () => {
    let now = 0;
    const meter = createSpeedMeter(() => now);
    meter.sample(5, 10);
    now = 1000;
    expect(meter.sample(10, 10).etaSeconds).toBe(0);
    expect(formatEta(undefined)).toBe('--');
    expect(formatEta(0)).toBe('0s');
    expect(formatEta(42.2)).toBe('43s');
    expect(formatEta(185)).toBe('3m05s');
    expect(formatEta(7620)).toBe('2h07m');
  });
});
