/** Transfer syntaxes: which the readers take, which codec each needs, and a clear refusal for the rest. */
import { SentinelError } from '../../errors';

export type Codec = 'j2k' | 'jpeg-lossless' | 'rle';

export interface TransferSyntax {
  uid: string;
  name: string;
  /** Undefined for native (uncompressed) pixel data. */
  codec?: Codec;
  lossy?: boolean;
}

const SUPPORTED: Record<string, Omit<TransferSyntax, 'uid'>> = {
  '1.2.840.10008.1.2': { name: 'Implicit VR Little Endian' },
  '1.2.840.10008.1.2.1': { name: 'Explicit VR Little Endian' },
  '1.2.840.10008.1.2.4.90': { name: 'JPEG 2000 (lossless only)', codec: 'j2k' },
  '1.2.840.10008.1.2.4.91': { name: 'JPEG 2000', codec: 'j2k', lossy: true },
  '1.2.840.10008.1.2.4.57': { name: 'JPEG Lossless (process 14)', codec: 'jpeg-lossless' },
  '1.2.840.10008.1.2.4.70': { name: 'JPEG Lossless (process 14, selection value 1)', codec: 'jpeg-lossless' },
  '1.2.840.10008.1.2.5': { name: 'RLE Lossless', codec: 'rle' },
};

const KNOWN_UNSUPPORTED: Record<string, string> = {
  '1.2.840.10008.1.2.2': 'Explicit VR Big Endian',
  '1.2.840.10008.1.2.1.99': 'Deflated Explicit VR Little Endian',
  '1.2.840.10008.1.2.4.50': 'JPEG Baseline (lossy)',
  '1.2.840.10008.1.2.4.51': 'JPEG Extended (lossy)',
  '1.2.840.10008.1.2.4.80': 'JPEG-LS Lossless',
  '1.2.840.10008.1.2.4.81': 'JPEG-LS Near-Lossless',
  '1.2.840.10008.1.2.4.201': 'High-Throughput JPEG 2000 (lossless only)',
  '1.2.840.10008.1.2.4.202': 'High-Throughput JPEG 2000 with RPCL (lossless only)',
  '1.2.840.10008.1.2.4.203': 'High-Throughput JPEG 2000',
};

/** The transfer syntax, or an 'unsupported' error naming it and the file. */
export function transferSyntax(uid: string | undefined, path: string): TransferSyntax {
  const id = (uid ?? '').replace(/\0/g, '').trim();
  if (!id) throw new SentinelError('corrupt', 'the file meta header has no Transfer Syntax UID (0002,0010)', path);
  const known = SUPPORTED[id];
  if (known) return { uid: id, ...known };
  const name = KNOWN_UNSUPPORTED[id] ?? (id.startsWith('1.2.840.10008.1.2.4.10') ? 'MPEG video' : 'unknown');
  throw new SentinelError(
    'unsupported',
    `unsupported transfer syntax ${id} (${name}); readable are implicit and explicit VR little endian, JPEG 2000, JPEG lossless and RLE (convert with e.g. "gdcmconv --raw")`,
    path,
  );
}
