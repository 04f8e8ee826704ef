/**
 * Puts a CT into an export as a .nii.gz. The file's own bytes are used (copied, or linked with `link`) only
 * when they can go as they are: a single-file gzip NIfTI whose header holds no identifier fields, or any header
 * when the user asked to keep identifiers. Otherwise the image is written anew without them (voxel bytes kept).
 * A link shares the dataset's file: the header goes along verbatim, which is why a header with identifiers is
 * never linked unless asked.
 */
import { asSentinelError } from '../errors';
import { NIFTI2_HEADER_BYTES, parseNiftiHeader } from '../nifti/header-parse';
import { openByteSource } from '../nifti/byte-source';
import { identifierFields, niftiGzBytes } from './deidentify';
import type { Staging } from './output-folder';

export type ImageWrite = 'copied' | 'hard-linked' | 'symlinked' | 'rewritten';

export interface ImageWriteResult {
  how: ImageWrite;
  /** Identifier fields found in the source header (removed unless identifiers were kept). */
  identifiers: string[];
}

export async function writeImage(staging: Staging, rel: string, source: string, opts: { link: boolean; keepIdentifiers: boolean }): Promise<ImageWriteResult> {
  const { gzipSingleFile, identifiers } = await inspect(source);
  const asIs = gzipSingleFile && (opts.keepIdentifiers || identifiers.length === 0);
  if (asIs && opts.link) return { how: (await staging.link(rel, source)) === 'hard' ? 'hard-linked' : 'symlinked', identifiers };
  if (asIs) {
    await staging.copyFile(rel, source);
    return { how: 'copied', identifiers };
  }
  await staging.writeFile(rel, await niftiGzBytes(source, opts.keepIdentifiers));
  return { how: 'rewritten', identifiers };
}

/** Whether the file is gzip-compressed with header and data in one file, and which identifier fields it holds. */
async function inspect(path: string): Promise<{ gzipSingleFile: boolean; identifiers: string[] }> {
  const src = await openByteSource(path, { bulk: false }).catch((err: unknown) => {
    throw asSentinelError(err, path);
  });
  try {
    const buf = new Uint8Array(NIFTI2_HEADER_BYTES + 4);
    const raw = buf.subarray(0, await src.readInto(buf));
    const header = parseNiftiHeader(raw, path);
    const single = header.magic === 'n+1' || header.magic === 'n+2';
    return { gzipSingleFile: src.gzip && single, identifiers: identifierFields(raw, header) };
  } catch (err) {
    throw asSentinelError(err, path);
  } finally {
    await src.close().catch(() => undefined);
  }
}
