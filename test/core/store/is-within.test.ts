import { describe, expect, it } from 'vitest';
import { isWithin } from '../../../src/core/store/confine';

describe('isWithin', () => {
  it('keeps a child named like ..foo inside and every real way up outside', () => {
    expect(isWithin('/data/ds', '/data/ds')).toBe(true);
    expect(isWithin('/data/ds', '/data/ds/..foo/x.nii.gz')).toBe(true);
    expect(isWithin('/data/ds', '/data/ds/c1/segmentations')).toBe(true);
    expect(isWithin('/data/ds', '/data')).toBe(false);
    expect(isWithin('/data/ds', '/data/ds2/x')).toBe(false);
    expect(isWithin('/data/ds', '/data/other/ds')).toBe(false);
    expect(isWithin('/data/ds', '/etc/passwd')).toBe(false);
  });
});
