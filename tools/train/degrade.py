"""Degradations of a reference organ mask: the ways segmentation models get an organ wrong.

A degradation turns the reference mask of one organ (3D, [k][j][i], in its scene's voxels) into a "predicted" mask;
the training target is the true Dice of each degraded slice against the reference slice. Sizes are given in mm and
converted with the scene's spacing, so the same degradation means the same thing on 3 mm and on 0.8 mm data.

Coarse (3D) degradations run on the scene's native grid, inside a region around the organ (and its swap partner) so
that morphology stays cheap. Fine (2D) perturbations run per slice after the in-plane upsampling in make_dataset, on
the grid the model sees: they make the near-perfect masks (Dice 0.9-1.0) that real models mostly produce.

Every function draws from the numpy Generator it is given, so a seeded generator gives the same mask every time.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import ndimage as ndi

# Coarse degradations and how often each is the primary one. 'alt' (another model's mask of the same organ) is only
# drawn where the scene has one.
COARSE_WEIGHTS = {
    'identity': 0.14,
    'erode': 0.08,
    'dilate': 0.08,
    'shift': 0.08,
    'cut': 0.07,
    'holes': 0.06,
    'slice_damage': 0.08,
    'drop_slices': 0.03,
    'leak_neighbour': 0.08,
    'leak_tissue': 0.08,
    'swap': 0.05,
    'boundary_noise': 0.09,
    'blobs': 0.05,
    'z_extend': 0.04,
    'alt': 0.05,
}
SECOND_OP_PROBABILITY = 0.35


@dataclass
class Organ:
    """One organ of a scene, with what the degradations need to know about its surroundings."""

    labels: np.ndarray  # the scene's label map [k][j][i]
    ct: np.ndarray  # the scene's CT (HU) on the same grid
    label: int
    spacing: tuple[float, float, float]  # (k, j, i) mm
    neighbours: list[int]  # labels touching the organ, most contact first
    swap_partners: list[int]  # neighbours of another family (a swap inside a family is invisible in a 2D crop)
    alt_labels: np.ndarray | None = None  # another segmentation of the same scene, if any


def neighbours_of(labels: np.ndarray, label: int, spacing, reach_mm: float = 6.0) -> list[int]:
    """Labels with voxels within reach_mm of the organ, ordered by how many such voxels they have."""
    organ = labels == label
    roi = _bbox(organ, _margin_vox(spacing, reach_mm + 3.0), labels.shape)
    ring = grow(organ[roi], spacing, reach_mm) & ~organ[roi]
    vals, counts = np.unique(labels[roi][ring], return_counts=True)
    order = np.argsort(-counts, kind='stable')
    return [int(vals[i]) for i in order if vals[i] != 0 and vals[i] != label]


# ---------------------------------------------------------------------------------------------------------------------
# Geometry helpers
# ---------------------------------------------------------------------------------------------------------------------

def _margin_vox(spacing, mm: float) -> tuple[int, int, int]:
    return tuple(int(np.ceil(mm / s)) for s in spacing)


def _bbox(mask: np.ndarray, margin, shape) -> tuple[slice, slice, slice]:
    idx = [np.nonzero(np.any(mask, axis=tuple(a for a in range(3) if a != ax)))[0] for ax in range(3)]
    return tuple(slice(max(int(i[0]) - m, 0), min(int(i[-1]) + 1 + m, n)) for i, m, n in zip(idx, margin, shape))


def _ellipsoid(spacing, r_mm: float, in_plane: bool) -> np.ndarray:
    """A boolean ball of radius r_mm in voxel units of this spacing (flat in k when in_plane)."""
    radii = [0.0 if (in_plane and ax == 0) else r_mm / s for ax, s in enumerate(spacing)]
    half = [int(np.floor(r)) for r in radii]
    grids = np.meshgrid(*[np.arange(-h, h + 1) for h in half], indexing='ij')
    d = sum((g / r) ** 2 if r > 0 else g.astype(float) ** 2 * 1e9 for g, r in zip(grids, radii))
    ball = d <= 1.0 + 1e-9
    return ball


def _shift(mask: np.ndarray, offset) -> np.ndarray:
    """Integer shift with zero fill (no wrap-around)."""
    out = np.zeros_like(mask)
    src, dst = [], []
    for o, n in zip(offset, mask.shape):
        o = int(o)
        if o >= 0:
            src.append(slice(0, n - o))
            dst.append(slice(o, n))
        else:
            src.append(slice(-o, n))
            dst.append(slice(0, n + o))
    out[tuple(dst)] = mask[tuple(src)]
    return out


def _z_range(rng, present: np.ndarray, frac_lo: float, frac_hi: float) -> np.ndarray:
    """A boolean over k: a random contiguous run of the organ's slices."""
    ks = np.nonzero(present)[0]
    sel = np.zeros_like(present)
    if len(ks) == 0:
        return sel
    n = max(1, int(round(len(ks) * rng.uniform(frac_lo, frac_hi))))
    start = int(rng.integers(0, len(ks) - n + 1))
    sel[ks[start:start + n]] = True
    return sel


def _smooth_noise(rng, shape, sigma_vox) -> np.ndarray:
    n = ndi.gaussian_filter(rng.standard_normal(shape).astype(np.float32), sigma_vox)
    return n / max(float(n.std()), 1e-6)


# ---------------------------------------------------------------------------------------------------------------------
# Coarse (3D) degradations: each takes the organ's region (reference mask, labels, CT, all cropped alike) and returns
# the degraded mask of that region.
# ---------------------------------------------------------------------------------------------------------------------

class _Region:
    def __init__(self, organ: Organ, roi):
        self.roi = roi
        self.labels = organ.labels[roi]
        self.ct = organ.ct[roi]
        self.ref = self.labels == organ.label
        self.spacing = organ.spacing
        self.alt = (organ.alt_labels[roi] == organ.label) if organ.alt_labels is not None else None


def _sampling(spacing, in_plane: bool):
    # A huge k spacing makes the 3D distance transform a per-slice 2D one.
    return (1e6 if in_plane else spacing[0], spacing[1], spacing[2])


def grow(m: np.ndarray, spacing, r_mm: float, in_plane: bool = False) -> np.ndarray:
    """Dilation by a ball of radius r_mm, via the distance transform (cost independent of the radius)."""
    if not m.any():
        return m.copy()
    return ndi.distance_transform_edt(~m, sampling=_sampling(spacing, in_plane)) <= r_mm


def shrink(m: np.ndarray, spacing, r_mm: float, in_plane: bool = False) -> np.ndarray:
    """Erosion by a ball of radius r_mm (the region's border is not treated as background: a truncated organ stays
    truncated rather than eroding from the edge of the scan)."""
    return ndi.distance_transform_edt(m, sampling=_sampling(spacing, in_plane)) > r_mm


def _erode(m, reg, rng):
    return shrink(m, reg.spacing, rng.uniform(1.5, 10.0), in_plane=rng.random() < 0.6)


def _dilate(m, reg, rng):
    return grow(m, reg.spacing, rng.uniform(1.5, 12.0), in_plane=rng.random() < 0.6)


def _shift_op(m, reg, rng):
    while True:
        mm = rng.uniform(-12.0, 12.0, size=2)
        dj, di = (int(round(v / s)) for v, s in zip(mm, reg.spacing[1:]))
        dk = int(rng.integers(-2, 3)) if rng.random() < 0.4 else 0
        if dj or di or dk:
            return _shift(m, (dk, dj, di))


def _cut(m, reg, rng):
    """Removes the part of the organ beyond a random plane (a fraction of its voxels)."""
    pts = np.argwhere(m).astype(np.float32) * np.asarray(reg.spacing, np.float32)
    if len(pts) < 4:
        return m
    normal = rng.standard_normal(3)
    if rng.random() < 0.5:
        normal[0] = 0.0  # an in-plane cut (a missing part of every slice)
    normal /= max(np.linalg.norm(normal), 1e-6)
    proj = pts @ normal
    cut_at = np.quantile(proj, 1.0 - rng.uniform(0.1, 0.7))
    out = m.copy()
    drop = np.argwhere(m)[proj > cut_at]
    out[tuple(drop.T)] = False
    return out


def _holes(m, reg, rng):
    out = m.copy()
    pts = np.argwhere(m)
    for _ in range(int(rng.integers(1, 7))):
        c = pts[int(rng.integers(0, len(pts)))]
        ball = _ellipsoid(reg.spacing, rng.uniform(3.0, 12.0), in_plane=rng.random() < 0.5)
        h = np.array(ball.shape) // 2
        lo = np.maximum(c - h, 0)
        hi = np.minimum(c + h + 1, m.shape)
        b = ball[tuple(slice(l - (cc - hh), u - (cc - hh)) for l, u, cc, hh in zip(lo, hi, c, h))]
        sub = out[tuple(slice(l, u) for l, u in zip(lo, hi))]
        sub[b] = False
    return out


def _slice_op(m2, reg, rng, kind):
    sp = (1.0,) + tuple(reg.spacing[1:])
    if kind == 'empty':
        return np.zeros_like(m2)
    if kind == 'erode':
        return shrink(m2[None], sp, rng.uniform(3.0, 12.0), in_plane=True)[0]
    if kind == 'dilate':
        return grow(m2[None], sp, rng.uniform(3.0, 15.0), in_plane=True)[0]
    if kind == 'shift':
        dj, di = (int(round(v / s)) for v, s in zip(rng.uniform(-15.0, 15.0, size=2), reg.spacing[1:]))
        return _shift(m2[None], (0, dj, di))[0]
    # 'half': keep one side of a random in-plane line through the slice's centroid
    pts = np.argwhere(m2)
    if len(pts) == 0:
        return m2
    a = rng.uniform(0, np.pi)
    proj = pts @ np.array([np.cos(a), np.sin(a)])
    out = m2.copy()
    out[tuple(pts[proj > np.quantile(proj, rng.uniform(0.2, 0.8))].T)] = False
    return out


def _slice_damage(m, reg, rng):
    """A run of slices (or scattered slices) each damaged on its own: what a slice-wise model does."""
    present = np.any(m, axis=(1, 2))
    if rng.random() < 0.5:
        sel = _z_range(rng, present, 0.2, 0.7)
    else:
        sel = present & (rng.random(len(present)) < rng.uniform(0.2, 0.7))
    out = m.copy()
    kinds = ('empty', 'erode', 'dilate', 'shift', 'half')
    kind = kinds[int(rng.integers(0, len(kinds)))] if rng.random() < 0.6 else None
    for k in np.nonzero(sel)[0]:
        out[k] = _slice_op(m[k], reg, rng, kind or kinds[int(rng.integers(1, len(kinds)))])
    return out


def _drop_slices(m, reg, rng):
    present = np.any(m, axis=(1, 2))
    out = m.copy()
    if rng.random() < 0.5:
        out[_z_range(rng, present, 0.1, 0.4)] = False
    else:
        out[present & (rng.random(len(present)) < rng.uniform(0.1, 0.4))] = False
    return out


def _leak_neighbour(m, reg, rng, organ: Organ):
    if not organ.neighbours:
        return _dilate(m, reg, rng)
    n = organ.neighbours[int(rng.integers(0, min(4, len(organ.neighbours))))]
    near = grow(reg.ref, reg.spacing, rng.uniform(3.0, 15.0), in_plane=True)
    leak = near & (reg.labels == n)
    if rng.random() < 0.5:
        leak &= _z_range(rng, np.any(m, axis=(1, 2)), 0.3, 0.8)[:, None, None]
    return m | leak


def _leak_tissue(m, reg, rng):
    """Grows into unlabelled tissue of similar density next to the organ: a threshold / region-growing leak."""
    hu = reg.ct[reg.ref]
    lo, hi = np.percentile(hu, [10, 90]) + np.array([-1, 1]) * rng.uniform(10.0, 60.0)
    near = grow(m, reg.spacing, rng.uniform(4.0, 20.0), in_plane=rng.random() < 0.5)
    grown = m | (near & (reg.ct >= lo) & (reg.ct <= hi))
    comp, _ = ndi.label(grown)
    keep = np.unique(comp[m])
    return np.isin(comp, keep[keep > 0])


def _swap(m, reg, rng, partner: int):
    other = reg.labels == partner
    if rng.random() < 0.5:
        return other
    sel = _z_range(rng, np.any(m | other, axis=(1, 2)), 0.3, 0.8)[:, None, None]
    return np.where(sel, other, m)


def _boundary_noise(m, reg, rng):
    """A ragged outline: smooth noise added only in a band around the boundary, so nothing appears far away."""
    sig = np.array([0.0, *[max(rng.uniform(1.0, 4.0) / s, 0.5) for s in reg.spacing[1:]]])
    base = ndi.gaussian_filter(m.astype(np.float32), [0.0, *[max(2.0 / s, 0.7) for s in reg.spacing[1:]]])
    band = (base > 0.02) & (base < 0.98)
    return (base + band * (rng.uniform(0.15, 0.6) * _smooth_noise(rng, m.shape, sig))) > 0.5


def _blobs(m, reg, rng):
    out = m.copy()
    near = grow(m, reg.spacing, 25.0, in_plane=True) & ~m
    pts = np.argwhere(near)
    if len(pts) == 0:
        return out
    for _ in range(int(rng.integers(1, 5))):
        c = pts[int(rng.integers(0, len(pts)))]
        ball = _ellipsoid(reg.spacing, rng.uniform(4.0, 20.0), in_plane=rng.random() < 0.5)
        h = np.array(ball.shape) // 2
        lo = np.maximum(c - h, 0)
        hi = np.minimum(c + h + 1, m.shape)
        b = ball[tuple(slice(l - (cc - hh), u - (cc - hh)) for l, u, cc, hh in zip(lo, hi, c, h))]
        out[tuple(slice(l, u) for l, u in zip(lo, hi))] |= b
    return out


def _z_extend(m, reg, rng):
    """Continues the organ's first or last slice into slices beyond it (an over-long organ)."""
    ks = np.nonzero(np.any(m, axis=(1, 2)))[0]
    out = m.copy()
    n = int(rng.integers(1, 5))
    if rng.random() < 0.5:
        src, targets = ks[-1], range(ks[-1] + 1, min(ks[-1] + 1 + n, m.shape[0]))
    else:
        src, targets = ks[0], range(max(ks[0] - n, 0), ks[0])
    for k in targets:
        out[k] |= m[src]
    return out


_SIMPLE_OPS = {
    'erode': _erode,
    'dilate': _dilate,
    'shift': _shift_op,
    'cut': _cut,
    'holes': _holes,
    'slice_damage': _slice_damage,
    'drop_slices': _drop_slices,
    'leak_tissue': _leak_tissue,
    'boundary_noise': _boundary_noise,
    'blobs': _blobs,
    'z_extend': _z_extend,
}


def coarse(organ: Organ, rng: np.random.Generator) -> tuple[np.ndarray | None, list[str]]:
    """A degraded copy of the organ's mask on the full scene grid, and the names of the operations applied.

    None when the degradation left nothing (an eroded-away small organ, say).
    """
    ops = list(COARSE_WEIGHTS)
    w = np.array([COARSE_WEIGHTS[o] for o in ops])
    if organ.alt_labels is None:
        w[ops.index('alt')] = 0.0
    if not organ.swap_partners:
        w[ops.index('swap')] = 0.0
    w /= w.sum()
    chosen = [ops[int(rng.choice(len(ops), p=w))]]
    if chosen[0] not in ('identity', 'alt') and rng.random() < SECOND_OP_PROBABILITY:
        second = chosen[0]
        while second in (chosen[0], 'identity', 'alt'):
            second = ops[int(rng.choice(len(ops), p=w))]
        chosen.append(second)

    full_ref = organ.labels == organ.label
    region = full_ref.copy()
    partner = None
    if 'swap' in chosen:
        partner = organ.swap_partners[int(rng.integers(0, min(3, len(organ.swap_partners))))]
        region |= organ.labels == partner
    roi = _bbox(region, _margin_vox(organ.spacing, 45.0), organ.labels.shape)
    reg = _Region(organ, roi)
    m = reg.ref.copy()
    for op in chosen:
        if op == 'identity':
            pass
        elif op == 'alt':
            m = reg.alt.copy()
        elif op == 'leak_neighbour':
            m = _leak_neighbour(m, reg, rng, organ)
        elif op == 'swap':
            m = _swap(m, reg, rng, partner)
        else:
            m = _SIMPLE_OPS[op](m, reg, rng)
        if not m.any():
            return None, chosen
    out = np.zeros(organ.labels.shape, dtype=bool)
    out[roi] = m
    return out, chosen


# ---------------------------------------------------------------------------------------------------------------------
# Fine (2D) perturbations on the grid the model sees (after upsampling), in pixels of that grid
# ---------------------------------------------------------------------------------------------------------------------

FINE_KINDS = ('erode', 'dilate', 'noise', 'shift')


def fine_params(rng: np.random.Generator, subtle: bool = False) -> dict:
    """One fine perturbation, drawn once per degraded mask so all its slices share the same systematic error.

    subtle: a one-pixel outline error or a light ragged edge (what separates a good mask from a perfect one).
    """
    kind = FINE_KINDS[int(rng.integers(0, len(FINE_KINDS)))]
    return {
        'kind': kind,
        'radius': float(rng.uniform(1.0, 1.5) if subtle else rng.uniform(1.0, 2.5)),
        'amplitude': float(rng.uniform(0.05, 0.3) if subtle else rng.uniform(0.1, 0.5)),
        'sigma': float(rng.uniform(1.0, 3.0)),
        'offset': [int(v) for v in rng.integers(-1, 2, size=2)] if subtle else [int(v) for v in rng.integers(-2, 3, size=2)],
        'seed': int(rng.integers(0, 2**31 - 1)),
    }


def _disk(r: float) -> np.ndarray:
    h = int(np.floor(r))
    y, x = np.mgrid[-h:h + 1, -h:h + 1]
    return (x * x + y * y) <= r * r + 1e-9


def fine(mask2d: np.ndarray, p: dict, slice_index: int) -> np.ndarray:
    """Applies a fine perturbation to one upsampled slice (bool [H, W])."""
    kind = p['kind']
    if kind == 'erode':
        return ndi.binary_erosion(mask2d, structure=_disk(p['radius']))
    if kind == 'dilate':
        return ndi.binary_dilation(mask2d, structure=_disk(p['radius']))
    if kind == 'shift':
        return _shift(mask2d[None], (0, *p['offset']))[0]
    # Boundary noise only matters near the outline: work on the mask's box plus a border.
    rows = np.nonzero(mask2d.any(axis=1))[0]
    cols = np.nonzero(mask2d.any(axis=0))[0]
    if len(rows) == 0:
        return mask2d.copy()
    pad = 12
    r0, r1 = max(rows[0] - pad, 0), min(rows[-1] + pad + 1, mask2d.shape[0])
    c0, c1 = max(cols[0] - pad, 0), min(cols[-1] + pad + 1, mask2d.shape[1])
    sub = mask2d[r0:r1, c0:c1]
    rng = np.random.default_rng([p['seed'], slice_index])
    base = ndi.gaussian_filter(sub.astype(np.float32), 1.5)
    band = (base > 0.02) & (base < 0.98)
    n = ndi.gaussian_filter(rng.standard_normal(sub.shape, dtype=np.float32), p['sigma'])
    n /= max(float(n.std()), 1e-6)
    out = np.zeros_like(mask2d, dtype=bool)
    out[r0:r1, c0:c1] = (base + band * (p['amplitude'] * n)) > 0.5
    return out
