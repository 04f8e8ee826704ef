/**
 * Versions of the database schema. A version is never edited once released: a change is a new version with an
 * upgrade function, so a database written by any earlier build opens without losing data.
 *
 * v1: projects, cases, labels, score history, reviews, edits.
 * v2: labels carry their newest score and decision (`dsc`, `latest`, `decision`, `decidedAt`), indexed by
 *     [project+dsc] and [project+decision], so the review queue is one index read; the upgrade derives them
 *     from the history tables.
 * v3: review assignments (`assignments`: the planner's choices and imported assignment files), indexed by project
 *     and by [project+assignee] for "assigned to me"; a new table, so nothing to upgrade.
 */
import type { Dexie, Transaction } from 'dexie';
import { latestReview, latestScore, summaryOf } from './derive';
import type { LabelRow, ReviewRow, ScoreRow } from './rows';

export const SCHEMA_V1: Readonly<Record<string, string>> = {
  projects: '&root, openedAt',
  cases: '[project+id], project',
  labels: '[project+labelPath], project, [project+caseId], [project+organ]',
  scores: '++id, project, [project+labelPath], [project+labelPath+model]',
  reviews: '++id, project, [project+labelPath]',
  edits: '++id, project, [project+labelPath]',
};

export const SCHEMA_V2: Readonly<Record<string, string>> = {
  ...SCHEMA_V1,
  labels: '[project+labelPath], project, [project+caseId], [project+organ], [project+dsc], [project+decision]',
};

export const SCHEMA_V3: Readonly<Record<string, string>> = {
  ...SCHEMA_V2,
  assignments: '++id, project, [project+assignee]',
};

export const SCHEMA_VERSION = 3;

/** Fills the v2 fields of every label from its score and review history. */
export async function upgradeToV2(tx: Transaction): Promise<void> {
  const scores = await tx.table<ScoreRow>('scores').toArray();
  const reviews = await tx.table<ReviewRow>('reviews').toArray();
  const scoresByLabel = groupByLabel(scores);
  const reviewsByLabel = groupByLabel(reviews);
  await tx
    .table<LabelRow>('labels')
    .toCollection()
    .modify((label) => {
      const key = `${label.project}\u0000${label.labelPath}`;
      setDerivedFields(label, derivedFields(scoresByLabel.get(key) ?? [], reviewsByLabel.get(key) ?? []));
    });
}

function groupByLabel<T extends { project: string; labelPath: string }>(rows: T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of rows) {
    const key = `${r.project}\u0000${r.labelPath}`;
    const list = out.get(key);
    if (list) list.push(r);
    else out.set(key, [r]);
  }
  return out;
}

/** The v2 fields of a label with this history (also used by import, which recomputes them). */
export function derivedFields(scores: ScoreRow[], reviews: ReviewRow[]): Pick<LabelRow, 'dsc' | 'latest' | 'decision' | 'decidedAt'> {
  const s = latestScore(scores);
  const r = latestReview(reviews);
  const latest = s ? summaryOf(s) : null;
  return {
    dsc: latest && latest.status === 'ok' && latest.predictedDsc !== null ? latest.predictedDsc : undefined,
    latest,
    decision: r ? r.decision : null,
    decidedAt: r ? r.time : null,
  };
}

/** Writes derived fields onto a label; an absent DSC is deleted, not stored as undefined, to keep the row out of the index. */
export function setDerivedFields(label: LabelRow, fields: Pick<LabelRow, 'dsc' | 'latest' | 'decision' | 'decidedAt'>): void {
  Object.assign(label, fields);
  if (fields.dsc === undefined) delete label.dsc;
}

/** Declares every schema version on a database (the app's and the tests' databases alike). */
export function declareSchema(db: Dexie): void {
  db.version(1).stores({ ...SCHEMA_V1 });
  db.version(2).stores({ ...SCHEMA_V2 }).upgrade(upgradeToV2);
  db.version(3).stores({ ...SCHEMA_V3 });
}
