"""The FT study: pretrain each method x FT variant x seed, convert,
evaluate (kNN, linear probe; random init as the floor) and report mean +-
std and each variant's gain over its base, paired by seed.

``tools/studies/ft_study.py`` is its command line; the book
(:mod:`ftcl_mm.sweep.book`), the fair test and the ablations run their
cells through it. Every step writes its output atomically and is skipped
when that output exists; an interrupted pretraining resumes from its last
checkpoint.
"""

from __future__ import annotations

import argparse
import os
import os.path as osp
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import Dict, List, Optional

from ..utils.errors import UserInputError
from ..utils.fileio import read_json, write_json, write_text
from ..utils.provenance import (
    config_recipe_hash,
    eval_recipe_hash,
    provenance,
)
from .launcher import (
    RunFailed,
    Sweep,
    SweepJob,
    ToolCalls,
    usable_parallelism,
)
from .pipeline import BackbonePipeline, epochs_options
from .stats import aggregate, fmt_stat, tail_means, verdict

#: The repository root (configs and tools resolve against it).
ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
#: What evaluates every run (kNN k, linear protocol), in its recorded
#: evaluation hash.
EVAL_SETTINGS = {'knn_k': 20, 'linear_protocol': 'cached'}


def variant_suffix(variant: str) -> str:
    """Config-name suffix of a variant (as the IN-100 configs name them):
    base -> '', both -> '_ft', anything else -> '_ft-<variant>' (Table 7's
    pos, neg, dim, and the ablation configs: start4, posinterp, ...)."""
    return {'base': '', 'both': '_ft'}.get(variant, f'_ft-{variant}')


#: Per scale: pretraining config pattern, evaluation config (kNN + linear).
SCALES = dict(
    tiny=dict(
        pretrain='configs/selfsup/tiny/{method}{suffix}_tiny.py',
        linear='configs/benchmarks/classification/tiny/'
        'resnet18w16_linear_tiny.py',
        # LooC++ is evaluated on its backbone + concatenated spaces.
        method_linear=dict(
            loocpp='configs/benchmarks/classification/tiny/'
            'resnet18w16_loocpp_linear_tiny.py'
        ),
        threads_per_run=1,
    ),
    in100=dict(
        pretrain='configs/selfsup/{method}{suffix}_in100.py',
        linear='configs/benchmarks/classification/imagenet/'
        'resnet50_linear-100e_in100.py',
        method_linear=dict(
            loocpp='configs/benchmarks/classification/imagenet/'
            'resnet50_loocpp_linear-100e_in100.py'
        ),
        threads_per_run=None,
    ),
)
#: Score statistics reported per run: mean over the last 10 % iterations.
SCORE_KEYS = (
    'pos_mean',
    'neg_mean',
    'neg_var',
    'pos_mean_ft',
    'neg_mean_ft',
    'loss',
)


# --------------------------------------------------------------------------
# The plan
# --------------------------------------------------------------------------
@dataclass
class Run:
    """One pretraining run (or, with ``method='random'``, the random-init
    floor) and its evaluations."""

    method: str
    variant: str
    seed: int
    config: Optional[str]  # pretraining config; None for random init
    work_dir: str

    @property
    def name(self) -> str:
        if self.config is None:
            return f'random init, seed {self.seed}'
        return f'{self.method}/{self.variant}/seed{self.seed}'


def pretrain_options(
    seed: Optional[int], epochs: int, extra=()
) -> Dict[str, object]:
    """The ``--cfg-options`` ``ft_study.py --epochs E`` gives a run (its
    seed and schedule length), then ``extra`` (``key=value`` strings);
    ``seed=None``: the cell's recipe over its seeds."""
    opts: Dict[str, object] = {} if seed is None else {'randomness.seed': seed}
    for item in (*epochs_options(epochs), *extra):
        key, value = item.split('=', 1)
        opts[key] = _literal(value)
    return opts


def _literal(value: str) -> object:
    """A ``--cfg-options`` value as mmengine's DictAction reads a scalar."""
    from mmengine.config import DictAction

    return DictAction._parse_iterable(value)


def pretrain_config(scale: str, method: str, variant: str) -> str:
    return SCALES[scale]['pretrain'].format(
        method=method, suffix=variant_suffix(variant)
    )


def make_plan(args) -> List[Run]:
    """Runs in execution order: seed-major, so a stopped study has whole
    seeds; the random init floor first (it is quick)."""

    def exists(m: str, v: str) -> bool:
        return osp.isfile(osp.join(ROOT, pretrain_config(args.scale, m, v)))

    # 'random' among the methods: the random-init floor (no config)
    methods = [m for m in args.methods if m != 'random']
    missing = [
        pretrain_config(args.scale, m, v)
        for m in methods
        for v in args.variants
        if not exists(m, v)
    ]
    if missing and args.skip_missing:
        print(f'[ft_study] no config, left out: {", ".join(missing)}')
        missing = []
    if missing:
        raise UserInputError(
            f'no config for {", ".join(missing)} at --scale {args.scale}; '
            'choose --methods/--variants that have one (configs/'
            'selfsup/tiny/*_tiny.py) or add the config'
        )
    runs = []
    for seed in args.seeds:
        if not args.no_random_init or 'random' in args.methods:
            runs.append(
                Run(
                    'random',
                    'init',
                    seed,
                    None,
                    osp.join(args.work_dir, 'random', f'seed{seed}'),
                )
            )
        for method in methods:
            for variant in args.variants:
                if not exists(method, variant):  # --skip-missing
                    continue
                runs.append(
                    Run(
                        method,
                        variant,
                        seed,
                        pretrain_config(args.scale, method, variant),
                        osp.join(
                            args.work_dir, method, variant, f'seed{seed}'
                        ),
                    )
                )
    return runs


# --------------------------------------------------------------------------
# The steps of one run
# --------------------------------------------------------------------------
class RunSteps:
    """Pretrain, convert, evaluate one run, each step skipped when its
    output exists."""

    def __init__(self, args, calls: ToolCalls) -> None:
        self.args = args
        self.calls = calls
        self.pipeline = BackbonePipeline(calls)
        self.scale = SCALES[args.scale]

    def linear_config(self, run: Run) -> str:
        """The evaluation config of ``run``'s method (kNN and linear)."""
        return self.scale['method_linear'].get(
            run.method, self.scale['linear']
        )

    def pretrain_options(self, run: Run) -> List[str]:
        """The ``--cfg-options`` of ``run``'s pretraining."""
        opts = [f'randomness.seed={run.seed}', *self.args.cfg_options]
        if self.args.epochs:
            opts += epochs_options(self.args.epochs)
        return opts

    def recipe(self, run: Run) -> str:
        """:func:`~ftcl_mm.utils.provenance.recipe_hash` of ``run``'s
        pretraining (its config with its options)."""
        from mmengine.config import DictAction

        parser = argparse.ArgumentParser()
        parser.add_argument('--o', nargs='+', action=DictAction)
        opts = parser.parse_args(['--o', *self.pretrain_options(run)]).o
        return config_recipe_hash(osp.join(ROOT, run.config), opts)

    def pretrain(self, run: Run, log: str) -> str:
        """Train (resuming) and convert; returns the backbone path."""
        # an evaluation config of its own reads the neck too (LooC++)
        return self.pipeline.pretrain(
            run.config,
            run.work_dir,
            self.pretrain_options(run),
            log,
            with_neck=run.method in self.scale['method_linear'],
        )

    def cached_eval(self, run: Run, backbone: str, log: str) -> dict:
        """kNN (k = 20) and, with ``--linear-protocol cached``, the linear
        probe on the same cached features (knn_eval.py ``--linear``)."""
        return self.pipeline.probe(
            self.linear_config(run),
            backbone,
            osp.join(run.work_dir, 'knn.json'),
            log,
            linear=self.args.linear_protocol == 'cached',
            seed=run.seed,
        )

    def linear(self, run: Run, backbone: str, log: str) -> float:
        if self.args.linear_protocol == 'cached':
            return float(self.cached_eval(run, backbone, log)['linear_top1'])
        out_dir = osp.join(run.work_dir, 'linear')
        done = osp.join(out_dir, 'metrics.json')
        if not osp.isfile(done):
            self.calls.call(
                self.calls.train(
                    self.linear_config(run),
                    out_dir,
                    '--resume',
                    '--pretrained',
                    backbone,
                    '--cfg-options',
                    f'randomness.seed={run.seed}',
                ),
                log,
            )
            from ftcl_mm.formats.run_results import final_metrics

            metrics = final_metrics(out_dir)
            if 'accuracy/top1' not in metrics:
                raise RunFailed(
                    f'linear evaluation wrote no accuracy; see {out_dir}'
                )
            write_json(done, metrics)
        return float(read_json(done)['accuracy/top1'])

    def execute(self, run: Run) -> Dict:
        """All steps of ``run``; returns its result."""
        os.makedirs(run.work_dir, exist_ok=True)
        log = osp.join(run.work_dir, 'study.log')
        t0 = time.time()
        result = dict(
            method=run.method,
            variant=run.variant,
            seed=run.seed,
            config=run.config,
        )
        backbone = 'none' if run.config is None else self.pretrain(run, log)
        result['pretrain_s'] = round(time.time() - t0, 1)
        if 'knn' in self.args.eval:
            cached = self.cached_eval(run, backbone, log)
            result['knn_top1'] = float(cached['top1']['20'])
            if 'effective_rank' in cached:  # absent from older knn.json
                result['effective_rank'] = float(cached['effective_rank'])
        if 'linear' in self.args.eval:
            result['linear_top1'] = self.linear(run, backbone, log)
        if run.config is not None:
            result['scores'] = final_scores(osp.join(run.work_dir, 'pretrain'))
        result['wall_s'] = round(time.time() - t0, 1)
        # The recipe as data: commit, sha256 of the config the Runner got,
        # date, machine (ftcl_mm.utils.provenance).
        result['provenance'] = provenance(
            ROOT,
            osp.join(run.work_dir, 'pretrain') if run.config else None,
        )
        if run.config:
            result['provenance']['recipe_hash'] = self.recipe(run)
        result['provenance']['eval_hash'] = eval_recipe_hash(
            osp.join(ROOT, self.linear_config(run)),
            dict(EVAL_SETTINGS, linear_protocol=self.args.linear_protocol),
        )
        return result


def final_scores(pretrain_dir: str) -> Dict[str, float]:
    """Mean of the score statistics over the last 10 % of iterations."""
    from ftcl_mm.visualization import NoStatsError, load_run

    try:
        return tail_means(load_run(pretrain_dir), SCORE_KEYS)
    except NoStatsError:
        return {}


# --------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------
def summarise(results: List[Dict]) -> Dict:
    """Per method/variant: mean +- std of kNN and linear top-1, the gain
    over the method's base paired by seed, the mean final scores."""
    summary = aggregate(
        results,
        group=('method', 'variant'),
        metrics=('knn_top1', 'linear_top1', 'effective_rank'),
        base={'variant': 'base'},
    )
    for key, entry in summary.items():
        method, variant = key.split('/')
        runs = [
            r
            for r in results
            if (r['method'], r['variant']) == (method, variant)
        ]
        scores = {}
        for k in SCORE_KEYS:
            vals = [r['scores'][k] for r in runs if k in r.get('scores', {})]
            if vals:
                scores[k] = round(sum(vals) / len(vals), 4)
        if scores:
            entry['scores'] = scores
    return summary


def _score_cell(scores: Dict[str, float], keys: tuple) -> str:
    if not all(k in scores for k in keys):
        return '-'
    return ' / '.join(f'{scores[k]:.3f}' for k in keys)


def _rank(entry: Dict) -> str:
    """Mean effective rank of the backbone's features (knn_eval)."""
    r = entry.get('effective_rank')
    return f'{r["mean"]:.1f}' if r else '-'


def _num(value: Optional[float]) -> str:
    return '-' if value is None else f'{value:.1f}'


def report_markdown(args, summary: Dict, results: List[Dict]) -> str:
    lines = [
        '# Feature Transformation study',
        '',
        f'scale `{args.scale}`; seeds {args.seeds}; evaluation: weighted '
        'kNN (k=20) and linear probing top-1 (%) on the validation split '
        f'(linear protocol: {args.linear_protocol}); '
        'gains are paired by seed (variant - base of the same seed). '
        'Scores: mean over the last 10 % of pretraining iterations of the '
        "encoder's positive / negative cosine scores and the negative "
        'variance (before FT), and the positive / negative scores the loss '
        'sees after FT. Eff. rank: the effective rank (RankMe) of the '
        "backbone's features of the training images (knn_eval.py).",
        '',
        '| method | variant | kNN top-1 | kNN gain | linear top-1 | '
        'linear gain | verdict (kNN / linear) | pos / neg / neg var | '
        'after FT pos / neg | eff. rank | n |',
        '|---|---|---|---|---|---|---|---|---|---|---|',
    ]
    for key, e in summary.items():
        method, variant = key.split('/')
        s = e.get('scores', {})
        scores = _score_cell(s, ('pos_mean', 'neg_mean', 'neg_var'))
        scores_ft = _score_cell(s, ('pos_mean_ft', 'neg_mean_ft'))
        n = max(
            (e[m]['n'] for m in ('knn_top1', 'linear_top1') if m in e),
            default=0,
        )
        v = (
            f'{verdict(e.get("knn_top1_gain"))} / '
            f'{verdict(e.get("linear_top1_gain"))}'
            if variant != 'base' and method != 'random'
            else '-'
        )
        lines.append(
            f'| {method} | {variant} | {fmt_stat(e.get("knn_top1"))} | '
            f'{fmt_stat(e.get("knn_top1_gain"), True)} | '
            f'{fmt_stat(e.get("linear_top1"))} | '
            f'{fmt_stat(e.get("linear_top1_gain"), True)} | {v} | '
            f'{scores} | {scores_ft} | {_rank(e)} | {n} |'
        )
    ref = getattr(args, 'reference', None)
    if ref:
        vs = aggregate(
            results,
            group=('method', 'variant'),
            metrics=('knn_top1', 'linear_top1'),
            base={'method': ref, 'variant': 'base'},
        )
        lines += [
            '',
            f'## Against {ref} base (paired by seed)',
            '',
            '| method | variant | kNN gain | linear gain | verdict '
            '(kNN / linear) |',
            '|---|---|---|---|---|',
        ]
        for key, e in vs.items():
            method, variant = key.split('/')
            if method in ('random', ref) and variant in ('init', 'base'):
                continue
            k, li = e.get('knn_top1_gain'), e.get('linear_top1_gain')
            lines.append(
                f'| {method} | {variant} | {fmt_stat(k, True)} | '
                f'{fmt_stat(li, True)} | {verdict(k)} / {verdict(li)} |'
            )
    lines += [
        '',
        '## Runs',
        '',
        '| run | kNN | linear | pos / neg (before FT) | '
        'pretrain s | total s |',
        '|---|---|---|---|---|---|',
    ]
    for r in results:
        scores = _score_cell(r.get('scores', {}), ('pos_mean', 'neg_mean'))
        lines.append(
            f'| {r["method"]}/{r["variant"]}/seed{r["seed"]} | '
            f'{_num(r.get("knn_top1"))} | {_num(r.get("linear_top1"))} | '
            f'{scores} | {r.get("pretrain_s", "-")} | '
            f'{r.get("wall_s", "-")} |'
        )
    return '\n'.join(lines) + '\n'


def write_report(args, runs: List[Run], jobs: List[SweepJob]) -> List[str]:
    from ftcl_mm.visualization import (
        NoStatsError,
        plot_accuracy_bars,
        plot_runs,
    )

    results = [j.result for j in jobs if j.result]
    summary = summarise(results)
    out = osp.join(args.work_dir, 'results')
    write_json(
        f'{out}.json',
        dict(
            scale=args.scale,
            methods=args.methods,
            variants=args.variants,
            seeds=args.seeds,
            runs=results,
            summary=summary,
        ),
    )
    write_text(f'{out}.md', report_markdown(args, summary, results))
    written = [f'{out}.md', f'{out}.json']
    plots = osp.join(args.work_dir, 'plots')
    os.makedirs(plots, exist_ok=True)
    acc = plot_accuracy_bars(summary, osp.join(plots, 'accuracy'))
    if acc:
        written.append(acc)
    seed0 = args.seeds[0]
    for method in args.methods:
        done = [
            r
            for r, j in zip(runs, jobs)
            if r.method == method and r.seed == seed0 and j.result
        ]
        if not done:
            continue
        try:  # score curves of every variant of the first seed
            written += plot_runs(
                [osp.join(r.work_dir, 'pretrain') for r in done],
                osp.join(plots, method),
                [r.variant for r in done],
                window=5,
            )
        except NoStatsError as e:
            print(
                f'[ft_study] no score plots for {method}: {e}', file=sys.stderr
            )
    return written


# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------
def ensure_data(args, env: Dict[str, str]) -> None:
    """Tiny scale: generate the data if the root does not exist yet."""
    if args.scale != 'tiny':
        return
    root = args.data_root or env.get('FTCL_DEMO_DATA') or 'data/demo'
    env['FTCL_DEMO_DATA'] = root
    if osp.isdir(osp.join(ROOT, root, 'imagenet')) or osp.isdir(
        osp.join(root, 'imagenet')
    ):
        return
    print(f'[ft_study] generating the tiny data in {root}', flush=True)
    rc = subprocess.call(
        [
            sys.executable,
            osp.join(ROOT, 'tools/make_demo_data.py'),
            '--out',
            root,
        ],
        cwd=ROOT,
        env=env,
    )
    if rc != 0:
        raise UserInputError(
            f'generating the data in {root} failed (exit {rc})'
        )


def _describe(result: Dict) -> str:
    return ', '.join(
        f'{k.split("_")[0]} {result[k]:.1f}'
        for k in ('knn_top1', 'linear_top1')
        if k in result
    )


def run(args: argparse.Namespace) -> int:
    """Run (or with ``args.report_only`` only report) the study that the
    command line ``args`` describe; returns the exit status."""
    runs = make_plan(args)
    jobs, threads = usable_parallelism(
        args.jobs,
        args.threads,
        args.gpus,
        SCALES[args.scale]['threads_per_run'],
    )
    env = dict(os.environ, FTCL_THREADS=str(threads), PYTHONWARNINGS='ignore')
    if args.dry_run:
        print(
            f'[ft_study] {len(runs)} runs, {jobs} side by side, '
            f'{threads} threads each:'
        )
        for r in runs:
            print(f'  {r.name}: {r.config or "random init"} -> {r.work_dir}')
        return 0
    if args.report_only and not osp.isdir(args.work_dir):
        raise UserInputError(
            f'--work-dir {args.work_dir} does not exist; run the study '
            'first (without --report-only)'
        )
    if not args.report_only:
        ensure_data(args, env)
    os.makedirs(args.work_dir, exist_ok=True)
    steps = RunSteps(args, ToolCalls(ROOT, env, args.gpus))
    sweep_jobs = [
        SweepJob(
            r.name,
            r.work_dir,
            (lambda r=r: steps.execute(r)),
            timed=r.config is not None,
        )
        for r in runs
    ]
    if args.report_only:
        for j in sweep_jobs:
            j.load()
        failed = []
    else:
        print(f'[ft_study] -> {args.work_dir}', flush=True)
        try:
            failed = Sweep('ft_study', jobs, _describe).run(
                sweep_jobs, threads
            )
        except KeyboardInterrupt:
            return 130
    for path in write_report(args, runs, sweep_jobs):
        print(path)
    if failed:
        print(
            f'ft_study.py: error: {len(failed)} run(s) failed: '
            + '; '.join(failed),
            file=sys.stderr,
        )
        return 1
    return 0
