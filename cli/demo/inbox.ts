/**
 * Reading the sandbox's Slack stand-in and SMTP sink (their control endpoints), for `runway inbox` and
 * `runway demo approval`: the messages Runway posted, with their threads, the ephemeral answers, and the emails.
 */
import type { StackInfo } from '../stack.js';

export interface InboxMessage {
  readonly channel: string;
  readonly ts: string;
  readonly text: string;
  readonly blocks: unknown[];
  readonly threadTs: string | null;
  readonly edits: number;
}

export interface Inbox {
  readonly channels: Readonly<Record<string, string>>;
  readonly messages: readonly InboxMessage[];
  readonly ephemeral: readonly { readonly user: string; readonly text: string; readonly at: number }[];
}

export interface InboxMail {
  readonly messageId: string | null;
  readonly from: string;
  readonly to: readonly string[];
  readonly subject: string;
  readonly text: string;
}

/** The Slack stand-in's URL from stack.json, or an error that says why there is none. */
export function slackUrlOf(stack: StackInfo): string {
  const url = stack.sandbox?.slack;
  if (!url) throw new Error('the local stack has no Slack stand-in (restart `npm start`)');
  return url;
}

export async function control<T>(stack: StackInfo, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${slackUrlOf(stack)}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`the Slack stand-in answered ${response.status} to ${path}: ${text}`);
  return JSON.parse(text) as T;
}

export const readInbox = (stack: StackInfo): Promise<Inbox> => control<Inbox>(stack, '/sandbox/slack/messages');
export const readMail = async (stack: StackInfo): Promise<InboxMail[]> =>
  (await control<{ mails: InboxMail[] }>(stack, '/sandbox/mail')).mails;

/** A message as text: its blocks' text (headers, sections, fields, buttons), else its fallback text. */
export function messageText(m: InboxMessage): string {
  const lines: string[] = [];
  for (const block of m.blocks as {
    type?: string;
    text?: { text?: string };
    fields?: { text?: string }[];
    elements?: { type?: string; text?: unknown }[];
  }[]) {
    if (block.type === 'header' || block.type === 'section') {
      if (block.text?.text) lines.push(block.text.text);
      if (block.fields) lines.push(block.fields.map((f) => (f.text ?? '').replace(/\n/g, ': ')).join(' | '));
    } else if (block.type === 'actions') {
      const labels = (block.elements ?? []).map((e) => (e.text as { text?: string } | undefined)?.text ?? '?');
      lines.push(labels.map((l) => `[${l}]`).join(' '));
    } else if (block.type === 'context') {
      lines.push(
        (block.elements ?? [])
          .map((e) => (typeof e.text === 'string' ? e.text : ''))
          .join(' ')
          .replace(/<([^|>]+)\|([^>]+)>/g, '$2'),
      );
    }
  }
  return (lines.length > 0 ? lines.join('\n') : m.text)
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** The inbox as text: each channel, each message and its thread (indented), then the emails. */
export function formatInbox(inbox: Inbox, mails: readonly InboxMail[]): string {
  const out: string[] = [];
  for (const [id, name] of Object.entries(inbox.channels)) {
    out.push(`#${name} (${id})`);
    for (const m of inbox.messages.filter((x) => x.channel === id && x.threadTs === null)) {
      out.push(indent(messageText(m), '  ') + (m.edits ? `\n  (updated ${m.edits}×)` : ''));
      for (const r of inbox.messages.filter((x) => x.channel === id && x.threadTs === m.ts)) {
        out.push(indent(messageText(r), '    ↳ '));
      }
      out.push('');
    }
  }
  if (inbox.ephemeral.length > 0) {
    out.push('Ephemeral answers');
    for (const e of inbox.ephemeral) out.push(indent(`to ${e.user}: ${e.text}`, '  '));
    out.push('');
  }
  out.push(`Email (${mails.length})`);
  for (const mail of mails) out.push(`  ${mail.subject}\n    to ${mail.to.join(', ')} · ${mail.messageId ?? ''}`);
  return out.join('\n');
}

function indent(text: string, prefix: string): string {
  const pad = ' '.repeat(prefix.length);
  return text
    .split('\n')
    .map((line, i) => (i === 0 ? prefix : pad) + line)
    .join('\n');
}
