#!/usr/bin/python3
"""Independent check of a DICOM SEG written by src/core/formats (dicom/seg-write.ts), with pydicom and numpy.

    /usr/bin/python3 tools/golden/formats_seg_check.py SEG.dcm CT_FOLDER EXPECTED.raw NX NY NZ

EXPECTED.raw holds the label map the SEG should encode: uint8, NX*NY*NZ values, i fastest, on the CT series' grid
(i = column, j = row, k = slices sorted along the normal, as the engine orders them). Label values are segment
numbers after renumbering to 1..N in ascending order. The script rebuilds each segment's mask from the SEG's
frames (placed by Image Position (Patient) on the CT slices) and compares, then checks the tags a SEG must carry.
Prints one JSON line; the exit status is 0 only when every check passes.
"""
import json
import os
import sys

import numpy as np
import pydicom

SEG_CLASS = '1.2.840.10008.5.1.4.1.1.66.4'


def main():
    seg_path, ct_dir, raw_path = sys.argv[1:4]
    dims = tuple(int(x) for x in sys.argv[4:7])
    problems = []

    def check(cond, what):
        if not cond:
            problems.append(what)

    ds = pydicom.dcmread(seg_path)
    cts = [pydicom.dcmread(os.path.join(ct_dir, f)) for f in sorted(os.listdir(ct_dir))]
    cts = [c for c in cts if 'PixelData' in c and c.SOPClassUID != SEG_CLASS]
    iop = np.array([float(x) for x in cts[0].ImageOrientationPatient])
    normal = np.cross(iop[:3], iop[3:])
    cts.sort(key=lambda c: float(np.dot(normal, [float(x) for x in c.ImagePositionPatient])))

    check(ds.file_meta.TransferSyntaxUID == '1.2.840.10008.1.2.1', 'transfer syntax is Explicit VR Little Endian')
    check(ds.SOPClassUID == SEG_CLASS and ds.file_meta.MediaStorageSOPClassUID == SEG_CLASS, 'SOP class is Segmentation Storage')
    check(ds.SOPInstanceUID == ds.file_meta.MediaStorageSOPInstanceUID, 'SOP instance UID matches the meta header')
    check(ds.Modality == 'SEG' and ds.SegmentationType == 'BINARY', 'modality SEG, type BINARY')
    check(ds.BitsAllocated == 1 and ds.BitsStored == 1 and ds.HighBit == 0 and ds.SamplesPerPixel == 1, 'pixel module of a binary SEG')
    check(ds.Rows == cts[0].Rows and ds.Columns == cts[0].Columns, 'rows and columns of the CT')
    for kw in ['PatientID', 'StudyInstanceUID', 'FrameOfReferenceUID']:
        check(getattr(ds, kw, None) == getattr(cts[0], kw, None), f'{kw} copied from the CT')
    for kw in ['PatientName', 'PatientBirthDate', 'PatientSex', 'StudyDate', 'StudyTime', 'ReferringPhysicianName', 'StudyID',
               'AccessionNumber', 'ContentLabel', 'ContentCreatorName', 'Manufacturer', 'ManufacturerModelName',
               'DeviceSerialNumber', 'SoftwareVersions', 'SeriesInstanceUID', 'SeriesNumber', 'InstanceNumber',
               'ContentDate', 'ContentTime', 'ImageType', 'DimensionOrganizationSequence', 'DimensionIndexSequence',
               'SharedFunctionalGroupsSequence', 'LossyImageCompression']:
        check(kw in ds, f'{kw} present')
    n_frames = int(ds.NumberOfFrames)
    check(len(ds.PerFrameFunctionalGroupsSequence) == n_frames, 'one per-frame functional group per frame')
    numbers = [int(s.SegmentNumber) for s in ds.SegmentSequence]
    check(numbers == list(range(1, len(numbers) + 1)), 'segment numbers run 1..N')
    for s in ds.SegmentSequence:
        check(all(k in s for k in ['SegmentLabel', 'SegmentAlgorithmType', 'SegmentedPropertyCategoryCodeSequence',
                                   'SegmentedPropertyTypeCodeSequence']), f'segment {s.SegmentNumber} attributes')
    ref_uids = {c.SOPInstanceUID for c in cts}
    rs = ds.ReferencedSeriesSequence[0]
    check(rs.SeriesInstanceUID == cts[0].SeriesInstanceUID, 'referenced series is the CT series')
    check({r.ReferencedSOPInstanceUID for r in rs.ReferencedInstanceSequence} == ref_uids, 'referenced instances are the CT slices')
    shared = ds.SharedFunctionalGroupsSequence[0]
    check(np.allclose([float(x) for x in shared.PlaneOrientationSequence[0].ImageOrientationPatient], iop, atol=1e-5), 'orientation of the CT')
    check(np.allclose([float(x) for x in shared.PixelMeasuresSequence[0].PixelSpacing], [float(x) for x in cts[0].PixelSpacing]), 'pixel spacing of the CT')

    expected = np.fromfile(raw_path, dtype=np.uint8).reshape(dims[::-1]).transpose()
    values = sorted(int(v) for v in np.unique(expected) if v != 0)
    pixels = ds.pixel_array.reshape((n_frames, ds.Rows, ds.Columns))
    got = {n: np.zeros(dims, dtype=bool) for n in numbers}
    positions = [np.array([float(x) for x in c.ImagePositionPatient]) for c in cts]
    for f, item in enumerate(ds.PerFrameFunctionalGroupsSequence):
        n = int(item.SegmentIdentificationSequence[0].ReferencedSegmentNumber)
        ipp = np.array([float(x) for x in item.PlanePositionSequence[0].ImagePositionPatient])
        k = int(np.argmin([np.linalg.norm(ipp - p) for p in positions]))
        check(np.linalg.norm(ipp - positions[k]) < 1e-3, f'frame {f + 1} lies on a CT slice')
        src = item.DerivationImageSequence[0].SourceImageSequence[0].ReferencedSOPInstanceUID
        check(src == cts[k].SOPInstanceUID, f'frame {f + 1} references its CT slice')
        got[n][:, :, k] |= pixels[f].T.astype(bool)
    check(len(values) == len(numbers), f'{len(numbers)} segments for the {len(values)} label values expected')
    for i, v in enumerate(values):
        same = np.array_equal(got[i + 1], expected == v)
        check(same, f'segment {i + 1} (label {v}) has the expected voxels ({int(got[i + 1].sum())} vs {int((expected == v).sum())})')
    print(json.dumps({'ok': not problems, 'frames': n_frames, 'segments': [str(s.SegmentLabel) for s in ds.SegmentSequence],
                      'problems': problems}))
    sys.exit(0 if not problems else 1)


if __name__ == '__main__':
    main()
