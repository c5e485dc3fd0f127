import { readFileSync } from 'node:fs';

/** USER_HZ: the unit of /proc CPU times (100 on every common Linux build). */
const TICKS_PER_SECOND = 100;

function readTicks(): { total: number; ours: number } | undefined {
  try {
    // cpu  user nice system idle iowait irq softirq steal ...: busy = everything but idle and iowait.
    const cpu = (/^cpu\s+(.*)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1] ?? '').split(/\s+/).map(Number);
    const busy = cpu.reduce((a, b, i) => (i === 3 || i === 4 || i > 7 ? a : a + (b || 0)), 0);
    return { total: busy, ours: processTicks('self', true) };
  } catch {
    return undefined;
  }
}

/**
 * utime + stime of a process from /proc/<pid>/stat, plus cutime + cstime (its children that have exited and been
 * reaped) when `withChildren`. Fields after the `(comm)` are counted from 1 = state.
 */
export function processTicks(pid: number | 'self', withChildren = false): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
    const own = (f[11] ?? 0) + (f[12] ?? 0);
    return withChildren ? own + (f[13] ?? 0) + (f[14] ?? 0) : own;
  } catch {
    return 0;
  }
}

/**
 * How much CPU other processes on the machine took while a scenario ran, in cores on average: all busy CPU time
 * minus the bench's own (itself, its exited children, and the processes in `alsoOurs`, i.e. redis-server). The
 * machine may be shared; a high figure means the scenario's timings were squeezed by unrelated work.
 */
export function watchForeignCpu(alsoOurs: () => number): { stop(): number | undefined } {
  const t0 = performance.now();
  const a = readTicks();
  const extra0 = alsoOurs();
  return {
    stop() {
      const b = readTicks();
      const seconds = (performance.now() - t0) / 1000;
      if (!a || !b || seconds <= 0) return undefined;
      const foreign = b.total - a.total - (b.ours - a.ours) - (alsoOurs() - extra0);
      return Math.max(0, foreign / TICKS_PER_SECOND / seconds);
    },
  };
}
