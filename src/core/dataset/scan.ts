/**
 * scanDataset: a folder → its manifest. Reads directory listings, small JSON/CSV files and volume headers only
 * (NIfTI headers plus each .nii.gz's 4-byte gzip trailer, see integrity.ts; NRRD headers; DICOM headers of a CT
 * series and of SEG objects, through core/formats), so a thousand-case dataset scans in seconds.
 * Whether a mask is empty, or which values of a multi-label map occur, needs voxels: scoring finds that out
 * (status 'empty'), unless `readLabelValues` asks the scan to decode multi-label maps.
 * The scan opens every file read-only and never writes into the dataset.
 */
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import { asSentinelError } from '../errors';
import type { Grid } from '../volume';
import { readNiftiHeader } from '../nifti';
import { readVolumeFile, readVolumeInfo, type VolumeFormat } from '../formats';
import { createOrganMatcher, getMappingTable, getOrganCatalog, matchOrgan as defaultMatchOrgan, type UserOrganMappings } from '../organs';
import type { CaseEntry, DatasetManifest, LabelEntry, LabelSource, OrganMatch, ScanIssue } from './manifest';
import { planLayout, type PlannedCase, type TableSource } from './layout';
import { mapLimit } from './concurrency';
import { checkNiftiComplete } from './integrity';
import { foregroundLabels, parseLabelTableText, type LabelTable } from './label-table';
import { attachMeta } from './meta';
import { judgeGrid, resampledMessage } from './grid-rule';
import { isNiftiPath, mayHoldSegments } from './volume-files';

export type OrganMatcher = (name: string) => OrganMatch;

export interface ScanProgress {
  /** Files whose header (or, with readLabelValues, voxels) has been read, out of `total`. */
  done: number;
  total: number;
  /** The file just finished, relative to the root. */
  path: string;
}

export interface ScanOptions {
  onProgress?: (p: ScanProgress) => void;
  /** Keep only labels whose name as found, or whose DAP Atlas name, is one of these (case-insensitive). */
  organs?: string[];
  /** Passed to core/organs' matchOrgan. */
  userMappings?: UserOrganMappings;
  /** Replaces core/organs' matcher (tests, a project's own mapping). `userMappings` is then not used. */
  matchOrgan?: OrganMatcher;
  signal?: AbortSignal;
  /** Files read at the same time (default 8). */
  concurrency?: number;
  /**
   * Decode each multi-label map to learn which values occur, marking table entries without voxels 'empty'.
   * Off by default: it reads all voxel data of every map (seconds per case on full-size CT).
   */
  readLabelValues?: boolean;
}

type HeaderResult =
  | { ok: true; format: VolumeFormat; grid: Grid; labelTable?: LabelTable; overlapping?: boolean }
  | { ok: false; message: string };

interface ReadJob {
  rel: string;
  voxels: boolean;
  /** The case's CT, whose grid places the frames of a DICOM SEG (absent for the CT itself). */
  ctRel?: string;
}

/**
 * Scans `root` into a manifest. Throws a SentinelError only when the root is unreadable or not a dataset
 * (or when `signal` aborts); a bad CT, mask or table becomes a label status or an issue.
 */
export async function scanDataset(root: string, opts: ScanOptions = {}): Promise<DatasetManifest> {
  const absRoot = path.resolve(root);
  const plan = await planLayout(absRoot);
  opts.signal?.throwIfAborted();
  const issues: ScanIssue[] = [...plan.issues];
  // User mappings are validated once (an unknown target throws: a caller error, not the dataset's).
  const match: OrganMatcher =
    opts.matchOrgan ??
    (opts.userMappings && Object.keys(opts.userMappings).length > 0
      ? createOrganMatcher(getOrganCatalog(), getMappingTable(), opts.userMappings)
      : (name) => defaultMatchOrgan(name));
  const matchCache = new Map<string, OrganMatch>();
  const matchName = (name: string): OrganMatch => {
    let m = matchCache.get(name);
    if (!m) matchCache.set(name, (m = match(name)));
    return m;
  };
  const wanted = opts.organs ? new Set(opts.organs.map((o) => o.trim().toLowerCase())) : null;
  const keep = (name: string): boolean => {
    if (!wanted) return true;
    const m = matchName(name);
    return wanted.has(name.toLowerCase()) || (m.status === 'mapped' && wanted.has(m.dapName.toLowerCase()));
  };

  // Per-organ masks outside the organ filter are not even opened, unless they may hold several named segments.
  const cases = plan.cases.map((c) =>
    c.perOrgan ? { ...c, perOrgan: c.perOrgan.filter((l) => keep(l.organ) || mayHoldSegments(l.path)) } : c,
  );
  // CTs first: a DICOM SEG's frames are placed on its CT's grid.
  const ctJobs: ReadJob[] = cases.map((c) => ({ rel: c.ctPath, voxels: false }));
  const maskJobs: ReadJob[] = [];
  for (const c of cases) {
    for (const l of c.perOrgan ?? []) maskJobs.push({ rel: l.path, voxels: false, ctRel: c.ctPath });
    if (c.multilabel) maskJobs.push({ rel: c.multilabel.path, voxels: opts.readLabelValues === true, ctRel: c.ctPath });
  }

  const headers = new Map<string, HeaderResult>();
  const present = new Map<string, Set<number>>();
  const total = ctJobs.length + maskJobs.length;
  let done = 0;
  const run = async (job: ReadJob): Promise<void> => {
    const ct = job.ctRel !== undefined ? headers.get(job.ctRel) : undefined;
    const referenceGrid = ct?.ok ? ct.grid : undefined;
    const res = await readHeaderChecked(absRoot, job.rel, referenceGrid, issues);
    headers.set(job.rel, res);
    if (job.voxels && res.ok) {
      const values = await readLabelValues(absRoot, job.rel, res, referenceGrid);
      if (values instanceof Set) present.set(job.rel, values);
      else if (values) headers.set(job.rel, values);
    }
    done++;
    opts.onProgress?.({ done, total, path: job.rel });
  };
  await mapLimit(ctJobs, opts.concurrency ?? 8, run, opts.signal);
  await mapLimit(maskJobs, opts.concurrency ?? 8, run, opts.signal);
  opts.signal?.throwIfAborted();

  const jsonTables = new Map<string, Promise<LabelTable | string>>();
  const entries: CaseEntry[] = [];
  for (const c of cases) {
    entries.push(await buildCase(absRoot, c, headers, present, jsonTables, matchName, keep, issues));
  }
  await attachMeta(absRoot, entries, issues);
  return { root: absRoot, layout: plan.layout, singleCase: plan.singleCase, cases: entries, issues };
}

async function buildCase(
  root: string,
  c: PlannedCase,
  headers: Map<string, HeaderResult>,
  present: Map<string, Set<number>>,
  jsonTables: Map<string, Promise<LabelTable | string>>,
  matchName: (name: string) => OrganMatch,
  keep: (name: string) => boolean,
  issues: ScanIssue[],
): Promise<CaseEntry> {
  const ct = headers.get(c.ctPath) as HeaderResult;
  const entry: CaseEntry = { id: c.id, ct: ct.ok ? { path: c.ctPath, grid: ct.grid } : { path: c.ctPath }, labels: [] };
  if (!ct.ok) issues.push({ path: c.ctPath, caseId: c.id, message: ct.message, severity: 'error' });

  const label = (organ: string, source: LabelSource, mask: HeaderResult, absent = false): LabelEntry => {
    const organMatch = matchName(organ);
    return { caseId: c.id, organ, source, organMatch, ...judge(ct, mask, organMatch, absent, source.path) };
  };

  for (const l of c.perOrgan ?? []) {
    const mask = headers.get(l.path) as HeaderResult;
    const segments = mask.ok && mask.format !== 'nifti' && mask.labelTable ? foregroundLabels(mask.labelTable) : [];
    if (segments.length < 2) {
      if (keep(l.organ)) entry.labels.push(label(l.organ, { kind: 'file', path: l.path }, mask));
      continue;
    }
    // A .seg.nrrd or DICOM SEG with several segments is a multi-label file: one label per segment, by its name.
    for (const { value, name } of segments) {
      if (keep(name)) entry.labels.push(label(name, { kind: 'multilabel', path: l.path, value }, mask));
    }
  }

  if (c.multilabel) {
    const map = headers.get(c.multilabel.path) as HeaderResult;
    const table = await resolveTable(root, c.multilabel.table, map, jsonTables, issues);
    if (typeof table === 'string') {
      issues.push({ path: c.multilabel.path, caseId: c.id, message: table, severity: 'error' });
    } else {
      const values = present.get(c.multilabel.path);
      for (const { value, name } of foregroundLabels(table)) {
        if (!keep(name)) continue;
        const source: LabelSource = { kind: 'multilabel', path: c.multilabel.path, value };
        entry.labels.push(label(name, source, map, values !== undefined && !values.has(value)));
      }
    }
  }
  return entry;
}

/** Status as far as headers tell; the first problem wins, a second one is added to the message. */
function judge(ct: HeaderResult, mask: HeaderResult, organMatch: OrganMatch, absent: boolean, maskPath: string): Pick<LabelEntry, 'status' | 'message'> {
  if (!mask.ok) return { status: 'error', message: mask.message };
  if (!ct.ok) return { status: 'error', message: `CT unreadable: ${ct.message}` };
  const unmapped = organMatch.status === 'unmapped' ? `unmapped: ${organMatch.reason}` : undefined;
  const grid = judgeGrid(mask.grid, ct.grid);
  if (grid.kind === 'mismatch') {
    // Named like the read errors ("<file>: ..."), so the row says which file does not fit.
    const reason = `${maskPath}: mask grid differs from the CT's: ${grid.reason}`;
    return { status: 'grid_mismatch', message: unmapped ? `${reason}; ${unmapped}` : reason };
  }
  const resampled = grid.kind === 'resample' ? resampledMessage(grid.reason) : undefined;
  if (absent) return { status: 'empty', message: 'no voxel has this label value' };
  if (unmapped) return { status: 'unmapped', message: resampled ? `${unmapped}; ${resampled}` : unmapped };
  const approximate = organMatch.status === 'mapped' && organMatch.approximate ? (organMatch.note ?? `approximate match: ${organMatch.dapName}`) : undefined;
  const message = [approximate, resampled].filter((m) => m !== undefined).join('; ');
  return message ? { status: 'ok', message } : { status: 'ok' };
}

/** A multi-label map's table: labels.json / dataset.json when the layout names one, else the file's own table. */
async function resolveTable(
  root: string,
  source: TableSource,
  map: HeaderResult,
  jsonTables: Map<string, Promise<LabelTable | string>>,
  issues: ScanIssue[],
): Promise<LabelTable | string> {
  if (source.kind === 'given') return source.table;
  if (source.kind === 'json') {
    let table = jsonTables.get(source.path);
    if (!table) {
      // Read once per file (a root labels.json serves every case); its warnings are reported once.
      table = readFile(path.join(root, source.path), 'utf8')
        .then((text) => {
          const parsed = parseLabelTableText(text, source.path);
          for (const w of parsed.warnings) issues.push({ path: source.path, message: w, severity: 'warning' });
          return parsed.table;
        })
        .catch((err: unknown) => asSentinelError(err, source.path).message);
      jsonTables.set(source.path, table);
    }
    return table;
  }
  if (!map.ok) return `no label names: ${map.message}`;
  if (!map.labelTable || map.labelTable.size === 0) {
    return map.format === 'nifti'
      ? 'no label names: no labels.json beside it and no label table in its NIfTI header extension'
      : 'no label names: no labels.json beside it and no segment names in the file';
  }
  return map.labelTable;
}

/**
 * Header (+ completeness check for NIfTI) of one file; failures become a message naming the file (relative).
 * The reader's warnings (an odd slice spacing in a series, say) become issues of that file.
 */
async function readHeaderChecked(root: string, rel: string, referenceGrid: Grid | undefined, issues: ScanIssue[]): Promise<HeaderResult> {
  const abs = path.join(root, rel);
  const names = (t: Map<number, { name: string }> | undefined): LabelTable | undefined =>
    t ? new Map([...t].map(([v, info]) => [v, info.name])) : undefined;
  try {
    if (isNiftiPath(rel)) {
      const h = await readNiftiHeader(abs);
      await checkNiftiComplete(abs, rel, h.header);
      return { ok: true, format: 'nifti', grid: h.grid, labelTable: names(h.labelTable) };
    }
    const info = await readVolumeInfo(abs, referenceGrid ? { referenceGrid } : {});
    for (const w of info.warnings) issues.push({ path: rel, message: w, severity: 'warning' });
    // fileGrid: what the file holds (given the CT's grid, the reader reports a file on another grid as resampled).
    return { ok: true, format: info.format, grid: info.fileGrid, labelTable: names(info.labelTable), ...(info.overlapping ? { overlapping: true } : {}) };
  } catch (err) {
    return { ok: false, message: messageFor(err, abs, rel) };
  }
}

/**
 * The distinct values of an integer label map (the opt-in voxel pass). Undefined for a file whose segments
 * overlap: one value per voxel cannot describe it, and scoring finds its empty segments.
 */
async function readLabelValues(root: string, rel: string, header: HeaderResult, referenceGrid?: Grid): Promise<Set<number> | HeaderResult | undefined> {
  const abs = path.join(root, rel);
  if (header.ok && header.overlapping) return undefined;
  try {
    const img = await readVolumeFile(abs, referenceGrid ? { referenceGrid } : {});
    const values = new Set<number>();
    const data = img.volume.data;
    let last = NaN;
    for (let i = 0; i < data.length; i++) {
      const v = data[i];
      if (v !== last) {
        values.add(v);
        last = v;
      }
    }
    return values;
  } catch (err) {
    return { ok: false, message: messageFor(err, abs, rel) };
  }
}

/** The error's reason prefixed by the path relative to the root (not the machine-specific absolute one). */
function messageFor(err: unknown, abs: string, rel: string): string {
  const e = asSentinelError(err, rel);
  let reason = e.message;
  for (const prefix of [abs, rel]) if (e.file === prefix && reason.startsWith(`${prefix}: `)) reason = reason.slice(prefix.length + 2);
  if (reason.startsWith(`${abs}: `)) reason = reason.slice(abs.length + 2);
  return `${rel}: ${reason}`;
}
