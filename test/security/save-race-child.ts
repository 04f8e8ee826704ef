/**
 * One of the two processes of the save race (test/security/save-lock.test.ts): over and over, reads the label's
 * version, prints `ready`, waits for a `go` line on stdin, then saves one of its own two masks (the one the file
 * does not hold) from that version, printing `saved <version>`, `conflict` or `error <message>`. Both processes get
 * `go` at the same moment, so both saves start from the same version. Bundled to plain JavaScript by the test.
 */
import { writeSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { LabelStore, decodeVolume, labelMask, unpackNifti } from '../../src/core/store';
import { CRASH_DIMS } from './crash-masks';

const [root, rel, workspaceDir, who] = process.argv.slice(2);
const store = await LabelStore.open({ root, workspaceDir });
const ref = { caseId: rel.split('/')[0], file: rel, labelPath: rel, label: { kind: 'file' as const } };
const n = CRASH_DIMS[0] * CRASH_DIMS[1] * CRASH_DIMS[2];
/** Two masks of this process, different from the other process's (`who` is a or b). */
const masks = [1, 2].map((k) => {
  const seed = (who === 'a' ? 10 : 20) + k;
  return new Uint8Array(n).map((_, i) => ((i * 7 + seed * 13) % 11 < 4 ? 1 : 0));
});

const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
for (;;) {
  const cur = await store.readCurrent(rel);
  const now = labelMask(decodeVolume(await unpackNifti(cur.bytes, cur.abs)), ref.label);
  const next = masks[0].every((v, i) => v === now[i]) ? masks[1] : masks[0];
  writeSync(1, 'ready\n');
  const line = await lines.next();
  if (line.done || line.value !== 'go') process.exit(0);
  try {
    const r = await store.saveMask(ref, next, { annotator: who, baseVersion: cur.version });
    writeSync(1, `saved ${r.version}\n`);
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    writeSync(1, /conflict/.test(msg) ? 'conflict\n' : `error ${msg.replace(/\n/g, ' ')}\n`);
  }
}
