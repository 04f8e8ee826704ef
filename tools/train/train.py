#!/usr/bin/python3
"""Trains the default Quality Sentinel model, calibrates it and exports it with its model card.

  /usr/bin/python3 tools/train/train.py --config tools/train/default.json          # the full run (< 45 min)
  /usr/bin/python3 tools/train/train.py --config tools/train/default.json --tiny   # a one-minute smoke run

Steps:
  1. the cached dataset (make_dataset.build: reused when its config and code are unchanged);
  2. training of the 'small' backbone at S=128 with the authors' loss (weighted MSE + optimal-pair ranking, pairs
     found by Hungarian matching on the organ embeddings' cosine similarity) on the raw output, seeded; after each
     epoch, Pearson / Spearman / MAE on the held-out validation organs; the best epoch (config "select_metric") is
     kept;
  3. an isotonic calibration fitted on the validation organs (card "calibration", applied by the app per slice);
  4. metrics of the calibrated model on data never used for any choice: the test organs, another model's real
     masks of them, the IBSI sarcoma cases, the dcmqi slices;
  5. export_onnx: resources/models/default.onnx + default.card.json (output 'clamp').

The run stops training when its time budget (config train.time_budget_s, from the start of this script) would be
exceeded. After each epoch the cosine schedule is shortened if the remaining epochs no longer fit (the first epoch is
a warm-up whose learning rate does not depend on the total), so the learning rate anneals before the budget ends.
Everything is seeded: `--epochs N --no-adapt` reproduces a run exactly on the same torch build and thread count.

Run with Debian's torch 1.13; for speed, with jemalloc:
  LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2 MALLOC_CONF=dirty_decay_ms:-1,muzzy_decay_ms:-1
"""
from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
import traceback

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import calibrate  # noqa: E402
import data_sources as ds  # noqa: E402
import make_dataset as md  # noqa: E402

LICENCES = [
    'TotalSegmentator test files (wasserth/TotalSegmentator @ 0e65a448, tests/reference_files): Apache-2.0; '
    'training and held-out organs',
    'IBSI validation data (theibsi/data_sets @ 6da96021, from TCIA Soft-tissue-Sarcoma): CC BY 3.0 Unported; '
    'evaluation only',
    'dcmqi test segmentations (QIICR/dcmqi @ b6137d9e): BSD-3-Clause; evaluation only',
    'Organ embeddings: Schuture/Quality-Sentinel @ 76d874d4 label_embedding.pkl (CLIP text embeddings of the '
    'DAP Atlas names): no licence stated',
]


class Log:
    def __init__(self, path: str):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        self.f = open(path, 'w', buffering=1)

    def __call__(self, msg: str) -> None:
        line = f'[{time.strftime("%H:%M:%S")}] {msg}'
        print(line, flush=True)
        self.f.write(line + '\n')


# ---------------------------------------------------------------------------------------------------------------------
# The authors' loss, written from its description (arXiv 2406.00327 and their train.py)
# ---------------------------------------------------------------------------------------------------------------------

def weighted_mse(pred, target):
    """MSE weighted by the target's Dice band: 7 (<= 0.3), 5 (<= 0.5), 3 (<= 0.7), 2 (<= 0.9), 1 (above)."""
    import torch

    edges = torch.tensor([0.3, 0.5, 0.7, 0.9], dtype=target.dtype)
    weights = torch.tensor([7.0, 5.0, 3.0, 2.0, 1.0], dtype=target.dtype)
    w = weights[torch.bucketize(target, edges, right=False)]
    return (w * (pred - target) ** 2).mean()


def pair_by_embedding(emb) -> tuple[np.ndarray, np.ndarray]:
    """Each sample's partner: the assignment maximising total cosine similarity of the organ embeddings, never a
    sample with itself (Hungarian matching)."""
    from scipy.optimize import linear_sum_assignment

    e = emb.detach().double().numpy()
    e = e / np.maximum(np.linalg.norm(e, axis=1, keepdims=True), 1e-12)
    sim = e @ e.T
    np.fill_diagonal(sim, -1e6)
    return linear_sum_assignment(sim, maximize=True)


def ranking_loss(pred, target, emb):
    """Hinge on each pair whose predicted order disagrees with the true order."""
    import torch

    rows, cols = pair_by_embedding(emb)
    rows, cols = torch.from_numpy(rows), torch.from_numpy(cols)
    agreement = (pred[rows] - pred[cols]) * (target[rows] - target[cols])
    return torch.relu(1e-4 - agreement).mean()


# ---------------------------------------------------------------------------------------------------------------------
# Metrics
# ---------------------------------------------------------------------------------------------------------------------

def metrics(pred: np.ndarray, true: np.ndarray, groups: np.ndarray | None = None) -> dict:
    from scipy.stats import spearmanr

    pred = np.asarray(pred, np.float64)
    true = np.asarray(true, np.float64)
    out = {'n': int(len(true))}
    if len(true) < 3:
        return out
    out['pearson'] = float(np.corrcoef(pred, true)[0, 1]) if pred.std() > 0 else 0.0
    out['spearman'] = float(spearmanr(pred, true).correlation) if pred.std() > 0 else 0.0
    out['mae'] = float(np.mean(np.abs(pred - true)))
    perfect = true >= 0.999
    if perfect.any():
        out['mean_pred_where_dsc_1'] = float(pred[perfect].mean())
    if groups is not None:
        # Label level, as the app reports it: the mean of a degraded mask's slice scores vs the mean true Dice.
        keys, inv = np.unique(groups, return_inverse=True)
        if len(keys) >= 3:
            gp = np.bincount(inv, pred) / np.bincount(inv)
            gt = np.bincount(inv, true) / np.bincount(inv)
            out['label_level'] = {'n': int(len(keys)), 'spearman': float(spearmanr(gp, gt).correlation),
                                  'pearson': float(np.corrcoef(gp, gt)[0, 1]), 'mae': float(np.mean(np.abs(gp - gt)))}
    return out


def fmt(m: dict) -> str:
    if 'pearson' not in m:
        return f'n={m["n"]}'
    return f'n={m["n"]} r={m["pearson"]:.3f} rho={m["spearman"]:.3f} MAE={m["mae"]:.3f}' + (
        f' pred@1={m["mean_pred_where_dsc_1"]:.3f}' if 'mean_pred_where_dsc_1' in m else '')


# ---------------------------------------------------------------------------------------------------------------------
# Training
# ---------------------------------------------------------------------------------------------------------------------

def predict(model, x16: np.ndarray, dap: np.ndarray, emb_table, batch: int = 256) -> np.ndarray:
    """Clamped predictions (the exported model's output) for float16 samples."""
    import torch

    model.eval()
    out = np.empty(len(x16), np.float32)
    with torch.no_grad():
        for s in range(0, len(x16), batch):
            x = torch.from_numpy(x16[s:s + batch].astype(np.float32))
            e = emb_table[torch.from_numpy(dap[s:s + batch].astype(np.int64))]
            out[s:s + batch] = torch.clamp(model.raw(x, e), 0.0, 1.0).numpy().reshape(-1)
    return out


def lr_at(step: int, steps_per_epoch: int, total_epochs: int, base: float) -> float:
    """Epoch 1: linear warm-up (independent of the total, so the total may be fixed after it); then cosine."""
    if step < steps_per_epoch:
        return base * (0.1 + 0.9 * step / steps_per_epoch)
    rest = max((total_epochs - 1) * steps_per_epoch, 1)
    t = min((step - steps_per_epoch) / rest, 1.0)
    return base * (0.02 + 0.98 * 0.5 * (1.0 + math.cos(math.pi * t)))


def train(cfg: dict, args, log: Log, t_start: float) -> dict:
    import torch
    from model import build_model

    tc = cfg['train']
    torch.set_num_threads(int(tc['threads']))
    torch.manual_seed(cfg['seed'])
    data_dir = md.build(cfg, log=log)
    with open(os.path.join(data_dir, 'manifest.json')) as f:
        manifest = json.load(f)
    splits = {}
    for split in manifest['splits']:
        splits[split] = md.load_split(data_dir, split)
        log(f'loaded {split}: {len(splits[split][1]["dsc"])} slices')
    emb_table = torch.from_numpy(ds.load_embeddings())
    x_train, m_train = splits['train']
    y_train = torch.from_numpy(m_train['dsc'].astype(np.float32)).unsqueeze(1)
    dap_train = torch.from_numpy(m_train['dap'].astype(np.int64))
    x_val, m_val = splits['val']

    model = build_model(tc['backbone'], tc['hidden_dim'], 'none', seed=cfg['seed'])
    opt = torch.optim.Adam(model.parameters(), lr=tc['lr'], weight_decay=tc['weight_decay'])
    bs = int(tc['batch_size'])
    n = len(y_train)
    steps_per_epoch = n // bs
    epochs = int(args.epochs or tc['epochs'])
    budget = float(args.time_budget or tc['time_budget_s'])
    reserve = float(tc['reserve_s'])
    run_dir = os.path.join(md.repo_path(cfg['work_dir']), 'run')
    os.makedirs(run_dir, exist_ok=True)
    best = {'score': -np.inf, 'epoch': 0}
    history = []
    step = 0
    stopped = None
    log(f'train: {n} slices, {steps_per_epoch} steps of {bs} per epoch, {epochs} epochs planned, '
        f'budget {budget:.0f} s ({time.time() - t_start:.0f} s used so far)')
    schedule_changes: list[dict] = []
    for epoch in range(1, 10 ** 6):
        if epoch > epochs:
            break
        t_epoch = time.time()
        model.train()
        perm = np.random.default_rng([cfg['seed'], epoch]).permutation(n)
        sums = np.zeros(3)
        for b in range(steps_per_epoch):
            idx = np.sort(perm[b * bs:(b + 1) * bs])
            x = torch.from_numpy(x_train[idx].astype(np.float32))
            y = y_train[idx]
            e = emb_table[dap_train[idx]]
            for g in opt.param_groups:
                g['lr'] = lr_at(step, steps_per_epoch, epochs, tc['lr'])
            pred = model.raw(x, e)
            l_mse = weighted_mse(pred, y)
            l_rank = ranking_loss(pred, y, e)
            loss = l_mse + tc['rank_weight'] * l_rank
            opt.zero_grad()
            loss.backward()
            opt.step()
            step += 1
            sums += [loss.item(), l_mse.item(), l_rank.item()]
            if time.time() - t_start > budget - reserve:
                stopped = f'time budget reached in epoch {epoch}, step {b + 1}'
                break
        done = b + 1
        p_val = predict(model, x_val, m_val['dap'], emb_table)
        mv = metrics(p_val, m_val['dsc'], m_val['task'])
        secs = time.time() - t_epoch
        history.append({'epoch': epoch, 'steps': done, 'loss': sums[0] / done, 'mse': sums[1] / done,
                        'rank': sums[2] / done, 'val': mv, 'seconds': round(secs, 1)})
        log(f'epoch {epoch:2d}/{epochs} loss {sums[0] / done:.4f} (wmse {sums[1] / done:.4f} rank {sums[2] / done:.5f}) '
            f'val {fmt(mv)} label-level rho={mv.get("label_level", {}).get("spearman", float("nan")):.3f} '
            f'lr {opt.param_groups[0]["lr"]:.2e} {secs:.0f} s')
        score = mv.get(tc['select_metric'], -np.inf)
        if stopped is None and score > best['score']:
            best = {'score': score, 'epoch': epoch}
            torch.save(model.state_dict(), os.path.join(run_dir, 'best.pth'))
        torch.save(model.state_dict(), os.path.join(run_dir, 'last.pth'))
        if stopped:
            break
        elapsed = time.time() - t_start
        if not args.no_adapt and epoch < epochs:
            # Shorten the schedule when the remaining epochs no longer fit the budget (the machine may be shared and
            # slow down), so the learning rate still anneals before the end. Epoch 1's warm-up does not depend on it.
            per_epoch = max(secs, float(np.mean([h['seconds'] for h in history])))
            fit = epoch + int((budget - reserve - elapsed) / (per_epoch * 1.08))
            if fit < epochs:
                log(f'time budget: {epochs} epochs do not fit ({per_epoch:.0f} s each); schedule now ends at {fit}')
                epochs = max(fit, epoch)
                schedule_changes.append({'after_epoch': epoch, 'epochs': epochs})
        if epoch >= epochs:
            break
        if elapsed + secs * 1.05 > budget - reserve:
            stopped = f'time budget: stopped after epoch {epoch}'
            break
    if stopped:
        log(stopped)
    if best['epoch'] == 0:  # no complete epoch before the budget ran out: keep what there is
        torch.save(model.state_dict(), os.path.join(run_dir, 'best.pth'))
        best['epoch'] = history[-1]['epoch']
    log(f'best epoch {best["epoch"]} ({tc["select_metric"]} {best["score"]:.3f})')
    model.load_state_dict(torch.load(os.path.join(run_dir, 'best.pth')))

    # Calibration on the validation organs, then the untouched evaluation sets.
    p_val = predict(model, x_val, m_val['dap'], emb_table)
    table = calibrate.fit_isotonic(p_val, m_val['dsc'])
    results = {}
    for split, (x, m) in splits.items():
        if split == 'train':
            continue
        p = p_val if split == 'val' else predict(model, x, m['dap'], emb_table)
        pc = calibrate.apply(p, table)
        results[split] = {'raw': metrics(p, m['dsc'], m['task']), 'calibrated': metrics(pc, m['dsc'], m['task'])}
        log(f'{split:6s} raw        {fmt(results[split]["raw"])}')
        log(f'{split:6s} calibrated {fmt(results[split]["calibrated"])}')
    # The training fit, for reference (not a held-out number).
    sub = np.random.default_rng(cfg['seed']).choice(len(y_train), size=min(3000, len(y_train)), replace=False)
    sub.sort()
    p_tr = predict(model, x_train[sub], m_train['dap'][sub], emb_table)
    results['train_subset'] = {'raw': metrics(p_tr, m_train['dsc'][sub])}
    log(f'train  raw        {fmt(results["train_subset"]["raw"])} (not held out)')
    return {'manifest': manifest, 'history': history, 'best': best, 'results': results, 'calibration': table,
            'epochs_planned': int(args.epochs or tc['epochs']), 'epochs_final': epochs, 'stopped': stopped,
            'schedule_changes': schedule_changes,
            'run_dir': run_dir}


def card_sections(cfg: dict, out: dict, config_path: str, seconds: float) -> tuple[dict, dict]:
    man = out['manifest']
    res = out['results']
    hold = cfg['holdout']
    training = {
        'data': 'Degraded masks of real CT. Reference masks: TotalSegmentator v2 predictions on its test CT '
                '(example_ct + example_seg_fast_force_split, 3 mm; example_ct_sm + example_seg), one patient. Each '
                'mask was degraded (erosion, dilation, shifts, cuts, holes, dropped or damaged slices, leaks into '
                'neighbouring organs and similar tissue, swaps with a neighbour, ragged outlines, islands, '
                'over-long organs, another model\'s mask), upsampled in-plane by 1.5-3.5x, and each slice the app '
                'would score was labelled with its true Dice against the reference slice. Preprocessing is the '
                'app\'s own (tools/golden/preprocess_reference.py).',
        'licences': LICENCES,
        'holdout': {
            'validation_organs': hold['val_organs'],
            'test_organs': hold['test_organs'],
            'plan': 'Whole organs never trained on: the validation organs choose the best epoch and fit the '
                    'calibration; the test organs, example_seg_fast\'s real masks of them, the six IBSI sarcoma '
                    'cases (other patients; GTV scored with the embedding of "' + cfg['ibsi_embedding'] + '") and '
                    'the three dcmqi slices (another patient and scanner, 0.81 mm; liver, and thoracic spine with '
                    'the embedding of "vertebrae T10") are used for nothing but the metrics.',
            'caveat': 'Training, validation and test organs come from one patient (example_ct_sm is part of '
                      'example_ct); only the IBSI and dcmqi numbers are cross-patient.',
        },
        'dataset': {s: {k: v[k] for k in ('n', 'histogram', 'mean_dsc', 'organs') if k in v}
                    for s, v in man['splits'].items()},
        'dice_bins': man['bin_edges'],
        'train_organs': man['split_organs']['train'],
        'loss': 'weighted MSE (weights 7/5/3/2/1 for Dice <= 0.3/0.5/0.7/0.9/1) + optimal-pair ranking hinge '
                '(pairs: Hungarian matching on embedding cosine similarity), on the raw output',
        'optimiser': {k: cfg['train'][k] for k in ('batch_size', 'lr', 'weight_decay', 'rank_weight')},
        'epochs': {'planned': out['epochs_planned'], 'run': len(out['history']), 'schedule_total': out['epochs_final'],
                   'schedule_changes': out['schedule_changes'],
                   'best': out['best']['epoch'], 'selected_by': 'validation ' + cfg['train']['select_metric']},
        'seed': cfg['seed'],
        'seconds': round(seconds),
        'command': f'/usr/bin/python3 tools/train/train.py --config {os.path.relpath(config_path, ds.REPO)}',
        'reproduce_exactly': ('add --epochs N --no-adapt (same torch build, 2 threads); a run whose schedule was '
                              'shortened by the time budget (schedule_changes) is reproduced only approximately'),
    }
    metrics_section = {
        'unit': 'per slice (the model scores slices; the app averages them per label), unless "label_level"',
        'measured_on': 'held-out data only (see training.holdout); "calibrated" is the shipped output',
        'test_organs': res.get('test'),
        'test_organs_real_masks': res.get('real'),
        'ibsi_cross_patient': res.get('ibsi'),
        'dcmqi_cross_patient': res.get('dcmqi'),
        'validation_organs': res.get('val'),
        'validation_curve': [{'epoch': h['epoch'], 'pearson': h['val'].get('pearson'),
                              'spearman': h['val'].get('spearman'), 'mae': h['val'].get('mae')}
                             for h in out['history']],
    }
    return training, metrics_section


def export(cfg: dict, out: dict, training: dict, metrics_section: dict, log: Log) -> None:
    import export_onnx

    run_dir = out['run_dir']
    paths = {}
    for name, obj in (('training', training), ('metrics', metrics_section), ('calibration', out['calibration'])):
        paths[name] = os.path.join(run_dir, f'{name}.json')
        with open(paths[name], 'w') as f:
            json.dump(obj, f, indent=1)
    ec = cfg['export']
    target = md.repo_path(ec['out'])
    tc = cfg['train']
    export_onnx.main([
        '--backbone', tc['backbone'], '--hidden-dim', str(tc['hidden_dim']), '--size', str(cfg['size']),
        '--output', 'clamp', '--checkpoint', os.path.join(run_dir, 'best.pth'),
        '--name', ec['name'], '--version', ec['version'], '--purpose', 'default',
        '--description', 'Default Quality Sentinel model: a small CNN at 128 px trained on this machine on degraded '
                         'masks of the TotalSegmentator example; isotonic calibration. A screening aid: it ranks '
                         'masks by expected quality, it does not replace review.',
        '--training', paths['training'], '--metrics', paths['metrics'], '--calibration', paths['calibration'],
        '--out', target,
    ])
    log(f'exported {target} and {target[:-5]}.card.json')


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--config', default=os.path.join(HERE, 'default.json'))
    p.add_argument('--tiny', action='store_true', help="a smoke run with the config's 'tiny' sizes")
    p.add_argument('--epochs', type=int, help='override train.epochs')
    p.add_argument('--time-budget', type=float, help='override train.time_budget_s (seconds for the whole run)')
    p.add_argument('--no-adapt', action='store_true', help='do not shorten the epoch count to the time budget')
    p.add_argument('--no-export', action='store_true')
    args = p.parse_args()
    t_start = time.time()
    cfg = md.load_config(args.config, args.tiny)
    if args.tiny:
        cfg['train'].update(cfg['tiny'].get('train', {}))
        cfg['export'].update(cfg['tiny'].get('export', {}))
    log = Log(os.path.join(md.repo_path(cfg['work_dir']), 'train.log'))
    try:
        log(f'config {args.config}{" (tiny)" if args.tiny else ""}; pid {os.getpid()}')
        out = train(cfg, args, log, t_start)
        training, metrics_section = card_sections(cfg, out, args.config, time.time() - t_start)
        if not args.no_export:
            export(cfg, out, training, metrics_section, log)
        log(f'done in {time.time() - t_start:.0f} s')
    except BaseException:
        log('FAILED:\n' + traceback.format_exc())
        raise


if __name__ == '__main__':
    main()
