"""Command-line flags map onto the config; bad input fails early."""

import os
import os.path as osp

import pytest
import torch
from mmengine.config import Config

from ftcl_mm.engine.checkpoint_checks import latest_resumable
from ftcl_mm.engine.train_setup import prepare_config
from ftcl_mm.engine.work_dir import check_work_dir
from ftcl_mm.utils.errors import ConfigError

from ..conftest import ROOT

DEMO_CFG = osp.join(ROOT, 'configs/selfsup/demo/mocov2_demo.py')


@pytest.fixture
def cfg(demo_data):
    c = Config.fromfile(DEMO_CFG)
    c.train_dataloader.dataset.data_root = osp.join(demo_data, 'imagenet')
    return c


def test_valid_config_passes(cfg):
    assert prepare_config(cfg) is cfg


def test_missing_data_root(cfg):
    cfg.train_dataloader.dataset.data_root = '/no/such/dir'
    with pytest.raises(ConfigError, match='data_root.*make_demo_data'):
        prepare_config(cfg)


def test_missing_ann_file(cfg):
    cfg.train_dataloader.dataset.ann_file = 'meta/nope.txt'
    with pytest.raises(ConfigError, match='ann_file'):
        prepare_config(cfg)


def test_wrapped_dataset_is_checked(cfg):
    inner = cfg.train_dataloader.dataset
    inner.data_root = '/no/such/dir'
    cfg.train_dataloader.dataset = dict(
        type='RepeatDataset', times=2, dataset=inner
    )
    with pytest.raises(
        ConfigError, match=r'train_dataloader\.dataset\.dataset'
    ):
        prepare_config(cfg)


def test_resume_flags(cfg, tmp_path):
    cfg.work_dir = str(tmp_path / 'empty')
    prepare_config(cfg, resume='auto')  # nothing there: a fresh start
    assert cfg.resume is False and cfg.load_from is None
    ckpt = tmp_path / 'x.pth'
    torch.save({'state_dict': {}, 'meta': {}}, ckpt)
    prepare_config(cfg, resume=str(ckpt))
    assert cfg.resume is True and cfg.load_from == str(ckpt)
    ckpt.write_bytes(b'')  # loaded safely up front: refused in seconds
    with pytest.raises(ConfigError, match='is not a PyTorch checkpoint'):
        prepare_config(cfg, resume=str(ckpt))
    with pytest.raises(ConfigError, match='does not exist'):
        prepare_config(cfg, resume=str(tmp_path / 'missing.pth'))
    cfg.resume, cfg.load_from = False, str(tmp_path / 'gone.pth')
    with pytest.raises(ConfigError, match='load_from checkpoint .* does not'):
        prepare_config(cfg)


def _work_dir(tmp_path, names, last=None):
    """A work dir with readable checkpoints ``names`` (oldest first) and
    ``last_checkpoint`` naming ``last`` (default: the newest)."""
    work = tmp_path / 'work'
    work.mkdir()
    for i, name in enumerate(names):
        torch.save({'state_dict': {}, 'meta': {'epoch': i + 1}}, work / name)
        os.utime(work / name, (1000 + i, 1000 + i))
    if names or last:
        (work / 'last_checkpoint').write_text(str(work / (last or names[-1])))
    return work


def test_bare_resume_takes_the_latest_checked(tmp_path):
    work = _work_dir(tmp_path, ['epoch_1.pth', 'epoch_2.pth'])
    assert latest_resumable(str(work)) == str(work / 'epoch_2.pth')
    # A temp file of an interrupted save is never a candidate.
    (work / '.epoch_3.tmp123.pth').write_bytes(b'PK\x03\x04partial')
    assert latest_resumable(str(work)) == str(work / 'epoch_2.pth')
    assert latest_resumable(str(tmp_path / 'nothing')) is None


@pytest.mark.parametrize(
    'damage, why',
    [
        (b'PK\x03\x04' + b'x' * 100, 'is truncated'),
        (b'', 'is not a PyTorch checkpoint'),
        (None, 'contains the global'),
    ],
)
def test_bare_resume_names_the_last_good(tmp_path, damage, why):
    work = _work_dir(tmp_path, ['epoch_1.pth', 'epoch_2.pth', 'epoch_3.pth'])
    newest = work / 'epoch_3.pth'
    if damage is None:  # unsafe: would run code if unpickled
        torch.save({'state_dict': {}, 'x': _Foreign()}, newest)
    else:
        newest.write_bytes(damage)
    with pytest.raises(ConfigError) as info:
        latest_resumable(str(work))
    message = str(info.value)
    assert f'the latest checkpoint {newest} is damaged: it {why}' in message
    good = work / 'epoch_2.pth'
    assert message.endswith(
        f'the last good one is {good}: resume from it with --resume {good}'
    ), message


def test_bare_resume_missing_latest_and_nothing_good(tmp_path):
    work = _work_dir(tmp_path, ['epoch_1.pth'], last='epoch_9.pth')
    with pytest.raises(
        ConfigError,
        match=r'epoch_9.pth \(named in .*'
        r'last_checkpoint\) is missing; the last good one is '
        r'.*epoch_1.pth',
    ):
        latest_resumable(str(work))
    (work / 'epoch_1.pth').write_bytes(b'')
    with pytest.raises(ConfigError, match='no other checkpoint .* readable'):
        latest_resumable(str(work))


def test_work_dir_checked(tmp_path):
    check_work_dir(str(tmp_path / 'new' / 'run'))
    assert not osp.exists(tmp_path / 'new')  # checked, not created
    afile = tmp_path / 'file'
    afile.write_text('x')
    with pytest.raises(ConfigError, match='is a file'):
        check_work_dir(str(afile))
    with pytest.raises(ConfigError, match='cannot create work dir'):
        check_work_dir(str(afile / 'sub'))


class _Foreign:
    """A class no allow-list knows."""


@pytest.mark.skipif(torch.cuda.is_available(), reason='CPU-only behaviour')
def test_amp_needs_gpu(cfg):
    with pytest.raises(ConfigError, match='--amp needs a CUDA GPU'):
        prepare_config(cfg, amp=True)


def test_auto_scale_lr(cfg):
    prepare_config(cfg, auto_scale_lr=True)
    assert cfg.auto_scale_lr.enable is True


def _resnet_state(depth_blocks, width, bottleneck=False):
    """A ResNet state dict with the shapes that identify it (stem,
    every block's first conv; conv3 for bottlenecks)."""
    sd = {'conv1.weight': torch.zeros(width, 3, 7, 7)}
    for stage, n in enumerate(depth_blocks, 1):
        for b in range(n):
            c = width * 2 ** (stage - 1)
            key = f'layer{stage}.{b}.conv'
            sd[key + '1.weight'] = torch.zeros(c, c, 1, 1)
            if bottleneck:
                sd[key + '3.weight'] = torch.zeros(4 * c, c, 1, 1)
    return sd


def _real_r18w16_state():
    from mmpretrain.models import ResNet

    net = ResNet(depth=18, stem_channels=16, base_channels=16)
    return net.state_dict()


def _linear_cfg(path):
    from ftcl_mm.engine.train_setup import set_pretrained

    cfg = Config.fromfile(
        osp.join(
            ROOT,
            'configs/benchmarks/classification/tiny/resnet18w16_linear_tiny.py',
        )
    )
    set_pretrained(cfg, path)
    return cfg


def test_training_checkpoint_into_a_probe_is_refused(tmp_path):
    """A whole training checkpoint (backbone under 'backbone.') would
    load no key: the probe would train on a random backbone."""
    from ftcl_mm.engine.train_setup import check_pretrained

    path = str(tmp_path / 'epoch_20.pth')
    state = {f'backbone.{k}': v for k, v in _real_r18w16_state().items()}
    state.update({f'target.backbone.{k}': v for k, v in list(state.items())})
    torch.save(dict(state_dict=state, meta=dict(epoch=20)), path)
    with pytest.raises(ConfigError) as e:
        check_pretrained(_linear_cfg(path))
    assert str(e.value) == (
        f'pretrained checkpoint {path} is a training checkpoint (its '
        "backbone is under 'backbone.'), but model.backbone expects a "
        'backbone; extract it first: python tools/convert_ckpt.py '
        f'{path} backbone.pth, then pass --pretrained backbone.pth'
    )
    # A backbone missing one tensor (same depth and width) is named too.
    good = _real_r18w16_state()
    del good['layer3.1.bn2.weight']
    torch.save(good, path)
    with pytest.raises(
        ConfigError, match=r'layer3\.1\.bn2\.weight is missing'
    ):
        check_pretrained(_linear_cfg(path))
    torch.save(_real_r18w16_state(), path)
    check_pretrained(_linear_cfg(path))


@pytest.mark.parametrize(
    'blocks, width, bottleneck, error',
    [
        ((2, 2, 2, 2), 16, False, None),
        (
            (2, 2, 2, 2),
            64,
            False,
            'is a ResNet-18 of width 64 (layer1 '
            'channels), but model.backbone expects a ResNet-18 of width 16',
        ),
        ((3, 4, 6, 3), 16, True, 'is a ResNet-50 of width 16'),
    ],
)
def test_pretrained_architecture_must_match(
    tmp_path, blocks, width, bottleneck, error
):
    """mmengine would skip every mismatched tensor with a log line and
    train from random init; the width-16 detector says so up front."""
    path = str(tmp_path / 'backbone.pth')
    state = (
        _real_r18w16_state()
        if error is None
        else _resnet_state(blocks, width, bottleneck)
    )
    torch.save(dict(state_dict=state), path)
    cfg = Config.fromfile(
        osp.join(
            ROOT,
            'configs/benchmarks/mmdetection/tiny/'
            'faster-rcnn_r18w16-c4_tinydet_voc.py',
        )
    )
    from ftcl_mm.engine.checkpoint_checks import check_pretrained
    from ftcl_mm.engine.train_setup import set_pretrained

    set_pretrained(cfg, path)
    if error is None:
        check_pretrained(cfg)
        return
    with pytest.raises(ConfigError) as e:
        check_pretrained(cfg)
    assert error in str(e.value)
    assert str(e.value).startswith(f'pretrained checkpoint {path} is a ')


@pytest.mark.parametrize(
    'config',
    [
        'configs/selfsup/tiny/simclr_tiny.py',
        'configs/selfsup/demo/mocov2_demo.py',
        'configs/benchmarks/mmdetection/tiny/mask-rcnn_r18w16-c4_tinydet_coco.py',
        'configs/benchmarks/classification/demo/resnet18_linear_demo.py',
    ],
)
def test_the_data_root_is_data_not_code(tmp_path, monkeypatch, config):
    """$FTCL_DEMO_DATA reaches the config as a string: quotes in a path
    work, and code in it never runs (mmengine's {{$VAR}} would paste it
    into the config's source)."""
    marker = tmp_path / 'PWNED'
    root = f"/data/o'neil\"; import os; os.system('touch {marker}'); _y='"
    monkeypatch.setenv('FTCL_DEMO_DATA', root)
    cfg = Config.fromfile(osp.join(ROOT, config))
    ds = cfg.train_dataloader.dataset
    while 'dataset' in ds:  # RepeatDataset and other wrappers
        ds = ds.dataset
    assert ds.data_root.startswith(root + '/')
    assert not marker.exists()
    assert 'posix' not in cfg  # the module is not kept as a config key
    monkeypatch.delenv('FTCL_DEMO_DATA')
    cfg = Config.fromfile(osp.join(ROOT, config))
    ds = cfg.train_dataloader.dataset
    while 'dataset' in ds:
        ds = ds.dataset
    assert ds.data_root.startswith('data/demo/')


def test_resume_into_another_model_type_is_refused(tmp_path):
    """The model type comes from the checkpoint's config text, parsed,
    never executed."""
    from ftcl_mm.engine.checkpoint_checks import check_resume_model

    marker = tmp_path / 'PWNED'
    text = (
        f"import os\nos.system('touch {marker}')\n"
        "model = dict(backbone=dict(type='ResNet'), type='MoCoFT')\n"
    )
    ckpt = dict(meta=dict(cfg=text), state_dict={})
    cfg = Config(dict(model=dict(type='SimCLRFT')))
    with pytest.raises(ConfigError) as e:
        check_resume_model(ckpt, cfg, 'epoch_3.pth')
    assert str(e.value).startswith(
        '--resume: epoch_3.pth was trained with model type MoCoFT, this '
        'config trains SimCLRFT'
    )
    assert not marker.exists()
    check_resume_model(ckpt, Config(dict(model=dict(type='MoCoFT'))), 'x')
    check_resume_model(dict(meta={}), cfg, 'x')  # no text: nothing to say


def test_a_label_that_is_no_integer_is_named(tmp_path):
    from ftcl_mm.engine.train_setup import check_data_paths

    (tmp_path / 'meta').mkdir()
    (tmp_path / 'meta' / 'train.txt').write_text('a/1.JPEG 0\nb/2.JPEG abc\n')
    cfg = Config(
        dict(
            train_dataloader=dict(
                dataset=dict(
                    type='CustomDataset',
                    data_root=str(tmp_path),
                    ann_file='meta/train.txt',
                )
            )
        )
    )
    with pytest.raises(ConfigError) as e:
        check_data_paths(cfg)
    assert str(e.value) == (
        f"{tmp_path}/meta/train.txt, line 2: the label 'abc' is not an "
        'integer; each line is "<image path> <class index>"'
    )


def test_the_online_knn_data_is_checked_too(tmp_path, monkeypatch):
    """A tiny config whose training data is overridden still reads the
    learning curve's splits from $FTCL_DEMO_DATA: missing, one line."""
    from ftcl_mm.engine.train_setup import check_data_paths

    monkeypatch.setenv('FTCL_DEMO_DATA', str(tmp_path / 'nowhere'))
    cfg = Config.fromfile(
        osp.join(ROOT, 'configs/selfsup/tiny/simclr_tiny.py')
    )
    (tmp_path / 'mine').mkdir()
    cfg.train_dataloader.dataset.data_root = str(tmp_path / 'mine')
    cfg.train_dataloader.dataset.ann_file = ''
    with pytest.raises(ConfigError) as e:
        check_data_paths(cfg, ('train_dataloader',))
    assert '(default_hooks.online_knn.train.data_root) does not exist' in str(
        e.value
    )


def test_a_default_hook_set_to_none_is_dropped():
    """mmengine asserts on None for default hooks it does not own
    (the demo switches the tiny regime's online kNN off this way)."""
    from ftcl_mm.engine.train_setup import drop_disabled_hooks

    cfg = Config(
        dict(default_hooks=dict(online_knn=None, checkpoint=None, logger={}))
    )
    drop_disabled_hooks(cfg)
    assert cfg.default_hooks == dict(checkpoint=None, logger={})
