/**
 * The review assignment file: JSON and CSV round trips (generated documents with awkward text), a hand-written file
 * of each form read as the docs describe it, and malformed files refused with the file and line at fault.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AssignmentFormatError,
  assignmentFormatOf,
  assignmentFromPlan,
  assignmentToCsv,
  assignmentToJson,
  parseAssignmentCsv,
  parseAssignmentFile,
  parseAssignmentJson,
  planCorrections,
  serialiseAssignment,
  type Assignment,
} from '../../../src/shared/plan';

const awkwardText = fc.string({ unit: fc.constantFrom('"', ',', '\n', '\r\n', ' ', '#', ':', '{', 'a', 'Z', '0', 'é', '肝', '\u{1F600}'), maxLength: 20 });
const nonEmpty = awkwardText.filter((s) => s.length > 0);
const dsc = fc.double({ min: -0.5, max: 1.5, noNaN: true, noDefaultInfinity: true });

const assignmentArb: fc.Arbitrary<Assignment> = fc
  .record({
    created: fc.date({ min: new Date(2020, 0, 1), max: new Date(2040, 0, 1), noInvalidDate: true }).map((d) => d.toISOString()),
    createdBy: awkwardText,
    model: awkwardText,
    budget: fc.oneof(
      fc.record({ labels: fc.nat(1000) }),
      fc.record({ minutes: fc.double({ min: 0, max: 1e4, noNaN: true }), minutesPerLabel: fc.double({ min: 0.01, max: 60, noNaN: true }) }),
    ),
    weights: fc.option(fc.dictionary(nonEmpty, fc.double({ min: 0, max: 10, noNaN: true }), { maxKeys: 4 }), { nil: undefined }),
    assignee: fc.option(nonEmpty, { nil: undefined }),
    items: fc.uniqueArray(
      fc.record({ caseId: nonEmpty, labelPath: nonEmpty, organ: awkwardText, predictedDsc: dsc, worstSlice: fc.option(fc.integer({ min: -5, max: 900 }), { nil: null }) }),
      { selector: (i) => `${i.caseId}\u0000${i.labelPath}`, maxLength: 12 },
    ),
    estimate: fc.record({
      fixedDsc: fc.double({ min: 0.01, max: 1, noNaN: true }),
      population: fc.nat(),
      candidates: fc.nat(),
      budgetLabels: fc.nat(),
      minutes: fc.option(fc.double({ min: 0, max: 1e5, noNaN: true }), { nil: null }),
      meanDscBefore: fc.option(dsc, { nil: null }),
      meanDscAfter: fc.option(dsc, { nil: null }),
      gain: dsc,
      randomGain: dsc,
    }),
  })
  .map((r) => {
    const a: Assignment = {
      format: 'sentinel-assignment',
      version: 1,
      created: r.created,
      createdBy: r.createdBy,
      model: r.model,
      budget: r.budget,
      items: r.items.map((i, k) => ({ rank: k + 1, ...i })),
      estimate: { ...r.estimate, chosen: r.items.length },
    };
    if (r.weights !== undefined) a.weights = r.weights;
    if (r.assignee !== undefined) a.assignee = r.assignee;
    return a;
  });

/** -0 written as "0" reads back as 0: the same number for every use here. */
const normalise = (a: Assignment): Assignment => JSON.parse(JSON.stringify(a)) as Assignment;

function failure(fn: () => unknown): AssignmentFormatError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AssignmentFormatError);
    return e as AssignmentFormatError;
  }
  throw new Error('no error');
}

const sample: Assignment = {
  format: 'sentinel-assignment',
  version: 1,
  created: '2025-05-01T10:00:00.000Z',
  createdBy: 'sentinel plan',
  model: 'default@1.0.0',
  budget: { minutes: 30, minutesPerLabel: 3 },
  weights: { liver: 2 },
  assignee: 'ana',
  items: [
    { rank: 1, caseId: 's0001', labelPath: 's0001/segmentations/liver.nii.gz', organ: 'liver', predictedDsc: 0.412, worstSlice: 57 },
    { rank: 2, caseId: 's0002', labelPath: 'labels/s0002.nii.gz#3', organ: 'spleen, accessory', predictedDsc: 0.5, worstSlice: null },
  ],
  estimate: { fixedDsc: 0.95, population: 40, candidates: 39, budgetLabels: 10, chosen: 2, minutes: 6, meanDscBefore: 0.8, meanDscAfter: 0.825, gain: 0.025, randomGain: 0.006 },
};

describe('assignment file', () => {
  it('JSON → CSV → JSON gives back the same document (and each form its own)', () => {
    fc.assert(
      fc.property(assignmentArb, (a) => {
        const want = normalise(a);
        const json = assignmentToJson(a);
        const csv = assignmentToCsv(a);
        expect(parseAssignmentJson(json, 'a.json')).toEqual(want);
        expect(parseAssignmentCsv(csv, 'a.csv')).toEqual(want);
        expect(parseAssignmentFile(assignmentToCsv(parseAssignmentJson(json, 'a.json')), 'a.csv')).toEqual(want);
        expect(parseAssignmentFile(assignmentToJson(parseAssignmentCsv(csv, 'a.csv')), 'a.json')).toEqual(want);
      }),
      { numRuns: 300 },
    );
  });

  it('reads a CSV written by hand the way docs/planner.md describes it', () => {
    const text = [
      '\uFEFF# sentinel-assignment 1',
      '# created: "2025-05-01T10:00:00.000Z"',
      '# created_by: "sentinel plan"',
      '# model: "default@1.0.0"',
      '# assignee: "ana"',
      '# budget: {"minutes": 30, "minutesPerLabel": 3}',
      '# weights: {"liver": 2}',
      '# estimate: {"fixedDsc": 0.95, "population": 40, "candidates": 39, "budgetLabels": 10, "chosen": 2, "minutes": 6, "meanDscBefore": 0.8, "meanDscAfter": 0.825, "gain": 0.025, "randomGain": 0.006}',
      'rank,case,label_path,organ,predicted_dsc,worst_slice',
      '1,s0001,s0001/segmentations/liver.nii.gz,liver,0.412,57',
      '2,s0002,labels/s0002.nii.gz#3,"spleen, accessory",0.50,',
      '',
    ].join('\r\n');
    expect(parseAssignmentFile(text, 'hand.csv')).toEqual(sample);
    expect(parseAssignmentFile(assignmentToJson(sample), 'hand.json')).toEqual(sample);
    // The table part is plain CSV with the fixed columns.
    const written = serialiseAssignment(sample, 'csv').split('\n');
    expect(written[0]).toBe('# sentinel-assignment 1');
    expect(written.find((l) => !l.startsWith('#'))).toBe('rank,case,label_path,organ,predicted_dsc,worst_slice');
    expect(written).toContain('2,s0002,labels/s0002.nii.gz#3,"spleen, accessory",0.5,');
  });

  it('names the format by extension', () => {
    expect(assignmentFormatOf('plan.json')).toBe('json');
    expect(assignmentFormatOf('/x/Plan.CSV')).toBe('csv');
    expect(assignmentFormatOf('plan.txt')).toBeNull();
  });

  it('a plan becomes an assignment with only the weights that differ from 1', () => {
    const plan = planCorrections(
      [
        { caseId: 'c1', organ: 'liver', labelPath: 'c1/liver.nii.gz', predictedDsc: 0.3, worstSlice: 4, status: 'ok', model: 'm@2' },
        { caseId: 'c1', organ: 'aorta', labelPath: 'c1/aorta.nii.gz', predictedDsc: 0.2, worstSlice: 1, status: 'ok', model: 'm@1' },
      ],
      { budget: { labels: 1 }, organWeights: { liver: 2, aorta: 1 } },
    );
    const a = assignmentFromPlan(plan, { created: '2025-01-01T00:00:00.000Z', createdBy: 'me', assignee: null, organWeights: { liver: 2, aorta: 1 } });
    expect(a.weights).toEqual({ liver: 2 });
    expect('assignee' in a).toBe(false);
    expect(a.model).toBe('m@1, m@2');
    expect(a.items).toEqual([{ rank: 1, caseId: 'c1', labelPath: 'c1/liver.nii.gz', organ: 'liver', predictedDsc: 0.3, worstSlice: 4 }]);
    expect(parseAssignmentJson(assignmentToJson(a), 'a.json')).toEqual(a);
  });

  describe('refuses malformed files, naming the file and line', () => {
    const json = assignmentToJson(sample);
    const csv = assignmentToCsv(sample);
    const csvLines = csv.split('\n');
    const tableAt = csvLines.findIndex((l) => l.startsWith('rank,'));
    const replaceLine = (text: string, index: number, line: string): string => text.split('\n').map((l, i) => (i === index ? line : l)).join('\n');

    it('JSON', () => {
      let e = failure(() => parseAssignmentJson('{\n  "format": "sentinel-assignment",\n  "version": 1,,\n}', 'bad.json'));
      expect(e.message).toMatch(/^bad\.json: line 3: not JSON/);
      e = failure(() => parseAssignmentJson(json.replace('"s0002"', '42'), 'bad.json'));
      const itemLine = json.split('\n').findIndex((l) => l.includes('"rank": 2')); // 0-based line of the item's first field
      expect(e.message).toBe(`bad.json: line ${itemLine}: items[1].caseId: Invalid input: expected string, received number`);
      e = failure(() => parseAssignmentJson(json.replace('"rank": 2', '"rank": 3'), 'bad.json'));
      expect(e.message).toMatch(/line \d+: items\[1\]\.rank: rank 3 where 2 was expected/);
      e = failure(() => parseAssignmentJson(json.replace('labels/s0002.nii.gz#3', 's0001/segmentations/liver.nii.gz').replace('"s0002"', '"s0001"'), 'dup.json'));
      expect(e.message).toMatch(/^dup\.json: line \d+: items\[1\]\.labelPath: s0001 s0001\/segmentations\/liver\.nii\.gz is listed twice/);
      e = failure(() => parseAssignmentJson(json.replace('"version": 1', '"version": 2'), 'new.json'));
      expect(e.message).toBe('new.json: line 3: assignment format version 2 is newer than this version reads (1)');
      e = failure(() => parseAssignmentJson('{"format": "sentinel-workstation-project"}', 'project.json'));
      expect(e.message).toBe('project.json: line 1: not a review assignment (format "sentinel-assignment" expected)');
      e = failure(() => parseAssignmentJson(json.replace('"chosen": 2', '"chosen": 3'), 'count.json'));
      expect(e.message).toMatch(/^count\.json: line \d+: estimate\.chosen: says 3 labels but 2 are listed/);
      e = failure(() => parseAssignmentJson(json.replace('"minutesPerLabel": 3', '"minutesPerLabel": 0'), 'budget.json'));
      expect(e.message).toMatch(/^budget\.json: line 7: budget\.minutesPerLabel: /);
    });

    it('CSV', () => {
      let e = failure(() => parseAssignmentCsv('rank,case\n', 'bad.csv'));
      expect(e.message).toBe('bad.csv: line 1: not a review assignment (a first line "# sentinel-assignment 1" expected)');
      e = failure(() => parseAssignmentCsv(replaceLine(csv, tableAt + 2, '2,s0002,x.nii.gz,spleen,high,'), 'bad.csv'));
      expect(e.message).toBe(`bad.csv: line ${tableAt + 3}: predicted_dsc "high" is not a number`);
      e = failure(() => parseAssignmentCsv(replaceLine(csv, tableAt + 1, '1,s0001,x.nii.gz,liver,0.4,5.5'), 'bad.csv'));
      expect(e.message).toBe(`bad.csv: line ${tableAt + 2}: worst_slice "5.5" is not a whole number`);
      e = failure(() => parseAssignmentCsv(replaceLine(csv, tableAt + 2, '2,s0002,x.nii.gz'), 'bad.csv'));
      expect(e.message).toBe(`bad.csv: line ${tableAt + 3}: 3 fields where 6 are expected`);
      e = failure(() => parseAssignmentCsv(replaceLine(csv, tableAt + 2, '7,s0002,x.nii.gz,spleen,0.5,'), 'bad.csv'));
      expect(e.message).toBe(`bad.csv: line ${tableAt + 3}: items[1].rank: rank 7 where 2 was expected (items are listed in rank order from 1)`);
      e = failure(() => parseAssignmentCsv(replaceLine(csv, tableAt + 2, '2,,x.nii.gz,spleen,0.5,'), 'bad.csv'));
      expect(e.message).toMatch(new RegExp(`^bad\\.csv: line ${tableAt + 3}: items\\[1\\]\\.caseId: `));
      e = failure(() => parseAssignmentCsv(replaceLine(csv, tableAt, 'rank,case,label_path,organ,dsc,worst_slice'), 'bad.csv'));
      expect(e.message).toBe(`bad.csv: line ${tableAt + 1}: the columns must be rank,case,label_path,organ,predicted_dsc,worst_slice (got "rank,case,label_path,organ,dsc,worst_slice")`);
      e = failure(() => parseAssignmentCsv(replaceLine(csv, 2, '# made_by: "me"'), 'bad.csv'));
      expect(e.message).toMatch(/^bad\.csv: line 3: "# made_by: "me"" is not one of the lines # created/);
      e = failure(() => parseAssignmentCsv(replaceLine(csv, 5, '# budget: {labels: 3}'), 'bad.csv'));
      expect(e.message).toMatch(/^bad\.csv: line 6: the value of budget is not JSON/);
      e = failure(() => parseAssignmentCsv(replaceLine(csv, 5, '# budget: {"labels": -3}'), 'bad.csv'));
      expect(e.message).toMatch(/^bad\.csv: line 6: budget/);
      e = failure(() => parseAssignmentCsv(replaceLine(csv, 1, '# model: "x"'), 'bad.csv'));
      expect(e.message).toBe('bad.csv: line 4: model is given twice');
      e = failure(() => parseAssignmentCsv(csv.replace('# sentinel-assignment 1', '# sentinel-assignment 2'), 'new.csv'));
      expect(e.message).toBe('new.csv: line 1: assignment format version 2 is newer than this version reads (1)');
      e = failure(() => parseAssignmentCsv(csvLines.filter((l) => !l.startsWith('# estimate')).join('\n'), 'short.csv'));
      expect(e.message).toMatch(/^short\.csv: estimate: /);
      // A quoted line break inside a field moves the following lines down.
      const withBreak = replaceLine(replaceLine(csv, tableAt + 1, '1,s0001,"two\nlines",liver,0.4,5'), tableAt + 2 + 1, '2,s0002,x.nii.gz,spleen,oops,');
      e = failure(() => parseAssignmentCsv(withBreak, 'break.csv'));
      expect(e.message).toBe(`break.csv: line ${tableAt + 4}: predicted_dsc "oops" is not a number`);
    });

    it('neither form', () => {
      expect(failure(() => parseAssignmentFile('case,organ\n', 'scores.csv')).message).toMatch(/^scores\.csv: line 1: not a review assignment/);
    });
  });
});
