/**
 * The `slack` function over real HTTP (express on loopback, as Cloud Functions serves it), and the worker that does the
 * queued work, on the Firestore emulator with the Slack stand-in as Slack: the signature decides (a forged, tampered,
 * expired or replayed request is 401 and queues nothing), valid requests are acknowledged at once with an empty 200 and
 * done by the worker, people's roles decide what they may do, and every request lands in the audit trail.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackClient } from '../../../functions/src/adapters/slack/client.js';
import { createSlackDirectory } from '../../../functions/src/adapters/slack/directory.js';
import { queueRequest, type SlackRequestDoc } from '../../../functions/src/adapters/slack/requests.js';
import { respond } from '../../../functions/src/adapters/slack/respond.js';
import { workOnRequest, type AuditDoc } from '../../../functions/src/adapters/slack/worker.js';
import { createSlackFunction, type SlackEndpointLog } from '../../../functions/src/triggers/slack.js';
import { rejectModal } from '../../../functions/src/domain/messages/slackBlocks.js';
import { createSlackStandIn, type SlackStandIn } from '../../../sandbox/src/slack/server.js';
import { commandRequest, clickRequest } from '../../../sandbox/src/slack/app.js';
import { buildSucceeded, CHECKOUT, createHarness } from '../../support/engine-harness.js';
import { drive } from '../../support/engine-driver.js';
import { BOT_TOKEN, SIGNING_SECRET, SLACK_CONFIG, driveUntil, serve, signedHeaders } from './support.js';

const h = createHarness('slack endpoint', { yaml: SLACK_CONFIG });
const refusals: string[] = [];
const log: SlackEndpointLog = {
  refused: (status, reason) => refusals.push(`${status} ${reason}`),
  queued: () => undefined,
  modalFailed: () => undefined,
};
let slack: SlackStandIn;
let endpoint: { url: string; close: () => Promise<void> };
const opened: { triggerId: string; view: unknown }[] = [];

const fn = createSlackFunction(() => ({
  signingSecret: SIGNING_SECRET,
  now: () => Date.now(),
  queue: (payload, at) => queueRequest(h.db, payload, at),
  openModal: (triggerId, view) => {
    opened.push({ triggerId, view });
    return Promise.resolve();
  },
  log,
}));

beforeAll(async () => {
  slack = createSlackStandIn({ signingSecret: SIGNING_SECRET });
  await slack.listen();
  endpoint = await serve(fn);
  slack.link.url = endpoint.url;
});
afterAll(async () => {
  await endpoint.close();
  await slack.close();
  await h.close();
});

const worker = () => ({
  db: h.db,
  config: h.config,
  engine: h.engine,
  directory: createSlackDirectory(createSlackClient(BOT_TOKEN, `${slack.url()}/api/`)),
  now: () => h.clock.now(),
  respond,
  log: { answered: () => undefined, replyFailed: () => undefined },
});

const post = (body: string, headers: Record<string, string>) =>
  fetch(endpoint.url, { method: 'POST', headers, body }).then(async (r) => ({
    status: r.status,
    text: await r.text(),
  }));

async function queued(): Promise<SlackRequestDoc[]> {
  return (await h.db.collection('slackRequests').get()).docs.map((d) => d.data() as SlackRequestDoc);
}

/** Works on every queued request not answered yet, as the slackRequest trigger would. */
async function work(): Promise<AuditDoc[]> {
  const audits: AuditDoc[] = [];
  for (const doc of await queued()) if (doc.answeredAt === null) audits.push(await workOnRequest(worker(), doc));
  return audits;
}

function command(user: string, text: string) {
  return commandRequest(slack.store, slack.link, new Map(), { user, channel: '#checkout', text });
}

describe('the slack endpoint checks every request', () => {
  it('acknowledges a signed slash command with an empty 200 and queues it once, even when Slack sends it twice', async () => {
    const { body } = command('U0DEMOVIC', 'status');
    const headers = signedHeaders(body);
    expect(await post(body, headers)).toEqual({ status: 200, text: '' });
    expect(await post(body, headers)).toEqual({ status: 200, text: '' }); // a redelivery within the five minutes
    expect((await queued()).length).toBe(1);
  });

  it('refuses forged, tampered, expired and unsigned requests with 401, and queues nothing', async () => {
    const before = (await queued()).length;
    const { body } = command('U0DEMOADA', `approve ${CHECKOUT}`);
    const forged = signedHeaders(body, undefined, 'somebody-elses-secret');
    const expired = signedHeaders(body, Math.floor(Date.now() / 1000) - 6 * 60);
    const replayedLate = signedHeaders(body, Math.floor(Date.now() / 1000) - 3600);
    const { 'x-slack-signature': _, ...unsigned } = signedHeaders(body);
    const answers = [
      await post(body, forged),
      await post(body.replace('U0DEMOADA', 'U0DEMODEV'), signedHeaders(body)),
      await post(body, expired),
      await post(body, replayedLate),
      await post(body, unsigned),
    ];
    expect(answers.map((a) => a.status)).toEqual([401, 401, 401, 401, 401]);
    expect(refusals.slice(-5)).toEqual([
      '401 invalid request signature (bad signature)',
      '401 invalid request signature (bad signature)',
      '401 invalid request signature (expired)',
      '401 invalid request signature (expired)',
      '401 invalid request signature (missing headers)',
    ]);
    expect((await queued()).length).toBe(before);
  });

  it('answers a signed request it cannot read with 400 and the reason', async () => {
    const body = 'payload=%7B%22type%22%3A%22shortcut%22%7D';
    const answer = await post(body, signedHeaders(body));
    expect(answer.status).toBe(400);
    expect(answer.text).toContain('interactions of type \\"shortcut\\" are not handled');
  });
});

describe('the worker', () => {
  it('answers status, help for unknown commands, and audits them', async () => {
    const unknown = command('U0DEMOVIC', 'frobnicate');
    await post(unknown.body, signedHeaders(unknown.body));
    const audits = await work();
    expect(audits.map((a) => [a.command, a.outcome.status])).toEqual(
      expect.arrayContaining([
        ['status', 'answered'],
        ['help', 'refused'],
      ]),
    );
    const replies = slack.store.ephemeral.map((e) => e.text);
    expect(replies.some((t) => t.includes('unknown command "frobnicate"') && t.includes('/runway approve ID'))).toBe(
      true,
    );
    const help = audits.find((a) => a.command === 'help');
    expect(help).toMatchObject({
      via: 'slack',
      user: { id: 'U0DEMOVIC', name: 'Vic Viewer', email: 'vic@demo-runway.example' },
      channel: { name: 'checkout' },
      request: '/runway frobnicate',
    });
  });

  it("a click by someone without the role is refused, audited, and changes nothing; an approver's click proceeds", async () => {
    await h.engine.handle(buildSucceeded('b1', h.clock.now()));
    await driveUntil(h, 'awaiting_approval');
    const before = await h.target();
    expect(before.active?.phase).toBe('awaiting_approval');
    const rolloutId = before.active!.id;
    // The rollout's message with its buttons, as the notifier would post it.
    await createSlackClient(BOT_TOKEN, `${slack.url()}/api/`).chat.postMessage({
      channel: '#checkout',
      text: 'approval',
      blocks: [
        {
          type: 'actions',
          elements: [
            {
              type: 'button',
              action_id: 'runway.approve',
              value: rolloutId,
              text: { type: 'plain_text', text: 'Approve' },
            },
          ],
        },
      ],
    });

    const byViewer = clickRequest(slack.store, slack.link, new Map(), {
      user: 'U0DEMOVIC',
      actionId: 'runway.approve',
      rolloutId,
    });
    expect((await post(byViewer.body, signedHeaders(byViewer.body))).status).toBe(200);
    const [refused] = await work();
    expect(refused?.outcome).toEqual({
      status: 'refused',
      message: 'Vic Viewer (slack) may not approve in production: needs one of approver, admin',
    });
    expect(refused?.roles).toEqual(['viewer']);
    const unchanged = await h.target();
    expect(unchanged.version).toBe(before.version);
    expect(unchanged.active?.phase).toBe('awaiting_approval');
    const entry = (
      await h.db.collection('targets').doc(CHECKOUT).collection('log').doc(refused!.eventIds[0]!).get()
    ).data();
    expect(entry).toMatchObject({
      type: 'command.approve',
      actor: { id: 'U0DEMOVIC', name: 'Vic Viewer', via: 'slack', slackChannel: { name: 'checkout' } },
      outcome: { status: 'refused' },
    });

    const byApprover = clickRequest(slack.store, slack.link, new Map(), {
      user: 'U0DEMOADA',
      actionId: 'runway.approve',
      rolloutId,
    });
    await post(byApprover.body, signedHeaders(byApprover.body));
    const [approved] = await work();
    expect(approved?.outcome.status).toBe('applied');
    expect(approved?.roles).toEqual(['viewer', 'approver']); // through the user group S0DEMOREL
    await drive(h);
    expect((await h.rollout(rolloutId))?.phase).toBe('succeeded');
    expect(slack.store.ephemeral.at(-1)?.text).toBe(`:white_check_mark: ${rolloutId} approved by Ada Approver (slack)`);
  });

  it('the reject button opens a modal at once; its submission rejects with the reason given', async () => {
    await h.engine.handle(buildSucceeded('b2', h.clock.now()));
    await driveUntil(h, 'awaiting_approval');
    const rolloutId = (await h.target()).active!.id;
    await createSlackClient(BOT_TOKEN, `${slack.url()}/api/`).chat.postMessage({
      channel: '#checkout',
      text: 'approval',
      blocks: [
        {
          type: 'actions',
          elements: [
            {
              type: 'button',
              action_id: 'runway.reject',
              value: rolloutId,
              text: { type: 'plain_text', text: 'Reject' },
            },
          ],
        },
      ],
    });
    const click = clickRequest(slack.store, slack.link, new Map(), {
      user: 'U0DEMOADA',
      actionId: 'runway.reject',
      rolloutId,
    });
    expect((await post(click.body, signedHeaders(click.body))).status).toBe(200);
    expect(opened.at(-1)?.view).toMatchObject({ type: 'modal', callback_id: 'runway.reject' });
    const view = opened.at(-1)!.view as ReturnType<typeof rejectModal>;
    const submission = new URLSearchParams({
      payload: JSON.stringify({
        type: 'view_submission',
        user: { id: 'U0DEMOADA', username: 'ada' },
        view: {
          ...view,
          id: 'V123',
          state: { values: { reason: { reason: { type: 'plain_text_input', value: 'p99 too high' } } } },
        },
      }),
    }).toString();
    expect((await post(submission, signedHeaders(submission))).status).toBe(200);
    const [rejected] = await work();
    expect(rejected?.outcome.status).toBe('applied');
    await drive(h);
    const rollout = await h.rollout(rolloutId);
    expect(rollout?.phase).toBe('rejected');
    expect(rollout?.ending?.reason).toBe('p99 too high (by Ada Approver (slack))');
  });

  it('freeze queues new rollouts and says so; only an approver may unfreeze', async () => {
    for (const [user, text] of [['U0DEMODEV', 'freeze production quarter end']] as const) {
      const c = command(user, text);
      await post(c.body, signedHeaders(c.body));
    }
    const [frozen] = await work();
    expect(frozen?.outcome.status).toBe('applied');
    const queuedBuild = await h.engine.handle(buildSucceeded('b3', h.clock.now()));
    expect(queuedBuild.message).toMatch(/queued: production is frozen \(quarter end\)/);
    const c1 = command('U0DEMODEV', 'unfreeze production');
    await post(c1.body, signedHeaders(c1.body));
    const [notAllowed] = await work();
    expect(notAllowed?.outcome).toMatchObject({
      status: 'refused',
      message: expect.stringMatching(/may not unfreeze production/),
    });
    const c2 = command('U0DEMOADA', 'unfreeze production');
    await post(c2.body, signedHeaders(c2.body));
    const [thawed] = await work();
    expect(thawed?.outcome.message).toMatch(/unfrozen by Ada Approver \(slack\); checkout\.production@b3 starts/);
  });
});
