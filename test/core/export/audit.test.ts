/**
 * The audit log from a real save history: a label saved by two annotators, then reverted to the original by a
 * third (core/store, as the editor saves), plus a decision from the app's database. The log must tell who wrote
 * which version when, oldest first, with the version ids the history uses; files without history add nothing.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanDataset, type DatasetManifest } from '../../../src/core/dataset';
import { fileRef } from '../../../src/core/engine/label-volumes';
import { collectAuditEvents, ExportFolder, exportAudit } from '../../../src/core/export';
import { isHistoryId, LabelStore } from '../../../src/core/store';
import { parseCsv } from '../../../src/shared/csv-text';
import { AUDIT_COLUMNS, type AuditEvent } from '../../../src/shared/export/audit-log';
import { scratchDir, type Scratch } from '../engine/fixtures';
import { N, writeCase } from './tiny-dataset';

let scratch: Scratch;
let root: string;
let manifest: DatasetManifest;
let store: LabelStore;
const versions: string[] = [];
const LIVER = 'c1/segmentations/liver.nii.gz';

beforeAll(async () => {
  scratch = await scratchDir('export-audit');
  root = join(scratch.dir, 'ds');
  await writeCase(root, 'c1', 1);
  manifest = await scanDataset(root);
  store = await LabelStore.open({ root, workspaceDir: join(scratch.dir, 'ws') });
  const label = manifest.cases[0].labels.find((l) => l.organ === 'liver');
  if (!label) throw new Error('no liver');
  const ref = fileRef(label);
  const first = new Uint8Array(N).fill(0);
  first.fill(1, 0, 30);
  const second = new Uint8Array(N).fill(0);
  second.fill(1, 10, 50);
  const v0 = (await store.readCurrent(LIVER)).version;
  const a = await store.saveMask(ref, first, { annotator: 'alice', baseVersion: v0 });
  const b = await store.saveMask(ref, second, { annotator: 'bob', baseVersion: a.version });
  const original = (await store.history(ref)).find((h) => h.kind === 'original');
  if (!original) throw new Error('no original in the history');
  const c = await store.revert(ref, original.version, 'carol');
  versions.push(v0, a.version, b.version, c.version);
});

afterAll(async () => {
  await scratch?.cleanup();
});

const decision = { labelPath: LIVER, decision: 'fixed', note: 'back to the original', annotator: 'dave', time: '2999-01-01T00:00:00.000Z' };

describe('audit log', () => {
  let events: AuditEvent[];

  it('lists who wrote which version when, oldest first, and the decisions', async () => {
    events = await collectAuditEvents(manifest, store, [decision]);
    expect(events.map((e) => [e.action, e.who, e.file ?? e.labelPath])).toEqual([
      ['original', null, LIVER],
      ['save', 'alice', LIVER],
      ['save', 'bob', LIVER],
      ['revert', 'carol', LIVER],
      ['decision', 'dave', LIVER],
    ]);
    expect(events.every((e) => e.caseId === 'c1')).toBe(true);
    const times = events.map((e) => e.time);
    expect([...times].sort()).toEqual(times);
    // Replaced versions carry their history id and when they were replaced; the version in place its content version.
    expect(events.slice(0, 3).every((e) => e.version !== null && isHistoryId(e.version) && e.replacedAt !== null)).toBe(true);
    expect(events[3]).toMatchObject({ version: versions[3], replacedAt: null });
    expect(versions[3]).toBe(versions[0]); // reverted to the original bytes
    expect(events.slice(1, 4).map((e) => e.labelPath)).toEqual([LIVER, LIVER, LIVER]);
    expect(events[4]).toMatchObject({ decision: 'fixed', note: 'back to the original', version: null });
  });

  it('writes the log as CSV and JSON', async () => {
    const folder = await ExportFolder.open(join(scratch.dir, 'out'), { create: true });
    const r = await exportAudit(folder, manifest, store, [decision]);
    expect(r.events).toBe(5);
    expect(r.paths.map((p) => p.slice(folder.dir.length + 1))).toEqual(['audit-log.csv', 'audit-log.json']);
    const rows = parseCsv(await readFile(r.paths[0], 'utf8'));
    expect(rows[0]).toEqual([...AUDIT_COLUMNS]);
    expect(rows.slice(1).map((row) => row[1])).toEqual(['original', 'save', 'save', 'revert', 'decision']);
    const doc = JSON.parse(await readFile(r.paths[1], 'utf8')) as { format: string; events: AuditEvent[] };
    expect(doc.format).toBe('sentinel-audit-log');
    expect(doc.events).toEqual(events);
    expect(JSON.stringify(doc)).not.toContain(root); // paths relative to the dataset only
  });
});
