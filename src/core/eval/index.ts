/**
 * Evaluation of a model against known truth: degraded reference labels (or another dataset's labels) scored in
 * memory, with agreement statistics and review efficiency. See docs/eval.md.
 */
export { pearson, spearman, mae, averageRanks, agreement, type Agreement } from '../../shared/stats/correlation';
export { createRng, hash32, mix32, voxelUniform, type Rng } from './rng';
export * from './degrade';
export type { Box, BoxedMask, Extent } from './box';
export { extentsByValue, paddedBox, unionBox, cropBinary, reframe, pasteInto, clearBox } from './box';
export { trueDice, type TrueDice } from './truth';
export { contactCount, closestNeighbours } from './neighbours';
export {
  makeVariants,
  DEGRADATION_KINDS,
  MAX_REACH,
  BOX_MARGIN,
  type DegradationKind,
  type VariantKind,
  type Variant,
  type VariantParams,
  type VariantSource,
} from './variants';
export { compactness, relativeCompactness } from './baseline';
export { reviewShare, randomShare, idealShare, reviewEfficiency, type ReviewPoint, type ReviewSummary } from './review';
export { prepareMask, scorePrepared, scoreInMemory, type InMemoryScore, type InMemoryScorer } from './score-in-memory';
export { loadCanonicalCt, loadLabels, type LoadedLabel, type SkippedLabel } from './load-case';
export { runEval, pairCases, type EvalOptions, type EvalRecord, type EvalRun, type EvalMode } from './run-eval';
export { buildReport, REPORT_SCHEMA, BAD_DSC, type EvalReport, type ReportLabel, type ReportSettings, type KindSummary } from './report';
export { formatSummary } from './summary';
