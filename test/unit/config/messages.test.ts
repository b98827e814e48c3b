/** The wording helpers of runway.yaml errors: "did you mean …?" suggestions and the keys allowed at a path. */
import { describe, expect, it } from 'vitest';
import { allowedKeysAt, suggestKey, unknownFieldMessage } from '../../../functions/src/domain/config/messages.js';
import { runwayConfigSchema } from '../../../functions/src/domain/config/schema.js';

const TARGET_KEYS = [
  'project',
  'region',
  'service',
  'strategy',
  'candidate',
  'smoke',
  'analysis',
  'approval',
  'rollback',
  'notifications',
  'match',
  'onNewBuild',
];

describe('suggestKey', () => {
  it.each<[given: string, suggestion: string | undefined]>([
    ['stratgy', 'strategy'], // a letter left out
    ['strategey', 'strategy'], // a letter too many
    ['regoin', 'region'], // two letters swapped
    ['Region', 'region'], // case
    ['onnewbuild', 'onNewBuild'],
    ['notification', 'notifications'],
    ['aproval', 'approval'],
    ['sevice', 'service'],
    ['macth', 'match'],
    ['smoek', 'smoke'],
    ['candiate', 'candidate'],
    ['smo', undefined], // too short to be sure
    ['policy', undefined], // not close to anything
    ['canary', undefined], // right word, wrong level: no guess
    ['x', undefined],
  ])('%s → %s', (given, suggestion) => {
    expect(suggestKey(given, TARGET_KEYS)).toBe(suggestion);
  });

  it('suggests the key a truncated one begins', () => {
    expect(suggestKey('maxErrorRate', ['maxErrorRatePercent', 'maxP99LatencyMs', 'minRequests'])).toBe(
      'maxErrorRatePercent',
    );
  });

  it('prefers the closest of several candidates', () => {
    expect(suggestKey('rols', ['roles', 'rules'])).toBe('roles');
  });
});

describe('unknownFieldMessage', () => {
  it('adds the suggestion only when there is one', () => {
    expect(unknownFieldMessage('stratgy', TARGET_KEYS)).toBe('unknown field (did you mean strategy?)');
    expect(unknownFieldMessage('policy', TARGET_KEYS)).toBe('unknown field');
  });
});

describe('allowedKeysAt', () => {
  it.each<[path: (string | number)[], keys: string[]]>([
    [['targets', 'checkout', 'production'], TARGET_KEYS],
    [
      ['targets', 'checkout', 'production', 'strategy'],
      ['canary', 'blueGreen', 'immediate'],
    ],
    [
      ['targets', 'checkout', 'production', 'strategy', 'canary', 'steps', 0],
      ['weight', 'bake'],
    ],
    [
      ['targets', 'a', 'b', 'analysis', 'inconclusive'],
      ['maxExtensions', 'then'],
    ],
    [
      ['targets', 'a', 'b', 'match'],
      ['triggerId', 'substitutions', 'image'],
    ],
    [
      ['targets', 'a', 'b', 'smoke', 'checks', 3],
      [
        'name',
        'path',
        'method',
        'headers',
        'body',
        'expectStatus',
        'bodyContains',
        'expectJson',
        'maxLatency',
        'timeout',
        'retries',
      ],
    ],
    [
      ['targets', 'a', 'b', 'candidate'],
      ['source', 'tag'],
    ],
    [
      ['targets', 'a', 'b', 'analysis', 'compareWithStable'],
      ['maxErrorRateIncrease', 'maxP99LatencyIncreasePercent'],
    ],
    [['targets', 'checkout'], []], // a record of environments: any key
    [['targets', 'a', 'b', 'project'], []], // not an object
    [['targets', 'a', 'b', 'nowhere'], []],
  ])('%j', (path, keys) => {
    expect(allowedKeysAt(runwayConfigSchema, path)).toEqual(keys);
  });
});
