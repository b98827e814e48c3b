/**
 * Runway's emails: a subject, a text part and an HTML part saying the same thing, with the links a person needs. Pure:
 * the email adapter sends what this returns.
 */
import type { Notify } from '../effects.js';
import type { Rollout } from '../rollout.js';
import { html, releaseName, verdictLine } from './format.js';
import { linksOf, type Link } from './links.js';

export interface EmailContent {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

const HEADLINE: Partial<Record<Notify['topic'], string>> = {
  awaiting_approval: 'approval needed',
  rolled_back: 'rolled back',
  rejected: 'rejected',
  failed: 'ROLLBACK FAILED — act now',
  aborted: 'stopped before any traffic',
  succeeded: 'released',
  'build.failed': 'build failed',
  'alert.opened': 'alert',
  'approval.timeout': 'approval timed out; proceeding',
};

/** The email for a notification; `rollout` is the rollout it is about, as it is now (null for target-level ones). */
export function emailOf(effect: Notify, rollout: Rollout | null, dashboardUrl: string | null): EmailContent {
  const headline = HEADLINE[effect.topic] ?? effect.topic;
  const urgent = effect.severity === 'urgent' ? '[URGENT] ' : '';
  const subject = rollout
    ? `${urgent}[Runway] ${rollout.targetId}: ${releaseName(rollout)} ${headline}`
    : `${urgent}[Runway] ${effect.targetId}: ${headline}`;
  const lines: string[] = [effect.text];
  if (rollout) {
    lines.push('', `Rollout:   ${rollout.id}`, `Phase:     ${rollout.phase}`);
    lines.push(`Candidate: ${rollout.candidate?.revision ?? 'not deployed'}`);
    lines.push(`Stable:    ${rollout.stableRevision ?? 'none'}`);
    if (rollout.build.commitSha) lines.push(`Commit:    ${rollout.build.commitSha}`);
    if (rollout.ending) lines.push(`Why:       ${rollout.ending.reason}`);
    const verdict = rollout.verdicts.at(-1);
    if (verdict) lines.push(`Analysis:  ${verdictLine(verdict)}`);
    if (effect.topic === 'awaiting_approval') {
      lines.push('', `Approve or reject it in Slack (${[...rollout.policy.approval.roles, 'admin'].join(' or ')}).`);
    }
  }
  const links: Link[] = rollout ? linksOf(rollout, dashboardUrl) : [];
  if (links.length > 0) lines.push('', ...links.map((l) => `${l.label}: ${l.url}`));
  lines.push('', '— Runway');
  const text = lines.join('\n');
  const body = lines
    .filter((l) => !links.some((link) => l === `${link.label}: ${link.url}`))
    .map((l) => html(l))
    .join('<br>\n');
  const linkList = links.map((l) => `<li><a href="${html(l.url)}">${html(l.label)}</a></li>`).join('');
  return {
    subject,
    text,
    html: `<!doctype html><html><body style="font-family: sans-serif"><h2>${html(subject)}</h2><p>${body}</p>${
      linkList ? `<ul>${linkList}</ul>` : ''
    }</body></html>`,
  };
}
