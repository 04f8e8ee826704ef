/**
 * Layout detection: which files of a folder are CTs and which are labels. Only directory listings and small JSON
 * files are read here (plus the first bytes of mask files whose name gives no format, to find DICOM SEG objects);
 * headers are read by the scan afterwards.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { SentinelError, asSentinelError } from '../errors';
import type { DatasetLayout, ScanIssue } from './manifest';
import { compareIds, listDir, type DirEntry } from './listing';
import { isDicomSegFile, maskExtension, mayBeBareDicom, organNameOf } from './volume-files';
import { parseLabelTableJson, type LabelTable } from './label-table';
import { mapLimit } from './concurrency';

export const CT_NAMES = ['ct.nii.gz', 'ct.nii', 'ct.nrrd', 'ct.nhdr'] as const;
/** A CT stored as a DICOM series: the slice files of one series in this subfolder (any names, DICM preamble). */
export const CT_DICOM_DIR = 'ct';
export const MULTILABEL_NAMES = [
  'label.nii.gz',
  'label.nii',
  'seg.nii.gz',
  'seg.nii',
  'segmentation.nii.gz',
  'segmentation.nii',
  'segmentation.seg.nrrd',
  'seg.seg.nrrd',
  'label.nrrd',
  'seg.nrrd',
  'segmentation.nrrd',
  'seg.dcm',
  'segmentation.dcm',
] as const;
export const SEGMENTATIONS_DIR = 'segmentations';
export const LABELS_JSON = 'labels.json';

/** Where a multi-label map's names come from, before any header is read. */
export type TableSource =
  | { kind: 'json'; path: string }
  /** An nnU-Net dataset.json, already parsed. */
  | { kind: 'given'; table: LabelTable; path: string }
  /** The map's own NIfTI label extension (known only once its header is read). */
  | { kind: 'extension' };

export interface PlannedCase {
  id: string;
  /** Paths relative to the root, '/' separated. */
  ctPath: string;
  perOrgan?: { organ: string; path: string }[];
  multilabel?: { path: string; table: TableSource };
}

export interface LayoutPlan {
  layout: DatasetLayout;
  singleCase: boolean;
  cases: PlannedCase[];
  issues: ScanIssue[];
}

const join = (...parts: string[]): string => parts.filter((p) => p !== '').join('/');
const findName = (entries: DirEntry[], names: readonly string[]): string | undefined =>
  names.find((n) => entries.some((e) => e.isFile && e.name === n));
/** The CT of a case folder: a ct.* file, else a ct/ folder (a DICOM series, checked when the scan reads it). */
const findCt = (entries: DirEntry[]): string | undefined =>
  findName(entries, CT_NAMES) ?? (entries.some((e) => e.isDir && e.name === CT_DICOM_DIR) ? CT_DICOM_DIR : undefined);
const CT_WORDS = `${CT_NAMES.join(', ')} or a ${CT_DICOM_DIR}/ DICOM series`;

/**
 * Detects the layout of `root` and lists its cases. Throws a SentinelError only when the root cannot be read or
 * holds nothing this scanner recognises; everything else becomes an issue.
 */
export async function planLayout(root: string): Promise<LayoutPlan> {
  let rootStat;
  try {
    rootStat = await stat(root);
  } catch (err) {
    throw asSentinelError(err, root);
  }
  if (!rootStat.isDirectory()) throw new SentinelError('invalid_argument', 'not a folder', root);
  const entries = await listDir(root).catch((err: unknown) => {
    throw asSentinelError(err, root);
  });
  const has = (name: string, dir = false): boolean => entries.some((e) => e.name === name && (dir ? e.isDir : e.isFile));

  if (has('imagesTr', true)) return planNnUnet(root, has('dataset.json'));

  const issues: ScanIssue[] = [];
  const rootTable = has(LABELS_JSON) ? LABELS_JSON : undefined;
  const looksLikeCase = (list: DirEntry[]): boolean =>
    list.some((e) => e.isDir && e.name === SEGMENTATIONS_DIR) || findName(list, MULTILABEL_NAMES) !== undefined;
  // A ct/ folder makes the root one case only beside labels: a dataset of many cases may well hold a case named "ct".
  if (findName(entries, CT_NAMES) || (findCt(entries) && looksLikeCase(entries))) {
    const c = await planCaseFolder(root, '', path.basename(path.resolve(root)), entries, rootTable, issues);
    return { layout: layoutOf([c]), singleCase: true, cases: [c], issues };
  }

  const cases: PlannedCase[] = [];
  const dirs = entries.filter((e) => e.isDir);
  const listed = await mapLimit(dirs, 16, async (d) => {
    try {
      return { d, sub: await listDir(path.join(root, d.name)) };
    } catch (err) {
      issues.push({ path: d.name, message: asSentinelError(err, d.name).message, severity: 'warning' });
      return { d, sub: null };
    }
  });
  for (const { d, sub } of listed) {
    if (!sub) continue;
    if (!findCt(sub)) {
      // Stray folders are common (docs, scripts); only a folder that has labels but no CT is worth a warning.
      if (looksLikeCase(sub)) {
        issues.push({ path: d.name, caseId: d.name, message: `labels but no ${CT_WORDS}`, severity: 'warning' });
      }
      continue;
    }
    cases.push(await planCaseFolder(path.join(root, d.name), d.name, d.name, sub, rootTable, issues));
  }
  if (cases.length === 0) {
    throw new SentinelError(
      'unsupported',
      `not a dataset: no ${CT_WORDS} in the folder or its subfolders, and no nnU-Net imagesTr/dataset.json`,
      root,
    );
  }
  return { layout: layoutOf(cases), singleCase: false, cases, issues };
}

/** One case folder: its CT and either segmentations/<organ>.<volume extension> or one multi-label map. */
async function planCaseFolder(
  abs: string,
  rel: string,
  id: string,
  entries: DirEntry[],
  rootTable: string | undefined,
  issues: ScanIssue[],
): Promise<PlannedCase> {
  const ctName = findCt(entries) as string;
  const planned: PlannedCase = { id, ctPath: join(rel, ctName) };
  if (ctName !== CT_DICOM_DIR && entries.some((e) => e.isDir && e.name === CT_DICOM_DIR)) {
    issues.push({ path: join(rel, CT_DICOM_DIR), caseId: id, message: `ignored: ${ctName} is used instead`, severity: 'warning' });
  }
  const mapNames = MULTILABEL_NAMES.filter((n) => entries.some((e) => e.isFile && e.name === n));

  if (entries.some((e) => e.isDir && e.name === SEGMENTATIONS_DIR)) {
    const segRel = join(rel, SEGMENTATIONS_DIR);
    try {
      const files = await maskFiles(path.join(abs, SEGMENTATIONS_DIR));
      planned.perOrgan = files.map((name) => ({ organ: organNameOf(name), path: join(segRel, name) }));
      if (files.length === 0) issues.push({ path: segRel, caseId: id, message: 'no mask files (NIfTI, NRRD, .seg.nrrd or DICOM SEG)', severity: 'warning' });
    } catch (err) {
      issues.push({ path: segRel, caseId: id, message: asSentinelError(err, segRel).message, severity: 'error' });
      planned.perOrgan = [];
    }
    for (const n of mapNames) {
      issues.push({ path: join(rel, n), caseId: id, message: `ignored: ${SEGMENTATIONS_DIR}/ is used instead`, severity: 'warning' });
    }
    return planned;
  }

  if (mapNames.length > 0) {
    const table: TableSource = entries.some((e) => e.isFile && e.name === LABELS_JSON)
      ? { kind: 'json', path: join(rel, LABELS_JSON) }
      : rootTable !== undefined
        ? { kind: 'json', path: rootTable }
        : { kind: 'extension' };
    planned.multilabel = { path: join(rel, mapNames[0]), table };
    for (const n of mapNames.slice(1)) {
      issues.push({ path: join(rel, n), caseId: id, message: `ignored: ${mapNames[0]} is used instead`, severity: 'warning' });
    }
    return planned;
  }

  issues.push({
    path: rel,
    caseId: id,
    message: `no labels: neither ${SEGMENTATIONS_DIR}/ nor one of ${MULTILABEL_NAMES.filter((n) => n.endsWith('.gz')).join(', ')}`,
    severity: 'warning',
  });
  return planned;
}

/**
 * The mask files of a segmentations/ folder: names with a volume extension, and files whose name says nothing but
 * which are DICOM SEG objects (their first 132 bytes are read to tell).
 */
async function maskFiles(dir: string): Promise<string[]> {
  const files = (await listDir(dir)).filter((e) => e.isFile);
  const sniffed = await mapLimit(files, 8, async (f) =>
    maskExtension(f.name) !== undefined || (mayBeBareDicom(f.name) && (await isDicomSegFile(path.join(dir, f.name)))),
  );
  return files.filter((_, i) => sniffed[i]).map((f) => f.name);
}

/** nnU-Net raw: imagesTr/<case>_0000<ending> (other channels ignored), labelsTr/<case><ending>, dataset.json. */
async function planNnUnet(root: string, hasDatasetJson: boolean): Promise<LayoutPlan> {
  const issues: ScanIssue[] = [];
  let ending = '.nii.gz';
  let table: LabelTable = new Map();
  if (hasDatasetJson) {
    const file = path.join(root, 'dataset.json');
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      throw asSentinelError(err, 'dataset.json');
    }
    let json: { labels?: unknown; file_ending?: unknown } = {};
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed === 'object' && parsed !== null) json = parsed as typeof json;
    } catch (err) {
      issues.push({ path: 'dataset.json', message: `invalid JSON: ${(err as Error).message}`, severity: 'error' });
    }
    if (typeof json.file_ending === 'string') ending = json.file_ending;
    if (json.labels !== undefined) {
      try {
        const parsed = parseLabelTableJson(json.labels, 'dataset.json');
        table = parsed.table;
        for (const w of parsed.warnings) issues.push({ path: 'dataset.json', message: w, severity: 'warning' });
      } catch (err) {
        issues.push({ path: 'dataset.json', message: asSentinelError(err).message, severity: 'error' });
      }
    }
    if (table.size === 0) issues.push({ path: 'dataset.json', message: 'no "labels" map: labels have no names', severity: 'error' });
  } else {
    issues.push({ path: '', message: 'imagesTr/ without dataset.json: labels have no names', severity: 'error' });
  }
  if (!NNUNET_ENDINGS.includes(ending.toLowerCase())) {
    throw new SentinelError('unsupported', `nnU-Net file_ending "${ending}": only ${NNUNET_ENDINGS.join(', ')} are supported`, root);
  }

  const images = await listDir(path.join(root, 'imagesTr')).catch((err: unknown) => {
    throw asSentinelError(err, 'imagesTr');
  });
  const labelNames = new Set(
    (await listDir(path.join(root, 'labelsTr')).catch(() => [] as DirEntry[])).filter((e) => e.isFile).map((e) => e.name),
  );
  const cases: PlannedCase[] = [];
  for (const img of images) {
    if (!img.isFile || !img.name.endsWith(ending)) continue;
    const stem = img.name.slice(0, -ending.length);
    const channel = /^(.*)_(\d{4})$/.exec(stem);
    // Medical Segmentation Decathlon files have no channel suffix: the whole stem is the case.
    if (channel && channel[2] !== '0000') continue;
    const id = channel ? channel[1] : stem;
    const planned: PlannedCase = { id, ctPath: `imagesTr/${img.name}` };
    const labelName = `${id}${ending}`;
    if (labelNames.has(labelName)) {
      planned.multilabel = { path: `labelsTr/${labelName}`, table: { kind: 'given', table, path: 'dataset.json' } };
    } else {
      issues.push({ path: `labelsTr/${labelName}`, caseId: id, message: 'no label file for this image', severity: 'warning' });
    }
    cases.push(planned);
  }
  if (cases.length === 0) throw new SentinelError('unsupported', `nnU-Net dataset without images *_0000${ending} in imagesTr/`, root);
  cases.sort((a, b) => compareIds(a.id, b.id));
  return { layout: 'nnunet', singleCase: false, cases, issues };
}

const NNUNET_ENDINGS = ['.nii.gz', '.nii', '.nrrd'];

function layoutOf(cases: PlannedCase[]): DatasetLayout {
  const perOrgan = cases.some((c) => c.perOrgan);
  const multi = cases.some((c) => c.multilabel);
  return perOrgan && multi ? 'mixed' : multi ? 'multilabel' : 'totalsegmentator';
}
