/** The example runway.yaml at the repository root is valid and means what its comments say. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseRunwayConfig, type RunwayConfig } from '../../../functions/src/domain/config/load.js';
import type { TargetPolicy } from '../../../functions/src/domain/config/policy.js';

const text = readFileSync(new URL('../../../runway.yaml', import.meta.url), 'utf8');

function load(): RunwayConfig {
  const result = parseRunwayConfig(text);
  if (!result.ok)
    throw new Error(`runway.yaml is invalid:\n${result.errors.map((e) => `${e.path}: ${e.message}`).join('\n')}`);
  return result.config;
}

function target(config: RunwayConfig, id: string): TargetPolicy {
  const found = config.targets.find((t) => t.id === id);
  if (!found) throw new Error(`no target ${id}`);
  return found;
}

describe('the example runway.yaml', () => {
  const config = load();

  it('points editors at the JSON Schema on its first line', () => {
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=./runway.schema.json');
  });

  it('defines four targets, in file order, on four Cloud Run services with made-up project ids', () => {
    expect(config.targets.map((t) => [t.id, `${t.project}/${t.region}/${t.service}`])).toEqual([
      ['checkout.staging', 'acme-staging/europe-west1/checkout'],
      ['checkout.production', 'acme-prod/europe-west1/checkout'],
      ['payments.staging', 'acme-staging/europe-west1/payments-api'],
      ['payments.production', 'acme-prod/europe-west1/payments-api'],
    ]);
  });

  it('merges x-defaults into every target (region, the health check, the Slack channel)', () => {
    const staging = target(config, 'checkout.staging');
    expect(staging.smoke.checks).toEqual([
      { path: '/healthz', method: 'GET', headers: {}, expectStatus: 200, timeout: 5_000, retries: 2 },
    ]);
    expect(staging.notifications).toEqual({ slack: { channel: '#deploys' } });
    expect(staging.strategy).toEqual({ kind: 'immediate' });
    expect(staging.onNewBuild).toBe('supersede');
  });

  it('rolls checkout out to production as a 5/25/50 canary with smoke checks, limits, approval and rollback triggers', () => {
    const production = target(config, 'checkout.production');
    expect(production.strategy).toEqual({
      kind: 'canary',
      steps: [
        { weight: 5, bakeMs: 600_000 },
        { weight: 25, bakeMs: 600_000 },
        { weight: 50, bakeMs: 900_000 },
      ],
    });
    expect(production.smoke.deadline).toBe(180_000);
    expect(production.smoke.checks.map((c) => [c.name, c.path, c.timeout, c.retries])).toEqual([
      ['health', '/healthz', 5_000, 2],
      ['cart API answers', '/api/cart/ping', 3_000, 3],
      ['checkout form renders', '/checkout', 5_000, 2],
    ]);
    expect(production.analysis).toEqual({
      maxErrorRatePercent: 0.5,
      maxP99LatencyMs: 800,
      minRequests: 200,
      metricsDelay: 180_000,
      compareWithStable: { maxErrorRateIncrease: 1, maxP99LatencyIncreasePercent: 50 },
      inconclusive: { maxExtensions: 2, then: 'hold' },
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
    expect(production.approval).toEqual({
      required: true,
      stage: 'beforePromotion',
      roles: ['approver', 'admin'],
      timeout: 14_400_000,
      onTimeout: 'reject',
      fourEyes: true, // from access.production
    });
    expect(production.rollback).toEqual({
      alertPolicies: ['checkout 5xx rate', 'projects/acme-prod/alertPolicies/1234567890123456789'],
      guardWindowMs: 1_800_000,
      rollbackOnAlert: 'always',
      revertWithinMs: 6 * 3_600_000,
    });
    expect(production.notifications).toEqual({
      slack: { channel: '#checkout-releases', bySeverity: { urgent: '#incidents' }, onCall: 'S0CHECKOUTONCALL' },
      email: { to: ['checkout-oncall@acme.example', 'release-managers@acme.example'], onSuccess: true },
    });
    expect(production.approval.fourEyes).toBe(true);
    expect(config.people.access.production?.roles.approver).toEqual(['S0RELEASEMGRS']);
    expect(config.people.access.staging?.roles.viewer).toEqual(['everyone']);
    expect(config.people.dashboardUrl).toBe('https://runway-acme.web.app');
    expect(production.onNewBuild).toBe('queue');
  });

  it('maps builds by substitutions (checkout), by trigger id (payments staging) and by trigger and image (payments production)', () => {
    expect(config.targets.map((t) => [t.id, t.match])).toEqual([
      ['checkout.staging', { substitutions: { _SERVICE_NAME: 'checkout', _DEPLOY_ENV: 'staging' } }],
      ['checkout.production', { substitutions: { _SERVICE_NAME: 'checkout', _DEPLOY_ENV: 'production' } }],
      [
        'payments.staging',
        { triggerId: ['3f6c2b9e-1d4a-4c8e-9b7f-0a1e2d3c4b5a', '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d'] },
      ],
      [
        'payments.production',
        {
          triggerId: ['5b4a3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d'],
          image: 'europe-docker.pkg.dev/acme-artifacts/releases/payments-api',
        },
      ],
    ]);
  });

  it('gives payments blue-green in staging and the default canary, gated before first traffic, in production', () => {
    expect(target(config, 'payments.staging').strategy).toEqual({ kind: 'blueGreen' });
    const production = target(config, 'payments.production');
    expect(production.strategy).toEqual({
      kind: 'canary',
      steps: [
        { weight: 10, bakeMs: 300_000 },
        { weight: 50, bakeMs: 300_000 },
      ],
    });
    expect(production.approval).toMatchObject({ required: true, stage: 'beforeFirstTraffic', roles: ['admin'] });
  });
});
