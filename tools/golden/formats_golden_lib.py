#!/usr/bin/python3
"""Helpers for tools/golden/formats_fixtures.py: DICOM series geometry and voxels (pydicom, nibabel's cross-check),
NRRD written by hand, and DICOM SEG built with pydicom. Independent of the TypeScript code under test."""
import gzip
import os

import numpy as np
import pydicom
from nibabel.nicom import dicomwrappers
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.sequence import Sequence
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
DCMQI = os.path.abspath(os.path.join(ROOT, '..', 'shared', 'data', 'ct', 'dcmqi'))
OUT = os.path.join(ROOT, 'test', 'fixtures', 'formats')
LPS_TO_RAS = np.diag([-1.0, -1.0, 1.0, 1.0])
# The crop of the CT used for the small series: 96 columns x 72 rows, over the liver's edge and the stomach.
CROP_C0, CROP_R0, CROP_W, CROP_H = 296, 226, 96, 72


def uid(*parts):
    return generate_uid(entropy_srcs=['sentinel-formats-fixtures', *map(str, parts)])


def weighted_checksum(arr):
    """sum(v * (idx % 1009 + 1)) over the i-fastest linear index (as tools/golden/nifti_reference.py)."""
    flat = np.asarray(arr, dtype=np.float64).ravel(order='F')
    w = (np.arange(flat.size) % 1009 + 1).astype(np.float64)
    return float(np.dot(flat, w))



# ---------------------------------------------------------------- DICOM series: geometry and voxels, independently

def series_geometry(datasets):
    """Sorts slices along the normal (row x column direction) and returns them with the LPS voxel->world affine.
    Voxel i runs along a row (the column index), j down the columns (the row index), k along the sorted slices."""
    iop = np.array([float(x) for x in datasets[0].ImageOrientationPatient])
    row_dir, col_dir = iop[:3], iop[3:]
    normal = np.cross(row_dir, col_dir)
    ordered = sorted(datasets, key=lambda d: float(np.dot(normal, [float(x) for x in d.ImagePositionPatient])))
    ipp = [np.array([float(x) for x in d.ImagePositionPatient]) for d in ordered]
    row_spacing, col_spacing = (float(x) for x in ordered[0].PixelSpacing)
    a = np.eye(4)
    a[:3, 0] = row_dir * col_spacing
    a[:3, 1] = col_dir * row_spacing
    a[:3, 2] = (ipp[-1] - ipp[0]) / (len(ipp) - 1) if len(ipp) > 1 else normal * float(ordered[0].SliceThickness)
    a[:3, 3] = ipp[0]
    # Cross-check the in-plane part against nibabel's DICOM wrapper, whose voxel order is (row, column).
    w = dicomwrappers.wrapper_from_data(ordered[0])
    assert np.allclose(w.affine[:3, 1], a[:3, 0]) and np.allclose(w.affine[:3, 0], a[:3, 1]), 'in-plane axes'
    assert np.allclose(w.affine[:3, 3], a[:3, 3]), 'origin'
    return ordered, a


def series_volume(ordered):
    """HU volume indexed [i, j, k] (column, row, slice), rescale applied per slice."""
    planes = []
    for d in ordered:
        px = d.pixel_array.astype(np.float64) * float(d.RescaleSlope) + float(d.RescaleIntercept)
        planes.append(px.T)
    return np.stack(planes, axis=2)


def describe_series(folder, name):
    files = sorted(f for f in os.listdir(folder) if f.endswith('.dcm'))
    datasets = [pydicom.dcmread(os.path.join(folder, f)) for f in files]
    ordered, a_lps = series_geometry(datasets)
    vol = series_volume(ordered)
    a_ras = LPS_TO_RAS @ a_lps
    probes = [(0, 0, 0), tuple(s - 1 for s in vol.shape), tuple(s // 2 for s in vol.shape), (vol.shape[0] // 3, 2 * vol.shape[1] // 3, 0)]
    return {
        'folder': name,
        'dims': list(vol.shape),
        'spacing': [float(np.linalg.norm(a_lps[:3, c])) for c in range(3)],
        'affine': [float(x) for x in a_ras.ravel()],
        'slice_files': [os.path.basename(d.filename) for d in ordered],
        'integer': bool(np.all(vol == np.round(vol))),
        'sum': float(vol.sum()),
        'min': float(vol.min()),
        'max': float(vol.max()),
        'checksum': weighted_checksum(vol),
        'probes': [[list(p), float(vol[p])] for p in probes],
    }


# ---------------------------------------------------------------- NRRD, by hand

NRRD_TYPES = {'<i2': 'short', '>i2': 'short', 'u1': 'unsigned char', '<f4': 'float', '<u2': 'unsigned short'}


def read_nrrd(path):
    """The dcmqi NRRD files: attached, gzip, int16, 3D. Returns (fields, array[i, j, k], LPS affine)."""
    raw = open(path, 'rb').read()
    end = raw.index(b'\n\n')
    fields = {}
    for line in raw[:end].decode().splitlines()[1:]:
        if line.startswith('#') or ': ' not in line:
            continue
        k, v = line.split(': ', 1)
        fields[k] = v
    assert fields['type'] == 'short' and fields['encoding'] == 'gzip' and fields['space'] == 'left-posterior-superior'
    sizes = [int(s) for s in fields['sizes'].split()]
    data = np.frombuffer(gzip.decompress(raw[end + 2:]), dtype='<i2').reshape(sizes[::-1]).transpose()
    dirs = [[float(x) for x in d.strip('()').split(',')] for d in fields['space directions'].split()]
    origin = [float(x) for x in fields['space origin'].strip('()').split(',')]
    a = np.eye(4)
    for c in range(3):
        a[:3, c] = dirs[c]
    a[:3, 3] = origin
    return fields, np.array(data), a


def vec(v):
    return '(' + ','.join(repr(float(x)) for x in v) + ')'


def nrrd_header(arr_dtype, sizes, space, directions, origin, encoding, extra=(), kinds=None, endian=True, data_file=None):
    lines = ['NRRD0004', '# written by tools/golden/formats_fixtures.py', f'type: {NRRD_TYPES[arr_dtype]}',
             f'dimension: {len(sizes)}', f'space: {space}', 'sizes: ' + ' '.join(map(str, sizes)),
             'space directions: ' + ' '.join('none' if d is None else vec(d) for d in directions),
             'kinds: ' + ' '.join(kinds or ['domain'] * len(sizes))]
    if endian and np.dtype(arr_dtype).itemsize > 1:
        lines.append('endian: ' + ('big' if arr_dtype.startswith('>') else 'little'))
    lines += [f'encoding: {encoding}', f'space origin: {vec(origin)}', *extra]
    if data_file:
        lines.append(f'data file: {data_file}')
    return '\n'.join(lines) + '\n'


def payload(arr, dtype, encoding):
    b = np.asarray(arr).astype(dtype).ravel(order='F').tobytes()
    return gzip.compress(b, mtime=0) if encoding == 'gzip' else b


def write_nrrd(path, arr, dtype, space, a_space, encoding='gzip', extra=(), kinds=None, directions=None):
    dirs = directions or [a_space[:3, c] for c in range(3)]
    head = nrrd_header(dtype, list(arr.shape), space, dirs, a_space[:3, 3], encoding, extra, kinds)
    with open(path, 'wb') as f:
        f.write(head.encode() + b'\n' + payload(arr, dtype, encoding))


def write_nhdr(path, data_name, arr, dtype, space, a_space, encoding):
    head = nrrd_header(dtype, list(arr.shape), space, [a_space[:3, c] for c in range(3)], a_space[:3, 3], encoding,
                       data_file=data_name)
    with open(path, 'w') as f:
        f.write(head)
    with open(os.path.join(os.path.dirname(path), data_name), 'wb') as f:
        f.write(payload(arr, dtype, encoding))


def slicer_segment_keys(i, seg_id, name, rgb, label, layer, extent):
    c = ' '.join(f'{x / 255:.6f}' for x in rgb)
    return [f'Segment{i}_Color:={c}', f'Segment{i}_ColorAutoGenerated:=0', f'Segment{i}_Extent:=' + ' '.join(map(str, extent)),
            f'Segment{i}_ID:={seg_id}', f'Segment{i}_LabelValue:={label}', f'Segment{i}_Layer:={layer}', f'Segment{i}_Name:={name}',
            f'Segment{i}_NameAutoGenerated:=0',
            f'Segment{i}_Tags:=Segmentation.Status:inprogress|TerminologyEntry:Segmentation category and type - 3D Slicer General Anatomy list~SCT^123037004^Anatomical Structure~SCT^10200004^{name}~^^~Anatomic codes - DICOM master list~^^~^^|']


def extent(mask):
    idx = np.nonzero(mask)
    return [int(v) for a in idx for v in (a.min(), a.max())]


SLICER_COMMON = ['Segmentation_ContainedRepresentationNames:=Binary labelmap|',
                 'Segmentation_MasterRepresentation:=Binary labelmap', 'Segmentation_ReferenceImageExtentOffset:=0 0 0']


# ---------------------------------------------------------------- DICOM SEG by pydicom

def seg_dataset(ct_ordered, segments, fractional, series_uid, sop_uid):
    """A DICOM SEG over the CT grid. segments: [(number, label, cielab, values[i, j, k])]; values are 0/1 (binary)
    or 0..255 (fractional, max 255). Frames: for each segment, each slice where it has a non-zero voxel."""
    ref = ct_ordered[0]
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = '1.2.840.10008.5.1.4.1.1.66.4'
    meta.MediaStorageSOPInstanceUID = sop_uid
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = Dataset()
    ds.file_meta = meta
    ds.is_little_endian = True
    ds.is_implicit_VR = False
    ds.SOPClassUID = meta.MediaStorageSOPClassUID
    ds.SOPInstanceUID = sop_uid
    ds.Modality = 'SEG'
    for k in ['PatientName', 'PatientID', 'StudyInstanceUID', 'StudyDate', 'StudyTime', 'StudyID', 'AccessionNumber', 'FrameOfReferenceUID']:
        setattr(ds, k, getattr(ref, k, ''))
    ds.SeriesInstanceUID = series_uid
    ds.SeriesNumber = 99
    ds.InstanceNumber = 1
    ds.ImageType = ['DERIVED', 'PRIMARY']
    ds.Manufacturer = 'pydicom fixture'
    ds.ManufacturerModelName = 'formats_fixtures.py'
    ds.DeviceSerialNumber = '0'
    ds.SoftwareVersions = '1'
    ds.ContentLabel = 'FIXTURE'
    ds.ContentDescription = 'test fixture'
    ds.ContentCreatorName = ''
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = 'MONOCHROME2'
    ds.Rows = int(ref.Rows)
    ds.Columns = int(ref.Columns)
    ds.BitsAllocated = 8 if fractional else 1
    ds.BitsStored = ds.BitsAllocated
    ds.HighBit = ds.BitsAllocated - 1
    ds.PixelRepresentation = 0
    ds.LossyImageCompression = '00'
    ds.SegmentationType = 'FRACTIONAL' if fractional else 'BINARY'
    if fractional:
        ds.SegmentationFractionalType = 'PROBABILITY'
        ds.MaximumFractionalValue = 255
    seq = []
    for number, label, lab, _ in segments:
        s = Dataset()
        s.SegmentNumber = number
        s.SegmentLabel = label
        s.SegmentAlgorithmType = 'MANUAL'
        s.RecommendedDisplayCIELabValue = lab
        cat = Dataset()
        cat.CodeValue, cat.CodingSchemeDesignator, cat.CodeMeaning = '123037004', 'SCT', 'Anatomical Structure'
        typ = Dataset()
        typ.CodeValue, typ.CodingSchemeDesignator, typ.CodeMeaning = '10200004', 'SCT', label
        s.SegmentedPropertyCategoryCodeSequence = Sequence([cat])
        s.SegmentedPropertyTypeCodeSequence = Sequence([typ])
        seq.append(s)
    ds.SegmentSequence = Sequence(seq)
    shared = Dataset()
    po = Dataset()
    po.ImageOrientationPatient = list(ref.ImageOrientationPatient)
    pm = Dataset()
    pm.PixelSpacing = list(ref.PixelSpacing)
    pm.SliceThickness = ref.SliceThickness
    pm.SpacingBetweenSlices = 1.0
    shared.PlaneOrientationSequence = Sequence([po])
    shared.PixelMeasuresSequence = Sequence([pm])
    ds.SharedFunctionalGroupsSequence = Sequence([shared])
    frames, pixels = [], []
    for number, _, _, values in segments:
        for k, ct in enumerate(ct_ordered):
            plane = values[:, :, k]
            if not plane.any():
                continue
            f = Dataset()
            pp = Dataset()
            pp.ImagePositionPatient = list(ct.ImagePositionPatient)
            f.PlanePositionSequence = Sequence([pp])
            si = Dataset()
            si.ReferencedSegmentNumber = number
            f.SegmentIdentificationSequence = Sequence([si])
            fc = Dataset()
            fc.DimensionIndexValues = [number, k + 1]
            f.FrameContentSequence = Sequence([fc])
            src = Dataset()
            src.ReferencedSOPClassUID = ct.SOPClassUID
            src.ReferencedSOPInstanceUID = ct.SOPInstanceUID
            der = Dataset()
            der.SourceImageSequence = Sequence([src])
            f.DerivationImageSequence = Sequence([der])
            frames.append(f)
            pixels.append(plane.T.astype(np.uint8))  # rows x columns
    ds.PerFrameFunctionalGroupsSequence = Sequence(frames)
    ds.NumberOfFrames = len(frames)
    flat = np.concatenate([p.ravel() for p in pixels])
    data = flat.tobytes() if fractional else np.packbits(flat, bitorder='little').tobytes()
    if len(data) % 2:
        data += b'\0'
    ds.PixelData = data
    ds['PixelData'].VR = 'OB'
    rs = Dataset()
    rs.SeriesInstanceUID = ref.SeriesInstanceUID
    rs.ReferencedInstanceSequence = Sequence([])
    for ct in ct_ordered:
        r = Dataset()
        r.ReferencedSOPClassUID = ct.SOPClassUID
        r.ReferencedSOPInstanceUID = ct.SOPInstanceUID
        rs.ReferencedInstanceSequence.append(r)
    ds.ReferencedSeriesSequence = Sequence([rs])
    return ds
