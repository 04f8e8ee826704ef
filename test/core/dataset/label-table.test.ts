import { describe, expect, it } from 'vitest';
import { SentinelError } from '../../../src/core/errors';
import { foregroundLabels, parseLabelTableJson, parseLabelTableText } from '../../../src/core/dataset/label-table';

describe('label tables', () => {
  const expected = [
    { value: 1, name: 'spleen' },
    { value: 5, name: 'liver' },
  ];

  it('accepts value → name, name → value and nnU-Net {"labels": ...} in both directions', () => {
    const shapes = [
      { '0': 'background', '1': 'spleen', '5': 'liver' },
      { background: 0, spleen: 1, liver: 5 },
      { labels: { background: 0, spleen: 1, liver: 5 } },
      { labels: { '0': 'background', '1': 'spleen', '5': 'liver' } },
      { spleen: '1', liver: '5' },
    ];
    for (const json of shapes) {
      const { table, warnings } = parseLabelTableJson(json, 'labels.json');
      expect(warnings).toEqual([]);
      expect(foregroundLabels(table)).toEqual(expected);
    }
  });

  it('skips nnU-Net region labels, duplicates and non-integer values with a warning', () => {
    const { table, warnings } = parseLabelTableJson(
      { labels: { background: 0, whole_tumor: [1, 2], liver: 5, hepar: 5, half: 1.5 } },
      'dataset.json',
    );
    expect(foregroundLabels(table)).toEqual([{ value: 5, name: 'liver' }]);
    expect(warnings).toHaveLength(3);
    expect(warnings.join('\n')).toMatch(/whole_tumor/);
    expect(warnings.join('\n')).toMatch(/hepar/);
  });

  it('reports invalid JSON as a SentinelError naming the file', () => {
    expect(() => parseLabelTableText('{"1": "liver",', 'case1/labels.json')).toThrow(SentinelError);
    expect(() => parseLabelTableText('{"1": "liver",', 'case1/labels.json')).toThrow(/case1\/labels.json/);
    expect(() => parseLabelTableText('[1,2]', 'x.json')).toThrow(/not a JSON object/);
  });
});
