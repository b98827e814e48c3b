/**
 * Randomness for the simulator, with common random numbers built in: every draw is a pure function of the seed and a
 * key naming what is drawn (the scenario, the minute, the revision, the purpose), never of how many draws came before.
 * Two policies run on the same seed therefore face the same world: the same arrivals, the same noise, the same faults;
 * where they differ (one sends the candidate more traffic), the draws are coupled through the inverse CDF (more traffic
 * means more requests, with the same uniform). No Math.random, no clock.
 */

function mixKey(h: number, key: number): number {
  let k = Math.imul(key | 0, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function finish(h: number, length: number): number {
  h ^= length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A 32-bit hash of a list of integers (murmur3-style mixing). */
export function hash32(keys: readonly number[], seed = 0x811c9dc5): number {
  let h = seed;
  for (const key of keys) h = mixKey(h, key);
  return finish(h, keys.length);
}

/** A stable integer for a name, to use in keys. */
export function nameKey(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619);
  return h | 0;
}

const SEED_HI = 0x811c9dc5;
const SEED_LO = 0x5bd1e995;

/** 53 bits from two hashes, as a uniform in (0, 1). */
function toUniform(hi: number, lo: number): number {
  return ((hi >>> 5) * 67108864 + (lo >>> 6) + 0.5) / 9007199254740992;
}

/** A uniform draw in (0, 1) for `keys`. */
export function uniform(keys: readonly number[]): number {
  return toUniform(hash32(keys, SEED_HI), hash32(keys, SEED_LO));
}

/** Draws under one seed and one world: `at(…keys)` is the uniform for the prefix followed by those keys. */
export class Stream {
  private readonly hi: number;
  private readonly lo: number;
  private readonly length: number;
  constructor(...prefix: number[]) {
    let hi = SEED_HI;
    let lo = SEED_LO;
    for (const key of prefix) {
      hi = mixKey(hi, key);
      lo = mixKey(lo, key);
    }
    this.hi = hi;
    this.lo = lo;
    this.length = prefix.length;
  }
  at(a: number, b?: number, c?: number, d?: number): number {
    let hi = mixKey(this.hi, a);
    let lo = mixKey(this.lo, a);
    let n = this.length + 1;
    if (b !== undefined) {
      hi = mixKey(hi, b);
      lo = mixKey(lo, b);
      n++;
      if (c !== undefined) {
        hi = mixKey(hi, c);
        lo = mixKey(lo, c);
        n++;
        if (d !== undefined) {
          hi = mixKey(hi, d);
          lo = mixKey(lo, d);
          n++;
        }
      }
    }
    return toUniform(finish(hi, n), finish(lo, n));
  }
}
