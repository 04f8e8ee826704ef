/** Voxel bytes ⇄ typed arrays: byte order, scl_slope/scl_inter, and conversion between datatypes. */
import type { VoxelArray } from '../volume';
import { datatypeOfArray, type DatatypeInfo } from './datatypes';

const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The scaling to apply, or undefined when the header asks for none (slope 0, NaN, or exactly 1 with inter 0). */
export function activeScaling(slope: number, inter: number): { slope: number; inter: number } | undefined {
  if (!Number.isFinite(slope) || slope === 0) return undefined;
  const i = Number.isFinite(inter) ? inter : 0;
  if (slope === 1 && i === 0) return undefined;
  return { slope, inter: i };
}

/** Reverses each `size`-byte word in place. */
export function swapBytes(bytes: Uint8Array, size: number): void {
  const n = bytes.length - (bytes.length % size);
  if (size === 2) {
    for (let i = 0; i < n; i += 2) {
      const t = bytes[i];
      bytes[i] = bytes[i + 1];
      bytes[i + 1] = t;
    }
  } else if (size === 4) {
    for (let i = 0; i < n; i += 4) {
      const a = bytes[i];
      const b = bytes[i + 1];
      bytes[i] = bytes[i + 3];
      bytes[i + 1] = bytes[i + 2];
      bytes[i + 2] = b;
      bytes[i + 3] = a;
    }
  } else if (size === 8) {
    for (let i = 0; i < n; i += 8) {
      for (let k = 0; k < 4; k++) {
        const t = bytes[i + k];
        bytes[i + k] = bytes[i + 7 - k];
        bytes[i + 7 - k] = t;
      }
    }
  }
}

/**
 * Turns the raw data bytes (a buffer of its own, which is reused: swapped in place and viewed, not copied) into
 * the volume's array: the stored type, or Float32Array when the header's scaling is active.
 */
export function decodeVoxels(
  raw: Uint8Array,
  type: DatatypeInfo,
  voxels: number,
  fileLittleEndian: boolean,
  slope: number,
  inter: number,
): VoxelArray {
  if (type.bytes > 1 && fileLittleEndian !== HOST_LITTLE_ENDIAN) swapBytes(raw, type.bytes);
  const stored = viewAs(raw, type, voxels);
  const scaling = activeScaling(slope, inter);
  if (!scaling) return stored;
  const out = new Float32Array(voxels);
  const { slope: s, inter: b } = scaling;
  for (let i = 0; i < voxels; i++) out[i] = stored[i] * s + b;
  return out;
}

function viewAs(raw: Uint8Array, type: DatatypeInfo, voxels: number): VoxelArray {
  if (raw.byteOffset % type.bytes === 0) return type.view(raw.buffer as ArrayBuffer, raw.byteOffset, voxels);
  const copy = new Uint8Array(voxels * type.bytes); // misaligned input (only from callers passing a slice)
  copy.set(raw.subarray(0, voxels * type.bytes));
  return type.view(copy.buffer, 0, voxels);
}

/**
 * Writes `data` as `type` into `out` (length data.length × type.bytes, aligned to type.bytes), in the given byte
 * order. With `scaling`, stores round((v − inter) / slope); integer targets are rounded and clamped, NaN → 0.
 */
export function encodeVoxels(
  data: VoxelArray,
  type: DatatypeInfo,
  out: Uint8Array,
  littleEndian: boolean,
  scaling?: { slope: number; inter: number },
): void {
  const n = data.length;
  const sameType = datatypeOfArray(data).code === type.code;
  if (sameType && !scaling) {
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  } else {
    const target = type.view(out.buffer as ArrayBuffer, out.byteOffset, n);
    const s = scaling?.slope ?? 1;
    const b = scaling?.inter ?? 0;
    if (type.integer) {
      const lo = type.min;
      const hi = type.max;
      for (let i = 0; i < n; i++) {
        let v = scaling ? (data[i] - b) / s : data[i];
        v = Math.round(v);
        target[i] = v < lo ? lo : v > hi ? hi : v === v ? v : 0;
      }
    } else if (scaling) {
      for (let i = 0; i < n; i++) target[i] = (data[i] - b) / s;
    } else {
      for (let i = 0; i < n; i++) target[i] = data[i];
    }
  }
  if (type.bytes > 1 && littleEndian !== HOST_LITTLE_ENDIAN) swapBytes(out.subarray(0, n * type.bytes), type.bytes);
}
