import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkNiftiComplete } from '../../../src/core/dataset/integrity';
import { readNiftiHeader } from '../../../src/core/nifti';
import { HAVE_DATA, SEG } from './fixtures';

describe.skipIf(!HAVE_DATA)('checkNiftiComplete', () => {
  let tmp: string;
  let raw: Buffer;
  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'sentinel-integrity-'));
    raw = gunzipSync(await readFile(SEG));
  });
  afterAll(() => rm(tmp, { recursive: true, force: true }));

  const write = async (name: string, bytes: Uint8Array): Promise<string> => {
    const p = path.join(tmp, name);
    await writeFile(p, bytes);
    return p;
  };

  it('accepts a complete single-member and a multi-member (bgzip-like) file', async () => {
    const single = await write('single.nii.gz', gzipSync(raw));
    await expect(checkNiftiComplete(single, 'single', (await readNiftiHeader(single)).header)).resolves.toBeUndefined();
    // Two members: the trailer holds only the second member's size, so the check must inflate to be sure.
    const cut = Math.floor(raw.length / 3);
    const multi = await write('multi.nii.gz', Buffer.concat([gzipSync(raw.subarray(0, cut)), gzipSync(raw.subarray(cut))]));
    expect((await readFile(multi)).readUInt32LE((await readFile(multi)).length - 4)).not.toBe(raw.length);
    await expect(checkNiftiComplete(multi, 'multi', (await readNiftiHeader(multi)).header)).resolves.toBeUndefined();
  });

  it('reports truncated gzip files and gzip files with too little data, naming the file', async () => {
    const full = gzipSync(raw);
    const cut = await write('cut.nii.gz', full.subarray(0, Math.floor(full.length * 0.6)));
    const header = (await readNiftiHeader(cut)).header;
    await expect(checkNiftiComplete(cut, 'case/cut.nii.gz', header)).rejects.toMatchObject({ code: 'truncated', file: 'case/cut.nii.gz' });
    // A well-formed gzip of a short image: the stream ends cleanly but holds fewer bytes than the header says.
    const short = await write('short.nii.gz', gzipSync(raw.subarray(0, raw.length - 1000)));
    await expect(checkNiftiComplete(short, 'short', header)).rejects.toThrow(/truncated: \d+ of \d+ bytes/);
  });
});
