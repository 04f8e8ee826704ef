/**
 * The audit log of a dataset: every version of every label file that the save history knows (who wrote it,
 * when, how: original, save, revert, external change), plus the review decisions the app recorded, oldest first.
 * Only files that have a history are read (their current bytes give the version in place), so a large dataset
 * with few corrections is quick. Paths are relative to the dataset root.
 */
import { stat } from 'node:fs/promises';
import { labelPath, type CaseEntry, type DatasetManifest, type LabelEntry } from '../dataset/manifest';
import { fileRef } from '../engine/label-volumes';
import { historyDir, type LabelStore } from '../store';
import { decisionEvents, sortAudit, type AuditDecision, type AuditEvent } from '../../shared/export/audit-log';
import { checkpoint, type ExportControl } from './control';

export async function collectAuditEvents(
  manifest: DatasetManifest,
  store: LabelStore,
  decisions: readonly AuditDecision[] = [],
  control: ExportControl = {},
): Promise<AuditEvent[]> {
  // One entry per file: a multi-label map's history holds all its labels' saves.
  const files = new Map<string, { label: LabelEntry; entry: CaseEntry }>();
  for (const entry of manifest.cases) for (const label of entry.labels) if (!files.has(label.source.path)) files.set(label.source.path, { label, entry });
  const events: AuditEvent[] = [];
  const all = [...files.values()];
  for (let i = 0; i < all.length; i++) {
    checkpoint(control.signal);
    if (i % 64 === 0) control.onProgress?.(i, all.length, 'checking');
    const { label, entry } = all[i];
    const ref = fileRef(label, entry);
    const dirs = [historyDir(store.root, ref.caseId, ref.file), historyDir(store.workspaceDir, ref.caseId, ref.file)];
    const has = await Promise.all(dirs.map((d) => stat(d).then((s) => s.isDirectory(), () => false)));
    if (!has.some(Boolean)) continue;
    // The history lists the newest first; the log wants the oldest first (ties keep this order).
    for (const h of (await store.history(ref)).reverse()) {
      events.push({
        time: h.writtenAt,
        action: h.kind,
        caseId: label.caseId,
        labelPath: h.labelPath,
        file: ref.file,
        who: h.annotator,
        version: h.version,
        replacedAt: h.current ? null : h.time,
        decision: null,
        note: '',
      });
    }
  }
  control.onProgress?.(all.length, all.length, 'checking');
  const caseOf = new Map<string, string>();
  for (const c of manifest.cases) for (const l of c.labels) caseOf.set(labelPath(l.source), c.id);
  return sortAudit([...events, ...decisionEvents(decisions, (p) => caseOf.get(p))]);
}
