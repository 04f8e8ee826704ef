/**
 * Scores as files: the scores CSV (the same format `sentinel score` writes, shared/scores-csv.ts) and a JSON
 * document of the same rows. Used by the CLI, the engine and the renderer's downloads.
 */
import { SCORE_HEADER, scoreToCsvRow } from '../scores-csv';
import type { LabelScore } from '../scores';
import { redactRoot } from './redact';

export const SCORES_JSON_FORMAT = 'sentinel-scores';
export const SCORES_JSON_VERSION = 1;

export interface ScoresJson {
  format: typeof SCORES_JSON_FORMAT;
  version: typeof SCORES_JSON_VERSION;
  createdAt: string;
  labels: LabelScore[];
}

/** Sorted by case, then label path, with the dataset root taken out of messages (unless `root` is omitted). */
export function exportableScores(scores: readonly LabelScore[], root?: string): LabelScore[] {
  const out = scores.map((s) => (root ? { ...s, message: redactRoot(s.message, root) } : { ...s }));
  return out.sort((a, b) => cmp(a.caseId, b.caseId) || cmp(a.labelPath, b.labelPath));
}

export function scoresCsvText(scores: readonly LabelScore[]): string {
  return [SCORE_HEADER, ...scores.map(scoreToCsvRow)].join('\n') + '\n';
}

export function scoresJsonText(scores: readonly LabelScore[], createdAt: string): string {
  const doc: ScoresJson = { format: SCORES_JSON_FORMAT, version: SCORES_JSON_VERSION, createdAt, labels: [...scores] };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
