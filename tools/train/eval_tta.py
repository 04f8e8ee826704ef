"""Does flip averaging at test time pay for its cost? (issue 3: "see whether flip averaging pays")

Scores every held-out split of the cached training dataset with the trained checkpoint three ways: as is, averaged
with the left-right flipped slice, and averaged over the four flips (none, LR, AP, both); each way gets its own
isotonic calibration fitted on the validation organs, exactly as train.py does for the shipped model. Prints and
writes the metrics and the inference cost of each (flips cost one extra forward pass each).

  /usr/bin/python3 tools/train/eval_tta.py [--config tools/train/default.json] [--out .tmp/train/tta.json]

Needs the dataset cache and run/best.pth that train.py left in the config's work_dir.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import calibrate  # noqa: E402
import data_sources as ds  # noqa: E402
import make_dataset as md  # noqa: E402
from train import metrics  # noqa: E402

MODES = {'none': [()], 'lr': [(), (3,)], 'four': [(), (3,), (2,), (2, 3)]}


def predict_tta(model, x16: np.ndarray, dap: np.ndarray, emb_table, flips, batch: int = 256) -> np.ndarray:
    import torch

    out = np.zeros(len(x16), np.float64)
    with torch.no_grad():
        for s in range(0, len(x16), batch):
            x = torch.from_numpy(x16[s:s + batch].astype(np.float32))
            e = emb_table[torch.from_numpy(dap[s:s + batch].astype(np.int64))]
            acc = 0
            for dims in flips:
                xi = torch.flip(x, dims) if dims else x
                acc = acc + torch.clamp(model.raw(xi, e), 0.0, 1.0).numpy().reshape(-1)
            out[s:s + batch] = acc / len(flips)
    return out


def main() -> None:
    import torch
    from model import build_model

    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--config', default=os.path.join(HERE, 'default.json'))
    p.add_argument('--out', default=None)
    args = p.parse_args()
    with open(args.config) as f:
        cfg = json.load(f)
    work = md.repo_path(cfg['work_dir'])
    data_dir = os.path.join(work, 'dataset')
    torch.set_num_threads(int(cfg['train']['threads']))
    model = build_model(cfg['train']['backbone'], cfg['train']['hidden_dim'], 'none', seed=cfg['seed'])
    model.load_state_dict(torch.load(os.path.join(work, 'run', 'best.pth')))
    model.eval()
    emb = torch.from_numpy(ds.load_embeddings())
    splits = {s: md.load_split(data_dir, s) for s in ('val', 'test', 'real', 'ibsi', 'dcmqi')}
    report: dict = {}
    for mode, flips in MODES.items():
        t0 = time.time()
        preds = {s: predict_tta(model, x, m['dap'], emb, flips) for s, (x, m) in splits.items()}
        secs = time.time() - t0
        table = calibrate.fit_isotonic(preds['val'], splits['val'][1]['dsc'])
        report[mode] = {'seconds': round(secs, 2), 'passes': len(flips)}
        for s, (x, m) in splits.items():
            raw = metrics(preds[s], m['dsc'], m['task'])
            cal = metrics(calibrate.apply(preds[s], table), m['dsc'], m['task'])
            report[mode][s] = {'raw': raw, 'calibrated': cal}
        print(f'{mode:5s} ({len(flips)} passes, {secs:.1f} s)')
        for s in ('test', 'real', 'ibsi', 'dcmqi'):
            c = report[mode][s]['calibrated']
            lab = c.get('label_level', {})
            print(f'  {s:6s} slice r={c["pearson"]:.3f} rho={c["spearman"]:.3f} MAE={c["mae"]:.3f}'
                  + (f'  label r={lab["pearson"]:.3f} rho={lab["spearman"]:.3f} MAE={lab["mae"]:.3f}' if lab else ''))
    out = args.out or os.path.join(work, 'tta.json')
    with open(out, 'w') as f:
        json.dump(report, f, indent=1)
    print(f'wrote {out}')


if __name__ == '__main__':
    main()
