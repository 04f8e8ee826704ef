/** The scan's manifest as the renderer sees it: flat, JSON-only, with the organ match spelled out. */
import { labelPath, type DatasetManifest } from '../dataset/manifest';
import type { ProjectSnapshot } from '../../shared/api';

export function toProjectSnapshot(m: DatasetManifest): ProjectSnapshot {
  return {
    root: m.root,
    layout: m.layout,
    cases: m.cases.map((c) => ({ id: c.id, ctPath: c.ct.path, ...(c.meta ? { meta: c.meta } : {}) })),
    labels: m.cases.flatMap((c) =>
      c.labels.map((l) => ({
        caseId: l.caseId,
        organ: l.organ,
        labelPath: labelPath(l.source),
        organId: l.organMatch.status === 'mapped' ? l.organMatch.dapId : null,
        organName: l.organMatch.status === 'mapped' ? l.organMatch.dapName : null,
        approximate: l.organMatch.status === 'mapped' && l.organMatch.approximate,
        status: l.organMatch.status === 'unmapped' && l.status === 'ok' ? 'unmapped' : l.status,
        message: l.message ?? (l.organMatch.status === 'unmapped' ? l.organMatch.reason : ''),
      })),
    ),
    issues: m.issues.map((i) => ({ path: i.path, message: i.message })),
  };
}
