/**
 * The scores CSV of `sentinel score`: the exchange format between the CLI, shards and the app.
 * The first columns are fixed by contract; extra columns (per-slice detail) follow.
 */
import { LABEL_STATUSES, type LabelScore, type LabelStatus } from './scores';
import { formatCsvRow, parseCsv } from './csv-text';

export const SCORE_COLUMNS = [
  'case',
  'organ',
  'label_path',
  'organ_id',
  'predicted_dsc',
  'slices',
  'worst_slice',
  'worst_slice_dsc',
  'status',
  'message',
  'seconds',
  'model',
  'ep',
  'slice_indices',
  'slice_dsc',
] as const;

export const SCORE_HEADER = formatCsvRow([...SCORE_COLUMNS]);

const num = (v: number | null, digits: number): string => (v === null || !Number.isFinite(v) ? '' : v.toFixed(digits));

export function scoreToCsvRow(s: LabelScore): string {
  return formatCsvRow([
    s.caseId,
    s.organ,
    s.labelPath,
    s.organId === null ? '' : String(s.organId),
    num(s.predictedDsc, 6),
    String(s.slices.length),
    s.worstSlice === null ? '' : String(s.worstSlice),
    num(s.worstSliceDsc, 6),
    s.status,
    s.message,
    s.seconds.toFixed(3),
    s.model,
    s.ep,
    s.slices.join(' '),
    s.sliceDsc.map((v) => v.toFixed(6)).join(' '),
  ]);
}

function parseNumberOrNull(v: string | undefined): number | null {
  if (v === undefined || v.trim() === '') return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

function parseList(v: string | undefined): number[] {
  if (!v || !v.trim()) return [];
  return v.trim().split(/\s+/).map(Number).filter(Number.isFinite);
}

/** A malformed scores CSV: `row` is the CSV record number (the header is row 1), null for file-level problems. */
export class ScoresCsvError extends Error {
  constructor(
    readonly file: string,
    readonly row: number | null,
    readonly reason: string,
  ) {
    super(`${file}: ${row === null ? '' : `row ${row}: `}${reason}`);
    this.name = 'ScoresCsvError';
  }
}

/**
 * Parses a scores CSV (one file, a shard or a merge). Throws a ScoresCsvError on a malformed row, since a
 * silently dropped row would be a label that looks unscored.
 */
export function parseScoresCsv(text: string, file = 'scores.csv'): LabelScore[] {
  const rows = parseCsv(text);
  if (rows.length === 0) return [];
  const header = rows[0].map((h) => h.trim());
  const col = (name: string): number => header.indexOf(name);
  for (const required of SCORE_COLUMNS.slice(0, 11)) {
    if (col(required) < 0) throw new ScoresCsvError(file, null, `missing column "${required}"`);
  }
  const out: LabelScore[] = [];
  for (let r = 1; r < rows.length; r++) {
    const row = rows[r];
    if (row.length === 1 && row[0] === '') continue;
    const get = (name: string): string | undefined => {
      const i = col(name);
      return i < 0 ? undefined : row[i];
    };
    const status = (get('status') ?? '') as LabelStatus;
    if (!LABEL_STATUSES.includes(status)) throw new ScoresCsvError(file, r + 1, `unknown status "${status}"`);
    if (!get('case') || !get('label_path')) throw new ScoresCsvError(file, r + 1, 'empty case or label_path');
    const slices = parseList(get('slice_indices'));
    out.push({
      caseId: get('case') ?? '',
      organ: get('organ') ?? '',
      labelPath: get('label_path') ?? '',
      organId: parseNumberOrNull(get('organ_id')),
      predictedDsc: parseNumberOrNull(get('predicted_dsc')),
      slices,
      sliceDsc: parseList(get('slice_dsc')),
      worstSlice: parseNumberOrNull(get('worst_slice')),
      worstSliceDsc: parseNumberOrNull(get('worst_slice_dsc')),
      status,
      message: get('message') ?? '',
      seconds: parseNumberOrNull(get('seconds')) ?? 0,
      model: get('model') ?? '',
      ep: get('ep') ?? '',
    });
  }
  return out;
}
