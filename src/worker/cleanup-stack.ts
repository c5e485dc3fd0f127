/**
 * What a process started, undone in reverse order of start-up (BullMQ `Worker.close`, pg-boss `stop`). Every cleanup
 * runs even when an earlier one throws; the first error is rethrown at the end. `run()` twice runs them once.
 */
export class CleanupStack {
  private readonly steps: Array<() => Promise<unknown> | unknown> = [];
  private running: Promise<void> | undefined;

  push(step: () => Promise<unknown> | unknown): void {
    this.steps.push(step);
  }

  run(): Promise<void> {
    this.running ??= (async () => {
      let first: unknown;
      for (const step of this.steps.splice(0).reverse()) {
        try {
          await step();
        } catch (err) {
          first ??= err;
        }
      }
      if (first !== undefined) throw first;
    })();
    return this.running;
  }
}
