import { describe, expect, it } from 'vitest';
import type { TargetPolicy } from '../../../functions/src/domain/config/policy.js';
import { parseRunwayConfig } from '../../../functions/src/domain/config/load.js';
import { imageRepositoryOf, matchTargets, type BuildToMatch } from '../../../functions/src/domain/targeting.js';

/** One target, written as in runway.yaml, resolved through the real schema. */
function target(yamlBody: string, service = 'checkout', environment = 'production'): TargetPolicy {
  const text = `version: 1\ntargets:\n  ${service}:\n    ${environment}:\n${yamlBody
    .trim()
    .split('\n')
    .map((line) => `      ${line}`)
    .join('\n')}\n`;
  const parsed = parseRunwayConfig(text);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.config.targets[0]!;
}

const BASE = 'project: acme-prod\nregion: europe-west1';
const CHECKOUT_IMAGE = 'europe-docker.pkg.dev/acme/apps/checkout';

function build(changes: Partial<BuildToMatch> = {}): BuildToMatch {
  return { projectId: 'acme-prod', triggerId: 'trig-1', substitutions: {}, imageRepositories: [], ...changes };
}

describe('matchTargets: one target at a time', () => {
  const cases: { name: string; target: string; build: BuildToMatch; reason: string | null }[] = [
    // The default rule (no match block).
    {
      name: 'default rule: service and region match',
      target: BASE,
      build: build({ substitutions: { _SERVICE_NAME: 'checkout', _DEPLOY_REGION: 'europe-west1' } }),
      reason: null,
    },
    {
      name: 'default rule: no _DEPLOY_REGION means any region',
      target: BASE,
      build: build({ substitutions: { _SERVICE_NAME: 'checkout' } }),
      reason: null,
    },
    {
      name: 'default rule: the Cloud Run service name, not the key, is compared',
      target: `${BASE}\nservice: checkout-api`,
      build: build({ substitutions: { _SERVICE_NAME: 'checkout-api' } }),
      reason: null,
    },
    {
      name: 'default rule: a build in another project (staging and production of one service stay apart)',
      target: BASE,
      build: build({ projectId: 'acme-staging', substitutions: { _SERVICE_NAME: 'checkout' } }),
      reason:
        "the build ran in project 'acme-staging', not 'acme-prod' (builds in another project need a match: block)",
    },
    {
      name: 'default rule: another service',
      target: BASE,
      build: build({ substitutions: { _SERVICE_NAME: 'payments', _DEPLOY_REGION: 'europe-west1' } }),
      reason: "_SERVICE_NAME is 'payments', not 'checkout'",
    },
    {
      name: 'default rule: another region',
      target: BASE,
      build: build({ substitutions: { _SERVICE_NAME: 'checkout', _DEPLOY_REGION: 'us-central1' } }),
      reason: "_DEPLOY_REGION is 'us-central1', not 'europe-west1'",
    },
    {
      name: 'default rule: both wrong, both said',
      target: BASE,
      build: build({ substitutions: { _SERVICE_NAME: 'payments', _DEPLOY_REGION: 'us-central1' } }),
      reason: "_SERVICE_NAME is 'payments', not 'checkout'; _DEPLOY_REGION is 'us-central1', not 'europe-west1'",
    },
    {
      name: 'default rule: no _SERVICE_NAME at all',
      target: BASE,
      build: build({ substitutions: { _DEPLOY_REGION: 'europe-west1' } }),
      reason: "the build sets no _SERVICE_NAME (expected 'checkout'; or give the target a match: block)",
    },
    // triggerId.
    { name: 'trigger id matches', target: `${BASE}\nmatch: { triggerId: trig-1 }`, build: build(), reason: null },
    {
      name: 'trigger id among several',
      target: `${BASE}\nmatch: { triggerId: [trig-0, trig-1] }`,
      build: build(),
      reason: null,
    },
    {
      name: 'another trigger',
      target: `${BASE}\nmatch: { triggerId: trig-2 }`,
      build: build(),
      reason: "trigger 'trig-1' is not 'trig-2'",
    },
    {
      name: 'another trigger, several expected',
      target: `${BASE}\nmatch: { triggerId: [trig-2, trig-3] }`,
      build: build(),
      reason: "trigger 'trig-1' is not one of 'trig-2', 'trig-3'",
    },
    {
      name: 'a build started by hand has no trigger',
      target: `${BASE}\nmatch: { triggerId: trig-2 }`,
      build: build({ triggerId: null }),
      reason: "the build has no trigger id (started by hand?), expected 'trig-2'",
    },
    {
      name: 'a match block replaces the default rule',
      target: `${BASE}\nmatch: { triggerId: trig-1 }`,
      build: build({ substitutions: { _SERVICE_NAME: 'payments' } }),
      reason: null,
    },
    // substitutions.
    {
      name: 'every substitution equal',
      target: `${BASE}\nmatch: { substitutions: { _SERVICE_NAME: checkout, BRANCH_NAME: main } }`,
      build: build({ substitutions: { _SERVICE_NAME: 'checkout', BRANCH_NAME: 'main', SHORT_SHA: 'abc1234' } }),
      reason: null,
    },
    {
      name: 'a substitution differs',
      target: `${BASE}\nmatch: { substitutions: { _ENV: prod } }`,
      build: build({ substitutions: { _ENV: 'staging' } }),
      reason: "_ENV is 'staging', not 'prod'",
    },
    {
      name: 'a substitution is missing',
      target: `${BASE}\nmatch: { substitutions: { _ENV: prod } }`,
      build: build(),
      reason: "the build sets no _ENV (expected 'prod')",
    },
    {
      name: 'an empty substitution is a value, not a wildcard',
      target: `${BASE}\nmatch: { substitutions: { TAG_NAME: '' } }`,
      build: build({ substitutions: { TAG_NAME: 'v1' } }),
      reason: "TAG_NAME is 'v1', not ''",
    },
    // image.
    {
      name: 'image among the build images',
      target: `${BASE}\nmatch: { image: ${CHECKOUT_IMAGE} }`,
      build: build({ imageRepositories: ['europe-docker.pkg.dev/acme/apps/api', CHECKOUT_IMAGE] }),
      reason: null,
    },
    {
      name: 'image not among them',
      target: `${BASE}\nmatch: { image: ${CHECKOUT_IMAGE} }`,
      build: build({ imageRepositories: ['europe-docker.pkg.dev/acme/apps/api'] }),
      reason: `the build has no image ${CHECKOUT_IMAGE} (its images are europe-docker.pkg.dev/acme/apps/api)`,
    },
    {
      name: 'a build without images',
      target: `${BASE}\nmatch: { image: ${CHECKOUT_IMAGE} }`,
      build: build(),
      reason: `the build has no image ${CHECKOUT_IMAGE} (it lists none)`,
    },
    // All criteria together: every one must hold, every failure is said.
    {
      name: 'all criteria hold',
      target: `${BASE}\nmatch: { triggerId: trig-1, substitutions: { BRANCH_NAME: main }, image: ${CHECKOUT_IMAGE} }`,
      build: build({ substitutions: { BRANCH_NAME: 'main' }, imageRepositories: [CHECKOUT_IMAGE] }),
      reason: null,
    },
    {
      name: 'all criteria fail',
      target: `${BASE}\nmatch: { triggerId: trig-2, substitutions: { BRANCH_NAME: main }, image: ${CHECKOUT_IMAGE} }`,
      build: build({ substitutions: { BRANCH_NAME: 'dev' } }),
      reason: `trigger 'trig-1' is not 'trig-2'; BRANCH_NAME is 'dev', not 'main'; the build has no image ${CHECKOUT_IMAGE} (it lists none)`,
    },
  ];

  it.each(cases)('$name', ({ target: yaml, build: b, reason }) => {
    const policy = target(yaml);
    const result = matchTargets(b, [policy]);
    if (reason === null) {
      expect(result).toEqual({ matched: [policy], missed: [] });
    } else {
      expect(result).toEqual({ matched: [], missed: [{ targetId: 'checkout.production', reason }] });
    }
  });
});

describe('matchTargets: several targets', () => {
  const config = parseRunwayConfig(`
version: 1
targets:
  search:
    eu: { project: acme-prod, region: europe-west1 }
    us: { project: acme-prod, region: us-central1 }
  checkout:
    production: { project: acme-prod, region: europe-west1 }
`);
  if (!config.ok) throw new Error(JSON.stringify(config.errors));
  const targets = config.config.targets;

  it('maps one service in two regions to both when the build names no region', () => {
    const result = matchTargets(build({ substitutions: { _SERVICE_NAME: 'search' } }), targets);
    expect(result.matched.map((t) => t.id)).toEqual(['search.eu', 'search.us']);
    expect(result.missed).toEqual([
      { targetId: 'checkout.production', reason: "_SERVICE_NAME is 'search', not 'checkout'" },
    ]);
  });

  it('maps it to one region when the build names it, and says why not the other', () => {
    const result = matchTargets(
      build({ substitutions: { _SERVICE_NAME: 'search', _DEPLOY_REGION: 'us-central1' } }),
      targets,
    );
    expect(result.matched.map((t) => t.id)).toEqual(['search.us']);
    expect(result.missed.map((m) => m.targetId)).toEqual(['search.eu', 'checkout.production']);
  });

  it('maps nothing when there are no targets', () => {
    expect(matchTargets(build(), [])).toEqual({ matched: [], missed: [] });
  });
});

describe('imageRepositoryOf', () => {
  it.each([
    ['europe-docker.pkg.dev/acme/apps/checkout:1.2.3', 'europe-docker.pkg.dev/acme/apps/checkout'],
    ['europe-docker.pkg.dev/acme/apps/checkout', 'europe-docker.pkg.dev/acme/apps/checkout'],
    [`gcr.io/acme/app@sha256:${'b'.repeat(64)}`, 'gcr.io/acme/app'],
    [`gcr.io/acme/app:v1@sha256:${'b'.repeat(64)}`, 'gcr.io/acme/app'],
    ['localhost:5000/team/app', 'localhost:5000/team/app'],
    ['localhost:5000/team/app:dev', 'localhost:5000/team/app'],
  ])('%s → %s', (reference, repository) => {
    expect(imageRepositoryOf(reference)).toBe(repository);
  });
});
