/**
 * Exports (docs/exports.md): an nnU-Net v2 raw dataset of high-quality pseudo labels, scores as CSV and JSON, the
 * worst labels for active learning, the audit log. Every export writes only inside the chosen folder, through a
 * staging folder renamed into place, reports progress and can be cancelled (`ExportControl`).
 */
export { ExportCancelled, isExportCancelled, checkpoint, type ExportControl, type ExportStage } from './control';
export { ExportFolder, Staging, STAGING_PREFIX, STAGING_SUFFIX } from './output-folder';
export { checkFileName, checkDatasetId, checkDatasetName, nnunetFolderName } from './names';
export { identifierFields, withoutIdentifiers, niftiGzBytes } from './deidentify';
export { selectCases, type ExportScore, type CaseSelection, type ExcludedCase, type IncludedCase } from './nnunet-select';
export { buildLabelMap, toFileOrder, type LabelMap } from './label-map';
export { exportNnunet, DEFAULT_THRESHOLD, type NnunetExportInput, type NnunetExportOptions, type NnunetExportResult } from './nnunet';
export { collectAuditEvents } from './audit';
export { exportScores, exportWorstList, exportAudit, EXPORT_FILE_NAMES, type TableExportOptions } from './table-exports';
export { readDecisionsFile } from './decisions-file';
export { confineExportDir, realFolders } from './allowed-folders';
export { exportReport, REPORT_FILE } from './report';
