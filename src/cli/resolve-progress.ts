import type { Directory } from '../queue/index.js';

type OnPage = (progress: { list: 'account-users' | 'user-groups'; read: number; total: number | undefined }) => void;

/**
 * Shows on a terminal how far name resolution has come (a 100,000-user account is 1,000 pages, minutes at a low
 * rate); says nothing when stderr is not a terminal, so logs and pipes stay clean. `done()` ends the line.
 */
export function resolveProgress(stream: NodeJS.WriteStream = process.stderr): { onPage: OnPage; done: () => void } {
  let shown = false;
  return {
    onPage: ({ list, read, total }) => {
      if (!stream.isTTY) return;
      shown = true;
      stream.write(`\rresolving names: ${list} page ${read}${total === undefined ? '' : ` of ${total}`}\x1b[K`);
    },
    done: () => {
      if (shown) stream.write('\n');
      shown = false;
    },
  };
}

/** One line on what resolution cost, for the dry run: pages read and how long they take at the configured rate. */
export function resolutionCost(directory: Directory | undefined, rate: number): { pages: number; estimatedSeconds: number } {
  const pages = directory?.pages ?? 0;
  return { pages, estimatedSeconds: Math.ceil(pages / rate) };
}
