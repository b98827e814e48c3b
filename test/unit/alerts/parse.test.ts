/** Parsing Cloud Monitoring notifications: every shape they arrive in, and a clear reason for anything else. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  parseIncidentInput,
  parseIncidentMessage,
  parseIncidentNotification,
} from '../../../functions/src/adapters/alerts/parse.js';

const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`../../fixtures/monitoring/${name}`, import.meta.url), 'utf8')) as Record<
    string,
    unknown
  >;
const base64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64');

describe('parseIncidentNotification', () => {
  it('reads what Runway needs from a version 1.2 notification', () => {
    const parsed = parseIncidentNotification(fixture('incident-open.json'));
    expect(parsed).toEqual({
      ok: true,
      messageId: null,
      incident: {
        incidentId: '0.nx2kq8wrmf3v',
        state: 'open',
        policyName: 'checkout 5xx rate',
        policyResource: 'projects/acme-prod/alertPolicies/1234567890123456789',
        policyUserLabels: { team: 'payments' },
        resourceType: 'cloud_run_revision',
        resourceLabels: {
          project_id: 'acme-prod',
          service_name: 'checkout',
          revision_name: 'checkout-00042-vex',
          location: 'europe-west1',
          configuration_name: 'checkout',
        },
        summary: expect.stringContaining('is above the threshold of 2.000') as string,
        url: 'https://console.cloud.google.com/monitoring/alerting/incidents/0.nx2kq8wrmf3v?project=acme-prod',
        startedAt: 1_764_590_400_000,
        endedAt: null,
        version: '1.2',
      },
    });
  });

  it("accepts the console's test notification (version test, state OPEN, zero times)", () => {
    const parsed = parseIncidentNotification({
      version: 'test',
      incident: { incident_id: '12345', state: 'OPEN', started_at: 0, ended_at: 0, summary: 'Test Incident' },
    });
    expect(parsed).toMatchObject({
      ok: true,
      incident: { state: 'open', startedAt: null, endedAt: null, policyName: '(unnamed policy)', version: 'test' },
    });
  });

  it.each<[string, unknown, string]>([
    ['not an object', [1, 2], 'the notification is not a JSON object'],
    ['no incident', { version: '1.2' }, 'incident: is required'],
    ['no incident id', { incident: { state: 'open' } }, 'incident.incident_id: is required'],
    ['an unknown state', { incident: { incident_id: 'x', state: 'acked' } }, 'incident.state: must be open or closed'],
    [
      'a time as text',
      { incident: { incident_id: 'x', state: 'open', started_at: 'yesterday' } },
      'incident.started_at: must be a number of seconds since the epoch',
    ],
    [
      'labels that are not text',
      { incident: { incident_id: 'x', state: 'open', policy_user_labels: { a: 1 } } },
      'incident.policy_user_labels.a: must be a string',
    ],
  ])('refuses %s, naming the field', (_name, body, reason) => {
    const parsed = parseIncidentNotification(body);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.reason).toContain(reason);
  });
});

describe('parseIncidentMessage and parseIncidentInput', () => {
  it('decodes a Pub/Sub message and keeps its id', () => {
    const parsed = parseIncidentMessage({ data: base64(fixture('incident-open.json')), messageId: 'm-1' });
    expect(parsed).toMatchObject({ ok: true, messageId: 'm-1', incident: { incidentId: '0.nx2kq8wrmf3v' } });
  });

  it.each([
    [{ messageId: 'm' }, 'message.data is missing'],
    [{ data: '!!!' }, 'message.data is not base64'],
    [{ data: Buffer.from('not json').toString('base64') }, 'message.data is not JSON'],
  ])('refuses a message whose data is wrong: %j', (message, reason) => {
    const parsed = parseIncidentMessage(message);
    expect(!parsed.ok && parsed.reason).toContain(reason);
  });

  it.each([
    ['a push envelope', 'push-open.json'],
    ['a notification', 'incident-open.json'],
  ])('takes %s', (_name, file) => {
    expect(parseIncidentInput(fixture(file))).toMatchObject({ ok: true, incident: { incidentId: '0.nx2kq8wrmf3v' } });
  });

  it('takes a bare incident', () => {
    const { incident } = fixture('incident-closed.json') as { incident: unknown };
    expect(parseIncidentInput(incident)).toMatchObject({
      ok: true,
      incident: { state: 'closed', endedAt: 1_764_591_000_000, version: null },
    });
  });
});
