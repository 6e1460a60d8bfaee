#!/usr/bin/env python
"""The book of evidence: run, check and report every published study.

Every published table is a named study of cells (``ftcl_mm.sweep.book``);
its runs live in one store (``docs/reports/runs``, no checkpoints), each
with its recipe recorded as data. A run whose config (or evaluation) has
changed since is *stale*: it is listed, left out of the tables and re-run
on request.

Examples:
    python tools/studies/book.py list
    python tools/studies/book.py status fair_test
    python tools/studies/book.py run regime --work-dir work_dirs/book --jobs 2
    python tools/studies/book.py run families --cells 20ep/byol/base \\
        --seeds 0 --work-dir work_dirs/book
    python tools/studies/book.py report    # every page + the README table
    python tools/studies/book.py store-demo work_dirs/demo  # the demo page
"""

import argparse
import os.path as osp
import sys

import _stack  # noqa: F401  (first: one line outside the venv)

from ftcl_mm.sweep import book
from ftcl_mm.utils.cli import add_seeds, positive_int, run_main
from ftcl_mm.utils.errors import UserInputError

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
STUDIES = book.studies(ROOT)


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description='Run, check and report the studies of the book.'
    )
    p.add_argument(
        '--store',
        default=osp.join(ROOT, 'docs/reports/runs'),
        help='the run store (default: docs/reports/runs)',
    )
    sub = p.add_subparsers(dest='command', required=True)
    sub.add_parser('list', help='the studies and their cells')
    st = sub.add_parser('status', help='current / stale / queued runs')
    run = sub.add_parser('run', help='run what the studies lack')
    rep = sub.add_parser('report', help='write the pages and README table')
    sto = sub.add_parser(
        'store',
        help="copy a work dir's finished current runs into the store "
        '(what `run` does after its calls)',
    )
    bf = sub.add_parser(
        'backfill',
        help='record the recipe of stored runs made before recipes were '
        'recorded, from the configs at the commit that made them',
    )
    dem = sub.add_parser(
        'store-demo',
        help="keep a finished demo's summary (metrics, setting, wall time, "
        'provenance; no paths) for the demo page',
    )
    dem.add_argument(
        'demo_work_dir', help="the demo's work dir (work_dirs/demo)"
    )
    for q in (st, run, rep, bf, sto):
        q.add_argument(
            'studies',
            nargs='*',
            metavar='STUDY',
            help=f'studies (default: all): {", ".join(STUDIES)}',
        )
    for q in (run, bf):
        q.add_argument(
            '--cells',
            nargs='+',
            default=None,
            metavar='CELL',
            help='only these cells (keys as `list` prints them)',
        )
        add_seeds(q, None, "seeds (default: each study's)")
    run.add_argument('--work-dir', required=True, help='scratch runs')
    sto.add_argument('--work-dir', required=True, help='finished runs')
    run.add_argument(
        '--jobs', type=positive_int, default=None, help='runs side by side'
    )
    run.add_argument('--data-root', default=None, help='see ft_study.py')
    run.add_argument(
        '--rerun-stale',
        action='store_true',
        help='re-run stale runs (their work-dir folders are set aside)',
    )
    run.add_argument(
        '--dry-run', action='store_true', help='print the calls only'
    )
    rep.add_argument(
        '--allow-stale',
        action='store_true',
        help='show stale runs in a section of their own instead of stopping',
    )
    rep.add_argument(
        '--out-dir',
        default=osp.join(ROOT, 'docs/reports'),
        help='pages go here (default: docs/reports)',
    )
    rep.add_argument(
        '--readme',
        default=osp.join(ROOT, 'README.md'),
        help="README whose results block is rewritten ('' : none)",
    )
    bf.add_argument('--commit', required=True, help='the commit of the runs')
    bf.add_argument(
        '--recompute',
        action='store_true',
        help='instead re-record the runs this commit made (after a change of '
        'how recipes are hashed)',
    )
    return p.parse_args(argv)


def selected(names) -> list:
    unknown = [n for n in names if n not in STUDIES]
    if unknown:
        raise UserInputError(
            f'unknown study {", ".join(unknown)}; the book has '
            f'{", ".join(STUDIES)} (python tools/studies/book.py list)'
        )
    return [STUDIES[n] for n in names or STUDIES]


def selected_cells(study, keys) -> list:
    if not keys:
        return list(study.cells)
    known = {c.key for c in study.cells}
    unknown = [k for k in keys if k not in known]
    if unknown:
        raise UserInputError(
            f'{study.name} has no cell {", ".join(unknown)}; its cells: '
            f'{", ".join(sorted(known))}'
        )
    return [c for c in study.cells if c.key in keys]


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.command == 'list':
        for s in STUDIES.values():
            print(f'{s.name}: {s.title} (seeds {" ".join(map(str, s.seeds))})')
            for c in s.cells:
                print(f'  {c.key:28s} {s.label(c)}')
        return 0
    if args.command == 'store-demo':
        print(book.store_demo(args.demo_work_dir, args.store))
        return 0
    studies = selected(args.studies)
    if args.command == 'status':
        for s in studies:
            runs = book.load(ROOT, s.cells, s.seeds, args.store, needs=s.needs)
            counts = {}
            for r in runs:
                counts[r.status] = counts.get(r.status, 0) + 1
            print(
                f'{s.name}: '
                + ', '.join(f'{n} {k}' for k, n in sorted(counts.items()))
            )
            for r in runs:
                if r.status not in (book.CURRENT, book.MISSING):
                    print(
                        f'  {r.status}: {r.cell.key} seed {r.seed} '
                        f'({r.why_stale()})'
                    )
        return 0
    if args.command == 'backfill':
        from ftcl_mm.sweep.book.store import backfill

        for s in studies:
            cells = selected_cells(s, args.cells)
            runs = book.load(ROOT, cells, args.seeds or s.seeds, args.store)
            n = backfill(ROOT, runs, args.commit, args.recompute)
            print(
                f'[book] {s.name}: {n} run(s) given their recipe at '
                f'{args.commit}'
            )
        return 0
    if args.command == 'store':
        for s in studies:
            n = book.store_finished(
                ROOT,
                s.cells,
                s.seeds,
                osp.abspath(args.work_dir),
                args.store,
                s.needs,
            )
            print(f'[book] {s.name}: {n} run(s) stored in {args.store}')
        return 0
    if args.command == 'run':
        for s in studies:
            cells = selected_cells(s, args.cells)
            n = book.run(
                ROOT,
                s,
                cells,
                args.seeds or s.seeds,
                args.store,
                osp.abspath(args.work_dir),
                args.jobs,
                args.data_root,
                args.rerun_stale,
                args.dry_run,
            )
            print(f'[book] {s.name}: {n} run(s) stored in {args.store}')
        return 0
    memo: dict = {}  # studies share cells: each config parsed once
    books = [
        book.Book(ROOT, args.store, s, args.allow_stale, memo) for s in studies
    ]
    for b in books:
        for path in b.write(osp.join(args.out_dir, f'{b.study.name}.md')):
            print(path)
    if len(books) == len(STUDIES):  # cost and demo belong to no study
        print(book.write_cost_page(args.store, args.out_dir))
        print(book.write_demo_page(args.store, args.out_dir))
    if args.readme and len(books) == len(STUDIES):
        rel = osp.relpath(args.out_dir, osp.dirname(osp.abspath(args.readme)))
        if book.update_readme(args.readme, book.readme_table(books, rel)):
            print(args.readme)
    return 0


if __name__ == '__main__':
    sys.exit(run_main('book.py', main))
