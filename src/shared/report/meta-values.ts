/**
 * Reading sex and age out of per-case metadata. TotalSegmentator's meta.csv calls the column `gender` with values
 * m/f and gives `age` in years; DICOM-derived tables use PatientSex (M/F/O) and PatientAge ("045Y").
 * Anything else (empty, O, unknown) counts as missing, never as a third group.
 */
import type { CaseMeta } from './model';

export type Sex = 'female' | 'male';

const SEX_COLUMNS = ['sex', 'gender', 'patient_sex', 'patientsex'];
const AGE_COLUMNS = ['age', 'patient_age', 'patientage'];

/** Every column name found in any case's metadata, in first-seen order. */
export function metaColumns(meta: CaseMeta): string[] {
  const seen = new Set<string>();
  for (const row of meta.values()) for (const k of Object.keys(row)) seen.add(k);
  return [...seen];
}

function findColumn(meta: CaseMeta, names: string[]): string | null {
  const columns = metaColumns(meta);
  for (const name of names) {
    const hit = columns.find((c) => c.trim().toLowerCase() === name);
    if (hit !== undefined) return hit;
  }
  return null;
}

export const sexColumn = (meta: CaseMeta): string | null => findColumn(meta, SEX_COLUMNS);
export const ageColumn = (meta: CaseMeta): string | null => findColumn(meta, AGE_COLUMNS);

export function parseSex(value: string | undefined): Sex | null {
  const v = (value ?? '').trim().toLowerCase();
  if (v === 'f' || v === 'female' || v === 'w' || v === 'woman') return 'female';
  if (v === 'm' || v === 'male' || v === 'man') return 'male';
  return null;
}

const AGE_UNIT_YEARS: Record<string, number> = { y: 1, m: 1 / 12, w: 7 / 365.25, d: 1 / 365.25 };

/** Age in years from "63", "63.5" or DICOM's "063Y" / "018M" / "003W" / "010D"; null otherwise. */
export function parseAge(value: string | undefined): number | null {
  const m = /^(\d+(?:\.\d+)?)\s*([ymwd])?$/i.exec((value ?? '').trim());
  if (!m) return null;
  const years = Number(m[1]) * AGE_UNIT_YEARS[(m[2] ?? 'y').toLowerCase()];
  return Number.isFinite(years) && years < 150 ? years : null;
}
