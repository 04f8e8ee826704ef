#!/usr/bin/python3
"""Golden reference for the TypeScript NIfTI reader, computed independently with nibabel + numpy.

Writes test/fixtures/nifti/reference.json and a few small NIfTI files under test/fixtures/nifti/ that cover what
the shared data does not (big-endian, NIfTI-2, scaling, every datatype, qform-only oblique, 4D with one volume).
Run from the repository root: /usr/bin/python3 tools/golden/nifti_reference.py
"""
import json
import os
import xml.etree.ElementTree as ET

import nibabel as nib
import numpy as np

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
DATA = os.path.abspath(os.path.join(ROOT, '..', 'shared', 'data'))
OUT = os.path.join(ROOT, 'test', 'fixtures', 'nifti')

SHARED = [
    'ct/totalsegmentator/example_ct_sm.nii.gz',
    'ct/totalsegmentator/example_ct.nii.gz',
    'ct/totalsegmentator/example_seg.nii.gz',
    'ct/totalsegmentator/example_seg_fast.nii.gz',
    'ct/totalsegmentator/example_seg_fast_force_split.nii.gz',
] + [f'ct/ibsi-sts/STS_{c}/CT_{k}.nii.gz' for c in ['002', '008', '019', '024', '025', '042'] for k in ['image', 'mask']]


def weighted_checksum(arr):
    """sum(v * (idx % 1009 + 1)) over the Fortran-order (i fastest) linear index: sensitive to voxel order."""
    flat = np.asarray(arr, dtype=np.float64).ravel(order='F')
    w = (np.arange(flat.size) % 1009 + 1).astype(np.float64)
    return float(np.dot(flat, w))


def probe_indices(arr):
    shape = arr.shape[:3]
    pts = [(0, 0, 0), tuple(s - 1 for s in shape), tuple(s // 2 for s in shape), (shape[0] // 3, 2 * shape[1] // 3, shape[2] - 1)]
    flat = np.asarray(arr).ravel(order='F')
    nz = np.flatnonzero(flat)
    if nz.size:
        pts.append(tuple(int(x) for x in np.unravel_index(nz[0], shape, order='F')))
        pts.append(tuple(int(x) for x in np.unravel_index(nz[nz.size // 2], shape, order='F')))
    pts.append(tuple(int(x) for x in np.unravel_index(int(np.argmax(flat)), shape, order='F')))
    return [[list(map(int, p)), float(arr[p])] for p in pts]


def label_table(img):
    for ext in img.header.extensions:
        content = ext.get_content()
        if isinstance(content, bytes) and b'<LabelTable' in content:
            root = ET.fromstring(content.rstrip(b'\0').decode('utf-8'))
            out = {}
            for lab in root.iter('Label'):
                rgb = [round(float(lab.get(c)) * 255) for c in ('Red', 'Green', 'Blue')]
                out[lab.get('Key')] = {'name': (lab.text or '').strip(), 'rgb': rgb}
            return {'ecode': int(ext.get_code()), 'labels': out}
    return None


def describe(path, name):
    img = nib.load(path)
    arr = np.asanyarray(img.dataobj)
    arr3 = arr.reshape(arr.shape[:3], order='F') if arr.ndim > 3 else arr
    canon = nib.as_closest_canonical(nib.Nifti1Image(arr3, img.affine) if arr.ndim > 3 else img)
    carr = np.asanyarray(canon.dataobj)
    hdr = img.header
    a64 = np.asarray(arr3, dtype=np.float64)
    entry = {
        'file': name,
        'shape': list(map(int, arr3.shape)),
        'stored_dtype': str(hdr.get_data_dtype().newbyteorder('=')),
        'array_dtype': str(arr.dtype),
        'scaled': bool(float(img.dataobj.slope) != 1.0 or float(img.dataobj.inter) != 0.0),
        'byteorder_big': hdr.endianness == '>',
        'version': 2 if isinstance(hdr, nib.Nifti2Header) else 1,
        'vox_offset': int(img.dataobj.offset),
        'sform_code': int(hdr['sform_code']),
        'qform_code': int(hdr['qform_code']),
        'zooms': [float(z) for z in hdr.get_zooms()[:3]],
        'affine': np.asarray(img.affine, dtype=np.float64).ravel().tolist(),
        'axcodes': ''.join(nib.aff2axcodes(img.affine)),
        'io_orientation': nib.orientations.io_orientation(img.affine).tolist(),
        'canonical_shape': list(map(int, carr.shape)),
        'canonical_affine': np.asarray(canon.affine, dtype=np.float64).ravel().tolist(),
        'sum': float(a64.sum()),
        'sum_sq': float((a64 * a64).sum()),
        'min': float(a64.min()),
        'max': float(a64.max()),
        'canonical_weighted': weighted_checksum(carr),
        'canonical_probes': probe_indices(carr),
        'extensions': [[int(e.get_code()), len(e.get_content())] for e in hdr.extensions],
    }
    if arr.dtype.kind in 'ui':
        entry['values_present'] = [int(v) for v in np.unique(arr)] if arr.dtype.itemsize == 1 else None
    lt = label_table(img)
    if lt:
        entry['label_table'] = lt
    return entry


def write_fixtures():
    rng = np.random.default_rng(20240611)
    made = []

    def save(img, name):
        path = os.path.join(OUT, name)
        nib.save(img, path)
        made.append(name)

    ras = np.array([[1.5, 0, 0, -10.0], [0, 2.0, 0, 20.0], [0, 0, 2.5, -30.0], [0, 0, 0, 1]])
    shape = (7, 6, 5)
    for dt in ['uint8', 'int8', 'int16', 'uint16', 'int32', 'uint32', 'float32', 'float64']:
        info = np.iinfo(dt) if np.dtype(dt).kind in 'ui' else None
        if info is not None:
            data = rng.integers(max(info.min, -30000), min(info.max, 60000) + 1, size=shape).astype(dt)
        else:
            data = (rng.standard_normal(shape) * 1000).astype(dt)
        img = nib.Nifti1Image(data, ras)
        img.header.set_data_dtype(dt)
        save(img, f'dtype_{dt}.nii')

    # Big-endian int16 and float32 (nibabel keeps the array's byte order when saving).
    be = rng.integers(-2000, 2000, size=shape).astype('>i2')
    img = nib.Nifti1Image(be, ras, header=nib.Nifti1Header(endianness='>'))
    img.header.set_data_dtype('>i2')
    save(img, 'big_endian_int16.nii')
    bef = (rng.standard_normal(shape) * 100).astype('>f4')
    save(nib.Nifti1Image(bef, ras, header=nib.Nifti1Header(endianness='>')), 'big_endian_float32.nii.gz')

    # NIfTI-2, gzipped, float64 and int16.
    save(nib.Nifti2Image((rng.standard_normal(shape) * 50).astype('<f8'), ras), 'nifti2_float64.nii.gz')
    save(nib.Nifti2Image(rng.integers(-1000, 1000, size=shape).astype('<i2'), ras), 'nifti2_int16.nii')

    # Stored int16 with scl_slope/scl_inter (as DICOM converters write CT).
    # Written by hand so the file stores raw values with this slope/inter (nibabel would pick its own on save).
    raw = rng.integers(0, 3000, size=shape).astype('<i2')
    hdr = nib.Nifti1Header()
    hdr.set_data_shape(shape)
    hdr.set_data_dtype('int16')
    hdr.set_sform(ras, code=2)
    hdr['scl_slope'] = 0.5
    hdr['scl_inter'] = -1024.0
    hdr['vox_offset'] = 352
    with open(os.path.join(OUT, 'scaled_int16.nii'), 'wb') as f:
        hdr.write_to(f)  # 348 bytes plus the 4-byte extension flag
        assert f.tell() == 352
        f.write(raw.tobytes(order='F'))
    made.append('scaled_int16.nii')

    # qform-only oblique (a rotation about z and x, LPS-like flips), as some scanners write.
    th, ph = np.deg2rad(25), np.deg2rad(-10)
    rz = np.array([[np.cos(th), -np.sin(th), 0], [np.sin(th), np.cos(th), 0], [0, 0, 1]])
    rx = np.array([[1, 0, 0], [0, np.cos(ph), -np.sin(ph)], [0, np.sin(ph), np.cos(ph)]])
    rot = np.diag([-1, -1, 1]) @ rz @ rx
    obl = np.eye(4)
    obl[:3, :3] = rot @ np.diag([0.8, 0.9, 3.0])
    obl[:3, 3] = [100.0, -50.0, 20.0]
    img = nib.Nifti1Image(rng.integers(0, 255, size=shape).astype('uint8'), None)
    img.header.set_qform(obl, code=1)
    img.header.set_sform(None, code=0)
    save(img, 'qform_oblique.nii.gz')

    # Axis-permuted (PSL-like) sform, to exercise a non-trivial permutation.
    perm_aff = np.array([[0, 0, -2.0, 40.0], [-1.5, 0, 0, 30.0], [0, 2.5, 0, -20.0], [0, 0, 0, 1]])
    save(nib.Nifti1Image(rng.integers(-500, 500, size=shape).astype('int16'), perm_aff), 'permuted_int16.nii.gz')

    # A header/image pair (magic ni1): the header in .hdr, the voxels in .img.
    img = nib.Nifti1Pair(rng.integers(-300, 300, size=shape).astype('int16'), ras)
    nib.save(img, os.path.join(OUT, 'pair_int16.hdr'))
    made.append('pair_int16.hdr')

    # 4D with a single volume (dim[0] = 4, dim[4] = 1).
    save(nib.Nifti1Image(rng.integers(0, 9, size=shape + (1,)).astype('uint8'), ras), 'four_d_single.nii.gz')
    return made


def orientation_cases():
    """Random oblique affines and nibabel's io_orientation for each."""
    rng = np.random.default_rng(7)
    cases = []
    for _ in range(40):
        q, _r = np.linalg.qr(rng.standard_normal((3, 3)))
        aff = np.eye(4)
        aff[:3, :3] = q @ np.diag(rng.uniform(0.5, 3.0, 3))
        aff[:3, 3] = rng.uniform(-200, 200, 3)
        cases.append({'affine': aff.ravel().tolist(), 'io_orientation': nib.orientations.io_orientation(aff).tolist()})
    return cases


def main():
    os.makedirs(OUT, exist_ok=True)
    made = write_fixtures()
    files = []
    for name in SHARED:
        path = os.path.join(DATA, name)
        if os.path.exists(path):
            files.append(describe(path, 'shared:' + name))
    for name in made:
        files.append(describe(os.path.join(OUT, name), 'fixture:' + name))
    ref = {
        'generator': 'tools/golden/nifti_reference.py',
        'nibabel': nib.__version__,
        'numpy': np.__version__,
        'files': files,
        'orientation_cases': orientation_cases(),
    }
    with open(os.path.join(OUT, 'reference.json'), 'w') as f:
        json.dump(ref, f, indent=1)
    print(f'wrote {len(files)} file references and {len(made)} fixtures to {OUT}')


if __name__ == '__main__':
    main()
