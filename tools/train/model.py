"""The Quality Sentinel network: a 2-channel CNN (CT + mask) whose pooled features are gated by the organ's CLIP
text embedding, predicting the mask's Dice.

Layer names follow the authors' published model (Schuture/Quality-Sentinel, arXiv 2406.00327) so that their
checkpoint loads with `load_state_dict(strict=True)`:

  conv1 (2 -> stem, with bias), bn1, relu, maxpool   the 2-channel stem, outside the backbone
  net.layer1 .. net.layer4                            the backbone's stages
  avgpool                                             global average pool -> f (feature_dim)
  attention1: Linear(feature_dim + 512, feature_dim)  gate on the pooled features, from [f, embedding]
  fc1: Linear(feature_dim, hidden_dim)
  attention2: Linear(feature_dim + 512, hidden_dim)   gate on the hidden layer, from [f, embedding]
  fc2: Linear(hidden_dim, 1)

  dsc = fc2(attention2([f, e]) * fc1(attention1([f, e]) * f))

The gates are plain linear maps (no sigmoid) and the head has no activation between fc1 and fc2: that is the
authors' design, and their checkpoint was trained so. For the ResNets, `net` is a whole torchvision ResNet built
with weights=None (offline); its own conv1/bn1/fc are never used but kept, because the authors' checkpoint carries
those 8 keys. The raw output is unbounded; `output` selects what bounds it to [0, 1] ('clamp' for the authors'
checkpoint, which was trained on raw MSE; 'sigmoid' for models trained here; 'none' for training with their loss).

Run with Debian's torch 1.13 (/usr/bin/python3).
"""
from __future__ import annotations

import torch
from torch import nn

EMBEDDING_DIM = 512
BACKBONES = ('small', 'resnet18', 'resnet50')
OUTPUTS = ('clamp', 'sigmoid', 'none')


def _conv_bn_relu(cin: int, cout: int, stride: int) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(cin, cout, kernel_size=3, stride=stride, padding=1, bias=False),
        nn.BatchNorm2d(cout),
        nn.ReLU(inplace=True),
    )


class SmallBackbone(nn.Module):
    """Four plain conv stages (~45k weights; ~100k with the head): fast enough to train and run on two CPU cores at 128x128.

    It exposes layer1..layer4 like a torchvision ResNet, so QualitySentinel treats every backbone alike.
    """

    def __init__(self, stem: int = 16, widths: tuple[int, int, int, int] = (24, 32, 48, 48)):
        super().__init__()
        self.layer1 = _conv_bn_relu(stem, widths[0], 1)
        self.layer2 = _conv_bn_relu(widths[0], widths[1], 2)
        self.layer3 = _conv_bn_relu(widths[1], widths[2], 2)
        self.layer4 = _conv_bn_relu(widths[2], widths[3], 2)
        self.feature_dim = widths[3]


def _resnet(backbone: str) -> tuple[nn.Module, int, int]:
    """A torchvision ResNet without pretrained weights, its pooled feature size and its stem width."""
    import torchvision.models as tvm  # imported here so the small model needs no torchvision

    if backbone == 'resnet18':
        return tvm.resnet18(weights=None), 512, 64
    if backbone == 'resnet50':
        return tvm.resnet50(weights=None), 2048, 64
    raise ValueError(f'unknown backbone {backbone!r}; expected one of {BACKBONES}')


class QualitySentinel(nn.Module):
    def __init__(self, backbone: str = 'small', hidden_dim: int = 50, output: str = 'clamp'):
        super().__init__()
        if output not in OUTPUTS:
            raise ValueError(f'unknown output {output!r}; expected one of {OUTPUTS}')
        self.backbone = backbone
        self.output = output
        if backbone == 'small':
            stem = 16
            self.net: nn.Module = SmallBackbone(stem=stem)
            feature_dim = self.net.feature_dim
        else:
            self.net, feature_dim, stem = _resnet(backbone)
        self.feature_dim = feature_dim
        self.hidden_dim = hidden_dim

        # The 2-channel stem: the small model uses a 3x3 stride-2 conv, the ResNets the usual 7x7 (authors' shapes).
        if backbone == 'small':
            self.conv1 = nn.Conv2d(2, stem, kernel_size=3, stride=2, padding=1, bias=True)
        else:
            self.conv1 = nn.Conv2d(2, stem, kernel_size=7, stride=2, padding=3, bias=True)
        self.bn1 = nn.BatchNorm2d(stem)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))

        self.fc1 = nn.Linear(feature_dim, hidden_dim)
        self.fc2 = nn.Linear(hidden_dim, 1)
        self.attention1 = nn.Linear(feature_dim + EMBEDDING_DIM, feature_dim)
        self.attention2 = nn.Linear(feature_dim + EMBEDDING_DIM, hidden_dim)

    def features(self, image: torch.Tensor) -> torch.Tensor:
        """Pooled backbone features [N, feature_dim] of an image batch [N, 2, S, S]."""
        x = self.maxpool(self.relu(self.bn1(self.conv1(image))))
        x = self.net.layer1(x)
        x = self.net.layer2(x)
        x = self.net.layer3(x)
        x = self.net.layer4(x)
        return torch.flatten(self.avgpool(x), 1)

    def raw(self, image: torch.Tensor, embedding: torch.Tensor) -> torch.Tensor:
        """The unbounded head output [N, 1]: what the authors trained with their weighted MSE + ranking loss."""
        f = self.features(image)
        fe = torch.cat((f, embedding), dim=1)
        h = self.fc1(self.attention1(fe) * f)
        return self.fc2(self.attention2(fe) * h)

    def forward(self, image: torch.Tensor, embedding: torch.Tensor) -> torch.Tensor:
        y = self.raw(image, embedding)
        if self.output == 'sigmoid':
            return torch.sigmoid(y)
        if self.output == 'clamp':
            return torch.clamp(y, 0.0, 1.0)
        return y


def build_model(backbone: str = 'small', hidden_dim: int = 50, output: str = 'clamp', seed: int = 0) -> QualitySentinel:
    """A freshly initialised model; the same seed always gives the same weights (on the same torch build)."""
    if backbone not in BACKBONES:
        raise ValueError(f'unknown backbone {backbone!r}; expected one of {BACKBONES}')
    gen_state = torch.random.get_rng_state()
    try:
        torch.manual_seed(seed)
        model = QualitySentinel(backbone=backbone, hidden_dim=hidden_dim, output=output)
    finally:
        # Leave the caller's random stream as it was.
        torch.random.set_rng_state(gen_state)
    return model


def count_parameters(model: nn.Module, used_only: bool = True) -> int:
    """Parameter count; with used_only, a ResNet's unused conv1/bn1/fc are left out."""
    total = 0
    for name, p in model.named_parameters():
        if used_only and name.split('.')[:2] in (['net', 'conv1'], ['net', 'bn1'], ['net', 'fc']):
            continue
        total += p.numel()
    return total


if __name__ == '__main__':
    torch.set_num_threads(2)
    for b in BACKBONES:
        m = build_model(b).eval()
        s = 128 if b == 'small' else 256
        with torch.no_grad():
            y = m(torch.randn(2, 2, s, s), torch.randn(2, EMBEDDING_DIM))
        print(f'{b}: {count_parameters(m):,} parameters used, output {tuple(y.shape)}')
