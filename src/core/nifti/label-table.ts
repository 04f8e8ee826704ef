/**
 * Label tables carried in header extensions: the Caret/CIFTI XML `<LabelTable>` that TotalSegmentator writes
 * into its multi-label maps (ecode 0 there; Caret's own code is 30, CIFTI's 32).
 */
import type { LabelTable, NiftiExtension } from './types';

const LABEL_TABLE_ECODES = new Set([0, 30, 32]);

/** The first label table found among the extensions, if any. */
export function findLabelTable(exts: readonly NiftiExtension[]): LabelTable | undefined {
  for (const e of exts) {
    if (!LABEL_TABLE_ECODES.has(e.ecode)) continue;
    const table = parseLabelTableXml(decodeText(e.data));
    if (table) return table;
  }
  return undefined;
}

function decodeText(data: Uint8Array): string {
  let end = data.length;
  while (end > 0 && data[end - 1] === 0) end--; // extension payloads are NUL-padded to 16 bytes
  return new TextDecoder('utf-8').decode(data.subarray(0, end));
}

/** Parses `<Label Key=".." Red=".." Green=".." Blue="..">name</Label>` entries of the first `<LabelTable>`. */
export function parseLabelTableXml(xml: string): LabelTable | undefined {
  const start = xml.indexOf('<LabelTable');
  if (start < 0) return undefined;
  const stop = xml.indexOf('</LabelTable>', start);
  const body = xml.slice(start, stop < 0 ? xml.length : stop);
  const table: LabelTable = new Map();
  const labelRe = /<Label\b([^>]*)>([\s\S]*?)<\/Label>/g;
  for (let m = labelRe.exec(body); m; m = labelRe.exec(body)) {
    const attrs = parseAttributes(m[1]);
    const key = Number(attrs.get('Key'));
    if (!Number.isInteger(key)) continue;
    const name = labelText(m[2]);
    const rgb = colour(attrs);
    table.set(key, rgb ? { name, rgb } : { name });
  }
  return table.size > 0 ? table : undefined;
}

function parseAttributes(s: string): Map<string, string> {
  const out = new Map<string, string>();
  const re = /([A-Za-z_][\w.-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
  for (let m = re.exec(s); m; m = re.exec(s)) out.set(m[1], unescapeXml(m[2] ?? m[3] ?? ''));
  return out;
}

function labelText(inner: string): string {
  const cdata = /<!\[CDATA\[([\s\S]*?)\]\]>/.exec(inner);
  return (cdata ? cdata[1] : unescapeXml(inner)).trim();
}

function unescapeXml(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|lt|gt|amp|quot|apos);/g, (_, ent: string) => {
    if (ent[0] === '#') {
      const cp = ent[1] === 'x' ? parseInt(ent.slice(2), 16) : parseInt(ent.slice(1), 10);
      return Number.isFinite(cp) && cp <= 0x10ffff ? String.fromCodePoint(cp) : '';
    }
    return ({ lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" } as Record<string, string>)[ent];
  });
}

/** Caret stores 0–1 floats; a table written with 0–255 values is accepted as such. */
function colour(attrs: Map<string, string>): [number, number, number] | undefined {
  const v = ['Red', 'Green', 'Blue'].map((k) => Number(attrs.get(k)));
  if (v.some((x) => !Number.isFinite(x))) return undefined;
  const scale = v.every((x) => x <= 1) ? 255 : 1;
  const c = v.map((x) => Math.min(255, Math.max(0, Math.round(x * scale))));
  return [c[0], c[1], c[2]];
}

function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] ?? c);
}

/** A CaretExtension label table as TotalSegmentator writes it (ecode 0), for new multi-label maps. */
export function labelTableExtension(table: LabelTable, ecode = 0): NiftiExtension {
  const rows = [...table.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([key, info]) => {
      const [r, g, b] = (info.rgb ?? [255, 255, 255]).map((x) => String(x / 255));
      // CDATA cannot hold "]]>"; such a name is escaped as text instead.
      const name = info.name.includes(']]>') ? escapeXml(info.name) : `<![CDATA[${info.name}]]>`;
      return `<Label Key="${key}" Red="${r}" Green="${g}" Blue="${b}" Alpha="1">${name}</Label>`;
    });
  const xml =
    '<?xml version="1.0" encoding="UTF-8"?>\n<CaretExtension>\n<VolumeInformation Index="0">\n<LabelTable>\n' +
    rows.join('\n') +
    '\n</LabelTable>\n<VolumeType><![CDATA[Label]]></VolumeType>\n</VolumeInformation>\n</CaretExtension>\n';
  return { ecode, data: new TextEncoder().encode(xml) };
}
