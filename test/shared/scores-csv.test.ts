import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseScoresCsv, SCORE_COLUMNS, SCORE_HEADER, scoreToCsvRow } from '../../src/shared/scores-csv';
import { parseCsv } from '../../src/shared/csv-text';
import { LABEL_STATUSES, type LabelScore } from '../../src/shared/scores';

/** The contract's first columns (README "The command line"), spelled out here rather than taken from the code. */
const CONTRACT = 'case,organ,label_path,organ_id,predicted_dsc,slices,worst_slice,worst_slice_dsc,status,message,seconds';

const score = (over: Partial<LabelScore> = {}): LabelScore => ({
  caseId: 's0001',
  organ: 'liver',
  labelPath: 's0001/segmentations/liver.nii.gz',
  organId: 7,
  predictedDsc: 0.5,
  slices: [3, 5],
  sliceDsc: [0.25, 0.75],
  worstSlice: 3,
  worstSliceDsc: 0.25,
  status: 'ok',
  message: '',
  seconds: 0.125,
  model: 'tiny-random@0.1.0',
  ep: 'cpu',
  ...over,
});

const file = (rows: LabelScore[]): string => [SCORE_HEADER, ...rows.map(scoreToCsvRow)].join('\n') + '\n';

/** Text made of the characters CSV must protect (quotes, separators, line breaks, edge spaces) and some others. */
const awkwardText = fc.string({
  unit: fc.constantFrom('"', ',', '\n', '\r', '\r\n', ' ', '\t', ';', '#', 'a', 'Z', '0', 'é', '肝', '\u{1F600}'),
  maxLength: 30,
});

const closeTo = (a: number | null, b: number | null, tol: number): boolean =>
  a === null || b === null ? a === b : Math.abs(a - b) <= tol;

describe('scores CSV', () => {
  it('starts with the contract columns, in order', () => {
    expect(SCORE_HEADER.split(',').slice(0, 11).join(',')).toBe(CONTRACT);
    expect(SCORE_COLUMNS.slice(11)).toEqual(['model', 'ep', 'slice_indices', 'slice_dsc']);
  });

  it('round-trips messages and names with quotes, commas and line breaks', () => {
    const rows = [
      score({ status: 'error', message: 'bad "header", then\nmore\r\nand a trailing space ', predictedDsc: null, slices: [], sliceDsc: [], worstSlice: null, worstSliceDsc: null }),
      score({ caseId: 'case, with comma', organ: '"quoted"', labelPath: 'a,b/"c".nii.gz', message: ' leading space' }),
      score({ message: '"' }),
      score({ message: ',' }),
    ];
    const text = file(rows);
    // Every record is one CSV row of 15 fields, whatever the message holds.
    expect(parseCsv(text).filter((r) => r.length === SCORE_COLUMNS.length)).toHaveLength(rows.length + 1);
    expect(parseScoresCsv(text)).toEqual(rows);
  });

  it('round-trips any label score (property)', () => {
    const dsc = fc.double({ min: 0, max: 1, noNaN: true });
    const arb = fc
      .record({
        caseId: awkwardText.filter((s) => s.length > 0),
        organ: awkwardText,
        labelPath: awkwardText.filter((s) => s.length > 0),
        organId: fc.option(fc.integer({ min: 1, max: 145 }), { nil: null }),
        predictedDsc: fc.option(dsc, { nil: null }),
        slices: fc.array(fc.nat({ max: 2000 }), { maxLength: 12 }),
        worstSlice: fc.option(fc.nat({ max: 2000 }), { nil: null }),
        worstSliceDsc: fc.option(dsc, { nil: null }),
        status: fc.constantFrom(...LABEL_STATUSES),
        message: awkwardText,
        seconds: fc.double({ min: 0, max: 1e4, noNaN: true }),
        model: awkwardText,
        ep: fc.constantFrom('cpu', 'cuda', 'dml', 'coreml'),
        dscSeed: fc.array(dsc, { minLength: 12, maxLength: 12 }),
      })
      .map(({ dscSeed, ...s }): LabelScore => ({ ...s, sliceDsc: dscSeed.slice(0, s.slices.length) }));
    fc.assert(
      fc.property(fc.array(arb, { minLength: 1, maxLength: 5 }), (rows) => {
        const back = parseScoresCsv(file(rows));
        expect(back).toHaveLength(rows.length);
        rows.forEach((want, i) => {
          const got = back[i];
          // Strings and integers come back exactly; numbers as written (6 decimals, seconds 3).
          expect({ ...got, predictedDsc: 0, worstSliceDsc: 0, sliceDsc: [], seconds: 0 }).toEqual({
            ...want,
            predictedDsc: 0,
            worstSliceDsc: 0,
            sliceDsc: [],
            seconds: 0,
          });
          expect(closeTo(got.predictedDsc, want.predictedDsc, 5e-7)).toBe(true);
          expect(closeTo(got.worstSliceDsc, want.worstSliceDsc, 5e-7)).toBe(true);
          expect(got.sliceDsc).toHaveLength(want.sliceDsc.length);
          got.sliceDsc.forEach((v, k) => expect(Math.abs(v - want.sliceDsc[k])).toBeLessThanOrEqual(5e-7));
          expect(Math.abs(got.seconds - want.seconds)).toBeLessThanOrEqual(5e-4);
        });
      }),
      { numRuns: 200 },
    );
  });

  it('reads columns by name (reordered, extra columns), CRLF and a BOM', () => {
    const text =
      '\uFEFFstatus,extra,seconds,message,case,organ,label_path,organ_id,predicted_dsc,slices,worst_slice,worst_slice_dsc\r\n' +
      'ok,x,1.5,,c1,spleen,c1/segmentations/spleen.nii.gz,1,0.800000,2,4,0.700000\r\n' +
      'unmapped,y,0,"no match, sorry",c1,blob,c1/segmentations/blob.nii.gz,,,0,,\r\n';
    const got = parseScoresCsv(text);
    expect(got).toHaveLength(2);
    expect(got[0]).toMatchObject({ caseId: 'c1', organ: 'spleen', organId: 1, predictedDsc: 0.8, worstSlice: 4, worstSliceDsc: 0.7, status: 'ok', seconds: 1.5 });
    // Without the per-slice columns there is no per-slice detail.
    expect(got[0].slices).toEqual([]);
    expect(got[1]).toMatchObject({ status: 'unmapped', message: 'no match, sorry', organId: null, predictedDsc: null, worstSlice: null });
  });

  it('refuses a file without a contract column, or with an unknown status, naming the file', () => {
    const noMessage = SCORE_HEADER.replace(',message,', ',note,') + '\n';
    expect(() => parseScoresCsv(noMessage, 'shard3.csv')).toThrow(/shard3\.csv: missing column "message"/);
    const badStatus = file([score()]).replace(',ok,', ',fine,');
    expect(() => parseScoresCsv(badStatus, 'shard3.csv')).toThrow(/shard3\.csv: row 2: unknown status "fine"/);
  });

  it('skips blank lines and reads an empty file as no rows', () => {
    expect(parseScoresCsv('')).toEqual([]);
    expect(parseScoresCsv(SCORE_HEADER + '\n')).toEqual([]);
    const text = SCORE_HEADER + '\n\n' + scoreToCsvRow(score()) + '\n\n';
    expect(parseScoresCsv(text)).toEqual([score()]);
  });
});
