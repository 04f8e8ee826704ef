/**
 * The editing calls over the browser host: loadLabel and saveMask as binary envelopes over HTTP (what the
 * renderer's http-client sends), with the token and validation of the mask.
 */
import { request } from 'node:http';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/core/engine/engine';
import { readNifti } from '../../src/core/nifti';
import type { HistoryEntry, LabelVolumes, SaveResult } from '../../src/shared/api';
import { decodeEnvelope, encodeEnvelope } from '../../src/shared/binary-envelope';
import { startWebHost, type WebHost } from '../../src/web/server';
import { copySample, scratchDir, TINY, type Scratch } from '../core/engine/fixtures';

type Reply<T> = { ok: true; value: T } | { ok: false; error: string };

describe('web host: editing over binary envelopes', () => {
  let tmp: Scratch;
  let engine: Engine;
  let host: WebHost;
  let dataset: string;
  const LIVER = 's0001/segmentations/liver.nii.gz';

  /** POSTs `{ arg }` as an envelope (or JSON) and decodes the reply by its content type. */
  const call = <T>(method: string, arg: unknown, opts: { json?: boolean } = {}): Promise<{ status: number; type: string; reply: Reply<T> }> =>
    new Promise((resolve, reject) => {
      const body = opts.json ? Buffer.from(JSON.stringify({ arg })) : encodeEnvelope({ arg });
      const req = request(
        {
          host: '127.0.0.1',
          port: host.port,
          method: 'POST',
          path: `/api/${method}`,
          headers: { 'content-type': opts.json ? 'application/json' : 'application/octet-stream', 'x-sentinel-token': host.token, 'content-length': body.length },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const bytes = new Uint8Array(Buffer.concat(chunks));
            const type = String(res.headers['content-type']);
            const reply = (type.startsWith('application/octet-stream') ? decodeEnvelope(bytes) : JSON.parse(Buffer.from(bytes).toString('utf8'))) as Reply<T>;
            resolve({ status: res.statusCode ?? 0, type, reply });
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });

  const value = <T>(r: { reply: Reply<T> }): T => {
    if (!r.reply.ok) throw new Error(r.reply.error);
    return r.reply.value;
  };

  beforeAll(async () => {
    tmp = await scratchDir('web-editing');
    dataset = await copySample(join(tmp.dir, 'allowed', 'sample'));
    const staticDir = join(tmp.dir, 'renderer');
    await mkdir(staticDir);
    await writeFile(join(staticDir, 'index.html'), '<!doctype html><title>t</title>');
    engine = new Engine({ modelPath: TINY, executionProviders: ['cpu'], threads: 1, workspacesDir: join(tmp.dir, 'ws') });
    host = await startWebHost({ engine, staticDir, port: 0, allowedRoots: [join(tmp.dir, 'allowed')] });
  });

  afterAll(async () => {
    await host?.close();
    await engine?.close();
    await tmp?.cleanup();
  });

  it('loads a label as typed arrays, saves an edit, and lists its history', async () => {
    expect(value(await call<{ root: string }>('openProject', dataset)).root).toBe(dataset);
    const loaded = await call<LabelVolumes>('loadLabel', { root: dataset, caseId: 's0001', labelPath: LIVER });
    expect(loaded.type).toBe('application/octet-stream');
    const v = value(loaded);
    const file = await readNifti(join(dataset, LIVER));
    expect(v.ct).toBeInstanceOf(Int16Array);
    expect(v.mask).toBeInstanceOf(Uint8Array);
    expect(v.context).toBeInstanceOf(Uint8Array);
    expect(v.ct.length).toBe(v.geometry.dims[0] * v.geometry.dims[1] * v.geometry.dims[2]);
    expect(Array.from(v.mask)).toEqual(Array.from(file.volume.data, (x) => (x > 0 ? 1 : 0)));

    // Erase the liver on its lowest slice that has voxels.
    const per = v.geometry.dims[0] * v.geometry.dims[1];
    const edited = v.mask.slice();
    let k = 0;
    while (!edited.subarray(k * per, (k + 1) * per).some((x) => x)) k++;
    edited.fill(0, k * per, (k + 1) * per);
    const saved = value(await call<SaveResult>('saveMask', { root: dataset, caseId: 's0001', labelPath: LIVER, mask: edited, annotator: 'web', baseVersion: v.version }));
    expect(saved).toMatchObject({ changed: true, savedTo: LIVER, rescoreQueued: true });
    const after = await readNifti(join(dataset, LIVER));
    expect(Array.from(after.volume.data, (x) => (x > 0 ? 1 : 0))).toEqual(Array.from(edited));

    const history = value(await call<HistoryEntry[]>('listHistory', { root: dataset, caseId: 's0001', labelPath: LIVER }));
    expect(history.map((h) => h.kind)).toEqual(['save', 'original']);
    const reverted = value(await call<SaveResult>('revert', { root: dataset, caseId: 's0001', labelPath: LIVER, version: history[1].version, annotator: 'web' }));
    expect(reverted.version).toBe(v.version);
    // Small calls still work as JSON.
    expect((await call('listHistory', { root: dataset, caseId: 's0001', labelPath: LIVER }, { json: true })).type).toMatch(/json/);
  });

  it('validates the mask: a Uint8Array of the label\'s voxel count', async () => {
    const v = value(await call<LabelVolumes>('loadLabel', { root: dataset, caseId: 's0001', labelPath: LIVER }));
    const base = { root: dataset, caseId: 's0001', labelPath: LIVER, annotator: 'web', baseVersion: v.version };
    const wrongType = await call('saveMask', { ...base, mask: new Int16Array(v.mask.length) });
    expect(wrongType.reply.ok === false && wrongType.reply.error).toMatch(/mask/);
    const wrongLength = await call('saveMask', { ...base, mask: new Uint8Array(v.mask.length - 1) });
    expect(wrongLength.reply.ok === false && wrongLength.reply.error).toMatch(/voxels/);
    const asJson = await call('saveMask', { ...base, mask: Array.from(v.mask) }, { json: true });
    expect(asJson.reply.ok === false && asJson.reply.error).toMatch(/mask/);
    const notOpen = await call('loadLabel', { root: join(tmp.dir, 'elsewhere'), caseId: 's0001', labelPath: LIVER });
    expect(notOpen.reply.ok === false && notOpen.reply.error).toMatch(/not open/);
    const broken = await new Promise<number>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: host.port, method: 'POST', path: '/api/loadLabel', headers: { 'content-type': 'application/octet-stream', 'x-sentinel-token': host.token } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end(Buffer.from('not an envelope'));
    });
    expect(broken).toBe(400);
  });
});
