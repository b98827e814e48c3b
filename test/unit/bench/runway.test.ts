/**
 * Runway in the benchmark: the controller's own decide() and judge, driven through the simulator; its measurements
 * read the simulated Cloud Monitoring the way the production adapter reads the real one.
 */
import { describe, expect, it } from 'vitest';
import type { RunAnalysis } from '../../../functions/src/domain/effects.js';
import { EPOCH, measure, Runway, runwayPolicy } from '../../../bench/judge/policies/runway.js';
import { emptyCounts } from '../../../bench/judge/sim/histogram.js';
import { simulate } from '../../../bench/judge/sim/engine.js';
import { MetricsStore } from '../../../bench/judge/sim/store.js';
import { CANDIDATE, MINUTE, STABLE, World } from '../../../bench/judge/sim/world.js';
import { scenarioByName } from '../../../bench/judge/scenarios.js';
import { healthy, runScripted } from './fakes.js';

function effect(windowStart: number, windowEnd: number, latencyWindowStart = windowStart): RunAnalysis {
  return {
    id: 'e',
    targetId: 'checkout.production',
    rolloutId: 'r',
    type: 'analysis.run',
    service: { project: 'acme-bench', region: 'europe-west1', service: 'checkout' },
    candidateRevision: 'c',
    stableRevision: 's',
    windowStart: EPOCH + windowStart,
    windowEnd: EPOCH + windowEnd,
    latencyWindowStart: EPOCH + latencyWindowStart,
    latencyThresholdsMs: [64, 500],
  };
}

describe('measure(): the production adapter’s reading, against the simulated store', () => {
  const store = new MetricsStore();
  const latency = (fast: number, slow: number) => {
    const counts = emptyCounts();
    counts[20] = fast; // [1.25^19, 1.25^20) ≈ 69–87 ms
    counts[30] = slow; // ≈ 646–808 ms
    return counts;
  };
  for (let minute = 0; minute < 5; minute++) {
    store.add(CANDIDATE, {
      minute,
      requests: 100,
      errors: minute,
      latency: latency(95, 5),
      visibleAt: (minute + 2) * MINUTE,
    });
    store.add(STABLE, { minute, requests: 900, errors: 1, latency: latency(900, 0), visibleAt: (minute + 3) * MINUTE });
  }

  it('adds up what is reported by `now`, counts over the window, latencies over the latency window', () => {
    const m = measure(effect(0, 5 * MINUTE, 2 * MINUTE), store, EPOCH + 6 * MINUTE);
    // At 6m every candidate sample is visible (each 2 minutes after its minute), the stable's of minutes 0–3 (3).
    // Latencies: the samples that end after 2m, i.e. minutes 2–4.
    expect(m.candidate).toMatchObject({ requests: 500, errors: 10, latency: { requests: 300, slower: [300, 15] } });
    expect(m.stable).toMatchObject({ requests: 3600, errors: 4, latency: { requests: 1800, slower: [1800, 0] } });
    expect(m.candidate.p99LatencyMs).toBeGreaterThan(500);
    expect(m.minutes?.map((x) => [(x.end - EPOCH) / MINUTE, x.candidate.requests, x.stable?.requests])).toEqual([
      [1, 100, 900],
      [2, 100, 900],
      [3, 100, 900],
      [4, 100, 900],
      [5, 100, 0],
    ]);
    expect(m.minutes?.[1]?.candidate.latency).toBeUndefined(); // ends at 2m: before the latency window
    expect(m.minutes?.[2]?.candidate.latency).toEqual({ requests: 100, slower: [100, 5] });
  });

  it('measures nothing in an empty window', () => {
    const m = measure(effect(MINUTE, MINUTE), store, EPOCH + 10 * MINUTE);
    expect(m.candidate).toEqual({ requests: 0, errors: 0, p99LatencyMs: null });
    expect(m.minutes).toEqual([]);
  });
});

describe('Runway in the benchmark', () => {
  it('is configured with the real schema: three steps, the anchors’ SLO, every other setting its default', () => {
    const policy = runwayPolicy();
    expect(policy.strategy).toEqual({
      kind: 'canary',
      steps: [
        { weight: 5, bakeMs: 600_000 },
        { weight: 25, bakeMs: 600_000 },
        { weight: 50, bakeMs: 600_000 },
      ],
    });
    expect(policy.analysis).toMatchObject({ maxErrorRatePercent: 1, maxP99LatencyMs: 500, minRequests: 50 });
    expect(policy.analysis.sequential.confidence).toBe(0.995);
  });

  it('walks a healthy release through its steps to 100%, each step baked 10 minutes plus the 3-minute delay', () => {
    const runway = new Runway();
    const t = runScripted(runway, healthy(20));
    expect(t.weights.map(([, w]) => w)).toEqual([5, 25, 50, 100]);
    expect(t.conclusion).toBe('promoted');
    expect(t.concludedAt).toBeLessThanOrEqual(40);
    expect(runway.rollout?.verdicts.map((v) => v.result)).toEqual(['pass', 'pass', 'pass']);
  });

  it('rolls a hard failure back within minutes in the simulator, with the reason on its verdict', () => {
    const runway = new Runway();
    const result = simulate(new World(scenarioByName('hard-failure')!, 200, 1), runway);
    expect(result.conclusion).toBe('rolled_back');
    expect(result.concludedAt).toBeLessThan(6 * MINUTE);
    expect(runway.rollout?.verdicts.at(-1)).toMatchObject({ result: 'fail', stage: 'interim' });
  });
});
