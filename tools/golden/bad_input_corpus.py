#!/usr/bin/python3
"""The bad-input corpus: a small dataset of damaged, lying and odd files, with what each must do.

Writes test/fixtures/bad-input/dataset/ (TotalSegmentator layout) and test/fixtures/bad-input/manifest.json.
Valid volumes are written with nibabel (independently of the app's writer); the damage is done here on their
bytes. The manifest is the specification the tests hold the app to (test/security/bad-input-corpus.test.ts):
for each file, what reading it gives (an error code and a phrase, or ok), and for each label, its status after
the scan and after scoring, and a phrase its message must hold. Everything stays far below 1 MB.

Run from the repository root: /usr/bin/python3 tools/golden/bad_input_corpus.py
"""
import gzip
import io
import json
import os
import shutil
import struct

import nibabel as nib
import numpy as np

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
OUT = os.path.join(ROOT, 'test', 'fixtures', 'bad-input')
DATASET = os.path.join(OUT, 'dataset')

SHAPE = (16, 16, 10)
AFFINE = np.array([[1.5, 0, 0, -12.0], [0, 1.5, 0, -12.0], [0, 0, 3.0, -15.0], [0, 0, 0, 1]])
RNG = np.random.default_rng(20250607)


def nifti_bytes(data, affine=AFFINE, dtype=None):
    """An uncompressed single-file NIfTI-1 as bytes, written by nibabel."""
    img = nib.Nifti1Image(np.asarray(data, dtype=dtype) if dtype else np.asarray(data), affine)
    img.header.set_xyzt_units('mm', 'sec')
    if dtype:
        img.set_data_dtype(dtype)
    return img.to_bytes()


def gz(raw):
    # mtime=0: the same bytes on every run, so the committed files only change when the corpus does.
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode='wb', mtime=0, compresslevel=9) as f:
        f.write(raw)
    return buf.getvalue()


def patch(raw, offset, fmt, *values):
    b = bytearray(raw)
    struct.pack_into('<' + fmt, b, offset, *values)
    return bytes(b)


def set_dims(raw, dims):
    return patch(raw, 40, '8h', *(list(dims) + [1] * (8 - len(dims))))


def mask_blob(center=(8, 8, 5), r=(5, 4, 3)):
    i, j, k = np.meshgrid(*[np.arange(s) for s in SHAPE], indexing='ij')
    return ((((i - center[0]) / r[0]) ** 2 + ((j - center[1]) / r[1]) ** 2 + ((k - center[2]) / r[2]) ** 2) <= 1).astype(np.uint8)


def ct_volume():
    v = RNG.integers(-150, 150, size=SHAPE).astype(np.int16)
    v[mask_blob() == 1] += 60  # an "organ" a little brighter than its surroundings
    return v


files = []   # reader-level expectations
labels = []  # dataset-level expectations


def write(rel, data):
    path = os.path.join(DATASET, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'wb') as f:
        f.write(data)


def label(case, name, data, attack, read, scan, score, message, header='same'):
    """One mask file: `read` is what reading the whole file gives ('ok' or [code, phrase]); `header` what reading only
    its header gives ('same' as read, or 'ok'); `scan`/`score` are the label's status after each, `message` a phrase
    its message holds after scoring (the file's name for errors)."""
    rel = f'{case}/segmentations/{name}'
    write(rel, data)
    files.append({'path': rel, 'attack': attack, 'read': read, 'header': read if header == 'same' else header})
    labels.append({'caseId': case, 'labelPath': rel, 'attack': attack, 'scan': scan, 'score': score, 'message': message})


def build():
    shutil.rmtree(DATASET, ignore_errors=True)
    good = nifti_bytes(mask_blob(), dtype=np.uint8)
    ct = nifti_bytes(ct_volume(), dtype=np.int16)

    # --- c01: a good CT, good masks beside every kind of bad one ---------------------------------------------------
    c = 'c01_mixed'
    write(f'{c}/ct.nii.gz', gz(ct))
    files.append({'path': f'{c}/ct.nii.gz', 'attack': 'control: a valid CT', 'read': 'ok', 'header': 'ok'})
    label(c, 'liver.nii.gz', gz(good), 'control: a valid mask', 'ok', 'ok', 'ok', '')
    label(c, 'spleen.nii.gz', gz(nifti_bytes(mask_blob((6, 9, 4), (3, 3, 2)), dtype=np.uint8)), 'control: a valid mask', 'ok', 'ok', 'ok', '')

    # Speckled, so the gzip is mostly voxel data and the cut falls inside it, well after the header.
    cut = gz(nifti_bytes((RNG.random(SHAPE) < 0.3).astype(np.uint8), dtype=np.uint8))
    label(c, 'kidney_left.nii.gz', cut[: len(cut) * 6 // 10], 'truncated gzip (60% of the file)',
          ['truncated', ''], 'error', 'error', 'kidney_left.nii.gz', header='ok')
    label(c, 'kidney_right.nii.gz', gz(patch(good, 344, '4s', b'abc\x00')), 'wrong magic',
          ['corrupt', 'not a NIfTI file'], 'error', 'error', 'kidney_right.nii.gz')
    # A plain .nii is measured against its header at once, even when only the header is read.
    label(c, 'pancreas.nii', set_dims(good, [3, 100, 100, 100]), 'dims x size beyond the file (plain .nii)',
          ['truncated', ''], 'error', 'error', 'pancreas.nii')
    label(c, 'stomach.nii.gz', gz(good[:-7]), 'data shorter than the header says (gzip)',
          ['truncated', ''], 'error', 'error', 'stomach.nii.gz', header='ok')
    label(c, 'gallbladder.nii.gz', gz(set_dims(good, [3, 16, 0, 10])), 'a zero dimension',
          ['corrupt', 'dimension 2 has size 0'], 'error', 'error', 'gallbladder.nii.gz')
    label(c, 'esophagus.nii.gz', gz(set_dims(good, [3, -16, 16, 10])), 'a negative dimension',
          ['corrupt', 'dimension 1 has size -16'], 'error', 'error', 'esophagus.nii.gz')
    huge = patch(set_dims(good, [3, 32767, 32767, 50]), 70, '2h', 4, 16)  # int16: ~100 GB
    label(c, 'aorta.nii.gz', gz(huge[:352] + b'\x00' * 64), 'a header claiming ~100 GB',
          ['too_large', 'GB'], 'error', 'error', 'aorta.nii.gz')
    lying = set_dims(good, [3, 1000, 1000, 700])  # uint8: 700 MB, inside the size limit
    # Deflate cannot expand more than 1032:1: the header alone shows a 117-byte file cannot hold 700 MB.
    label(c, 'duodenum.nii.gz', gz(lying[:352] + b'\x00' * 4096), 'a header claiming 700 MB over a 4 KB image',
          ['truncated', 'cannot inflate'], 'error', 'error', 'duodenum.nii.gz')
    label(c, 'urinary_bladder.nii.gz', gz(patch(good, 70, '2h', 9999, 8)), 'an unknown datatype (9999)',
          ['unsupported', 'datatype 9999'], 'error', 'error', 'urinary_bladder.nii.gz')
    label(c, 'prostate.nii.gz', gz(patch(good, 70, '2h', 1024, 64)), 'an unsupported datatype (int64)',
          ['unsupported', 'datatype 1024'], 'error', 'error', 'prostate.nii.gz')
    label(c, 'heart.nii.gz', b'', 'an empty file', ['truncated', 'empty'], 'error', 'error', 'heart.nii.gz')
    label(c, 'adrenal_gland_left.nii.gz', b'this is not an image\n' * 30, 'a text file named .nii.gz',
          ['corrupt', 'not a NIfTI file'], 'error', 'error', 'adrenal_gland_left.nii.gz')

    multi = mask_blob().astype(np.uint8)
    multi[mask_blob((8, 8, 5), (2, 2, 1)) == 1] = 2
    multi[0, 0, 0] = 255
    label(c, 'adrenal_gland_right.nii.gz', gz(nifti_bytes(multi, dtype=np.uint8)), 'a non-binary mask (values 0, 1, 2, 255)',
          'ok', 'ok', 'ok', 'not binary')
    frac = mask_blob().astype(np.float32)
    frac[frac == 1] = 1.0
    frac[mask_blob((8, 8, 5), (6, 5, 4)) - mask_blob() == 1] = 0.3
    label(c, 'colon.nii.gz', gz(nifti_bytes(frac, dtype=np.float32)), 'a non-binary float mask (0, 0.3, 1)',
          'ok', 'ok', 'ok', 'not binary')

    far = AFFINE.copy()
    far[:3, 3] += 5000
    label(c, 'small_bowel.nii.gz', gz(nifti_bytes(mask_blob(), far, dtype=np.uint8)), 'a mask on a grid that lies elsewhere',
          'ok', 'grid_mismatch', 'grid_mismatch', 'small_bowel.nii.gz')
    shifted = AFFINE.copy()
    shifted[:3, 3] += [3.0, 0, 0]
    label(c, 'trachea.nii.gz', gz(nifti_bytes(mask_blob(), shifted, dtype=np.uint8)), 'a mask on the same sampling, origin moved',
          'ok', 'grid_mismatch', 'grid_mismatch', 'trachea.nii.gz')
    fine = AFFINE.copy()
    fine[:3, :3] /= 2
    label(c, 'inferior_vena_cava.nii.gz', gz(nifti_bytes(np.kron(mask_blob(), np.ones((2, 2, 2), np.uint8)), fine, dtype=np.uint8)),
          'a mask on a finer overlapping grid', 'ok', 'ok', 'ok', 'resampled')

    # Odd but legal file names: the label keeps its exact name everywhere (scan, CSV, API).
    for name, attack, status in [
        ('liver copy.nii.gz', 'a file name with a space', 'unmapped'),
        ('fígado_肝臓.nii.gz', 'a unicode file name', 'unmapped'),
        ('-spleen.nii.gz', 'a file name starting with a dash', 'ok'),
        ('lung#1.nii.gz', "a file name with '#' (the multi-label separator)", 'unmapped'),
        ('l' + 'o' * 200 + 'ng.nii.gz', 'a 210-character file name', 'unmapped'),
    ]:
        label(c, name, gz(good), attack, 'ok', status, status, '')

    # --- c02: a float CT with NaN and infinite voxels ----------------------------------------------------------------
    c = 'c02_nan_ct'
    fct = ct_volume().astype(np.float32)
    fct[3, 3, 2] = np.nan
    fct[8, 8, 5] = np.nan  # inside the organ
    fct[9, 8, 5] = np.inf
    fct[7, 8, 5] = -np.inf
    write(f'{c}/ct.nii.gz', gz(nifti_bytes(fct, dtype=np.float32)))
    files.append({'path': f'{c}/ct.nii.gz', 'attack': 'a CT with NaN and infinite voxels', 'read': 'ok', 'header': 'ok'})
    label(c, 'liver.nii.gz', gz(good), 'a valid mask over a CT with NaN/Inf voxels', 'ok', 'ok', 'ok', 'NaN')

    # --- c03: a truncated CT: its labels fail naming it, other cases are untouched -----------------------------------
    c = 'c03_bad_ct'
    ctgz = gz(ct)
    write(f'{c}/ct.nii.gz', ctgz[: len(ctgz) // 2])
    files.append({'path': f'{c}/ct.nii.gz', 'attack': 'a truncated CT', 'read': ['truncated', ''], 'header': 'ok'})
    label(c, 'liver.nii.gz', gz(good), 'a valid mask of a case whose CT is truncated', 'ok', 'error', 'error', 'c03_bad_ct/ct.nii.gz')

    manifest = {
        'note': 'Generated by tools/golden/bad_input_corpus.py; the tests in test/security/bad-input-corpus.test.ts hold the app to it.',
        'files': files,
        'labels': labels,
    }
    with open(os.path.join(OUT, 'manifest.json'), 'w', encoding='utf-8') as f:
        json.dump(manifest, f, indent=1, ensure_ascii=False)
        f.write('\n')
    total = sum(os.path.getsize(os.path.join(dp, n)) for dp, _, ns in os.walk(OUT) for n in ns)
    print(f'{len(files)} files, {len(labels)} labels, {total} bytes in {OUT}')


if __name__ == '__main__':
    build()
