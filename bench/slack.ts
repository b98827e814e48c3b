/**
 * `npm run bench:slack [-- --commands N --approvals N]`: Slack and email on the local stack, measured. Starts the
 * `npm start` stack on ports of its own and reports:
 *
 * - the `slack` function's acknowledgement time for signed slash commands (`/runway status`, posted straight to the
 *   function as Slack would, signed with the local signing secret): Slack allows 3 s; and the time until the
 *   ephemeral answer reached the response URL (the `slackRequest` function did the work);
 * - for releases of hello-prod that wait for approval: the time from a signed Approve click to the rollout leaving
 *   `awaiting_approval`, and the Slack Web API calls and emails each rollout cost;
 * - nodemailer against the SMTP sink, with and without `pool: true`.
 *
 * Writes bench/reports/slack.md and prints it. Wall-clock numbers from a 2-core machine: they move with load.
 */
import { createHmac, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import nodemailer from 'nodemailer';
import { deleteApp, initializeApp } from 'firebase-admin/app';
import { getFirestore } from 'firebase-admin/firestore';
import type { Rollout } from '../functions/src/domain/rollout.js';
import { createMailSink } from '../sandbox/src/mail/sink.js';
import { startLocalStack, STACK_PROJECT_ID } from '../scripts/lib/localStack.js';
import { publishDemoBuild } from '../scripts/lib/demoBuild.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    commands: { type: 'string', default: '20' },
    approvals: { type: 'string', default: '3' },
    'mail-only': { type: 'boolean', default: false },
  },
});
const commands = Number(values.commands);
const approvals = Number(values.approvals);

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : (s[Math.floor((s.length - 1) / 2)] ?? NaN);
};
const ms = (x: number): string => `${Math.round(x)} ms`;
const sleep = (t: number) => new Promise((r) => setTimeout(r, t));

function signingSecret(): string {
  const text = fs.readFileSync(path.join(repoRoot, 'functions', '.secret.local'), 'utf8');
  const line = text.split('\n').find((l) => l.startsWith('SLACK_SIGNING_SECRET='));
  if (!line) throw new Error('functions/.secret.local has no SLACK_SIGNING_SECRET (npm start writes it)');
  return line.slice('SLACK_SIGNING_SECRET='.length);
}

async function json<T>(url: string, body?: unknown): Promise<T> {
  const response = await fetch(url, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return (await response.json()) as T;
}

async function mailBench(n: number, pool: boolean, together: boolean): Promise<number> {
  const sink = createMailSink();
  const port = await sink.listen();
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true, pool });
  const send = (i: number) =>
    transport.sendMail({ from: 'runway@bench', to: 'x@bench', subject: `m${i}`, text: 'x', html: '<p>x</p>' });
  const started = Date.now();
  if (together) await Promise.all(Array.from({ length: n }, (_, i) => send(i)));
  else for (let i = 0; i < n; i++) await send(i);
  const took = Date.now() - started;
  transport.close();
  await sink.close();
  return took;
}

async function main(): Promise<void> {
  // One after another, as the notifier sends them; and all at once.
  const mail = {
    pooledOneByOne: await mailBench(100, true, false),
    plainOneByOne: await mailBench(100, false, false),
    pooledTogether: await mailBench(100, true, true),
    plainTogether: await mailBench(100, false, true),
  };
  if (values['mail-only']) {
    console.log(mail);
    return;
  }
  console.log('starting the local stack (npm start on ports of its own)…');
  const stack = await startLocalStack({ purpose: 'bench' });
  process.env.FIRESTORE_EMULATOR_HOST = stack.firestore;
  const app = initializeApp({ projectId: STACK_PROJECT_ID }, 'bench-slack');
  const db = getFirestore(app);
  const slack = stack.sandbox.slack ?? '';
  const fn = `http://${stack.functions}/${STACK_PROJECT_ID}/us-central1/slack`;
  const secret = signingSecret();
  const acks: number[] = [];
  const answers: number[] = [];
  const clicks: number[] = [];
  const perRollout: { calls: number; mails: number }[] = [];
  try {
    // A first command warms the functions up (a cold start in the emulator is several seconds); it is not counted.
    for (let i = 0; i <= commands; i++) {
      const trigger = `${Date.now()}.${i}.${randomUUID()}`;
      const body = new URLSearchParams({
        team_id: 'T0DEMO',
        channel_id: 'C0BENCH',
        channel_name: 'bench',
        user_id: 'U0DEMOVIC',
        user_name: 'vic',
        command: '/runway',
        text: 'status',
        response_url: `${slack}/response/${encodeURIComponent(trigger)}`,
        trigger_id: trigger,
      }).toString();
      const ts = String(Math.floor(Date.now() / 1000));
      const signature = `v0=${createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex')}`;
      const seen = (await json<{ ephemeral: unknown[] }>(`${slack}/sandbox/slack/messages`)).ephemeral.length;
      const started = Date.now();
      const response = await fetch(fn, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-slack-request-timestamp': ts,
          'x-slack-signature': signature,
        },
        body,
      });
      const acked = Date.now() - started;
      if (response.status !== 200) throw new Error(`the slack function answered ${response.status}`);
      for (;;) {
        const box = await json<{ ephemeral: unknown[] }>(`${slack}/sandbox/slack/messages`);
        if (box.ephemeral.length > seen) break;
        if (Date.now() - started > 60_000) throw new Error('no answer within 60 s');
        await sleep(20);
      }
      if (i > 0) {
        acks.push(acked);
        answers.push(Date.now() - started);
      }
    }
    for (let i = 0; i < approvals; i++) {
      const buildId = randomUUID();
      const id = `hello.production@${buildId}`;
      const callsBefore = (await json<{ calls: unknown[] }>(`${slack}/sandbox/slack/calls`)).calls.length;
      const mailsBefore = (await json<{ mails: unknown[] }>(`${slack}/sandbox/mail`)).mails.length;
      await publishDemoBuild(stack, {
        buildId,
        service: 'hello-prod',
        tag: i % 2 === 0 ? 'v2' : 'v1',
        authorEmail: 'dev@demo-runway.example',
      });
      const phase = async () => ((await db.collection('rollouts').doc(id).get()).data() as Rollout | undefined)?.phase;
      for (let t = Date.now(); (await phase()) !== 'awaiting_approval'; await sleep(100)) {
        if (Date.now() - t > 120_000) throw new Error(`${id} never awaited approval`);
      }
      // The approval request must be in Slack before it can be clicked.
      for (let t = Date.now(); ; await sleep(100)) {
        const box = await json<{ messages: { blocks: unknown[] }[] }>(`${slack}/sandbox/slack/messages`);
        if (box.messages.some((m) => JSON.stringify(m.blocks).includes(`"value":"${id}"`))) break;
        if (Date.now() - t > 60_000) throw new Error(`no approval buttons for ${id}`);
      }
      const started = Date.now();
      await json(`${slack}/sandbox/slack/click`, { user: 'U0DEMOADA', action: 'approve', rolloutId: id });
      while ((await phase()) === 'awaiting_approval') await sleep(20);
      clicks.push(Date.now() - started);
      for (let t = Date.now(); (await phase()) !== 'succeeded'; await sleep(200)) {
        if (Date.now() - t > 120_000) throw new Error(`${id} did not succeed`);
      }
      await sleep(3000); // the last notifications
      perRollout.push({
        calls: (await json<{ calls: unknown[] }>(`${slack}/sandbox/slack/calls`)).calls.length - callsBefore,
        mails: (await json<{ mails: unknown[] }>(`${slack}/sandbox/mail`)).mails.length - mailsBefore,
      });
    }
  } finally {
    await deleteApp(app);
    await stack.stop();
  }
  const report = [
    '# Slack and email on the local stack',
    '',
    `\`npm run bench:slack -- --commands ${commands} --approvals ${approvals}\`, ${new Date().toISOString().slice(0, 10)}, Node ${process.version}.`,
    '',
    '| what | median | max | n |',
    '| --- | ---: | ---: | ---: |',
    `| signed \`/runway status\` → the slack function's 200 (Slack allows 3 s) | ${ms(median(acks))} | ${ms(Math.max(...acks))} | ${acks.length} |`,
    `| signed \`/runway status\` → the ephemeral answer at the response URL | ${ms(median(answers))} | ${ms(Math.max(...answers))} | ${answers.length} |`,
    `| signed Approve click → the rollout leaves awaiting_approval | ${ms(median(clicks))} | ${ms(Math.max(...clicks))} | ${clicks.length} |`,
    '',
    `Per approved blue-green rollout of hello-prod: ${perRollout.map((p) => p.calls).join(', ')} Slack Web API calls ` +
      `(the message posted once and updated in place, thread replies), ${perRollout.map((p) => p.mails).join(', ')} emails.`,
    '',
    `nodemailer → the SMTP sink, 100 mails one after another: ${ms(mail.pooledOneByOne)} with \`pool: true\`, ` +
      `${ms(mail.plainOneByOne)} without; all at once: ${ms(mail.pooledTogether)} pooled (5 connections), ` +
      `${ms(mail.plainTogether)} without (100 connections).`,
    '',
  ].join('\n');
  fs.mkdirSync(path.join(repoRoot, 'bench', 'reports'), { recursive: true });
  fs.writeFileSync(path.join(repoRoot, 'bench', 'reports', 'slack.md'), report);
  console.log(report);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
