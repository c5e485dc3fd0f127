/** One observation of a batch: rows with an API outcome and HTTP calls so far. */
export interface RateSample {
  /** ms since the epoch */
  t: number;
  processed: number;
  requests: number;
}

const MAX_BATCHES = 50;
const MAX_SAMPLES = 1200;

/**
 * What this console saw of each running batch, for the request-rate chart. Workers keep only totals in Redis, so
 * the curve covers the time a page or event stream watched the batch; the page draws the mean rate for the rest.
 * Bounded: old batches are forgotten, and a long batch keeps every other sample once its list is full.
 */
export class RateHistory {
  private readonly byBatch = new Map<string, RateSample[]>();

  record(batchId: string, s: RateSample): void {
    let list = this.byBatch.get(batchId);
    if (!list) {
      if (this.byBatch.size >= MAX_BATCHES) this.byBatch.delete(this.byBatch.keys().next().value!);
      list = [];
      this.byBatch.set(batchId, list);
    }
    const last = list[list.length - 1];
    if (last && last.processed === s.processed && last.requests === s.requests && s.t - last.t < 5000) return;
    list.push(s);
    if (list.length > MAX_SAMPLES) this.byBatch.set(batchId, list.filter((_, i) => i % 2 === 0 || i === list.length - 1));
  }

  samples(batchId: string): RateSample[] {
    return [...(this.byBatch.get(batchId) ?? [])];
  }
}
