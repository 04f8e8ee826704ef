/**
 * One ArrayBuffer for a JSON-like value that holds typed arrays (voxels), so volumes cross HTTP as raw bytes
 * instead of JSON numbers. Pure (no node:*): the web host and the browser client both use it.
 *
 * Layout: "SNTE" | u32 version (1) | u32 header length | header (UTF-8 JSON) | zero padding to 8 | each array's
 * bytes, each starting on a multiple of 8 so the decoder can view them in place. The header is
 * `{ value, arrays: [{ type, byteOffset, length }] }` where each typed array in `value` is replaced by
 * `{ "\u0000bin": index }`. Numbers are in the machine's byte order (both ends run on the same machine).
 */

const MAGIC = [0x53, 0x4e, 0x54, 0x45]; // "SNTE"
const VERSION = 1;
const PLACEHOLDER = '\u0000bin';
const ALIGN = 8;

const TYPES = {
  Uint8Array,
  Int8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
} as const;
type TypeName = keyof typeof TYPES;
export type EnvelopeArray = InstanceType<(typeof TYPES)[TypeName]>;

interface ArrayEntry {
  type: TypeName;
  byteOffset: number;
  length: number;
}

interface Header {
  value: unknown;
  arrays: ArrayEntry[];
}

const align = (n: number): number => Math.ceil(n / ALIGN) * ALIGN;

function typeNameOf(v: ArrayBufferView): TypeName | null {
  for (const name of Object.keys(TYPES) as TypeName[]) {
    if (v.constructor === TYPES[name]) return name;
  }
  // Node's Buffer (a Uint8Array subclass) travels as bytes.
  return v instanceof Uint8Array ? 'Uint8Array' : null;
}

/** Encodes `value` (plain objects, arrays, strings, numbers, booleans, null, typed arrays). */
export function encodeEnvelope(value: unknown): Uint8Array<ArrayBuffer> {
  const arrays: EnvelopeArray[] = [];
  const entries: ArrayEntry[] = [];
  let dataBytes = 0;
  const walk = (v: unknown): unknown => {
    if (v === null || typeof v !== 'object') return v;
    if (ArrayBuffer.isView(v)) {
      const type = typeNameOf(v);
      if (!type) throw new TypeError(`cannot encode a ${v.constructor.name}`);
      const arr = v as EnvelopeArray;
      entries.push({ type, byteOffset: dataBytes, length: arr.length });
      arrays.push(arr);
      dataBytes += align(arr.byteLength);
      return { [PLACEHOLDER]: arrays.length - 1 };
    }
    if (Array.isArray(v)) return v.map(walk);
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (k === PLACEHOLDER) throw new TypeError('a key of the value collides with the envelope placeholder');
      // defineProperty, as in decodeEnvelope: a "__proto__" key stays a key instead of setting the prototype.
      if (x !== undefined) Object.defineProperty(out, k, { value: walk(x), enumerable: true, writable: true, configurable: true });
    }
    return out;
  };
  const header: Header = { value: walk(value), arrays: entries };
  const headerBytes = new TextEncoder().encode(JSON.stringify(header));
  const dataStart = align(12 + headerBytes.length);
  const out = new Uint8Array(dataStart + dataBytes);
  out.set(MAGIC, 0);
  const dv = new DataView(out.buffer);
  dv.setUint32(4, VERSION, true);
  dv.setUint32(8, headerBytes.length, true);
  out.set(headerBytes, 12);
  arrays.forEach((a, i) => {
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), dataStart + entries[i].byteOffset);
  });
  return out;
}

/** Decodes an envelope. Arrays are views into `bytes` when aligned (copies otherwise); throws on a malformed one. */
export function decodeEnvelope(bytes: Uint8Array): unknown {
  const fail = (why: string): never => {
    throw new Error(`not a valid binary envelope: ${why}`);
  };
  if (bytes.length < 12 || MAGIC.some((m, i) => bytes[i] !== m)) fail('bad magic');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (dv.getUint32(4, true) !== VERSION) fail(`unknown version ${dv.getUint32(4, true)}`);
  const headerLength = dv.getUint32(8, true);
  if (12 + headerLength > bytes.length) fail('header runs past the end');
  let header: Header;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + headerLength))) as Header;
  } catch {
    return fail('header is not JSON');
  }
  if (!header || typeof header !== 'object' || !Array.isArray(header.arrays)) fail('header has no array table');
  const dataStart = align(12 + headerLength);
  const arrays = header.arrays.map((e, i) => {
    const Ctor = Object.prototype.hasOwnProperty.call(TYPES, e?.type) ? TYPES[e.type] : undefined;
    if (!Ctor) return fail(`array ${i} has unknown type ${String(e?.type)}`);
    if (!Number.isSafeInteger(e.byteOffset) || !Number.isSafeInteger(e.length) || e.byteOffset < 0 || e.length < 0) {
      return fail(`array ${i} has a bad offset or length`);
    }
    const start = dataStart + e.byteOffset;
    const byteLength = e.length * Ctor.BYTES_PER_ELEMENT;
    if (start + byteLength > bytes.length) fail(`array ${i} runs past the end`);
    const at = bytes.byteOffset + start;
    if (at % Ctor.BYTES_PER_ELEMENT === 0) return new Ctor(bytes.buffer as ArrayBuffer, at, e.length);
    return new Ctor(bytes.slice(start, start + byteLength).buffer);
  });
  const walk = (v: unknown): unknown => {
    if (v === null || typeof v !== 'object') return v;
    if (Array.isArray(v)) return v.map(walk);
    const o = v as Record<string, unknown>;
    if (PLACEHOLDER in o) {
      const i = o[PLACEHOLDER];
      if (typeof i !== 'number' || !arrays[i]) return fail(`placeholder ${String(i)} has no array`);
      return arrays[i];
    }
    const out: Record<string, unknown> = {};
    // defineProperty: a "__proto__" key from the wire stays a plain key, never a prototype.
    for (const [k, x] of Object.entries(o)) Object.defineProperty(out, k, { value: walk(x), enumerable: true, writable: true, configurable: true });
    return out;
  };
  return walk(header.value);
}

/** The content type envelopes travel under. */
export const ENVELOPE_CONTENT_TYPE = 'application/octet-stream';
