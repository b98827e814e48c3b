/**
 * E-values for a count of events: `k` of `n` trials, each an event with probability θ, against a null boundary θ0.
 * Pure arithmetic, in natural logarithms.
 *
 * An e-value is a non-negative statistic whose expectation under the null is at most 1; by Markov's inequality it
 * exceeds 1/α with probability at most α. The ones here are likelihood ratios mixed over a fixed grid of alternatives
 * (equal weights): the odds θ/(1 − θ) of each alternative are the null's odds times a multiplier of {@link ODDS_GRID}.
 * Each ratio, taken over a growing count, is a test supermartingale for every θ on the null's side of θ0, and so is
 * their mean: by Ville's inequality the e-value stays below 1/α at every look with probability at least 1 − α, however
 * often it is looked at. That is what lets Runway judge a step every few seconds without paying for the peeking.
 *
 * - {@link logEvidenceAbove}: evidence that θ > θ0 (harm: more errors than the null allows);
 * - {@link logEvidenceBelow}: evidence that θ < θ0 (no harm: fewer than a harmful candidate would have).
 *
 * The tests of harm keep the likelihood ratio at each alternative apart ({@link Alternatives}) rather than only their
 * mixture, so that evidence gathered over several steps can be mixed once over the whole rollout (evidence.ts).
 */

/** Multipliers of the null's odds at which the mixture's alternatives sit: 25% more, up to 300 times. */
export const ODDS_GRID: readonly number[] = [1.25, 1.6, 2, 3, 5, 10, 30, 100, 300];

/** log(mean(exp(xs))), computed without overflow; −∞ for an empty list. */
export function logMeanExp(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NEGATIVE_INFINITY;
  const max = Math.max(...xs);
  if (max === Number.NEGATIVE_INFINITY) return max;
  let sum = 0;
  for (const x of xs) sum += Math.exp(x - max);
  return max + Math.log(sum / xs.length);
}

/** The probability whose odds are `odds`. */
function fromOdds(odds: number): number {
  return odds / (1 + odds);
}

/** log of the likelihood ratio of θ1 against θ0 for k events in n trials. */
export function logLikelihoodRatio(k: number, n: number, theta1: number, theta0: number): number {
  const hits = k > 0 ? k * Math.log(theta1 / theta0) : 0;
  const misses = n - k > 0 ? (n - k) * Math.log((1 - theta1) / (1 - theta0)) : 0;
  return hits + misses;
}

/** Whether θ0 leaves room for alternatives on both sides (0 < θ0 < 1) and the counts mean something. */
function testable(k: number, n: number, theta0: number): boolean {
  return n > 0 && k >= 0 && k <= n && theta0 > 0 && theta0 < 1 && Number.isFinite(theta0);
}

/**
 * log e-value that the event probability is above `theta0`, from `k` events in `n` trials. 0 (e = 1, no evidence)
 * when nothing was counted or θ0 is 0 or 1. Fractional counts are accepted (the formula does not need integers).
 */
export function logEvidenceAbove(k: number, n: number, theta0: number): number {
  return logEvidenceOf(alternativesOverCells([{ k, n, theta0, weight: 1 }], 'above'));
}

/** log e-value that the event probability is below `theta0`, from `k` events in `n` trials (see {@link logEvidenceAbove}). */
export function logEvidenceBelow(k: number, n: number, theta0: number): number {
  return logEvidenceOf(alternativesOverCells([{ k, n, theta0, weight: 1 }], 'below'));
}

/** One group of trials (say, one minute): `k` events of `n`, null probability `theta0`, evidence weighted by `weight`. */
export interface Cell {
  readonly k: number;
  readonly n: number;
  readonly theta0: number;
  /** 1 counts the trials as independent; less discounts them (overdispersion, see {@link designWeight}). */
  readonly weight: number;
}

/**
 * The log likelihood ratios of some data at each alternative of {@link ODDS_GRID}, in its order. Their mean in exp
 * ({@link logEvidenceOf}) is the e-value. Kept apart because a sum of two of these, alternative by alternative, is
 * the evidence of both pieces of data under one mixture: what lets the rollout's steps add up (evidence.ts).
 */
export type Alternatives = readonly number[];

/** No data: a ratio of 1 at every alternative. */
export const NO_ALTERNATIVES: Alternatives = ODDS_GRID.map(() => 0);

/** The log e-value of `alternatives`: the mixture, with equal weights, of their likelihood ratios. */
export function logEvidenceOf(alternatives: Alternatives): number {
  return alternatives.length === 0 ? 0 : logMeanExp(alternatives);
}

/** Two pieces of evidence under one mixture: their log likelihood ratios added, alternative by alternative. */
export function addAlternatives(a: Alternatives, b: Alternatives): Alternatives {
  return a.map((x, i) => x + (b[i] ?? 0));
}

/**
 * The log likelihood ratios, alternative by alternative, of several cells, each with its own null (e.g. minutes with
 * different shares of traffic): at each alternative, the sum of the cells' weighted log likelihood ratios. `above`:
 * the alternatives exceed the nulls; `below`: they fall short of them. All 0 when no cell can be tested.
 */
export function alternativesOverCells(cells: readonly Cell[], direction: 'above' | 'below'): Alternatives {
  const usable = cells.filter((c) => testable(c.k, c.n, c.theta0) && c.weight > 0);
  if (usable.length === 0) return NO_ALTERNATIVES;
  return ODDS_GRID.map((m) => {
    let total = 0;
    for (const c of usable) {
      const odds0 = c.theta0 / (1 - c.theta0);
      const theta1 = fromOdds(direction === 'above' ? odds0 * m : odds0 / m);
      total += c.weight * logLikelihoodRatio(c.k, c.n, theta1, c.theta0);
    }
    return total;
  });
}

/**
 * The weight that turns `n` events of one group into as many independent ones as they are worth when the group's
 * probability itself wanders around θ0: by a factor e^±`noise` in odds from group to group (a beta-binomial with
 * concentration κ, κ + 1 = 1 / (θ0 (1 − θ0) noise²)). The design effect is D = 1 + (n − 1)/(κ + 1); the weight 1/D.
 * A group is then worth at most about κ + 1 events, however large: a minute of heavy traffic cannot outweigh the
 * minute-to-minute wander of the comparison itself.
 */
export function designWeight(n: number, theta0: number, noise: number): number {
  if (noise <= 0 || n <= 1 || !(theta0 > 0 && theta0 < 1)) return 1;
  const kappaPlusOne = 1 / (theta0 * (1 - theta0) * noise * noise);
  return 1 / (1 + (n - 1) / kappaPlusOne);
}

/**
 * The share of events a revision serving `share` of the requests would have if its per-request event probability were
 * `ratio` times the other revision's: ratio·share / (ratio·share + 1 − share).
 */
export function shareAtRatio(share: number, ratio: number): number {
  return (ratio * share) / (ratio * share + 1 - share);
}
