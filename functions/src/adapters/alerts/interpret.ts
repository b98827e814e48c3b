/**
 * One notification, start to finish: parsed (parse.ts), then mapped to targets and events (domain/incidentEvents.ts).
 * Both alert triggers and `runway events parse --source monitoring` call {@link outcomeOfIncident}, so the CLI can never
 * say something the triggers would not do.
 */
import type { RunwayConfig } from '../../domain/config/load.js';
import { incidentEventsOf, type IncidentEventsOutcome } from '../../domain/incidentEvents.js';
import type { Millis } from '../../domain/rollout.js';
import type { IncidentParseResult } from './parse.js';

/** A notification that could not be parsed is rejected with the reason; a parsed one becomes what the domain says. */
export function outcomeOfIncident(
  parsed: IncidentParseResult,
  config: RunwayConfig,
  receivedAt: Millis,
): IncidentEventsOutcome {
  if (!parsed.ok) {
    return { kind: 'rejected', reason: `malformed Cloud Monitoring notification: ${parsed.reason}`, misses: [] };
  }
  return incidentEventsOf(parsed.incident, config.targets, receivedAt);
}

/** A rejected outcome as lines of text: `rejected: …`, then one indented line per target it is not for. */
export function describeRejection(outcome: Extract<IncidentEventsOutcome, { kind: 'rejected' }>): string[] {
  return [`rejected: ${outcome.reason}`, ...outcome.misses.map((miss) => `  ${miss.targetId}: ${miss.reason}`)];
}
