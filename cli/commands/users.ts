/**
 * `runway users grant|revoke EMAIL ROLE [ENV]` and `runway users show EMAIL`: a person's dashboard roles, kept as the
 * Firebase Auth custom claim `runway` (functions/src/domain/claims.ts), per environment or for every environment (`*`,
 * the default). The person must have signed in to the dashboard once, so that Firebase Auth knows them.
 *
 * Against the local stack's Auth emulator by default, or a project's users with `--project` (Application Default
 * Credentials with the Firebase Authentication Admin role). A change reaches the person's next ID token: the dashboard
 * refreshes it on sign-in and with its "Refresh roles" button; the callable `rolloutAction` reads the user record, so a
 * revoked role stops working there at once.
 */
import type { Command } from 'commander';
import type { Auth, UserRecord } from 'firebase-admin/auth';
import {
  describeRoleClaims,
  EVERY_ENVIRONMENT,
  grantRole,
  isEnvironmentKey,
  isRole,
  revokeRole,
  roleClaimsOf,
  ROLE_ORDER,
  withRoleClaims,
} from '../../functions/src/domain/claims.js';
import { openAuth } from '../auth.js';

interface UsersOptions {
  readonly project?: string;
}

/** Adds `runway users` to the program. */
export function registerUsersCommand(program: Command): void {
  const users = program
    .command('users')
    .description("manage people's dashboard roles (Firebase Auth custom claims)")
    .addHelpText(
      'after',
      [
        '',
        `Roles: ${ROLE_ORDER.join(', ')}. ENV is an environment (production, staging, …) or * for every one (default).`,
        '',
        'Examples:',
        '  runway users grant ada@example.com viewer               viewer everywhere',
        '  runway users grant ada@example.com approver production  approver in production only',
        '  runway users revoke ada@example.com approver production',
        '  runway users show ada@example.com',
      ].join('\n'),
    );
  for (const verb of ['grant', 'revoke'] as const) {
    users
      .command(verb)
      .description(verb === 'grant' ? 'give a person a role' : 'take a role away')
      .argument('<email>', "the person's email, as they sign in to the dashboard")
      .argument('<role>', ROLE_ORDER.join(' | '))
      .argument('[env]', 'an environment, or * for every environment', EVERY_ENVIRONMENT)
      .option('--project <id>', "Runway's Firebase project (default: the local stack, npm start)")
      .action(async (email: string, role: string, env: string, options: UsersOptions, command: Command) => {
        if (!isRole(role))
          command.error(`error: unknown role ${role}: one of ${ROLE_ORDER.join(', ')}`, { exitCode: 1 });
        if (!isEnvironmentKey(env)) {
          command.error(
            `error: not an environment: ${env} (lower-case letters, digits and dashes, a letter first; or *)`,
            { exitCode: 1 },
          );
        }
        await withAuth(options.project, async (auth, where) => {
          const user = await userByEmail(auth, email, where);
          const before = roleClaimsOf(user.customClaims);
          const after = verb === 'grant' ? grantRole(before, role, env) : revokeRole(before, role, env);
          await auth.setCustomUserClaims(user.uid, withRoleClaims(user.customClaims ?? {}, after));
          process.stdout.write(`${email} (${where}): ${describeRoleClaims(after)}\n`);
        });
      });
  }
  users
    .command('show')
    .description("print a person's roles")
    .argument('<email>')
    .option('--project <id>', "Runway's Firebase project (default: the local stack, npm start)")
    .action(async (email: string, options: UsersOptions) => {
      await withAuth(options.project, async (auth, where) => {
        const user = await userByEmail(auth, email, where);
        process.stdout.write(`${email} (${where}): ${describeRoleClaims(roleClaimsOf(user.customClaims))}\n`);
      });
    });
}

async function withAuth(project: string | undefined, body: (auth: Auth, where: string) => Promise<void>) {
  const opened = openAuth(project);
  try {
    await body(opened.auth, opened.where);
  } finally {
    await opened.close();
  }
}

async function userByEmail(auth: Auth, email: string, where: string): Promise<UserRecord> {
  try {
    return await auth.getUserByEmail(email);
  } catch (error) {
    if ((error as { code?: unknown }).code === 'auth/user-not-found') {
      throw new Error(`no user ${email} in ${where}: they must sign in to the dashboard once first`, { cause: error });
    }
    throw error;
  }
}
