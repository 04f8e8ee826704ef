/**
 * Reading DICOM Part 10 files: the 128-byte preamble and "DICM", the file meta header, then the data set (up to
 * the pixel data for a header scan, the whole file for voxels). The transfer syntax is checked before the data set
 * is parsed, so big-endian and deflated files are refused by name instead of misread.
 */
import { asSentinelError, SentinelError } from '../../errors';
import { fileSize, readRange, readWhole } from '../files';
import { dicomParser, parserMessage, TAG, type DataSet } from './lib';
import { transferSyntax, type TransferSyntax } from './transfer-syntax';

const FIRST_CHUNK = 1 << 16;
/** Largest DICOM file read whole (one CT slice is ~0.5 MB; a large multi-frame SEG a few hundred MB). */
export const MAX_DICOM_FILE_BYTES = 2 ** 31 - 1;

export interface DicomFile {
  path: string;
  ds: DataSet;
  syntax: TransferSyntax;
  /** The file's size on disk. */
  size: number;
  /** True when the whole file was parsed (pixel data included). */
  whole: boolean;
}

export function hasDicmMagic(bytes: Uint8Array): boolean {
  return bytes.length >= 132 && bytes[128] === 0x44 && bytes[129] === 0x49 && bytes[130] === 0x43 && bytes[131] === 0x4d;
}

function notPart10(path: string): SentinelError {
  return new SentinelError('unsupported', 'not a DICOM Part 10 file (no "DICM" at byte 128)', path);
}

function parse(bytes: Uint8Array, path: string, untilPixels: boolean): { ds: DataSet; syntax: TransferSyntax } {
  const meta = dicomParser.readPart10Header(bytes);
  const syntax = transferSyntax(meta.string(TAG.transferSyntax), path);
  const ds = dicomParser.parseDicom(bytes, untilPixels ? { untilTag: TAG.pixelData } : {});
  return { ds, syntax };
}

/** The header (everything before the pixel data), reading more of the file only as the parse needs it. */
export async function readDicomHeader(path: string): Promise<DicomFile> {
  try {
    const size = await fileSize(path);
    let want = Math.min(size, FIRST_CHUNK);
    for (;;) {
      const bytes = await readRange(path, 0, want);
      if (!hasDicmMagic(bytes)) throw notPart10(path);
      try {
        const { ds, syntax } = parse(bytes, path, true);
        checkPixelBounds(ds, size, path);
        return { path, ds, syntax, size, whole: want >= size };
      } catch (err) {
        if (err instanceof SentinelError) throw err;
        if (want >= size) throw new SentinelError('corrupt', `cannot parse the DICOM data set: ${parserMessage(err)}`, path);
      }
      want = Math.min(size, want * 8);
    }
  } catch (err) {
    throw asSentinelError(err, path);
  }
}

/** The whole file, pixel data included. */
export async function readDicomFile(path: string, maxBytes = MAX_DICOM_FILE_BYTES): Promise<DicomFile> {
  try {
    const bytes = await readWhole(path, maxBytes, 'DICOM file');
    if (!hasDicmMagic(bytes)) throw notPart10(path);
    let parsed: { ds: DataSet; syntax: TransferSyntax };
    try {
      parsed = parse(bytes, path, false);
    } catch (err) {
      if (err instanceof SentinelError) throw err;
      throw new SentinelError('corrupt', `cannot parse the DICOM data set: ${parserMessage(err)}`, path);
    }
    checkPixelBounds(parsed.ds, bytes.length, path);
    return { path, ...parsed, size: bytes.length, whole: true };
  } catch (err) {
    throw asSentinelError(err, path);
  }
}

/** Native pixel data must lie inside the file (dicom-parser does not check a length that runs past the end). */
function checkPixelBounds(ds: DataSet, size: number, path: string): void {
  const el = ds.elements[TAG.pixelData];
  if (!el || el.hadUndefinedLength || el.encapsulatedPixelData) return;
  if (el.dataOffset + el.length > size) {
    throw new SentinelError('truncated', `the pixel data needs ${el.length} bytes from offset ${el.dataOffset}; the file has ${size} bytes`, path);
  }
}
