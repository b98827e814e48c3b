/**
 * One notification, start to finish: parsed (parse.ts), then mapped to targets and events (domain/buildEvents.ts). The
 * `cloudBuilds` trigger and `runway events parse` both call {@link outcomeOfCloudBuild}, so the CLI can never say
 * something the trigger would not do.
 */
import { buildEventsOf, type BuildEventsOutcome } from '../../domain/buildEvents.js';
import type { RunwayConfig } from '../../domain/config/load.js';
import type { CloudBuildParseResult } from './parse.js';

/** A notification that could not be parsed is rejected with the reason; a parsed one becomes what the domain says. */
export function outcomeOfCloudBuild(parsed: CloudBuildParseResult, config: RunwayConfig): BuildEventsOutcome {
  if (!parsed.ok)
    return { kind: 'rejected', reason: `malformed Cloud Build notification: ${parsed.reason}`, misses: [] };
  return buildEventsOf(parsed.build, config.targets);
}

/** An outcome as lines of text: `ignored: …` or `rejected: …` followed by one indented line per target that did not match. */
export function describeOutcome(outcome: Exclude<BuildEventsOutcome, { kind: 'events' }>): string[] {
  if (outcome.kind === 'ignored') return [`ignored: ${outcome.reason}`];
  return [`rejected: ${outcome.reason}`, ...outcome.misses.map((miss) => `  ${miss.targetId}: ${miss.reason}`)];
}
