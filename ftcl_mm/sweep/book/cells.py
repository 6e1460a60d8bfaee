"""A cell of the book: one pretraining recipe (config, epochs, overrides)
run over seeds, and where its runs live.

Every study of the book is a view on cells of one shared run store,
``<root>/<epochs>ep[/<tag>]/<method>/<variant>/seed<N>`` (the layout
``tools/studies/ft_study.py`` writes under ``--work-dir <root>/<epochs>ep``),
so a cell two studies share (SimCLR base at 20 epochs is the regime's row,
a families row and the fair test's S0) is trained once.
"""

from __future__ import annotations

import os.path as osp
from dataclasses import dataclass
from typing import Dict, Optional, Tuple

from ..ft_study import EVAL_SETTINGS, pretrain_options, variant_suffix

#: The regime's pretraining length (every tiny config's schedule).
EPOCHS = 20

#: The evaluation every cell gets (``ft_study.py``'s default on the tiny
#: scale): weighted kNN (k = 20) and the cached linear probe on the held-out
#: images of this config, plus the effective rank of the features.
EVAL_CONFIG = (
    'configs/benchmarks/classification/tiny/resnet18w16_linear_tiny.py'
)
#: Methods evaluated with a config of their own (LooC++: its concatenated
#: spaces read the neck too).
METHOD_EVAL = {
    'loocpp': 'configs/benchmarks/classification/tiny/'
    'resnet18w16_loocpp_linear_tiny.py'
}


@dataclass(frozen=True)
class RunCell:
    """One pretraining recipe of the tiny regime.

    Args:
        method: Config family (``mocov2``, ``simclr``, ``looc``...);
            ``random`` is the random-init floor (no pretraining).
        variant: ``base``, ``both`` (paper FT) or a ``_ft-<variant>``
            config suffix.
        epochs: Pretraining epochs.
        options: Extra ``--cfg-options`` (``key=value``), e.g. keeping
            every checkpoint for runs that others start from.
        tag: Folder of the runs of a cell with ``options`` that change
            what is trained (e.g. ``m0.5`` for a momentum), so that they
            never share a folder with the plain cell.
    """

    method: str
    variant: str = 'base'
    epochs: int = EPOCHS
    options: Tuple[str, ...] = ()
    tag: str = ''

    @property
    def key(self) -> str:
        """``<epochs>ep[/<tag>]/<method>/<variant>`` (random init:
        ``<epochs>ep/random``, as ft_study.py lays it out): unique in the
        store."""
        variant = '' if self.is_random else self.variant
        parts = [f'{self.epochs}ep', self.tag, self.method, variant]
        return '/'.join(p for p in parts if p)

    @property
    def is_random(self) -> bool:
        return self.method == 'random'

    def study_dir(self, root: str) -> str:
        """The ``--work-dir`` ``ft_study.py`` runs this cell under."""
        return osp.join(root, f'{self.epochs}ep', *filter(None, [self.tag]))

    def run_dir(self, root: str, seed: int) -> str:
        return osp.join(root, self.key, f'seed{seed}')

    @property
    def config(self) -> Optional[str]:
        """The pretraining config (repository-relative); None for random
        init."""
        if self.is_random:
            return None
        suffix = variant_suffix(self.variant)
        return f'configs/selfsup/tiny/{self.method}{suffix}_tiny.py'

    @property
    def eval_config(self) -> str:
        return METHOD_EVAL.get(self.method, EVAL_CONFIG)

    def options_at(self, seed: Optional[int]) -> Dict[str, object]:
        return pretrain_options(seed, self.epochs, self.options)


def _resolved(
    repo: str, rel: str, options: Optional[Dict], memo: Optional[Dict]
):
    """``rel``'s Config with ``options`` merged; with ``memo`` each file
    is parsed once (a copy is merged), the slow part of a hash."""
    import copy

    from ...utils.configs import load_config

    path = osp.join(repo, rel)
    if memo is None:
        cfg = load_config(path)
    else:
        if ('cfg', path) not in memo:
            memo[('cfg', path)] = load_config(path)
        cfg = copy.deepcopy(memo[('cfg', path)])
    if options:
        cfg.merge_from_dict(options)
    return cfg


def recipe(
    repo: str,
    cell: RunCell,
    seed: Optional[int] = None,
    memo: Optional[Dict] = None,
) -> Optional[str]:
    """The recipe hash a run of ``cell`` at ``seed`` gets now
    (:func:`~ftcl_mm.utils.provenance.recipe_hash` of its config with its
    options, as ``ft_study.py`` records it; ``seed=None``: the cell's,
    shown in reports); None for random init, which trains nothing.
    ``memo``: a dict shared by calls on one repository state."""
    from ...utils.provenance import recipe_hash

    if cell.config is None:
        return None
    key = ('recipe', cell, seed)
    if memo is not None and key in memo:
        return memo[key]
    out = recipe_hash(
        _resolved(repo, cell.config, cell.options_at(seed), memo)
    )
    if memo is not None:
        memo[key] = out
    return out


def eval_recipe(repo: str, cell: RunCell, memo: Optional[Dict] = None) -> str:
    """What evaluates ``cell`` now (its evaluation config and
    :data:`EVAL_SETTINGS`), as ``ft_study.py`` records it per run."""
    from ...utils.provenance import eval_hash_of, recipe_hash

    key = ('eval', cell.eval_config)
    if memo is not None and key in memo:
        return memo[key]
    cfg = _resolved(repo, cell.eval_config, None, memo)
    out = eval_hash_of(recipe_hash(cfg), EVAL_SETTINGS)
    if memo is not None:
        memo[key] = out
    return out
