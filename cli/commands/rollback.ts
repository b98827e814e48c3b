/**
 * `runway rollback TARGET [--to REVISION] --reason TEXT [--wait] [--project P] [--config FILE] [--as NAME]`: rolls a
 * target back through the engine, exactly as an alert or a Slack command would. With a rollout in flight it is rolled
 * back at once, skipping its remaining steps and analyses; with none, the release serving now is reverted to the
 * previous good revision from the target's release history, or to `--to`.
 *
 * The command runs the engine itself: it records the event in the target's audit log and stores the traffic change in
 * the outbox, and Runway's `runEffect` function (deployed, or under `npm start`) applies it. So it needs what that
 * needs: write access to Runway's Firestore. Anyone who has that can change anything Runway does, so the CLI acts as an
 * admin, under the name given with `--as` (default `user@host`), which goes into the audit log.
 *
 * Exit codes: 0 the rollback was accepted (and, with `--wait`, traffic is back); 1 it was refused (the reason is
 * printed), or the command could not run.
 */
import { hostname, userInfo } from 'node:os';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { Firestore } from 'firebase-admin/firestore';
import { formatConfigError, parseRunwayConfig, type RunwayConfig } from '../../functions/src/domain/config/load.js';
import type { Actor } from '../../functions/src/domain/actor.js';
import type { TargetRollback } from '../../functions/src/domain/events.js';
import { isTerminal } from '../../functions/src/domain/phase.js';
import type { Rollout } from '../../functions/src/domain/rollout.js';
import { createEngine } from '../../functions/src/engine/engine.js';
import { systemClock } from '../../functions/src/engine/ports.js';
import { silentLog } from '../../functions/src/logs.js';
import { openFirestore } from '../firestore.js';

interface RollbackOptions {
  readonly to?: string;
  readonly reason?: string;
  readonly wait?: boolean;
  readonly project?: string;
  readonly config?: string;
  readonly as?: string;
}

const WAIT_LIMIT_MS = 5 * 60_000;

/** Adds `runway rollback` to the program. */
export function registerRollbackCommand(program: Command): void {
  program
    .command('rollback')
    .description('roll a target back now: its rollout in flight, or its last release to the previous good revision')
    .argument('<target>', 'service.environment, e.g. checkout.production')
    .option('--to <revision>', 'the revision to return to (default: the previous good one, from the release history)')
    .option('--reason <text>', 'why: goes into the audit log and the notifications (required)')
    .option('--wait', 'wait until Cloud Run serves the revision rolled back to')
    .option('--project <id>', "Runway's Firebase project (default: the local stack, npm start)")
    .option('--config <file>', "the runway.yaml Runway runs with (default: the local stack's, else ./runway.yaml)")
    .option('--as <name>', 'who you are, for the audit log (default: user@host)')
    .action(async (targetId: string, options: RollbackOptions, command: Command) => {
      if (!options.reason?.trim())
        command.error('error: --reason is required: say why, for the audit log', { exitCode: 1 });
      const store = openFirestore(options.project);
      try {
        const config = loadConfig(options.config ?? store.stack?.configFile ?? 'runway.yaml', command);
        if (!config.targets.some((t) => t.id === targetId)) {
          command.error(
            `error: no target ${targetId} in runway.yaml; there are ${config.targets.map((t) => t.id).join(', ')}`,
            { exitCode: 1 },
          );
        }
        const engine = createEngine({ db: store.db, config, clock: systemClock, log: silentLog });
        const event: TargetRollback = {
          type: 'target.rollback',
          id: `cli:${Date.now()}:${Math.random().toString(36).slice(2, 10)}`,
          targetId,
          actor: actorOf(options.as),
          reason: options.reason ?? '',
          toRevision: options.to ?? null,
        };
        const result = await engine.handle(event);
        if (result.status !== 'applied') {
          process.stderr.write(`refused: ${result.message}\n`);
          process.exitCode = 1;
          return;
        }
        process.stdout.write(`${result.message}\n`);
        if (!options.wait) return;
        const rollout = await ended(store.db, result.rolloutIds);
        const stop = rollout.stop;
        process.stdout.write(
          `${rollout.id}: ${rollout.phase}` +
            (stop?.durationMs != null
              ? `, traffic back on ${stop.toRevision} ${stop.durationMs} ms after the command\n`
              : '\n'),
        );
        if (rollout.phase !== 'rolled_back' && rollout.phase !== 'aborted') process.exitCode = 1;
      } finally {
        await store.close();
      }
    });
}

/** The person at the keyboard. */
function actorOf(name: string | undefined): Actor {
  const id = name?.trim() || `${userInfo().username}@${hostname()}`;
  return { kind: 'user', id, name: id, via: 'cli', roles: ['admin'] };
}

function loadConfig(file: string, command: Command): RunwayConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return command.error(`error: cannot read runway.yaml at ${path.resolve(file)}: ${(error as Error).message}`, {
      exitCode: 1,
    });
  }
  const parsed = parseRunwayConfig(text);
  if (!parsed.ok) {
    return command.error(
      `error: ${file} is invalid:\n${parsed.errors.map((e) => `  ${formatConfigError(e)}`).join('\n')}`,
      { exitCode: 1 },
    );
  }
  return parsed.config;
}

/** Waits for the rollout the command stopped or started (the one still active, if several changed) to end. */
async function ended(db: Firestore, rolloutIds: readonly string[]): Promise<Rollout> {
  const deadline = Date.now() + WAIT_LIMIT_MS;
  for (;;) {
    const rollouts = await Promise.all(
      rolloutIds.map(async (id) => (await db.collection('rollouts').doc(id).get()).data() as Rollout | undefined),
    );
    const stopping = rollouts.find((r) => r?.stop && r.phase !== 'aborted') ?? rollouts.find((r) => r?.stop);
    if (stopping && isTerminal(stopping.phase)) return stopping;
    if (Date.now() > deadline) throw new Error(`the rollback did not finish within ${WAIT_LIMIT_MS / 60_000} minutes`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
