import cliProgress from 'cli-progress';
import type { BatchStatus } from '../queue/index.js';

export interface Progress {
  update(b: BatchStatus): void;
  stop(): void;
}

/**
 * A live bar on a TTY (rows done of total, rows per second, ETA, failures so far); without a TTY, one plain line
 * at most every `plainEveryMs`, so logs and CI output stay readable. Writes to stderr: stdout is for results.
 */
export function createProgress(total: number, plainEveryMs = 5000): Progress {
  const started = Date.now();
  const doneOf = (b: BatchStatus) => b.rows - b.pending;
  const failuresOf = (b: BatchStatus) => b.failed + b.invalid + b.duplicate;
  const rate = (n: number) => {
    const s = (Date.now() - started) / 1000;
    return s > 0 ? Math.round((n / s) * 10) / 10 : 0;
  };
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      { format: '{bar} {value}/{total} rows | {speed}/s | ETA {eta_formatted} | failures {failures}', hideCursor: true, etaBuffer: 50, stream: process.stderr },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { speed: 0, failures: 0 });
    return {
      update: (b) => bar.update(doneOf(b), { speed: rate(doneOf(b)), failures: failuresOf(b) }),
      stop: () => bar.stop(),
    };
  }
  let last = 0;
  return {
    update(b) {
      const now = Date.now();
      if (now - last < plainEveryMs && !b.done) return;
      last = now;
      process.stderr.write(`progress ${b.batchId}: ${doneOf(b)}/${b.rows} rows, ${rate(doneOf(b))}/s, failures ${failuresOf(b)}\n`);
    },
    stop: () => undefined,
  };
}
