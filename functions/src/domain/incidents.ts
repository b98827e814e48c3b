/**
 * Cloud Monitoring incidents as a target remembers them. Monitoring notifies at least once and in no promised order: the
 * same open twice, a close before its open. The target keeps the incidents it has seen, so that only the first
 * notification of each incident's opening acts, and an open that arrives after its close acts not at all.
 */
import { INCIDENTS_KEPT, type IncidentRecord, type TargetState } from './rollout.js';

/** The incident as the target remembers it, if it does. */
export function knownIncident(state: TargetState, incidentId: string): IncidentRecord | undefined {
  return state.incidents.find((i) => i.incidentId === incidentId);
}

/** The incidents with `record` in place of any earlier record of the same incident, newest first, capped. */
export function withIncident(incidents: readonly IncidentRecord[], record: IncidentRecord): IncidentRecord[] {
  return [record, ...incidents.filter((i) => i.incidentId !== record.incidentId)].slice(0, INCIDENTS_KEPT);
}
