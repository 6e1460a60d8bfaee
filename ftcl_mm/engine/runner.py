"""mmengine's Runner with checkpoints that are never seen half-written.

mmengine 0.10.7 serialises a checkpoint to memory and then writes the bytes
straight to their final name (``LocalBackend.put``): a ``kill -9`` or a
full disk during that write leaves e.g. ``epoch_2.pth`` at 40 MB of 138 MB
under a name that looks finished. :class:`AtomicCheckpointRunner` keeps the
Runner's whole checkpoint logic (contents, hooks, ``last_checkpoint``,
``max_keep_ckpts``) and only moves where the bytes land: a hidden temporary
sibling, fsync'ed, then renamed onto the final name (atomic on POSIX), and
the directory fsync'ed so the rename survives a power cut.

``tools/train.py`` builds this runner unless a config names its own
``runner_type``; other entry points get it with
``runner_type='AtomicCheckpointRunner'``.
"""

from __future__ import annotations

import errno
import glob
import os
import os.path as osp
from typing import List, Optional

from mmengine.dist import is_main_process, master_only
from mmengine.registry import RUNNERS
from mmengine.runner import Runner

from ..utils.errors import TrainingError
from ..utils.fileio import atomic_path, fsync_file, temp_writer_pid


@RUNNERS.register_module()
class AtomicCheckpointRunner(Runner):
    """:class:`mmengine.runner.Runner` whose local checkpoint files appear
    under their final name only once complete (temp file, fsync, rename).

    Remote destinations (``backend_args``/``file_client_args``, URLs) keep
    mmengine's behaviour: their backends decide what a write means.
    Before training, the torn temporary files of saves killed in an
    earlier run (their writer process is gone) are removed from the work
    dir, with a log line each.
    """

    def train(self):
        """Remove dead writers' checkpoint temp files, then train."""
        if is_main_process():
            for path in stale_temp_files(self.work_dir):
                self.logger.warning(
                    f'removing {path}: the torn checkpoint of a save that '
                    'was killed in an earlier run'
                )
                os.remove(path)
        return super().train()

    @master_only
    def save_checkpoint(
        self,
        out_dir: str,
        filename: str,
        file_client_args: Optional[dict] = None,
        save_optimizer: bool = True,
        save_param_scheduler: bool = True,
        meta: Optional[dict] = None,
        by_epoch: bool = True,
        backend_args: Optional[dict] = None,
    ) -> None:
        """Save like :meth:`Runner.save_checkpoint`, atomically on local
        disks (see the module docstring)."""
        kwargs = dict(
            file_client_args=file_client_args,
            save_optimizer=save_optimizer,
            save_param_scheduler=save_param_scheduler,
            meta=meta,
            by_epoch=by_epoch,
            backend_args=backend_args,
        )
        if file_client_args or backend_args or '://' in str(out_dir):
            super().save_checkpoint(out_dir, filename, **kwargs)
            return
        try:
            with atomic_path(osp.join(out_dir, filename)) as tmp:
                super().save_checkpoint(out_dir, osp.basename(tmp), **kwargs)
                fsync_file(tmp)
        except OSError as e:
            if e.errno not in (errno.ENOSPC, errno.EDQUOT):
                raise
            raise TrainingError(
                f'no space left on the disk of {out_dir} while saving '
                f'{filename}: the earlier checkpoints and last_checkpoint '
                'are intact; free space (or pass another --work-dir) and '
                'continue with --resume'
            ) from None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's live process
        return True
    return True


def stale_temp_files(work_dir: str) -> List[str]:
    """Checkpoint temp files in ``work_dir`` whose writer (the pid in the
    name, see :func:`ftcl_mm.utils.fileio.temp_name`) no longer runs."""
    return sorted(
        path
        for path in glob.glob(osp.join(work_dir, '.*.pth'))
        if (pid := temp_writer_pid(path)) is not None and not _alive(pid)
    )


__all__ = ['AtomicCheckpointRunner', 'stale_temp_files']
