/**
 * Runs every policy in every world (scenario × traffic level × seed), spread over worker threads, and returns one
 * compact result per run. A world is built once per (scenario, level, seed) and shared by the policies run in it.
 */
import os from 'node:os';
import { Worker, isMainThread, parentPort } from 'node:worker_threads';
import { HORIZON_MS, simulate, type RunResult } from './sim/engine.js';
import { World } from './sim/world.js';
import { scenarioByName } from './scenarios.js';
import { POLICIES } from './policies/index.js';

/** One run, as the report needs it. */
export interface Outcome {
  readonly scenario: string;
  readonly rps: number;
  readonly seed: number;
  readonly policy: string;
  readonly result: RunResult;
}

export interface Job {
  readonly scenario: string;
  readonly rps: number;
  readonly seeds: readonly number[];
}

/** Every policy in every world of `job`. */
export function runJob(job: Job): Outcome[] {
  const scenario = scenarioByName(job.scenario);
  if (!scenario) throw new Error(`unknown scenario ${job.scenario}`);
  const out: Outcome[] = [];
  for (const seed of job.seeds) {
    const world = new World(scenario, job.rps, seed);
    for (const policy of POLICIES) {
      out.push({
        scenario: job.scenario,
        rps: job.rps,
        seed,
        policy: policy.key,
        result: simulate(world, policy.make()),
      });
    }
  }
  return out;
}

/** Runs `jobs` on `threads` workers (default: the machine's parallelism), reporting progress. */
export async function runAll(
  jobs: readonly Job[],
  threads = Math.max(1, os.availableParallelism()),
  progress: (done: number, total: number) => void = () => {},
): Promise<Outcome[]> {
  const queue = [...jobs];
  const results: Outcome[] = [];
  let done = 0;
  const worker = async (): Promise<void> => {
    const w = new Worker(new URL('./worker.mjs', import.meta.url));
    try {
      for (;;) {
        const job = queue.shift();
        if (!job) break;
        const outcomes = await new Promise<Outcome[]>((resolve, reject) => {
          const onMessage = (message: Outcome[]): void => {
            w.off('error', reject);
            resolve(message);
          };
          w.once('message', onMessage);
          w.once('error', reject);
          w.postMessage(job);
        });
        results.push(...outcomes);
        done += 1;
        progress(done, jobs.length);
      }
    } finally {
      await w.terminate();
    }
  };
  await Promise.all(Array.from({ length: Math.min(threads, jobs.length) }, worker));
  return results;
}

export { HORIZON_MS };

/** In a worker thread (worker.mjs): run each job sent and answer with its outcomes. */
export function serveJobs(): void {
  if (isMainThread || !parentPort) throw new Error('serveJobs runs in a worker thread');
  const port = parentPort;
  port.on('message', (job: Job) => port.postMessage(runJob(job)));
}
