/** How scores, their changes and durations are written in the UI (pure functions, no DOM). */
import { describe, expect, it } from 'vitest';
import { formatDsc, formatScoreChange, formatSeconds, formatTime } from '../../../src/renderer/src/workstation/format';

describe('formatDsc', () => {
  it('writes three decimals', () => {
    expect(formatDsc(0.5)).toBe('0.500');
    expect(formatDsc(0.12345)).toBe('0.123');
    expect(formatDsc(1)).toBe('1.000');
  });
  it('writes a dash for no value', () => {
    for (const v of [null, undefined, Number.NaN, Number.POSITIVE_INFINITY]) expect(formatDsc(v)).toBe('—');
  });
});

describe('formatScoreChange', () => {
  it('shows before, after and the signed change', () => {
    expect(formatScoreChange(0.612, 0.745)).toBe('0.612 -> 0.745 (+0.133)');
    expect(formatScoreChange(0.745, 0.612)).toBe('0.745 -> 0.612 (-0.133)');
    expect(formatScoreChange(0.5, 0.5)).toBe('0.500 -> 0.500 (+0.000)');
  });
  it('computes the change from the rounded values shown, so the three numbers agree', () => {
    // 0.1234 -> 0.1236 shows as 0.123 -> 0.124: the change shown is their difference, not 0.0002 rounded.
    expect(formatScoreChange(0.1234, 0.1236)).toBe('0.123 -> 0.124 (+0.001)');
    for (const [a, b] of [[0.3335, 0.6664], [0.9999, 0.0001], [0.2, 0.7]]) {
      const m = /^(\S+) -> (\S+) \(([+-]\S+)\)$/.exec(formatScoreChange(a, b))!;
      expect(Number(m[3])).toBeCloseTo(Number(m[2]) - Number(m[1]), 9);
    }
  });
  it('says when there was no score before or none after', () => {
    expect(formatScoreChange(null, 0.745)).toBe('new 0.745');
    expect(formatScoreChange(0.612, null)).toBe('0.612 -> no score');
    expect(formatScoreChange(null, null)).toBe('— -> no score');
  });
});

describe('formatSeconds', () => {
  it('uses seconds under a minute and a half, then minutes, then hours', () => {
    expect(formatSeconds(0)).toBe('0 s');
    expect(formatSeconds(4.2)).toBe('5 s');
    expect(formatSeconds(89)).toBe('89 s');
    expect(formatSeconds(90)).toBe('1 min 30 s');
    expect(formatSeconds(61 * 60 + 5)).toBe('61 min 5 s');
    expect(formatSeconds(90 * 60)).toBe('1 h 30 min');
    expect(formatSeconds(5 * 3600 + 7 * 60 + 30)).toBe('5 h 7 min');
  });
  it('writes a dash for an unknown duration', () => {
    expect(formatSeconds(null)).toBe('—');
    expect(formatSeconds(Number.POSITIVE_INFINITY)).toBe('—');
  });
});

describe('formatTime', () => {
  it('writes a valid ISO time in the local format', () => {
    const iso = '2024-03-05T10:20:30.000Z';
    expect(formatTime(iso)).toBe(new Date(iso).toLocaleString());
  });
  it('passes text that is not a time through unchanged', () => {
    expect(formatTime('not a time')).toBe('not a time');
  });
});
