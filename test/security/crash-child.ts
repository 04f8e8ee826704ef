/**
 * The process the crash test kills (test/security/crash-safe-save.test.ts): saves one label over and over through
 * the label store, alternating two masks, printing `ready` once open and `saved <version>` after each save, until
 * it is killed. Bundled to plain JavaScript by the test, so each of the many runs starts fast.
 */
import { writeSync } from 'node:fs';
import { LabelStore, decodeVolume, labelMask, unpackNifti } from '../../src/core/store';
import { crashMask } from './crash-masks';

const [root, rel, workspaceDir] = process.argv.slice(2);
const store = await LabelStore.open({ root, workspaceDir });
const ref = { caseId: rel.split('/')[0], file: rel, labelPath: rel, label: { kind: 'file' as const } };
const a = crashMask('a');
const b = crashMask('b');
// Synchronous writes: a line written to a pipe asynchronously could be lost to the kill.
writeSync(1, 'ready\n');
for (;;) {
  const cur = await store.readCurrent(rel);
  const now = labelMask(decodeVolume(await unpackNifti(cur.bytes, cur.abs)), ref.label);
  const next = now.every((v, i) => v === a[i]) ? b : a;
  const r = await store.saveMask(ref, next, { annotator: 'crash-child', baseVersion: cur.version });
  writeSync(1, `saved ${r.version}\n`);
}
