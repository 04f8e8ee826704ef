#!/usr/bin/python3
"""Fixtures and reference values for the volume-format readers and writers (src/core/formats).

Everything here is computed independently of the TypeScript code: pydicom, nibabel and numpy read and write the
files, and the NRRD files are written by hand (the header is text). Run from the repository root:

    /usr/bin/python3 tools/golden/formats_fixtures.py

It needs ../shared/data/ct/dcmqi (dcmqi's three CT slices, NRRD masks and DICOM SEG; BSD-3-Clause, see
test/fixtures/formats/NOTICE.md), gdcmconv (JPEG 2000 and JPEG lossless) and dcmconv from DCMTK (explicit VR,
big endian, deflate). Output: test/fixtures/formats/ and its reference.json. Deterministic: UIDs are derived from
fixed strings, so a rerun gives the same files.
"""
import copy
import json
import os
import shutil
import subprocess

import nibabel as nib
import numpy as np
import pydicom

from formats_golden_lib import (CROP_C0, CROP_H, CROP_R0, CROP_W, DCMQI, LPS_TO_RAS, OUT, SLICER_COMMON, describe_series,
                                extent, read_nrrd, seg_dataset, series_geometry, series_volume, slicer_segment_keys, uid,
                                weighted_checksum, write_nhdr, write_nrrd)


# ---------------------------------------------------------------- the fixtures

def reset_dir(*parts):
    d = os.path.join(OUT, *parts)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    return d


def save_ds(ds, path):
    ds.save_as(path, write_like_original=False)


def crop_series():
    """The three real slices cropped to 128x96 (pixel values kept, position moved to the crop's corner)."""
    out = reset_dir('dicom', 'ct-crop')
    series_uid = uid('crop-series')
    for name in ['01.dcm', '02.dcm', '03.dcm']:
        ds = pydicom.dcmread(os.path.join(DCMQI, 'ct-3slice', name))
        px = ds.pixel_array[CROP_R0:CROP_R0 + CROP_H, CROP_C0:CROP_C0 + CROP_W].copy()
        iop = np.array([float(x) for x in ds.ImageOrientationPatient])
        row_sp, col_sp = (float(x) for x in ds.PixelSpacing)
        ipp = np.array([float(x) for x in ds.ImagePositionPatient]) + CROP_C0 * col_sp * iop[:3] + CROP_R0 * row_sp * iop[3:]
        ds.ImagePositionPatient = [f'{x:.6f}' for x in ipp]
        ds.Rows, ds.Columns = CROP_H, CROP_W
        ds.PixelData = px.astype('<i2').tobytes()
        ds.SeriesInstanceUID = series_uid
        ds.SOPInstanceUID = uid('crop', name)
        ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
        save_ds(ds, os.path.join(out, name))
    return out


def convert_series(src, name, tool_args):
    out = reset_dir('dicom', name)
    for f in sorted(os.listdir(src)):
        subprocess.run([*tool_args, os.path.join(src, f), os.path.join(out, f)], check=True)
    return out


def derived_series(src, name, z_offsets, series_uid, edit=None, normal_frame=None, files=None):
    """Slices made from the crop's pixels at chosen positions along the normal (for gaps, uneven spacing,
    oblique orientation and rescale): the pixels are real, the geometry is the test's."""
    out = reset_dir('dicom', name) if files is None else os.path.join(OUT, 'dicom', name)
    base = [pydicom.dcmread(os.path.join(src, f)) for f in sorted(os.listdir(src))]
    for n, z in enumerate(z_offsets):
        ds = copy.deepcopy(base[n % len(base)])
        ipp0 = np.array([float(x) for x in base[0].ImagePositionPatient])
        if normal_frame is not None:
            row_dir, col_dir, origin = normal_frame
            ds.ImageOrientationPatient = [f'{x:.8f}' for x in (*row_dir, *col_dir)]
            normal = np.cross(row_dir, col_dir)
            ipp = origin + z * normal
        else:
            ipp = ipp0 + np.array([0, 0, -z])  # the original slices step down in z
        ds.ImagePositionPatient = [f'{x:.6f}' for x in ipp]
        ds.SeriesInstanceUID = series_uid
        ds.SOPInstanceUID = uid(name, n)
        ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
        ds.InstanceNumber = n + 1
        if edit:
            edit(ds, n)
        fname = (files[n] if files else f'{n + 1:02d}.dcm')
        save_ds(ds, os.path.join(out, fname))
    return out


def rotation(deg_z, deg_x):
    cz, sz = np.cos(np.radians(deg_z)), np.sin(np.radians(deg_z))
    cx, sx = np.cos(np.radians(deg_x)), np.sin(np.radians(deg_x))
    rz = np.array([[cz, -sz, 0], [sz, cz, 0], [0, 0, 1]])
    rx = np.array([[1, 0, 0], [0, cx, -sx], [0, sx, cx]])
    return rz @ rx


def main():
    os.makedirs(OUT, exist_ok=True)
    ref = {'series': {}, 'masks': {}, 'crop': {'c0': CROP_C0, 'r0': CROP_R0, 'w': CROP_W, 'h': CROP_H}}

    # The real files, copied as they are.
    d = reset_dir('dcmqi')
    for f in ['liver_seg.nrrd', 'spine_seg.nrrd', 'heart_seg.nrrd', 'liver_spine_seg.nrrd', 'liver.dcm']:
        shutil.copyfile(os.path.join(DCMQI, f), os.path.join(d, f))

    ref['series']['full'] = describe_series(os.path.join(DCMQI, 'ct-3slice'), 'shared:ct/dcmqi/ct-3slice')
    full_datasets = [pydicom.dcmread(os.path.join(DCMQI, 'ct-3slice', f)) for f in ['01.dcm', '02.dcm', '03.dcm']]
    ct_ordered, ct_lps = series_geometry(full_datasets)

    crop = crop_series()
    ref['series']['crop'] = describe_series(crop, 'fixture:dicom/ct-crop')
    explicit = convert_series(crop, 'ct-crop-explicit', ['dcmconv', '+te'])
    ref['series']['crop_explicit'] = describe_series(explicit, 'fixture:dicom/ct-crop-explicit')
    j2k = convert_series(crop, 'ct-crop-j2k', ['gdcmconv', '--j2k'])
    ref['series']['crop_j2k'] = describe_decoded(j2k, 'fixture:dicom/ct-crop-j2k')
    jll = convert_series(crop, 'ct-crop-jpegll', ['gdcmconv', '--jpeg'])
    ref['series']['crop_jpegll'] = describe_decoded(jll, 'fixture:dicom/ct-crop-jpegll')
    for name, args in [('ct-crop-bigendian', ['dcmconv', '+tb']), ('ct-crop-deflate', ['dcmconv', '+td'])]:
        out = reset_dir('dicom', name)
        subprocess.run([*args, os.path.join(crop, '01.dcm'), os.path.join(out, '01.dcm')], check=True)
    for name in ['ct-crop-j2k', 'ct-crop-jpegll', 'ct-crop-bigendian', 'ct-crop-deflate']:
        ts = pydicom.dcmread(os.path.join(OUT, 'dicom', name, '01.dcm'), stop_before_pixels=True).file_meta.TransferSyntaxUID
        ref.setdefault('transfer_syntax', {})[name] = str(ts)

    # Series with problems, from the crop's pixels.
    derived_series(crop, 'ct-gap', [0, 1, 2, 4], uid('gap'))
    derived_series(crop, 'ct-uneven', [0, 1, 2.5, 3.5], uid('uneven'))
    derived_series(crop, 'ct-jitter', [0, 1.004, 2, 2.996], uid('jitter'))
    ref['series']['jitter'] = describe_series(os.path.join(OUT, 'dicom', 'ct-jitter'), 'fixture:dicom/ct-jitter')
    multi = derived_series(crop, 'ct-multi', [0, 1, 2], uid('multi-a'))
    derived_series(crop, 'ct-multi', [0, 1], uid('multi-b'), files=['b1.dcm', 'b2.dcm'],
                   edit=lambda ds, n: setattr(ds, 'SeriesDescription', 'second series'))
    ref['multi_series'] = {'a': uid('multi-a'), 'b': uid('multi-b')}
    ref['series']['multi_a'] = describe_series_subset(multi, ['01.dcm', '02.dcm', '03.dcm'], 'fixture:dicom/ct-multi')
    # Oblique: rotated 30 degrees about z then 20 about x, slices 1.25 mm apart, files named against the order.
    r = rotation(30, 20)
    origin = np.array([-60.0, -40.0, -120.0])
    derived_series(crop, 'ct-oblique', [2.5, 1.25, 0], uid('oblique'), normal_frame=(r[:, 0], r[:, 1], origin))
    ref['series']['oblique'] = describe_series(os.path.join(OUT, 'dicom', 'ct-oblique'), 'fixture:dicom/ct-oblique')

    def rescale(ds, n):
        ds.RescaleSlope = ['0.5', '0.25', '0.5'][n]
        ds.RescaleIntercept = '-1000.25'
    derived_series(crop, 'ct-rescale', [0, 1, 2], uid('rescale'), edit=rescale)
    ref['series']['rescale'] = describe_series(os.path.join(OUT, 'dicom', 'ct-rescale'), 'fixture:dicom/ct-rescale')
    # A slice cut short inside its pixel data.
    out = reset_dir('dicom', 'ct-truncated')
    blob = open(os.path.join(crop, '01.dcm'), 'rb').read()
    open(os.path.join(out, '01.dcm'), 'wb').write(blob[:len(blob) - 5000])

    # Masks. The dcmqi NRRDs are LPS, k = 0 at z = -128.69: the CT sorted along its normal has the same order.
    _, liver, liver_lps = read_nrrd(os.path.join(DCMQI, 'liver_seg.nrrd'))
    _, spine, _ = read_nrrd(os.path.join(DCMQI, 'spine_seg.nrrd'))
    _, heart, _ = read_nrrd(os.path.join(DCMQI, 'heart_seg.nrrd'))
    assert np.allclose(liver_lps, ct_lps, atol=1e-4), 'the dcmqi masks lie on the CT grid'
    ct_ras = LPS_TO_RAS @ ct_lps
    liver01 = (liver == 1).astype(np.uint8)
    spine01 = (spine == 2).astype(np.uint8)
    heart01 = (heart == 3).astype(np.uint8)
    ref['ct_grid'] = {'dims': list(liver.shape), 'affine': [float(x) for x in ct_ras.ravel()]}
    ref['labels_on_ct'] = {name: {'count': int(m.sum()), 'checksum': weighted_checksum(m)}
                           for name, m in [('liver', liver01), ('spine', spine01), ('heart', heart01)]}
    ref['labels_on_ct']['liver_and_heart'] = {'count': int((liver01 & heart01).sum())}
    for name, f in [('liver_seg', 'liver_seg.nrrd'), ('spine_seg', 'spine_seg.nrrd'), ('heart_seg', 'heart_seg.nrrd'),
                    ('liver_spine_seg', 'liver_spine_seg.nrrd')]:
        _, arr, a = read_nrrd(os.path.join(DCMQI, f))
        ref['masks'][name] = {'file': f'dcmqi/{f}', 'dims': list(arr.shape), 'affine': [float(x) for x in (LPS_TO_RAS @ a).ravel()],
                              'values': {str(int(v)): int((arr == v).sum()) for v in np.unique(arr)}, 'checksum': weighted_checksum(arr)}

    nd = reset_dir('nrrd')
    # RAS space, data reversed along i, detached gzip data: must land on the same world voxels as liver_seg.nrrd.
    flip_i = np.eye(4)
    flip_i[0, 0], flip_i[0, 3] = -1, liver.shape[0] - 1
    a_flipped_ras = ct_ras @ flip_i
    write_nhdr(os.path.join(nd, 'liver_ras_flipped.nhdr'), 'liver_ras_flipped.raw.gz', liver01[::-1, :, :], 'u1',
               'right-anterior-superior', a_flipped_ras, 'gzip')
    ref['masks']['liver_ras_flipped'] = mask_entry('nrrd/liver_ras_flipped.nhdr', liver01[::-1, :, :], a_flipped_ras)
    # Detached raw, big-endian int16, the crop region.
    crop_mask = liver01[CROP_C0:CROP_C0 + CROP_W, CROP_R0:CROP_R0 + CROP_H, :].astype(np.int16) * 7
    a_crop = ct_lps.copy()
    a_crop[:3, 3] = ct_lps[:3, :3] @ [CROP_C0, CROP_R0, 0] + ct_lps[:3, 3]
    write_nhdr(os.path.join(nd, 'liver_crop_be.nhdr'), 'liver_crop_be.raw', crop_mask, '>i2', 'left-posterior-superior', a_crop, 'raw')
    ref['masks']['liver_crop_be'] = mask_entry('nrrd/liver_crop_be.nhdr', crop_mask, LPS_TO_RAS @ a_crop)
    # Attached raw float32.
    small = crop_mask[:48, :36, :] / 7.0  # same origin as the crop
    assert small.any()
    write_nrrd(os.path.join(nd, 'liver_crop_float.nrrd'), small, '<f4', 'left-posterior-superior', a_crop, encoding='raw',
               extra=['# a comment after the fields', 'content:=a key/value pair'])
    ref['masks']['liver_crop_float'] = mask_entry('nrrd/liver_crop_float.nrrd', small, LPS_TO_RAS @ a_crop)
    # Half resolution in-plane: coarse voxel (I, J) covers CT voxels 2I..2I+1, its centre halfway between them.
    half = liver01[::2, ::2, :]
    a_half = ct_lps.copy()
    a_half[:3, 0] *= 2
    a_half[:3, 1] *= 2
    a_half[:3, 3] = ct_lps[:3, :3] @ [0.5, 0.5, 0] + ct_lps[:3, 3]
    write_nrrd(os.path.join(nd, 'liver_half.nrrd'), half, 'u1', 'left-posterior-superior', a_half)
    ref['masks']['liver_half'] = mask_entry('nrrd/liver_half.nrrd', half, LPS_TO_RAS @ a_half)
    ref['resampled_half_on_ct'] = nearest_on_grid(half, LPS_TO_RAS @ a_half, liver.shape, ct_ras)
    # Slicer segmentation, one layer (labels 1 and 2), in RAS as Slicer writes it.
    layer = liver01 + 2 * spine01
    assert not (liver01 & spine01).any()
    keys = SLICER_COMMON + slicer_segment_keys(0, 'Segment_1', 'Liver', (221, 130, 101), 1, 0, extent(liver01)) \
        + slicer_segment_keys(1, 'Segment_2', 'Thoracic spine', (241, 214, 145), 2, 0, extent(spine01))
    write_nrrd(os.path.join(nd, 'liver_spine.seg.nrrd'), layer, 'u1', 'right-anterior-superior', ct_ras, extra=keys)
    ref['masks']['liver_spine_seg'] = mask_entry('nrrd/liver_spine.seg.nrrd', layer, ct_ras)
    # Two layers, both segments with LabelValue 1: liver and the (so-called) heart overlap by 522 voxels.
    stack = np.stack([liver01, heart01], axis=0)
    keys = SLICER_COMMON + slicer_segment_keys(0, 'Segment_1', 'Liver', (221, 130, 101), 1, 0, extent(liver01)) \
        + slicer_segment_keys(1, 'Segment_3', 'Heart', (206, 110, 84), 1, 1, extent(heart01))
    write_nrrd(os.path.join(nd, 'liver_heart_layers.seg.nrrd'), stack, 'u1', 'right-anterior-superior', ct_ras, extra=keys,
               kinds=['list', 'domain', 'domain', 'domain'], directions=[None] + [ct_ras[:3, c] for c in range(3)])

    # NIfTI copy of the liver label (nibabel), on the CT grid in RAS.
    ni = reset_dir('nifti')
    nib.save(nib.Nifti1Image(liver01, ct_ras), os.path.join(ni, 'liver.nii.gz'))

    # DICOM SEG written by pydicom: fractional liver, and binary liver + heart (overlapping).
    sd = reset_dir('seg')
    # The fractional SEG lies on the cropped series (an 8-bit frame per slice stays small there).
    crop_ordered, _ = series_geometry([pydicom.dcmread(os.path.join(crop, f)) for f in sorted(os.listdir(crop))])
    c_liver = liver01[CROP_C0:CROP_C0 + CROP_W, CROP_R0:CROP_R0 + CROP_H, :]
    c_heart = heart01[CROP_C0:CROP_C0 + CROP_W, CROP_R0:CROP_R0 + CROP_H, :]
    frac = np.zeros(c_liver.shape, dtype=np.uint8)
    ii, jj, _ = np.indices(c_liver.shape)
    frac[c_liver == 1] = 255
    frac[(c_liver == 1) & ((ii + jj) % 5 == 0)] = 127   # below half of 255: outside
    frac[(c_liver == 1) & ((ii + jj) % 5 == 1)] = 128   # at or above half: inside
    frac[(c_liver == 0) & (c_heart == 1)] = 60          # a faint second structure: outside
    assert (frac == 127).any() and (frac == 128).any() and (frac == 60).any()
    ds = seg_dataset(crop_ordered, [(1, 'Liver', [41661, 41167, 40792], frac)], True, uid('frac-series'), uid('frac-sop'))
    save_ds(ds, os.path.join(sd, 'liver_fractional.dcm'))
    thr = (frac.astype(np.int32) * 2 >= 255).astype(np.uint8)
    ref['fractional'] = {'file': 'seg/liver_fractional.dcm', 'max': 255, 'count': int(thr.sum()), 'checksum': weighted_checksum(thr)}
    ds = seg_dataset(ct_ordered, [(1, 'Liver', [41661, 41167, 40792], liver01), (2, 'Heart', [33000, 45000, 40000], heart01)],
                     False, uid('overlap-series'), uid('overlap-sop'))
    save_ds(ds, os.path.join(sd, 'liver_heart_overlap.dcm'))
    ref['seg_overlap'] = {'file': 'seg/liver_heart_overlap.dcm', 'frames': int(ds.NumberOfFrames)}
    ref['dcmqi_seg'] = seg_summary(os.path.join(DCMQI, 'liver.dcm'))

    with open(os.path.join(OUT, 'reference.json'), 'w') as f:
        json.dump(ref, f, indent=1)
        f.write('\n')
    print('wrote', OUT)


def describe_decoded(folder, label):
    """A compressed series, described after GDCM decodes it back to raw (pydicom here has no JPEG decoders)."""
    tmp = os.path.join(OUT, '.decoded')
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    for f in sorted(os.listdir(folder)):
        subprocess.run(['gdcmconv', '--raw', os.path.join(folder, f), os.path.join(tmp, f)], check=True)
    out = describe_series(tmp, label)
    shutil.rmtree(tmp)
    return out


def describe_series_subset(folder, names, label):
    datasets = [pydicom.dcmread(os.path.join(folder, f)) for f in names]
    ordered, a_lps = series_geometry(datasets)
    vol = series_volume(ordered)
    return {'folder': label, 'dims': list(vol.shape), 'affine': [float(x) for x in (LPS_TO_RAS @ a_lps).ravel()],
            'checksum': weighted_checksum(vol)}


def mask_entry(file, arr, a_ras):
    arr = np.asarray(arr)
    return {'file': file, 'dims': list(arr.shape), 'affine': [float(x) for x in a_ras.ravel()],
            'values': {repr(float(v)) if arr.dtype.kind == 'f' else str(int(v)): int((arr == v).sum()) for v in np.unique(arr)},
            'checksum': weighted_checksum(arr)}


def nearest_on_grid(src, a_src, dims, a_dst):
    """Nearest-neighbour resampling of src onto the target grid, by world coordinates (numpy, no shortcuts)."""
    idx = np.indices(dims).reshape(3, -1)
    world = a_dst @ np.vstack([idx, np.ones(idx.shape[1])])
    s = np.linalg.inv(a_src) @ world
    frac = s[:3] - np.floor(s[:3])
    assert not np.any(np.abs(frac - 0.5) < 1e-6), 'no ties: the reference would depend on the rounding rule'
    r = np.rint(s[:3]).astype(int)
    ok = np.all((r >= 0) & (r < np.array(src.shape)[:, None]), axis=0)
    out = np.zeros(idx.shape[1], dtype=np.float64)
    out[ok] = src[r[0, ok], r[1, ok], r[2, ok]]
    out = out.reshape(dims)
    return {'count': int(out.sum()), 'checksum': weighted_checksum(out)}


def seg_summary(path):
    ds = pydicom.dcmread(path)
    return {'frames': int(ds.NumberOfFrames), 'segments': [str(s.SegmentLabel) for s in ds.SegmentSequence],
            'cielab': [list(map(int, s.RecommendedDisplayCIELabValue)) for s in ds.SegmentSequence]}


if __name__ == '__main__':
    main()
