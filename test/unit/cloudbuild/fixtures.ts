/** Loads the Cloud Build fixtures (test/fixtures/cloudbuild) and the runway.yaml they are written against. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseRunwayConfig, type RunwayConfig } from '../../../functions/src/domain/config/load.js';

export const FIXTURES_DIR = fileURLToPath(new URL('../../fixtures/cloudbuild/', import.meta.url));

/** The scenarios every fixture exists for, each as `build-NAME.json` (bare Build) and `push-NAME.json` (push envelope). */
export const SCENARIOS = ['success', 'failure', 'working', 'timeout', 'no-images', 'two-images'] as const;
export type Scenario = (typeof SCENARIOS)[number];

export const STAGING_TRIGGER = '7c3f9a52-1e4b-4d0a-8f26-b5e2d9c10a47';
export const PRODUCTION_TRIGGER = 'e2a8d614-93bf-4c57-a0d1-6f4b3c8e2d95';

export function fixturePath(name: string): string {
  return `${FIXTURES_DIR}${name}`;
}

/** A bare Build resource, as JSON. */
export function bareBuild(scenario: Scenario): Record<string, unknown> {
  return JSON.parse(readFileSync(fixturePath(`build-${scenario}.json`), 'utf8')) as Record<string, unknown>;
}

/** A push envelope: `{ message: { data, attributes, messageId, … }, subscription }`. */
export function pushEnvelope(scenario: Scenario): {
  message: { data: string; attributes: Record<string, string>; messageId: string };
  subscription: string;
} {
  return JSON.parse(readFileSync(fixturePath(`push-${scenario}.json`), 'utf8')) as ReturnType<typeof pushEnvelope>;
}

/** A Pub/Sub message carrying `build` the way Cloud Build publishes it. */
export function messageOf(
  build: unknown,
  attributes: Record<string, string> = attributesOf(build),
): { data: string; attributes: Record<string, string>; messageId: string } {
  return { data: Buffer.from(JSON.stringify(build)).toString('base64'), attributes, messageId: '1234567890' };
}

function attributesOf(build: unknown): Record<string, string> {
  const { id, status } = build as { id?: unknown; status?: unknown };
  return { ...(typeof id === 'string' ? { buildId: id } : {}), ...(typeof status === 'string' ? { status } : {}) };
}

/** test/fixtures/cloudbuild/runway.yaml, resolved. */
export function fixtureConfig(): RunwayConfig {
  const parsed = parseRunwayConfig(readFileSync(fixturePath('runway.yaml'), 'utf8'));
  if (!parsed.ok) throw new Error(`fixture runway.yaml is invalid: ${JSON.stringify(parsed.errors)}`);
  return parsed.config;
}
