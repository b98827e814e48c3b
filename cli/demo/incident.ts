/**
 * The Cloud Monitoring notification `runway incident` sends: schema 1.2, as a Pub/Sub channel publishes it and a webhook
 * channel POSTs it, about a Cloud Run revision of the sandbox's service. Pure: ids and times come in.
 */

/** What the notification is about. */
export interface DemoIncident {
  readonly incidentId: string;
  readonly state: 'open' | 'closed';
  readonly projectId: string;
  readonly region: string;
  readonly service: string;
  readonly policy: string;
  /** Seconds since the epoch. */
  readonly startedAt: number;
  readonly endedAt: number | null;
}

/** The notification body (`{ version, incident }`). */
export function demoNotification(i: DemoIncident): Record<string, unknown> {
  return {
    version: '1.2',
    incident: {
      incident_id: i.incidentId,
      scoping_project_id: i.projectId,
      url: `https://console.cloud.google.com/monitoring/alerting/incidents/${i.incidentId}?project=${i.projectId}`,
      severity: 'Critical',
      started_at: i.startedAt,
      ended_at: i.endedAt,
      state: i.state,
      resource_type_display_name: 'Cloud Run Revision',
      resource: {
        type: 'cloud_run_revision',
        labels: { project_id: i.projectId, location: i.region, service_name: i.service },
      },
      metric: {
        type: 'run.googleapis.com/request_count',
        displayName: 'Request Count',
        labels: { response_code_class: '5xx' },
      },
      policy_name: i.policy,
      policy_user_labels: {},
      condition_name: '5xx ratio above 2%',
      summary: `Request Count for ${i.service} with metric labels {response_code_class=5xx} is above the threshold of 2.000.`,
    },
  };
}
