/**
 * nnU-Net v2's dataset.json (documentation/dataset_format.md of nnU-Net): channel_names (index → name; "CT"
 * selects nnU-Net's CT normalisation), labels (name → value, background 0, values consecutive), numTraining,
 * file_ending. Optional fields nnU-Net ignores carry the name, a description, a licence and the provenance.
 */
import { SentinelError } from '../errors';

export interface DatasetJson {
  channel_names: Record<string, string>;
  labels: Record<string, number>;
  numTraining: number;
  file_ending: '.nii.gz';
  name: string;
  description: string;
  licence?: string;
  provenance: Record<string, unknown>;
}

export function datasetJson(opts: {
  organs: readonly string[];
  numTraining: number;
  name: string;
  description: string;
  licence?: string;
  provenance: Record<string, unknown>;
}): DatasetJson {
  const labels: Record<string, number> = { background: 0 };
  opts.organs.forEach((organ, i) => {
    if (organ in labels) throw new SentinelError('invalid_argument', `the organ name "${organ}" cannot be an nnU-Net label name (it is taken)`);
    labels[organ] = i + 1;
  });
  return {
    channel_names: { '0': 'CT' },
    labels,
    numTraining: opts.numTraining,
    file_ending: '.nii.gz',
    name: opts.name,
    description: opts.description,
    ...(opts.licence ? { licence: opts.licence } : {}),
    provenance: opts.provenance,
  };
}
