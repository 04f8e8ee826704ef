#!/usr/bin/python3
"""Tests export_official.py on randomly initialised checkpoints of the authors' architecture.

  /usr/bin/python3 tools/train/test_export_official.py

Needs Debian's torch, torchvision and onnx, plus node with the repository's node_modules (onnxruntime-node, tsx):
Python has no ONNX Runtime here, so ONNX-vs-torch parity is checked by tools/train/check_parity.mjs, through the
app's own session code. Everything is written to a temporary folder (a ResNet-50 .onnx is ~116 MB) and removed.
Inputs are 64x64 to keep it near a minute on two cores.
"""
from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import export_official as eo  # noqa: E402
from export_onnx import spread_random_model  # noqa: E402
from model import EMBEDDING_DIM, build_model  # noqa: E402

SIZE = 64
PARITY_N = 4
SEED = 11  # unlike the converter's own initialisation (seed 0), so a load that did nothing cannot pass
SHAPES = ('raw', 'state_dict', 'model', 'dataparallel')


def reference_model() -> torch.nn.Module:
    """A random ResNet-50 of the authors' architecture whose clamped outputs vary inside (0, 1).

    Fresh random weights put every output at the same clamp bound, which would hide a wrong load; so BatchNorm
    statistics come from synthetic inputs (export_onnx.spread_random_model: raw mean 0, sd 1) and fc2 maps that
    to about 0.5 +/- 0.15.
    """
    model = build_model('resnet50', 50, 'clamp', seed=SEED)
    spread_random_model(model, SIZE, SEED)
    with torch.no_grad():
        model.fc2.weight.mul_(0.15)
        model.fc2.bias.mul_(0.15).add_(0.5)
    return model.eval()


def checkpoint_in_shape(state: dict, shape: str) -> object:
    """The state_dict as the usual training scripts save it."""
    if shape == 'raw':
        return state
    if shape == 'state_dict':
        return {'state_dict': state, 'epoch': 12}
    if shape == 'model':
        return {'model': state}
    if shape == 'dataparallel':  # nn.DataParallel(model).state_dict()
        return {'module.' + k: v for k, v in state.items()}
    raise ValueError(shape)


def read_fixture(onnx_path: str) -> tuple[dict, np.ndarray, np.ndarray]:
    base = onnx_path[: -len('.onnx')]
    with open(base + '.parity.json') as f:
        meta = json.load(f)
    raw = np.fromfile(base + '.parity.bin', dtype='<f4')
    n, s = meta['n'], meta['size']
    images = raw[: n * 2 * s * s].reshape(n, 2, s, s)
    embeddings = raw[n * 2 * s * s:].reshape(n, EMBEDDING_DIM)
    return meta, images, embeddings


def run_quietly(fn, *args, **kwargs):
    """Calls fn with stdout and stderr captured; returns (result, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        result = fn(*args, **kwargs)
    return result, out.getvalue(), err.getvalue()


class ConvertsEveryCheckpointShape(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        torch.set_num_threads(2)
        cls.tmp = tempfile.mkdtemp(prefix='sentinel-export-official-')
        cls.ref = reference_model()
        cls.state = cls.ref.state_dict()
        cls.results = {}
        for shape in SHAPES:
            ckpt = os.path.join(cls.tmp, f'{shape}.pth')
            torch.save(checkpoint_in_shape(cls.state, shape), ckpt)
            out = os.path.join(cls.tmp, shape, 'quality-sentinel-r50.onnx')
            argv = ['--checkpoint', ckpt, '--out', out, '--size', str(SIZE), '--parity', '--parity-n', str(PARITY_N)]
            rc, stdout, stderr = run_quietly(eo.main, argv)
            cls.results[shape] = {'rc': rc, 'out': out, 'stdout': stdout, 'stderr': stderr}

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_every_shape_converts_with_a_strict_load(self):
        where = {'raw': 'raw state_dict', 'state_dict': '"state_dict" entry', 'model': '"model" entry', 'dataparallel': 'module.'}
        for shape in SHAPES:
            r = self.results[shape]
            with self.subTest(shape=shape):
                self.assertEqual(r['rc'], 0, r['stderr'])
                self.assertIn(f'loaded {len(self.state)} tensors strictly', r['stdout'])
                self.assertIn(where[shape], r['stdout'])
                self.assertIn('8 of them net.conv1/bn1/fc', r['stdout'])
                self.assertTrue(os.path.isfile(r['out']))

    def test_the_same_weights_give_the_same_onnx_whatever_the_shape(self):
        cards = {}
        for shape in SHAPES:
            with open(self.results[shape]['out'][: -len('.onnx')] + '.card.json') as f:
                cards[shape] = json.load(f)
        shas = {shape: card['onnx']['sha256'] for shape, card in cards.items()}
        self.assertEqual(len(set(shas.values())), 1, shas)
        self.assertEqual(shas['raw'], eo.sha256_of(self.results['raw']['out']))

    def test_card(self):
        with open(self.results['model']['out'][: -len('.onnx')] + '.card.json') as f:
            card = json.load(f)
        self.assertEqual(card['name'], 'quality-sentinel-r50')
        self.assertEqual(card['purpose'], 'user')
        self.assertEqual(card['architecture']['backbone'], 'resnet50')
        self.assertEqual(card['architecture']['hidden_dim'], 50)
        self.assertEqual(card['architecture']['output'], 'clamp')
        self.assertEqual(card['input']['size'], SIZE)
        # The authors' preprocessing, as in their inference_TotalSegmentator.py: CT clipped to [-200, 200] and
        # scaled to [0, 1], then Normalize(0.5, 0.25); the mask Normalize(0.5, 0.5); at most 10 slices per label.
        self.assertEqual(card['input']['ct_window'], [-200, 200])
        self.assertEqual(card['input']['ct_normalise'], {'mean': 0.5, 'std': 0.25})
        self.assertEqual(card['input']['mask_normalise'], {'mean': 0.5, 'std': 0.5})
        self.assertEqual(card['input']['max_slices'], 10)
        self.assertEqual(card['embedding'], {'set': 'dap-atlas-clip-145', 'dim': 512})
        self.assertEqual(card['training']['data'], "the authors' released checkpoint")
        self.assertEqual(card['training']['licences'], ['upstream repository states no licence'])
        ckpt = os.path.join(self.tmp, 'model.pth')
        self.assertEqual(card['training']['checkpoint'], {'file': 'model.pth', 'sha256': eo.sha256_of(ckpt)})
        self.assertNotIn('calibration', card)

    def test_the_fixture_holds_the_checkpoints_outputs(self):
        """The converted model computes what the checkpoint's model computes, not the converter's initialisation."""
        meta, images, embeddings = read_fixture(self.results['dataparallel']['out'])
        self.assertEqual((meta['n'], meta['size']), (PARITY_N, SIZE))
        x, e = torch.from_numpy(images.copy()), torch.from_numpy(embeddings.copy())
        with torch.no_grad():
            want = self.ref(x, e).numpy().reshape(-1)
            fresh = build_model('resnet50', 50, 'clamp', seed=0).eval()(x, e).numpy().reshape(-1)
        got = np.asarray(meta['dsc'], dtype=np.float32)
        np.testing.assert_allclose(got, want, atol=1e-5, rtol=0)
        # The check can tell models apart: outputs lie strictly inside (0, 1), vary, and differ from a fresh init.
        self.assertTrue(np.all((got > 0) & (got < 1)), got)
        self.assertGreater(float(got.max() - got.min()), 0.01)
        self.assertGreater(float(np.abs(fresh - got).max()), 0.01)

    def test_onnx_runtime_matches_torch_through_the_apps_session(self):
        out = self.results['raw']['out']
        r = subprocess.run(['node', 'tools/train/check_parity.mjs', out], cwd=REPO, capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn('parity ok: quality-sentinel-r50@1.0.0 (user)', r.stdout)

        # The checker is not vacuous: one torch output moved by 0.01 fails it.
        meta, _, _ = read_fixture(out)
        meta['dsc'][1] += 0.01
        meta['bin'] = os.path.abspath(out[: -len('.onnx')] + '.parity.bin')
        wrong = os.path.join(self.tmp, 'wrong.parity.json')
        with open(wrong, 'w') as f:
            json.dump(meta, f)
        r = subprocess.run(['node', 'tools/train/check_parity.mjs', out, wrong], cwd=REPO, capture_output=True, text=True)
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn('parity FAILED', r.stderr)


class RefusesWrongCheckpoints(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        torch.set_num_threads(2)
        cls.tmp = tempfile.mkdtemp(prefix='sentinel-export-official-bad-')
        cls.state = build_model('resnet50', 50, 'clamp', seed=SEED).state_dict()

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def save(self, name: str, obj: object) -> str:
        path = os.path.join(self.tmp, name)
        torch.save(obj, path)
        return path

    def refusal(self, path: str, trust: bool = False) -> str:
        with self.assertRaises(eo.CheckpointError) as ctx:
            eo.load_official(path, trust)
        message = str(ctx.exception)
        self.assertIn(path, message)
        return message

    def test_a_missing_key_fails_the_command_clearly_and_writes_nothing(self):
        state = {k: v for k, v in self.state.items() if k != 'fc1.bias'}
        ckpt = self.save('missing.pth', state)
        out = os.path.join(self.tmp, 'missing', 'm.onnx')
        r = subprocess.run(
            [sys.executable, os.path.join(HERE, 'export_official.py'), '--checkpoint', ckpt, '--out', out],
            capture_output=True, text=True,
        )
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn(f'{ckpt}: does not match the Quality Sentinel ResNet-50', r.stderr)
        self.assertIn('missing keys (1): fc1.bias', r.stderr)
        self.assertNotIn('unexpected keys', r.stderr)
        self.assertNotIn('Traceback', r.stderr)
        self.assertFalse(os.path.exists(out))

    def test_unexpected_keys_and_wrong_shapes_are_listed_with_a_hint(self):
        state = dict(self.state)
        state['extra.weight'] = torch.zeros(3)
        state['fc1.weight'] = torch.zeros(64, 2048)
        state['fc1.bias'] = torch.zeros(64)
        message = self.refusal(self.save('wrong.pth', state))
        self.assertIn('unexpected keys (1): extra.weight', message)
        self.assertIn('wrong shapes (2)', message)
        self.assertIn('fc1.weight: checkpoint [64, 2048], model [50, 2048]', message)
        self.assertIn('hidden layer has 64 units', message)
        self.assertNotIn('missing keys', message)

    def test_an_unknown_prefix_is_named(self):
        message = self.refusal(self.save('prefixed.pth', {'encoder.' + k: v for k, v in self.state.items()}))
        self.assertIn(f'missing keys ({len(self.state)})', message)
        self.assertIn('prefix "encoder."', message)

    def test_a_file_without_weights_says_what_it_holds(self):
        message = self.refusal(self.save('meta.pth', {'epoch': 3, 'note': 'no weights'}))
        self.assertIn('no state_dict found', message)
        self.assertIn("'epoch', 'note'", message)

    def test_a_file_that_is_not_a_checkpoint(self):
        path = os.path.join(self.tmp, 'notes.pth')
        with open(path, 'w') as f:
            f.write('not a checkpoint\n')
        self.refusal(path)
        self.assertIn('not found', self.refusal(os.path.join(self.tmp, 'absent.pth')))

    def test_training_state_needs_trust_where_the_safe_loader_exists(self):
        # Optimizer state carries floats, which torch 1.13's weights_only loader rejects.
        ckpt = self.save('training.pth', {'model': self.state, 'optimizer': {'lr': 0.001, 'betas': (0.9, 0.999)}})
        if eo.safe_load_supported():
            self.assertIn('--trust-checkpoint', self.refusal(ckpt))
        model, note = run_quietly(eo.load_official, ckpt, trust=True)[0]
        self.assertIn('"model" entry', note)
        for k, v in model.state_dict().items():
            self.assertTrue(torch.equal(v, self.state[k]), k)

    def test_dataparallel_inside_a_wrapper(self):
        prefixed = {'module.' + k: v for k, v in self.state.items()}
        model, note = eo.load_official(self.save('dp.pth', {'state_dict': prefixed, 'epoch': 1}))
        self.assertIn('"state_dict" entry', note)
        self.assertIn('prefix dropped', note)
        self.assertTrue(torch.equal(model.fc1.weight, self.state['fc1.weight']))


if __name__ == '__main__':
    unittest.main(verbosity=2)
