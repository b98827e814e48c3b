/**
 * `runway events parse --source cloud-build|monitoring FILE [--config runway.yaml]`: what would Runway make of this
 * message? Prints the domain event(s) as JSON, or says plainly why the message is ignored or rejected. It runs exactly
 * the code the `cloudBuilds` and alert triggers run, so the answer is what production would do.
 *
 * Output: the events as JSON on stdout, or `ignored: <reason>` on stdout, or `rejected: <reason>` and one line per target
 * that did not match on stderr. Exit codes: 0 events or ignored; 1 rejected, or the command could not answer (bad
 * arguments, unreadable file, invalid runway.yaml).
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { outcomeOfIncident } from '../../functions/src/adapters/alerts/interpret.js';
import { parseIncidentInput } from '../../functions/src/adapters/alerts/parse.js';
import { describeOutcome, outcomeOfCloudBuild } from '../../functions/src/adapters/cloudbuild/interpret.js';
import { parseCloudBuildInput } from '../../functions/src/adapters/cloudbuild/parse.js';
import type { BuildEventsOutcome } from '../../functions/src/domain/buildEvents.js';
import type { RunwayEvent } from '../../functions/src/domain/events.js';
import type { TargetMiss } from '../../functions/src/domain/targeting.js';
import { formatConfigError, parseRunwayConfig, type RunwayConfig } from '../../functions/src/domain/config/load.js';

/** Sources `events parse` understands. */
const SOURCES = ['cloud-build', 'monitoring'] as const;
type Source = (typeof SOURCES)[number];
const SOURCE_HELP = 'cloud-build (a Cloud Build notification) or monitoring (a Cloud Monitoring incident)';

/** Exit code when the command cannot answer at all: the CLI's convention (cli/main.ts) is 1 for every "no". */
const CANNOT_ANSWER = 1;

interface ParseOptions {
  readonly source?: string;
  readonly config: string;
}

/** Adds `runway events …` to the program. */
export function registerEventsCommand(program: Command): void {
  const events = program.command('events').description('inspect what Runway makes of incoming messages');

  events
    .command('parse')
    .description(
      'print the domain event(s) a message becomes, or why it is ignored or rejected (exit 0: events or ignored; 1: rejected)',
    )
    .argument(
      '<file>',
      'the message as JSON: a Pub/Sub push envelope, a bare Build resource, or a Monitoring notification or incident; - reads stdin',
    )
    .option('--source <source>', `where the message comes from: ${SOURCES.join(', ')} (required)`)
    .option('--config <file>', 'the runway.yaml that maps messages to targets', 'runway.yaml')
    .action(async (file: string, options: ParseOptions, command: Command) => {
      if (options.source === undefined) {
        command.error(`error: --source is required: ${SOURCE_HELP}`, { exitCode: CANNOT_ANSWER });
      }
      if (!(SOURCES as readonly string[]).includes(options.source)) {
        command.error(`error: unknown --source '${options.source}': ${SOURCE_HELP}`, { exitCode: CANNOT_ANSWER });
      }
      const config = await loadConfig(options.config, command);
      const input = await readJson(file, command);

      const outcome = outcomeOf(options.source as Source, input, config);
      if (outcome.kind === 'events') {
        process.stdout.write(`${JSON.stringify(outcome.events, null, 2)}\n`);
        // Not an error, but what people look for when a message reached one environment and not the other.
        for (const miss of outcome.misses) process.stderr.write(`not for ${miss.targetId}: ${miss.reason}\n`);
        return;
      }
      const lines = `${describeOutcome(outcome).join('\n')}\n`;
      if (outcome.kind === 'ignored') {
        process.stdout.write(lines);
      } else {
        process.stderr.write(lines);
        process.exitCode = 1;
      }
    });
}

/** What a message becomes, in the shape both sources share. */
type Outcome =
  | { readonly kind: 'events'; readonly events: readonly RunwayEvent[]; readonly misses: readonly TargetMiss[] }
  | Exclude<BuildEventsOutcome, { kind: 'events' }>;

/** What the trigger for `source` would make of `input`. */
function outcomeOf(source: Source, input: unknown, config: RunwayConfig): Outcome {
  switch (source) {
    case 'cloud-build':
      return outcomeOfCloudBuild(parseCloudBuildInput(input), config);
    case 'monitoring':
      // Received now: the events carry the time the trigger would have received the notification.
      return outcomeOfIncident(parseIncidentInput(input), config, Date.now());
  }
}

async function loadConfig(path: string, command: Command): Promise<RunwayConfig> {
  const text = await readText(path, command, 'runway.yaml at');
  const parsed = parseRunwayConfig(text);
  if (!parsed.ok) {
    command.error(`error: ${path} is invalid:\n${parsed.errors.map((e) => `  ${formatConfigError(e)}`).join('\n')}`, {
      exitCode: CANNOT_ANSWER,
    });
  }
  return parsed.config;
}

async function readJson(path: string, command: Command): Promise<unknown> {
  const text = await readText(path, command, 'the message');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    return command.error(`error: ${path} is not JSON: ${error instanceof Error ? error.message : String(error)}`, {
      exitCode: CANNOT_ANSWER,
    });
  }
}

async function readText(path: string, command: Command, what: string): Promise<string> {
  try {
    return path === '-' ? await readStdin() : await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : error instanceof Error ? error.message : String(error);
    return command.error(`error: cannot read ${what} ${path}: ${reason}`, { exitCode: CANNOT_ANSWER });
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
