/** Dataset folders: layout detection, the header-only scan into a manifest, sharding. */
export * from './manifest';
export { scanDataset, type ScanOptions, type ScanProgress, type OrganMatcher } from './scan';
export { selectShard } from './shard';
export { planLayout, CT_NAMES, CT_DICOM_DIR, MULTILABEL_NAMES, SEGMENTATIONS_DIR, LABELS_JSON, type LayoutPlan, type PlannedCase } from './layout';
export { parseLabelTableJson, parseLabelTableText, foregroundLabels, type LabelTable, type ParsedLabelTable } from './label-table';
export { parseCsvTable, sniffSeparator, type CsvTable, type CsvSeparator } from './csv';
export { META_CSV } from './meta';
export { judgeGrid, fitToCt, resampledMessage, boxesOverlap, type GridVerdict } from './grid-rule';
export { maskExtension, organNameOf, isNiftiPath, MASK_EXTENSIONS } from './volume-files';
