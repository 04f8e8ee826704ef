/**
 * NRRD headers (teem's format, versions NRRD0001–NRRD0005): the text fields and `key:=value` pairs, checked into a
 * layout the reader can trust before it touches any data.
 */
import { SentinelError } from '../../errors';
import type { Vec3 } from '../../volume';

export type NrrdTypeName = 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'float32' | 'float64';

const TYPE_ALIASES: Record<string, NrrdTypeName> = {
  'signed char': 'int8', int8: 'int8', int8_t: 'int8',
  uchar: 'uint8', 'unsigned char': 'uint8', uint8: 'uint8', uint8_t: 'uint8',
  short: 'int16', 'short int': 'int16', 'signed short': 'int16', 'signed short int': 'int16', int16: 'int16', int16_t: 'int16',
  ushort: 'uint16', 'unsigned short': 'uint16', 'unsigned short int': 'uint16', uint16: 'uint16', uint16_t: 'uint16',
  int: 'int32', 'signed int': 'int32', int32: 'int32', int32_t: 'int32',
  uint: 'uint32', 'unsigned int': 'uint32', uint32: 'uint32', uint32_t: 'uint32',
  float: 'float32', double: 'float64',
};

export const TYPE_BYTES: Record<NrrdTypeName, number> = {
  int8: 1, uint8: 1, int16: 2, uint16: 2, int32: 4, uint32: 4, float32: 4, float64: 8,
};

/** The name a writer puts in the `type:` field. */
export const TYPE_FIELD: Record<NrrdTypeName, string> = {
  int8: 'signed char', uint8: 'unsigned char', int16: 'short', uint16: 'unsigned short',
  int32: 'int', uint32: 'unsigned int', float32: 'float', float64: 'double',
};

export type NrrdEncoding = 'raw' | 'gzip' | 'ascii';

/** World frames the engine maps to RAS: the sign each space axis takes in RAS. */
const SPACES: Record<string, { name: string; toRas: Vec3 }> = {
  'right-anterior-superior': { name: 'right-anterior-superior', toRas: [1, 1, 1] },
  ras: { name: 'right-anterior-superior', toRas: [1, 1, 1] },
  'left-anterior-superior': { name: 'left-anterior-superior', toRas: [-1, 1, 1] },
  las: { name: 'left-anterior-superior', toRas: [-1, 1, 1] },
  'left-posterior-superior': { name: 'left-posterior-superior', toRas: [-1, -1, 1] },
  lps: { name: 'left-posterior-superior', toRas: [-1, -1, 1] },
};

/** Field names as teem spells them, with the older spellings it still accepts. */
const FIELD_ALIASES: Record<string, string> = {
  datafile: 'data file', lineskip: 'line skip', byteskip: 'byte skip', centerings: 'centers',
  axismins: 'axis mins', axismaxs: 'axis maxs', oldmin: 'old min', oldmax: 'old max',
};
const KNOWN_FIELDS = new Set([
  'type', 'dimension', 'sizes', 'endian', 'encoding', 'space', 'space dimension', 'space directions', 'space origin',
  'space units', 'kinds', 'spacings', 'thicknesses', 'axis mins', 'axis maxs', 'centers', 'labels', 'units',
  'data file', 'line skip', 'byte skip', 'content', 'min', 'max', 'old min', 'old max', 'measurement frame',
  'sample units', 'block size', 'number',
]);

export interface NrrdHeader {
  /** The header's own lines, as read (fields, key/value pairs and comments), for a writer to keep. */
  lines: string[];
  fields: Map<string, string>;
  /** `key:=value` pairs in file order. */
  keyValues: Map<string, string>;
  type: NrrdTypeName;
  sizes: number[];
  encoding: NrrdEncoding;
  littleEndian: boolean;
  /** The detached data file's name as written, if any. */
  dataFile?: string;
  lineSkip: number;
  byteSkip: number;
  /** Byte offset just past the header's blank line (where attached data starts). */
  dataOffset: number;
  warnings: string[];
}

export interface NrrdLayout {
  /** Which of the axes carry space (three of them). */
  spatialAxes: [number, number, number];
  /** The non-spatial axis of a 4D file (Slicer's layers), if any. */
  listAxis: number | null;
  dims: Vec3;
  /** Number of values along the list axis (1 without one). */
  layers: number;
  voxels: number;
  dataBytes: number;
  /** Voxel → RAS+ mm, row-major 4×4. */
  affine: number[];
  spacing: Vec3;
  /** The space the file names (normalised), or null when it names none. */
  space: string | null;
}

/** Where the header ends: just past the first empty line, or null when the bytes hold no empty line yet. */
export function findHeaderEnd(bytes: Uint8Array): number | null {
  for (let i = 0; i + 1 < bytes.length; i++) {
    if (bytes[i] !== 0x0a) continue;
    if (bytes[i + 1] === 0x0a) return i + 2;
    if (bytes[i + 1] === 0x0d && bytes[i + 2] === 0x0a) return i + 3;
  }
  return null;
}

export function isNrrdMagic(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && String.fromCharCode(...bytes.subarray(0, 7)) === 'NRRD000' && bytes[7] >= 0x31 && bytes[7] <= 0x39;
}

function bad(msg: string, path: string): SentinelError {
  return new SentinelError('corrupt', msg, path);
}

/** Parses the header text (the bytes up to its blank line, or the whole of a .nhdr). */
export function parseNrrdHeader(text: string, dataOffset: number, path: string): NrrdHeader {
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  if (!/^NRRD000[1-9]$/.test(lines[0] ?? '')) throw bad('not an NRRD file (the first line is not NRRD000x)', path);
  const fields = new Map<string, string>();
  const keyValues = new Map<string, string>();
  const warnings: string[] = [];
  for (const line of lines.slice(1)) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const field = /^([^:]+):\s(.*)$/.exec(line);
    const name = field ? normaliseField(field[1]) : undefined;
    if (field && name && KNOWN_FIELDS.has(name)) {
      if (fields.has(name)) throw bad(`the field "${name}" appears twice`, path);
      fields.set(name, field[2].trim());
      continue;
    }
    const kv = line.indexOf(':=');
    if (kv > 0) {
      keyValues.set(unescapeKv(line.slice(0, kv)), unescapeKv(line.slice(kv + 2)));
      continue;
    }
    if (field) warnings.push(`unknown NRRD field "${field[1]}" ignored`);
    else throw bad(`cannot read the header line "${line.slice(0, 80)}"`, path);
  }
  for (const required of ['type', 'dimension', 'sizes', 'encoding']) {
    if (!fields.has(required)) throw bad(`the header has no "${required}" field`, path);
  }
  const typeField = fields.get('type')!.toLowerCase();
  const type = TYPE_ALIASES[typeField];
  if (!type) {
    const why = /long|64/.test(typeField) ? '64-bit integers are not supported' : typeField === 'block' ? 'block data is not supported' : 'unknown type';
    throw new SentinelError('unsupported', `NRRD type "${typeField}": ${why}`, path);
  }
  const dimension = strictInt(fields.get('dimension')!, 'dimension', path);
  const sizes = fields.get('sizes')!.split(/\s+/).map((s) => strictInt(s, 'sizes', path));
  if (sizes.length !== dimension) throw bad(`"sizes" has ${sizes.length} numbers for dimension ${dimension}`, path);
  if (sizes.some((n) => n < 1)) throw bad(`"sizes" ${sizes.join(' ')} has an empty axis`, path);
  const encodingField = fields.get('encoding')!.toLowerCase();
  const encoding: NrrdEncoding | undefined = ({ raw: 'raw', gzip: 'gzip', gz: 'gzip', ascii: 'ascii', text: 'ascii', txt: 'ascii' } as Record<string, NrrdEncoding>)[encodingField];
  if (!encoding) throw new SentinelError('unsupported', `NRRD encoding "${encodingField}" is not supported (raw, gzip and ascii are)`, path);
  const endian = fields.get('endian')?.toLowerCase();
  if (endian !== undefined && endian !== 'little' && endian !== 'big') throw bad(`"endian" is "${endian}"`, path);
  if (endian === undefined && TYPE_BYTES[type] > 1 && encoding !== 'ascii') warnings.push('no "endian" field: little-endian assumed');
  const dataFile = fields.get('data file');
  const lineSkip = fields.has('line skip') ? strictInt(fields.get('line skip')!, 'line skip', path) : 0;
  const byteSkip = fields.has('byte skip') ? strictInt(fields.get('byte skip')!, 'byte skip', path, -1) : 0;
  return {
    lines, fields, keyValues, type, sizes, encoding, littleEndian: endian !== 'big',
    ...(dataFile !== undefined ? { dataFile } : {}), lineSkip, byteSkip, dataOffset, warnings,
  };
}

function normaliseField(name: string): string {
  const n = name.trim().toLowerCase();
  return FIELD_ALIASES[n.replace(/\s+/g, '')] ?? n;
}

/** Teem escapes "\n" and "\\" in key/value pairs. */
function unescapeKv(s: string): string {
  return s.replace(/\\(n|\\)/g, (_, c: string) => (c === 'n' ? '\n' : '\\'));
}

function strictInt(s: string, what: string, path: string, min = 0): number {
  const n = Number(s);
  if (!/^-?\d+$/.test(s.trim()) || !Number.isSafeInteger(n) || n < min) throw bad(`"${what}" holds "${s}", not a whole number`, path);
  return n;
}

function parseVector(s: string, what: string, path: string): Vec3 {
  const m = /^\(\s*([^,()]+),\s*([^,()]+),\s*([^,()]+)\)$/.exec(s.trim());
  const v = m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [];
  if (v.length !== 3 || !v.every(Number.isFinite)) throw bad(`${what} "${s}" is not a 3D vector`, path);
  return [v[0], v[1], v[2]];
}

/** Splits "(1,0,0) (0,1,0) none" into its parts. */
function vectorList(s: string): string[] {
  return s.match(/\([^)]*\)|none/gi) ?? [];
}

/**
 * Geometry and data size. Space directions give each spatial axis's step in the named space; the file's space is
 * mapped to RAS (LPS and LAS by sign flips). A file without a named space is read the way ITK reads it (LPS).
 */
export function nrrdLayout(h: NrrdHeader, path: string, maxVoxels?: number): NrrdLayout {
  const { fields, sizes } = h;
  const n = sizes.length;
  const spaceField = fields.get('space');
  let space: string | null = null;
  let toRas: Vec3 = [-1, -1, 1];
  if (spaceField !== undefined) {
    const known = SPACES[spaceField.toLowerCase()];
    if (!known) {
      if (/time/i.test(spaceField)) throw new SentinelError('unsupported', `NRRD space "${spaceField}" (time-varying) is not supported`, path);
      h.warnings.push(`space "${spaceField}" has no anatomical meaning: its axes are taken as LPS, as ITK does`);
    } else {
      space = known.name;
      toRas = known.toRas;
    }
  } else if (fields.has('space dimension')) {
    if (fields.get('space dimension') !== '3') throw new SentinelError('unsupported', `space dimension ${fields.get('space dimension')} (only 3 is read)`, path);
    h.warnings.push('the space has no name: its axes are taken as LPS, as ITK does');
  }
  const dirs: (Vec3 | null)[] = new Array<Vec3 | null>(n).fill(null);
  let origin: Vec3 = [0, 0, 0];
  if (fields.has('space directions')) {
    const parts = vectorList(fields.get('space directions')!);
    if (parts.length !== n) throw bad(`"space directions" has ${parts.length} entries for ${n} axes`, path);
    parts.forEach((p, a) => {
      dirs[a] = p.toLowerCase() === 'none' ? null : parseVector(p, 'a space direction', path);
    });
    if (fields.has('space origin')) origin = parseVector(fields.get('space origin')!, '"space origin"', path);
  } else {
    // No space: per-axis spacings along the coordinate axes (teem's "axis-aligned" form).
    const spacings = (fields.get('spacings') ?? '').split(/\s+/).filter(Boolean).map(Number);
    const mins = (fields.get('axis mins') ?? '').split(/\s+/).filter(Boolean).map(Number);
    const spatial = Array.from({ length: n }, (_, a) => a).filter((a) => n === 3 || Number.isFinite(spacings[a]));
    spatial.slice(0, 3).forEach((a, w) => {
      const s = Number.isFinite(spacings[a]) && spacings[a] !== 0 ? spacings[a] : 1;
      const d: Vec3 = [0, 0, 0];
      d[w] = s;
      dirs[a] = d;
      if (Number.isFinite(mins[a])) origin[w] = mins[a];
    });
    h.warnings.push('no "space directions": the axes are taken as axis-aligned LPS with the "spacings" given');
  }
  const spatial = dirs.map((d, a) => (d ? a : -1)).filter((a) => a >= 0);
  const nonSpatial = dirs.map((d, a) => (d ? -1 : a)).filter((a) => a >= 0);
  if (spatial.length !== 3) {
    throw new SentinelError('unsupported', `${spatial.length} spatial axes (sizes ${sizes.join(' ')}); a 3D volume needs 3`, path);
  }
  if (nonSpatial.length > 1) throw new SentinelError('unsupported', `${n}D data (sizes ${sizes.join(' ')}) is not a 3D volume`, path);
  const listAxis = nonSpatial.length === 1 ? nonSpatial[0] : null;
  const layers = listAxis === null ? 1 : sizes[listAxis];
  const dims: Vec3 = [sizes[spatial[0]], sizes[spatial[1]], sizes[spatial[2]]];
  const affine = new Array<number>(16).fill(0);
  affine[15] = 1;
  const spacing: Vec3 = [1, 1, 1];
  for (let c = 0; c < 3; c++) {
    const d = dirs[spatial[c]]!;
    for (let r = 0; r < 3; r++) affine[r * 4 + c] = toRas[r] * d[r] + 0; // + 0: no negative zeros
    const len = Math.hypot(d[0], d[1], d[2]);
    if (!(len > 0)) throw bad(`the space direction of axis ${spatial[c]} has zero length`, path);
    spacing[c] = len;
  }
  for (let r = 0; r < 3; r++) affine[r * 4 + 3] = toRas[r] * origin[r] + 0;
  const voxels = dims[0] * dims[1] * dims[2];
  const bytes = TYPE_BYTES[h.type];
  const limit = maxVoxels ?? Math.floor(2 ** 31 / bytes);
  if (!(voxels * layers <= limit)) {
    throw new SentinelError('too_large', `${sizes.join('x')} values of ${h.type} exceed the limit of ${limit} voxels`, path);
  }
  return {
    spatialAxes: [spatial[0], spatial[1], spatial[2]], listAxis, dims, layers, voxels,
    dataBytes: voxels * layers * bytes, affine, spacing, space,
  };
}
