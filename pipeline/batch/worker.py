"""What a Dask worker runs for a cluster batch: one notice, exactly as a local batch runs it.

    extract_on_worker(path, options, mark) → Finished   (one task: the notice's Outcome and
                                                           where, when and at what cost)
    task_payload(path, options, mark) → bytes          what the Dask task carries: the task
                                                       is ``pickle.loads(payload)``, whose
                                                       value is the pickled ``Finished``

The notice goes through ``local._extract_one``: the same checks, the same sandboxed
child with the same limits, validation in the temporary folder, the folder swapped in
whole.  A worker killed mid-task leaves at most a ``.tmp-*`` folder (swept by a later
run) and Dask runs the task again elsewhere; that run skips nothing half-done, since a
folder without its manifest is not an earlier extraction.

``_see_root`` and ``_mark_root`` run on every worker before any task (``Client.run``):
whether it sees the output root (the same folder as the others: a mark file one worker
wrote), can write there, sees the inputs' folders, and runs this pipeline version.

Place in the flow: ``batch`` (imports ``local`` beside it); imported by the worker when it
unpickles a task, never by a local extract.
"""

from __future__ import annotations

import os
import pickle
import socket
import time
from dataclasses import dataclass
from pathlib import Path

from .. import __version__
from .local import Options, Outcome, _extract_one

#: The mark file (in the output root) that tells a worker it sees the folder the others see.
MARK_PREFIX = ".cluster-mark-"


@dataclass
class Finished:
    """One task's answer: the notice's outcome and which worker read it, when, at what cost."""

    outcome: Outcome
    worker: str  # the worker's address
    host: str
    started: float  # time.time() on the worker
    ended: float


def extract_on_worker(path: Path, options: Options, mark: str | None = None) -> Finished:
    """Extract ``path`` as a local batch does (``local._extract_one``) on this worker.

    ``mark`` (the mark file's path in the output root) is checked first: a worker that
    joined after the start and cannot see the shared root fails the notice, naming
    itself, instead of writing where nobody else looks.
    """
    _allow_children()
    _undo_dask_environ()
    started = time.time()
    address = _address()
    if mark is not None and not os.path.isfile(mark):
        outcome = Outcome(Path(path), "failed", message=(
            f"{path}: worker {address} ({socket.gethostname()}) cannot see the output root "
            f"{Path(mark).parent} (hint: --extracted must be a folder every worker shares, "
            "at the same path)"))
    else:
        outcome = _extract_one(Path(path), options)
    return Finished(outcome, address, socket.gethostname(), started, time.time())


def dask_setup(worker) -> None:
    """(Dask's preload hook: a LocalCluster's workers run it as they start) Ignore Ctrl-C,
    which the terminal sends to every process of the batch: the client cancels the tasks
    and stops the workers (and so their readers), instead of each printing a traceback."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def task_payload(path: Path, options: Options, mark: str | None) -> bytes:
    """The pickled call of ``extract_on_worker(path, options, mark)`` for ``pickle.loads``.

    The scheduler unpickles every task it is given: a task naming a function of this
    project would need the project on the scheduler too (a shared cluster's may not have
    it).  ``pickle.loads`` of bytes needs nothing; the call runs when a worker (which has
    the project: checked at the start) unpickles them, and answers plain bytes.
    """
    return pickle.dumps(_Call(str(path), options, mark), protocol=pickle.HIGHEST_PROTOCOL)


class _Call:
    """Unpickled, calls ``_run_pickled`` with its arguments (``__reduce__``)."""

    def __init__(self, *args):
        self.args = args

    def __reduce__(self):
        return _run_pickled, self.args


def _run_pickled(path: str, options: Options, mark: str | None) -> bytes:
    return pickle.dumps(extract_on_worker(Path(path), options, mark),
                        protocol=pickle.HIGHEST_PROTOCOL)


def _undo_dask_environ() -> None:
    # A nanny starts its worker with Dask's pre-spawn environment (MALLOC_TRIM_THRESHOLD_
    # 65536, OMP/MKL/OPENBLAS_NUM_THREADS 1), which the readers started from here would
    # inherit: with it a scan's OCR took 1.7× the wall and 3× the system time.  The readers
    # get the environment a local batch gives them (a value the user set alike goes too).
    import dask
    import distributed  # noqa: F401  (its defaults join dask.config; loaded on a worker)

    for key, value in (dask.config.get("distributed.nanny.pre-spawn-environ", None)
                       or {}).items():
        if os.environ.get(key) == str(value):
            del os.environ[key]


def _allow_children() -> None:
    # A worker started by a nanny is a daemonic multiprocessing process, and those may not
    # start multiprocessing children: the sandbox's fork server would refuse.  Every child
    # the sandbox starts dies with its parent anyway (PR_SET_PDEATHSIG), which is what
    # the rule protects.
    import multiprocessing

    process = multiprocessing.current_process()
    if process._config.get("daemon"):
        process._config["daemon"] = False


def _address() -> str:
    try:
        from distributed import get_worker

        return get_worker().address
    except (ImportError, ValueError):  # (not on a worker: tests call it directly)
        return f"pid {os.getpid()}"


def _mark_root(root: str, name: str, token: str) -> str | None:
    """(One worker) create the output root and the mark file in it; None, or what failed."""
    try:
        Path(root).mkdir(parents=True, exist_ok=True)
        Path(root, name).write_text(token, encoding="utf-8")
    except OSError as e:
        return f"cannot write {Path(root, name)}: {e.strerror or e}"
    return None


def _unmark_root(root: str, name: str) -> None:
    try:
        Path(root, name).unlink()
    except OSError:
        pass


def _see_root(forms: dict[str, tuple[str, list[str]]], name: str, token: str) -> dict:
    """(Every worker) for each form of the paths ({"given": (root, input folders), "absolute":
    …}), what is wrong with it here: [] when the mark is there with its token, a file can
    be made in the root, and every input folder is there ("SEER" in a problem stands for
    whoever wrote the mark).  Also this worker's host and pipeline version."""
    problems: dict[str, list[str]] = {}
    for form, (root, folders) in forms.items():
        found = []
        try:
            if Path(root, name).read_text(encoding="utf-8") != token:
                found.append(f"sees another folder at {root} than SEER (its mark differs)")
        except OSError as e:
            found.append(f"cannot see {root} as SEER sees it ({e.strerror or e})")
        else:
            found.extend(_try_writing(root))
        missing = [d for d in folders if not os.path.isdir(d)]
        if missing:
            found.append(f"cannot see the folder of the input files {missing[0]}"
                         + (f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""))
        problems[form] = found
    return {"problems": problems, "host": socket.gethostname(), "version": __version__}


def _try_writing(root: str) -> list[str]:
    import tempfile

    try:
        fd, probe = tempfile.mkstemp(prefix=".cluster-probe-", dir=root)
        os.close(fd)
        os.unlink(probe)
    except OSError as e:
        return [f"cannot write in {root} ({e.strerror or e})"]
    return []
