/**
 * The work behind a request from Slack, after the endpoint acknowledged it: who the person is (Slack's directory and
 * runway.yaml's `access`), what they asked (the `/runway` grammar, or the button they clicked, or the reason they gave
 * in the reject modal), the engine's answer, the ephemeral reply, and the audit record. Every request — allowed,
 * refused, or not understood — is written to `audit/{requestId}` with the Slack user's id and name, the channel and the
 * outcome; requests that reach the engine are also in the target's log, with the same actor.
 */
import type { Firestore } from 'firebase-admin/firestore';
import type { Actor } from '../../domain/actor.js';
import { describeActor } from '../../domain/actor.js';
import type { RunwayConfig } from '../../domain/config/load.js';
import { accessOf } from '../../domain/config/people.js';
import type { TargetPolicy } from '../../domain/config/policy.js';
import type { RunwayEvent } from '../../domain/events.js';
import { ACTIONS, REJECT_MODAL } from '../../domain/messages/slackBlocks.js';
import { assertNever } from '../../domain/phase.js';
import { targetIdOfRollout } from '../../domain/rollout.js';
import { groupsNamed, mayView, rolesOf } from '../../domain/slack/access.js';
import { commandName, helpText, parseSlackCommand, type SlackCommand } from '../../domain/slack/command.js';
import { historyReply, statusReply } from '../../domain/slack/replies.js';
import type { Engine, HandleResult } from '../../engine/types.js';
import { isTransient } from '../../engine/transient.js';
import { errorMessage } from '../../logs.js';
import { auditRef } from '../firestore/people.js';
import { plain } from '../firestore/documents.js';
import { readTarget } from '../firestore/targets.js';
import type { SlackDirectory, SlackPerson } from './directory.js';
import { modalMetadataSchema, type SlackPayload } from './payloads.js';
import { markAnswered, type SlackRequestDoc } from './requests.js';
import type { Reply } from './respond.js';

/** What a request asks for: a command, or a click on a rollout's Roll back button. */
export type Intent =
  SlackCommand | { readonly kind: 'rolloutRollback'; readonly rolloutId: string; readonly reason: string };

/** How a request ended, as the audit trail and the reply say it. */
export type AuditStatus = 'applied' | 'ignored' | 'refused' | 'duplicate' | 'answered' | 'error';

/** `audit/{requestId}`. */
export interface AuditDoc {
  readonly requestId: string;
  readonly at: number;
  readonly via: 'slack';
  readonly user: { readonly id: string; readonly name: string | null; readonly email: string | null };
  readonly channel: { readonly id: string | null; readonly name: string | null };
  /** What was asked: the command's text, or the button. */
  readonly request: string;
  /** `approve`, `status`, `help`, `rollback`, … */
  readonly command: string;
  readonly targetIds: readonly string[];
  readonly rolloutId: string | null;
  /** The engine events it became (their log entries are in `targets/{id}/log/`). */
  readonly eventIds: readonly string[];
  /** Roles the person held where it mattered. */
  readonly roles: readonly string[];
  readonly outcome: { readonly status: AuditStatus; readonly message: string };
}

export interface SlackWorkerLog {
  answered(audit: AuditDoc): void;
  replyFailed(requestId: string, error: string): void;
}

export interface SlackWorkerDeps {
  readonly db: Firestore;
  readonly config: RunwayConfig;
  readonly engine: Engine;
  /** Null without a bot token: names come from the payload, and only user ids and `everyone` grant roles. */
  readonly directory: SlackDirectory | null;
  readonly now: () => number;
  readonly respond: (responseUrl: string, reply: Reply) => Promise<string | null>;
  readonly log: SlackWorkerLog;
}

interface Context {
  readonly requestId: string;
  readonly person: SlackPerson;
  readonly groups: ReadonlySet<string>;
  readonly channel: { readonly id: string | null; readonly name: string | null };
}

interface Result {
  readonly status: AuditStatus;
  readonly message: string;
  readonly targetIds: readonly string[];
  readonly rolloutId: string | null;
  readonly eventIds: readonly string[];
  readonly roles: readonly string[];
  /** The reply's mrkdwn; defaults to the status icon and message. */
  readonly reply?: string;
}

/** Does the work of one queued request; resolves to its audit record. Throws only for a transient failure. */
export async function workOnRequest(deps: SlackWorkerDeps, doc: SlackRequestDoc): Promise<AuditDoc> {
  const { request } = doc;
  const who = whoOf(request);
  const { intent, text } = intentOf(request);
  let person: SlackPerson = { id: who.userId, name: who.userName, email: null };
  let result: Result;
  try {
    person = deps.directory ? await deps.directory.person(who.userId, who.userName) : person;
    const groupIds = groupsNamed(Object.values(deps.config.people.access));
    const groups =
      deps.directory && groupIds.length > 0 ? await deps.directory.groupsOf(who.userId, groupIds) : new Set<string>();
    result = await perform(deps, { requestId: doc.requestId, person, groups, channel: who.channel }, intent);
  } catch (error) {
    if (isTransient(error)) throw error;
    result = {
      status: 'error',
      message: `Runway could not do this (${errorMessage(error)}); try again, or use \`runway\` from a terminal`,
      targetIds: [],
      rolloutId: null,
      eventIds: [],
      roles: [],
    };
  }

  const audit: AuditDoc = {
    requestId: doc.requestId,
    at: deps.now(),
    via: 'slack',
    user: { id: person.id, name: person.name, email: person.email },
    channel: who.channel,
    request: text,
    command: intent.kind === 'rolloutRollback' ? 'rollback' : commandName(intent),
    targetIds: result.targetIds,
    rolloutId: result.rolloutId,
    eventIds: result.eventIds,
    roles: result.roles,
    outcome: { status: result.status, message: result.message },
  };
  await auditRef(deps.db, doc.requestId).set(plain(audit));
  if (who.responseUrl && doc.answeredAt === null) {
    const failed = await deps.respond(who.responseUrl, { text: result.reply ?? replyText(result) });
    if (failed) deps.log.replyFailed(doc.requestId, failed);
  }
  await markAnswered(deps.db, doc.requestId, deps.now());
  deps.log.answered(audit);
  return audit;
}

function replyText(r: Result): string {
  const icon: Record<AuditStatus, string> = {
    applied: ':white_check_mark:',
    ignored: ':information_source:',
    refused: ':no_entry:',
    duplicate: ':repeat:',
    answered: ':information_source:',
    error: ':warning:',
  };
  return `${icon[r.status]} ${r.message}`;
}

function whoOf(request: SlackPayload): {
  userId: string;
  userName: string | null;
  channel: { id: string | null; name: string | null };
  responseUrl: string | null;
} {
  switch (request.kind) {
    case 'command': {
      const c = request.command;
      return {
        userId: c.user_id,
        userName: c.user_name ?? null,
        channel: { id: c.channel_id, name: c.channel_name ?? null },
        responseUrl: c.response_url,
      };
    }
    case 'block_actions': {
      const p = request.payload;
      return {
        userId: p.user.id,
        userName: p.user.username ?? p.user.name ?? null,
        channel: { id: p.channel?.id ?? p.container?.channel_id ?? null, name: p.channel?.name ?? null },
        responseUrl: p.response_url ?? null,
      };
    }
    case 'view_submission': {
      const p = request.payload;
      const meta = metadataOf(p.view.private_metadata);
      return {
        userId: p.user.id,
        userName: p.user.username ?? p.user.name ?? null,
        channel: { id: meta?.channelId ?? null, name: meta?.channelName ?? null },
        responseUrl: meta?.responseUrl ?? null,
      };
    }
    default:
      return assertNever(request, 'slack payload');
  }
}

function metadataOf(text: string) {
  try {
    const parsed = modalMetadataSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** What the request asks for, and how the audit trail words the request. */
export function intentOf(request: SlackPayload): { intent: Intent; text: string } {
  switch (request.kind) {
    case 'command':
      return {
        intent: parseSlackCommand(request.command.text),
        text: `${request.command.command} ${request.command.text}`.trim(),
      };
    case 'block_actions': {
      const action = request.payload.actions[0];
      const rolloutId = action?.value ?? '';
      const text = `button ${action?.action_id ?? '?'} on ${rolloutId}`;
      switch (action?.action_id) {
        case ACTIONS.approve:
          return { intent: { kind: 'rollout', action: 'approve', ref: rolloutId, reason: null }, text };
        case ACTIONS.promote:
          return { intent: { kind: 'rollout', action: 'promote', ref: rolloutId, reason: null }, text };
        case ACTIONS.rollback:
          return { intent: { kind: 'rolloutRollback', rolloutId, reason: 'Roll back button in Slack' }, text };
        default:
          return { intent: { kind: 'help', problem: `Runway does not know the button ${action?.action_id}` }, text };
      }
    }
    case 'view_submission': {
      const view = request.payload.view;
      const meta = metadataOf(view.private_metadata);
      const reason = view.state.values.reason?.reason?.value?.trim() ?? '';
      if (view.callback_id !== REJECT_MODAL || !meta) {
        return { intent: { kind: 'help', problem: `Runway does not know the form ${view.callback_id}` }, text: 'form' };
      }
      return {
        intent: { kind: 'rollout', action: 'reject', ref: meta.rolloutId, reason: reason || null },
        text: `reject form on ${meta.rolloutId}: ${reason}`,
      };
    }
    default:
      return assertNever(request, 'slack payload');
  }
}

async function perform(deps: SlackWorkerDeps, ctx: Context, intent: Intent): Promise<Result> {
  const policies = new Map(deps.config.targets.map((p) => [p.id, p]));
  const none = { targetIds: [], rolloutId: null, eventIds: [], roles: [] };
  const actorIn = (environment: string): Actor & { kind: 'user' } => {
    const access = accessOf(deps.config.people, environment);
    const emails = deps.config.people.slack.people[ctx.person.id];
    return {
      kind: 'user',
      id: ctx.person.id,
      ...(ctx.person.name ? { name: ctx.person.name } : {}),
      ...(ctx.person.email ? { email: ctx.person.email } : {}),
      ...(emails ? { emails } : {}),
      via: 'slack',
      roles: rolesOf(access, ctx.person.id, ctx.groups),
      ...(ctx.channel.id ? { slackChannel: { id: ctx.channel.id, name: ctx.channel.name } } : {}),
    };
  };
  const engineResult = async (events: RunwayEvent[], policy: TargetPolicy) => {
    const results: HandleResult[] = [];
    for (const event of events) results.push(await deps.engine.handle(event));
    return { events, results, roles: actorIn(policy.environment).roles };
  };

  switch (intent.kind) {
    case 'help':
      return {
        ...none,
        status: intent.problem ? 'refused' : 'answered',
        message: intent.problem ?? 'help',
        reply: helpText(deps.config.people.slack.command, intent.problem),
      };
    case 'status': {
      const visible = deps.config.targets.filter((p) => mayView(actorIn(p.environment)));
      const asked = intent.target;
      if (asked && !policies.has(asked)) return { ...none, status: 'refused', message: unknownTarget(asked, deps) };
      const chosen = asked ? visible.filter((p) => p.id === asked) : visible;
      if (asked && chosen.length === 0) {
        return { ...none, status: 'refused', message: mayNotView(actorIn(policies.get(asked)!.environment), asked) };
      }
      const states = await Promise.all(
        chosen.map(async (policy) => ({ policy, state: await readTarget(deps.db, policy.id) })),
      );
      return {
        ...none,
        targetIds: chosen.map((p) => p.id),
        status: 'answered',
        message: `status of ${chosen.length} target(s)`,
        reply: statusReply(states, asked),
      };
    }
    case 'history': {
      const policy = policies.get(intent.target);
      if (!policy) return { ...none, status: 'refused', message: unknownTarget(intent.target, deps) };
      const actor = actorIn(policy.environment);
      if (!mayView(actor))
        return { ...none, targetIds: [policy.id], status: 'refused', message: mayNotView(actor, policy.id) };
      return {
        ...none,
        targetIds: [policy.id],
        roles: actor.roles,
        status: 'answered',
        message: `history of ${policy.id}`,
        reply: historyReply(policy, await readTarget(deps.db, policy.id)),
      };
    }
    case 'rollout': {
      const found = await resolveRollout(deps, policies, intent.ref);
      if ('error' in found) return { ...none, status: 'refused', message: found.error };
      const { policy, rolloutId } = found;
      const event: RunwayEvent = {
        id: `slack:${ctx.requestId}`,
        type: `command.${intent.action}`,
        targetId: policy.id,
        rolloutId,
        actor: actorIn(policy.environment),
        reason: intent.reason,
      };
      return fromEngine(await engineResult([event], policy), rolloutId);
    }
    case 'rolloutRollback': {
      const found = await resolveRollout(deps, policies, intent.rolloutId);
      if ('error' in found) return { ...none, status: 'refused', message: found.error };
      const { policy, rolloutId } = found;
      const event: RunwayEvent = {
        id: `slack:${ctx.requestId}`,
        type: 'command.rollback',
        targetId: policy.id,
        rolloutId,
        actor: actorIn(policy.environment),
        reason: intent.reason,
      };
      return fromEngine(await engineResult([event], policy), rolloutId);
    }
    case 'rollback': {
      const policy = policies.get(intent.target) ?? policies.get(targetIdOfRollout(intent.target) ?? '');
      if (!policy) return { ...none, status: 'refused', message: unknownTarget(intent.target, deps) };
      const event: RunwayEvent = {
        id: `slack:${ctx.requestId}`,
        type: 'target.rollback',
        targetId: policy.id,
        actor: actorIn(policy.environment),
        reason: intent.reason,
        toRevision: null,
      };
      return fromEngine(await engineResult([event], policy), null);
    }
    case 'freeze':
    case 'unfreeze': {
      const targets = deps.config.targets.filter((p) => p.environment === intent.environment);
      const first = targets[0];
      if (!first) {
        const environments = [...new Set(deps.config.targets.map((p) => p.environment))].join(', ');
        return {
          ...none,
          status: 'refused',
          message: `no targets in environment "${intent.environment}" (environments: ${environments})`,
        };
      }
      const events: RunwayEvent[] = targets.map((policy) =>
        intent.kind === 'freeze'
          ? {
              id: `slack:${ctx.requestId}:${policy.id}`,
              type: 'target.freeze',
              targetId: policy.id,
              actor: actorIn(policy.environment),
              reason: intent.reason,
            }
          : {
              id: `slack:${ctx.requestId}:${policy.id}`,
              type: 'target.unfreeze',
              targetId: policy.id,
              actor: actorIn(policy.environment),
              reason: intent.reason,
            },
      );
      return fromEngine(await engineResult(events, first), null);
    }
    default:
      return assertNever(intent, 'intent');
  }
}

function fromEngine(
  run: { events: RunwayEvent[]; results: HandleResult[]; roles: readonly string[] },
  rolloutId: string | null,
): Result {
  const statuses = run.results.map((r) => r.status);
  const status: AuditStatus = statuses.includes('refused')
    ? 'refused'
    : statuses.includes('applied')
      ? 'applied'
      : (statuses[0] ?? 'ignored');
  return {
    status,
    message: run.results.map((r) => r.message).join('; '),
    targetIds: run.events.map((e) => e.targetId),
    rolloutId,
    eventIds: run.events.map((e) => e.id),
    roles: run.roles,
  };
}

type Resolved = { readonly policy: TargetPolicy; readonly rolloutId: string } | { readonly error: string };

/** A rollout id, or a target id meaning its active rollout. */
async function resolveRollout(
  deps: SlackWorkerDeps,
  policies: ReadonlyMap<string, TargetPolicy>,
  ref: string,
): Promise<Resolved> {
  const targetId = ref.includes('@') ? targetIdOfRollout(ref) : ref;
  const policy = targetId ? policies.get(targetId) : undefined;
  if (!policy) return { error: unknownTarget(ref, deps) };
  if (ref.includes('@')) return { policy, rolloutId: ref };
  const active = (await readTarget(deps.db, policy.id)).active;
  return active ? { policy, rolloutId: active.id } : { error: `no rollout is active on ${policy.id}` };
}

function unknownTarget(ref: string, deps: SlackWorkerDeps): string {
  return `no target or rollout "${ref}": targets are ${deps.config.targets.map((p) => p.id).join(', ')}`;
}

function mayNotView(actor: Actor, targetId: string): string {
  return `${describeActor(actor)} may not view ${targetId}: needs a role (viewer, deployer, approver or admin) in its environment`;
}
