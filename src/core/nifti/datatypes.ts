/** The NIfTI datatypes the engine reads and writes, and how each maps to a typed array. */
import type { VoxelArray } from '../volume';

export type NiftiDatatypeName = 'uint8' | 'int8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'float32' | 'float64';

export interface DatatypeInfo {
  name: NiftiDatatypeName;
  code: number;
  bytes: number;
  integer: boolean;
  min: number;
  max: number;
  /** Makes an array of this type: of a length, or as a view on an 8-byte-aligned buffer. */
  make: (n: number) => VoxelArray;
  view: (buf: ArrayBuffer, byteOffset: number, length: number) => VoxelArray;
}

const F32_MAX = 3.4028234663852886e38;

const TABLE: readonly DatatypeInfo[] = [
  { name: 'uint8', code: 2, bytes: 1, integer: true, min: 0, max: 255, make: (n) => new Uint8Array(n), view: (b, o, n) => new Uint8Array(b, o, n) },
  { name: 'int16', code: 4, bytes: 2, integer: true, min: -32768, max: 32767, make: (n) => new Int16Array(n), view: (b, o, n) => new Int16Array(b, o, n) },
  { name: 'int32', code: 8, bytes: 4, integer: true, min: -2147483648, max: 2147483647, make: (n) => new Int32Array(n), view: (b, o, n) => new Int32Array(b, o, n) },
  { name: 'float32', code: 16, bytes: 4, integer: false, min: -F32_MAX, max: F32_MAX, make: (n) => new Float32Array(n), view: (b, o, n) => new Float32Array(b, o, n) },
  { name: 'float64', code: 64, bytes: 8, integer: false, min: -Number.MAX_VALUE, max: Number.MAX_VALUE, make: (n) => new Float64Array(n), view: (b, o, n) => new Float64Array(b, o, n) },
  { name: 'int8', code: 256, bytes: 1, integer: true, min: -128, max: 127, make: (n) => new Int8Array(n), view: (b, o, n) => new Int8Array(b, o, n) },
  { name: 'uint16', code: 512, bytes: 2, integer: true, min: 0, max: 65535, make: (n) => new Uint16Array(n), view: (b, o, n) => new Uint16Array(b, o, n) },
  { name: 'uint32', code: 768, bytes: 4, integer: true, min: 0, max: 4294967295, make: (n) => new Uint32Array(n), view: (b, o, n) => new Uint32Array(b, o, n) },
];

/** Names of codes we do not read, so an 'unsupported' error can say what the file holds. */
const OTHER_CODES: Record<number, string> = {
  0: 'unknown',
  1: 'binary (1 bit)',
  32: 'complex64',
  128: 'rgb24',
  1024: 'int64',
  1280: 'uint64',
  1536: 'float128',
  1792: 'complex128',
  2048: 'complex256',
  2304: 'rgba32',
};

export function datatypeByCode(code: number): DatatypeInfo | undefined {
  return TABLE.find((d) => d.code === code);
}

export function datatypeByName(name: NiftiDatatypeName): DatatypeInfo {
  const d = TABLE.find((t) => t.name === name);
  if (!d) throw new Error(`unknown datatype ${name}`);
  return d;
}

/** "datatype 1024 (int64)" — for messages. */
export function describeDatatypeCode(code: number): string {
  const known = datatypeByCode(code)?.name ?? OTHER_CODES[code];
  return known ? `datatype ${code} (${known})` : `datatype ${code}`;
}

/** The datatype whose typed array `data` is. */
export function datatypeOfArray(data: VoxelArray): DatatypeInfo {
  const name: NiftiDatatypeName =
    data instanceof Uint8Array ? 'uint8'
    : data instanceof Int8Array ? 'int8'
    : data instanceof Int16Array ? 'int16'
    : data instanceof Uint16Array ? 'uint16'
    : data instanceof Int32Array ? 'int32'
    : data instanceof Uint32Array ? 'uint32'
    : data instanceof Float32Array ? 'float32'
    : 'float64';
  return datatypeByName(name);
}
