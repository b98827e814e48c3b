/**
 * The approval flow end to end, on the `npm start` stack: a release of hello-prod (target hello.production, an
 * approver must approve) goes through the real functions, waits for approval, and is announced in the sandbox's Slack
 * stand-in with buttons and by email to the SMTP sink. The stand-in plays Slack: it signs each click with the app's
 * signing secret and posts it to the `slack` function.
 * - a click by someone without the role is refused (an ephemeral answer says why), audited, and changes nothing;
 * - a forged click is answered 401 and changes nothing;
 * - an approver's click lets the rollout proceed to the end; its message is updated in place, its thread and the emails
 *   tell the story.
 * Waits are polls with a deadline, not timed assertions.
 */
import { randomUUID } from 'node:crypto';
import type { Firestore } from 'firebase-admin/firestore';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Rollout } from '../../functions/src/domain/rollout.js';
import { STACK_PROJECT_ID } from '../../scripts/lib/localStack.js';
import { publishDemoBuild } from '../../scripts/lib/demoBuild.js';
import { useLocalStack } from '../support/e2eStack.js';

const POLL_MS = 250;
const DEADLINE_MS = 120_000;
const TARGET_ID = 'hello.production';

interface Inbox {
  channels: Record<string, string>;
  messages: { channel: string; ts: string; text: string; blocks: unknown[]; threadTs: string | null; edits: number }[];
  ephemeral: { user: string; text: string }[];
}

const e2e = useLocalStack('approval');
const running = e2e.stack;
let db: Firestore;
beforeAll(() => {
  db = e2e.db();
});

function slackUrl(): string {
  const url = running().sandbox.slack;
  if (!url) throw new Error('stack.json has no Slack stand-in');
  return url;
}

async function control<T>(path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${slackUrl()}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + DEADLINE_MS;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) {
      throw new Error(
        `no ${what} within ${DEADLINE_MS / 1000} s. Last lines of ${running().logFile}:\n${running().logTail(80)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

const rolloutDoc = async (id: string) => (await db.collection('rollouts').doc(id).get()).data() as Rollout | undefined;

describe('approval in Slack on the local stack', () => {
  const buildId = randomUUID();
  const rolloutId = `${TARGET_ID}@${buildId}`;

  it('waits for approval, announced with buttons in #releases and by email', async () => {
    // Throws unless the emulator took the message.
    await publishDemoBuild(running(), {
      buildId,
      service: 'hello-prod',
      tag: 'v2',
      authorEmail: 'dev@demo-runway.example',
    });
    await waitFor('awaiting_approval', async () =>
      (await rolloutDoc(rolloutId))?.phase === 'awaiting_approval' ? true : undefined,
    );
    const inbox = await waitFor('the approval request in #releases', async () => {
      const box = await control<Inbox>('/sandbox/slack/messages');
      const note = box.messages.find((m) => m.threadTs !== null && m.text.startsWith('Approval needed'));
      return note ? box : undefined;
    });
    const main = inbox.messages.find((m) => m.threadTs === null && JSON.stringify(m.blocks).includes(rolloutId));
    expect(inbox.channels[main!.channel]).toBe('releases');
    expect(JSON.stringify(main!.blocks)).toContain('"action_id":"runway.approve"');
    await waitFor('the approval email', async () => {
      const { mails } = await control<{ mails: { subject: string; to: string[] }[] }>('/sandbox/mail');
      return mails.find(
        (m) => m.subject.endsWith('approval needed') && m.to.includes('release-managers@demo-runway.example'),
      );
    });
  });

  it("refuses a click by a viewer and one by the commit's author (four-eyes): audited, nothing changes", async () => {
    const before = (await db.collection('targets').doc(TARGET_ID).get()).get('version') as number;
    for (const [user, refusal] of [
      ['U0DEMOVIC', 'Vic Viewer (slack) may not approve in production: needs one of approver, admin'],
      ['U0DEMODEV', 'four-eyes rule in production: dev@demo-runway.example wrote commit'],
    ] as const) {
      const seen = (await control<Inbox>('/sandbox/slack/messages')).ephemeral.length;
      const answer = await control<{ status: number }>('/sandbox/slack/click', { user, action: 'approve', rolloutId });
      expect(answer.status).toBe(200);
      const reply = await waitFor(`the answer to ${user}`, async () => {
        const box = await control<Inbox>('/sandbox/slack/messages');
        return box.ephemeral.length > seen ? box.ephemeral.at(-1) : undefined;
      });
      expect(reply.user).toBe(user);
      expect(reply.text).toContain(refusal);
    }
    const audits = (await db.collection('audit').where('rolloutId', '==', rolloutId).get()).docs.map((d) => d.data());
    expect(audits.map((a) => [a.user.id, a.command, a.outcome.status, a.channel.name])).toEqual(
      expect.arrayContaining([
        ['U0DEMOVIC', 'approve', 'refused', 'releases'],
        ['U0DEMODEV', 'approve', 'refused', 'releases'],
      ]),
    );
    expect((await rolloutDoc(rolloutId))?.phase).toBe('awaiting_approval');
    expect((await db.collection('targets').doc(TARGET_ID).get()).get('version')).toBe(before);
  });

  it('answers a forged click with 401 and changes nothing', async () => {
    const fn = `http://${running().functions}/${STACK_PROJECT_ID}/us-central1/slack`;
    const payload = JSON.stringify({
      type: 'block_actions',
      user: { id: 'U0DEMOADA' },
      trigger_id: 't',
      actions: [{ action_id: 'runway.approve', value: rolloutId }],
    });
    const body = new URLSearchParams({ payload }).toString();
    const response = await fetch(fn, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-slack-request-timestamp': String(Math.floor(Date.now() / 1000)),
        'x-slack-signature': `v0=${'0'.repeat(64)}`,
      },
      body,
    });
    expect(response.status).toBe(401);
    expect((await rolloutDoc(rolloutId))?.phase).toBe('awaiting_approval');
  });

  it("lets the rollout proceed on an approver's signed click; the message ends updated in place", async () => {
    const answer = await control<{ status: number }>('/sandbox/slack/click', {
      user: 'U0DEMOADA',
      action: 'approve',
      rolloutId,
    });
    expect(answer.status).toBe(200);
    const done = await waitFor('the end of the rollout', async () => {
      const r = await rolloutDoc(rolloutId);
      return r && ['succeeded', 'rolled_back', 'aborted', 'rejected', 'failed'].includes(r.phase) ? r : undefined;
    });
    expect(done.phase).toBe('succeeded');
    expect(done.approval?.decision).toMatchObject({ approved: true, actor: { id: 'U0DEMOADA', via: 'slack' } });
    const box = await waitFor('the thread to tell the end', async () => {
      const b = await control<Inbox>('/sandbox/slack/messages');
      return b.messages.some((m) => m.text.startsWith('Succeeded')) ? b : undefined;
    });
    const mains = box.messages.filter((m) => m.threadTs === null && JSON.stringify(m.blocks).includes(rolloutId));
    expect(mains).toHaveLength(1);
    expect(JSON.stringify(mains[0]!.blocks)).toContain('Succeeded');
    expect(box.ephemeral.at(-1)?.text).toContain(`${rolloutId} approved by Ada Approver (slack)`);
    await waitFor('the release email', async () => {
      const { mails } = await control<{ mails: { subject: string }[] }>('/sandbox/mail');
      return mails.find((m) => m.subject.endsWith('released'));
    });
  });
});
