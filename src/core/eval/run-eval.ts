/**
 * The evaluation run: reference labels, their degraded variants (or, with `against`, the labels of another
 * dataset as truth), each variant scored in memory through the normal pipeline, and per variant the true and
 * the predicted DSC at label and slice level.
 *
 * Cases go one at a time (the CT is decoded once per case). Within a case, the variants of one label form a
 * chunk: all are preprocessed, queued with the batcher, and the batcher is flushed, so model batches are the same
 * on every run (deterministic for a seed). Two chunks are in flight, so the next label is degraded and
 * preprocessed while the model works on the previous one.
 */
import { resolve } from 'node:path';
import { scanDataset, labelPath, type CaseEntry, type DatasetManifest, type LabelEntry } from '../dataset';
import type { Volume } from '../volume';
import { compactness } from './baseline';
import { clearBox, pasteInto, type BoxedMask } from './box';
import { loadCanonicalCt, loadLabels, skipped, type LoadedLabel, type SkippedLabel } from './load-case';
import { closestNeighbours } from './neighbours';
import { hash32 } from './rng';
import { prepareMask, scorePrepared, type InMemoryScorer } from './score-in-memory';
import { trueDice } from './truth';
import { BOX_MARGIN, makeVariants, type VariantKind, type VariantParams } from './variants';
import { asSentinelError } from '../errors';

export interface EvalOptions {
  /** The dataset whose labels are the references (degradations), or the labels scored against `against`. */
  dataset: string;
  /** A dataset with the same cases and grids whose same-named labels are the truth. */
  against?: string;
  /** Degradations per reference label (each label also keeps its unchanged variant). */
  variants: number;
  seed: number;
  /** Only these labels (name as found or DAP name, case-insensitive). */
  organs?: string[];
  onProgress?: (p: { done: number; total: number; caseId: string }) => void;
}

export type EvalMode = 'degrade' | 'against';

export interface EvalRecord {
  caseId: string;
  organ: string;
  labelPath: string;
  /** DAP Atlas organ whose embedding scored it. */
  organId: number;
  /** 0 = the label unchanged (degrade mode) or as it is (against mode). */
  variant: number;
  kind: VariantKind | 'as_is';
  params: VariantParams;
  target: number | null;
  trueDsc: number;
  predictedDsc: number;
  /** The shape prior's raw value (see baseline.ts). */
  compactness: number;
  slices: number[];
  sliceDsc: number[];
  /** 2D Dice of the scored mask against the truth on each scored slice. */
  sliceTrueDsc: number[];
}

export interface EvalRun {
  mode: EvalMode;
  dataset: string;
  against: string | null;
  cases: number;
  /** Labels evaluated (each gives variants + 1 records in degrade mode, one in against mode). */
  references: number;
  records: EvalRecord[];
  skipped: SkippedLabel[];
  /** Scan warnings and errors of the datasets, as "path: message". */
  issues: string[];
}

/** The jobs of one chunk (one reference label), made when the chunk is submitted. */
type ChunkMaker = () => Job[];

/** One label to score and the truth it is measured against. */
interface Job {
  label: LoadedLabel;
  truth: BoxedMask;
  variant: number;
  kind: VariantKind | 'as_is';
  params: VariantParams;
  target: number | null;
  mask: BoxedMask;
}

export async function runEval(opts: EvalOptions, scorer: InMemoryScorer): Promise<EvalRun> {
  const root = resolve(opts.dataset);
  const manifest = await scanDataset(root, { organs: opts.organs });
  const truthManifest = opts.against ? await scanDataset(resolve(opts.against), { organs: opts.organs }) : null;
  const issues = [manifest, ...(truthManifest ? [truthManifest] : [])].flatMap((m) =>
    m.issues.map((i) => `${i.severity}: ${i.path ? `${m.root}/${i.path}` : m.root}: ${i.message}`),
  );
  const run: EvalRun = {
    mode: truthManifest ? 'against' : 'degrade',
    dataset: root,
    against: truthManifest ? truthManifest.root : null,
    cases: 0,
    references: 0,
    records: [],
    skipped: [],
    issues,
  };
  const total = manifest.cases.reduce((n, c) => n + c.labels.length, 0);
  let done = 0;
  const pipeline = new ChunkPipeline();
  const partner = truthManifest ? pairCases(manifest, truthManifest) : null;

  for (const entry of manifest.cases) {
    let ct: Volume;
    try {
      ct = await loadCanonicalCt(root, entry);
    } catch (err) {
      const msg = `error: CT unreadable: ${asSentinelError(err, entry.ct.path).message}`;
      run.skipped.push(...entry.labels.map((l) => skipped(l, msg)));
      done += entry.labels.length;
      continue;
    }
    run.cases++;
    const chunks = partner && truthManifest
      ? await againstChunks(entry, partner.get(entry.id) ?? null, truthManifest.root, root, ct, run)
      : await degradeChunks(entry, root, ct, opts, run);
    const scratch = new Uint8Array(ct.data.length);
    // Skipped labels count as done at once; each chunk (one label) when the model has answered it.
    done += entry.labels.length - chunks.length;
    for (const makeJobs of chunks) {
      const submitted = await pipeline.submit(makeJobs(), ct, scratch, scorer);
      run.records.push(...submitted.records);
      submitted.settled.then(() => opts.onProgress?.({ done: ++done, total, caseId: entry.id }), () => undefined);
    }
  }
  await pipeline.drain();
  // A variant the model saw no slice of cannot be compared (the loaders and degradations never leave a mask
  // empty, so this is a guard, reported rather than dropped silently).
  for (const r of run.records.filter((x) => x.slices.length === 0)) {
    run.skipped.push({ caseId: r.caseId, organ: r.organ, labelPath: r.labelPath, reason: `empty: variant ${r.variant} (${r.kind}) has no voxel` });
  }
  run.records = run.records.filter((r) => r.slices.length > 0);
  return run;
}

/** Degrade mode: every usable label of the case with its seeded variants, one chunk per label. */
async function degradeChunks(entry: CaseEntry, root: string, ct: Volume, opts: EvalOptions, run: EvalRun): Promise<ChunkMaker[]> {
  // Unmapped labels are loaded too: they cannot be scored, but an organ can leak into them.
  const { loaded, skipped: bad } = await loadLabels(root, entry.labels, ct, BOX_MARGIN, false);
  run.skipped.push(...bad);
  const neighbours = closestNeighbours(loaded.map((l) => l.mask));
  const chunks: ChunkMaker[] = [];
  loaded.forEach((label, i) => {
    if (label.dapId === null) {
      run.skipped.push(skipped(label.entry, `unmapped: ${label.entry.organMatch.status === 'unmapped' ? label.entry.organMatch.reason : ''}`));
      return;
    }
    run.references++;
    const n = neighbours[i];
    const seed = hash32(opts.seed, label.entry.caseId, labelPath(label.entry.source));
    const neighbour = n === null ? null : { name: loaded[n].entry.organ, mask: loaded[n].mask };
    // Made when its turn comes, so only the variants of the labels in flight are in memory.
    chunks.push(() =>
      makeVariants({ reference: label.mask, neighbour }, opts.variants, seed).map((v) => ({
        label,
        truth: label.mask,
        variant: v.index,
        kind: v.kind,
        params: v.params,
        target: v.target,
        mask: v.mask,
      })),
    );
  });
  return chunks;
}

/** Against mode: each usable label as it is, with the same-named label of the partner case as truth. */
async function againstChunks(
  entry: CaseEntry,
  truthCase: CaseEntry | null,
  truthRoot: string,
  root: string,
  ct: Volume,
  run: EvalRun,
): Promise<ChunkMaker[]> {
  if (!truthCase) {
    run.skipped.push(...entry.labels.map((l) => skipped(l, `no_truth: case ${entry.id} is not in ${truthRoot}`)));
    return [];
  }
  const truthByOrgan = new Map<string, LabelEntry>();
  for (const l of truthCase.labels) if (!truthByOrgan.has(l.organ)) truthByOrgan.set(l.organ, l);
  const withTruth: LabelEntry[] = [];
  for (const l of entry.labels) {
    if (truthByOrgan.has(l.organ)) withTruth.push(l);
    else run.skipped.push(skipped(l, `no_truth: ${truthRoot} has no label "${l.organ}" in case ${truthCase.id}`));
  }
  const { loaded, skipped: bad } = await loadLabels(root, withTruth, ct, BOX_MARGIN, true);
  run.skipped.push(...bad);
  const truthEntries = loaded.map((l) => truthByOrgan.get(l.entry.organ) as LabelEntry);
  const truth = await loadLabels(truthRoot, truthEntries, ct, BOX_MARGIN, false);
  const truthMasks = new Map(truth.loaded.map((t) => [t.entry.organ, t.mask]));
  const chunks: ChunkMaker[] = [];
  for (const label of loaded) {
    const t = truthMasks.get(label.entry.organ);
    if (!t) {
      const why = truth.skipped.find((s) => s.organ === label.entry.organ)?.reason ?? 'unreadable';
      run.skipped.push(skipped(label.entry, `no_truth: ${truthRoot}: ${why}`));
      continue;
    }
    run.references++;
    chunks.push(() => [{ label, truth: t, variant: 0, kind: 'as_is', params: {}, target: null, mask: label.mask }]);
  }
  return chunks;
}

/**
 * Cases of the scored dataset → cases of the truth dataset, by id; when each dataset holds exactly one case they
 * pair whatever their names (two single-case folders, e.g. s0001 against s0001_fast).
 */
export function pairCases(scored: DatasetManifest, truth: DatasetManifest): Map<string, CaseEntry> {
  const byId = new Map(truth.cases.map((c) => [c.id, c]));
  const out = new Map<string, CaseEntry>();
  for (const c of scored.cases) {
    const t = byId.get(c.id);
    if (t) out.set(c.id, t);
  }
  if (out.size === 0 && scored.cases.length === 1 && truth.cases.length === 1) out.set(scored.cases[0].id, truth.cases[0]);
  return out;
}

interface Submitted {
  /** Records in submission order; their predictions are filled in when the model answers. */
  records: EvalRecord[];
  settled: Promise<void>;
}

/** Keeps at most two chunks with the model; submitting a third waits for the oldest. */
class ChunkPipeline {
  private inflight: Promise<void>[] = [];

  async submit(jobs: Job[], ct: Volume, scratch: Uint8Array, scorer: InMemoryScorer): Promise<Submitted> {
    const dims = ct.grid.dims;
    const spacing = ct.grid.spacing;
    const records: EvalRecord[] = [];
    const pending: Promise<void>[] = [];
    for (const job of jobs) {
      // Preprocessing is synchronous and copies what it needs, so one whole-grid buffer serves every mask.
      pasteInto(scratch, dims, job.mask);
      const prep = prepareMask(ct, { grid: ct.grid, data: scratch }, scorer.settings);
      clearBox(scratch, dims, job.mask.box);
      const truth = trueDice(job.truth, job.mask);
      const record: EvalRecord = {
        caseId: job.label.entry.caseId,
        organ: job.label.entry.organ,
        labelPath: labelPath(job.label.entry.source),
        organId: job.label.dapId as number,
        variant: job.variant,
        kind: job.kind,
        params: job.params,
        target: job.target,
        trueDsc: truth.volume,
        predictedDsc: Number.NaN,
        compactness: compactness(job.mask.mask, spacing),
        slices: [],
        sliceDsc: [],
        sliceTrueDsc: prep.slices.map((k) => truth.slice(k)),
      };
      records.push(record);
      pending.push(
        scorePrepared(prep, record.organId, scorer).then((s) => {
          record.slices = s.slices;
          record.sliceDsc = s.sliceDsc;
          record.predictedDsc = s.predictedDsc ?? Number.NaN;
        }),
      );
    }
    scorer.batcher.flush();
    const settled = Promise.all(pending).then(() => undefined);
    this.inflight.push(settled);
    if (this.inflight.length > 2) await this.inflight.shift();
    return { records, settled };
  }

  async drain(): Promise<void> {
    await Promise.all(this.inflight);
    this.inflight = [];
  }
}
