import cliProgress from 'cli-progress';
import type { BatchStatus } from '../queue/index.js';
import { createSpeedMeter, formatEta } from './speed-meter.js';

/** How a batch's progress is shown. */
export interface ProgressOptions {
  /** The batch shown; the bar and the plain lines name it. */
  batchId: string;
  /** Rows in the batch. */
  total: number;
  /** Draw a live bar; plain lines otherwise. @defaultValue `process.stderr.isTTY` */
  tty?: boolean;
  /** Without a bar: at most one plain line this often (and always the last one). @defaultValue 5000 */
  plainEveryMs?: number;
}

export interface Progress {
  update(b: BatchStatus): void;
  /** One line for people: above the bar while it is drawn, else straight to stderr. */
  log(line: string): void;
  /** Draws the bar a last time and leaves it; safe to call twice. */
  stop(): void;
}

const doneOf = (b: BatchStatus) => b.rows - b.pending;
const failuresOf = (b: BatchStatus) => b.failed + b.invalid + b.duplicate;
const toStderr = (line: string) => process.stderr.write(line.endsWith('\n') ? line : line + '\n');

/**
 * A live bar on a TTY (batch, rows done of total, rows per second, ETA, failures so far); without a TTY, one plain
 * line at most every `plainEveryMs`, so logs and CI output stay readable. Writes to stderr: stdout is for results.
 * Speed and ETA count only rows finished while this view was open (see createSpeedMeter).
 */
export function createProgress(options: ProgressOptions): Progress {
  const meter = createSpeedMeter();
  const paceOf = (b: BatchStatus) => {
    const pace = meter.sample(doneOf(b), b.rows);
    // `timeLeft`, not `eta`: cli-progress fills `{eta}` itself, from every value since the bar started.
    return { speed: pace.speed, timeLeft: formatEta(pace.etaSeconds), failures: failuresOf(b) };
  };
  if (options.tty ?? process.stderr.isTTY) return barProgress(options, paceOf);
  const every = options.plainEveryMs ?? 5000;
  let last = 0;
  return {
    update(b) {
      const now = Date.now();
      // The pace is sampled on every update, so the first sample is when the view opened, not the first print.
      const p = paceOf(b);
      if (now - last < every && !b.done) return;
      last = now;
      toStderr(`progress ${b.batchId}: ${doneOf(b)}/${b.rows} rows, ${p.speed}/s, failures ${p.failures}, ETA ${p.timeLeft}`);
    },
    log: toStderr,
    stop: () => undefined,
  };
}

type PaceOf = (b: BatchStatus) => { speed: number; timeLeft: string; failures: number };

// A MultiBar with one bar, because only MultiBar can print lines above the bar without tearing it.
function barProgress(options: ProgressOptions, paceOf: PaceOf): Progress {
  const bars = new cliProgress.MultiBar(
    {
      format: '{batch} {bar} {value}/{total} rows | {speed}/s | ETA {timeLeft} | failures {failures}',
      hideCursor: true,
      barsize: 24,
      stream: process.stderr,
    },
    cliProgress.Presets.shades_classic,
  );
  const bar = bars.create(options.total, 0, { batch: options.batchId, speed: 0, timeLeft: '--', failures: 0 });
  let active = true;
  return {
    update(b) {
      if (active) bar.update(doneOf(b), paceOf(b));
    },
    log(line) {
      if (!active) return void toStderr(line);
      bars.log(line.endsWith('\n') ? line : line + '\n');
    },
    stop() {
      if (!active) return;
      active = false;
      // Lines logged since the last redraw sit in the bar's buffer; draw once more so they are not lost.
      bars.update();
      bars.stop();
    },
  };
}
