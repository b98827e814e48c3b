/** The answers to `status` and `history`, in Slack's mrkdwn. Pure. */
import { describeActor } from '../actor.js';
import type { TargetPolicy } from '../config/policy.js';
import type { ActiveRollout, TargetState } from '../rollout.js';
import { mrkdwn, releaseName, verdictLine, weightOf } from '../messages/format.js';

/** A target and its state, as `status` shows them. */
export interface TargetView {
  readonly policy: TargetPolicy;
  readonly state: TargetState;
}

/** `status`: each target's active rollout, queue, freeze and halt, one paragraph each. */
export function statusReply(targets: readonly TargetView[], asked: string | null): string {
  if (targets.length === 0) return asked ? `No target ${mrkdwn(asked)} you may view.` : 'No targets you may view.';
  const shown = asked ? targets : targets.filter((t) => t.state.active || t.state.queue.length || t.state.frozen);
  if (shown.length === 0) {
    return `Nothing in flight on ${targets.length} target(s) (${targets.map((t) => mrkdwn(t.policy.id)).join(', ')}).`;
  }
  return shown.map(targetParagraph).join('\n\n');
}

function targetParagraph({ policy, state }: TargetView): string {
  const lines = [`*${mrkdwn(policy.id)}* — stable ${mrkdwn(state.stable?.revision ?? 'unknown')}`];
  if (state.frozen) {
    lines.push(`:ice_cube: frozen by ${mrkdwn(describeActor(state.frozen.actor))}: ${mrkdwn(state.frozen.reason)}`);
  }
  if (state.halted) lines.push(`:rotating_light: halted: ${mrkdwn(state.halted.reason)}`);
  if (state.active) lines.push(rolloutLine(state.active));
  else lines.push('no active rollout');
  for (const queued of state.queue) lines.push(`queued: \`${mrkdwn(queued.id)}\` (${mrkdwn(releaseName(queued))})`);
  return lines.join('\n');
}

function rolloutLine(r: ActiveRollout): string {
  const verdict = r.verdicts.at(-1);
  return [
    `\`${mrkdwn(r.id)}\` ${mrkdwn(releaseName(r))}: *${r.phase}*`,
    r.step >= 0 ? `, step ${r.step + 1}` : '',
    `, ${weightOf(r)}% on ${mrkdwn(r.candidate?.revision ?? 'the candidate')}`,
    verdict ? `\n  last verdict: ${mrkdwn(verdictLine(verdict))}` : '',
  ].join('');
}

/** `history TARGET`: the last releases, newest first. */
export function historyReply(policy: TargetPolicy, state: TargetState, limit = 10): string {
  const releases = state.releases.slice(0, limit);
  if (releases.length === 0) return `*${mrkdwn(policy.id)}*: no releases yet.`;
  const lines = releases.map(
    (r) =>
      `• ${new Date(r.at).toISOString().slice(0, 16).replace('T', ' ')} UTC — ${mrkdwn(r.revision)} ` +
      `${r.commitSha ? `(${r.commitSha.slice(0, 7)}) ` : ''}*${r.outcome}*${r.becameStable ? ' (stable)' : ''} — ${mrkdwn(r.by)}`,
  );
  return [`*${mrkdwn(policy.id)}* — last ${releases.length} release(s), newest first`, ...lines].join('\n');
}
