/**
 * The defaults of runway.yaml, in one table: what an almost-empty target (project and region only) resolves to. This
 * table and docs/configuration.md describe the same defaults; change both together.
 */
import { describe, expect, it } from 'vitest';
import { parseRunwayConfig } from '../../../functions/src/domain/config/load.js';
import type { TargetPolicy } from '../../../functions/src/domain/config/policy.js';

const ALMOST_EMPTY = `
version: 1
targets:
  checkout:
    production:
      project: acme-prod
      region: europe-west1
`;

function onlyTarget(text: string): TargetPolicy {
  const result = parseRunwayConfig(text);
  if (!result.ok) throw new Error(`expected a valid config, got ${JSON.stringify(result.errors)}`);
  const [only, ...others] = result.config.targets;
  if (!only || others.length > 0) throw new Error(`expected one target, got ${result.config.targets.length}`);
  return only;
}

const target = onlyTarget(ALMOST_EMPTY);

describe('defaults of an almost-empty target', () => {
  it.each<[field: string, actual: unknown, expected: unknown]>([
    ['id', target.id, 'checkout.production'],
    ['service (the key it sits under)', target.service, 'checkout'],
    [
      'strategy: canary 10% then 50%, 5m bake each',
      target.strategy,
      {
        kind: 'canary',
        steps: [
          { weight: 10, bakeMs: 300_000 },
          { weight: 50, bakeMs: 300_000 },
        ],
      },
    ],
    ['candidate.source deploy: Runway deploys the candidate', target.candidate.source, 'deploy'],
    ['candidate.tag candidate', target.candidate.tag, 'candidate'],
    ['smoke.deadline 2m', target.smoke.deadline, 120_000],
    ['smoke.identityToken false', target.smoke.identityToken, false],
    ['smoke.audience none (the URL the checks call)', target.smoke.audience, undefined],
    ['smoke.checks none', target.smoke.checks, []],
    ['analysis.maxErrorRatePercent 1', target.analysis.maxErrorRatePercent, 1],
    ['analysis.maxP99LatencyMs 1000', target.analysis.maxP99LatencyMs, 1_000],
    ['analysis.minRequests 50', target.analysis.minRequests, 50],
    ['analysis.metricsDelay 3m', target.analysis.metricsDelay, 180_000],
    [
      'analysis.compareWithStable: 1 point of errors, 50% of p99',
      target.analysis.compareWithStable,
      { maxErrorRateIncrease: 1, maxP99LatencyIncreasePercent: 50 },
    ],
    ['analysis.inconclusive.maxExtensions 3', target.analysis.inconclusive.maxExtensions, 3],
    ['analysis.inconclusive.then hold', target.analysis.inconclusive.then, 'hold'],
    ['analysis.sequential.checkEvery 20s', target.analysis.sequential.checkEvery, 20_000],
    ['analysis.sequential.confidence 0.995', target.analysis.sequential.confidence, 0.995],
    ['analysis.sequential.errorRatio 1.5', target.analysis.sequential.errorRatio, 1.5],
    ['analysis.sequential.latencyRatio 1.25', target.analysis.sequential.latencyRatio, 1.25],
    ['analysis.sequential.minuteNoise 0.5', target.analysis.sequential.minuteNoise, 0.5],
    ['analysis.sequential.latencyWarmup 2m', target.analysis.sequential.latencyWarmup, 120_000],
    ['analysis.sequential.advanceEarly true', target.analysis.sequential.advanceEarly, true],
    ['approval.required false', target.approval.required, false],
    ['approval.roles [approver]', target.approval.roles, ['approver']],
    ['approval.stage beforePromotion', target.approval.stage, 'beforePromotion'],
    ['approval.timeout 24h', target.approval.timeout, 86_400_000],
    ['approval.onTimeout reject', target.approval.onTimeout, 'reject'],
    ['rollback.alertPolicies none', target.rollback.alertPolicies, []],
    ['rollback.guardWindow 10m', target.rollback.guardWindowMs, 600_000],
    ['notifications none', target.notifications, {}],
    ['match: none (the default rule: _SERVICE_NAME and _DEPLOY_REGION)', target.match, undefined],
    ['onNewBuild queue', target.onNewBuild, 'queue'],
  ])('%s', (_field, actual, expected) => {
    expect(actual).toEqual(expected);
  });
});

describe('defaults inside sections that are given', () => {
  const withSections = onlyTarget(`${ALMOST_EMPTY}
      strategy:
        canary:
          steps: [{ weight: 20 }, { weight: 60, bake: 90 }]
      smoke:
        checks: [{ path: /healthz }]
      analysis:
        inconclusive: { then: fail }
`);

  it('gives each canary step a 5m bake unless it has one (a number is seconds)', () => {
    expect(withSections.strategy).toEqual({
      kind: 'canary',
      steps: [
        { weight: 20, bakeMs: 300_000 },
        { weight: 60, bakeMs: 90_000 },
      ],
    });
  });

  it('gives a smoke check GET, 200, no headers, a 5s timeout and 2 retries; no JSON check, no latency limit', () => {
    expect(withSections.smoke).toEqual({
      deadline: 120_000,
      identityToken: false,
      checks: [{ path: '/healthz', method: 'GET', headers: {}, expectStatus: 200, timeout: 5_000, retries: 2 }],
    });
  });

  it('keeps the other analysis defaults when only one inconclusive field is set', () => {
    expect(withSections.analysis).toEqual({
      maxErrorRatePercent: 1,
      maxP99LatencyMs: 1_000,
      minRequests: 50,
      metricsDelay: 180_000,
      compareWithStable: { maxErrorRateIncrease: 1, maxP99LatencyIncreasePercent: 50 },
      inconclusive: { maxExtensions: 3, then: 'fail' },
      sequential: {
        checkEvery: 20_000,
        confidence: 0.995,
        errorRatio: 1.5,
        latencyRatio: 1.25,
        minuteNoise: 0.5,
        latencyWarmup: 120_000,
        advanceEarly: true,
      },
    });
  });

  it('keeps the other compareWithStable default when only one is set', () => {
    const one = onlyTarget(`${ALMOST_EMPTY}      analysis: { compareWithStable: { maxErrorRateIncrease: 0.5 } }\n`);
    expect(one.analysis.compareWithStable).toEqual({ maxErrorRateIncrease: 0.5, maxP99LatencyIncreasePercent: 50 });
  });

  it('reads metricsDelay as a duration; 0 judges up to the end of the bake', () => {
    expect(onlyTarget(`${ALMOST_EMPTY}      analysis: { metricsDelay: 90s }\n`).analysis.metricsDelay).toBe(90_000);
    expect(onlyTarget(`${ALMOST_EMPTY}      analysis: { metricsDelay: 0 }\n`).analysis.metricsDelay).toBe(0);
  });

  it('keeps the default tag when only the source is set', () => {
    expect(onlyTarget(`${ALMOST_EMPTY}      candidate: { source: build }\n`).candidate).toEqual({
      source: 'build',
      tag: 'candidate',
    });
  });

  it('reads a smoke check with a JSON expectation, a latency limit and an identity token', () => {
    const smoke = onlyTarget(`${ALMOST_EMPTY}      smoke:
        identityToken: true
        audience: https://checkout.acme.example
        checks:
          - path: /healthz
            expectJson: { path: '$.checks[0].status', equals: ok } # quoted: [ ] mean a list in YAML's { } style
            maxLatency: 800ms
          - path: /version
            expectJson: { path: $.ready, equals: true }
`).smoke;
    expect(smoke).toMatchObject({ identityToken: true, audience: 'https://checkout.acme.example' });
    expect(smoke.checks.map((c) => [c.expectJson, c.maxLatency])).toEqual([
      [{ path: '$.checks[0].status', equals: 'ok' }, 800],
      [{ path: '$.ready', equals: true }, undefined],
    ]);
  });

  it('reads canary: {} as the default steps', () => {
    const canary = onlyTarget(`${ALMOST_EMPTY}      strategy: { canary: {} }\n`);
    expect(canary.strategy).toEqual(target.strategy);
  });

  it('turns a single triggerId into a list', () => {
    const matched = onlyTarget(`${ALMOST_EMPTY}      match: { triggerId: abc-123 }\n`);
    expect(matched.match).toEqual({ triggerId: ['abc-123'] });
  });
});
