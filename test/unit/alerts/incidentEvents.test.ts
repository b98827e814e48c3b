/** Which targets an incident is for: the three rules in their order, and a reason for every target left out. */
import { describe, expect, it } from 'vitest';
import { parseRunwayConfig } from '../../../functions/src/domain/config/load.js';
import { incidentEventsOf, type ObservedIncident } from '../../../functions/src/domain/incidentEvents.js';

const CONFIG = `
version: 1
targets:
  checkout:
    staging: { project: acme-staging, region: europe-west1 }
    production:
      project: acme-prod
      region: europe-west1
      rollback: { alertPolicies: [checkout 5xx rate, projects/acme-prod/alertPolicies/42] }
  cart:
    production: { project: acme-prod, region: europe-west1 }
    eu: { project: acme-prod, region: europe-west4, service: cart }
`;
const parsed = parseRunwayConfig(CONFIG);
if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
const TARGETS = parsed.config.targets;

function incident(patch: Partial<ObservedIncident> = {}): ObservedIncident {
  return {
    incidentId: 'inc-1',
    state: 'open',
    policyName: 'latency p99',
    policyResource: null,
    policyUserLabels: {},
    resourceType: 'cloud_run_revision',
    resourceLabels: { project_id: 'acme-prod', location: 'europe-west1', service_name: 'cart' },
    summary: 'p99 above 1 s',
    url: null,
    startedAt: 1_000,
    endedAt: null,
    version: '1.2',
    ...patch,
  };
}

const targetsOf = (i: ObservedIncident): string[] => {
  const outcome = incidentEventsOf(i, TARGETS, 5_000);
  return outcome.kind === 'events' ? outcome.events.map((e) => e.targetId) : [];
};

describe('incidentEventsOf', () => {
  it.each<[string, Partial<ObservedIncident>, string[]]>([
    [
      'the runway-target label, with dots',
      { policyUserLabels: { 'runway-target': 'checkout.staging' } },
      ['checkout.staging'],
    ],
    [
      'the runway-target label, label-safe and several',
      { policyUserLabels: { 'runway-target': 'checkout--staging_and_cart--eu' } },
      ['checkout.staging', 'cart.eu'],
    ],
    ['a listed policy, by display name', { policyName: 'checkout 5xx rate' }, ['checkout.production']],
    [
      'a listed policy, by resource name',
      { policyName: 'renamed', policyResource: 'projects/acme-prod/alertPolicies/42' },
      ['checkout.production'],
    ],
    ['the Cloud Run resource', {}, ['cart.production']],
    [
      'the resource, region included',
      { resourceLabels: { project_id: 'acme-prod', location: 'europe-west4', service_name: 'cart' } },
      ['cart.eu'],
    ],
    [
      'not by resource for a target that lists its policies',
      { resourceLabels: { project_id: 'acme-prod', location: 'europe-west1', service_name: 'checkout' } },
      [],
    ],
    ['nothing for another resource type', { resourceType: 'gce_instance', resourceLabels: {} }, []],
  ])('maps by %s', (_name, patch, want) => {
    expect(targetsOf(incident(patch))).toEqual(want);
  });

  it('makes alert.opened events with the incident, and the time it was received', () => {
    expect(incidentEventsOf(incident(), TARGETS, 5_000)).toMatchObject({
      kind: 'events',
      matchedBy: 'resource',
      events: [
        {
          type: 'alert.opened',
          id: 'alert:inc-1:open',
          targetId: 'cart.production',
          incidentId: 'inc-1',
          policy: 'latency p99',
          summary: 'p99 above 1 s',
          startedAt: 1_000,
          receivedAt: 5_000,
        },
      ],
    });
  });

  it('makes alert.closed events with their own id', () => {
    const outcome = incidentEventsOf(incident({ state: 'closed', endedAt: 9_000 }), TARGETS, 10_000);
    expect(outcome).toMatchObject({ events: [{ type: 'alert.closed', id: 'alert:inc-1:closed', endedAt: 9_000 }] });
  });

  it('rejects an incident for an unknown service, with every target’s reason', () => {
    const outcome = incidentEventsOf(
      incident({ resourceLabels: { project_id: 'acme-prod', location: 'europe-west1', service_name: 'search' } }),
      TARGETS,
      0,
    );
    expect(outcome).toMatchObject({ kind: 'rejected', reason: expect.stringContaining('no target in runway.yaml') });
    expect(outcome.misses.map((m) => m.targetId)).toEqual([
      'checkout.staging',
      'checkout.production',
      'cart.production',
      'cart.eu',
    ]);
    expect(outcome.misses[2]?.reason).toBe(
      'the incident is about Cloud Run service acme-prod/europe-west1/search, not acme-prod/europe-west1/cart',
    );
  });

  it('rejects an incident whose runway-target label names no target', () => {
    const outcome = incidentEventsOf(incident({ policyUserLabels: { 'runway-target': 'nope' } }), TARGETS, 0);
    expect(outcome.kind).toBe('rejected');
    expect(outcome.misses[0]?.reason).toBe(`the policy's runway-target label is "nope"`);
  });
});
