"""tools/check_data.py lists the images training cannot use, for
classification and detection configs, and says so in its exit code."""

import os
import os.path as osp
import shutil

from PIL import Image

from ..conftest import python_cli

SELFSUP = 'configs/selfsup/demo/mocov2_ft_demo.py'
COCO = 'configs/benchmarks/mmdetection/demo/mask-rcnn_r18-c4_demo_coco.py'


def _listed(stdout):
    return {
        (line.split('\t')[1], osp.basename(line.split('\t')[2]))
        for line in stdout.splitlines()
        if line.startswith(('fatal\t', 'odd\t'))
    }


def test_classification(demo_data, tmp_path):
    root = str(tmp_path / 'imagenet')
    shutil.copytree(osp.join(demo_data, 'imagenet'), root)
    folder = osp.join(root, 'train', sorted(os.listdir(f'{root}/train'))[0])
    a, b, c = (osp.join(folder, n) for n in sorted(os.listdir(folder))[:3])
    with open(a, 'r+b') as f:
        f.truncate(300)
    open(b, 'w').close()
    Image.open(c).convert('CMYK').save(c, format='JPEG')
    opts = ['--cfg-options', f'train_dataloader.dataset.data_root={root}/']
    out = str(tmp_path / 'bad.tsv')
    r = python_cli(
        'tools/check_data.py', SELFSUP, '--jobs', '2', '--out', out, *opts
    )
    assert r.returncode == 1, r.stderr[-2000:]
    name = osp.basename
    assert _listed(r.stdout) == {
        ('unreadable', name(a)),
        ('empty', name(b)),
        ('mode', name(c)),
    }
    assert '2 unreadable, 1 odd, 29 fine' in r.stdout
    with open(out) as f:
        assert len(f.read().splitlines()) == 4  # header + 3
    r = python_cli('tools/check_data.py', SELFSUP, '--fatal-only', *opts)
    assert r.returncode == 1 and len(_listed(r.stdout)) == 2


def test_detection_annotation_without_image(demo_data, tmp_path):
    root = str(tmp_path / 'demo')
    shutil.copytree(demo_data, root)
    r = python_cli('tools/check_data.py', COCO, env=dict(FTCL_DEMO_DATA=root))
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    assert '0 unreadable, 0 odd' in r.stdout
    images = osp.join(root, 'coco', 'train2017')
    gone = sorted(os.listdir(images))[0]
    os.remove(osp.join(images, gone))
    r = python_cli('tools/check_data.py', COCO, env=dict(FTCL_DEMO_DATA=root))
    assert r.returncode == 1
    assert _listed(r.stdout) == {('missing', gone)}


def test_config_mistake_is_one_line(tmp_path):
    r = python_cli('tools/check_data.py', str(tmp_path / 'nope.py'))
    assert r.returncode == 2 and 'Traceback' not in r.stderr
    assert r.stderr.strip().startswith('check_data.py: error: config file')
