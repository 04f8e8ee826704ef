#!/usr/bin/python3
"""Builds resources/sample/ from ../shared/data (TotalSegmentator's test files, Apache-2.0).

Two cases over the same CT (example_ct_sm): one with the masks of TotalSegmentator's normal 1.5 mm model and one
with its --fast 3 mm model, split into one file per organ (TotalSegmentator layout). The two disagree for real
(pancreas Dice 0.81), so the sample holds genuine label-quality differences, not made-up ones.
Run: /usr/bin/python3 tools/sample/make_sample.py [shared_data_dir]
"""
import json
import os
import sys

import nibabel as nib
import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
repo = os.path.abspath(os.path.join(here, '..', '..'))
shared = sys.argv[1] if len(sys.argv) > 1 else os.path.join(repo, '..', 'shared', 'data')
ts = os.path.join(shared, 'ct', 'totalsegmentator')
out = os.path.join(repo, 'resources', 'sample')

raw = json.load(open(os.path.join(ts, 'total_classes.json')))
classes = {int(k): v for k, v in (raw.get('labels', raw)).items() if k.isdigit()}
ct = nib.load(os.path.join(ts, 'example_ct_sm.nii.gz'))

for case, seg_file in (('s0001', 'example_seg.nii.gz'), ('s0001_fast', 'example_seg_fast.nii.gz')):
    case_dir = os.path.join(out, case)
    os.makedirs(os.path.join(case_dir, 'segmentations'), exist_ok=True)
    # Copy the CT bytes as they are: the sample is real data, not a re-encoding.
    with open(os.path.join(ts, 'example_ct_sm.nii.gz'), 'rb') as src, open(os.path.join(case_dir, 'ct.nii.gz'), 'wb') as dst:
        dst.write(src.read())
    seg = nib.load(os.path.join(ts, seg_file))
    data = np.asarray(seg.dataobj)
    for value in sorted(int(v) for v in np.unique(data) if v != 0):
        mask = (data == value).astype(np.uint8)
        hdr = ct.header.copy()
        hdr.set_data_dtype(np.uint8)
        hdr['scl_slope'] = 1
        hdr['scl_inter'] = 0
        img = nib.Nifti1Image(mask, seg.affine, hdr)
        img.set_sform(seg.affine, int(seg.header['sform_code']))
        img.set_qform(seg.affine, int(seg.header['qform_code']))
        nib.save(img, os.path.join(case_dir, 'segmentations', classes[value] + '.nii.gz'))

with open(os.path.join(out, 'meta.csv'), 'w', encoding='utf-8-sig', newline='') as f:
    # TotalSegmentator's meta.csv shape (';', BOM). The source states no age or sex, so those stay empty.
    f.write('image_id;age;gender;institute;study_type;split\n')
    f.write('s0001;;;TotalSegmentator tests;ct;test\n')
    f.write('s0001_fast;;;TotalSegmentator tests;ct;test\n')
print('wrote', out)
