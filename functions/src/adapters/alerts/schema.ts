/**
 * The wire format of Cloud Monitoring's notifications (schema version 1.2), as zod schemas: what a webhook channel POSTs
 * and what a Pub/Sub channel publishes as `message.data` (base64 JSON), `{ "version": "1.2", "incident": { … } }`.
 *
 * Objects are loose: the incident carries fields Runway does not read (documentation, observed values, condition
 * details), and Google adds more. The fields Runway reads are checked, so a wrong type is reported with its path. Absent
 * and null mean the same. The console's test notifications (`"version": "test"`, `"state": "OPEN"`) pass too.
 */
import { z } from 'zod';

const text = z.string({ error: 'must be a string' });
const labels = z.record(z.string(), z.string(), { error: 'must be a map of names to text' }).nullish();
/** Seconds since the epoch, as Monitoring writes them (0 in test notifications means unset). */
const epochSeconds = z.number({ error: 'must be a number of seconds since the epoch' }).nonnegative().nullish();

export const incidentSchema = z.looseObject({
  incident_id: text.min(1, { error: 'must not be empty' }),
  state: z
    .string({ error: 'must be open or closed' })
    .transform((s) => s.toLowerCase())
    .pipe(z.enum(['open', 'closed'], { error: 'must be open or closed' })),
  policy_name: text.nullish(),
  policy_user_labels: labels,
  condition: z.looseObject({ name: text.nullish(), displayName: text.nullish() }).nullish(),
  condition_name: text.nullish(),
  resource: z.looseObject({ type: text.nullish(), labels }).nullish(),
  resource_name: text.nullish(),
  summary: text.nullish(),
  url: text.nullish(),
  started_at: epochSeconds,
  ended_at: epochSeconds,
  scoping_project_id: text.nullish(),
});

export const notificationSchema = z.looseObject({
  version: text.nullish(),
  incident: incidentSchema,
});

export type IncidentResource = z.infer<typeof incidentSchema>;
export type Notification = z.infer<typeof notificationSchema>;

/** A Pub/Sub message as a trigger receives it (`messageId`) or as a push envelope holds it (`message_id` too). */
export const pubsubMessageSchema = z.looseObject({
  data: text.nullish(),
  attributes: z.record(z.string(), z.string()).nullish(),
  messageId: text.nullish(),
  message_id: text.nullish(),
  publishTime: text.nullish(),
});

export const pushEnvelopeSchema = z.looseObject({
  message: pubsubMessageSchema,
  subscription: text.nullish(),
});

export type PubsubMessage = z.infer<typeof pubsubMessageSchema>;
