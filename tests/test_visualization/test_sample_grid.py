"""Sample grids: layout and atomic PNG writing."""

import numpy as np
import torch
from PIL import Image

from ftcl_mm.visualization import sample_grid, save_png


def test_layout_rows_are_samples_columns_are_generators(tmp_path):
    n, h = 3, 4
    samples = dict(
        single=torch.zeros(n, 3, h, h),
        pair_a=torch.ones(n, 3, h, h),
        pair_b=torch.full((n, 3, h, h), 0.5),
    )
    samples['single'][1, 0] = 1.0  # row 1 of column 0 is red
    grid = sample_grid(samples, pad=1)
    assert grid.shape == (n * (h + 1) + 1, 3 * (h + 1) + 1, 3)
    assert grid.dtype == np.uint8
    assert (grid[1:5, 1:5] == 0).all()  # row 0, single: black
    assert (grid[6:10, 1:5] == [255, 0, 0]).all()  # row 1, single: red
    assert (grid[1:5, 6:10] == 255).all()  # pair a: white
    assert (grid[1:5, 11:15] == 128).all()  # pair b: grey
    assert (grid[0] == 255).all()  # padding
    path = str(tmp_path / 'g' / 'grid.png')
    save_png(grid, path)
    assert np.array_equal(np.asarray(Image.open(path)), grid)
    assert [p.name for p in (tmp_path / 'g').iterdir()] == ['grid.png']
