import type { Logger } from '../log/logger.js';

/**
 * First SIGINT/SIGTERM: stop taking work and let in-flight requests finish (up to `graceSeconds`), then resolve 0.
 * The grace period running out aborts what is still in flight and still resolves 0: the person asked for a stop
 * and got it within the time they configured (README, exit codes). Only a second signal resolves 130: that stop
 * was forced by them, with in-flight requests aborted.
 */
export function waitForShutdown(log: Logger, graceSeconds: number, close: (force: boolean) => Promise<void>): { done: Promise<number>; dispose: () => void } {
  let signalled = 0;
  let resolveDone!: (code: number) => void;
  const done = new Promise<number>((r) => (resolveDone = r));
  let timer: NodeJS.Timeout | undefined;
  let forced = false;

  const force = (why: string, code: number) => {
    forced = true;
    log.warn(`${why}: forcing shutdown, aborting in-flight requests`);
    // A job blocked on an unreachable Redis never lets close() finish: forcing must not wait for it for ever.
    const deadline = setTimeout(() => resolveDone(code), 3000);
    deadline.unref();
    void close(true).finally(() => {
      clearTimeout(deadline);
      resolveDone(code);
    });
  };
  const onSignal = (sig: NodeJS.Signals) => {
    signalled++;
    if (signalled === 1) {
      log.info({ signal: sig, graceSeconds }, 'shutting down: finishing in-flight jobs (send the signal again to force)');
      timer = setTimeout(() => force('grace period over', 0), graceSeconds * 1000);
      timer.unref();
      void close(false).then(
        () => {
          clearTimeout(timer);
          // A forced close also ends the graceful one; the exit code is the forcing's.
          if (!forced) resolveDone(0);
        },
        (err: unknown) => {
          log.error({ err }, 'error while shutting down');
          resolveDone(1);
        },
      );
    } else if (signalled === 2) {
      clearTimeout(timer);
      force(`second ${sig}`, 130);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    done,
    dispose: () => {
      clearTimeout(timer);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
