/** The /runway grammar: every command, its usage errors, and help for anything unknown. */
import { describe, expect, it } from 'vitest';
import { helpText, parseSlackCommand } from '../../../functions/src/domain/slack/command.js';

describe('parseSlackCommand', () => {
  it.each([
    ['', { kind: 'help', problem: null }],
    ['help', { kind: 'help', problem: null }],
    ['status', { kind: 'status', target: null }],
    ['status checkout.production', { kind: 'status', target: 'checkout.production' }],
    ['history checkout.production', { kind: 'history', target: 'checkout.production' }],
    [
      'approve checkout.production@b1',
      { kind: 'rollout', action: 'approve', ref: 'checkout.production@b1', reason: null },
    ],
    [
      'APPROVE checkout.production  looks good ',
      { kind: 'rollout', action: 'approve', ref: 'checkout.production', reason: 'looks good' },
    ],
    [
      'reject checkout.production@b1 p99 too high',
      { kind: 'rollout', action: 'reject', ref: 'checkout.production@b1', reason: 'p99 too high' },
    ],
    ['promote x@1', { kind: 'rollout', action: 'promote', ref: 'x@1', reason: null }],
    ['pause x@1 investigating', { kind: 'rollout', action: 'pause', ref: 'x@1', reason: 'investigating' }],
    ['resume x@1', { kind: 'rollout', action: 'resume', ref: 'x@1', reason: null }],
    [
      'rollback checkout.production errors in EU',
      { kind: 'rollback', target: 'checkout.production', reason: 'errors in EU' },
    ],
    ['freeze production end of quarter', { kind: 'freeze', environment: 'production', reason: 'end of quarter' }],
    ['unfreeze production', { kind: 'unfreeze', environment: 'production', reason: null }],
  ])('%j', (text, expected) => {
    expect(parseSlackCommand(text)).toEqual(expected);
  });

  it.each([
    ['reject checkout.production@b1', /reject needs a reason\. Usage: reject ID REASON/],
    ['rollback checkout.production', /rollback needs a reason/],
    ['rollback', /rollback needs a target/],
    ['approve', /approve needs a rollout id or a target/],
    ['freeze production', /freeze needs a reason/],
    ['unfreeze', /unfreeze needs an environment/],
    ['history', /history needs a target/],
  ])('%j is a usage error, not silence', (text, problem) => {
    const parsed = parseSlackCommand(text);
    expect(parsed.kind).toBe('help');
    expect(parsed.kind === 'help' && parsed.problem).toMatch(problem);
  });

  it('answers an unknown command with help, suggesting a near one', () => {
    expect(parseSlackCommand('aprove x')).toEqual({
      kind: 'help',
      problem: 'unknown command "aprove" (did you mean approve?)',
    });
    expect(parseSlackCommand('deploy now')).toEqual({ kind: 'help', problem: 'unknown command "deploy"' });
  });

  it('help lists every command under the configured command name, with the problem first', () => {
    const text = helpText('/deploys', 'unknown command "x"');
    expect(text.split('\n')[0]).toBe(':warning: unknown command "x"');
    for (const verb of [
      'status',
      'approve',
      'reject',
      'promote',
      'pause',
      'resume',
      'rollback',
      'history',
      'freeze',
      'unfreeze',
    ]) {
      expect(text).toContain(`\`/deploys ${verb}`);
    }
  });
});
