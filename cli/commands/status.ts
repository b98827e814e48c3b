/**
 * `runway status [--json] [--project P] [--limit N]`: the latest rollouts, newest first, with phase, step, traffic and
 * the latest verdict. Without `--project` it reads the local stack's Firestore emulator (`npm start`); with it, the
 * project's Firestore through Application Default Credentials.
 */
import type { Command } from 'commander';
import type { Rollout } from '../../functions/src/domain/rollout.js';
import { openFirestore } from '../firestore.js';
import { formatTable, summarize } from '../status/summary.js';

interface StatusOptions {
  readonly json?: boolean;
  readonly project?: string;
  readonly limit: string;
}

/** Adds `runway status` to the program. */
export function registerStatusCommand(program: Command): void {
  program
    .command('status')
    .description('list the latest rollouts: phase, canary step, traffic and the latest verdict')
    .option('--json', 'print JSON instead of a table')
    .option('--project <id>', "read this Firebase project's Firestore (default: the local stack's emulator)")
    .option('--limit <n>', 'how many rollouts', '20')
    .action(async (options: StatusOptions) => {
      const limit = Number(options.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new Error('--limit must be between 1 and 500');
      const rollouts = await readRollouts(options.project, limit);
      const rows = rollouts.map(summarize);
      process.stdout.write(`${options.json ? JSON.stringify(rows, null, 2) : formatTable(rows)}\n`);
    });
}

/** The newest rollouts of a project, or of the local stack. */
export async function readRollouts(project: string | undefined, limit: number): Promise<Rollout[]> {
  const { db, close } = openFirestore(project);
  try {
    const snapshot = await db.collection('rollouts').orderBy('createdAt', 'desc').limit(limit).get();
    return snapshot.docs.map((doc) => doc.data() as Rollout);
  } finally {
    await close();
  }
}
