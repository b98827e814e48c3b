/**
 * The `/runway` slash command's grammar: the text after the command becomes a {@link SlackCommand}, or a `help` that
 * says what was wrong. Pure: resolving ids, roles and the engine's answer are the Slack adapter's business.
 *
 * ```
 * help                      status [TARGET]          history TARGET
 * approve ID [REASON]       reject ID REASON         promote ID [REASON]
 * pause ID [REASON]         resume ID [REASON]       rollback TARGET REASON
 * freeze ENV REASON         unfreeze ENV [REASON]
 * ```
 *
 * `ID` is a rollout id (`checkout.production@<build id>`, as the rollout's message shows it) or a target id
 * (`checkout.production`), meaning the target's active rollout.
 */
import { assertNever } from '../phase.js';
import { suggestKey } from '../config/messages.js';

/** The rollout commands a person may give from Slack. */
export const ROLLOUT_ACTIONS = ['approve', 'reject', 'promote', 'pause', 'resume'] as const;
export type RolloutAction = (typeof ROLLOUT_ACTIONS)[number];

export type SlackCommand =
  /** `problem`: why the text was not understood (null when help was asked for). */
  | { readonly kind: 'help'; readonly problem: string | null }
  | { readonly kind: 'status'; readonly target: string | null }
  | { readonly kind: 'history'; readonly target: string }
  | { readonly kind: 'rollout'; readonly action: RolloutAction; readonly ref: string; readonly reason: string | null }
  | { readonly kind: 'rollback'; readonly target: string; readonly reason: string }
  | { readonly kind: 'freeze'; readonly environment: string; readonly reason: string }
  | { readonly kind: 'unfreeze'; readonly environment: string; readonly reason: string | null };

export type SlackCommandKind = SlackCommand['kind'];

/** One line per command, for help and usage errors. */
export const USAGE: Readonly<Record<string, string>> = {
  help: 'help — this list',
  status: 'status [TARGET] — active rollouts (or one target: its rollout, queue and freeze)',
  history: 'history TARGET — the last releases of a target',
  approve: 'approve ID [REASON] — approve a rollout waiting for approval',
  reject: 'reject ID REASON — reject it (traffic returns to the stable revision)',
  promote: 'promote ID [REASON] — skip the remaining steps (never the approval gate)',
  pause: 'pause ID [REASON] — hold a progressing rollout where it is',
  resume: 'resume ID [REASON] — go on from a pause',
  rollback: 'rollback TARGET REASON — return the target to its stable (or previous good) revision',
  freeze: 'freeze ENV REASON — new rollouts in ENV queue until it is unfrozen',
  unfreeze: 'unfreeze ENV [REASON] — lift the freeze; queued rollouts start',
};

const VERBS = Object.keys(USAGE);

/** Parses the text after the slash command. Never throws. */
export function parseSlackCommand(text: string): SlackCommand {
  const words = text.trim().split(/\s+/).filter(Boolean);
  const [first, ...rest] = words;
  if (first === undefined) return { kind: 'help', problem: null };
  const verb = first.toLowerCase();
  const arg = rest[0];
  const tail = rest.slice(1).join(' ').trim();
  const reason = tail === '' ? null : tail;
  const usage = (problem: string): SlackCommand => ({ kind: 'help', problem: `${problem}. Usage: ${USAGE[verb]}` });

  switch (verb) {
    case 'help':
      return { kind: 'help', problem: null };
    case 'status':
      return { kind: 'status', target: arg ?? null };
    case 'history':
      return arg ? { kind: 'history', target: arg } : usage('history needs a target');
    case 'approve':
    case 'reject':
    case 'promote':
    case 'pause':
    case 'resume': {
      if (!arg) return usage(`${verb} needs a rollout id or a target`);
      if (verb === 'reject' && reason === null) return usage('reject needs a reason');
      return { kind: 'rollout', action: verb, ref: arg, reason };
    }
    case 'rollback':
      if (!arg) return usage('rollback needs a target');
      if (reason === null) return usage('rollback needs a reason');
      return { kind: 'rollback', target: arg, reason };
    case 'freeze':
      if (!arg) return usage('freeze needs an environment');
      if (reason === null) return usage('freeze needs a reason');
      return { kind: 'freeze', environment: arg, reason };
    case 'unfreeze':
      return arg ? { kind: 'unfreeze', environment: arg, reason } : usage('unfreeze needs an environment');
    default: {
      const near = suggestKey(verb, VERBS);
      return { kind: 'help', problem: `unknown command "${first}"${near ? ` (did you mean ${near}?)` : ''}` };
    }
  }
}

/** The help text, in Slack's mrkdwn, for the slash command `command` (e.g. `/runway`). */
export function helpText(command: string, problem: string | null = null): string {
  const lines = VERBS.map((verb) => `\`${command} ${USAGE[verb]?.replace(' — ', '` — ')}`);
  return [
    ...(problem ? [`:warning: ${problem}`, ''] : []),
    `*${command}* — Runway's rollouts from Slack. ID is a rollout id (as its message shows it) or a target.`,
    ...lines,
  ].join('\n');
}

/** A short name of what a command does, for the audit trail (`approve`, `status`, `help`, …). */
export function commandName(command: SlackCommand): string {
  switch (command.kind) {
    case 'rollout':
      return command.action;
    case 'help':
    case 'status':
    case 'history':
    case 'rollback':
    case 'freeze':
    case 'unfreeze':
      return command.kind;
    default:
      return assertNever(command, 'slack command');
  }
}
