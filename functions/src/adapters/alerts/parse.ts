/**
 * Parses a Cloud Monitoring notification into an {@link ObservedIncident}, or into a reason that names the offending
 * field. Never throws on bad input: a malformed notification is logged and acknowledged, not retried forever.
 *
 * Shapes understood: the Pub/Sub message of a Pub/Sub channel (`{ data, attributes, messageId }`, what the trigger
 * receives), its push envelope (`{ message, subscription }`), and the notification itself (`{ version, incident }`, what a
 * webhook channel POSTs) or the bare incident object.
 */
import type { ObservedIncident } from '../../domain/incidentEvents.js';
import { decodeBase64Json } from '../wire/base64Json.js';
import { describeIssues, isObject } from '../wire/issues.js';
import {
  incidentSchema,
  notificationSchema,
  pubsubMessageSchema,
  pushEnvelopeSchema,
  type IncidentResource,
  type PubsubMessage,
} from './schema.js';

/** A parsed notification, or why it is not one. */
export type IncidentParseResult =
  | { readonly ok: true; readonly incident: ObservedIncident; readonly messageId: string | null }
  | { readonly ok: false; readonly reason: string };

const HOLDS = 'Cloud Monitoring puts the notification there';
/** `projects/P/alertPolicies/ID` at the start of a condition's resource name. */
const POLICY_OF_CONDITION = /^(projects\/[^/]+\/alertPolicies\/[^/]+)\/conditions\/[^/]+$/;

/** Parses a Pub/Sub message from a Monitoring Pub/Sub channel, as the trigger receives it. */
export function parseIncidentMessage(message: unknown): IncidentParseResult {
  const parsed = pubsubMessageSchema.safeParse(message, { reportInput: true });
  if (!parsed.success) return fail(describeIssues('message', parsed.error));
  return parseValidMessage(parsed.data);
}

/** Parses a notification as a webhook channel POSTs it (`{ version, incident }`, already decoded JSON). */
export function parseIncidentNotification(json: unknown): IncidentParseResult {
  if (!isObject(json)) return fail('the notification is not a JSON object ({ "version": "1.2", "incident": { … } })');
  const parsed = notificationSchema.safeParse(json, { reportInput: true });
  if (!parsed.success) return fail(describeIssues('', parsed.error));
  return { ok: true, incident: observe(parsed.data.incident, parsed.data.version ?? null), messageId: null };
}

/**
 * Parses whatever a user hands `runway events parse --source monitoring`: a push envelope, a Pub/Sub message (`data`
 * and no `incident`), a notification, or a bare incident.
 */
export function parseIncidentInput(json: unknown): IncidentParseResult {
  if (!isObject(json)) return fail('the input is not a JSON object (a push envelope, a notification or an incident)');
  if ('message' in json) {
    const envelope = pushEnvelopeSchema.safeParse(json, { reportInput: true });
    if (!envelope.success) return fail(describeIssues('', envelope.error));
    return parseValidMessage(envelope.data.message);
  }
  if ('data' in json && !('incident' in json)) return parseIncidentMessage(json);
  if ('incident' in json) return parseIncidentNotification(json);
  const bare = incidentSchema.safeParse(json, { reportInput: true });
  if (!bare.success) return fail(describeIssues('incident', bare.error));
  return { ok: true, incident: observe(bare.data, null), messageId: null };
}

function parseValidMessage(message: PubsubMessage): IncidentParseResult {
  const decoded = decodeBase64Json(message.data, HOLDS);
  if (!decoded.ok) return decoded;
  const parsed = parseIncidentNotification(decoded.json);
  return parsed.ok ? { ...parsed, messageId: message.messageId ?? message.message_id ?? null } : parsed;
}

/** Normalises the validated incident into what the domain reads. */
function observe(incident: IncidentResource, version: string | null): ObservedIncident {
  const conditionName = incident.condition?.name ?? null;
  return {
    incidentId: incident.incident_id,
    state: incident.state,
    policyName: incident.policy_name || '(unnamed policy)',
    policyResource: conditionName ? (POLICY_OF_CONDITION.exec(conditionName)?.[1] ?? null) : null,
    policyUserLabels: incident.policy_user_labels ?? {},
    resourceType: incident.resource?.type ?? null,
    resourceLabels: incident.resource?.labels ?? {},
    summary: incident.summary || incident.condition_name || 'no summary',
    url: incident.url || null,
    startedAt: millis(incident.started_at),
    endedAt: millis(incident.ended_at),
    version,
  };
}

/** Seconds to milliseconds; 0 (a test notification's "unset") is null. */
function millis(seconds: number | null | undefined): number | null {
  return seconds ? Math.round(seconds * 1000) : null;
}

function fail(reason: string): { readonly ok: false; readonly reason: string } {
  return { ok: false, reason };
}
