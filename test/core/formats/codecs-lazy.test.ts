/**
 * The JPEG decoders load only when a compressed frame appears, and OpenJPEG's WebAssembly comes from node_modules
 * (no network). Each vitest file runs in its own process, so the module cache starts empty here.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { readVolumeFile } from '../../../src/core/formats';
import { decodeRle } from '../../../src/core/formats/dicom/codecs';
import { SentinelError } from '../../../src/core/errors';
import { fixture } from './helpers';

const require = createRequire(import.meta.url);

function loaded(fragment: string): boolean {
  return Object.keys(require.cache).some((k) => k.includes(fragment));
}

describe('codec loading', () => {
  it('reads an uncompressed series without loading a decoder, then loads each on first use', async () => {
    await readVolumeFile(fixture('dicom/ct-crop'));
    expect(loaded('codec-openjpeg')).toBe(false);
    expect(loaded('jpeg-lossless-decoder-js')).toBe(false);
    await readVolumeFile(fixture('dicom/ct-crop-j2k'));
    expect(loaded('codec-openjpeg')).toBe(true);
    expect(loaded('jpeg-lossless-decoder-js')).toBe(false);
    await readVolumeFile(fixture('dicom/ct-crop-jpegll'));
    expect(loaded('jpeg-lossless-decoder-js')).toBe(true);
  });

  it('decodes RLE Lossless (PackBits runs and literals, 16-bit as two byte planes)', () => {
    // 4 pixels of 16 bits: 0x0102, 0x0102, 0x0304, 0x0506. High bytes: 01 01 03 05 (a run of two, then two
    // literals); low bytes: 02 02 04 06.
    const hi = [-1 & 0xff, 0x01, 1, 0x03, 0x05];
    const lo = [3, 0x02, 0x02, 0x04, 0x06];
    const header = new Uint8Array(64);
    const view = new DataView(header.buffer);
    view.setUint32(0, 2, true);
    view.setUint32(4, 64, true);
    view.setUint32(8, 64 + hi.length, true);
    const data = new Uint8Array([...header, ...hi, ...lo]);
    const out = decodeRle(data, { rows: 2, cols: 2, bitsAllocated: 16 }, 'x.dcm');
    expect([...new Uint16Array(out.buffer, out.byteOffset, 4)]).toEqual([0x0102, 0x0102, 0x0304, 0x0506]);
    expect(() => decodeRle(data.subarray(0, 66), { rows: 2, cols: 2, bitsAllocated: 16 }, 'x.dcm')).toThrow(SentinelError);
  });
});
