import { describe, expect, it } from 'vitest';
import { parseCsvTable, sniffSeparator } from '../../../src/core/dataset/csv';

describe('dataset csv', () => {
  it('reads TotalSegmentator-style meta.csv: BOM, ";" and CRLF', () => {
    const text = '\uFEFFimage_id;age;gender;institute;study_type;split\r\ns0001;64;m;A;ct abdomen;train\r\ns0002;;f;B;"ct; thorax";test\r\n';
    const t = parseCsvTable(text);
    expect(t.separator).toBe(';');
    expect(t.columns).toEqual(['image_id', 'age', 'gender', 'institute', 'study_type', 'split']);
    expect(t.rows).toHaveLength(2);
    expect(t.rows[0]).toEqual({ image_id: 's0001', age: '64', gender: 'm', institute: 'A', study_type: 'ct abdomen', split: 'train' });
    expect(t.rows[1].age).toBe('');
    expect(t.rows[1].study_type).toBe('ct; thorax');
  });

  it('reads comma-separated text with quoted separators, quotes and newlines', () => {
    const text = 'image_id,note\n"a,1","say ""hi""\nagain"\n\nb,\n';
    const t = parseCsvTable(text);
    expect(t.separator).toBe(',');
    expect(t.rows).toEqual([
      { image_id: 'a,1', note: 'say "hi"\nagain' },
      { image_id: 'b', note: '' },
    ]);
  });

  it('fills missing trailing fields with empty strings and ignores separators inside quotes when sniffing', () => {
    expect(sniffSeparator('"a;b;c",d,e\n1;2;3;4;5;6')).toBe(',');
    expect(sniffSeparator('a\tb\tc\n')).toBe('\t');
    expect(sniffSeparator('single')).toBe(',');
    expect(parseCsvTable('x;y;z\n1\n').rows).toEqual([{ x: '1', y: '', z: '' }]);
    expect(parseCsvTable('').rows).toEqual([]);
  });
});
