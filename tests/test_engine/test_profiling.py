"""ftcl_mm.engine.profiling: what both step profiles share."""

from ftcl_mm.engine.profiling import after_warmup, time_transforms


class _Add:
    def __init__(self, k):
        self.k = k

    def __call__(self, results):
        return dict(results, img=results['img'] + self.k)


class _Compose:
    def __init__(self, transforms):
        self.transforms = transforms


class MultiView(_Compose):  # named as the transform the profile expands
    pass


class _Dataset:
    def __init__(self, transforms, n=3):
        self.pipeline = _Compose(transforms)
        self.n = n

    def __len__(self):
        return self.n

    def get_data_info(self, i):
        return dict(img=i)


def test_every_transform_and_view_is_timed_per_image():
    views = MultiView([_Compose([_Add(1)]), _Compose([_Add(2), _Add(3)])])
    out, per_image = time_transforms(_Dataset([_Add(0), views]), 10)
    assert per_image == 2  # two views of each of the 3 images
    assert set(out) == {'_Add', 'view copy', 'view: _Add'}
    assert all(v >= 0 for v in out.values())


def test_the_warm_up_interval_is_dropped_unless_alone():
    assert after_warmup([1, 2, 3]) == [2, 3]
    assert after_warmup([1]) == [1]
