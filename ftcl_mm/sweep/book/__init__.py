"""The book of evidence: every published table a named study of cells in
one run store (:mod:`.studies`), each run's recipe recorded as data and
checked (:mod:`.store`), what a study lacks run by one resumable command
(:mod:`.runner`), and every report and the README's results table written
from the stored runs (:mod:`.reports`; the cost page from stored
measurements, :mod:`.cost`; the demo's page from its stored summary,
:mod:`.demo`). CLI: ``tools/studies/book.py``."""

from .cells import RunCell, eval_recipe, recipe
from .cost import cost_page, write_cost_page
from .demo import demo_page, store_demo, write_demo_page
from .reports import Book, readme_table, update_readme
from .runner import run, store_finished
from .store import CURRENT, MISSING, STALE, UNRECORDED, StoredRun, load
from .studies import Study, reference, studies

__all__ = [
    'Book',
    'CURRENT',
    'MISSING',
    'RunCell',
    'STALE',
    'Study',
    'StoredRun',
    'UNRECORDED',
    'cost_page',
    'demo_page',
    'eval_recipe',
    'load',
    'readme_table',
    'recipe',
    'reference',
    'run',
    'store_demo',
    'store_finished',
    'studies',
    'update_readme',
    'write_cost_page',
    'write_demo_page',
]
