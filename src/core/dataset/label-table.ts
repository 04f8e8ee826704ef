/**
 * Label tables of multi-label maps: value → name. They come from a labels.json, an nnU-Net dataset.json or the
 * map's own NIfTI label extension. Value 0 is background and never a label.
 */
import { SentinelError } from '../errors';

export type LabelTable = Map<number, string>;

export interface ParsedLabelTable {
  table: LabelTable;
  /** Entries that were skipped and why (nnU-Net region labels, duplicates, non-integer values). */
  warnings: string[];
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function asLabelValue(v: unknown): number | null {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isInteger(n) && n >= 0 ? n : null;
}

/**
 * Reads a label map in any of the accepted shapes: {"1": "liver"}, {"liver": 1}, or either inside {"labels": ...}
 * (nnU-Net v1 uses value → name, v2 name → value). The direction is decided per entry: the side that is an
 * integer is the value. Region labels of nnU-Net v2 (arrays of values) are skipped with a warning.
 */
export function parseLabelTableJson(json: unknown, file: string): ParsedLabelTable {
  const obj = isRecord(json) && isRecord(json.labels) ? json.labels : json;
  if (!isRecord(obj)) throw new SentinelError('corrupt', 'label table is not a JSON object', file);
  const table: LabelTable = new Map();
  const warnings: string[] = [];
  for (const [key, val] of Object.entries(obj)) {
    let value: number | null;
    let name: string;
    if (Array.isArray(val)) {
      warnings.push(`"${key}": region label (several values) skipped`);
      continue;
    }
    const keyValue = asLabelValue(key);
    if (keyValue !== null && typeof val === 'string' && asLabelValue(val) === null) {
      value = keyValue;
      name = val;
    } else {
      value = asLabelValue(val);
      name = key;
    }
    if (value === null || name.trim() === '') {
      warnings.push(`"${key}": ${JSON.stringify(val)} is not a label value and name`);
      continue;
    }
    const taken = table.get(value);
    if (taken !== undefined) {
      warnings.push(`value ${value} named both "${taken}" and "${name}"; kept "${taken}"`);
      continue;
    }
    table.set(value, name.trim());
  }
  return { table, warnings };
}

/** Parses the text of a labels.json or dataset.json; a syntax error is a SentinelError naming the file. */
export function parseLabelTableText(text: string, file: string): ParsedLabelTable {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new SentinelError('corrupt', `invalid JSON: ${(err as Error).message}`, file, { cause: err });
  }
  return parseLabelTableJson(json, file);
}

/** The labels of a table that are organs: value > 0 and not named background, in value order. */
export function foregroundLabels(table: LabelTable): { value: number; name: string }[] {
  return [...table.entries()]
    .filter(([value, name]) => value > 0 && name.toLowerCase() !== 'background')
    .sort((a, b) => a[0] - b[0])
    .map(([value, name]) => ({ value, name }));
}
