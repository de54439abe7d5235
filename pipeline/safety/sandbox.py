"""Run the reading of an untrusted PDF in a child process with resource limits.

    start_isolated(func, *args, limits=…, label=…) → Isolated;  Isolated.result() → func's value
    run_isolated(func, *args, limits=…, label=…)   → func's value (the one-call form)
    report_progress(message, more_time_s)          (in the child) a line for the user, more time
                                                   (wall clock and this process's CPU)
    widen_limits(memory_mb, cpu_s)                 (in a child's worker) soft limits up to the hard

The child sets its own limits before calling ``func``: address space
(``limits.memory_mb``), CPU time (``limits.cpu_s``), no file writes
(RLIMIT_FSIZE 0), few open files, no core dumps; it dies with the parent.
Those are soft limits; the hard ones leave room for OCR (``limits.ocr_memory_mb``
per process, ``limits.ocr_page_s`` of CPU per page), which only the OCR worker
processes the reader forks take (``widen_limits``).  While reading, the child
may tell the user how far it is and ask for more time, at most
``limits.page_s`` + ``limits.ocr_page_s`` per page of ``limits.max_pages``
(``report_progress``: the parent prints "FILE: message" on its stderr and moves
its wall-clock deadline; the asking process's CPU limit grows by as much).
The parent enforces the wall clock (``limits.timeout_s``), kills and reaps the
child, and unpickles its answer with an allow-list (only plain data and
classes defined in ``pipeline``), so a subverted child cannot make the parent
run code.  Only the parent writes files.

Every way the child can fail ends as one ``PipelineError`` located at
``label``: a ``PipelineError`` raised in the child passes through unchanged;
library exceptions of any type become "truncated or damaged PDF: …",
"encrypted PDF: a password is needed", "memory limit of N MB reached while
reading", "CPU time limit …", "timed out after N s", "the reader crashed …".
The child's traceback travels as the error's ``detail`` (for a debug flag to print).
An error is located on a page when a frame holds a pdfplumber ``Page``, or
pipeline code a local ``page_number``.

On Linux the child is forked: nothing is re-imported, and starting costs a
few milliseconds.  The child inherits the parent's address space, which the
memory limit counts, and forking a process with threads is unsafe; so once
the parent is heavy (more than half the memory limit mapped: pandas and
great_expectations map ~600 MB) or has threads, children come from a
multiprocessing fork server instead, a fresh light process started once
(``FORKSERVER_PRELOAD`` imported there).  Where fork is unavailable they are
spawned.  With the fork server or spawn, ``func`` must be a module-level
function and its arguments picklable.

Split along its seams: this module (starting, waiting, the answer or the error),
``children`` (the parent's handle on a forked or multiprocessing child),
``child`` (what runs in the child: limits, the answer, progress) and ``explain``
(any exception → one ``PipelineError``).  Callers import from here.
"""

from __future__ import annotations

import io
import logging
import pickle
import signal
import sys
import time
from collections.abc import Callable
from typing import Any

from ..errors import LimitError, PipelineError
from ..settings import Limits
from .child import CPU_GRACE_S, MAX_OPEN_FILES, report_progress, time_cap_s, widen_limits
from .child import vm_mb as _vm_mb  # (a name of this module: tests replace it)
from .children import FORKSERVER_PRELOAD, Deadline, ForkedChild, SafeUnpickler, SpawnedChild
from .explain import CPU_HINT

log = logging.getLogger(__name__)

#: How the child is started: fork where it is cheap and safe, spawn elsewhere.
START_METHOD = "fork" if sys.platform.startswith("linux") else "spawn"
#: The allow-list unpickler of the child's answer (its name here before the split).
_SafeUnpickler = SafeUnpickler
#: The sandbox's face: what readers and callers import from here, wherever it is defined.
__all__ = ["CPU_GRACE_S", "FORKSERVER_PRELOAD", "MAX_OPEN_FILES", "START_METHOD", "Isolated",
           "report_progress", "run_isolated", "start_isolated", "widen_limits"]


def start_isolated(func: Callable[..., Any], *args: Any, limits: Limits, label: str) -> Isolated:
    """Start ``func(*args)`` in a limited child process and return at once.

    ``label`` (the file name as the user gave it) locates every error.
    Call ``.result()`` on the returned handle to wait for the value; the parent
    may do other work (import heavy modules) meanwhile.  Use the handle as a
    context manager, or call ``.cancel()``, to be sure the child is gone.
    """
    return Isolated(func, args, limits, label)


def run_isolated(func: Callable[..., Any], *args: Any, limits: Limits, label: str) -> Any:
    """Return ``func(*args)`` computed in a limited child process; raise ``PipelineError``."""
    with start_isolated(func, *args, limits=limits, label=label) as job:
        return job.result()


class Isolated:
    """A running child; ``result()`` waits for its value or raises ``PipelineError``.

    After ``result()``: ``warnings`` lists what the child logged at WARNING or
    above (pdfminer's repairs among them); ``stats`` has ``wall_s``, ``cpu_s``,
    ``max_rss_mb``, ``start_vm_mb`` (the child's address space before
    reading), ``result_bytes``, ``method`` (fork, forkserver or spawn).
    """

    def __init__(self, func, args, limits: Limits, label: str):
        self.limits = limits
        self.label = label
        self.warnings: list[str] = []
        self.stats: dict[str, float] = {}
        self._started = time.monotonic()
        self._deadline = Deadline(self._started + limits.timeout_s,
                                  time_cap_s(limits), label)
        self._outcome: tuple[str, Any] | None = None
        method = _start_method(limits)
        self.stats["method"] = method
        if method == "fork":
            self._child = ForkedChild(func, args, limits)
        else:
            self._child = SpawnedChild(func, args, limits, method)
        self.pid = self._child.pid

    def result(self) -> Any:
        """Wait (until the wall-clock limit) and return the child's value."""
        if self._outcome is None:
            try:
                self._outcome = self._finish()
            finally:
                self._child.kill()
        kind, value = self._outcome
        if kind == "ok":
            return value
        raise value

    def cancel(self) -> None:
        """Kill the child (if still running) and reap it."""
        if self._outcome is None:
            self._outcome = ("error", LimitError("cancelled", file=self.label))
        self._child.kill()

    def __enter__(self) -> Isolated:
        return self

    def __exit__(self, *exc) -> None:
        self.cancel()

    def _finish(self) -> tuple[str, Any]:
        data, status, usage = self._child.wait(self._deadline)
        self.stats["wall_s"] = round(time.monotonic() - self._started, 3)
        if usage is not None:  # fork: the kernel's account, crashes included
            self.stats["cpu_s"] = round(usage.ru_utime + usage.ru_stime, 3)
            self.stats["max_rss_mb"] = round(usage.ru_maxrss / 1024, 1)
        if status == "oversize":
            return "error", LimitError(
                f"the reader's answer is larger than {self.limits.memory_mb} MB", file=self.label)
        if status == "timeout":
            return "error", LimitError(
                f"timed out after {self.limits.timeout_s:g} s while reading",
                file=self.label, hint="raise the limit with --timeout if the file is genuine")
        if data:
            self.stats["result_bytes"] = len(data)
            try:
                kind, value, notes, info = SafeUnpickler(io.BytesIO(data)).load()
            except pickle.UnpicklingError as exc:
                if "may not cross" in str(exc):
                    raise TypeError(f"{exc} (return plain data from the child)") from None
                data = None  # cut short: the child died while writing
            except Exception:
                data = None
            else:
                self.warnings = list(notes)
                for key, number in info.items():
                    self.stats.setdefault(key, number)
                for note in notes:
                    log.debug("%s: reader: %s", self.label, note)
                if kind == "error" and isinstance(value, PipelineError):
                    value.located(self.label)
                return kind, value
        return "error", self._died(status)

    def _died(self, status: int | None) -> PipelineError:
        """The error for a child that ended without an answer (exit ``status``)."""
        tail = self._child.stderr_tail()
        cpu = self.stats.get("cpu_s", 0.0)
        if status is not None and status < 0:
            sig = -status
            signame = signal.Signals(sig).name if sig in signal.valid_signals() else str(sig)
            if sig == getattr(signal, "SIGXCPU", None) or (
                    sig == signal.SIGKILL and cpu >= self.limits.cpu_s):
                err = LimitError(f"CPU time limit of {self.limits.cpu_s} s reached while reading",
                                 hint=CPU_HINT)
            elif sig == signal.SIGKILL:
                err = LimitError("the reader was killed (SIGKILL: out of memory?)")
            else:
                err = LimitError(f"the reader crashed ({signame}) while reading; the memory "
                                 f"limit is {self.limits.memory_mb} MB",
                                 hint="raise it with --memory-mb if the file is genuine")
        else:
            err = PipelineError(f"the reader stopped without an answer (exit status {status})")
        err.detail = tail
        return err.located(self.label)


def _start_method(limits: Limits) -> str:
    """fork while this process is light and single-threaded, else the fork server."""
    if START_METHOD != "fork":
        return START_METHOD
    import threading

    if threading.active_count() > 1 or _vm_mb() > limits.memory_mb / 2:
        return "forkserver"
    return "fork"
