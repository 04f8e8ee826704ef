"""The real CT volumes and masks the default model is trained and evaluated on, read in the app's voxel order.

Every volume is returned as an array [k][j][i] in closest-RAS order (tools/golden/preprocess_reference.load_canonical,
the same convention as the app), with its in-plane spacing in mm. Organ names are mapped to DAP Atlas ids through
resources/organs/mappings.json, checked by name against resources/organs/names.json.

Sources (paths relative to the shared data folder; see its README.md):
  ts_full   ct/totalsegmentator/example_ct.nii.gz + example_seg_fast_force_split.nii.gz (61 labels, 3 mm)
  ts_sm     example_ct_sm.nii.gz + example_seg.nii.gz (41 labels); the same patient (slices 82..111 of example_ct),
            with a second reference segmentation; example_seg_fast.nii.gz is another model's mask of the same voxels
  ibsi      ct/ibsi-sts/STS_xxx: six sarcoma cases (a different patient each), GTV masks, 0.98 mm in-plane
  dcmqi     ct/dcmqi: three 0.81 mm DICOM slices of another patient with NRRD liver / thoracic spine masks
"""
from __future__ import annotations

import gzip
import json
import os
import re
import sys
from dataclasses import dataclass, field

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, 'tools', 'golden'))
import preprocess_reference as pre  # noqa: E402  (the app's preprocessing, proven equal to the TypeScript)

DEFAULT_DATA = os.path.normpath(os.path.join(REPO, '..', 'shared', 'data'))
ORGANS_DIR = os.path.join(REPO, 'resources', 'organs')
TS = 'ct/totalsegmentator'
IBSI_CASES = ('STS_002', 'STS_008', 'STS_019', 'STS_024', 'STS_025', 'STS_042')


@dataclass
class Scene:
    """One CT volume with a multi-label reference map on the same grid (both [k][j][i], closest RAS)."""

    name: str
    ct: np.ndarray  # float32 HU
    labels: np.ndarray  # uint8/int16 label map
    names: dict[int, str]  # label value -> dataset name
    spacing: tuple[float, float, float]  # (k, j, i) in mm
    alt_labels: np.ndarray | None = None  # another model's label map of the same voxels (same values), if any
    embedding_override: dict[int, str] = field(default_factory=dict)  # label -> DAP name, for unmapped eval labels


def _canonical(path: str):
    import nibabel as nib

    img = nib.as_closest_canonical(nib.load(path))
    arr = np.ascontiguousarray(np.asanyarray(img.dataobj).transpose(2, 1, 0))
    zooms = img.header.get_zooms()[:3]
    return arr, (float(zooms[2]), float(zooms[1]), float(zooms[0]))


def load_ts_full(data: str) -> Scene:
    ct, sp = _canonical(os.path.join(data, TS, 'example_ct.nii.gz'))
    seg, _ = _canonical(os.path.join(data, TS, 'example_seg_fast_force_split.nii.gz'))
    return Scene('ts_full', ct.astype(np.float32), seg, _total_names(data), sp)


def load_ts_sm(data: str) -> Scene:
    ct, sp = _canonical(os.path.join(data, TS, 'example_ct_sm.nii.gz'))
    seg, _ = _canonical(os.path.join(data, TS, 'example_seg.nii.gz'))
    fast, _ = _canonical(os.path.join(data, TS, 'example_seg_fast.nii.gz'))
    return Scene('ts_sm', ct.astype(np.float32), seg, _total_names(data), sp, alt_labels=fast)


def load_ibsi(data: str, case: str, embedding_name: str) -> Scene:
    base = os.path.join(data, 'ct', 'ibsi-sts', case)
    ct, sp = _canonical(os.path.join(base, 'CT_image.nii.gz'))
    mask, _ = _canonical(os.path.join(base, 'CT_mask.nii.gz'))
    return Scene(f'ibsi_{case}', ct.astype(np.float32), (mask > 0).astype(np.uint8), {1: 'GTV_Mass'}, sp,
                 embedding_override={1: embedding_name})


def _read_nrrd(path: str) -> tuple[np.ndarray, dict[str, str]]:
    """A gzip int16 NRRD as an array [k][j][i] in its file order, and its header fields."""
    with open(path, 'rb') as f:
        raw = f.read()
    end = raw.find(b'\n\n')
    if not raw.startswith(b'NRRD') or end < 0:
        raise ValueError(f'{path}: not a NRRD file with a header')
    fields = {}
    for line in raw[:end].decode('ascii').splitlines()[1:]:
        if line.startswith('#') or ':' not in line:
            continue
        key, value = line.split(':', 1)
        fields[key.strip()] = value.strip().lstrip('=').strip()
    if fields.get('type') != 'short' or fields.get('encoding') != 'gzip' or fields.get('endian', 'little') != 'little':
        raise ValueError(f'{path}: expected little-endian gzip short, got {fields}')
    sizes = [int(s) for s in fields['sizes'].split()]
    data = np.frombuffer(gzip.decompress(raw[end + 2:]), dtype='<i2')
    return data.reshape(sizes[::-1]).copy(), fields


def load_dcmqi(data: str) -> Scene:
    """The three DICOM slices and the liver + thoracic spine masks, flipped from LPS file order to closest RAS."""
    import pydicom

    base = os.path.join(data, 'ct', 'dcmqi')
    slices = []
    for name in ('01.dcm', '02.dcm', '03.dcm'):
        d = pydicom.dcmread(os.path.join(base, 'ct-3slice', name))
        if [round(float(v)) for v in d.ImageOrientationPatient] != [1, 0, 0, 0, 1, 0]:
            raise ValueError(f'{name}: expected an axial LPS-aligned slice')
        hu = d.pixel_array.astype(np.float32) * float(d.RescaleSlope) + float(d.RescaleIntercept)
        slices.append((float(d.ImagePositionPatient[2]), hu))
    slices.sort(key=lambda s: s[0])  # ascending z = superior direction, as NRRD index k
    ct = np.stack([s[1] for s in slices])
    liver, fields = _read_nrrd(os.path.join(base, 'liver_seg.nrrd'))
    spine, _ = _read_nrrd(os.path.join(base, 'spine_seg.nrrd'))
    if fields.get('space') != 'left-posterior-superior' or liver.shape != ct.shape:
        raise ValueError(f'dcmqi: unexpected mask layout {fields.get("space")} {liver.shape} vs CT {ct.shape}')
    labels = np.zeros(ct.shape, np.uint8)
    labels[liver > 0] = 1
    labels[spine > 0] = 2
    # LPS -> RAS: i (x) and j (y) run the other way; no resampling, as the app's closest-canonical step.
    ct = np.ascontiguousarray(ct[:, ::-1, ::-1])
    labels = np.ascontiguousarray(labels[:, ::-1, ::-1])
    sp = float(fields['space directions'].split(')')[0].strip('( ').split(',')[0])
    return Scene('dcmqi', ct, labels, {1: 'liver', 2: 'thoracic_spine'}, (1.0, sp, sp),
                 embedding_override={2: 'vertebrae T10'})


def _total_names(data: str) -> dict[int, str]:
    with open(os.path.join(data, TS, 'total_classes.json')) as f:
        return {int(k): v for k, v in json.load(f)['labels'].items()}


# ---------------------------------------------------------------------------------------------------------------------
# Organ names -> DAP Atlas ids and embeddings
# ---------------------------------------------------------------------------------------------------------------------

def dap_names() -> dict[str, int]:
    with open(os.path.join(ORGANS_DIR, 'names.json')) as f:
        return {o['name']: int(o['id']) for o in json.load(f)['organs']}


def dataset_to_dap() -> dict[str, int]:
    """Dataset label name -> DAP id, from mappings.json; each DAP name must exist in names.json."""
    path = os.path.join(ORGANS_DIR, 'mappings.json')
    if not os.path.exists(path):
        raise SystemExit(f'{path} is missing: the organ name -> DAP mapping is needed to pick embeddings')
    ids = dap_names()
    out: dict[str, int] = {}
    with open(path) as f:
        for e in json.load(f)['entries']:
            if 'dap' not in e:
                continue
            if e['dap'] not in ids:
                raise SystemExit(f'{path}: DAP name {e["dap"]!r} is not in names.json')
            for n in e['names']:
                out[n] = ids[e['dap']]
    return out


def load_embeddings() -> np.ndarray:
    """[145, 512] float32, row = DAP id (not normalised; the model takes them as they are)."""
    with open(os.path.join(ORGANS_DIR, 'embeddings.index.json')) as f:
        idx = json.load(f)
    e = np.fromfile(os.path.join(ORGANS_DIR, idx['file']), dtype='<f4')
    return e.reshape(idx['rows'], idx['dim']).astype(np.float32)


def family(name: str) -> str:
    """A coarse organ family (vertebrae, rib, lung, kidney, gluteus...): swaps inside a family look identical in a 2D
    crop (L1 for L2, rib 8 for rib 9), so they are not used as 'swap' errors."""
    return re.split(r'[_ ]', name.lower())[0]
