/**
 * The `analysis` section of a runway.yaml target: the limits each canary step is judged against, the comparison with
 * the stable revision, what happens on too little evidence, and the sequential tests (docs/configuration.md,
 * "analysis"). schema.ts assembles it with the other sections.
 */
import { z } from 'zod';
import { durationSchema } from './sections.js';

export const analysisSchema = z.strictObject({
  /** Highest acceptable share of 5xx responses on the candidate, in percent. Default 1. */
  maxErrorRatePercent: z
    .number()
    .min(0)
    .max(100, { error: 'must be between 0 and 100' })
    .default(1)
    .describe('Highest acceptable share of 5xx responses on the candidate, in percent. Default 1.'),
  /** Highest acceptable p99 latency of the candidate, in milliseconds. Default 1000. */
  maxP99LatencyMs: z
    .number()
    .int()
    .positive()
    .default(1000)
    .describe('Highest acceptable p99 latency of the candidate, in milliseconds. Default 1000.'),
  /**
   * How long Cloud Monitoring takes to show a request (Cloud Run samples every 60 s and shows a sample up to 180 s later).
   * Each step is held this much longer than its bake and judged on the window that has surely arrived. Default 3m.
   */
  metricsDelay: durationSchema
    .prefault('3m')
    .describe(
      'How long Cloud Monitoring takes to show a request (Cloud Run samples every 60 s and shows a sample up to 180 s ' +
        'later). Each step is held this much longer than its bake and judged on the part of its window that has surely ' +
        'arrived. Default 3m.',
    ),
  /** How much worse than the stable revision the candidate may be, when the stable revision served enough requests. */
  compareWithStable: z
    .strictObject({
      /** Percentage points of 5xx above the stable revision's rate. Default 1. */
      maxErrorRateIncrease: z
        .number()
        .min(0)
        .max(100, { error: 'must be between 0 and 100' })
        .default(1)
        .describe("Percentage points of 5xx the candidate may have above the stable revision's rate. Default 1."),
      /** Percent by which the candidate's p99 may exceed the stable revision's. Default 50. */
      maxP99LatencyIncreasePercent: z
        .number()
        .min(0)
        .default(50)
        .describe(
          "Percent by which the candidate's p99 latency may exceed the stable revision's (differences under 50 ms " +
            'never count). Default 50.',
        ),
    })
    .prefault({})
    .describe(
      'How much worse than the stable revision the candidate may be. Applies when the stable revision served at least ' +
        'minRequests in the same window.',
    ),
  /** Fewer candidate requests than this in a step's window make the verdict inconclusive. Default 50. */
  minRequests: z
    .number()
    .int()
    .min(0)
    .default(50)
    .describe("Fewer candidate requests than this in a step's window make the verdict inconclusive. Default 50."),
  /** What happens while the evidence is too thin. */
  inconclusive: z
    .strictObject({
      /** How many times a step's bake is extended (by its own bake time) waiting for enough requests. Default 3. */
      maxExtensions: z
        .number()
        .int()
        .min(0)
        .max(50)
        .default(3)
        .describe(
          "How many times a step's bake is extended (by its own bake time) waiting for enough requests. Default 3.",
        ),
      /** After the last extension: `hold` pauses for a person, `fail` rolls back. Default hold. */
      then: z
        .enum(['hold', 'fail'])
        .default('hold')
        .describe('After the last extension: hold pauses for a person, fail rolls back. Default hold.'),
    })
    .prefault({})
    .describe('What happens while the evidence is too thin.'),
  /** The sequential tests that judge a step while it bakes (docs/state-machine.md, "The judge"). */
  sequential: z
    .strictObject({
      /**
       * How often a step is judged while it bakes; 0 judges it once, when the bake ends. Default 20s: Cloud Monitoring
       * shows each 60 s sample at any moment up to 180 s after it, so a check every 20 s sees a sample at most 20 s after
       * it arrives (10 s on average; 30 s with a check a minute), for three reads a minute of two time series.
       */
      checkEvery: durationSchema
        .prefault('20s')
        .describe(
          'How often a step is judged while it bakes, on what Cloud Monitoring has reported so far: strong evidence of ' +
            'harm rolls back at once, strong evidence of none may end the bake early. 0 judges each step once, when ' +
            'its bake ends. Default 20s.',
        ),
      /** 1 − the chance that a candidate no worse than stable is rolled back by the tests. Default 0.995. */
      confidence: z
        .number()
        .min(0.5, { error: 'must be between 0.5 and 0.999999' })
        .max(0.999999, { error: 'must be between 0.5 and 0.999999' })
        .default(0.995)
        .describe(
          'How sure the tests must be before they roll back: a candidate no worse than the stable revision is rolled ' +
            'back by them with probability at most 1 − confidence over the whole rollout, however often it is judged. ' +
            'Default 0.995.',
        ),
      /** How many times the stable revision's error rate the candidate may have before it counts as harm. Default 1.5. */
      errorRatio: z
        .number()
        .min(1, { error: 'must be at least 1' })
        .default(1.5)
        .describe(
          "How many times the stable revision's error rate the candidate may have before the comparison counts it as " +
            'harm. Default 1.5.',
        ),
      /** The same for the share of requests slower than each latency threshold. Default 1.25. */
      latencyRatio: z
        .number()
        .min(1, { error: 'must be at least 1' })
        .default(1.25)
        .describe(
          "How many times the stable revision's share of requests slower than a threshold the candidate may have " +
            'before the comparison counts it as harm. Default 1.25.',
        ),
      /** How much the comparison may wander from minute to minute without counting as evidence. Default 0.5. */
      minuteNoise: z
        .number()
        .min(0, { error: 'must be between 0 and 3' })
        .max(3, { error: 'must be between 0 and 3' })
        .default(0.5)
        .describe(
          "How far (a factor of e^±minuteNoise) the candidate's rate relative to the stable revision's may wander from " +
            'minute to minute without that counting as evidence: a heavy minute counts for as much as the wander ' +
            'allows, not for all its requests. Default 0.5.',
        ),
      /** Latencies of the first part of each step are not judged: new instances start cold. Default 2m. */
      latencyWarmup: durationSchema
        .prefault('2m')
        .describe(
          "Latencies of the first part of each step are not judged (at most half the step's bake): the candidate's " +
            'new instances start cold after each traffic change, and Cloud Run reports latencies in 60 s samples. ' +
            'Errors are judged from the start. Default 2m.',
        ),
      /** End a bake early when the evidence of no harm is strong. Default true. */
      advanceEarly: z
        .boolean()
        .default(true)
        .describe(
          'End a bake early, once half of it has been reported, when the evidence that the candidate is no worse ' +
            'than stable is strong; the step is then judged as at the end of its bake. Default true.',
        ),
    })
    .prefault({})
    .describe('The sequential tests that judge each step while it bakes.'),
});
