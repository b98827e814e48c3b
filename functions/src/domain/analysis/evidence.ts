/**
 * The evidence of harm a rollout has gathered, kept on the rollout between analyses (plain data, storable in Firestore:
 * no array directly inside an array), and how it adds up to one number that decides a rollback.
 *
 * Each bake of a step is a **segment** (a step resumed after a pause starts a new one): its window grows from the
 * step's start, and each analysis replaces the segment's evidence with that of the grown window. A segment keeps, for
 * each test, the log likelihood ratio of its window at each alternative a of the mixture (evalues.ts, `Alternatives`):
 * at a fixed alternative the ratio is a test supermartingale in the requests served, so it may be looked at as often as
 * the checks come.
 *
 * Across segments the candidate's share of traffic changes, but a fault that makes its odds of an error some multiple
 * of the null's at one step mostly does so at the next: the ratios at each alternative are multiplied across the
 * segments and mixed once, over the whole product. (Mixing each segment on its own and multiplying the mixtures would
 * be valid too, but every segment would pay the mixture's price again: a fault showing a little in each of three steps
 * would not add up.) A fault that shows only at a later step (say, at high traffic) should not have to overcome the
 * evidence of earlier, healthy steps, so the combination is also a mixture over the starting segment j, with fixed
 * weights w_j that sum to 1:
 *
 *     E = Σ_j w_j · Σ_f ω_f · mean over the tests t of family f and the alternatives a of Π_{i ≥ j} LR_{t,a,i}
 *
 * with the family weights ω of {@link FAMILY_WEIGHTS}. At each (j, t, a) the product is a test supermartingale, and a
 * mixture of them with fixed weights is an e-process, so P(E ever reaches 1/α) ≤ α for a candidate that is no worse
 * than the nulls allow: that is the sequential tests' false rollback rate, `1 − analysis.sequential.confidence`.
 */
import type { Millis } from '../rollout.js';
import { addAlternatives, logMeanExp, NO_ALTERNATIVES, ODDS_GRID, type Alternatives } from './evalues.js';
import { RELATIVE_THRESHOLDS_MS } from './thresholds.js';
import type { HarmEvidence } from './windowEvidence.js';

/** The tests of one segment (one bake of one step), as of its latest analysis. */
export interface EvidenceSegment extends HarmEvidence {
  readonly step: number;
  /** The step's start: what tells one bake of a step from another after a resume. */
  readonly startedAt: Millis;
}

/** Everything the sequential tests carry from one analysis to the next. */
export interface AnalysisEvidence {
  /** Oldest first. */
  readonly segments: readonly EvidenceSegment[];
}

/**
 * A segment as rollouts stored it before the tests kept their alternatives apart: one log e-value per test. A rollout
 * in flight across that upgrade carries these; {@link recordWindow} reads each as that e-value at every alternative,
 * which multiplies it with what follows, as the segments' e-values were then combined.
 */
export interface LegacySegment {
  readonly step: number;
  readonly startedAt: Millis;
  readonly errors: number;
  readonly errorRate: number;
  readonly slowRate: number;
  readonly latency: readonly number[];
}

/** Evidence as read back from a rollout: current segments, or segments stored before the upgrade. */
export interface StoredEvidence {
  readonly segments: readonly (EvidenceSegment | LegacySegment)[];
}

function upgradeSegment(segment: EvidenceSegment | LegacySegment): EvidenceSegment {
  if (!isLegacy(segment)) return segment;
  const constant = (logE: number): Alternatives => ODDS_GRID.map(() => logE);
  return {
    step: segment.step,
    startedAt: segment.startedAt,
    errors: constant(segment.errors),
    errorRate: constant(segment.errorRate),
    slowRate: constant(segment.slowRate),
    latency: RELATIVE_THRESHOLDS_MS.map((thresholdMs, i) => ({
      thresholdMs,
      alternatives: constant(segment.latency[i] ?? 0),
    })),
  };
}

function isLegacy(segment: EvidenceSegment | LegacySegment): segment is LegacySegment {
  return typeof segment.errors === 'number';
}

export type Family = 'errors' | 'latency' | 'errorRate' | 'slowRate';

/** How the false rollback budget is shared between the families: most goes to the comparisons with stable. */
export const FAMILY_WEIGHTS: Readonly<Record<Family, number>> = {
  errors: 0.35,
  latency: 0.35,
  errorRate: 0.15,
  slowRate: 0.15,
};

const FAMILIES: readonly Family[] = ['errors', 'latency', 'errorRate', 'slowRate'];

/** The evidence with the current segment's tests replaced by (or, for a new segment, appended as) `window`'s. */
export function recordWindow(
  evidence: AnalysisEvidence | StoredEvidence | null | undefined,
  step: number,
  startedAt: Millis,
  window: HarmEvidence,
): AnalysisEvidence {
  const segments = (evidence?.segments ?? []).map(upgradeSegment);
  const segment: EvidenceSegment = { step, startedAt, ...window };
  const last = segments.at(-1);
  if (last && last.step === step && last.startedAt === startedAt)
    return { segments: [...segments.slice(0, -1), segment] };
  return { segments: [...segments, segment] };
}

/**
 * The weight of starting segment `j` (0-based) when the rollout has `plannedSteps` canary steps: 1/(S + 1) each for
 * the planned ones, then halving for segments beyond (steps baked again after a resume), so that they sum to 1.
 */
export function startWeight(j: number, plannedSteps: number): number {
  const s = Math.max(1, plannedSteps);
  return j < s ? 1 / (s + 1) : (1 / (s + 1)) * 2 ** -(j - s + 1);
}

/** The combined evidence of harm, and the family that contributes most to it. */
export interface CombinedEvidence {
  /** log E (see the module comment). */
  readonly logE: number;
  readonly strongest: Family;
  /**
   * log of the strongest family's own e-value (from the starting segment where it weighs most, mixed over its tests
   * and alternatives). The strongest family is the one whose term adds most to E.
   */
  readonly strongestLogE: number;
  /**
   * The family with the most evidence of its own, undiluted by the family and starting-segment weights, and that log
   * e-value (the largest over the starting segments). What the judge's suspicion rule reads: a single family that leans
   * towards harm is reason enough not to move on, even while the combined e-value is far from a rollback.
   */
  readonly suspect: Family;
  readonly suspectLogE: number;
}

/** A family's own log e-value from starting segment j: the mean over its tests and alternatives of Π_{i ≥ j} LR. */
function familyLogE(segments: readonly EvidenceSegment[], j: number, family: Family): number {
  const tail = segments.slice(j);
  if (tail.length === 0) return 0;
  if (family === 'latency') {
    const tests = tail[0]!.latency.length;
    return logMeanExp(
      Array.from({ length: tests }, (_, t) => product(tail.map((s) => s.latency[t]?.alternatives ?? []))).flat(),
    );
  }
  return logMeanExp(product(tail.map((s) => s[family])));
}

/** The segments' log likelihood ratios added up, alternative by alternative. */
function product(segments: readonly Alternatives[]): Alternatives {
  return segments.reduce(addAlternatives, NO_ALTERNATIVES);
}

/** The combined evidence (module comment) over the segments. */
export function combine(evidence: AnalysisEvidence, plannedSteps: number): CombinedEvidence {
  const terms: number[] = [];
  let strongest: Family = 'errors';
  let strongestLogE = 0;
  let strongestTerm = Number.NEGATIVE_INFINITY;
  let suspect: Family = 'errors';
  let suspectLogE = 0;
  evidence.segments.forEach((_, j) => {
    const w = Math.log(startWeight(j, plannedSteps));
    for (const family of FAMILIES) {
      const logE = familyLogE(evidence.segments, j, family);
      if (logE > suspectLogE) {
        suspectLogE = logE;
        suspect = family;
      }
      const term = w + Math.log(FAMILY_WEIGHTS[family]) + logE;
      terms.push(term);
      if (term > strongestTerm) {
        strongestTerm = term;
        strongestLogE = logE;
        strongest = family;
      }
    }
  });
  if (terms.length === 0) return { logE: 0, strongest, strongestLogE: 0, suspect, suspectLogE };
  // log Σ exp(terms) = logMeanExp + log(count)
  return { logE: logMeanExp(terms) + Math.log(terms.length), strongest, strongestLogE, suspect, suspectLogE };
}

/**
 * How much evidence of its own one family must show for the judge to call the candidate suspicious (e ≥ 3: the numbers
 * three times likelier under harm than under none). Suspicion never rolls back; it only keeps a step from passing, so
 * it is spent from no false rollback budget. The level was chosen on the judge benchmark (bench/README.md): with it,
 * a 0.5% error rate against a 0.1% baseline at 20 rps was rolled back in 96% of 200 runs, against 69% when suspicion
 * was the combined e-value halfway to a rollback (99% since the steps are mixed once over the rollout); at 2 rps, 82%
 * of good releases reach 100% instead of 83% (the rest are held for a person), and none is rolled back.
 */
export const SUSPICION_LOG_E = Math.log(3);

/** The log e-value E must reach to roll back: log(1/α), α = 1 − confidence. */
export function rollbackLevel(confidence: number): number {
  return Math.log(1 / (1 - confidence));
}
