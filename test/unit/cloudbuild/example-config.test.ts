/**
 * The fixtures against the example runway.yaml at the root of the repository: what README readers get when they try
 * `npx runway events parse --source cloud-build test/fixtures/cloudbuild/push-success.json` there.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { outcomeOfCloudBuild } from '../../../functions/src/adapters/cloudbuild/interpret.js';
import { parseCloudBuildInput } from '../../../functions/src/adapters/cloudbuild/parse.js';
import { NO_IMAGE_REASON, type BuildEventsOutcome } from '../../../functions/src/domain/buildEvents.js';
import { parseRunwayConfig } from '../../../functions/src/domain/config/load.js';
import { pushEnvelope, type Scenario } from './fixtures.js';

const parsed = parseRunwayConfig(readFileSync(new URL('../../../runway.yaml', import.meta.url), 'utf8'));
if (!parsed.ok) throw new Error(`the example runway.yaml is invalid: ${JSON.stringify(parsed.errors)}`);
const example = parsed.config;

function outcome(scenario: Scenario): BuildEventsOutcome {
  return outcomeOfCloudBuild(parseCloudBuildInput(pushEnvelope(scenario)), example);
}

function summary(scenario: Scenario): string[] {
  const result = outcome(scenario);
  if (result.kind !== 'events') return [`${result.kind}: ${result.reason}`];
  return result.events.map((e) => `${e.type} ${e.targetId}${e.type === 'build.failed' ? ` ${e.status}` : ''}`);
}

describe('the Cloud Build fixtures under the example runway.yaml', () => {
  it('send the checkout builds to the environment their _DEPLOY_ENV names', () => {
    expect(summary('success')).toEqual(['build.succeeded checkout.staging']);
    expect(summary('failure')).toEqual(['build.failed checkout.staging FAILURE']);
    expect(summary('timeout')).toEqual(['build.failed checkout.production TIMEOUT']);
  });

  it('give payments.production the payments-api image of the two-image release build', () => {
    const result = outcome('two-images');
    expect(result.kind === 'events' && result.events.map((e) => [e.targetId, e.build.image.split('@')[0]])).toEqual([
      ['payments.production', 'europe-docker.pkg.dev/acme-artifacts/releases/payments-api'],
    ]);
  });

  it('ignore a running build and reject one without images', () => {
    expect(outcome('working').kind).toBe('ignored');
    expect(outcome('no-images')).toMatchObject({ kind: 'rejected', reason: NO_IMAGE_REASON });
  });
});
