/** Connections to S1 (and requests in flight) per worker process for S1_CONCURRENCY. */
export function connectionsFor(concurrency: number): number {
  return Math.min(concurrency, 256);
}

/**
 * Jobs a worker process holds at once for its connections to S1 (a job beyond them waits for a free one before it
 * takes its rate slot). Each job also waits on Redis before and after its request (its grant, its outcome, BullMQ
 * completing it and fetching the next): against the simulator with no latency and as many jobs as connections, a
 * job spent ~4.5 ms of its ~17 ms in its request. Twice as many jobs: 3 runs in 4 faster (50,000 rows, same machine,
 * alternated: 5,682/6,038/6,597/6,371 -> 5,477/6,620/7,650/6,625 rows/s); four times brought no more and costs more
 * CPU per row.
 */
export function jobsInHand(connections: number): number {
  return connections * 2;
}
