/**
 * The review and audit log: who wrote which version of which label file, when (saves, reverts, the original as
 * found, changes made outside the app), and who decided what about a label (accept, fixed, reject, flag).
 * Versions come from the dataset's save history (core/store), decisions from the app's project database.
 * One event per row, oldest first.
 */
import { formatCsvRow } from '../csv-text';

export type AuditAction = 'original' | 'save' | 'revert' | 'external' | 'decision';

export interface AuditEvent {
  /** ISO time it happened: when the version was written, or when the decision was made. */
  time: string;
  action: AuditAction;
  caseId: string;
  /** The label the save wrote or the decision is about; null for a version not written by a save. */
  labelPath: string | null;
  /** The file, relative to the dataset root (versions only). */
  file: string | null;
  /** The annotator; null when unknown (a file found as it was). */
  who: string | null;
  /** A history id (usable in revert) or, for the version in place, its content version. */
  version: string | null;
  /** When a later save replaced this version; null for the version in place and for decisions. */
  replacedAt: string | null;
  /** accept, fixed, reject or flag (decisions only). */
  decision: string | null;
  note: string;
}

/** A decision as the app's database holds it (ReviewRow) or a project export carries it. */
export interface AuditDecision {
  caseId?: string;
  labelPath: string;
  decision: string;
  note?: string;
  annotator?: string | null;
  time: string;
}

export const AUDIT_FORMAT = 'sentinel-audit-log';
export const AUDIT_VERSION = 1;
export const AUDIT_COLUMNS = ['time', 'action', 'case', 'label_path', 'file', 'who', 'version', 'replaced_at', 'decision', 'note'] as const;

/** Decisions as audit events; `caseOf` finds a label's case when the decision does not name it. */
export function decisionEvents(decisions: readonly AuditDecision[], caseOf: (labelPath: string) => string | undefined): AuditEvent[] {
  return decisions.map((d) => ({
    time: d.time,
    action: 'decision',
    caseId: d.caseId ?? caseOf(d.labelPath) ?? '',
    labelPath: d.labelPath,
    file: null,
    who: d.annotator ?? null,
    version: null,
    replacedAt: null,
    decision: d.decision,
    note: d.note ?? '',
  }));
}

/**
 * Oldest first; events of the same time by case, then file or label. Events of one file at the same millisecond
 * keep the order they were given in (the sort is stable): give each file's versions oldest first.
 */
export function sortAudit(events: readonly AuditEvent[]): AuditEvent[] {
  return [...events].sort((a, b) => cmp(a.time, b.time) || cmp(a.caseId, b.caseId) || cmp(a.file ?? a.labelPath ?? '', b.file ?? b.labelPath ?? ''));
}

export function auditCsvText(events: readonly AuditEvent[]): string {
  const rows = events.map((e) =>
    formatCsvRow([e.time, e.action, e.caseId, e.labelPath ?? '', e.file ?? '', e.who ?? '', e.version ?? '', e.replacedAt ?? '', e.decision ?? '', e.note]),
  );
  return [formatCsvRow([...AUDIT_COLUMNS]), ...rows].join('\n') + '\n';
}

export function auditJsonText(events: readonly AuditEvent[], createdAt: string): string {
  return `${JSON.stringify({ format: AUDIT_FORMAT, version: AUDIT_VERSION, createdAt, events }, null, 2)}\n`;
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
