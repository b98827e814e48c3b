/** The release history's one hard question, table-driven: which revision is the previous good one? */
import { describe, expect, it } from 'vitest';
import { baselineRecord, previousGoodRevision } from '../../../functions/src/domain/history.js';
import type { ReleaseRecord } from '../../../functions/src/domain/rollout.js';

function release(revision: string, replaced: string | null, outcome: 'succeeded' | 'rolled_back' = 'succeeded') {
  return {
    ...baselineRecord(revision, 0),
    kind: 'release',
    rolloutId: `t@${revision}`,
    outcome,
    becameStable: outcome === 'succeeded',
    by: 'build',
    replacedRevision: replaced,
  } satisfies ReleaseRecord;
}

function revert(from: string, to: string): ReleaseRecord {
  return {
    ...baselineRecord(to, 0),
    kind: 'revert',
    rolloutId: `t@revert:${from}`,
    outcome: 'rolled_back',
    becameStable: true,
    by: 'dana',
    fromRevision: from,
    replacedRevision: from,
  };
}

describe('previousGoodRevision', () => {
  it.each<[string, string | null, ReleaseRecord[], string | null]>([
    ['the release before the current one', 'c', [release('c', 'b'), release('b', 'a'), baselineRecord('a', 0)], 'b'],
    [
      'skips releases that were rolled back',
      'c',
      [release('x', 'c', 'rolled_back'), release('c', 'b'), release('b', 'a')],
      'b',
    ],
    ['what the current one replaced, when the history starts with it', 'c', [release('c', 'b')], 'b'],
    ['never a revision a revert left', 'b', [revert('c', 'b'), release('c', 'b'), release('b', 'a')], 'a'],
    [
      'after reverting twice down to the baseline, none',
      'a',
      [revert('b', 'a'), revert('c', 'b'), release('c', 'b'), release('b', 'a'), baselineRecord('a', 0)],
      null,
    ],
    ['none before the baseline', 'a', [baselineRecord('a', 0)], null],
    ['none when the current revision is not in the history', 'z', [release('c', 'b')], null],
    ['the newest good one when nothing serves yet', null, [release('c', 'b')], 'c'],
  ])('%s', (_name, current, releases, want) => {
    const stable = current === null ? null : { revision: current, image: null, rolloutId: null, since: 0 };
    expect(previousGoodRevision({ stable, releases })?.revision ?? null).toBe(want);
  });
});
