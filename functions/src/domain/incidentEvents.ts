/**
 * From a Cloud Monitoring incident to Runway's domain events. Both alert triggers (Pub/Sub and webhook) and
 * `runway events parse --source monitoring` go through {@link incidentEventsOf}, so what the CLI says an incident becomes
 * is what the triggers do with it.
 *
 * Which targets an incident is for, first rule that names any wins:
 * 1. the policy's user label `runway-target`: a target id (`checkout.production`) or, since label values cannot hold dots,
 *    the same with `--` (`checkout--production`); several separated by `_and_`;
 * 2. the targets whose `rollback.alertPolicies` list the policy, by display name or resource name
 *    (`projects/P/alertPolicies/ID`, read from the condition's name);
 * 3. the incident's Cloud Run resource (a `cloud_run_revision`, by its labels `project_id`, `location` and
 *    `service_name`): the targets for that service, but only those that list no alert policies — a target that lists
 *    them has said which incidents roll it back.
 */
import type { TargetPolicy } from './config/policy.js';
import type { AlertClosed, AlertOpened } from './events.js';
import type { Millis } from './rollout.js';
import type { TargetMiss } from './targeting.js';

/** The user label on an alert policy that names the targets its incidents are for. */
export const TARGET_LABEL = 'runway-target';

/** What Runway takes from a Cloud Monitoring notification: validated, normalised, times in milliseconds. */
export interface ObservedIncident {
  readonly incidentId: string;
  readonly state: 'open' | 'closed';
  /** The policy's display name. */
  readonly policyName: string;
  /** `projects/P/alertPolicies/ID`, when the notification names its condition. */
  readonly policyResource: string | null;
  readonly policyUserLabels: Readonly<Record<string, string>>;
  readonly resourceType: string | null;
  readonly resourceLabels: Readonly<Record<string, string>>;
  readonly summary: string;
  readonly url: string | null;
  readonly startedAt: Millis | null;
  readonly endedAt: Millis | null;
  /** The notification format's version (`1.2`; `test` for the console's test notifications). */
  readonly version: string | null;
}

export type AlertEvent = AlertOpened | AlertClosed;

/** What an incident notification becomes; `misses` say, per target, why the incident is not for it. */
export type IncidentEventsOutcome =
  | {
      readonly kind: 'events';
      readonly events: readonly AlertEvent[];
      /** Which rule mapped it (see the module comment). */
      readonly matchedBy: 'label' | 'policy' | 'resource';
      readonly misses: readonly TargetMiss[];
    }
  | { readonly kind: 'rejected'; readonly reason: string; readonly misses: readonly TargetMiss[] };

/** The id of the event an incident's state becomes: the same for every redelivery, whichever channel brought it. */
export function incidentEventIdOf(incidentId: string, state: ObservedIncident['state']): string {
  return `alert:${incidentId}:${state}`;
}

/** Turns an incident into an event per target it is for, or says why it is for none. `receivedAt`: when it arrived. */
export function incidentEventsOf(
  incident: ObservedIncident,
  targets: readonly TargetPolicy[],
  receivedAt: Millis,
): IncidentEventsOutcome {
  const { matched, matchedBy, misses } = targetsOf(incident, targets);
  if (matched.length === 0 || matchedBy === null) {
    return {
      kind: 'rejected',
      reason:
        targets.length === 0
          ? `runway.yaml has no targets, so incident ${incident.incidentId} maps to none`
          : `no target in runway.yaml is for incident ${incident.incidentId} (policy "${incident.policyName}")`,
      misses,
    };
  }
  const events = matched.map((target): AlertEvent => {
    const base = { id: incidentEventIdOf(incident.incidentId, incident.state), targetId: target.id };
    return incident.state === 'open'
      ? {
          ...base,
          type: 'alert.opened',
          incidentId: incident.incidentId,
          policy: incident.policyName,
          summary: incident.summary,
          url: incident.url,
          startedAt: incident.startedAt,
          receivedAt,
        }
      : {
          ...base,
          type: 'alert.closed',
          incidentId: incident.incidentId,
          policy: incident.policyName,
          endedAt: incident.endedAt,
          receivedAt,
        };
  });
  return { kind: 'events', events, matchedBy, misses };
}

interface Targeting {
  readonly matched: readonly TargetPolicy[];
  readonly matchedBy: 'label' | 'policy' | 'resource' | null;
  readonly misses: readonly TargetMiss[];
}

function targetsOf(incident: ObservedIncident, targets: readonly TargetPolicy[]): Targeting {
  const label = incident.policyUserLabels[TARGET_LABEL];
  if (label !== undefined) {
    const named = new Set(label.split('_and_').map((id) => id.trim()));
    const isNamed = (t: TargetPolicy): boolean => named.has(t.id) || named.has(t.id.replace('.', '--'));
    return split(targets, isNamed, 'label', () => `the policy's ${TARGET_LABEL} label is "${label}"`);
  }

  const listing = (t: TargetPolicy): boolean =>
    t.rollback.alertPolicies.some((p) => p === incident.policyName || p === incident.policyResource);
  if (targets.some(listing)) {
    return split(targets, listing, 'policy', () => `its rollback.alertPolicies do not list "${incident.policyName}"`);
  }

  const service = cloudRunServiceOf(incident);
  if (service === null) {
    return {
      matched: [],
      matchedBy: null,
      misses: targets.map((t) => ({
        targetId: t.id,
        reason:
          `its rollback.alertPolicies do not list "${incident.policyName}", the policy has no ${TARGET_LABEL} label, ` +
          `and the incident is not about a Cloud Run service (resource ${incident.resourceType ?? 'none'})`,
      })),
    };
  }
  const isService = (t: TargetPolicy): boolean =>
    t.rollback.alertPolicies.length === 0 &&
    t.service === service.service &&
    (service.project === null || t.project === service.project) &&
    (service.region === null || t.region === service.region);
  const where = `${service.project ?? '?'}/${service.region ?? '?'}/${service.service}`;
  return split(targets, isService, 'resource', (t) =>
    t.rollback.alertPolicies.length > 0
      ? `it lists its own alertPolicies, and "${incident.policyName}" is not one of them`
      : `the incident is about Cloud Run service ${where}, not ${t.project}/${t.region}/${t.service}`,
  );
}

function split(
  targets: readonly TargetPolicy[],
  matches: (t: TargetPolicy) => boolean,
  matchedBy: Targeting['matchedBy'],
  why: (t: TargetPolicy) => string,
): Targeting {
  const matched = targets.filter(matches);
  const misses = targets.filter((t) => !matches(t)).map((t) => ({ targetId: t.id, reason: why(t) }));
  return { matched, matchedBy: matched.length > 0 ? matchedBy : null, misses };
}

/** The Cloud Run service an incident is about, from its monitored resource's labels. */
function cloudRunServiceOf(
  incident: ObservedIncident,
): { readonly project: string | null; readonly region: string | null; readonly service: string } | null {
  if (incident.resourceType !== 'cloud_run_revision') return null;
  const labels = incident.resourceLabels;
  const service = labels.service_name;
  if (!service) return null;
  return { project: labels.project_id ?? null, region: labels.location ?? null, service };
}
