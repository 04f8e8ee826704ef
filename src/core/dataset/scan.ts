/**
 * scanDataset: a folder → its manifest. Reads directory listings, small JSON/CSV files and NIfTI headers only
 * (plus each .nii.gz's 4-byte gzip trailer, see integrity.ts), so a thousand-case dataset scans in seconds.
 * Whether a mask is empty, or which values of a multi-label map occur, needs voxels: scoring finds that out
 * (status 'empty'), unless `readLabelValues` asks the scan to decode multi-label maps.
 * The scan opens every file read-only and never writes into the dataset.
 */
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import { asSentinelError } from '../errors';
import type { Grid } from '../volume';
import { readNifti, readNiftiHeader, sameGrid } from '../nifti';
import { createOrganMatcher, getMappingTable, getOrganCatalog, matchOrgan as defaultMatchOrgan, type UserOrganMappings } from '../organs';
import type { CaseEntry, DatasetManifest, LabelEntry, LabelSource, OrganMatch, ScanIssue } from './manifest';
import { planLayout, type PlannedCase, type TableSource } from './layout';
import { mapLimit } from './concurrency';
import { checkNiftiComplete } from './integrity';
import { foregroundLabels, parseLabelTableText, type LabelTable } from './label-table';
import { attachMeta } from './meta';

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
  | { ok: true; grid: Grid; labelTable?: LabelTable }
  | { ok: false; message: string };

interface ReadJob {
  rel: string;
  voxels: boolean;
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

  // Per-organ masks outside the organ filter are not even opened.
  const cases = plan.cases.map((c) => (c.perOrgan ? { ...c, perOrgan: c.perOrgan.filter((l) => keep(l.organ)) } : c));
  const jobs: ReadJob[] = [];
  for (const c of cases) {
    jobs.push({ rel: c.ctPath, voxels: false });
    for (const l of c.perOrgan ?? []) jobs.push({ rel: l.path, voxels: false });
    if (c.multilabel) jobs.push({ rel: c.multilabel.path, voxels: opts.readLabelValues === true });
  }

  const headers = new Map<string, HeaderResult>();
  const present = new Map<string, Set<number>>();
  let done = 0;
  await mapLimit(
    jobs,
    opts.concurrency ?? 8,
    async (job) => {
      const res = await readHeaderChecked(absRoot, job.rel);
      headers.set(job.rel, res);
      if (job.voxels && res.ok) {
        const values = await readLabelValues(absRoot, job.rel);
        if (values instanceof Set) present.set(job.rel, values);
        else headers.set(job.rel, values);
      }
      done++;
      opts.onProgress?.({ done, total: jobs.length, path: job.rel });
    },
    opts.signal,
  );
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
    return { caseId: c.id, organ, source, organMatch, ...judge(ct, mask, organMatch, absent) };
  };

  for (const l of c.perOrgan ?? []) {
    entry.labels.push(label(l.organ, { kind: 'file', path: l.path }, headers.get(l.path) as HeaderResult));
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
function judge(ct: HeaderResult, mask: HeaderResult, organMatch: OrganMatch, absent: boolean): Pick<LabelEntry, 'status' | 'message'> {
  if (!mask.ok) return { status: 'error', message: mask.message };
  if (!ct.ok) return { status: 'error', message: `CT unreadable: ${ct.message}` };
  const unmapped = organMatch.status === 'unmapped' ? `unmapped: ${organMatch.reason}` : undefined;
  const grid = sameGrid(mask.grid, ct.grid);
  if (!grid.same) {
    const reason = `mask grid differs from the CT's: ${grid.reason ?? 'different geometry'}`;
    return { status: 'grid_mismatch', message: unmapped ? `${reason}; ${unmapped}` : reason };
  }
  if (absent) return { status: 'empty', message: 'no voxel has this label value' };
  if (unmapped) return { status: 'unmapped', message: unmapped };
  if (organMatch.status === 'mapped' && organMatch.approximate) {
    return { status: 'ok', message: organMatch.note ?? `approximate match: ${organMatch.dapName}` };
  }
  return { status: 'ok' };
}

/** A multi-label map's table: labels.json / dataset.json when the layout names one, else the NIfTI extension. */
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
    return 'no label names: no labels.json beside it and no label table in its NIfTI header extension';
  }
  return map.labelTable;
}

/** Header + completeness check of one file; failures become a message naming the file (relative). */
async function readHeaderChecked(root: string, rel: string): Promise<HeaderResult> {
  const abs = path.join(root, rel);
  try {
    const h = await readNiftiHeader(abs);
    await checkNiftiComplete(abs, rel, h.header);
    const labelTable = h.labelTable ? new Map([...h.labelTable].map(([v, info]) => [v, info.name])) : undefined;
    return { ok: true, grid: h.grid, labelTable };
  } catch (err) {
    return { ok: false, message: messageFor(err, abs, rel) };
  }
}

/** The distinct values of an integer label map (the opt-in voxel pass). */
async function readLabelValues(root: string, rel: string): Promise<Set<number> | HeaderResult> {
  const abs = path.join(root, rel);
  try {
    const img = await readNifti(abs);
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
