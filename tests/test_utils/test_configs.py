"""Config files parse from several threads at once (mmengine's own
Config.fromfile fails there: pkg_resources is not thread safe)."""

import threading

from ftcl_mm.utils.configs import load_config

CONFIGS = (
    'configs/selfsup/tiny/mocov2_ft_tiny.py',
    'configs/selfsup/tiny/simclr_tiny.py',
    'configs/benchmarks/classification/tiny/resnet18w16_linear_tiny.py',
)


def test_parallel_parses_all_succeed():
    errors, models = [], []

    def parse(path):
        for _ in range(3):
            try:
                models.append(load_config(path).model.type)
            except Exception as e:  # noqa: BLE001
                errors.append(repr(e))

    threads = [threading.Thread(target=parse, args=(c,)) for c in CONFIGS]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(models) == 9
