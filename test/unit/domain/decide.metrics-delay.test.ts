/**
 * decide() and Cloud Monitoring's reporting delay (`analysis.metricsDelay`, default 3m: Cloud Run samples its metrics every
 * 60 s and a sample shows up to 180 s later). A step's first bake waits its bake plus the delay, an extension only its
 * bake (the delay is already waited), and the analysis window runs from the step's start to `now − metricsDelay`: the part
 * Monitoring has surely reported.
 */
import { describe, expect, it } from 'vitest';
import type { RunAnalysis } from '../../../functions/src/domain/effects.js';
import {
  ACTORS,
  THIN,
  canaryPolicy,
  describeWork,
  driveTo,
  policyOf,
  type Sim,
} from '../../support/domain-fixtures.js';
import { METRICS_DELAY_MS } from './table.js';

/** A rollout baking step 1 (1m bake) under `analysis.metricsDelay: delay` (undefined: the default). */
function baking(delay?: string | number, patch: Record<string, unknown> = {}): Sim {
  const analysis = delay === undefined ? {} : { metricsDelay: delay };
  return driveTo('progressing:baking', { policy: canaryPolicy({ analysis, ...patch }) });
}

function analysisOf(sim: Sim): RunAnalysis {
  const effect = sim.awaited();
  if (effect.type !== 'analysis.run') throw new Error(`awaits ${effect.type}`);
  return effect;
}

describe('decide(): the first bake of a step waits out the metrics delay', () => {
  it.each<[string, string | number | undefined, string]>([
    ['the default 3m', undefined, 'timer bake +240s'],
    ['30s', '30s', 'timer bake +90s'],
    ['0: the bake alone', 0, 'timer bake +60s'],
    ['10m', '10m', 'timer bake +660s'],
  ])('metricsDelay %s → 1m bake + delay', (_name, delay, timer) => {
    const sim = baking(delay);
    expect(describeWork(sim.decisions.at(-1)!, sim.now)).toEqual([timer]);
  });

  it('every step, not only the first (step 2: 2m bake + 3m)', () => {
    const sim = driveTo('progressing:baking', { step: 1 });
    expect(describeWork(sim.decisions.at(-1)!, sim.now)).toEqual(['timer bake +300s']);
  });

  it('a canary step with no bake still waits for the metrics', () => {
    const sim = driveTo('progressing:baking', {
      policy: policyOf({
        strategy: { canary: { steps: [{ weight: 10, bake: 0 }] } },
        analysis: { sequential: { checkEvery: 0 } },
      }),
    });
    expect(describeWork(sim.decisions.at(-1)!, sim.now)).toEqual(['timer bake +180s']);
  });

  it('… and is checked every 20 s meanwhile with the default checks; the bake still ends after the delay', () => {
    const sim = driveTo('progressing:baking', {
      policy: policyOf({ strategy: { canary: { steps: [{ weight: 10, bake: 0 }] } } }),
    });
    expect(describeWork(sim.decisions.at(-1)!, sim.now)).toEqual(['timer bake +20s']);
    expect(sim.active.bakeEndsAt).toBe(sim.now + 180_000);
  });

  it('resume bakes the step afresh, delay included', () => {
    const sim = baking('1m');
    sim.command('pause', ACTORS.deployer);
    const resumed = sim.command('resume', ACTORS.deployer);
    expect(describeWork(resumed, sim.now)).toEqual(['timer bake +120s']);
  });
});

describe('decide(): an extension waits only its bake', () => {
  it.each<[string, string | number | undefined]>([
    ['the default 3m', undefined],
    ['10m', '10m'],
    ['0', 0],
  ])('metricsDelay %s → +60s', (_name, delay) => {
    const sim = baking(delay, { analysis: { inconclusive: { maxExtensions: 2 } } });
    sim.answer(); // the bake elapses: analysing
    const extended = sim.answer(true, { metrics: THIN });
    expect(extended.outcome.message).toMatch(/bake extended \(1\/2\)/);
    expect(describeWork(extended, sim.now)).toEqual(['timer bake +60s']);
    sim.answer(); // the extension elapses: analysing again
    const twice = sim.answer(true, { metrics: THIN });
    expect(describeWork(twice, sim.now)).toEqual(['timer bake +60s']);
  });
});

describe('decide(): the analysis window', () => {
  it('is [step start, now − metricsDelay]: exactly the bake, with the default delay', () => {
    const sim = baking();
    const started = sim.active.stepStartedAt!;
    sim.answer(); // the timer fires at start + 1m + 3m
    const effect = analysisOf(sim);
    expect(effect.windowStart).toBe(started);
    expect(effect.windowEnd).toBe(sim.now - METRICS_DELAY_MS);
    expect(effect.windowEnd - effect.windowStart).toBe(60_000);
  });

  it('ends at the timer with metricsDelay 0', () => {
    const sim = baking(0);
    sim.answer();
    expect(analysisOf(sim).windowEnd).toBe(sim.now);
  });

  it('after an extension, covers the bake and the extension, from the same start', () => {
    const sim = baking();
    const started = sim.active.stepStartedAt!;
    sim.answer();
    sim.answer(true, { metrics: THIN }); // extended
    sim.answer(); // the extension elapses, 1m later
    const effect = analysisOf(sim);
    expect(effect.windowStart).toBe(started);
    expect(effect.windowEnd).toBe(sim.now - METRICS_DELAY_MS);
    expect(effect.windowEnd - effect.windowStart).toBe(120_000 + 1_000); // bake, the analysis's second, extension
  });

  it('never ends before it starts', () => {
    // Not reachable through the timers (the first bake waits the delay), so the state is set up by hand: a step that
    // started just before its bake timer fired.
    const sim = baking();
    const timer = sim.awaited();
    if (timer.type !== 'timer.schedule') throw new Error('expected the bake timer');
    sim.state = { ...sim.state, active: { ...sim.active, stepStartedAt: timer.dueAt - 1_000 } };
    sim.answer();
    const effect = analysisOf(sim);
    expect(effect.windowStart).toBe(timer.dueAt - 1_000);
    expect(effect.windowEnd).toBe(effect.windowStart);
  });
});
