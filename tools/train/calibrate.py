"""Isotonic calibration of the model's per-slice output, in the form the app applies (src/core/inference/calibration.ts).

The table is knots {x: [...], y: [...]}: x strictly increasing, y non-decreasing in [0, 1]; between knots the app
interpolates linearly and outside them the end values hold, which is exactly numpy.interp. The fit is the
pool-adjacent-violators algorithm on (prediction, true Dice) pairs; each pooled block becomes one knot at its mean
prediction with its mean Dice.

  /usr/bin/python3 tools/train/calibrate.py   # self-check on synthetic data
"""
from __future__ import annotations

import numpy as np


def _pava(y: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Blocks of the weighted isotonic (non-decreasing) fit: their values, weights and sizes (in input points)."""
    vals, wts, sizes = [], [], []
    for yi, wi in zip(y, w):
        vals.append(float(yi))
        wts.append(float(wi))
        sizes.append(1)
        while len(vals) > 1 and vals[-2] > vals[-1]:
            wsum = wts[-2] + wts[-1]
            merged = (vals[-2] * wts[-2] + vals[-1] * wts[-1]) / wsum
            vals[-2:] = [merged]
            wts[-2:] = [wsum]
            sizes[-2:] = [sizes[-2] + sizes[-1]]
    return np.array(vals), np.array(wts), np.array(sizes)


def fit_isotonic(pred, true, max_knots: int = 200, min_block: int = 5) -> dict:
    """Knots of the isotonic map from prediction to expected true Dice.

    Tied predictions are pooled first (so every knot has its own x); blocks smaller than min_block points are merged
    into a neighbour afterwards, and the table is thinned to at most max_knots, so a few noisy points do not become
    steps of their own.
    """
    pred = np.asarray(pred, np.float64)
    true = np.clip(np.asarray(true, np.float64), 0.0, 1.0)
    if len(pred) < 2:
        raise ValueError('calibration needs at least two points')
    xs, inv = np.unique(pred, return_inverse=True)
    cnt = np.bincount(inv).astype(np.float64)
    ys = np.bincount(inv, true) / cnt
    xsum = np.bincount(inv, pred)
    vals, wts, sizes = _pava(ys, cnt)
    # Each block's mean prediction (its knot's x).
    ends = np.cumsum(sizes)
    starts = ends - sizes
    bx = np.array([xsum[s:e].sum() / cnt[s:e].sum() for s, e in zip(starts, ends)])
    by, bw = vals, wts
    # Merge small blocks with the next (or previous) one; a weighted mean of two ordered blocks stays ordered.
    changed = True
    while changed and len(bx) > 2:
        changed = False
        i = int(np.argmin(bw))
        if bw[i] < min_block:
            j = i + 1 if i + 1 < len(bx) else i - 1
            a, b = min(i, j), max(i, j)
            w = bw[a] + bw[b]
            bx = np.concatenate([bx[:a], [(bx[a] * bw[a] + bx[b] * bw[b]) / w], bx[b + 1:]])
            by = np.concatenate([by[:a], [(by[a] * bw[a] + by[b] * bw[b]) / w], by[b + 1:]])
            bw = np.concatenate([bw[:a], [w], bw[b + 1:]])
            changed = True
    if len(bx) > max_knots:
        keep = np.unique(np.round(np.linspace(0, len(bx) - 1, max_knots)).astype(int))
        bx, by = bx[keep], by[keep]
    x = [round(float(v), 6) for v in bx]
    y = [round(float(min(max(v, 0.0), 1.0)), 6) for v in by]
    # Rounding may tie neighbouring knots: keep the first of each x and keep y monotone.
    out_x, out_y = [], []
    for xi, yi in zip(x, y):
        if out_x and xi <= out_x[-1]:
            continue
        out_y.append(max(yi, out_y[-1]) if out_y else yi)
        out_x.append(xi)
    if len(out_x) < 2:  # a constant map still needs two knots
        out_x, out_y = [0.0, 1.0], [out_y[0], out_y[0]]
    return {'x': out_x, 'y': out_y}


def apply(pred, table: dict) -> np.ndarray:
    """The app's calibration: linear between knots, end values outside."""
    return np.interp(np.asarray(pred, np.float64), table['x'], table['y']).astype(np.float32)


def _self_check() -> None:
    rng = np.random.default_rng(0)
    true = rng.uniform(0, 1, 4000)
    pred = np.clip(0.2 + 0.6 * true ** 2 + rng.normal(0, 0.05, true.size), 0, 1)  # monotone but distorted
    t = fit_isotonic(pred, true)
    assert all(b > a for a, b in zip(t['x'], t['x'][1:])) and all(b >= a for a, b in zip(t['y'], t['y'][1:]))
    cal = apply(pred, t)
    before, after = np.abs(pred - true).mean(), np.abs(cal - true).mean()
    print(f'{len(t["x"])} knots; MAE {before:.3f} -> {after:.3f}')
    assert after < before


if __name__ == '__main__':
    _self_check()
