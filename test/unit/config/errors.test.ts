/**
 * Every kind of runway.yaml error, with the exact `path: message` line `runway config validate` prints for it.
 */
import { describe, expect, it } from 'vitest';
import { formatConfigError, parseRunwayConfig } from '../../../functions/src/domain/config/load.js';

/** A valid file with one target; cases append fields to `targets.checkout.production` (six spaces deep). */
const BASE = `version: 1
targets:
  checkout:
    production:
      project: acme-prod
      region: europe-west1
`;

const P = 'targets.checkout.production';

/** The lines `runway config validate` would print, or a failure if the file is valid. */
function errorsOf(text: string): string[] {
  const result = parseRunwayConfig(text);
  if (result.ok) throw new Error('expected errors, the file is valid');
  return result.errors.map(formatConfigError);
}

describe('runway.yaml errors name the bad field and say what it must be', () => {
  it.each<[kind: string, yaml: string, errors: string[]]>([
    [
      'a canary weight out of range (the example of issue 2)',
      `${BASE}      strategy:\n        canary:\n          steps: [{ weight: 5 }, { weight: 25 }, { weight: 150 }]\n`,
      ['targets.checkout.production.strategy.canary.steps[2].weight: must be between 1 and 100'],
    ],
    [
      'canary weights that do not increase',
      `${BASE}      strategy: { canary: { steps: [{ weight: 25 }, { weight: 25 }, { weight: 10 }] } }\n`,
      [
        `${P}.strategy.canary.steps[1].weight: must be greater than the previous step's weight (25)`,
        `${P}.strategy.canary.steps[2].weight: must be greater than the previous step's weight (25)`,
      ],
    ],
    [
      'a canary weight that is not a whole number',
      `${BASE}      strategy: { canary: { steps: [{ weight: 12.5 }] } }\n`,
      [`${P}.strategy.canary.steps[0].weight: must be a whole number between 1 and 100`],
    ],
    [
      'a canary step without a weight',
      `${BASE}      strategy: { canary: { steps: [{ bake: 5m }] } }\n`,
      [`${P}.strategy.canary.steps[0].weight: is required`],
    ],
    [
      'no canary steps',
      `${BASE}      strategy: { canary: { steps: [] } }\n`,
      [`${P}.strategy.canary.steps: must list at least one step`],
    ],
    [
      'two strategies',
      `${BASE}      strategy: { canary: {}, blueGreen: {} }\n`,
      [`${P}.strategy: must name exactly one of canary, blueGreen, immediate (found canary, blueGreen)`],
    ],
    [
      'no strategy',
      `${BASE}      strategy: {}\n`,
      [`${P}.strategy: must name exactly one of canary, blueGreen, immediate (found none)`],
    ],
    [
      'an unknown field that is a likely typo',
      `${BASE}      stratgy: { immediate: {} }\n`,
      ['targets.checkout.production.stratgy: unknown field (did you mean strategy?)'],
    ],
    [
      'unknown fields deeper down, with and without a likely meaning',
      `${BASE}      rollback: { guardWindw: 5m, alertPolicy: [x], foo: 1 }\n      analysis: { maxErrorRate: 2 }\n`,
      [
        `${P}.analysis.maxErrorRate: unknown field (did you mean maxErrorRatePercent?)`,
        `${P}.rollback.guardWindw: unknown field (did you mean guardWindow?)`,
        `${P}.rollback.alertPolicy: unknown field (did you mean alertPolicies?)`,
        `${P}.rollback.foo: unknown field`,
      ],
    ],
    [
      'an unknown field in a list item',
      `${BASE}      smoke: { checks: [{ path: /healthz, retires: 3 }] }\n`,
      [`${P}.smoke.checks[0].retires: unknown field (did you mean retries?)`],
    ],
    [
      'a missing project',
      `version: 1\ntargets:\n  checkout:\n    production:\n      region: europe-west1\n`,
      [`${P}.project: is required`],
    ],
    [
      'a project that is not a project id',
      BASE.replace('acme-prod', 'Acme Prod'),
      [`${P}.project: must be a Google Cloud project id`],
    ],
    [
      'a region that is not a region',
      BASE.replace('europe-west1', 'europe'),
      [`${P}.region: must be a Cloud Run region such as europe-west1`],
    ],
    [
      'bad durations: an unknown unit, a negative number, a fraction',
      `${BASE}      approval: { timeout: 5x }\n      rollback: { guardWindow: -5 }\n      smoke: { deadline: 1.5 }\n`,
      [
        `${P}.smoke.deadline: must be a duration such as 30s, 5m or 1h30m (or a whole number of seconds)`,
        `${P}.approval.timeout: must be a duration such as 30s, 5m or 1h30m (or a whole number of seconds)`,
        `${P}.rollback.guardWindow: must be a duration such as 30s, 5m or 1h30m (or a whole number of seconds)`,
      ],
    ],
    [
      'a bad email address',
      `${BASE}      notifications: { email: { to: [ops@acme.example, not-an-address] } }\n`,
      [`${P}.notifications.email.to[1]: must be an email address`],
    ],
    [
      'a Slack channel without #',
      `${BASE}      notifications: { slack: { channel: deploys } }\n`,
      [`${P}.notifications.slack.channel: must be #name or a channel id`],
    ],
    [
      'values of the wrong type or out of range, worded for YAML',
      `${BASE}      approval: { required: yes, roles: admin }\n      analysis: { minRequests: -1, maxErrorRatePercent: "1%" }\n`,
      [
        `${P}.analysis.maxErrorRatePercent: must be a number, not text ("1%")`,
        `${P}.analysis.minRequests: must be at least 0`,
        `${P}.approval.required: must be true or false, not text ("yes")`,
        `${P}.approval.roles: must be a list, not text ("admin")`,
      ],
    ],
    [
      'values outside a fixed set',
      `${BASE}      onNewBuild: replace\n      approval: { roles: [approver, owner], stage: later }\n      smoke: { checks: [{ path: /x, method: get }] }\n`,
      [
        `${P}.smoke.checks[0].method: must be one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS`,
        `${P}.approval.roles[1]: must be one of viewer, deployer, approver, admin`,
        `${P}.approval.stage: must be one of beforeFirstTraffic, beforePromotion`,
        `${P}.onNewBuild: must be one of queue, supersede`,
      ],
    ],
    [
      'a smoke check path without a leading slash and an impossible status',
      `${BASE}      smoke: { checks: [{ path: healthz, expectStatus: 700 }] }\n`,
      [
        `${P}.smoke.checks[0].path: must start with '/'`,
        `${P}.smoke.checks[0].expectStatus: must be an HTTP status between 100 and 599`,
      ],
    ],
    [
      'a JSON path that does not start with $, and one with a bad index',
      `${BASE}      smoke:\n        checks:\n          - { path: /healthz, expectJson: { path: status, equals: ok } }\n          - { path: /v, expectJson: { path: '$.items[x]', equals: 1 } }\n`,
      [
        `${P}.smoke.checks[0].expectJson.path: must be a JSON path such as $.status or $.items[0].id`,
        `${P}.smoke.checks[1].expectJson.path: must be a JSON path such as $.status or $.items[0].id`,
      ],
    ],
    [
      'a JSON expectation that is a list, and an unknown field in one',
      `${BASE}      smoke:\n        checks:\n          - { path: /healthz, expectJson: { path: $.status, equals: [ok] } }\n          - { path: /v, expectJson: { path: $.ok, equals: true, value: 1 } }\n`,
      [
        `${P}.smoke.checks[0].expectJson.equals: must be a string, number, boolean or null`,
        `${P}.smoke.checks[1].expectJson.value: unknown field`,
      ],
    ],
    [
      'a smoke latency limit that is not a duration',
      `${BASE}      smoke: { checks: [{ path: /healthz, maxLatency: fast }] }\n`,
      [`${P}.smoke.checks[0].maxLatency: must be a duration such as 30s, 5m or 1h30m (or a whole number of seconds)`],
    ],
    [
      'an identity token flag that is text, and an audience that is not a URL',
      `${BASE}      smoke: { identityToken: yes, audience: checkout }\n`,
      [
        `${P}.smoke.identityToken: must be true or false, not text ("yes")`,
        `${P}.smoke.audience: must be a URL such as https://checkout-abc123-ew.a.run.app`,
      ],
    ],
    [
      'a candidate source that does not exist and a tag Cloud Run would refuse',
      `${BASE}      candidate: { source: ci, tag: Candidate }\n`,
      [
        `${P}.candidate.source: must be one of deploy, build`,
        `${P}.candidate.tag: must be lower-case letters, digits and dashes, starting with a letter, at most 20 characters`,
      ],
    ],
    [
      'candidate tags that start with a digit, end with a dash or are too long',
      `${BASE}      candidate: { tag: 1-rev }\n    staging:\n      project: acme-staging\n      region: europe-west1\n      candidate: { tag: rev- }\n    preview:\n      project: acme-preview\n      region: europe-west1\n      candidate: { tag: abcdefghijklmnopqrstu }\n`,
      [
        `${P}.candidate.tag: must be lower-case letters, digits and dashes, starting with a letter, at most 20 characters`,
        'targets.checkout.staging.candidate.tag: must be lower-case letters, digits and dashes, starting with a letter, at most 20 characters',
        'targets.checkout.preview.candidate.tag: must be lower-case letters, digits and dashes, starting with a letter, at most 20 characters',
      ],
    ],
    [
      'a misspelt candidate field',
      `${BASE}      candidate: { tags: canary }\n`,
      [`${P}.candidate.tags: unknown field (did you mean tag?)`],
    ],
    [
      'a metrics delay that is not a duration and stable comparisons out of range',
      `${BASE}      analysis:\n        metricsDelay: soon\n        compareWithStable: { maxErrorRateIncrease: 150, maxP99LatencyIncreasePercent: -1 }\n`,
      [
        `${P}.analysis.metricsDelay: must be a duration such as 30s, 5m or 1h30m (or a whole number of seconds)`,
        `${P}.analysis.compareWithStable.maxErrorRateIncrease: must be between 0 and 100`,
        `${P}.analysis.compareWithStable.maxP99LatencyIncreasePercent: must be at least 0`,
      ],
    ],
    [
      'an empty match block and bad match criteria',
      `${BASE}      match: {}\n    staging:\n      project: acme-staging\n      region: europe-west1\n      match: { triggerId: [], image: "europe-docker.pkg.dev/acme/apps/checkout:latest", substitutions: { env: prod } }\n`,
      [
        `${P}.match: must give at least one of triggerId, substitutions, image`,
        'targets.checkout.staging.match.triggerId: must list at least 1 item',
        'targets.checkout.staging.match.substitutions.env: invalid key: must be a substitution name such as _SERVICE_NAME',
        'targets.checkout.staging.match.image: must be an image repository without tag or digest',
      ],
    ],
    [
      'trigger ids that are not text, or empty',
      `${BASE}      match: { triggerId: 12345 }\n    staging:\n      project: acme-staging\n      region: europe-west1\n      match: { triggerId: '' }\n`,
      [
        `${P}.match.triggerId: must be a trigger id or a list of trigger ids`,
        'targets.checkout.staging.match.triggerId: must not be empty',
      ],
    ],
    [
      'two targets on the same Cloud Run service',
      `${BASE}    canary:\n      project: acme-prod\n      region: europe-west1\n      service: checkout\n`,
      [
        'targets.checkout.canary: is the same Cloud Run service (acme-prod/europe-west1/checkout) as targets.checkout.production',
      ],
    ],
    [
      'a service key that is not lower-case',
      `version: 1\ntargets:\n  Checkout:\n    production:\n      project: acme-prod\n      region: europe-west1\n`,
      ['targets.Checkout: invalid key: must be lower-case letters, digits and dashes, starting with a letter'],
    ],
    [
      'an environment that is empty',
      `${BASE}    staging:\n`,
      ['targets.checkout.staging: must be a mapping, not null (an empty value)'],
    ],
    [
      'a service without environments',
      `${BASE}  payments: {}\n`,
      ['targets.payments: must define at least one environment'],
    ],
    ['no targets', 'version: 1\ntargets: {}\n', ['targets: must define at least one target']],
    ['targets as a list', 'version: 1\ntargets: [checkout]\n', ['targets: must be a mapping, not a list']],
    ['a missing version', BASE.replace('version: 1\n', ''), ['version: is required']],
    ['another version', BASE.replace('version: 1', 'version: 2'), ['version: must be 1']],
    [
      'an unknown top-level key (x- keys are allowed)',
      `${BASE}x-defaults: { region: europe-west1 }\nx-notes: free text\nsettings: {}\ntarget: {}\n`,
      [
        'settings: unknown field (only version, targets, access, slack, email, dashboardUrl and x-… keys are allowed at the top level)',
        'target: unknown field (did you mean targets?)',
      ],
    ],
    [
      'an unknown top-level key next to other errors',
      BASE.replace('acme-prod', 'Acme').concat('extra: 1\n'),
      [
        `${P}.project: must be a Google Cloud project id`,
        'extra: unknown field (only version, targets, access, slack, email, dashboardUrl and x-… keys are allowed at the top level)',
      ],
    ],
  ])('%s', (_kind, yaml, errors) => {
    expect(errorsOf(yaml)).toEqual(errors);
  });
});

describe('files that are not a runway.yaml at all', () => {
  it.each<[kind: string, text: string, error: string]>([
    ['an empty file', '', 'the file is empty: it needs version: 1 and targets'],
    ['a file with only comments', '# nothing yet\n', 'the file is empty: it needs version: 1 and targets'],
    ['a list', '- checkout\n- payments\n', 'the file must be a mapping with version: 1 and targets'],
    ['a scalar', 'runway\n', 'the file must be a mapping with version: 1 and targets'],
  ])('%s', (_kind, text, error) => {
    expect(errorsOf(text)).toEqual([error]);
  });

  it('reports invalid YAML with its line and column', () => {
    expect(errorsOf('version: 1\ntargets:\n  checkout: [production\n')).toEqual([
      'line 4, column 1: Flow sequence in block collection must be sufficiently indented and end with a ]',
    ]);
  });

  it('reports an unclosed quote where the file ends', () => {
    expect(errorsOf(`${BASE}      service: "checkout\n`)).toEqual(['line 8, column 1: Missing closing "quote']);
  });

  it('reports a duplicated key with its line and column', () => {
    expect(errorsOf(`${BASE}      region: europe-west4\n`)).toEqual(['line 7, column 7: Map keys must be unique']);
  });
});

describe('YAML merge keys and x- anchors', () => {
  it('merges an x- anchor into targets; keys the target sets win', () => {
    const result = parseRunwayConfig(`version: 1
x-defaults: &defaults
  project: acme-prod
  region: europe-west1
  onNewBuild: supersede
targets:
  checkout:
    production:
      <<: *defaults
    staging:
      <<: *defaults
      project: acme-staging
      onNewBuild: queue
`);
    expect(result.ok && result.config.targets.map((t) => [t.id, t.project, t.region, t.onNewBuild])).toEqual([
      ['checkout.production', 'acme-prod', 'europe-west1', 'supersede'],
      ['checkout.staging', 'acme-staging', 'europe-west1', 'queue'],
    ]);
  });

  it('reports a bad value that came from an anchor at the path of the target that uses it', () => {
    expect(
      errorsOf(`version: 1
x-defaults: &defaults
  region: europe-west1
  rollback: { guardWindow: soon }
targets:
  checkout:
    production:
      <<: *defaults
      project: acme-prod
`),
    ).toEqual([
      'targets.checkout.production.rollback.guardWindow: must be a duration such as 30s, 5m or 1h30m (or a whole number of seconds)',
    ]);
  });
});
