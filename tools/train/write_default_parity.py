#!/usr/bin/python3
"""Writes resources/models/default.parity.{json,bin}: seeded inputs and torch's raw outputs of the trained default
model (before the card's calibration), so test/core/inference/default-model.test.ts checks ONNX Runtime against
torch without torch. Run after training: /usr/bin/python3 tools/train/write_default_parity.py [best.pth]"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from export_onnx import load_checkpoint, write_parity  # noqa: E402
from model import build_model  # noqa: E402

repo = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
onnx = os.path.join(repo, 'resources', 'models', 'default.onnx')
card = json.load(open(os.path.join(repo, 'resources', 'models', 'default.card.json')))
arch = card['architecture']
ckpt = sys.argv[1] if len(sys.argv) > 1 else os.path.join(repo, '.tmp', 'train', 'run', 'best.pth')
model = build_model(arch['backbone'], hidden_dim=arch['hidden_dim'], output=arch['output'], seed=0)
load_checkpoint(model, ckpt)
write_parity(model, card['input']['size'], onnx, n=4, seed=7)
print('wrote', onnx[:-5] + '.parity.json')
