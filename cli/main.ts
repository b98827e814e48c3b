/**
 * The `runway` command line: builds the commander program from the commands in ./commands and runs it.
 *
 * Conventions every command follows: results on stdout, problems on stderr; exit 0 on success and 1 when the answer is
 * "no" (an invalid file, a rejected message) or something went wrong. Errors are one line; RUNWAY_DEBUG=1 adds the stack.
 */
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { registerConfigCommand } from './commands/config.js';
import { registerEventsCommand } from './commands/events.js';
import { registerDemoCommand } from './commands/demo.js';
import { registerStatusCommand } from './commands/status.js';
import { registerRollbackCommand } from './commands/rollback.js';
import { registerIncidentCommand } from './commands/incident.js';
import { registerInboxCommand } from './commands/inbox.js';
import { registerUsersCommand } from './commands/users.js';

/** The program with every command registered. Exported so tests can inspect it without spawning a process. */
export function createProgram(): Command {
  const program = new Command('runway')
    .description('Runway: progressive delivery for Google Cloud Run, running on Firebase.')
    .version(packageVersion(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .helpCommand('help [command]', 'show help for a command')
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  runway config validate                 check ./runway.yaml and list its targets',
        '  runway config validate --json ci.yaml  print the resolved configuration as JSON',
        '  runway events parse --source cloud-build message.json',
        '                                         what Runway makes of a Cloud Build notification',
        '  runway demo good --wait                a healthy release on the local stack (npm start), followed to its end',
        '  runway status                          the latest rollouts: phase, step, traffic, latest verdict',
        '  runway rollback hello.local --reason "5xx after deploy" --wait',
        '                                         roll a target back now (its rollout, or its last release)',
        '  runway incident open                   a Cloud Monitoring incident for hello on the local stack',
        '  runway demo approval --wait            a release that waits for approval in Slack, approved by a click',
        '  runway inbox                           the Slack messages and emails of the local stack',
        '  runway users grant ada@example.com approver production',
        '                                         let a person approve in production on the dashboard',
        '',
        'Set RUNWAY_DEBUG=1 to print stack traces.',
      ].join('\n'),
    );

  registerConfigCommand(program);
  registerEventsCommand(program);
  registerDemoCommand(program);
  registerStatusCommand(program);
  registerRollbackCommand(program);
  registerIncidentCommand(program);
  registerInboxCommand(program);
  registerUsersCommand(program);

  // A command group (`runway`, `runway config`, …) given an unknown subcommand answers with its help. Set on the groups
  // only, after registration: commander copies the setting into commands created later, and a leaf command's own error
  // messages are clearer without a page of help after them.
  for (const group of [program, ...program.commands].filter((c) => c.commands.length > 0)) group.showHelpAfterError();
  return program;
}

/** Runs the program on `argv` (as in `process.argv`). Never throws: failures set a non-zero exit code. */
export async function main(argv: readonly string[]): Promise<void> {
  // `runway … | head` closes the pipe early: stop quietly, as Unix tools do, instead of crashing on EPIPE.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') process.stderr.write(`error: cannot write the output: ${error.message}\n`);
    process.exit(error.code === 'EPIPE' ? Number(process.exitCode ?? 0) : 1);
  });
  try {
    await createProgram().parseAsync([...argv]);
  } catch (error) {
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    if (process.env.RUNWAY_DEBUG === '1' && error instanceof Error && error.stack) {
      process.stderr.write(`${error.stack}\n`);
    }
    process.exitCode = 1;
  }
}

function packageVersion(): string {
  const manifest: unknown = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
  const version = typeof manifest === 'object' && manifest !== null && 'version' in manifest ? manifest.version : '';
  return typeof version === 'string' && version ? version : '0.0.0';
}
