/**
 * `runway demo approval`: a release of hello-prod (target hello.production, which needs an approver) is published as a
 * Cloud Build notification; Runway deploys and smoke-checks it and asks for approval in the sandbox's Slack (#releases),
 * with buttons. Then the demo clicks Approve as a person of the sandbox's workspace — through the Slack stand-in, which
 * signs the click with the app's signing secret as Slack does — and follows the rollout: an approver's click lets it
 * proceed; anyone else's is refused (an ephemeral answer says why) and nothing changes.
 */
import { randomUUID } from 'node:crypto';
import { demoImage } from '../../sandbox/src/images.js';
import { isTerminal } from '../../functions/src/domain/phase.js';
import type { Rollout } from '../../functions/src/domain/rollout.js';
import { demoBuildMessage, type PubSubMessage } from './buildMessage.js';
import { control, messageText, readInbox } from './inbox.js';
import type { StackInfo } from '../stack.js';

/** The demo's approver (in the release managers' group of sandbox/runway.yaml). */
export const DEMO_APPROVER = 'U0DEMOADA';
/** The commit's author: Dev, a deployer and approver in production, whom the four-eyes rule stops. */
export const DEMO_AUTHOR_EMAIL = 'dev@demo-runway.example';
const TARGET = 'hello.production';
const LIMIT_MS = 3 * 60_000;

export interface ApprovalDemoOptions {
  /** Who clicks Approve (a Slack user id of the sandbox's workspace). */
  readonly as: string;
  /** False: stop once it waits for approval. */
  readonly click: boolean;
  readonly wait: boolean;
}

export interface ApprovalDemoDeps {
  readonly publish: (message: PubSubMessage) => Promise<void>;
  readonly rollout: (id: string) => Promise<Rollout | undefined>;
  readonly print: (line: string) => void;
}

/** Runs the demo; resolves to the phase the rollout reached. */
export async function runApprovalDemo(
  stack: StackInfo,
  options: ApprovalDemoOptions,
  deps: ApprovalDemoDeps,
): Promise<string> {
  const buildId = randomUUID();
  const image = demoImage('v2');
  await deps.publish(
    demoBuildMessage({
      buildId,
      projectId: stack.projectId,
      region: 'europe-west1',
      service: 'hello-prod',
      image,
      finishedAt: Date.now(),
      authorEmail: DEMO_AUTHOR_EMAIL,
    }),
  );
  const id = `${TARGET}@${buildId}`;
  deps.print(`published build ${buildId} of ${image.byTag} for hello-prod (author ${DEMO_AUTHOR_EMAIL})`);
  const waiting = await until(deps, id, (r) => r.phase === 'awaiting_approval' || isTerminal(r.phase));
  if (waiting.phase !== 'awaiting_approval') return waiting.phase;

  const message = await rolloutMessage(stack, id);
  deps.print(`\nIn Slack (#releases), the rollout's message:\n${indent(message ?? '(not posted yet)')}\n`);
  if (!options.click) {
    deps.print(
      `waiting for approval; approve it with: npx runway demo approval --as ${DEMO_APPROVER} … or in the inbox`,
    );
    return waiting.phase;
  }
  const before = (await readInbox(stack)).ephemeral.length;
  const answer = await control<{ status: number }>(stack, '/sandbox/slack/click', {
    user: options.as,
    action: 'approve',
    rolloutId: id,
  });
  deps.print(
    `${options.as} clicked Approve: a signed block_actions request; the slack function answered HTTP ${answer.status}`,
  );
  const reply = await ephemeralAfter(stack, before);
  deps.print(`Runway's answer to ${options.as}: ${reply ?? '(none yet)'}`);
  const after = await until(deps, id, (r) => r.phase !== 'awaiting_approval', 15_000).catch(() => null);
  if (!after) {
    deps.print('the rollout still awaits approval: nothing changed');
    return 'awaiting_approval';
  }
  if (!options.wait) return after.phase;
  const end = await until(deps, id, (r) => isTerminal(r.phase));
  // The notification of the end follows the end by a moment: wait for the message to say why it ended.
  let final = await rolloutMessage(stack, id);
  for (let i = 0; i < 40 && !final?.includes('Why it ended'); i++) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    final = await rolloutMessage(stack, id);
  }
  deps.print(`\nIn Slack (#releases), the message now:\n${indent(final ?? '')}`);
  return end.phase;
}

async function until(
  deps: ApprovalDemoDeps,
  id: string,
  done: (r: Rollout) => boolean,
  limitMs = LIMIT_MS,
): Promise<Rollout> {
  const deadline = Date.now() + limitMs;
  let last = '';
  while (Date.now() < deadline) {
    const r = await deps.rollout(id);
    if (r) {
      const line = `  ${r.phase}${r.phase === 'progressing' || r.phase === 'promoted' ? ` ${r.traffic.candidatePercent}%` : ''}`;
      if (line !== last) deps.print(line);
      last = line;
      if (done(r)) return r;
    }
    await new Promise((resolve) => setTimeout(resolve, 400));
  }
  throw new Error(`rollout ${id} did not get there within ${limitMs / 1000} s`);
}

async function rolloutMessage(stack: StackInfo, rolloutId: string): Promise<string | null> {
  for (let i = 0; i < 20; i++) {
    const inbox = await readInbox(stack);
    const m = [...inbox.messages]
      .reverse()
      .find((x) => x.threadTs === null && JSON.stringify(x.blocks).includes(rolloutId));
    if (m) return messageText(m);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return null;
}

async function ephemeralAfter(stack: StackInfo, seen: number): Promise<string | null> {
  for (let i = 0; i < 40; i++) {
    const replies = (await readInbox(stack)).ephemeral;
    if (replies.length > seen) return replies.at(-1)?.text ?? null;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return null;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}
