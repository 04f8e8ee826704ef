import { describe, expect, it, afterEach } from 'vitest';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SentinelError } from '../../../src/core/errors';
import { loadOrganCatalog, loadOrganEmbeddings, resolveResourcesDir, RESOURCES_ENV } from '../../../src/core/organs';
import { HAVE_SHARED, QS_DIR, RESOURCES, readDapCsv } from './paths';

const catalog = loadOrganCatalog(RESOURCES);

describe('organ catalogue', () => {
  it('has 145 organs with ids 0..144 and 512-long embeddings', () => {
    expect(catalog.organs).toHaveLength(145);
    catalog.organs.forEach((o, i) => expect(o.id).toBe(i));
    expect(catalog.dim).toBe(512);
    expect(catalog.getEmbedding(144)).toHaveLength(512);
  });

  it.skipIf(!HAVE_SHARED)('names equal the upstream CSV (trimmed)', () => {
    expect(catalog.organs.map((o) => o.name)).toEqual(readDapCsv());
  });

  it.skipIf(!HAVE_SHARED)('embeddings equal the shared float32 file bit for bit', () => {
    const bin = readFileSync(path.join(QS_DIR, 'organ_embeddings.f32.bin'));
    expect(bin.length).toBe(145 * 512 * 4);
    for (let id = 0; id < 145; id++) {
      const e = catalog.getEmbedding(id);
      for (let k = 0; k < 512; k++) {
        const want = bin.readFloatLE((id * 512 + k) * 4);
        if (!Object.is(e[k], want)) throw new Error(`organ ${id} value ${k}: ${e[k]} != ${want}`);
      }
    }
  });

  it.skipIf(!HAVE_SHARED)('embeddings equal the shared JSON export with the same names', () => {
    const json = JSON.parse(readFileSync(path.join(QS_DIR, 'organ_embeddings.json'), 'utf8')) as {
      labels: Record<string, { name: string; embedding: number[] }>;
    };
    for (let id = 0; id < 145; id++) {
      const row = json.labels[String(id)];
      expect(row.name.trim()).toBe(catalog.organs[id].name);
      expect(Array.from(catalog.getEmbedding(id))).toEqual(row.embedding);
    }
  });

  it('embeddings are not normalised: norms between 8 and 13', () => {
    for (let id = 0; id < 145; id++) {
      const e = catalog.getEmbedding(id);
      const norm = Math.hypot(...e);
      expect(norm).toBeGreaterThan(8);
      expect(norm).toBeLessThan(13);
    }
  });

  it('getEmbedding returns a copy and rejects unknown ids', () => {
    const a = catalog.getEmbedding(13);
    const first = a[0];
    a[0] = 1e6;
    expect(catalog.getEmbedding(13)[0]).toBe(first);
    for (const bad of [-1, 145, 1.5, NaN]) {
      expect(() => catalog.getEmbedding(bad)).toThrowError(expect.objectContaining({ code: 'invalid_argument' }));
    }
  });

  it('finds DAP names whatever their spelling', () => {
    expect(catalog.idByName('Kidney_Left')).toBe(catalog.organs.findIndex((o) => o.name === 'kidney left'));
    expect(catalog.idByName('heart')).toBe(catalog.organs.findIndex((o) => o.name === 'heart'));
    expect(catalog.idByName('not an organ')).toBeUndefined();
  });

  it('loadOrganEmbeddings serves the same rows', async () => {
    const emb = await loadOrganEmbeddings(RESOURCES);
    expect(emb.count).toBe(145);
    expect(emb.embedding(17)).toEqual(catalog.getEmbedding(17));
  });
});

describe('resources dir', () => {
  const saved = process.env[RESOURCES_ENV];
  afterEach(() => {
    if (saved === undefined) delete process.env[RESOURCES_ENV];
    else process.env[RESOURCES_ENV] = saved;
  });

  it('defaults to the repository resources, then the environment, then an explicit dir', () => {
    delete process.env[RESOURCES_ENV];
    expect(resolveResourcesDir()).toBe(path.resolve(RESOURCES));
    process.env[RESOURCES_ENV] = '/somewhere/else';
    expect(resolveResourcesDir()).toBe(path.resolve('/somewhere/else'));
    expect(resolveResourcesDir('/explicit')).toBe(path.resolve('/explicit'));
  });
});

describe('damaged organ resources', () => {
  function copyResources(): string {
    const dir = mkdtempSync(path.join(tmpdir(), 'organs-'));
    mkdirSync(path.join(dir, 'organs'));
    for (const f of ['names.json', 'embeddings.index.json', 'embeddings.f32.bin', 'mappings.json']) {
      copyFileSync(path.join(RESOURCES, 'organs', f), path.join(dir, 'organs', f));
    }
    return dir;
  }

  function codeOf(fn: () => unknown): string {
    try {
      fn();
    } catch (err) {
      expect(err).toBeInstanceOf(SentinelError);
      return (err as SentinelError).code;
    }
    return 'no error';
  }

  it('names the problem: missing, truncated, altered, malformed', () => {
    const dir = copyResources();
    try {
      const bin = path.join(dir, 'organs', 'embeddings.f32.bin');
      const bytes = readFileSync(bin);
      truncateSync(bin, 1000);
      expect(codeOf(() => loadOrganCatalog(dir))).toBe('truncated');
      bytes[4000] ^= 1;
      writeFileSync(bin, bytes);
      expect(codeOf(() => loadOrganCatalog(dir))).toBe('corrupt');
      rmSync(bin);
      expect(codeOf(() => loadOrganCatalog(dir))).toBe('not_found');
      writeFileSync(path.join(dir, 'organs', 'names.json'), '{"organs": [');
      expect(codeOf(() => loadOrganCatalog(dir))).toBe('corrupt');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
