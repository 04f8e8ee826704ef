#!/usr/bin/env python3
"""Reference values for the nnU-Net export tests (test/core/export/nnunet-sample.test.ts), computed with nibabel.

1. `sample-masks.json`: for every per-organ mask of the bundled sample (resources/sample), its voxel count
   (voxels > 0), the CT's shape and affine. The exported label map must give each organ exactly these voxels.
2. `--check <DatasetNNN_Name>`: validates an exported nnU-Net v2 raw dataset independently of the TypeScript code
   (dataset.json keys, file names, numTraining, label values, image/label geometry), as a manual cross-check:

       node bin/sentinel.mjs score resources/sample --out .tmp/s.csv
       node bin/sentinel.mjs export resources/sample --scores .tmp/s.csv --to .tmp/export --what nnunet --threshold 0
       /usr/bin/python3 tools/golden/export_reference.py --check .tmp/export/Dataset501_PseudoLabels

Regenerate the fixture (from the repository root, Debian's python3-nibabel):

    /usr/bin/python3 tools/golden/export_reference.py --out test/fixtures/export/sample-masks.json
"""

import argparse
import json
import os
import re
import sys

import nibabel as nib
import numpy as np

SAMPLE = 'resources/sample'


def sample_masks():
    out = {}
    for case in sorted(os.listdir(SAMPLE)):
        seg = os.path.join(SAMPLE, case, 'segmentations')
        if not os.path.isdir(seg):
            continue
        ct = nib.load(os.path.join(SAMPLE, case, 'ct.nii.gz'))
        organs = {}
        for f in sorted(os.listdir(seg)):
            if f.endswith('.nii.gz'):
                organs[f[: -len('.nii.gz')]] = int((np.asarray(nib.load(os.path.join(seg, f)).dataobj) > 0).sum())
        out[case] = {'shape': list(ct.shape), 'affine': ct.affine.round(6).tolist(), 'organs': organs}
    return out


def check(folder):
    problems = []
    ds = json.load(open(os.path.join(folder, 'dataset.json')))
    for key in ('channel_names', 'labels', 'numTraining', 'file_ending'):
        if key not in ds:
            problems.append(f'dataset.json lacks {key}')
    values = sorted(ds['labels'].values())
    if values != list(range(len(values))) or ds['labels'].get('background') != 0:
        problems.append(f'label values not consecutive from background 0: {values}')
    ending = ds['file_ending']
    labels = sorted(os.listdir(os.path.join(folder, 'labelsTr')))
    images = sorted(os.listdir(os.path.join(folder, 'imagesTr')))
    if len(labels) != ds['numTraining']:
        problems.append(f"numTraining {ds['numTraining']} but {len(labels)} label files")
    for lf in labels:
        case = lf[: -len(ending)]
        want = [f'{case}_{i:04d}{ending}' for i in range(len(ds['channel_names']))]
        if any(w not in images for w in want):
            problems.append(f'{case}: missing image {want}')
            continue
        seg = nib.load(os.path.join(folder, 'labelsTr', lf))
        found = set(np.unique(np.asarray(seg.dataobj)).tolist())
        if not found <= set(values):
            problems.append(f'{case}: label values {sorted(found - set(values))} not in dataset.json')
        for w in want:
            img = nib.load(os.path.join(folder, 'imagesTr', w))
            if img.shape != seg.shape or not np.allclose(img.affine, seg.affine, atol=1e-4):
                problems.append(f'{case}: image and label geometry differ')
    if len(images) != len(labels) * len(ds['channel_names']):
        problems.append('imagesTr holds files that belong to no label')
    for f in images + labels:
        if not re.match(r'^[^/\\]+\.nii\.gz$', f):
            problems.append(f'odd file name {f}')
    return problems


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--out', default='test/fixtures/export/sample-masks.json')
    ap.add_argument('--check')
    a = ap.parse_args()
    if a.check:
        problems = check(a.check)
        print('\n'.join(problems) if problems else 'ok: a valid nnU-Net v2 raw dataset')
        sys.exit(1 if problems else 0)
    with open(a.out, 'w') as f:
        json.dump(sample_masks(), f, indent=1, sort_keys=True)
        f.write('\n')


if __name__ == '__main__':
    main()
