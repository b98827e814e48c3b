/** The inbox page: what Runway said in Slack (each channel, each message with its thread) and by email. */
import type { ReceivedMail } from '../mail/sink.js';
import type { SlackStore, StoredMessage } from './store.js';

const esc = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Slack's mrkdwn, roughly: links, bold, code, emoji names left as they are. */
function mrkdwn(text: string): string {
  return esc(text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'))
    .replace(/&lt;(https?:[^|&]+)\|([^&]+)&gt;/g, '<a href="$1">$2</a>')
    .replace(/&lt;!subteam\^(\w+)&gt;/g, '<b>@$1</b>')
    .replace(/\*([^*\n]+)\*/g, '<b>$1</b>')
    .replace(/`([^`\n]+)`/g, '<code>$1</code>')
    .replace(/\n/g, '<br>');
}

function blocksHtml(m: StoredMessage): string {
  const parts: string[] = [];
  for (const block of m.blocks as {
    type?: string;
    text?: { text?: string };
    fields?: { text?: string }[];
    elements?: { type?: string; text?: string | { text?: string }; style?: string }[];
  }[]) {
    if (block.type === 'header') parts.push(`<h3>${esc(block.text?.text ?? '')}</h3>`);
    else if (block.type === 'section') {
      if (block.text?.text) parts.push(`<p>${mrkdwn(block.text.text)}</p>`);
      if (block.fields)
        parts.push(
          `<div class="fields">${block.fields.map((f) => `<div>${mrkdwn(f.text ?? '')}</div>`).join('')}</div>`,
        );
    } else if (block.type === 'actions') {
      parts.push(
        `<p>${(block.elements ?? []).map((e) => `<span class="button ${e.style ?? ''}">${esc(typeof e.text === 'string' ? e.text : (e.text?.text ?? ''))}</span>`).join(' ')}</p>`,
      );
    } else if (block.type === 'context') {
      parts.push(
        `<p class="context">${(block.elements ?? []).map((e) => mrkdwn(typeof e.text === 'string' ? e.text : '')).join(' ')}</p>`,
      );
    }
  }
  return parts.length > 0 ? parts.join('') : `<p>${mrkdwn(m.text)}</p>`;
}

export function renderInbox(store: SlackStore, mails: readonly ReceivedMail[]): string {
  const channels = [...store.channels].map(([id, name]) => {
    const top = store.messages.filter((m) => m.channel === id && m.threadTs === null);
    const items = top
      .map((m) => {
        const replies = store.messages.filter((r) => r.channel === id && r.threadTs === m.ts);
        return `<div class="message"><div class="meta">ts ${m.ts}${m.edits ? ` · edited ${m.edits}×` : ''}</div>${blocksHtml(m)}${
          replies.length
            ? `<div class="thread">${replies.map((r) => `<div class="reply">${blocksHtml(r)}</div>`).join('')}</div>`
            : ''
        }</div>`;
      })
      .join('');
    return `<section><h2>#${esc(name)}</h2>${items || '<p>(nothing yet)</p>'}</section>`;
  });
  const answers = store.ephemeral
    .map((e) => `<div class="reply"><div class="meta">to ${esc(e.user)}</div>${mrkdwn(e.text)}</div>`)
    .join('');
  const inbox = mails
    .map(
      (m) =>
        `<div class="message"><div class="meta">${esc(m.from)} → ${esc(m.to.join(', '))} · ${esc(m.messageId ?? '')}</div><h3>${esc(m.subject)}</h3><pre>${esc(m.text)}</pre></div>`,
    )
    .join('');
  return `<!doctype html><html><head><meta charset="utf-8"><title>Runway sandbox inbox</title>
<meta http-equiv="refresh" content="2">
<style>body{font-family:sans-serif;margin:2em;max-width:70em}.message{border:1px solid #ccc;border-radius:6px;padding:.5em 1em;margin:.5em 0}
.thread{border-left:3px solid #ddd;margin-left:1em;padding-left:1em}.reply{margin:.3em 0;padding:.2em .5em;background:#f7f7f7}.meta{color:#888;font-size:80%}
.fields{display:grid;grid-template-columns:1fr 1fr;gap:.3em}.button{border:1px solid #888;border-radius:4px;padding:.1em .6em}.primary{background:#2a7}.danger{background:#d44;color:#fff}
.context{color:#555;font-size:85%}pre{white-space:pre-wrap}</style></head><body>
<h1>Runway sandbox: Slack and email</h1>
${channels.join('') || '<p>No Slack messages yet.</p>'}
<section><h2>Ephemeral answers</h2>${answers || '<p>(none)</p>'}</section>
<section><h2>Email (${mails.length})</h2>${inbox || '<p>(none)</p>'}</section>
</body></html>`;
}
