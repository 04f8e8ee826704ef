#!/usr/bin/python3
"""Builds the cached training and evaluation sets of the default Quality Sentinel model.

Each sample is one slice of a degraded organ mask, preprocessed exactly as the app does it
(tools/golden/preprocess_reference.py: slice choice from the degraded mask, crop from the degraded mask, window,
Pillow resize, normalisation), with the organ's DAP id and the slice's true Dice against the reference slice.

How a sample is made (one "task" = one degraded mask of one organ, yielding up to 10 slices, as the app samples):
  1. a coarse 3D degradation of the reference mask on the scene's grid (degrade.coarse);
  2. the app's slice choice on the degraded mask (at most 10 of its slices);
  3. each chosen slice is upsampled in-plane by a random factor (3 mm scenes only: the app mostly sees 0.6-1 mm
     CT), masks by bilinear interpolation thresholded at 0.5, CT bilinearly plus smoothed noise;
  4. optionally a fine 2D perturbation on that grid (degrade.fine);
  5. the true Dice of the slice (degraded vs reference, on that grid), then the app's preprocessing of it.
The Dice distribution is balanced by keeping each slice with a probability that depends on its Dice bin; the
probabilities (and how many tasks to run) come from a pilot pass over the first tasks.

Splits (the hold-out plan; organ names in the config's "holdout"):
  train   every mapped organ of the TotalSegmentator example (example_ct + force_split, and example_ct_sm +
          example_seg) except the held-out organs
  val     the "val" organs (never trained on): model selection and the isotonic calibration
  test    the "test" organs (never trained on, not used for any choice): the reported metrics
  real    example_seg_fast masks of the test organs scored against example_seg (another model's real errors)
  ibsi    six IBSI sarcoma cases (other patients, 0.98 mm): tumour (GTV) masks, degraded; embedding from the config
  dcmqi   three 0.81 mm DICOM slices of another patient, liver and thoracic spine masks, degraded

Output (in <work_dir>/dataset/): <split>_x.npy float16 [N, 2, S, S], <split>_meta.npz, manifest.json.
A manifest with the same config and code hash is reused as it is.

  /usr/bin/python3 tools/train/make_dataset.py --config tools/train/default.json [--tiny]
"""
from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing as mp
import os
import sys
import time

import numpy as np
from scipy import ndimage as ndi

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import data_sources as ds  # noqa: E402
import degrade  # noqa: E402
from data_sources import pre  # noqa: E402

SPLIT_IDS = {'train': 1, 'val': 2, 'test': 3, 'real': 4, 'ibsi': 5, 'dcmqi': 6}
BIN_EDGES = np.array([0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 1.0 + 1e-9])
# Target share of each Dice bin: plenty of near-perfect masks (what real models mostly produce), the rest spread.
BIN_TARGETS = np.array([0.07] + [0.065] * 8 + [0.13, 0.14, 0.14])


def dice_bin(d: float) -> int:
    return int(np.clip(np.searchsorted(BIN_EDGES, d, side='right') - 1, 0, len(BIN_TARGETS) - 1))


def load_config(path: str, tiny: bool = False) -> dict:
    with open(path) as f:
        cfg = json.load(f)
    if tiny:
        for k, v in cfg.get('tiny', {}).get('dataset', {}).items():
            cfg['dataset'][k] = v
        cfg['work_dir'] = cfg['work_dir'].rstrip('/') + '-tiny'
    return cfg


def repo_path(p: str) -> str:
    return p if os.path.isabs(p) else os.path.join(ds.REPO, p)


# ---------------------------------------------------------------------------------------------------------------------
# Scenes and organ lists (module globals so that forked workers share them)
# ---------------------------------------------------------------------------------------------------------------------

SCENES: dict[str, ds.Scene] = {}
ORGANS: dict[tuple[str, int], degrade.Organ] = {}
CFG: dict = {}


def load_scenes(cfg: dict) -> None:
    data = cfg.get('data') or ds.DEFAULT_DATA
    SCENES['ts_full'] = ds.load_ts_full(data)
    SCENES['ts_sm'] = ds.load_ts_sm(data)
    for case in ds.IBSI_CASES:
        s = ds.load_ibsi(data, case, cfg['ibsi_embedding'])
        SCENES[s.name] = s
    SCENES['dcmqi'] = ds.load_dcmqi(data)


def organ_lists(cfg: dict) -> dict[str, list[dict]]:
    """For each split, its organs: scene, label, name, DAP id (with source weights as repeats for train/val/test)."""
    to_dap = ds.dataset_to_dap()
    dap_ids = ds.dap_names()
    hold = cfg['holdout']
    held = set(hold['val_organs']) | set(hold['test_organs'])
    weights = cfg['dataset']['source_weights']
    min_vox = cfg['dataset']['min_voxels']
    out: dict[str, list[dict]] = {s: [] for s in SPLIT_IDS}
    for scene_name in ('ts_full', 'ts_sm'):
        scene = SCENES[scene_name]
        values, counts = np.unique(scene.labels, return_counts=True)
        for v, c in zip(values, counts):
            if v == 0 or c < min_vox:
                continue
            name = scene.names[int(v)]
            if name not in to_dap:
                continue  # unmapped (vertebrae_S1): no embedding to train with
            entry = {'scene': scene_name, 'label': int(v), 'name': name, 'dap': to_dap[name]}
            split = 'val' if name in hold['val_organs'] else 'test' if name in hold['test_organs'] else 'train'
            out[split].extend([entry] * int(weights[scene_name]))
            if scene_name == 'ts_sm' and name in hold['test_organs'] and scene.alt_labels is not None:
                if np.count_nonzero(scene.alt_labels == v) >= min_vox:
                    out['real'].append(entry)
    for name in held:
        if not any(e['name'] == name for s in ('val', 'test') for e in out[s]):
            raise SystemExit(f'held-out organ {name!r} is not a mapped label of the training scenes')
    for case in ds.IBSI_CASES:
        out['ibsi'].append({'scene': f'ibsi_{case}', 'label': 1, 'name': 'GTV_Mass',
                            'dap': dap_ids[cfg['ibsi_embedding']]})
    for label, name in SCENES['dcmqi'].names.items():
        dap_name = SCENES['dcmqi'].embedding_override.get(label)
        out['dcmqi'].append({'scene': 'dcmqi', 'label': label, 'name': name,
                             'dap': dap_ids[dap_name] if dap_name else to_dap[name]})
    return out


def organ_context(scene_name: str, label: int) -> degrade.Organ:
    key = (scene_name, label)
    if key not in ORGANS:
        s = SCENES[scene_name]
        nb = degrade.neighbours_of(s.labels, label, s.spacing)
        fam = ds.family(s.names[label])
        partners = [n for n in nb if ds.family(s.names.get(n, '')) != fam]
        ORGANS[key] = degrade.Organ(s.labels, s.ct, label, s.spacing, nb, partners, s.alt_labels)
    return ORGANS[key]


# ---------------------------------------------------------------------------------------------------------------------
# One task: a degraded mask and its slices
# ---------------------------------------------------------------------------------------------------------------------

def _resize(a2: np.ndarray, f: float) -> np.ndarray:
    """In-plane bilinear upsampling (Pillow: fast, and no antialiasing is involved when enlarging)."""
    h, w = a2.shape
    return pre.pil_resize(a2.astype(np.float32), int(round(w * f)), int(round(h * f)))


def _up_mask(m2: np.ndarray, f: float) -> np.ndarray:
    # Interpolated, then thresholded: smooth organ outlines rather than 3 mm staircases.
    return m2.astype(bool) if f == 1.0 else _resize(m2, f) > 0.5


def _up_ct(c2: np.ndarray, f: float) -> np.ndarray:
    return c2.astype(np.float32) if f == 1.0 else np.array(_resize(c2, f))


def run_task(args) -> list[tuple]:
    """(split, task index, organ entry, accept probabilities or None, render) -> samples.

    A sample is (dsc, k, ops, factor) without rendering, (x float16 [2,S,S], dsc, k, ops, factor) with it.
    Every random draw comes from generators seeded by (seed, split, task), so the result does not depend on which
    worker runs the task or in which order.
    """
    split, t, entry, accept, render = args
    dcfg = CFG['dataset']
    rng = np.random.default_rng([CFG['seed'], SPLIT_IDS[split], t])
    scene = SCENES[entry['scene']]
    organ = organ_context(entry['scene'], entry['label'])
    ref3 = scene.labels == entry['label']
    if split == 'real':
        deg3, ops = (scene.alt_labels == entry['label']), ['alt']
    else:
        deg3, ops = degrade.coarse(organ, rng)
    if deg3 is None:
        return []
    native = min(scene.spacing[1:]) >= dcfg['upsample_min_spacing_mm']
    if split == 'real':
        factor = float(dcfg['real_factors'][t % len(dcfg['real_factors'])])
    else:
        factor = float(rng.uniform(*dcfg['upsample'])) if native else 1.0
    use_fine = split != 'real' and rng.random() < dcfg['fine_probability']
    fine = degrade.fine_params(rng, subtle=ops == ['identity']) if use_fine else None
    noise_hu = float(rng.uniform(*dcfg['ct_noise_hu'])) if native else 0.0
    if fine:
        ops = ops + ['fine_' + fine['kind']]
    ks = pre.choose_slices(pre.mask_slice_indices(deg3), CFG['max_slices'])
    out = []
    for k in ks:
        d2 = _up_mask(deg3[k], factor)
        if fine:
            d2 = degrade.fine(d2, fine, k)
        u = rng.random()  # drawn for every slice, so the pilot and the full pass see the same stream
        if not d2.any():
            continue  # the app would not see this slice
        r2 = _up_mask(ref3[k], factor)
        dsc = float(pre.dice(d2, r2))
        if accept is not None and u >= accept[dice_bin(dsc)]:
            continue
        if not render:
            out.append((dsc, k, '+'.join(ops), factor))
            continue
        ct2 = _up_ct(scene.ct[k], factor)
        if noise_hu > 0:
            # Correlated noise like a thin-slice CT's; only the crop is ever read, so only the crop gets it.
            r0, r1, c0, c1 = pre.crop_box(d2)
            nrng = np.random.default_rng([CFG['seed'], SPLIT_IDS[split], t, int(k), 7])
            n = ndi.gaussian_filter(nrng.standard_normal((r1 - r0, c1 - c0), dtype=np.float32), 0.7)
            ct2[r0:r1, c0:c1] += n * (noise_hu / max(float(n.std()), 1e-6))
        x, _ = pre.preprocess_slice(ct2[None], d2[None].astype(np.uint8), 0, CFG['size'])
        out.append((x.astype(np.float16), dsc, k, '+'.join(ops), factor))
    return out


def _map(tasks, workers):
    if workers <= 1:
        return [run_task(t) for t in tasks]
    ctx = mp.get_context('fork')  # workers inherit the loaded scenes
    with ctx.Pool(workers) as pool:
        return pool.map(run_task, tasks, chunksize=8)


def build_split(split: str, organs: list[dict], target: int, workers: int, log) -> dict:
    """Runs the pilot, picks the task count and keep probabilities, then renders the kept slices."""
    dcfg = CFG['dataset']
    t0 = time.time()
    targets = np.round(BIN_TARGETS * target).astype(int)
    accept = None
    if split == 'real':
        n_tasks = len(organs) * len(dcfg['real_factors'])
        organ_of = lambda t: organs[t // len(dcfg['real_factors'])]  # noqa: E731
    else:
        organ_of = lambda t: organs[t % len(organs)]  # noqa: E731
        n_pilot = max(dcfg['pilot_tasks'] * target // max(dcfg['train_slices'], 1), dcfg['min_pilot_tasks'])
        pilot = _map([(split, t, organ_of(t), None, False) for t in range(n_pilot)], workers)
        counts = np.zeros(len(BIN_TARGETS))
        for res in pilot:
            for s in res:
                counts[dice_bin(s[0])] += 1
        rate = counts / n_pilot  # slices per task in each bin
        need = np.where(rate > 0, targets / np.maximum(rate, 1e-9), np.inf)
        n_tasks = int(min(np.max(need[np.isfinite(need)]) * 1.08, dcfg['max_task_factor'] * n_pilot * target
                          / max(counts.sum(), 1)))
        n_tasks = max(n_tasks, n_pilot)
        accept = np.clip(targets / np.maximum(rate * n_tasks, 1e-9), 0.0, 1.0)
        log(f'  {split}: pilot {n_pilot} tasks, {int(counts.sum())} slices ({time.time() - t0:.0f} s); '
            f'running {n_tasks} tasks, keep probability per bin {np.round(accept, 2).tolist()}')
    results = _map([(split, t, organ_of(t), accept, True) for t in range(n_tasks)], workers)
    samples = []
    for t, res in enumerate(results):
        for x, dsc, k, ops, factor in res:
            samples.append((x, dsc, t, k, ops, factor, organ_of(t)))
    # Trim bins that came out over their target (deterministically), so the histogram matches the plan.
    if accept is not None:
        rng = np.random.default_rng([CFG['seed'], SPLIT_IDS[split], 999])
        by_bin: dict[int, list[int]] = {}
        for i, s in enumerate(samples):
            by_bin.setdefault(dice_bin(s[1]), []).append(i)
        keep = []
        for b, idx in sorted(by_bin.items()):
            if len(idx) > targets[b]:
                idx = sorted(rng.choice(idx, size=targets[b], replace=False).tolist())
            keep.extend(idx)
        samples = [samples[i] for i in sorted(keep)]
    log(f'  {split}: {len(samples)} slices from {n_tasks} tasks in {time.time() - t0:.0f} s')
    return {'samples': samples, 'tasks': n_tasks, 'seconds': round(time.time() - t0, 1)}


def write_split(out_dir: str, split: str, built: dict, organ_names: list[str], scenes: list[str]) -> dict:
    samples = built['samples']
    n = len(samples)
    size = CFG['size']
    x = np.lib.format.open_memmap(os.path.join(out_dir, f'{split}_x.npy'), mode='w+', dtype=np.float16,
                                  shape=(n, 2, size, size))
    for i, s in enumerate(samples):
        x[i] = s[0]
    x.flush()
    del x
    dsc = np.array([s[1] for s in samples], np.float32)
    ops = [s[4] for s in samples]
    np.savez(os.path.join(out_dir, f'{split}_meta.npz'),
             dsc=dsc,
             dap=np.array([s[6]['dap'] for s in samples], np.int16),
             organ=np.array([organ_names.index(s[6]['name']) for s in samples], np.int16),
             scene=np.array([scenes.index(s[6]['scene']) for s in samples], np.int16),
             task=np.array([s[2] for s in samples], np.int32),
             k=np.array([s[3] for s in samples], np.int16),
             factor=np.array([s[5] for s in samples], np.float32),
             ops=np.array(ops))
    hist = np.bincount([dice_bin(d) for d in dsc], minlength=len(BIN_TARGETS)).tolist() if n else []
    per_op: dict[str, int] = {}
    for o in ops:
        per_op[o.split('+')[0]] = per_op.get(o.split('+')[0], 0) + 1
    return {'n': n, 'tasks': built['tasks'], 'histogram': hist, 'mean_dsc': float(dsc.mean()) if n else None,
            'organs': sorted({s[6]['name'] for s in samples}), 'primary_ops': per_op,
            'seconds': built['seconds']}


def code_hash() -> str:
    h = hashlib.sha256()
    for f in ('make_dataset.py', 'degrade.py', 'data_sources.py'):
        with open(os.path.join(HERE, f), 'rb') as fh:
            h.update(fh.read())
    with open(pre.__file__, 'rb') as fh:
        h.update(fh.read())
    return h.hexdigest()[:16]


def config_key(cfg: dict) -> str:
    keyed = {k: cfg[k] for k in ('seed', 'size', 'max_slices', 'holdout', 'ibsi_embedding', 'dataset')}
    keyed['data'] = cfg.get('data')
    return hashlib.sha256(json.dumps(keyed, sort_keys=True).encode()).hexdigest()[:16] + '-' + code_hash()


def print_histogram(name: str, hist: list[int], log) -> None:
    total = max(sum(hist), 1)
    log(f'  {name} Dice histogram ({sum(hist)} slices):')
    for b, c in enumerate(hist):
        lo, hi = BIN_EDGES[b], min(BIN_EDGES[b + 1], 1.0)
        log(f'    [{lo:.2f}, {hi:.2f}{"]" if hi >= 1.0 else ")"} {c:6d} {100 * c / total:5.1f}% ' + '#' * int(60 * c / total))


def build(cfg: dict, log=print, force: bool = False) -> str:
    """Builds (or reuses) the dataset for this config; returns its folder."""
    global CFG
    CFG = cfg
    out_dir = os.path.join(repo_path(cfg['work_dir']), 'dataset')
    key = config_key(cfg)
    manifest_path = os.path.join(out_dir, 'manifest.json')
    if not force and os.path.exists(manifest_path):
        with open(manifest_path) as f:
            m = json.load(f)
        if m.get('key') == key:
            log(f'dataset: reusing {out_dir} (key {key})')
            for split, st in m['splits'].items():
                if split == 'train':
                    print_histogram(split, st['histogram'], log)
            return out_dir
    os.makedirs(out_dir, exist_ok=True)
    if os.path.exists(manifest_path):
        os.remove(manifest_path)  # a half-rebuilt folder must not look valid
    t0 = time.time()
    load_scenes(cfg)
    lists = organ_lists(cfg)
    organ_names = sorted({e['name'] for es in lists.values() for e in es})
    scenes = sorted(SCENES)
    dcfg = cfg['dataset']
    manifest = {'key': key, 'config': {k: cfg[k] for k in ('seed', 'size', 'max_slices', 'holdout', 'dataset')},
                'organ_names': organ_names, 'scenes': scenes, 'bin_edges': BIN_EDGES.tolist(),
                'bin_targets': BIN_TARGETS.tolist(), 'splits': {},
                'split_organs': {s: sorted({e['name'] for e in es}) for s, es in lists.items()}}
    log(f'dataset: building in {out_dir} (key {key}); organs per split: '
        + ', '.join(f'{s} {len(v)}' for s, v in manifest['split_organs'].items()))
    for split in ('train', 'val', 'test', 'real', 'ibsi', 'dcmqi'):
        target = int(dcfg.get(f'{split}_slices', 0))
        if split != 'real' and target <= 0:
            continue
        built = build_split(split, lists[split], target, int(dcfg['workers']), log)
        manifest['splits'][split] = write_split(out_dir, split, built, organ_names, scenes)
        print_histogram(split, manifest['splits'][split]['histogram'], log)
    manifest['seconds'] = round(time.time() - t0, 1)
    with open(manifest_path, 'w') as f:
        json.dump(manifest, f, indent=1)
        f.write('\n')
    log(f'dataset: done in {manifest["seconds"]} s')
    return out_dir


def load_split(out_dir: str, split: str) -> tuple[np.ndarray, dict]:
    """(x float16 [N,2,S,S] in memory, meta dict of arrays)."""
    x = np.load(os.path.join(out_dir, f'{split}_x.npy'))
    meta = dict(np.load(os.path.join(out_dir, f'{split}_meta.npz')))
    return x, meta


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--config', default=os.path.join(HERE, 'default.json'))
    p.add_argument('--tiny', action='store_true', help="the config's small 'tiny' sizes, in <work_dir>-tiny")
    p.add_argument('--force', action='store_true', help='rebuild even if a matching dataset exists')
    args = p.parse_args()
    build(load_config(args.config, args.tiny), force=args.force)


if __name__ == '__main__':
    main()
