#!/usr/bin/python3
"""Converts the Quality Sentinel authors' released ResNet-50 checkpoint into the app's ONNX model and its card.

  /usr/bin/python3 tools/train/export_official.py --checkpoint model.pth --out resources/models/quality-sentinel-r50.onnx

The checkpoint (Schuture/Quality-Sentinel, arXiv 2406.00327) must fit `model.py`'s ResNet-50 exactly: hidden_dim 50,
a 2-channel conv1 with bias, and the ResNet's own net.conv1/net.bn1/net.fc (8 keys the model never uses). It may be
saved as a raw state_dict, as {'state_dict': ...} or {'model': ...} (other entries such as 'epoch' are ignored), with
or without DataParallel's 'module.' prefix. Keys are checked before loading, and any missing, unexpected or
wrongly shaped key fails the conversion with the full list, so a wrong file never becomes a quietly wrong model.

Writes NAME.onnx and NAME.card.json (purpose "user", output clamped to [0, 1], the authors' preprocessing, embedding
set dap-atlas-clip-145), and with --parity a torch parity fixture that `node tools/train/check_parity.mjs NAME.onnx`
checks against ONNX Runtime the way the app loads the model.

Loading is safe by default: torch.load(weights_only=True), which reads tensors and plain containers but runs no code
from the file. torch 1.13 (Debian's) has that option, but its safe loader also rejects plain float values (pickle
opcode 71, BINFLOAT), which optimizer states and training metadata carry, as well as any pickled class (argparse
arguments, a whole nn.Module). Such files are refused with that explanation; --trust-checkpoint loads them with full
unpickling, which can run code from the file: use it only for a file from a source you trust.
"""
from __future__ import annotations

import argparse
import inspect
import os
import pickle
import sys
from collections.abc import Mapping

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from export_onnx import export, sha256_of, write_card, write_parity  # noqa: E402
from model import QualitySentinel, build_model  # noqa: E402

BACKBONE = 'resnet50'
HIDDEN_DIM = 50
OUTPUT = 'clamp'  # the authors trained on the raw output; the app needs [0, 1]
DEFAULT_SIZE = 256  # the authors' input size
WRAPPER_KEYS = ('state_dict', 'model')  # where training scripts usually put the weights, in this order
DATAPARALLEL_PREFIX = 'module.'
UNUSED_PREFIXES = ('net.conv1.', 'net.bn1.', 'net.fc.')
SOURCE = 'https://github.com/Schuture/Quality-Sentinel (arXiv 2406.00327)'
TRAINING_DATA = "the authors' released checkpoint"
LICENCE = 'upstream repository states no licence'
ARCHITECTURE = f'Quality Sentinel ResNet-50 (hidden_dim {HIDDEN_DIM}, 2-channel conv1 with bias)'
LIST_LIMIT = 12  # keys listed per category in an error; the rest are counted


class CheckpointError(Exception):
    """A checkpoint that cannot be converted; the message names the file and says why."""


def safe_load_supported() -> bool:
    """Whether this torch's torch.load has weights_only (added in 1.13)."""
    return 'weights_only' in inspect.signature(torch.load).parameters


def read_checkpoint(path: str, trust: bool = False) -> object:
    """The unpickled checkpoint, on the CPU whatever device it was saved from."""
    if not os.path.isfile(path):
        raise CheckpointError(f'{path}: checkpoint not found')
    safe = not trust and safe_load_supported()
    try:
        if safe:
            return torch.load(path, map_location='cpu', weights_only=True)
        return torch.load(path, map_location='cpu')
    except pickle.UnpicklingError as err:
        if not safe:
            raise CheckpointError(f'{path}: not a PyTorch checkpoint ({err})') from err
        detail = str(err).split('WeightsUnpickler error:')[-1].strip()
        raise CheckpointError(
            f'{path}: the safe loader (torch.load with weights_only=True) refused it: {detail}.\n'
            'Either it is not a PyTorch checkpoint, or it holds more than tensors and plain containers: optimizer '
            'state or training metadata (torch 1.13\'s safe loader rejects even plain float values), training '
            'arguments or a whole pickled model.\n'
            'If the file comes from a source you trust, rerun with --trust-checkpoint (full unpickling can run code '
            'from the file), or save just its weights: torch.save(checkpoint["model"], "weights.pth").'
        ) from err
    except Exception as err:  # noqa: BLE001
        # A damaged or foreign file fails anywhere in the unpickler (KeyError, EOFError, RuntimeError...), and a
        # trusted load of a pickled class that is missing here fails with AttributeError/ModuleNotFoundError.
        raise CheckpointError(f'{path}: cannot read it as a PyTorch checkpoint ({type(err).__name__}: {err})') from err


def _is_state_dict(obj: object) -> bool:
    return (
        isinstance(obj, Mapping)
        and len(obj) > 0
        and all(isinstance(k, str) and isinstance(v, torch.Tensor) for k, v in obj.items())
    )


def extract_state_dict(obj: object, path: str) -> tuple[dict[str, torch.Tensor], str]:
    """The weights inside a loaded checkpoint, with DataParallel's prefix dropped, and where they were found."""
    if isinstance(obj, torch.nn.Module):  # torch.save(model): only readable with --trust-checkpoint
        obj = obj.state_dict()
    where = None
    if _is_state_dict(obj):
        state, where = obj, 'the file itself (a raw state_dict)'
    elif isinstance(obj, Mapping):
        for key in WRAPPER_KEYS:
            value = obj.get(key)
            if isinstance(value, torch.nn.Module):
                value = value.state_dict()
            if _is_state_dict(value):
                state, where = value, f'its "{key}" entry'
                break
    if where is None:
        if isinstance(obj, Mapping):
            keys = ', '.join(repr(k) for k in list(obj)[:LIST_LIMIT]) + (' ...' if len(obj) > LIST_LIMIT else '')
            found = f'a dict with keys {keys}' if len(obj) else 'an empty dict'
        else:
            found = f'a {type(obj).__name__}'
        raise CheckpointError(
            f'{path}: no state_dict found: it holds {found}; expected a state_dict (names -> tensors) itself, '
            f'or under one of {", ".join(repr(k) for k in WRAPPER_KEYS)}'
        )
    if all(k.startswith(DATAPARALLEL_PREFIX) for k in state):
        state = {k[len(DATAPARALLEL_PREFIX):]: v for k, v in state.items()}
        where += f', keys prefixed "{DATAPARALLEL_PREFIX}" (DataParallel), prefix dropped'
    return dict(state), where


def _listed(keys: list[str]) -> str:
    shown = ', '.join(keys[:LIST_LIMIT])
    return shown + (f', ... and {len(keys) - LIST_LIMIT} more' if len(keys) > LIST_LIMIT else '')


def _common_prefix(keys: list[str]) -> str | None:
    """A first name component every key shares, such as 'model.' or 'encoder.'."""
    heads = {k.split('.', 1)[0] for k in keys}
    return f'{heads.pop()}.' if len(heads) == 1 and all('.' in k for k in keys) else None


def check_keys(model: torch.nn.Module, state: Mapping[str, torch.Tensor], path: str) -> None:
    """Raises a CheckpointError listing every missing, unexpected and wrongly shaped key."""
    want = model.state_dict()
    missing = sorted(k for k in want if k not in state)
    unexpected = sorted(k for k in state if k not in want)
    shapes = sorted(
        f'{k}: checkpoint {list(state[k].shape)}, model {list(want[k].shape)}'
        for k in want
        if k in state and tuple(state[k].shape) != tuple(want[k].shape)
    )
    if not (missing or unexpected or shapes):
        return
    lines = [f'{path}: does not match the {ARCHITECTURE}; nothing was converted.']
    if missing:
        lines.append(f'  missing keys ({len(missing)}): {_listed(missing)}')
    if unexpected:
        lines.append(f'  unexpected keys ({len(unexpected)}): {_listed(unexpected)}')
    if shapes:
        lines.append(f'  wrong shapes ({len(shapes)}): {_listed(shapes)}')
    # Hints for the usual causes, when the evidence is plain.
    fc1 = state.get('fc1.weight')
    if fc1 is not None and fc1.dim() == 2 and fc1.shape[0] != HIDDEN_DIM:
        lines.append(
            f'  hint: its hidden layer has {fc1.shape[0]} units, the authors\' release has {HIDDEN_DIM}; another '
            'architecture exports with export_onnx.py (--backbone, --hidden-dim)'
        )
    prefix = _common_prefix(unexpected) if unexpected and len(unexpected) == len(state) else None
    if prefix and {k[len(prefix):] for k in unexpected} == set(want):
        lines.append(f'  hint: every key carries the prefix "{prefix}"; strip it from the state_dict and save again')
    raise CheckpointError('\n'.join(lines))


def load_official(path: str, trust: bool = False) -> tuple[QualitySentinel, str]:
    """The authors' ResNet-50 with the checkpoint's weights, loaded strictly, and a line saying what was loaded."""
    state, where = extract_state_dict(read_checkpoint(path, trust), path)
    model = build_model(BACKBONE, HIDDEN_DIM, OUTPUT)
    check_keys(model, state, path)
    model.load_state_dict(state, strict=True)
    unused = sum(1 for k in state if k.startswith(UNUSED_PREFIXES))
    note = f'loaded {len(state)} tensors strictly from {where} ({unused} of them net.conv1/bn1/fc, unused by the model)'
    return model.eval(), note


def convert(
    checkpoint: str,
    out: str,
    size: int = DEFAULT_SIZE,
    name: str | None = None,
    version: str = '1.0.0',
    description: str | None = None,
    parity: bool = False,
    parity_n: int = 3,
    trust: bool = False,
) -> dict:
    """Loads, exports and writes the card (and the parity fixture); returns the card."""
    if not out.endswith('.onnx'):
        raise CheckpointError(f'{out}: the output must end with .onnx')
    model, note = load_official(checkpoint, trust)
    print(note)
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    export(model, size, out)
    card_args = argparse.Namespace(
        name=name or os.path.basename(out)[: -len('.onnx')],
        version=version,
        purpose='user',
        description=description
        or f"{ARCHITECTURE}: the authors' released checkpoint, converted by tools/train/export_official.py",
        backbone=BACKBONE,
        hidden_dim=HIDDEN_DIM,
        output=OUTPUT,
        random=False,
        seed=0,
        size=size,
        training={
            'data': TRAINING_DATA,
            'licences': [LICENCE],
            'source': SOURCE,
            'checkpoint': {'file': os.path.basename(checkpoint), 'sha256': sha256_of(checkpoint)},
        },
        metrics=None,
        calibration=None,
    )
    card = write_card(card_args, model, out)
    if parity:
        write_parity(model, size, out, parity_n, seed=1)
    return card


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--checkpoint', required=True, help="the authors' .pth (a state_dict, or one inside a dict)")
    p.add_argument('--out', required=True, help='path of the .onnx to write; the card goes beside it')
    p.add_argument('--size', type=int, default=DEFAULT_SIZE, help=f'input size S (the authors used {DEFAULT_SIZE})')
    p.add_argument('--name', help='model name in the card (default: the .onnx file name)')
    p.add_argument('--version', default='1.0.0')
    p.add_argument('--description')
    p.add_argument('--parity', action='store_true', help='also write NAME.parity.json/.bin for check_parity.mjs')
    p.add_argument('--parity-n', type=int, default=3)
    p.add_argument(
        '--trust-checkpoint',
        action='store_true',
        help='load with full unpickling (can run code from the file): only for a file from a trusted source',
    )
    args = p.parse_args(argv)
    if not args.out.endswith('.onnx'):
        p.error('--out must end with .onnx')
    if args.size < 32:
        p.error('--size must be at least 32 (the ResNet downsamples 32 times)')
    if args.size != DEFAULT_SIZE:
        print(f'note: the authors trained at {DEFAULT_SIZE}x{DEFAULT_SIZE}; exporting at {args.size}', file=sys.stderr)
    torch.set_num_threads(2)
    try:
        card = convert(
            args.checkpoint, args.out, args.size, args.name, args.version, args.description,
            args.parity, args.parity_n, args.trust_checkpoint,
        )
    except CheckpointError as err:
        print(f'export_official: error: {err}', file=sys.stderr)
        return 1
    print(f'wrote {args.out} ({os.path.getsize(args.out):,} bytes, sha256 {card["onnx"]["sha256"][:16]}...) and its card')
    return 0


if __name__ == '__main__':
    sys.exit(main())
