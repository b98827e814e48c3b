/**
 * decide() and the checks while a step bakes (`analysis.sequential`): every `checkEvery` the step is measured on what
 * Cloud Monitoring has reported so far; strong evidence of harm rolls back at once; strong evidence of no harm, once half
 * the bake has been reported, has the step judged early; a rollout held for lack of evidence is still checked.
 */
import { describe, expect, it } from 'vitest';
import type { RunAnalysis } from '../../../functions/src/domain/effects.js';
import type { AnalysisMetrics } from '../../../functions/src/domain/judge.js';
import { latencyThresholdsOf } from '../../../functions/src/domain/analysis/thresholds.js';
import {
  ACTORS,
  FAILING,
  PASSING,
  THIN,
  canaryPolicy,
  describeWork,
  driveTo,
  metricsOf,
  revisionMetrics,
  withSlowRequests,
  type Sim,
} from '../../support/domain-fixtures.js';

const MINUTE = 60_000;

/** {@link canaryPolicy} (steps: 10% for 1m, 50% for 2m; metrics delay 3m) with checks every minute. */
function checked(sequential: Record<string, unknown> = {}, analysis: Record<string, unknown> = {}) {
  return canaryPolicy({
    strategy: {
      canary: {
        steps: [
          { weight: 10, bake: '10m' },
          { weight: 50, bake: '10m' },
        ],
      },
    },
    analysis: {
      maxErrorRatePercent: 1,
      maxP99LatencyMs: 500,
      minRequests: 20,
      inconclusive: { maxExtensions: 1 },
      sequential: { checkEvery: '1m', latencyWarmup: '2m', ...sequential },
      ...analysis,
    },
  });
}

function analysisOf(sim: Sim): RunAnalysis {
  const effect = sim.awaited();
  if (effect.type !== 'analysis.run') throw new Error(`awaits ${effect.type}`);
  return effect;
}

/** Clean metrics, minute by minute over the effect's window, every minute slow-request counted (10% of traffic). */
function cleanMinutes(effect: RunAnalysis): AnalysisMetrics {
  const minutes = Math.max(1, Math.round((effect.windowEnd - effect.windowStart) / MINUTE));
  const perMinute = { candidate: 20_000, stable: 180_000 };
  const totals = withSlowRequests(
    metricsOf(
      revisionMetrics(perMinute.candidate * minutes, 20 * minutes, 120),
      revisionMetrics(perMinute.stable * minutes, 180 * minutes, 110),
    ),
    {
      candidate: { 64: 10_000 * minutes, 128: 2_000 * minutes, 256: 100 * minutes },
      stable: { 64: 90_000 * minutes, 128: 18_000 * minutes, 256: 900 * minutes },
    },
  );
  const thresholds = latencyThresholdsOf({ maxP99LatencyMs: 500 });
  const counts = (requests: number, errors: number, slow: Record<number, number>) => ({
    requests,
    errors,
    latency: { requests, slower: thresholds.map((t) => slow[t] ?? 0) },
  });
  return {
    ...totals,
    windowStart: effect.windowStart,
    windowEnd: effect.windowEnd,
    minutes: Array.from({ length: minutes }, (_, i) => ({
      end: effect.windowStart + (i + 1) * MINUTE,
      candidate: counts(perMinute.candidate, 20, { 64: 10_000, 128: 2_000, 256: 100 }),
      stable: counts(perMinute.stable, 180, { 64: 90_000, 128: 18_000, 256: 900 }),
    })),
  };
}

describe('decide(): checks while a step bakes', () => {
  it('checks every minute until the bake and the metrics delay are over, then judges the step', () => {
    const sim = driveTo('progressing:baking', { policy: checked({ advanceEarly: false }) });
    const started = sim.active.stepStartedAt!;
    expect(sim.active.bakeEndsAt).toBe(started + 13 * MINUTE);
    expect(describeWork(sim.decisions.at(-1)!, sim.now)).toEqual(['timer bake +60s']);
    const ends: number[] = [];
    for (let i = 0; i < 12; i++) {
      sim.answer(); // the check's timer
      const check = analysisOf(sim);
      expect(check.windowStart).toBe(started);
      ends.push(Math.round((check.windowEnd - started) / MINUTE)); // each answer takes a second
      const continued = sim.answer(true, { metrics: PASSING });
      expect(continued.outcome.message).toMatch(/checked: baking/);
    }
    expect(ends).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    sim.answer(); // the bake's end: the step's judgement, over what is surely reported
    const judged = analysisOf(sim);
    expect(judged.windowEnd).toBe(sim.now - 3 * MINUTE);
    expect(judged.windowEnd - judged.windowStart).toBeGreaterThanOrEqual(10 * MINUTE);
    expect(sim.answer(true, { metrics: PASSING }).outcome.message).toMatch(/step 1 passed/);
    expect(sim.active.verdicts.map((v) => [v.stage, v.result])).toEqual([['final', 'pass']]);
  });

  it('measures latencies after the warm-up, at the fixed thresholds and the p99 limit', () => {
    const sim = driveTo('progressing:baking', { policy: checked() });
    const started = sim.active.stepStartedAt!;
    sim.answer();
    const check = analysisOf(sim);
    expect(check.latencyWindowStart).toBe(check.windowEnd); // 1m in: still warming up (2m)
    expect(check.latencyThresholdsMs).toEqual([16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 500]);
    sim.answer(true, { metrics: PASSING });
    sim.answer();
    sim.answer(true, { metrics: PASSING });
    sim.answer();
    expect(analysisOf(sim).latencyWindowStart).toBe(started + 2 * MINUTE);
  });

  it('caps the warm-up at half the bake', () => {
    const sim = driveTo('progressing:baking', {
      policy: canaryPolicy({
        strategy: { canary: { steps: [{ weight: 10, bake: '1m' }] } },
        analysis: { sequential: { checkEvery: '20s', latencyWarmup: '2m' } },
      }),
    });
    const started = sim.active.stepStartedAt!;
    sim.answer();
    sim.answer(true, { metrics: PASSING });
    sim.answer();
    sim.answer(true, { metrics: PASSING });
    sim.answer();
    expect(analysisOf(sim).latencyWindowStart).toBe(started + 30_000);
  });

  it('rolls back at the first check with strong evidence of harm', () => {
    const sim = driveTo('progressing:baking', { policy: checked() });
    sim.answer();
    const failed = sim.answer(true, { metrics: FAILING });
    expect(failed.outcome.message).toMatch(/analysis failed: error rate 10% over 200 requests/);
    expect(describeWork(failed, sim.now)).toEqual(['traffic rollback stable=100']);
    expect(sim.active.phase).toBe('rolling_back');
    expect(sim.active.ending?.cause).toBe('analysis_failed');
    expect(sim.active.verdicts).toMatchObject([{ result: 'fail', stage: 'interim', step: 0 }]);
  });

  it('stores no verdict for a check that changes nothing, but keeps its evidence', () => {
    const sim = driveTo('progressing:baking', { policy: checked() });
    sim.answer();
    sim.answer(true, { metrics: PASSING });
    expect(sim.active.verdicts).toEqual([]);
    expect(sim.active.evidence?.segments).toMatchObject([{ step: 0, startedAt: sim.active.stepStartedAt }]);
  });

  it('ends the bake early on strong evidence of no harm once half of it is reported, and judges the step then', () => {
    const sim = driveTo('progressing:baking', { policy: checked() });
    const started = sim.active.stepStartedAt!;
    let minutes = 0;
    for (; minutes < 13; minutes++) {
      sim.answer(); // a check
      const decision = sim.answer(true, { metrics: cleanMinutes(analysisOf(sim)) });
      if (decision.outcome.message.includes('judging the step now')) break;
    }
    // Half the 10m bake reported: 5m + the 3m metrics delay (and the seconds the answers took).
    expect(minutes + 1).toBe(8);
    const judged = analysisOf(sim);
    expect(judged.windowEnd).toBe(sim.now - 3 * MINUTE);
    expect(judged.windowEnd - started).toBeGreaterThanOrEqual(5 * MINUTE);
    const passed = sim.answer(true, { metrics: cleanMinutes(judged) });
    expect(passed.outcome.message).toMatch(/step 1 passed/);
    expect(sim.active.step).toBe(1);
  });

  it('an early judgement that does not pass neither extends the bake nor counts: the bake goes on', () => {
    const sim = driveTo('progressing:baking', { policy: checked() });
    for (let i = 0; i < 13; i++) {
      sim.answer();
      if (sim.answer(true, { metrics: cleanMinutes(analysisOf(sim)) }).outcome.message.includes('judging')) break;
    }
    expect(sim.active.waitingFor).toMatchObject({ kind: 'analysis', early: true });
    const bakeEndsAt = sim.active.bakeEndsAt;
    const bakedOn = sim.answer(true, { metrics: THIN });
    expect(bakedOn.outcome.message).toMatch(/not ready to end early \(too few requests.*\); baking on/);
    expect(sim.active).toMatchObject({ extensions: 0, bakeEndsAt, verdicts: [] });
    expect(describeWork(bakedOn, sim.now)).toEqual(['timer bake +60s']);
  });

  it('with advanceEarly off, bakes the whole step whatever the evidence', () => {
    const sim = driveTo('progressing:baking', { policy: checked({ advanceEarly: false }) });
    for (let i = 0; i < 12; i++) {
      sim.answer();
      expect(sim.answer(true, { metrics: cleanMinutes(analysisOf(sim)) }).outcome.message).toMatch(/checked/);
    }
  });
});

describe('decide(): a rollout held for lack of evidence is still checked', () => {
  function held(): Sim {
    const sim = driveTo('progressing:baking', { policy: checked({ advanceEarly: false }, { minRequests: 1000 }) });
    const answerUntilAnalysis = (): void => {
      for (let i = 0; i < 30 && sim.awaited().type !== 'analysis.run'; i++) sim.answer();
    };
    // Checks, the judgement (too few requests), the extension's checks, the judgement again: held.
    for (let round = 0; round < 40 && sim.active.phase === 'progressing'; round++) {
      answerUntilAnalysis();
      sim.answer(true, { metrics: THIN });
    }
    expect(sim.active.phase).toBe('paused');
    return sim;
  }

  it('holds for a person, and keeps checking every minute', () => {
    const sim = held();
    expect(sim.active.pause?.reason).toMatch(/analysis inconclusive: too few requests/);
    expect(describeWork(sim.decisions.at(-1)!, sim.now)).toEqual(['timer bake +60s']);
    sim.answer();
    expect(analysisOf(sim).windowStart).toBe(sim.active.stepStartedAt);
    const still = sim.answer(true, { metrics: THIN });
    expect(still.outcome.message).toMatch(/checked/);
    expect(sim.active.phase).toBe('paused');
    expect(describeWork(still, sim.now)).toEqual(['timer bake +60s']);
  });

  it('rolls back when a check finds strong evidence of harm while it is held', () => {
    const sim = held();
    sim.answer();
    const failed = sim.answer(true, { metrics: FAILING });
    expect(failed.outcome.message).toMatch(/analysis failed/);
    expect(sim.active.phase).toBe('rolling_back');
  });

  it('never moves on by itself, however clean the numbers', () => {
    const sim = held();
    sim.answer();
    sim.answer(true, { metrics: cleanMinutes(analysisOf(sim)) });
    expect(sim.active.phase).toBe('paused');
  });

  it('stops checking when a person resumes it: the step bakes afresh', () => {
    const sim = held();
    const resumed = sim.command('resume', ACTORS.deployer);
    expect(sim.active.phase).toBe('progressing');
    expect(describeWork(resumed, sim.now)).toEqual(['timer bake +60s']);
    expect(sim.active.bakeEndsAt).toBe(sim.now + 13 * MINUTE);
  });

  it('is not checked when checks are off (checkEvery 0): held, waiting for nothing', () => {
    const sim = driveTo('progressing:analysing', {
      policy: canaryPolicy({ analysis: { minRequests: 1000, inconclusive: { maxExtensions: 0 } } }),
    });
    const decision = sim.answer(true, { metrics: THIN });
    expect(sim.active.phase).toBe('paused');
    expect(sim.active.waitingFor).toBeNull();
    expect(describeWork(decision, sim.now)).toEqual([]);
  });
});
