/**
 * A small DICOM writer: data sets as lists of (tag, VR, value), encoded in Explicit VR Little Endian with defined
 * lengths everywhere (sequences and items included), elements sorted by tag, values padded to even length.
 */
import { SentinelError } from '../../errors';

export type VR =
  | 'AE' | 'AS' | 'AT' | 'CS' | 'DA' | 'DS' | 'DT' | 'FD' | 'FL' | 'IS' | 'LO' | 'LT' | 'OB' | 'OW' | 'PN'
  | 'SH' | 'SL' | 'SQ' | 'SS' | 'ST' | 'TM' | 'UC' | 'UI' | 'UL' | 'UR' | 'US' | 'UT';

export type Item = Elem[];

export interface Elem {
  /** 0xGGGGEEEE. */
  tag: number;
  vr: VR;
  value: string | readonly string[] | number | readonly number[] | Uint8Array | readonly Item[];
}

const LONG_VRS = new Set<VR>(['OB', 'OW', 'SQ', 'UC', 'UR', 'UT']);
const STRING_VRS = new Set<VR>(['AE', 'AS', 'CS', 'DA', 'DS', 'DT', 'IS', 'LO', 'LT', 'PN', 'SH', 'ST', 'TM', 'UC', 'UI', 'UR', 'UT']);

const utf8 = new TextEncoder();

/** A DS value in at most 16 characters. */
export function formatDS(x: number): string {
  if (!Number.isFinite(x)) throw new SentinelError('invalid_argument', `DS value ${x} is not finite`);
  if (Object.is(x, -0) || x === 0) return '0';
  let s = String(x);
  for (let p = 16; s.length > 16 && p >= 1; p--) s = Number(x.toPrecision(p)).toString();
  if (s.length > 16) s = x.toExponential(8);
  return s;
}

function stringBytes(vr: VR, value: Elem['value']): Uint8Array {
  const parts = Array.isArray(value) ? (value as readonly (string | number)[]) : [value as string | number];
  const text = parts.map((v) => (typeof v === 'number' ? (vr === 'DS' ? formatDS(v) : String(Math.round(v))) : v)).join('\\');
  const bytes = utf8.encode(text);
  if (bytes.length % 2 === 0) return bytes;
  const out = new Uint8Array(bytes.length + 1);
  out.set(bytes);
  out[bytes.length] = vr === 'UI' ? 0 : 0x20;
  return out;
}

function numberBytes(vr: VR, value: Elem['value']): Uint8Array {
  const list = (Array.isArray(value) ? value : [value]) as number[];
  const size = vr === 'FD' ? 8 : vr === 'US' || vr === 'SS' ? 2 : 4;
  const perValue = vr === 'AT' ? 4 : size;
  const out = new Uint8Array(list.length * perValue);
  const view = new DataView(out.buffer);
  list.forEach((v, i) => {
    const at = i * perValue;
    switch (vr) {
      case 'US': view.setUint16(at, v, true); break;
      case 'SS': view.setInt16(at, v, true); break;
      case 'UL': view.setUint32(at, v, true); break;
      case 'SL': view.setInt32(at, v, true); break;
      case 'FL': view.setFloat32(at, v, true); break;
      case 'FD': view.setFloat64(at, v, true); break;
      case 'AT':
        view.setUint16(at, v >>> 16, true);
        view.setUint16(at + 2, v & 0xffff, true);
        break;
      default: throw new SentinelError('invalid_argument', `VR ${vr} is not numeric`);
    }
  });
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const n = parts.reduce((s, p) => s + p.length, 0);
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function header(tag: number, vr: VR, length: number): Uint8Array {
  const long = LONG_VRS.has(vr);
  const out = new Uint8Array(long ? 12 : 8);
  const view = new DataView(out.buffer);
  view.setUint16(0, tag >>> 16, true);
  view.setUint16(2, tag & 0xffff, true);
  out[4] = vr.charCodeAt(0);
  out[5] = vr.charCodeAt(1);
  if (long) view.setUint32(8, length, true);
  else {
    if (length > 0xffff) throw new SentinelError('invalid_argument', `value of (${tagText(tag)}) is ${length} bytes, too long for VR ${vr}`);
    view.setUint16(6, length, true);
  }
  return out;
}

function tagText(tag: number): string {
  return `${(tag >>> 16).toString(16).padStart(4, '0')},${(tag & 0xffff).toString(16).padStart(4, '0')}`.toUpperCase();
}

function itemBytes(it: Item): Uint8Array {
  const body = encodeDataset(it);
  const head = new Uint8Array(8);
  const view = new DataView(head.buffer);
  view.setUint16(0, 0xfffe, true);
  view.setUint16(2, 0xe000, true);
  view.setUint32(4, body.length, true);
  return concat([head, body]);
}

function valueBytes(e: Elem): Uint8Array {
  if (e.vr === 'SQ') return concat((e.value as readonly Item[]).map(itemBytes));
  if (e.vr === 'OB' || e.vr === 'OW') {
    const v = e.value as Uint8Array;
    if (v.length % 2 === 0) return v;
    const out = new Uint8Array(v.length + 1);
    out.set(v);
    return out;
  }
  if (STRING_VRS.has(e.vr)) return stringBytes(e.vr, e.value);
  return numberBytes(e.vr, e.value);
}

/** A data set's elements, sorted by tag (a repeated tag is an error). */
export function encodeDataset(elems: readonly Elem[]): Uint8Array {
  const sorted = [...elems].sort((a, b) => a.tag - b.tag);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i].tag === sorted[i - 1].tag) throw new SentinelError('invalid_argument', `(${tagText(sorted[i].tag)}) appears twice`);
  }
  const parts: Uint8Array[] = [];
  for (const e of sorted) {
    const v = valueBytes(e);
    parts.push(header(e.tag, e.vr, v.length), v);
  }
  return concat(parts);
}

const EXPLICIT_VR_LE = '1.2.840.10008.1.2.1';
export const IMPLEMENTATION_CLASS_UID = '2.25.302245958347405393573402329519733853751';
export const IMPLEMENTATION_VERSION = 'SENTINEL_0_1';

/** A Part 10 file: preamble, "DICM", file meta (group 2, Explicit VR LE) and the data set. */
export function encodePart10(sopClassUid: string, sopInstanceUid: string, body: readonly Elem[]): Uint8Array {
  const meta = encodeDataset([
    { tag: 0x00020001, vr: 'OB', value: new Uint8Array([0, 1]) },
    { tag: 0x00020002, vr: 'UI', value: sopClassUid },
    { tag: 0x00020003, vr: 'UI', value: sopInstanceUid },
    { tag: 0x00020010, vr: 'UI', value: EXPLICIT_VR_LE },
    { tag: 0x00020012, vr: 'UI', value: IMPLEMENTATION_CLASS_UID },
    { tag: 0x00020013, vr: 'SH', value: IMPLEMENTATION_VERSION },
  ]);
  const groupLength = encodeDataset([{ tag: 0x00020000, vr: 'UL', value: meta.length }]);
  const preamble = new Uint8Array(132);
  preamble.set([0x44, 0x49, 0x43, 0x4d], 128);
  if (body.some((e) => e.tag >>> 16 === 2)) throw new SentinelError('invalid_argument', 'group 2 belongs to the file meta header');
  return concat([preamble, groupLength, meta, encodeDataset(body)]);
}
