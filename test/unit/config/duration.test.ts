/** Durations in runway.yaml: whole seconds or text such as `5m`, parsed to milliseconds and formatted back. */
import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../../functions/src/domain/config/duration.js';

describe('parseDuration', () => {
  it.each([
    // [written in runway.yaml, milliseconds]
    [0, 0],
    [90, 90_000],
    ['0s', 0],
    ['250ms', 250],
    ['30s', 30_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['2d', 172_800_000],
    ['1h30m', 5_400_000],
    ['1m30s', 90_000],
    ['1s500ms', 1_500],
    ['1d2h3m4s5ms', 93_784_005],
    [' 5m ', 300_000],
  ] as const)('%j → %d ms', (written, ms) => {
    expect(parseDuration(written)).toBe(ms);
  });

  it.each([
    ['', 'empty text'],
    ['5', 'a number as text: no unit'],
    ['5x', 'an unknown unit'],
    ['m5', 'the unit first'],
    ['1.5h', 'a fraction'],
    ['-5m', 'a sign'],
    ['5 m', 'a space inside'],
    ['5M', 'an upper-case unit'],
    [-1, 'negative seconds'],
    [1.5, 'fractional seconds'],
    [Number.NaN, 'NaN'],
  ] as const)('rejects %j (%s)', (written, _why) => {
    expect(parseDuration(written)).toBeUndefined();
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [250, '250ms'],
    [1_500, '1s500ms'],
    [30_000, '30s'],
    [90_000, '1m30s'],
    [300_000, '5m'],
    [5_400_000, '1h30m'],
    [86_400_000, '1d'],
    [93_784_005, '1d2h3m4s5ms'],
  ] as const)('%d ms → %s', (ms, written) => {
    expect(formatDuration(ms)).toBe(written);
  });

  it.each([0, 1, 999, 1_000, 61_000, 3_599_999, 90_061_001])('round-trips %d ms through parseDuration', (ms) => {
    expect(parseDuration(formatDuration(ms))).toBe(ms);
  });
});
