import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rateGate } from '../../src/sim/rate-gate.js';
import { parseRateSchedule, scheduledRate, type RateSchedule } from '../../src/sim/rate-schedule.js';
import { simOptionsFromCommandLine } from '../../src/sim/sim-option-flags.js';
import { applySimOptionsPatch, resolveSimOptions, type SimOptions } from '../../src/sim/sim-options.js';
import { SimState } from '../../src/sim/sim-state.js';
import { problem, startHarness, type Harness } from './sim-harness.js';

const schedule = (text: string): RateSchedule => {
  const parsed = parseRateSchedule(text);
  if (typeof parsed === 'string') throw new Error(parsed);
  return parsed;
};

const stateWith = (options: Omit<SimOptions, 'token'>): SimState => new SimState(resolveSimOptions({ token: 't', ...options }));

/** Sends `n` requests through the gate at `at` ms; returns how many were accepted and the 429s' details. */
function sendAt(state: SimState, at: number, n: number): { accepted: number; details: string[] } {
  let accepted = 0;
  const details: string[] = [];
  for (let i = 0; i < n; i++) {
    const gate = rateGate(state, at);
    if (gate.rejected) details.push((JSON.parse(gate.rejected.body) as { detail: string }).detail);
    else accepted++;
  }
  return { accepted, details };
}

describe('rateSchedule option', () => {
  it('reads segments rate:seconds, the last with or without seconds, spaces and decimals allowed', () => {
    expect(schedule('150:15,60:15,150').segments).toEqual([
      { rate: 150, seconds: 15 },
      { rate: 60, seconds: 15 },
      { rate: 150, seconds: null },
    ]);
    expect(schedule(' 10:0.5 , 20:2 ')).toEqual({ text: '10:0.5,20:2', segments: [{ rate: 10, seconds: 0.5 }, { rate: 20, seconds: 2 }] });
    expect(schedule('75').segments).toEqual([{ rate: 75, seconds: null }]);
    expect(resolveSimOptions({ token: 't', rateSchedule: '150:15,60' }).rateSchedule?.segments).toHaveLength(2);
  });

  it('is none by default, and null or an empty string clear it', () => {
    expect(resolveSimOptions({ token: 't' }).rateSchedule).toBeNull();
    const set = resolveSimOptions({ token: 't', rateSchedule: '5:1,2' });
    expect(applySimOptionsPatch(set, { rateSchedule: '' }).rateSchedule).toBeNull();
    expect(applySimOptionsPatch(set, { rateSchedule: null }).rateSchedule).toBeNull();
    expect(applySimOptionsPatch(set, { latencyMs: 1 }).rateSchedule).toBe(set.rateSchedule);
  });

  it('refuses bad strings, naming the option and what is wrong', () => {
    const cases: Array<[string, RegExp]> = [
      ['150,60:15', /segment 1 \("150"\) has no seconds; only the last segment may omit them/],
      ['fast:15', /segment 1 \("fast:15"\) is not rate:seconds/],
      ['150:15,', /segment 2 \(""\) is not rate:seconds/],
      ['150:0,60', /segment 1 \("150:0"\) lasts no time/],
      ['-5:10', /is not rate:seconds/],
      ['150:15:3', /is not rate:seconds/],
      ['3000000:1,5', /has a rate above 2000000/],
    ];
    for (const [text, reason] of cases) {
      expect(() => resolveSimOptions({ token: 't', rateSchedule: text })).toThrow(/^simulator: rateSchedule must be rate:seconds segments/);
      expect(() => resolveSimOptions({ token: 't', rateSchedule: text })).toThrow(reason);
    }
    expect(() => resolveSimOptions({ token: 't', rateSchedule: 150 as never })).toThrow('simulator: rateSchedule must be rate:seconds segments');
    const start = resolveSimOptions({ token: 't' });
    expect(() => applySimOptionsPatch(start, { rateSchedule: '1,2' })).toThrow(/^simulator: rateSchedule must be .*segment 1 \("1"\) has no seconds/);
  });

  it('is a flag and a variable of the sim command, whose message names both', () => {
    expect(simOptionsFromCommandLine({ rateSchedule: '150:15,60:15,150' }, {}).rateSchedule).toBe('150:15,60:15,150');
    expect(simOptionsFromCommandLine({}, { SIM_RATE_SCHEDULE: '40:2,80' }).rateSchedule).toBe('40:2,80');
    expect(() => simOptionsFromCommandLine({}, { SIM_RATE_SCHEDULE: '40,80' })).toThrow(
      /^simulator: --rate-schedule \/ SIM_RATE_SCHEDULE must be rate:seconds segments.* \(got "40,80"\): segment 1 \("40"\) has no seconds/,
    );
  });

  it('gives the rate in force for a time since the clock started; the last rate holds after the end', () => {
    const s = schedule('150:15,60:15,150');
    expect([0, 14_999, 15_000, 29_999, 30_000, 1e9].map((ms) => scheduledRate(s, ms))).toEqual([150, 150, 60, 60, 150, 150]);
    expect(scheduledRate(schedule('5:1,7:1'), 60_000)).toBe(7);
  });
});

describe('the rate gate with a schedule', () => {
  it('follows the schedule, overriding rate, with the rate in force in the 429 and the headers', () => {
    const state = stateWith({ rate: 100, rateSchedule: '3:1,1:1,2', rateLimitHeaders: true });
    const t0 = 50_000;
    const first = sendAt(state, t0, 5);
    expect(first.accepted).toBe(3);
    expect(first.details).toEqual(['Rate limit of 3 requests per second exceeded.', 'Rate limit of 3 requests per second exceeded.']);
    // 1 s in: the window has emptied and the limit is 1.
    const second = sendAt(state, t0 + 1_000, 3);
    expect(second.accepted).toBe(1);
    expect(second.details[0]).toBe('Rate limit of 1 requests per second exceeded.');
    expect(rateGate(state, t0 + 1_500).rejected?.headers).toMatchObject({ 'ratelimit-limit': 1, 'x-ratelimit-limit': 1, 'retry-after': '1' });
    // 2 s in and from then on: 2 per second.
    expect(sendAt(state, t0 + 2_000, 3).accepted).toBe(2);
    expect(rateGate(state, t0 + 2_100).rejected?.headers).toMatchObject({ 'ratelimit-limit': 2 });
    expect(sendAt(state, t0 + 60_000, 3).accepted).toBe(2);
  });

  it('keeps the window across a change: a lower limit admits nothing until the window drains below it', () => {
    const state = stateWith({ rateSchedule: '4:1,2' });
    expect(sendAt(state, 0, 1).accepted).toBe(1);
    expect(sendAt(state, 900, 3).accepted).toBe(3);
    // 1 s in the limit is 2; the three that arrived at 0.9 s are still inside the window.
    expect(sendAt(state, 1_000, 1).accepted).toBe(0);
    expect(sendAt(state, 1_900, 2).accepted).toBe(2);
  });

  it('takes a rate changed at run time at the next request, keeping the window', () => {
    const state = stateWith({ rate: 10 });
    expect(sendAt(state, 0, 5).accepted).toBe(5);
    state.applyOptions({ rate: 6 });
    const after = sendAt(state, 100, 3);
    expect(after.accepted).toBe(1);
    expect(after.details[0]).toBe('Rate limit of 6 requests per second exceeded.');
    state.applyOptions({ rate: 0 });
    expect(sendAt(state, 200, 50).accepted).toBe(50);
  });

  it('starts its clock at the first request, not at start-up, and again after reset', () => {
    const state = stateWith({ rateSchedule: '3:1,1' });
    // The simulator has been up for a while (an import, stats polls): nothing has started the clock.
    expect(state.statsSnapshot()).toMatchObject({ scheduleStartAt: null, rateInForce: 3 });
    expect(sendAt(state, 100_000, 4).accepted).toBe(3);
    expect(state.statsSnapshot().scheduleStartAt).toBe(100_000);
    expect(sendAt(state, 101_000, 2).accepted).toBe(1);
    state.reset();
    expect(state.statsSnapshot()).toMatchObject({ scheduleStartAt: null, rateInForce: 3 });
    expect(sendAt(state, 200_000, 4).accepted).toBe(3);
    expect(state.statsSnapshot().scheduleStartAt).toBe(200_000);
  });

  it('restarts its clock when the schedule is changed, not when another option is', () => {
    const state = stateWith({ rateSchedule: '3:1,1' });
    sendAt(state, 0, 1);
    state.applyOptions({ latencyMs: 0 });
    expect(state.statsSnapshot().scheduleStartAt).toBe(0);
    state.applyOptions({ rateSchedule: '2:1,5' });
    expect(state.statsSnapshot().scheduleStartAt).toBeNull();
    expect(sendAt(state, 10_000, 3).accepted).toBe(2);
    expect(state.statsSnapshot().scheduleStartAt).toBe(10_000);
  });
});

describe('the rate schedule over HTTP', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ rateSchedule: '2:60,1' });
  });
  afterAll(async () => {
    await h.close();
  });

  it('control requests do not start the clock; the first API request does, and reset clears it', async () => {
    await h.call('GET', '/_sim/stats');
    await h.call('POST', '/_sim/options', { latencyMs: 0 });
    let stats = (await h.call('GET', '/_sim/stats')).json as { scheduleStartAt: number | null; rateInForce: number };
    expect(stats).toMatchObject({ scheduleStartAt: null, rateInForce: 2 });
    const before = performance.timeOrigin + performance.now();
    const replies = await Promise.all([1, 2, 3].map((i) => h.assign(`AUSR-1000-0000-000${i}`, { id: 'UGR-1234-5678' })));
    expect(replies.map((r) => r.status).sort()).toEqual([200, 200, 429]);
    expect(problem(replies.find((r) => r.status === 429)?.json).detail).toBe('Rate limit of 2 requests per second exceeded.');
    const s = h.sim.stats();
    expect(s.scheduleStartAt).not.toBeNull();
    expect(s.scheduleStartAt ?? 0).toBeGreaterThanOrEqual(before - 1);
    expect(s.scheduleStartAt ?? Infinity).toBeLessThanOrEqual(s.firstAt ?? 0);
    await h.call('POST', '/_sim/reset');
    stats = (await h.call('GET', '/_sim/stats')).json as typeof stats;
    expect(stats.scheduleStartAt).toBeNull();
  });

  it('POST /_sim/options changes rate at run time, and the 429 says the new limit', async () => {
    await h.call('POST', '/_sim/reset');
    expect((await h.call('POST', '/_sim/options', { rateSchedule: null, rate: 50 })).status).toBe(204);
    expect(h.sim.stats().rateInForce).toBe(50);
    expect((await h.assign('AUSR-1000-0000-0010', { id: 'UGR-1234-5678' })).status).toBe(200);
    expect((await h.call('POST', '/_sim/options', { rate: 1 })).status).toBe(204);
    const limited = await h.assign('AUSR-1000-0000-0011', { id: 'UGR-1234-5678' });
    expect(limited.status).toBe(429);
    expect(problem(limited.json).detail).toBe('Rate limit of 1 requests per second exceeded.');
    expect((await h.call('POST', '/_sim/options', { rateSchedule: '1,2' })).status).toBe(400);
  });
});
