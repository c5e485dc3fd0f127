import { loadavg } from 'node:os';

/**
 * Samples the 1-minute load average every `everyMs` while the bench runs. The machine may be shared: a load far
 * above the core count means other work competed with the scenarios, and the figures are noisier for it.
 */
export function sampleLoad(everyMs = 5000): { stop(): { mean: number; max: number } } {
  const samples: number[] = [loadavg()[0] ?? 0];
  const timer = setInterval(() => samples.push(loadavg()[0] ?? 0), everyMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      samples.push(loadavg()[0] ?? 0);
      const round = (n: number) => Math.round(n * 100) / 100;
      return { mean: round(samples.reduce((a, b) => a + b, 0) / samples.length), max: round(Math.max(...samples)) };
    },
  };
}
