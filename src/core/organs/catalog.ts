/**
 * The 145 DAP Atlas organs and their CLIP text embeddings (the model's `embedding` input), loaded from
 * resources/organs: names.json, embeddings.index.json and the float32 little-endian matrix it describes.
 */
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { SentinelError, asSentinelError } from '../errors';
import { organsDir } from './resources-dir';
import { normaliseOrganName } from './normalise';
import { isRecord, readJsonFile } from './read-json';

export interface DapOrgan {
  /** DAP Atlas label id, 0..144; also the embedding's row. */
  id: number;
  name: string;
}

/** DAP labels 0 (Background) and 1 (Left to annotate) are not organs: nothing maps to them. */
export const NON_ORGAN_IDS: ReadonlySet<number> = new Set([0, 1]);

export interface OrganCatalog {
  /** The organs folder the catalogue was read from. */
  readonly dir: string;
  /** Indexed by id. */
  readonly organs: readonly DapOrgan[];
  /** Embedding length (512). */
  readonly dim: number;
  /** A copy of the organ's embedding, as the authors made it (not L2-normalised). */
  getEmbedding(dapId: number): Float32Array;
  /** The id of a DAP name, compared after normaliseOrganName; undefined when DAP has no such name. */
  idByName(name: string): number | undefined;
}

function parseNames(json: unknown, file: string): DapOrgan[] {
  const list = isRecord(json) ? json.organs : undefined;
  if (!Array.isArray(list)) throw new SentinelError('corrupt', 'expected {"organs": [{id, name}, ...]}', file);
  return list.map((o: unknown, i: number) => {
    if (!isRecord(o) || o.id !== i || typeof o.name !== 'string' || o.name.trim() === '') {
      throw new SentinelError('corrupt', `organ #${i} must be {"id": ${i}, "name": <non-empty string>}`, file);
    }
    return { id: i, name: o.name };
  });
}

interface EmbeddingIndex {
  file: string;
  rows: number;
  dim: number;
  sha256: string;
}

function parseIndex(json: unknown, file: string): EmbeddingIndex {
  if (
    !isRecord(json) ||
    typeof json.file !== 'string' ||
    json.dtype !== 'float32' ||
    json.endianness !== 'little' ||
    !Number.isInteger(json.rows) ||
    !Number.isInteger(json.dim) ||
    typeof json.sha256 !== 'string'
  ) {
    throw new SentinelError('corrupt', 'expected {file, dtype: "float32", endianness: "little", rows, dim, sha256}', file);
  }
  return { file: json.file, rows: json.rows as number, dim: json.dim as number, sha256: json.sha256.toLowerCase() };
}

function readMatrix(index: EmbeddingIndex, dir: string): Float32Array {
  const file = path.join(dir, index.file);
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    throw asSentinelError(err, file);
  }
  const expected = index.rows * index.dim * 4;
  if (bytes.length !== expected) {
    throw new SentinelError(bytes.length < expected ? 'truncated' : 'corrupt', `${bytes.length} bytes, expected ${expected}`, file);
  }
  const digest = createHash('sha256').update(bytes).digest('hex');
  if (digest !== index.sha256) throw new SentinelError('corrupt', `sha256 ${digest} differs from the index's ${index.sha256}`, file);
  // DataView reads little-endian whatever the host's byte order.
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(index.rows * index.dim);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

/** Reads the catalogue from `<resourcesDir>/organs` (resourcesDir resolved by resolveResourcesDir). */
export function loadOrganCatalog(resourcesDir?: string): OrganCatalog {
  const dir = organsDir(resourcesDir);
  const namesFile = path.join(dir, 'names.json');
  const indexFile = path.join(dir, 'embeddings.index.json');
  const organs = parseNames(readJsonFile(namesFile), namesFile);
  const index = parseIndex(readJsonFile(indexFile), indexFile);
  if (index.rows !== organs.length) {
    throw new SentinelError('corrupt', `${index.rows} embedding rows for ${organs.length} organs in names.json`, indexFile);
  }
  const matrix = readMatrix(index, dir);

  const byName = new Map<string, number>();
  for (const o of organs) {
    const key = normaliseOrganName(o.name);
    if (byName.has(key)) throw new SentinelError('corrupt', `two organs are named "${key}"`, namesFile);
    byName.set(key, o.id);
  }
  const dim = index.dim;
  return {
    dir,
    organs,
    dim,
    getEmbedding(dapId: number): Float32Array {
      if (!Number.isInteger(dapId) || dapId < 0 || dapId >= organs.length) {
        throw new SentinelError('invalid_argument', `no DAP Atlas organ with id ${dapId} (0..${organs.length - 1})`);
      }
      return matrix.slice(dapId * dim, (dapId + 1) * dim);
    },
    idByName(name: string): number | undefined {
      return byName.get(normaliseOrganName(name));
    },
  };
}
