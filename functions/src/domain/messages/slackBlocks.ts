/**
 * Runway's Slack messages as Block Kit JSON: the one message per rollout (posted when it starts, then updated in place
 * as it moves), the thread replies for notable events, and the buttons people answer with. Pure: the Slack adapter
 * posts what these return.
 */
import { describeActor } from '../actor.js';
import type { NotifyTopic } from '../effects.js';
import { assertNever, isTerminal, type Phase } from '../phase.js';
import type { Rollout } from '../rollout.js';
import { linksOf } from './links.js';
import { duration, mrkdwn, releaseName, verdictLine, weightOf } from './format.js';

/** A Block Kit block. */
export type Block = Readonly<Record<string, unknown>>;

/** What `chat.postMessage` / `chat.update` is given: the fallback text (notifications, screen readers) and the blocks. */
export interface SlackMessage {
  readonly text: string;
  readonly blocks: readonly Block[];
}

/** The `action_id`s of the buttons; the value of each is the rollout id. */
export const ACTIONS = {
  approve: 'runway.approve',
  reject: 'runway.reject',
  promote: 'runway.promote',
  rollback: 'runway.rollback',
} as const;
export type ButtonAction = keyof typeof ACTIONS;

/** The `callback_id` of the modal that asks for a rejection's reason. */
export const REJECT_MODAL = 'runway.reject';

/** What a rendering may need besides the rollout. */
export interface RenderContext {
  readonly dashboardUrl: string | null;
  /** The target's freeze, if any (a queued rollout says why it waits). */
  readonly frozen?: { readonly reason: string } | null;
}

const PHASE_TITLE: Record<Phase, string> = {
  queued: ':double_vertical_bar: Queued',
  deploying: ':hammer_and_wrench: Deploying',
  verifying: ':mag: Smoke checks',
  awaiting_approval: ':raised_hand: Awaiting approval',
  progressing: ':arrow_forward: Progressing',
  paused: ':pause_button: Paused',
  promoted: ':shield: Promoted, guard window',
  rolling_back: ':rewind: Rolling back',
  succeeded: ':white_check_mark: Succeeded',
  rolled_back: ':leftwards_arrow_with_hook: Rolled back',
  aborted: ':no_entry: Stopped before any traffic',
  rejected: ':x: Rejected',
  superseded: ':fast_forward: Superseded',
  failed: ':rotating_light: FAILED: rollback not applied',
};

/** The rollout's message, as it is now. */
export function rolloutMessage(r: Rollout, ctx: RenderContext): SlackMessage {
  const blocks: Block[] = [
    { type: 'header', text: plain(`${r.targetId} · ${releaseName(r)}`) },
    section(`*${PHASE_TITLE[r.phase]}* — ${mrkdwn(phaseDetail(r, ctx))}`),
    { type: 'section', fields: facts(r).map(([k, v]) => md(`*${k}*\n${mrkdwn(v)}`)) },
  ];
  const verdicts = r.verdicts.slice(-3);
  if (verdicts.length > 0) {
    blocks.push(section(`*Analysis*\n${verdicts.map((v) => `• ${mrkdwn(verdictLine(v))}`).join('\n')}`));
  }
  if (r.ending) {
    blocks.push(section(`*Why it ${isTerminal(r.phase) ? 'ended' : 'stops'}:* ${mrkdwn(r.ending.reason)}`));
  }
  const buttons = buttonsFor(r);
  if (buttons.length > 0) blocks.push({ type: 'actions', block_id: `runway.actions`, elements: buttons });
  blocks.push({
    type: 'context',
    elements: [
      md(
        linksOf(r, ctx.dashboardUrl)
          .map((l) => `<${l.url}|${mrkdwn(l.label)}>`)
          .join(' · '),
      ),
    ],
  });
  return { text: `${r.targetId}: ${releaseName(r)} — ${PHASE_TITLE[r.phase].replace(/^:[a-z_]+: /, '')}`, blocks };
}

function phaseDetail(r: Rollout, ctx: RenderContext): string {
  const weight = weightOf(r);
  switch (r.phase) {
    case 'queued':
      return ctx.frozen ? `${r.policy.environment} is frozen: ${ctx.frozen.reason}` : 'waiting for the active rollout';
    case 'deploying':
      return 'creating the candidate revision at 0% traffic';
    case 'verifying':
      return 'smoke-checking the candidate through its tag URL; no user traffic yet';
    case 'awaiting_approval': {
      const a = r.approval;
      const roles = [...r.policy.approval.roles, 'admin'].join(' or ');
      const stage = a?.stage === 'beforeFirstTraffic' ? 'before any user traffic' : 'before 100%';
      const deadline = a
        ? ` Times out after ${duration(a.deadlineAt - a.requestedAt)} (${r.policy.approval.onTimeout}).`
        : '';
      return `${roles} must approve ${stage}; the candidate holds ${weight}%.${deadline}`;
    }
    case 'progressing':
      return `${stepText(r)}: ${weight}% on the candidate`;
    case 'paused':
      return `held at ${weight}%${r.pause ? `: ${r.pause.reason} (${describeActor(r.pause.actor)})` : ''}`;
    case 'promoted':
      return `100% on the candidate; an alert still rolls back for ${duration(r.policy.rollback.guardWindowMs)}`;
    case 'rolling_back':
      return `returning 100% to ${r.stableRevision ?? 'the stable revision'}`;
    case 'succeeded':
      return `${r.candidate?.revision ?? 'the candidate'} serves everyone`;
    case 'rolled_back':
      return `${r.stableRevision ?? 'the stable revision'} serves everyone again${stopTime(r)}`;
    case 'aborted':
      return 'nothing to undo: no user saw the candidate';
    case 'rejected':
      return `${r.stableRevision ?? 'the stable revision'} serves everyone`;
    case 'superseded':
      return 'a newer build took its place';
    case 'failed':
      return 'traffic could not be returned to the stable revision: check the service now';
    default:
      return assertNever(r.phase, 'phase');
  }
}

function stopTime(r: Rollout): string {
  const ms = r.stop?.durationMs;
  return ms === null || ms === undefined ? '' : ` (traffic back in ${(ms / 1000).toFixed(1)} s)`;
}

function stepText(r: Rollout): string {
  const steps = r.policy.strategy.kind === 'canary' ? r.policy.strategy.steps : [];
  if (steps.length === 0 || r.step < 0) return 'switching';
  return `step ${r.step + 1} of ${steps.length}`;
}

function facts(r: Rollout): [string, string][] {
  const plan =
    r.policy.strategy.kind === 'canary'
      ? [...r.policy.strategy.steps.map((s, i) => (i === r.step ? `[${s.weight}%]` : `${s.weight}%`)), '100%'].join(
          ' → ',
        )
      : `${r.policy.strategy.kind}: 0% → 100%`;
  return [
    ['Traffic', `${weightOf(r)}% candidate · ${100 - weightOf(r)}% stable`],
    ['Steps', plan],
    ['Candidate', r.candidate?.revision ?? 'not deployed yet'],
    ['Stable', r.stableRevision ?? 'none yet'],
    ['Build', `${r.build.buildId}${r.build.branch ? ` (${r.build.branch})` : ''}`],
    ['Rollout', r.id],
  ];
}

function buttonsFor(r: Rollout): Block[] {
  const b = (action: ButtonAction, label: string, style?: 'primary' | 'danger', confirm?: Block): Block => ({
    type: 'button',
    action_id: ACTIONS[action],
    text: plain(label),
    value: r.id,
    ...(style ? { style } : {}),
    ...(confirm ? { confirm } : {}),
  });
  const rollback = b('rollback', 'Roll back', 'danger', {
    title: plain('Roll back?'),
    text: md(`Return all of ${mrkdwn(r.targetId)}'s traffic to ${mrkdwn(r.stableRevision ?? 'the stable revision')}?`),
    confirm: plain('Roll back'),
    deny: plain('Cancel'),
    style: 'danger',
  });
  switch (r.phase) {
    case 'awaiting_approval':
      return [
        b('approve', 'Approve', 'primary'),
        b('reject', 'Reject', 'danger'),
        ...(r.traffic.candidatePercent > 0 ? [rollback] : []),
      ];
    case 'progressing':
    case 'paused':
      return [b('promote', 'Promote'), rollback];
    case 'promoted':
      return [rollback];
    case 'queued':
    case 'deploying':
    case 'verifying':
    case 'rolling_back':
    case 'succeeded':
    case 'rolled_back':
    case 'aborted':
    case 'rejected':
    case 'superseded':
    case 'failed':
      return [];
    default:
      return assertNever(r.phase, 'phase');
  }
}

/** Which topics earn a thread reply (the rest only update the rollout's message). */
export function isNotable(topic: NotifyTopic): boolean {
  switch (topic) {
    case 'queued':
    case 'deploying':
    case 'verifying':
    case 'progressing':
      return false;
    case 'awaiting_approval':
    case 'paused':
    case 'promoted':
    case 'rolling_back':
    case 'succeeded':
    case 'rolled_back':
    case 'aborted':
    case 'rejected':
    case 'superseded':
    case 'failed':
    case 'build.failed':
    case 'alert.opened':
    case 'alert.closed':
    case 'approval.timeout':
      return true;
    default:
      return assertNever(topic, 'topic');
  }
}

/**
 * The thread reply (or, for events with no rollout, the message of its own) for a notable event. `text` is the
 * notification's own sentence, used where the rollout does not say more. `onCall` is mentioned when it is urgent.
 */
export function eventNote(
  topic: NotifyTopic,
  r: Rollout | null,
  text: string,
  ctx: { readonly onCall: string | null },
): SlackMessage {
  const line = noteLine(topic, r, text);
  const mention = topic === 'failed' && ctx.onCall ? `${mentionOf(ctx.onCall)} ` : '';
  const blocks: Block[] = [section(`${mention}${line}`)];
  if (r && topic === 'awaiting_approval' && r.phase === 'awaiting_approval') {
    const buttons = buttonsFor(r).filter((e) => e.action_id !== ACTIONS.rollback);
    blocks.push({ type: 'actions', block_id: 'runway.approval', elements: buttons });
  }
  if (r && (topic === 'rolling_back' || topic === 'rolled_back') && r.ending?.cause === 'analysis_failed') {
    const v = r.verdicts.at(-1);
    if (v) blocks.push({ type: 'context', elements: [md(mrkdwn(verdictLine(v)))] });
  }
  return { text: `${mention}${unformatted(line)}`, blocks };
}

function noteLine(topic: NotifyTopic, r: Rollout | null, text: string): string {
  if (r === null) return mrkdwn(text);
  const why = r.ending ? mrkdwn(r.ending.reason) : '';
  const name = `${mrkdwn(r.targetId)} ${mrkdwn(releaseName(r))}`;
  switch (topic) {
    case 'awaiting_approval':
      return `:raised_hand: *Approval needed* for ${name}: ${[...r.policy.approval.roles, 'admin'].join(' or ')}.`;
    case 'approval.timeout':
      return `:hourglass: *Approval timed out* for ${name}: proceeding, as the policy says.`;
    case 'paused':
      return `:pause_button: *Paused* at ${weightOf(r)}%${r.pause ? `: ${mrkdwn(r.pause.reason)} (${mrkdwn(describeActor(r.pause.actor))})` : ''}.`;
    case 'promoted':
      return `:shield: *Promoted* to 100%; guard window ${duration(r.policy.rollback.guardWindowMs)}.`;
    case 'rolling_back':
      return `:rewind: *Rolling back*${causeText(r)}: ${why}`;
    case 'rolled_back':
      return `:leftwards_arrow_with_hook: *Rolled back* to ${mrkdwn(r.stableRevision ?? 'the stable revision')}${causeText(r)}${stopTime(r)}: ${why}`;
    case 'aborted':
      return `:no_entry: *${r.ending?.cause === 'deploy_failed' ? 'Deploy failed' : r.ending?.cause === 'smoke_failed' ? 'Smoke check failed' : 'Stopped'}* before any user traffic: ${why}`;
    case 'rejected':
      return r.ending?.cause === 'approval_timeout'
        ? `:hourglass: *Approval timed out*: ${name} rejected; nobody approved in time.`
        : `:x: *Rejected*: ${why}`;
    case 'succeeded':
      return `:white_check_mark: *Succeeded*: ${mrkdwn(r.candidate?.revision ?? 'the candidate')} is the stable revision.`;
    case 'superseded':
      return `:fast_forward: *Superseded* by a newer build.`;
    case 'failed':
      return `:rotating_light: *Rollback FAILED* for ${name}: traffic could not be returned to ${mrkdwn(r.stableRevision ?? 'the stable revision')}. ${why} Check the service now; the target's queue is held until someone resumes it.`;
    case 'queued':
    case 'deploying':
    case 'verifying':
    case 'progressing':
    case 'build.failed':
    case 'alert.opened':
    case 'alert.closed':
      return mrkdwn(text);
    default:
      return assertNever(topic, 'topic');
  }
}

function causeText(r: Rollout): string {
  switch (r.ending?.cause) {
    case 'analysis_failed':
      return ' (analysis failed)';
    case 'analysis_inconclusive':
      return ' (analysis inconclusive)';
    case 'alert':
      return ' (alert)';
    case 'manual_rollback':
      return ' (by a person)';
    case 'traffic_failed':
      return ' (traffic change failed)';
    default:
      return '';
  }
}

/** A Slack mention: `<!subteam^S…>` for a user group, `<@U…>` for a user. */
export function mentionOf(id: string): string {
  return id.startsWith('S') ? `<!subteam^${id}>` : `<@${id}>`;
}

/** An ephemeral answer to a command or a click. */
export function ephemeral(text: string): {
  readonly response_type: 'ephemeral';
  readonly text: string;
  readonly blocks: readonly Block[];
} {
  return { response_type: 'ephemeral', text: unformatted(text), blocks: [section(text)] };
}

/** The modal that asks for a rejection's reason; `metadata` comes back with the submission. */
export function rejectModal(rolloutId: string, metadata: string): Block {
  return {
    type: 'modal',
    callback_id: REJECT_MODAL,
    private_metadata: metadata,
    title: plain('Reject the release'),
    submit: plain('Reject'),
    close: plain('Cancel'),
    blocks: [
      section(`Reject *${mrkdwn(rolloutId)}*? Any traffic on the candidate returns to the stable revision.`),
      {
        type: 'input',
        block_id: 'reason',
        label: plain('Why?'),
        element: { type: 'plain_text_input', action_id: 'reason', multiline: true, min_length: 3 },
      },
    ],
  };
}

function unformatted(text: string): string {
  return text.replace(/:[a-z_]+: /g, '').replace(/\*/g, '');
}

function plain(text: string): Block {
  return { type: 'plain_text', text: text.slice(0, 150), emoji: true };
}

function md(text: string): Block {
  return { type: 'mrkdwn', text: text.slice(0, 3000) };
}

function section(text: string): Block {
  return { type: 'section', text: md(text) };
}
