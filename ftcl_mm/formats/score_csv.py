"""``score_stats.csv``: the one file format of the score statistics.

One row per training iteration: iteration, epoch, whether FT was on, the
loss, the positive/negative score moments before and after FT, the mean
lambdas and the backbone gradient norm. Written by
:class:`~ftcl_mm.engine.ScoreStatsHook`, read by the plots
(:mod:`ftcl_mm.visualization.score_plots`) and the analysis tools.

Crash safety: rows are appended and fsync'ed; a line torn by a crash is
skipped by :func:`read_rows` and dropped by :func:`truncate`, which a
resumed run calls to cut the file back to the iteration it resumes from.
"""

from __future__ import annotations

import os
from typing import Dict, Iterable, List

from ..utils.fileio import atomic_open

#: Order of the per-step statistics (``score_stats.step_stats`` output).
STAT_NAMES = (
    'pos_mean',
    'pos_var',
    'neg_mean',
    'neg_var',
    'pos_mean_ft',
    'pos_var_ft',
    'neg_mean_ft',
    'neg_var_ft',
    'lam_pos',
    'lam_neg',
)
#: Integer columns, written without a decimal point.
INT_COLUMNS = ('iter', 'epoch', 'ft_enabled')
#: Float columns, in file order after the integer ones.
VALUE_COLUMNS = ('loss',) + STAT_NAMES + ('grad_norm',)
#: Header of score_stats.csv.
COLUMNS = INT_COLUMNS + VALUE_COLUMNS

Row = Dict[str, float]


def format_row(row: Row) -> str:
    """One newline-terminated CSV line (floats with 7 significant digits)."""
    return (
        ','.join(
            str(int(row[c])) if c in INT_COLUMNS else f'{row[c]:.7g}'
            for c in COLUMNS
        )
        + '\n'
    )


def read_rows(path: str) -> List[Row]:
    """Complete rows of a score_stats.csv (a torn last line is skipped).

    Raises:
        ValueError: the header is not this version's, or the iterations
            go back (rows of two trainings interleaved).
    """
    with open(path) as f:
        lines = f.read().split('\n')
    if lines[0].split(',') != list(COLUMNS):
        raise ValueError(
            f'{path} is not a score_stats.csv file (unexpected header)'
        )
    rows = []
    # Only newline-terminated lines are complete: drop the last piece.
    for line in lines[1:-1]:
        parts = line.split(',')
        if len(parts) != len(COLUMNS):
            continue
        try:
            row = dict(zip(COLUMNS, (float(p) for p in parts)))
        except ValueError:
            continue
        for c in INT_COLUMNS:
            row[c] = int(row[c])
        if rows and row['iter'] <= rows[-1]['iter']:
            raise ValueError(
                f'{path} is corrupt: iteration {row["iter"]} follows '
                f'{rows[-1]["iter"]} (rows of two trainings interleaved, e.g. '
                'a second run in the same work dir); plot a work dir that '
                'one training wrote'
            )
        rows.append(row)
    return rows


def write_rows(path: str, rows: Iterable[Row]) -> None:
    """Write a complete file (header and ``rows``) atomically."""
    with atomic_open(path) as f:
        f.write(','.join(COLUMNS) + '\n')
        f.writelines(format_row(r) for r in rows)


def append_rows(path: str, rows: Iterable[Row]) -> None:
    """Append ``rows`` and fsync (the file must exist, header included)."""
    with open(path, 'a') as f:
        f.writelines(format_row(r) for r in rows)
        f.flush()
        os.fsync(f.fileno())


def truncate(path: str, last_iter: int) -> int:
    """Keep the rows up to iteration ``last_iter`` (creating the file if
    absent); return how many were kept."""
    kept = (
        [r for r in read_rows(path) if r['iter'] <= last_iter]
        if os.path.isfile(path)
        else []
    )
    write_rows(path, kept)
    return len(kept)
