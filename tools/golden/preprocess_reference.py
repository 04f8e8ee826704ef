#!/usr/bin/env python3
"""Golden fixtures for the Quality Sentinel preprocessing (inference path).

This is an independent Python statement of the reference preprocessing (docs: ARCHITECTURE.md, "Preprocessing of the
reference implementation"), computed with the libraries the authors' pipeline used: numpy for the crop and the
window, Pillow's Image.resize(BILINEAR) on mode 'F' images for the resize. The TypeScript implementation in
src/core/sentinel/preprocess/ is tested against its output by test/core/sentinel/preprocess-golden.test.ts.

Regenerate (from the repository root, with Debian's python3-numpy, python3-pil and python3-nibabel):

    /usr/bin/python3 tools/golden/preprocess_reference.py [--data ../shared/data] [--out test/fixtures/golden/preprocess]

It writes index.json (cases, chosen slices, crop boxes, and where each array lies) and data.f32.bin.gz (all float32
arrays, little-endian, concatenated, gzip). Offsets and lengths in index.json count float32 elements, not bytes.
The output is deterministic: the same inputs give the same bytes (gzip mtime is fixed at 0).

Conventions (shared with the TypeScript side):
- Volumes are reoriented with nibabel's as_closest_canonical, then indexed [k][j][i]: a slice at k is a row-major
  array with rows = j and columns = i.
- A mask voxel is inside when its value is > 0 (or == label for a multi-label map).
- Crop boxes are half-open: rows [row_start, row_end), cols [col_start, col_end).
"""

import argparse
import gzip
import json
import os
import sys

import nibabel as nib
import numpy as np
import PIL
from PIL import Image

MAX_SLICES = 10
MARGIN = 20
WINDOW = (-200, 200)


# ---------------------------------------------------------------------------------------------------------------------
# The reference preprocessing
# ---------------------------------------------------------------------------------------------------------------------

def load_canonical(path):
    """Voxels of a NIfTI file in closest-RAS order, as an array [k][j][i] in the file's own dtype."""
    img = nib.as_closest_canonical(nib.load(path))
    return np.ascontiguousarray(np.asanyarray(img.dataobj).transpose(2, 1, 0))


def mask_slice_indices(mask3d):
    """Sorted indices k of the slices that hold at least one mask voxel."""
    return np.nonzero(np.any(mask3d > 0, axis=(1, 2)))[0]


def choose_slices(ks, max_slices=MAX_SLICES):
    """All of them when there are at most max_slices; else the elements at int(n / max_slices * t), t < max_slices.

    The float division then truncation is the authors' expression `int(len(valid) / 10 * idx)`.
    """
    n = len(ks)
    if n <= max_slices:
        return [int(k) for k in ks]
    return [int(ks[int(n / max_slices * t)]) for t in range(max_slices)]


def crop_box(mask2d, margin=MARGIN):
    """Half-open crop box (row_start, row_end, col_start, col_end) of a 2D mask slice.

    The bounding box's last row/col (rmax, cmax) is inclusive; the crop end is rmax + margin, clipped to the image,
    and used as an exclusive slice end. So the margin is `margin` pixels before the mask and `margin - 1` after it.
    The shorter side is then widened by diff // 2 on each side, each end clipped to the image.
    """
    height, width = mask2d.shape
    rows = np.nonzero(np.any(mask2d > 0, axis=1))[0]
    cols = np.nonzero(np.any(mask2d > 0, axis=0))[0]
    rmin, rmax = int(rows[0]), int(rows[-1])
    cmin, cmax = int(cols[0]), int(cols[-1])
    r0 = max(rmin - margin, 0)
    r1 = min(rmax + margin, height)
    c0 = max(cmin - margin, 0)
    c1 = min(cmax + margin, width)
    h, w = r1 - r0, c1 - c0
    if h > w:
        diff = h - w
        c0 = max(c0 - diff // 2, 0)
        c1 = min(c1 + diff // 2, width)
    elif w > h:
        diff = w - h
        r0 = max(r0 - diff // 2, 0)
        r1 = min(r1 + diff // 2, height)
    return r0, r1, c0, c1


def ct_window_unit(ct2d, window=WINDOW):
    """float32 cast, clip to the window, rescale to [0, 1], all in float32 as numpy does it."""
    lo, hi = window
    x = ct2d.astype(np.float32)
    x = np.clip(x, lo, hi)
    return ((x - np.float32(lo)) / np.float32(hi - lo)).astype(np.float32)


def pil_resize(arr2d, width, height):
    """Pillow's bilinear resize of a float32 image (mode 'F'): antialiased when shrinking."""
    img = Image.fromarray(np.ascontiguousarray(arr2d, dtype=np.float32), mode='F')
    return np.asarray(img.resize((width, height), Image.BILINEAR), dtype=np.float32)


def preprocess_slice(ct3d, mask3d, k, size, margin=MARGIN, window=WINDOW):
    """Tensor [2, size, size] float32 (CT, mask) and the crop box of slice k."""
    mask2d = (mask3d[k] > 0).astype(np.float32)
    r0, r1, c0, c1 = crop_box(mask2d, margin)
    ct_unit = ct_window_unit(ct3d[k, r0:r1, c0:c1], window)
    ct_resized = pil_resize(ct_unit, size, size)
    mask_resized = pil_resize(mask2d[r0:r1, c0:c1], size, size)
    out = np.empty((2, size, size), dtype=np.float32)
    # torchvision's Normalize on a float32 tensor: (x - mean) / std in float32.
    out[0] = (ct_resized - np.float32(0.5)) / np.float32(0.25)
    out[1] = (mask_resized - np.float32(0.5)) / np.float32(0.5)
    return out, (r0, r1, c0, c1)


def dice(a, b):
    """True Dice of two binary arrays (inside = > 0); 1.0 when both are empty."""
    a = a > 0
    b = b > 0
    total = int(a.sum()) + int(b.sum())
    if total == 0:
        return 1.0
    return 2.0 * int(np.logical_and(a, b).sum()) / total


# ---------------------------------------------------------------------------------------------------------------------
# Fixture writing
# ---------------------------------------------------------------------------------------------------------------------

class Blob:
    """Concatenated float32 arrays; offsets count elements."""

    def __init__(self):
        self.parts = []
        self.length = 0

    def add(self, arr):
        flat = np.ascontiguousarray(arr, dtype='<f4').ravel()
        ref = {'offset': self.length, 'length': int(flat.size)}
        self.parts.append(flat)
        self.length += int(flat.size)
        return ref

    def bytes(self):
        return b''.join(p.tobytes() for p in self.parts)


TS = 'ct/totalsegmentator/'

# Labels of example_seg chosen for their slice counts: > 10 (liver, spleen: 30; adrenal: 12; T12: 15), exactly 10
# (lung_lower_lobe_right), < 10 (small_bowel: 7), a single voxel (lung_middle_lobe_right).
# `tensors` says which sizes get stored tensors and for which positions in the chosen-slice list (to keep the fixture
# small; slices and boxes are stored for every chosen slice).
VOLUME_CASES = [
    dict(name='example_ct_sm liver', ct=TS + 'example_ct_sm.nii.gz', mask=TS + 'example_seg.nii.gz', label=5,
         tensors={48: 'ends', 128: 'first-middle', 256: 'middle'}),
    dict(name='example_ct_sm spleen', ct=TS + 'example_ct_sm.nii.gz', mask=TS + 'example_seg.nii.gz', label=1,
         tensors={48: 'ends', 128: 'middle'}),
    dict(name='example_ct_sm adrenal_gland_right', ct=TS + 'example_ct_sm.nii.gz', mask=TS + 'example_seg.nii.gz',
         label=8, tensors={48: 'ends', 128: 'first-middle', 256: 'middle'}),
    dict(name='example_ct_sm vertebrae_T12', ct=TS + 'example_ct_sm.nii.gz', mask=TS + 'example_seg.nii.gz', label=32,
         tensors={48: 'ends', 128: 'middle'}),
    dict(name='example_ct_sm small_bowel', ct=TS + 'example_ct_sm.nii.gz', mask=TS + 'example_seg.nii.gz', label=18,
         tensors={48: 'ends', 128: 'middle'}),
    dict(name='example_ct_sm lung_lower_lobe_right', ct=TS + 'example_ct_sm.nii.gz', mask=TS + 'example_seg.nii.gz',
         label=14, tensors={48: 'ends'}),
    dict(name='example_ct_sm lung_middle_lobe_right', ct=TS + 'example_ct_sm.nii.gz', mask=TS + 'example_seg.nii.gz',
         label=13, tensors={48: 'ends', 128: 'middle'}),
    dict(name='example_ct urinary_bladder', ct=TS + 'example_ct.nii.gz', mask=TS + 'example_seg_fast_force_split.nii.gz',
         label=21, tensors={48: 'ends', 128: 'middle'}),
    dict(name='STS_002 GTV_Mass (LPS file)', ct='ct/ibsi-sts/STS_002/CT_image.nii.gz',
         mask='ct/ibsi-sts/STS_002/CT_mask.nii.gz', label=None,
         tensors={48: 'ends', 128: 'first-middle', 256: 'middle'}),
]

# Other max_slices values, to pin the generalised index rule.
EXTRA_MAX_SLICES = [1, 3, 4, 7, 16]

DICE_PAIRS = [
    # (name, file A, file B, labels): per-label Dice between the normal and the fast TotalSegmentator model.
    ('example_seg vs example_seg_fast', TS + 'example_seg.nii.gz', TS + 'example_seg_fast.nii.gz',
     [1, 5, 7, 8, 12, 13, 32, 79]),
]


def positions(kind, n):
    if kind == 'ends':
        return sorted({0, n // 2, n - 1})
    if kind == 'first-middle':
        return sorted({0, n // 2})
    if kind == 'middle':
        return [n // 2]
    raise ValueError(kind)


def resize_2d_cases(rng):
    """Pure 2D cases for the resize alone: (name, input HxW float32, out (w, h), box or None)."""
    smooth = lambda h, w: (rng.standard_normal((h, w)) * 2.0 + 1.0).astype(np.float32)
    yy, xx = np.mgrid[0:37, 0:53]
    disc = (((yy - 17.3) ** 2 + (xx - 25.1) ** 2) < 14.2 ** 2).astype(np.float32)
    return [
        ('enlarge 7x5 -> 16x13', smooth(5, 7), (16, 13), None),
        ('enlarge x4 6x6 -> 24x24', smooth(6, 6), (24, 24), None),
        ('shrink non-integer 97x61 -> 31x17', smooth(61, 97), (31, 17), None),
        ('shrink by 2 64x64 -> 32x32', smooth(64, 64), (32, 32), None),
        ('shrink by a lot 300x200 -> 7x5', smooth(200, 300), (7, 5), None),
        ('mixed: shrink x, enlarge y 50x9 -> 20x30', smooth(9, 50), (20, 30), None),
        ('odd sizes 13x11 -> 5x3', smooth(11, 13), (5, 3), None),
        ('one row 13x1 -> 5x4', smooth(1, 13), (5, 4), None),
        ('one pixel 1x1 -> 4x3', smooth(1, 1), (4, 3), None),
        ('same size (copy) 9x7', smooth(7, 9), (9, 7), None),
        ('same width, shrink height 33x40 -> 33x21', smooth(40, 33), (33, 21), None),
        ('binary disc 53x37 -> 128x128', disc, (128, 128), None),
        ('binary disc 53x37 -> 20x15', disc, (20, 15), None),
        ('box 40x30 (3.5, 2, 31.25, 27) -> 17x19', smooth(30, 40), (17, 19), (3.5, 2.0, 31.25, 27.0)),
        ('box 40x30 (0, 0, 40, 30) same size', smooth(30, 40), (40, 30), (0.0, 0.0, 40.0, 30.0)),
        ('box shift 40x30 (1, 1, 39, 29) -> 38x28', smooth(30, 40), (38, 28), (1.0, 1.0, 39.0, 29.0)),
    ]


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    repo = os.path.dirname(os.path.dirname(here))
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--data', default=os.path.join(repo, '..', 'shared', 'data'))
    parser.add_argument('--out', default=os.path.join(repo, 'test', 'fixtures', 'golden', 'preprocess'))
    args = parser.parse_args()

    blob = Blob()
    index = {
        'generator': 'tools/golden/preprocess_reference.py',
        'versions': {'numpy': np.__version__, 'pillow': PIL.__version__, 'nibabel': nib.__version__},
        'units': 'offset/length count float32 elements of data.f32.bin.gz (little-endian)',
        'boxConvention': 'half-open [rowStart, rowEnd) x [colStart, colEnd), rows = j, cols = i',
        'options': {'maxSlices': MAX_SLICES, 'margin': MARGIN, 'window': list(WINDOW),
                    'ctNormalise': [0.5, 0.25], 'maskNormalise': [0.5, 0.5]},
        'resize2d': [],
        'volumes': [],
        'dice': [],
    }

    rng = np.random.default_rng(20240601)
    for name, src, (out_w, out_h), box in resize_2d_cases(rng):
        img = Image.fromarray(np.ascontiguousarray(src, dtype=np.float32), mode='F')
        out = np.asarray(img.resize((out_w, out_h), Image.BILINEAR, box=box), dtype=np.float32)
        index['resize2d'].append({
            'name': name, 'width': int(src.shape[1]), 'height': int(src.shape[0]),
            'outWidth': out_w, 'outHeight': out_h, 'box': list(box) if box is not None else None,
            'input': blob.add(src), 'output': blob.add(out),
        })

    cache = {}

    def load(rel):
        if rel not in cache:
            cache[rel] = load_canonical(os.path.join(args.data, rel))
        return cache[rel]

    for case in VOLUME_CASES:
        ct3d = load(case['ct'])
        raw = load(case['mask'])
        mask3d = (raw == case['label']) if case['label'] is not None else (raw > 0)
        mask3d = mask3d.astype(np.uint8)
        ks = mask_slice_indices(mask3d)
        chosen = choose_slices(ks)
        boxes = [list(crop_box(mask3d[k])) for k in chosen]
        tensors = []
        for size, kind in sorted(case['tensors'].items()):
            for pos in positions(kind, len(chosen)):
                k = chosen[pos]
                tensor, box = preprocess_slice(ct3d, mask3d, k, size)
                assert list(box) == boxes[pos]
                tensors.append({'size': size, 'position': pos, 'k': k, **blob.add(tensor)})
        index['volumes'].append({
            'name': case['name'], 'ct': case['ct'], 'mask': case['mask'], 'label': case['label'],
            'dims': [int(ct3d.shape[2]), int(ct3d.shape[1]), int(ct3d.shape[0])],
            'maskSlices': [int(k) for k in ks],
            'chosenSlices': chosen,
            'chosenByMaxSlices': {str(m): choose_slices(ks, m) for m in EXTRA_MAX_SLICES},
            'boxes': boxes,
            'tensors': tensors,
        })

    for name, path_a, path_b, labels in DICE_PAIRS:
        a = load(path_a)
        b = load(path_b)
        index['dice'].append({
            'name': name, 'a': path_a, 'b': path_b,
            'values': [{'label': lab, 'dice': dice(a == lab, b == lab)} for lab in labels],
        })

    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, 'index.json'), 'w') as f:
        json.dump(index, f, indent=1)
        f.write('\n')
    with open(os.path.join(args.out, 'data.f32.bin.gz'), 'wb') as f:
        f.write(gzip.compress(blob.bytes(), compresslevel=9, mtime=0))
    size = os.path.getsize(os.path.join(args.out, 'data.f32.bin.gz'))
    print(f'{blob.length} float32 values, {size} bytes gzip -> {args.out}', file=sys.stderr)


if __name__ == '__main__':
    main()
