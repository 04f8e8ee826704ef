/**
 * Encoding NRRD files (NRRD0004): a 3D volume, or Slicer's 4D layer stack (list axis first). The caller gives the
 * space to write in; the affine (RAS) is converted to it. Bytes are returned, never written here.
 */
import { promisify } from 'node:util';
import { gzip as gzipCb, type ZlibOptions } from 'node:zlib';
import { SentinelError } from '../../errors';
import type { Vec3, VoxelArray } from '../../volume';
import { TYPE_BYTES, TYPE_FIELD, type NrrdTypeName } from './header';

const gzipAsync = promisify<Uint8Array, ZlibOptions, Buffer>(gzipCb);

export type NrrdSpace = 'left-posterior-superior' | 'right-anterior-superior' | 'left-anterior-superior';
const TO_RAS: Record<NrrdSpace, Vec3> = {
  'left-posterior-superior': [-1, -1, 1],
  'right-anterior-superior': [1, 1, 1],
  'left-anterior-superior': [-1, 1, 1],
};

export interface NrrdEncodeInput {
  dims: Vec3;
  /** Voxel → RAS+ affine, row-major 4×4. */
  affine: number[];
  /** One array per layer (one for a 3D file), each of dims[0]·dims[1]·dims[2] values, i fastest. */
  layers: VoxelArray[];
  type?: NrrdTypeName;
  encoding: 'raw' | 'gzip';
  space: NrrdSpace;
  /** Fields other than the ones geometry and layout decide (e.g. "content"), kept from a source header. */
  extraFields?: [string, string][];
  keyValues?: [string, string][];
  /** Detached data: the header names this file and carries no data. */
  dataFile?: string;
}

export interface EncodedNrrd {
  header: Uint8Array;
  data: Uint8Array;
}

/** Fields a writer decides; a source header's own values for them are not carried over. */
export const LAYOUT_FIELDS = new Set([
  'type', 'dimension', 'sizes', 'endian', 'encoding', 'space', 'space dimension', 'space directions', 'space origin',
  'kinds', 'spacings', 'thicknesses', 'axis mins', 'axis maxs', 'centers', 'labels', 'units', 'space units',
  'data file', 'line skip', 'byte skip', 'min', 'max', 'old min', 'old max', 'block size', 'number',
]);

/** The smallest unsigned integer type that holds every value; float32 when a value is not a whole number. */
export function typeFor(values: readonly VoxelArray[], preferred?: NrrdTypeName): NrrdTypeName {
  let min = 0;
  let max = 0;
  let whole = true;
  for (const a of values) {
    for (let i = 0; i < a.length; i++) {
      const v = a[i];
      if (v < min) min = v;
      if (v > max) max = v;
      if (whole && !Number.isInteger(v)) whole = false;
    }
  }
  const fits = (t: NrrdTypeName): boolean => {
    const r: Record<NrrdTypeName, [number, number]> = {
      int8: [-128, 127], uint8: [0, 255], int16: [-32768, 32767], uint16: [0, 65535],
      int32: [-(2 ** 31), 2 ** 31 - 1], uint32: [0, 2 ** 32 - 1], float32: [-Infinity, Infinity], float64: [-Infinity, Infinity],
    };
    return min >= r[t][0] && max <= r[t][1] && (whole || t === 'float32' || t === 'float64');
  };
  if (preferred && fits(preferred)) return preferred;
  if (!whole) return 'float32';
  for (const t of ['uint8', 'uint16', 'int16', 'int32'] as NrrdTypeName[]) if (fits(t)) return t;
  return 'float64';
}

function num(x: number): string {
  return Object.is(x, -0) ? '0' : String(x);
}

function vector(v: readonly number[]): string {
  return `(${v.map(num).join(',')})`;
}

/** Teem escapes newlines and backslashes in key/value pairs. */
function escapeKv(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

const CTORS: Record<NrrdTypeName, new (n: number) => VoxelArray> = {
  int8: Int8Array, uint8: Uint8Array, int16: Int16Array, uint16: Uint16Array,
  int32: Int32Array, uint32: Uint32Array, float32: Float32Array, float64: Float64Array,
};

export async function encodeNrrd(input: NrrdEncodeInput): Promise<EncodedNrrd> {
  const { dims, affine, layers } = input;
  const voxels = dims[0] * dims[1] * dims[2];
  if (layers.length === 0 || layers.some((l) => l.length !== voxels)) {
    throw new SentinelError('invalid_argument', `each layer must hold ${voxels} voxels (${dims.join('x')})`);
  }
  const type = input.type ?? typeFor(layers);
  const s = TO_RAS[input.space];
  const dirs = [0, 1, 2].map((c) => [0, 1, 2].map((r) => s[r] * affine[r * 4 + c]));
  const origin = [0, 1, 2].map((r) => s[r] * affine[r * 4 + 3]);
  const layered = layers.length > 1;
  const sizes = layered ? [layers.length, ...dims] : [...dims];
  const lines = [
    'NRRD0004',
    '# Complete NRRD file format specification at:',
    '# http://teem.sourceforge.net/nrrd/format.html',
    `type: ${TYPE_FIELD[type]}`,
    `dimension: ${sizes.length}`,
    `space: ${input.space}`,
    `sizes: ${sizes.join(' ')}`,
    `space directions: ${layered ? 'none ' : ''}${dirs.map(vector).join(' ')}`,
    `kinds: ${layered ? 'list ' : ''}domain domain domain`,
    ...(TYPE_BYTES[type] > 1 ? ['endian: little'] : []),
    `encoding: ${input.encoding}`,
    `space origin: ${vector(origin)}`,
    ...(input.extraFields ?? []).filter(([k]) => !LAYOUT_FIELDS.has(k)).map(([k, v]) => `${k}: ${v}`),
    ...(input.dataFile !== undefined ? [`data file: ${input.dataFile}`] : []),
    ...(input.keyValues ?? []).map(([k, v]) => `${escapeKv(k)}:=${escapeKv(v)}`),
  ];
  const out = new CTORS[type](voxels * layers.length);
  if (!layered) out.set(layers[0]);
  else {
    const n = layers.length;
    layers.forEach((layer, l) => {
      for (let v = 0; v < voxels; v++) out[v * n + l] = layer[v];
    });
  }
  // Little-endian hosts only (every platform Node and Electron run on): the typed array's bytes are the file's.
  let data: Uint8Array = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  if (input.encoding === 'gzip') {
    const gz = await gzipAsync(data, { level: 6 });
    data = new Uint8Array(gz.buffer, gz.byteOffset, gz.byteLength);
  }
  const text = lines.join('\n') + '\n' + (input.dataFile === undefined ? '\n' : '');
  return { header: new TextEncoder().encode(text), data };
}

/** Header and data in one attached .nrrd file. */
export function attached(e: EncodedNrrd): Uint8Array {
  const out = new Uint8Array(e.header.length + e.data.length);
  out.set(e.header);
  out.set(e.data, e.header.length);
  return out;
}
