/**
 * What `/healthz` answers for a worker process: healthy only when Redis answers, S1 is reachable and the token is
 * accepted. The parts that know (preflight, the network monitor, the auth gate) set the S1 side; Redis is asked live.
 */
export interface WorkerHealth {
  /** undefined when S1 looks fine, else why not (one line). */
  s1Problem(): string | undefined;
  setS1Problem(problem: string | undefined): void;
}

export function createWorkerHealth(): WorkerHealth {
  let problem: string | undefined = 'starting: checking S1_API_URL and S1_API_TOKEN';
  return {
    s1Problem: () => problem,
    setS1Problem: (p) => {
      problem = p;
    },
  };
}
