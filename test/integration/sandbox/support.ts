/**
 * Helpers of the sandbox's integration tests: a seeded PRNG (so statistical checks are reproducible), plain HTTP calls,
 * and process checks.
 */

/** mulberry32: uniform draws in [0, 1), the same sequence for the same seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One answer, read whole. */
export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

/** Sends one request and reads the whole answer. */
export async function call(url: string, init?: RequestInit): Promise<Answer> {
  const response = await fetch(url, init);
  return { status: response.status, headers: response.headers, text: await response.text() };
}

/** The JSON body of the demo app's `/`. */
export interface HelloBody {
  readonly service: string;
  readonly revision: string;
  readonly image: string;
  readonly ok: boolean;
}

/** Calls `url` `count` times, at most `concurrency` at once; answers in call order. */
export async function callMany(url: string, count: number, concurrency = 10): Promise<Answer[]> {
  const answers: Answer[] = new Array<Answer>(count);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      answers[i] = await call(url);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return answers;
}

/** Whether a process with this pid exists (signal 0 checks without sending anything). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Polls `probe` every 20 ms until it is true; fails after `limitMs` (a limit, not a timing). */
export async function until(what: string, probe: () => boolean, limitMs = 20_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`not ${what} within ${limitMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
