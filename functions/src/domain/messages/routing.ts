/**
 * Where one notification goes, from the target's `notifications` and the notification's topic and severity (routing per
 * target and severity). Pure.
 *
 * - **Slack.** A notification about a rollout updates that rollout's one message (posting it first if there is none);
 *   a notable one (see {@link isNotable}) also gets a thread reply, and is posted as a message of its own to the channel
 *   `slack.bySeverity` names for its severity. One with no rollout (a failed build, an alert outside any rollout) is a
 *   message of its own in the channel.
 * - **Email.** Approvals needed, rollbacks, failures (deploy, smoke checks, a failed rollback, a failed build), an
 *   approval that timed out, an alert outside any rollout; successes only with `email.onSuccess`. `email.minSeverity`
 *   drops the less severe ones.
 */
import type { TargetPolicy } from '../config/policy.js';
import { assertNever } from '../phase.js';
import type { Notify, NotifyTopic, Severity } from '../effects.js';
import type { Rollout } from '../rollout.js';
import { isNotable } from './slackBlocks.js';

export interface SlackRoute {
  readonly channel: string;
  /** Post or update the rollout's message. */
  readonly message: boolean;
  /** A thread reply under the rollout's message, or, with no rollout, a message of its own. */
  readonly note: boolean;
  /** Also post the note to this channel, as a message of its own. */
  readonly alsoTo: string | null;
  /** Mentioned in urgent notes. */
  readonly onCall: string | null;
}

export interface NotificationPlan {
  readonly slack: SlackRoute | null;
  readonly email: { readonly to: readonly string[] } | null;
}

const RANK: Record<Severity, number> = { info: 0, warning: 1, urgent: 2 };

/** The plan for `effect`, given the notifications of the target (the rollout's policy snapshot, if it has one). */
export function planNotification(
  effect: Notify,
  notifications: TargetPolicy['notifications'],
  rollout: Rollout | null,
): NotificationPlan {
  const slack = notifications.slack;
  const hasRollout = effect.rolloutId !== null && rollout !== null;
  const notable = isNotable(effect.topic);
  const also = slack?.bySeverity?.[effect.severity] ?? null;
  const email = notifications.email;
  const emailed =
    email !== undefined &&
    RANK[effect.severity] >= RANK[email.minSeverity ?? 'info'] &&
    isEmailed(effect.topic, rollout, email.onSuccess ?? false);
  return {
    slack: slack
      ? {
          channel: slack.channel,
          message: hasRollout,
          note: notable,
          alsoTo: notable && also !== slack.channel ? also : null,
          onCall: slack.onCall ?? null,
        }
      : null,
    email: emailed ? { to: email.to } : null,
  };
}

function isEmailed(topic: NotifyTopic, r: Rollout | null, onSuccess: boolean): boolean {
  switch (topic) {
    case 'awaiting_approval':
    case 'rolled_back':
    case 'rejected':
    case 'failed':
    case 'build.failed':
    case 'alert.opened':
    case 'approval.timeout':
      return true;
    case 'aborted':
      return r?.ending?.cause === 'deploy_failed' || r?.ending?.cause === 'smoke_failed';
    case 'succeeded':
      return onSuccess;
    case 'queued':
    case 'deploying':
    case 'verifying':
    case 'progressing':
    case 'paused':
    case 'promoted':
    case 'rolling_back':
    case 'superseded':
    case 'alert.closed':
      return false;
    default:
      return assertNever(topic, 'topic');
  }
}
