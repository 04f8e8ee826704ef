/**
 * Cheap completeness check of a gzip-compressed NIfTI, so that a header-only scan still catches a truncated mask
 * (a partial copy, an interrupted download) instead of leaving it for scoring to trip over. readNiftiHeader
 * already checks a plain .nii's length; a .nii.gz cannot be measured without inflating it, but its gzip trailer
 * holds ISIZE (uncompressed size mod 2^32) in the last 4 bytes. A truncated file ends in compressed data, so
 * those bytes match the size the header implies only by chance. A multi-member gzip (bgzip) legitimately carries
 * only its last member's size there, so a mismatch is confirmed by inflating the file as a stream (counting
 * bytes, keeping nothing) before it is reported.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { SentinelError } from '../errors';
import { checkVolumeLayout } from '../nifti/header-check';
import type { NiftiHeader } from '../nifti/types';

/** Throws a SentinelError('truncated') naming `label` when the gzip file at `abs` holds less than its header says. */
export async function checkNiftiComplete(abs: string, label: string, header: NiftiHeader): Promise<void> {
  const layout = checkVolumeLayout(header, label);
  if (!layout.singleFile) return;
  const expected = layout.voxOffset + layout.dataBytes;
  const fh = await open(abs, 'r');
  let trailer: number;
  try {
    const size = (await fh.stat()).size;
    const magic = Buffer.alloc(2);
    await fh.read(magic, 0, 2, 0);
    if (magic[0] !== 0x1f || magic[1] !== 0x8b) return; // plain: readNiftiHeader compared the file's length
    if (size < 18) throw truncated(label, 0, expected);
    const buf = Buffer.alloc(4);
    await fh.read(buf, 0, 4, size - 4);
    trailer = buf.readUInt32LE(0);
  } finally {
    await fh.close();
  }
  if (trailer === expected % 2 ** 32) return;
  const inflated = await inflatedSize(abs, label);
  if (inflated < expected) throw truncated(label, inflated, expected);
}

function truncated(label: string, have: number, expected: number): SentinelError {
  return new SentinelError('truncated', `truncated: ${have} of ${expected} bytes (header + voxel data)`, label);
}

/** Uncompressed size of a gzip file, counted while streaming; a broken stream is reported as truncated/corrupt. */
function inflatedSize(abs: string, label: string): Promise<number> {
  return new Promise((resolve, reject) => {
    let total = 0;
    const gunzip = createGunzip();
    const src = createReadStream(abs);
    const fail = (err: Error): void => {
      src.destroy();
      const unexpectedEnd = /unexpected end/i.test(err.message);
      reject(new SentinelError(unexpectedEnd ? 'truncated' : 'corrupt', `${unexpectedEnd ? 'truncated' : 'corrupt'} gzip: ${err.message}`, label, { cause: err }));
    };
    src.on('error', fail);
    gunzip.on('error', fail);
    gunzip.on('data', (chunk: Buffer) => {
      total += chunk.length;
    });
    gunzip.on('end', () => resolve(total));
    src.pipe(gunzip);
  });
}
