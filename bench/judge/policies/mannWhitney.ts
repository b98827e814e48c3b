/**
 * The Mann-Whitney U test (Wilcoxon rank-sum) with the distribution-free confidence interval for the location shift
 * (Hodges–Lehmann): the estimate is the median of the pairwise differences experiment − control, and the interval's
 * ends are order statistics of those differences, chosen with the normal approximation of U (with a correction for
 * ties). As R's `wilcox.test(x, y, conf.int = TRUE)` does for larger samples, which Kayenta calls.
 */
import { normalCdf, normalQuantile } from '../sim/sample.js';

export interface MannWhitneyResult {
  readonly pValue: number;
  readonly lower: number;
  readonly upper: number;
  readonly estimate: number;
}

/** Average ranks (1-based) of `values`, ties sharing the mean of their ranks; also Σ(t³ − t) over tie groups. */
function ranks(values: readonly number[]): { ranks: number[]; ties: number } {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const out = new Array<number>(values.length);
  let ties = 0;
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && order[j + 1]![0] === order[i]![0]) j++;
    const rank = (i + j + 2) / 2;
    for (let k = i; k <= j; k++) out[order[k]![1]] = rank;
    const t = j - i + 1;
    ties += t * t * t - t;
    i = j + 1;
  }
  return { ranks: out, ties };
}

/** The test of `experiment` against `control` at `confidence` (two-sided). Both need at least one value. */
export function mannWhitney(
  experiment: readonly number[],
  control: readonly number[],
  confidence: number,
): MannWhitneyResult {
  const m = experiment.length;
  const n = control.length;
  const { ranks: r, ties } = ranks([...experiment, ...control]);
  const rankSum = r.slice(0, m).reduce((a, b) => a + b, 0);
  const u = rankSum - (m * (m + 1)) / 2;
  const mean = (m * n) / 2;
  const variance = ((m * n) / 12) * (m + n + 1 - ties / ((m + n) * (m + n - 1) || 1));
  const sd = Math.sqrt(Math.max(variance, 0));
  const z = sd > 0 ? (u - mean - Math.sign(u - mean) * 0.5) / sd : 0;
  const pValue = Math.min(1, 2 * (1 - normalCdf(Math.abs(z))));

  const diffs: number[] = [];
  for (const x of experiment) for (const y of control) diffs.push(x - y);
  diffs.sort((a, b) => a - b);
  const mid = diffs.length / 2;
  const estimate = diffs.length % 2 === 1 ? diffs[Math.floor(mid)]! : (diffs[mid - 1]! + diffs[mid]!) / 2;
  const zc = normalQuantile(1 - (1 - confidence) / 2);
  const k = Math.floor(mean - zc * sd); // order statistics k+1 and mn−k (1-based)
  const lo = Math.min(Math.max(k, 0), diffs.length - 1);
  const hi = Math.min(Math.max(diffs.length - 1 - k, 0), diffs.length - 1);
  return { pValue, lower: diffs[lo]!, upper: diffs[hi]!, estimate };
}
