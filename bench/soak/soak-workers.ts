import { readProcMemory, spawnNode, type NodeChild } from '../lib/child-process.js';
import { CLI } from '../lib/paths.js';

/** One worker process the soak started, and what became of it. */
export interface SoakWorker {
  readonly id: number;
  readonly child: NodeChild;
  /** Why it ended: `killed` by the soak's fault, `stopped` at the end, or the exit code/signal when it died alone. */
  end?: string;
  /** VmRSS at the end of each finished round it lived through (index = round number). */
  rssByRound: Map<number, number>;
  /** VmRSS every RSS_SAMPLE_MS while it lived (`at`: performance.now()), busy and idle alike. */
  rssSamples: Array<{ at: number; bytes: number }>;
}

/** How often each live worker's VmRSS is read: ~180 samples in a 30-minute soak. */
export const RSS_SAMPLE_MS = 10_000;

/**
 * `bulk-assign worker` processes kept at `size`: one the soak kills is replaced at once, and so is one that dies on
 * its own (that is recorded as a finding, with its stderr).
 */
export class SoakWorkerPool {
  readonly all: SoakWorker[] = [];
  readonly unexpectedExits: Array<{ id: number; end: string; stderr: string }> = [];
  private closing = false;
  private sampler: NodeJS.Timeout | undefined;

  constructor(
    private readonly size: number,
    private readonly env: NodeJS.ProcessEnv,
    private readonly cwd: string,
    /** Told at once when a worker dies on its own (the summary lists it too, at the end). */
    private readonly log: (line: string) => void = () => undefined,
  ) {}

  get live(): SoakWorker[] {
    return this.all.filter((w) => w.end === undefined);
  }

  start(): void {
    while (this.live.length < this.size) this.spawnOne();
    this.sampler ??= setInterval(() => {
      for (const w of this.live) {
        // A worker that just exited has no /proc entry left: its series simply ends.
        try {
          w.rssSamples.push({ at: performance.now(), bytes: readProcMemory(w.child.pid, 'VmRSS') });
        } catch {
          /* gone */
        }
      }
    }, RSS_SAMPLE_MS);
  }

  private spawnOne(): void {
    const child = spawnNode(CLI, ['worker'], this.env, { cwd: this.cwd, sampleMs: 1000 });
    const w: SoakWorker = { id: this.all.length + 1, child, rssByRound: new Map(), rssSamples: [] };
    this.all.push(w);
    void child.exited.then((res) => {
      if (w.end !== undefined) return;
      w.end = `exit ${res.code ?? res.signal}`;
      if (this.closing) return;
      const stderr = child.stderr().trim().slice(-1500);
      this.unexpectedExits.push({ id: w.id, end: w.end, stderr });
      this.log(`worker #${w.id} died on its own (${w.end}): ${stderr.split('\n').slice(-3).join(' | ') || 'nothing on stderr'}`);
      this.spawnOne();
    });
  }

  /** SIGKILL the oldest live worker, wait until it is gone, start its replacement; returns the victim's id. */
  async kill9(): Promise<number> {
    const victim = this.live[0];
    if (!victim) throw new Error('no live worker to kill');
    victim.end = 'killed (kill -9)';
    victim.child.proc.kill('SIGKILL');
    await victim.child.exited;
    this.spawnOne();
    return victim.id;
  }

  /** Records each live worker's VmRSS as of the end of `round`. */
  sampleRss(round: number): void {
    for (const w of this.live) w.rssByRound.set(round, readProcMemory(w.child.pid, 'VmRSS'));
  }

  /** SIGTERM every live worker (a clean drain); returns their exit codes. Safe to call twice. */
  async stop(): Promise<Array<number | null>> {
    this.closing = true;
    clearInterval(this.sampler);
    const live = this.live;
    const codes = await Promise.all(
      live.map(async (w) => {
        await w.child.stop(30_000);
        w.end = 'stopped';
        return (await w.child.exited).code;
      }),
    );
    return codes;
  }
}
