"""Checkpoint conversion to mmdet, torchvision and detectron2 layouts."""

import os
import os.path as osp
import pickle
import re

import numpy as np
import pytest
import torch
import torchvision
from mmengine.config import Config
from mmengine.registry import init_default_scope

from ftcl_mm.engine.train_setup import set_pretrained
from ftcl_mm.formats.backbone_ckpt import ConvertError, convert

from ..conftest import ROOT, python_cli

DET = osp.join(ROOT, 'configs/benchmarks/mmdetection')


@pytest.fixture(scope='module')
def r50_train_ckpt(tmp_path_factory):
    """A MoCo v2 + FT R50 training checkpoint (random weights, real keys)."""
    from mmpretrain.registry import MODELS

    cfg = Config.fromfile(osp.join(ROOT, 'configs/selfsup/mocov2_ft.py'))
    cfg.model.queue_len = 256
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    path = str(tmp_path_factory.mktemp('r50') / 'epoch_3.pth')
    torch.save(
        dict(state_dict=model.state_dict(), meta=dict(iter=300, epoch=3)), path
    )
    return path, model.backbone.state_dict()


class _Foreign:
    """A class no allow-list knows."""


def _detector(config: str, pretrained: str):
    from mmdet.registry import MODELS

    init_default_scope('mmdet')
    cfg = Config.fromfile(osp.join(DET, config))
    n_set = set_pretrained(cfg, pretrained)
    model = MODELS.build(cfg.model)
    model.init_weights()  # mmengine's Pretrained init: the users' path
    return model, n_set


@pytest.mark.parametrize(
    'config, n_inits',
    [
        ('voc0712/faster-rcnn_r50-c4_ms-24k_voc0712.py', 2),
        ('coco/mask-rcnn_r50-c4_ms-1x_coco.py', 2),
        ('coco/mask-rcnn_r50_fpn_ms-1x_coco.py', 1),
    ],
)
def test_mmdet_file_initialises_real_detectors(
    r50_train_ckpt, tmp_path, config, n_inits
):
    src, backbone = r50_train_ckpt
    dst = str(tmp_path / 'r50.pth')
    summary = convert(src, dst)
    assert summary['arch'] == 'ResNet-50' and summary['iter'] == 300
    # Tensors only: loads under weights_only with no allow-list needed.
    sd = torch.load(dst, weights_only=True)['state_dict']
    assert set(sd) == set(backbone)
    det, n_set = _detector(config, dst)
    assert n_set == n_inits  # backbone (+ res5 shared head for C4)
    own = {f'backbone.{k}': v for k, v in det.backbone.state_dict().items()}
    if hasattr(det.roi_head, 'shared_head') and det.roi_head.shared_head:
        own.update(
            {
                f'shared.{k}': v
                for k, v in det.roi_head.shared_head.state_dict().items()
            }
        )
    # Every backbone and res5 tensor came from the checkpoint.
    for key, value in own.items():
        name = key.split('.', 1)[1]
        assert name in sd, f'{key} missing in the converted file'
        assert torch.equal(value, sd[name]), f'{key} not loaded'
    loaded = {k.split('.', 1)[1] for k in own}
    # C4: the backbone takes res2-4, the shared head takes res5.
    assert loaded == set(sd) - {k for k in sd if k.startswith('fc.')}


def test_torchvision_strict_load_misses_only_fc(r50_train_ckpt, tmp_path):
    src, _ = r50_train_ckpt
    dst = str(tmp_path / 'tv.pth')
    convert(src, dst, fmt='torchvision')
    result = torchvision.models.resnet50().load_state_dict(
        torch.load(dst, weights_only=True), strict=False
    )
    assert sorted(result.missing_keys) == ['fc.bias', 'fc.weight']
    assert result.unexpected_keys == []


def test_detectron2_names(r50_train_ckpt, tmp_path):
    src, backbone = r50_train_ckpt
    dst = str(tmp_path / 'd2.pkl')
    convert(src, dst, fmt='detectron2', encoder='momentum')
    with open(dst, 'rb') as f:
        obj = pickle.load(f)
    assert obj['matching_heuristics'] is True
    names = set(obj['model'])
    pattern = re.compile(
        r'^(stem\.conv1|res[2-5]\.\d+\.(conv[1-3]|shortcut))'
        r'(\.norm)?\.(weight|bias|running_mean|running_var)$'
    )
    assert all(pattern.match(n) for n in names), sorted(names)[:5]
    for n in (
        'stem.conv1.weight',
        'stem.conv1.norm.running_var',
        'res2.0.shortcut.weight',
        'res2.0.shortcut.norm.bias',
        'res5.2.conv3.norm.weight',
    ):
        assert n in names
    assert all(isinstance(v, np.ndarray) for v in obj['model'].values())
    n_expected = len([k for k in backbone if 'num_batches' not in k])
    assert len(names) == n_expected


def test_converts_a_real_training_run(pretrain_ckpt, tmp_path):
    dst = str(tmp_path / 'r18.pth')
    r = python_cli('tools/convert_ckpt.py', pretrain_ckpt, dst)
    assert r.returncode == 0, r.stderr
    assert 'ResNet-18, 120 tensors' in r.stdout and 'iter 2' in r.stdout
    online = torch.load(dst, weights_only=True)['state_dict']
    r = python_cli(
        'tools/convert_ckpt.py',
        pretrain_ckpt,
        str(tmp_path / 'k.pth'),
        '--encoder',
        'momentum',
    )
    assert r.returncode == 0, r.stderr
    momentum = torch.load(str(tmp_path / 'k.pth'), weights_only=True)[
        'state_dict'
    ]
    assert set(online) == set(momentum)
    assert not torch.equal(
        online['layer1.0.conv1.weight'], momentum['layer1.0.conv1.weight']
    )


def test_bad_inputs(tmp_path, r50_train_ckpt):
    src, _ = r50_train_ckpt
    text = tmp_path / 'notes.txt'
    text.write_text('hello')
    with pytest.raises(ConvertError, match='not a PyTorch checkpoint'):
        convert(str(text), str(tmp_path / 'a.pth'))
    no_backbone = str(tmp_path / 'head.pth')
    torch.save(dict(state_dict={'head.fc.weight': torch.ones(2)}), no_backbone)
    with pytest.raises(ConvertError, match='no backbone weights'):
        convert(no_backbone, str(tmp_path / 'b.pth'))
    with pytest.raises(ConvertError, match='does not exist'):
        convert(str(tmp_path / 'missing.pth'), str(tmp_path / 'c.pth'))
    foreign = str(tmp_path / 'foreign.pth')
    torch.save(dict(state_dict={}, x=_Foreign()), foreign)
    with pytest.raises(ConvertError, match='safe .weights_only. load'):
        convert(foreign, str(tmp_path / 'd.pth'))
    # An existing output is kept unless --force; no temp files are left.
    existing = tmp_path / 'out.pth'
    existing.write_bytes(b'keep')
    r = python_cli('tools/convert_ckpt.py', src, str(existing))
    assert r.returncode == 2
    assert r.stderr.strip().splitlines() == [
        f'convert_ckpt.py: error: {existing} already exists; pass --force '
        'to overwrite'
    ]
    assert existing.read_bytes() == b'keep'
    assert (
        python_cli(
            'tools/convert_ckpt.py', src, str(existing), '--force'
        ).returncode
        == 0
    )
    assert not [f for f in os.listdir(tmp_path) if f.startswith('.convert')]
    assert python_cli('tools/convert_ckpt.py', '--help').returncode == 0
    # The source is never replaced by its backbone, --force or not, also
    # through another name for the same file.
    before = open(src, 'rb').read()
    alias = tmp_path / 'alias.pth'
    alias.symlink_to(src)
    for dst in (src, str(alias)):
        with pytest.raises(ConvertError, match='the same file'):
            convert(src, dst, force=True)
    assert open(src, 'rb').read() == before


def test_c4_detector_converts_to_a_whole_resnet(r50_train_ckpt, tmp_path):
    # A fine-tuned C4 detector keeps res2-4 in its backbone and res5 in the
    # RoI head's shared head; converted, it is a whole ResNet-50 again.
    src, backbone = r50_train_ckpt
    r50 = str(tmp_path / 'r50.pth')
    convert(src, r50)
    det, _ = _detector('voc0712/faster-rcnn_r50-c4_ms-24k_voc0712.py', r50)
    det_ckpt = str(tmp_path / 'faster_rcnn_c4.pth')
    torch.save(dict(state_dict=det.state_dict(), meta={}), det_ckpt)
    out = str(tmp_path / 'from_detector.pth')
    summary = convert(det_ckpt, out)
    assert summary['arch'] == 'ResNet-50', summary
    sd = torch.load(out, weights_only=True)['state_dict']
    assert set(sd) == set(backbone)
    for key in ('layer3.5.conv3.weight', 'layer4.2.conv3.weight'):
        assert torch.equal(sd[key], backbone[key]), key


def test_missing_stage_is_an_error(r50_train_ckpt, tmp_path):
    src, backbone = r50_train_ckpt
    no_res5 = str(tmp_path / 'no_res5.pth')
    torch.save(
        dict(
            state_dict={
                f'backbone.{k}': v
                for k, v in backbone.items()
                if not k.startswith('layer4.')
            }
        ),
        no_res5,
    )
    with pytest.raises(ConvertError, match=r'lacks layer4 .*\[3, 4, 6, 0\]'):
        convert(no_res5, str(tmp_path / 'x.pth'))
    assert not osp.exists(tmp_path / 'x.pth')
    with pytest.raises(ConvertError, match='is a directory'):
        convert(src, str(tmp_path))
