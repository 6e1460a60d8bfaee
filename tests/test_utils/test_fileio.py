"""utils.fileio: JSON reads name a damaged file."""

import pytest


def test_damaged_json_is_named(tmp_path):
    from ftcl_mm.utils.errors import UserInputError
    from ftcl_mm.utils.fileio import read_json, write_json

    path = str(tmp_path / 'result.json')
    write_json(path, dict(knn_top1=50.0))
    assert read_json(path) == dict(knn_top1=50.0)
    with open(path, 'w') as f:
        f.write('{"knn_top1": 5')
    with pytest.raises(UserInputError) as e:
        read_json(path)
    assert str(e.value).startswith(f'{path} is not valid JSON (')
    assert str(e.value).endswith('delete it to recompute what it records')
