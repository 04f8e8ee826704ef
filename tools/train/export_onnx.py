#!/usr/bin/python3
"""Exports a Quality Sentinel model to ONNX with its model card, and optionally a parity fixture.

Writes, for --out DIR/NAME.onnx:
  NAME.onnx          opset 17; inputs `image` float32 [N,2,S,S], `embedding` float32 [N,512]; output `dsc` [N,1];
                     N is a dynamic axis.
  NAME.card.json     the model card (schema: src/core/inference/model-card.ts), with the sha256 of NAME.onnx.
  NAME.parity.json   (--parity) seeded inputs' layout and torch's outputs for them, so the TypeScript tests can check
  NAME.parity.bin    ONNX Runtime against torch; the .bin holds the inputs as float32 little-endian:
                     images [n,2,S,S] then embeddings [n,512].

Examples (run from the repository root, with Debian's torch):
  /usr/bin/python3 tools/train/export_onnx.py --backbone small --size 128 --random --seed 0 --output sigmoid \
      --name tiny-random --version 0.1.0 --purpose test-only \
      --description "test-only: random weights, not a quality model" \
      --out test/fixtures/models/tiny-random.onnx --parity
  /usr/bin/python3 tools/train/export_onnx.py --backbone resnet50 --size 256 --checkpoint model.pth \
      --output clamp --name qs-resnet50 --version 1.0.0 --purpose user --out resources/models/qs-resnet50.onnx
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from model import BACKBONES, EMBEDDING_DIM, OUTPUTS, build_model, count_parameters  # noqa: E402

OPSET = 17
# The preprocessing every model here was (or must be) trained with: the authors' inference pipeline.
PREPROCESSING = {
    'channels': 2,
    'ct_window': [-200, 200],
    'ct_normalise': {'mean': 0.5, 'std': 0.25},
    'mask_normalise': {'mean': 0.5, 'std': 0.5},
    'crop_margin': 20,
    'max_slices': 10,
}
EMBEDDING_SET = 'dap-atlas-clip-145'


class _Exported(torch.nn.Module):
    """Pins the argument order and names the graph sees."""

    def __init__(self, model: torch.nn.Module):
        super().__init__()
        self.model = model

    def forward(self, image: torch.Tensor, embedding: torch.Tensor) -> torch.Tensor:
        return self.model(image, embedding)


def sha256_of(path: str) -> str:
    h = hashlib.sha256()
    with open(path, 'rb') as f:
        for chunk in iter(lambda: f.read(1 << 20), b''):
            h.update(chunk)
    return h.hexdigest()


def load_checkpoint(model: torch.nn.Module, path: str) -> None:
    """Loads a state dict strictly (a 'module.' prefix from DataParallel is dropped)."""
    state = torch.load(path, map_location='cpu')
    if isinstance(state, dict) and 'state_dict' in state and isinstance(state['state_dict'], dict):
        state = state['state_dict']
    state = {k[len('module.'):] if k.startswith('module.') else k: v for k, v in state.items()}
    model.load_state_dict(state, strict=True)


def export(model: torch.nn.Module, size: int, out: str) -> None:
    model.eval()
    image = torch.zeros(1, 2, size, size)
    embedding = torch.zeros(1, EMBEDDING_DIM)
    torch.onnx.export(
        _Exported(model),
        (image, embedding),
        out,
        input_names=['image', 'embedding'],
        output_names=['dsc'],
        dynamic_axes={'image': {0: 'N'}, 'embedding': {0: 'N'}, 'dsc': {0: 'N'}},
        opset_version=OPSET,
        do_constant_folding=True,
    )
    check_graph(out, size)


def check_graph(path: str, size: int) -> None:
    """The exported graph has exactly the contract's inputs and output."""
    import onnx

    m = onnx.load(path)
    onnx.checker.check_model(m)

    def dims(v):  # symbolic dims as their name, fixed dims as ints
        return [d.dim_param if d.dim_param else d.dim_value for d in v.type.tensor_type.shape.dim]

    got = {'inputs': [(v.name, dims(v)) for v in m.graph.input], 'outputs': [(v.name, dims(v)) for v in m.graph.output]}
    want = {
        'inputs': [('image', ['N', 2, size, size]), ('embedding', ['N', EMBEDDING_DIM])],
        'outputs': [('dsc', ['N', 1])],
    }
    if got != want:
        raise SystemExit(f'{path}: exported graph signature {got} differs from the contract {want}')
    for v in list(m.graph.input) + list(m.graph.output):
        if v.type.tensor_type.elem_type != onnx.TensorProto.FLOAT:
            raise SystemExit(f'{path}: {v.name} is not float32')


def spread_random_model(model: torch.nn.Module, size: int, seed: int) -> None:
    """Makes a randomly initialised model's outputs vary with its inputs, so a parity test can tell inputs apart.

    Fresh BatchNorm statistics (mean 0, var 1) shrink the features toward zero, leaving every output near the same
    value. Here BatchNorm's running statistics are measured on synthetic inputs, and fc2 is rescaled and re-centred
    so the raw outputs of those inputs have mean 0 and standard deviation 1. The weights stay random: this is not
    a quality model.
    """
    images, embeddings = parity_inputs(32, size, seed + 1000)
    x, e = torch.from_numpy(images), torch.from_numpy(embeddings)
    for mod in model.modules():
        if isinstance(mod, torch.nn.modules.batchnorm._BatchNorm):
            mod.reset_running_stats()
            mod.momentum = None  # a cumulative average over the one pass
    model.train()
    with torch.no_grad():
        model(x, e)
    model.eval()
    with torch.no_grad():
        raw = model.raw(x, e).flatten()
        gain = 1.0 / max(float(raw.std()), 1e-6)
        model.fc2.weight.mul_(gain)
        model.fc2.bias.mul_(gain).sub_(float(raw.mean()) * gain)
    for mod in model.modules():
        if isinstance(mod, torch.nn.modules.batchnorm._BatchNorm):
            mod.momentum = 0.1


def parity_inputs(n: int, size: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Seeded inputs that look like the model's real inputs: normalised CT-like noise and a +/-1 mask."""
    rng = np.random.default_rng(seed)
    images = np.empty((n, 2, size, size), dtype=np.float32)
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32) / size
    for i in range(n):
        # Smooth structure plus noise, in the range the (x - 0.5) / 0.25 normalisation gives.
        ct = np.sin(6.0 * xx * (i + 1)) * np.cos(4.0 * yy) + 0.5 * rng.standard_normal((size, size))
        images[i, 0] = np.clip(ct, -2.0, 2.0)
        # An ellipse of varying size, normalised (m - 0.5) / 0.5 -> {-1, 1}; the last sample has an empty mask.
        r = 0.1 + 0.07 * (i % 5)
        inside = ((xx - 0.5) ** 2 / r ** 2 + (yy - 0.45) ** 2 / (0.8 * r) ** 2) <= 1.0
        if i == n - 1 and n > 1:
            inside[:] = False
        images[i, 1] = np.where(inside, 1.0, -1.0)
    # CLIP embeddings are not normalised (norms ~8-12): scale unit normals to that size.
    embeddings = (0.45 * rng.standard_normal((n, EMBEDDING_DIM))).astype(np.float32)
    return images, embeddings


def write_parity(model: torch.nn.Module, size: int, out_onnx: str, n: int, seed: int) -> None:
    base = out_onnx[: -len('.onnx')]
    images, embeddings = parity_inputs(n, size, seed)
    with torch.no_grad():
        dsc = model.eval()(torch.from_numpy(images), torch.from_numpy(embeddings)).numpy().astype(np.float32)
    with open(base + '.parity.bin', 'wb') as f:
        f.write(images.astype('<f4').tobytes())
        f.write(embeddings.astype('<f4').tobytes())
    fixture = {
        'model': os.path.basename(out_onnx),
        'n': n,
        'size': size,
        'seed': seed,
        'bin': os.path.basename(base + '.parity.bin'),
        'layout': 'float32 little-endian: images [n,2,size,size], then embeddings [n,512]',
        'dsc': [float(v) for v in dsc.reshape(-1)],
        'torch': torch.__version__,
        'tolerance': 1e-4,
    }
    with open(base + '.parity.json', 'w') as f:
        json.dump(fixture, f, indent=2)
        f.write('\n')


def write_card(args: argparse.Namespace, model: torch.nn.Module, out_onnx: str) -> dict:
    def read_json(path: str | dict | None, default):
        if not path:
            return default
        if isinstance(path, dict):  # already parsed, from another script (export_official.py)
            return path
        with open(path) as f:
            return json.load(f)

    card = {
        'name': args.name,
        'version': args.version,
        'purpose': args.purpose,
        **({'description': args.description} if args.description else {}),
        'architecture': {
            'backbone': args.backbone,
            'hidden_dim': args.hidden_dim,
            'output': args.output,
            'parameters': count_parameters(model),
            **({'seed': args.seed} if args.random else {}),
        },
        'input': {'size': args.size, **PREPROCESSING},
        'embedding': {'set': EMBEDDING_SET, 'dim': EMBEDDING_DIM},
        'output': {'name': 'dsc', 'range': [0, 1]},
        'training': read_json(
            args.training,
            {
                'data': 'none: randomly initialised, never trained',
                'licences': [],
                'init': 'seeded random weights; BatchNorm statistics and the output scale set from synthetic '
                'inputs so that outputs vary with the input (export_onnx.spread_random_model)',
            }
            if args.random
            else {'data': 'unknown', 'licences': []},
        ),
        'metrics': read_json(args.metrics, {}),
        'onnx': {
            'file': os.path.basename(out_onnx),
            'sha256': sha256_of(out_onnx),
            'opset': OPSET,
            'inputs': [
                {'name': 'image', 'dtype': 'float32', 'shape': ['N', 2, args.size, args.size]},
                {'name': 'embedding', 'dtype': 'float32', 'shape': ['N', EMBEDDING_DIM]},
            ],
            'outputs': [{'name': 'dsc', 'dtype': 'float32', 'shape': ['N', 1]}],
        },
    }
    calibration = read_json(args.calibration, None)
    if calibration is not None:
        card['calibration'] = calibration
    with open(out_onnx[: -len('.onnx')] + '.card.json', 'w') as f:
        json.dump(card, f, indent=2)
        f.write('\n')
    return card


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--backbone', choices=BACKBONES, default='small')
    p.add_argument('--hidden-dim', type=int, default=50)
    p.add_argument('--output', choices=OUTPUTS, default='clamp', help='how the raw output is bounded to [0, 1]')
    p.add_argument('--size', type=int, default=128, help='input size S')
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument('--checkpoint', help='a state dict (.pth) to load strictly')
    src.add_argument('--random', action='store_true', help='export the seeded random initialisation (tests only)')
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--name', required=True)
    p.add_argument('--version', required=True)
    p.add_argument('--purpose', choices=('default', 'test-only', 'user'), required=True)
    p.add_argument('--description')
    p.add_argument('--training', help='JSON file for the card\'s "training" section')
    p.add_argument('--metrics', help='JSON file for the card\'s "metrics" section')
    p.add_argument('--calibration', help='JSON file {"x": [...], "y": [...]}: isotonic map applied after the model')
    p.add_argument('--out', required=True, help='path of the .onnx to write')
    p.add_argument('--parity', action='store_true', help='also write NAME.parity.json/.bin')
    p.add_argument('--parity-n', type=int, default=3)
    args = p.parse_args(argv)

    if not args.out.endswith('.onnx'):
        p.error('--out must end with .onnx')
    if args.random and args.purpose != 'test-only':
        p.error('a randomly initialised model can only be exported with --purpose test-only')
    torch.set_num_threads(2)
    model = build_model(args.backbone, args.hidden_dim, args.output, seed=args.seed)
    if args.checkpoint:
        load_checkpoint(model, args.checkpoint)
    else:
        spread_random_model(model, args.size, args.seed)
    model.eval()
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    export(model, args.size, args.out)
    card = write_card(args, model, args.out)
    if args.parity:
        write_parity(model, args.size, args.out, args.parity_n, args.seed + 1)
    print(f'wrote {args.out} ({os.path.getsize(args.out):,} bytes, sha256 {card["onnx"]["sha256"][:16]}...)')


if __name__ == '__main__':
    main()
