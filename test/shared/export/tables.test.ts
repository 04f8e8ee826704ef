/** The export tables shared by the CLI, the engine and the renderer: the worst list, scores files, the audit log. */
import { describe, expect, it } from 'vitest';
import { auditCsvText, decisionEvents, sortAudit, type AuditEvent } from '../../../src/shared/export/audit-log';
import { redactRoot } from '../../../src/shared/export/redact';
import { exportableScores, scoresJsonText } from '../../../src/shared/export/scores-export';
import { DEFAULT_WORST_COUNT, worstLabels, worstListCsv } from '../../../src/shared/export/worst-list';
import { parseCsv } from '../../../src/shared/csv-text';
import type { LabelScore } from '../../../src/shared/scores';

const score = (caseId: string, organ: string, dsc: number | null, status: LabelScore['status'] = 'ok'): LabelScore => ({
  caseId, organ, labelPath: `${caseId}/segmentations/${organ}.nii.gz`, organId: 1, predictedDsc: dsc, slices: [3], sliceDsc: [dsc ?? 0],
  worstSlice: 3, worstSliceDsc: dsc, status, message: '', seconds: 0, model: 'm@1', ep: 'cpu',
});

describe('worst list', () => {
  const scores = [score('b', 'liver', 0.4), score('a', 'liver', 0.4), score('a', 'spleen', 0.9), score('c', 'x', null, 'error'), score('c', 'y', 0.1, 'empty')];

  it('lists scored labels lowest first, ties by case then path, failures left out', () => {
    expect(worstLabels(scores).map((s) => s.labelPath)).toEqual(['a/segmentations/liver.nii.gz', 'b/segmentations/liver.nii.gz', 'a/segmentations/spleen.nii.gz']);
  });

  it('takes at most N, or those below a threshold, and the organs asked for', () => {
    expect(worstLabels(scores, { count: 1 })).toHaveLength(1);
    expect(worstLabels(scores, { threshold: 0.5 }).map((s) => s.caseId)).toEqual(['a', 'b']);
    expect(worstLabels(scores, { organs: ['spleen'] }).map((s) => s.organ)).toEqual(['spleen']);
    const many = Array.from({ length: 80 }, (_, i) => score(`c${i}`, 'liver', i / 100));
    expect(worstLabels(many)).toHaveLength(DEFAULT_WORST_COUNT);
  });

  it('writes rank, case, label path, organ, predicted DSC and worst slice', () => {
    const rows = parseCsv(worstListCsv(worstLabels(scores, { count: 1 })));
    expect(rows).toEqual([
      ['rank', 'case', 'label_path', 'organ', 'predicted_dsc', 'worst_slice', 'worst_slice_dsc', 'model'],
      ['1', 'a', 'a/segmentations/liver.nii.gz', 'liver', '0.400000', '3', '0.400000', 'm@1'],
    ]);
  });
});

describe('scores and audit files', () => {
  it('takes the dataset root out of messages, on both separators', () => {
    expect(redactRoot('/data/Doe John/c1/ct.nii.gz: truncated', '/data/Doe John')).toBe('<dataset>/c1/ct.nii.gz: truncated');
    expect(redactRoot('C:/data/x/c1: bad', 'C:\\data\\x')).toBe('<dataset>/c1: bad');
    const [s] = exportableScores([{ ...score('a', 'liver', null, 'error'), message: '/data/Doe John/a: bad' }], '/data/Doe John');
    expect(s.message).toBe('<dataset>/a: bad');
    expect(JSON.parse(scoresJsonText([s], 'T'))).toMatchObject({ format: 'sentinel-scores', version: 1, createdAt: 'T', labels: [s] });
  });

  it('orders events by time and quotes notes', () => {
    const v: AuditEvent = { time: '2025-01-02', action: 'save', caseId: 'a', labelPath: 'a/l', file: 'a/l', who: 'x', version: 'v', replacedAt: null, decision: null, note: '' };
    const d = decisionEvents([{ labelPath: 'a/l', decision: 'flag', note: 'look, "here"', annotator: 'y', time: '2025-01-01' }], () => 'a');
    const sorted = sortAudit([v, ...d]);
    expect(sorted.map((e) => e.action)).toEqual(['decision', 'save']);
    expect(parseCsv(auditCsvText(sorted))[1]).toEqual(['2025-01-01', 'decision', 'a', 'a/l', '', 'y', '', '', 'flag', 'look, "here"']);
  });
});
