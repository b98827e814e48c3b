/** The JSON paths of `expectJson`: `$`, then `.name` and `[index]` steps, on a parsed JSON value. */
import { describe, expect, it } from 'vitest';
import { JSON_PATH } from '../../../functions/src/domain/config/sections.js';
import { evaluateJsonPath, jsonEquals, parseJsonPath } from '../../../functions/src/domain/jsonPath.js';

const health = JSON.parse(`{
  "status": "ok",
  "version": 3,
  "ready": true,
  "owner": null,
  "checks": [{ "name": "db", "status": "up" }, { "name": "cache", "status": "down", "tags": ["a", "b"] }],
  "nested": { "deep": { "value": 0 } },
  "x-request-id": "r1",
  "$meta": { "_id": 7 },
  "matrix": [[1, 2], [3]],
  "__proto__": { "polluted": true }
}`) as unknown;

describe('parseJsonPath', () => {
  it.each([
    ['$', []],
    ['$.status', [{ kind: 'key', name: 'status' }]],
    ['$[0]', [{ kind: 'index', index: 0 }]],
    [
      '$.checks[1].tags[0]',
      [
        { kind: 'key', name: 'checks' },
        { kind: 'index', index: 1 },
        { kind: 'key', name: 'tags' },
        { kind: 'index', index: 0 },
      ],
    ],
    ['$.x-request-id', [{ kind: 'key', name: 'x-request-id' }]],
    [
      '$.$meta._id',
      [
        { kind: 'key', name: '$meta' },
        { kind: 'key', name: '_id' },
      ],
    ],
    [
      '$.matrix[0][1]',
      [
        { kind: 'key', name: 'matrix' },
        { kind: 'index', index: 0 },
        { kind: 'index', index: 1 },
      ],
    ],
    ['$[007]', [{ kind: 'index', index: 7 }]],
  ] as const)('%s', (path, steps) => {
    expect(parseJsonPath(path)).toEqual(steps);
  });

  it.each([
    ['', 'empty'],
    ['status', 'no $'],
    ['$status', 'no dot'],
    ['$.', 'an empty key'],
    ['$.1abc', 'a key starting with a digit'],
    ['$[-1]', 'a negative index'],
    ['$[*]', 'a wildcard'],
    ["$['status']", 'a quoted key'],
    ['$..status', 'recursive descent'],
    ['$.a b', 'a space'],
    ['$.status ', 'a trailing space'],
  ] as const)('refuses %j (%s), as the config schema does', (path, _why) => {
    expect(parseJsonPath(path)).toBeNull();
    expect(JSON_PATH.test(path)).toBe(false);
  });
});

describe('evaluateJsonPath', () => {
  it.each([
    ['$.status', 'ok'],
    ['$.version', 3],
    ['$.ready', true],
    ['$.owner', null],
    ['$.checks[0].name', 'db'],
    ['$.checks[1].status', 'down'],
    ['$.checks[1].tags[1]', 'b'],
    ['$.nested.deep.value', 0],
    ['$.nested.deep', { value: 0 }],
    ['$.x-request-id', 'r1'],
    ['$.$meta._id', 7],
    ['$.matrix[0][1]', 2],
    ['$.matrix[1]', [3]],
    // JSON.parse makes "__proto__" an ordinary own key; reading it is reading that key, nothing more.
    ['$.__proto__.polluted', true],
  ] as const)('%s finds %j', (path, value) => {
    expect(evaluateJsonPath(health, path)).toEqual({ found: true, value });
  });

  it('$ is the whole value, whatever it is', () => {
    expect(evaluateJsonPath(health, '$')).toEqual({ found: true, value: health });
    expect(evaluateJsonPath('plain', '$')).toEqual({ found: true, value: 'plain' });
    expect(evaluateJsonPath(null, '$')).toEqual({ found: true, value: null });
    expect(evaluateJsonPath([1, 2], '$[1]')).toEqual({ found: true, value: 2 });
  });

  it.each([
    ['$.missing', '$ has no key "missing"'],
    ['$.nested.shallow', '$.nested has no key "shallow"'],
    ['$.checks[2]', '$.checks has 2 items'],
    ['$.matrix[1][1]', '$.matrix[1] has 1 item'],
    ['$.checks.length', '$.checks is an array, not an object'],
    ['$.checks.name', '$.checks is an array, not an object'],
    ['$.status.length', '$.status is a string, not an object'],
    ['$.status[0]', '$.status is a string, not an array'],
    ['$.owner.name', '$.owner is null, not an object'],
    ['$.version.value', '$.version is a number, not an object'],
    ['$.ready[0]', '$.ready is a boolean, not an array'],
    ['$.nested[0]', '$.nested is an object, not an array'],
    ['$.toString', '$ has no key "toString"'],
    ['$.constructor', '$ has no key "constructor"'],
    ['$.checks[0].hasOwnProperty', '$.checks[0] has no key "hasOwnProperty"'],
    ['$.nope', '$ has no key "nope"'],
    ['$[99999999999999999999]', '$ is an object, not an array'],
  ] as const)('%s finds nothing: %s', (path, missing) => {
    expect(evaluateJsonPath(health, path)).toEqual({ found: false, missing });
  });

  it('an index past the end of an array is not found, however large', () => {
    expect(evaluateJsonPath([], '$[0]')).toEqual({ found: false, missing: '$ has 0 items' });
    expect(evaluateJsonPath([1], '$[99999999999999999999]')).toEqual({ found: false, missing: '$ has 1 item' });
  });

  it('an invalid path finds nothing and says so', () => {
    expect(evaluateJsonPath(health, 'status')).toEqual({
      found: false,
      missing: '"status" is not a JSON path such as $.status',
    });
  });
});

describe('jsonEquals', () => {
  it.each([
    ['ok', 'ok', true],
    ['ok', 'OK', false],
    [3, 3, true],
    [3, '3', false],
    ['3', 3, false],
    [0, false, false],
    ['', null, false],
    [null, null, true],
    [true, true, true],
    [true, 'true', false],
    [{ status: 'ok' }, 'ok', false],
    [['ok'], 'ok', false],
    [undefined, null, false],
  ] as const)('%j vs %j → %s', (found, expected, equal) => {
    expect(jsonEquals(found, expected)).toBe(equal);
  });

  it('a number equals the same number however the JSON wrote it', () => {
    expect(jsonEquals(JSON.parse('1.0'), 1)).toBe(true);
    expect(jsonEquals(JSON.parse('1e2'), 100)).toBe(true);
  });
});
