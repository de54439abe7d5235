"""A pool of forked worker processes for page-sized tasks, inside the sandboxed child.

    run_workers(func, tasks, workers, page_s) → yields (index, result) as each ends

The reader's child process forks the workers (cheap: nothing is re-imported)
and hands them tasks over pipes; each worker answers its tasks one after the
other, so what ``func`` loads and keeps (a recogniser, in a module-level cache)
is loaded once per worker.  ``multiprocessing`` is not used: its locks are files in
/dev/shm, which the child, forbidden to write files, cannot create.

A task that fails raises its error in the caller (a ``PipelineError`` as it is;
any other exception as a ``PipelineError`` naming it); a worker that dies
(killed for memory, crashed) or overruns ``page_s`` of wall clock on one task
fails that task with a ``LimitError``.  On leaving, every worker is killed and
reaped.
"""

from __future__ import annotations

import os
import pickle
import signal
import struct
import time
from collections.abc import Callable, Iterator
from typing import Any

from ..errors import InputError, LimitError, PipelineError

_HEADER = struct.Struct("!Q")
#: Parent ends of the pipes of workers alive: a worker forked later closes them.
_OPEN: set[int] = set()


def run_workers(func: Callable[[Any], Any], tasks: list[Any], workers: int,
                page_s: float | None = None) -> Iterator[tuple[int, Any]]:
    """Yield ``(i, func(tasks[i]))`` for every task, in the order they finish.

    ``workers`` processes (at least 1, at most one per task) run tasks one at a
    time.  ``page_s``: wall-clock seconds one task may
    take.  Raises the first task's error (the other workers are then killed).
    """
    if not tasks:
        return
    pool = [_Worker(func) for _ in range(max(1, min(workers, len(tasks))))]
    try:
        queue = list(range(len(tasks)))
        queue.reverse()
        busy: dict[int, tuple[_Worker, int, float]] = {}
        for w in pool:
            if queue:
                i = queue.pop()
                w.send(tasks[i])
                busy[w.fd] = (w, i, time.monotonic())
        import select

        while busy:
            now = time.monotonic()
            timeout = None
            if page_s:
                timeout = max(0.0, min(t0 + page_s for _, _, t0 in busy.values()) - now)
            ready, _, _ = select.select(list(busy), [], [], timeout)
            if not ready:  # a task overran its time
                for w, i, t0 in list(busy.values()):
                    if page_s and time.monotonic() - t0 >= page_s:
                        w.kill()
                        raise LimitError(f"reading one page took more than {page_s:g} s",
                                         page=_page_of(tasks[i]),
                                         hint="the machine may be busy; raise the time "
                                              "limit per page if the file is genuine")
                continue
            for fd in ready:
                w, i, _ = busy.pop(fd)
                kind, value = w.receive()
                if kind == "error":
                    raise value
                yield i, value
                if queue:
                    j = queue.pop()
                    w.send(tasks[j])
                    busy[w.fd] = (w, j, time.monotonic())
    finally:
        for w in pool:
            w.kill()


def _page_of(task: Any) -> int | None:
    number = getattr(task, "number", None)
    return number if isinstance(number, int) else None


class _Worker:
    """One forked worker: a task pipe in, a result pipe out."""

    def __init__(self, func):
        task_r, task_w = os.pipe()
        result_r, result_w = os.pipe()
        pid = os.fork()
        if pid == 0:  # the worker: never returns
            code = 0
            try:
                os.close(task_w)
                os.close(result_r)
                for fd in _OPEN:
                    _close(fd)
                _die_with_parent()
                _serve(func, task_r, result_w)
            except BaseException:
                code = 1
            finally:
                os._exit(code)
        os.close(task_r)
        os.close(result_w)
        _OPEN.update((result_r, task_w))
        self.pid, self.fd, self._task_w = pid, result_r, task_w
        self._reaped = False
        self._task: Any = None

    def send(self, task: Any) -> None:
        self._task = task
        data = pickle.dumps(task, protocol=pickle.HIGHEST_PROTOCOL)
        _write_all(self._task_w, _HEADER.pack(len(data)) + data)

    def receive(self) -> tuple[str, Any]:
        """The worker's answer to its task, or the error of its death."""
        data = _read_message(self.fd)
        if data is not None:
            try:
                return pickle.loads(data)
            except Exception:
                pass
        status = self._reap()
        page = _page_of(self._task)
        if status is not None and status < 0 and -status == signal.SIGKILL:
            what = "was killed (SIGKILL: out of memory?)"
        elif status is not None and status < 0:
            what = f"crashed ({_signal_name(-status)})"
        else:
            what = f"stopped without an answer (exit status {status})"
        return "error", LimitError(f"the process reading the page {what}", page=page,
                                   hint="raise the memory limit if the file is genuine")

    def kill(self) -> None:
        if not self._reaped:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self._reap()
        for fd in (self.fd, self._task_w):
            if fd in _OPEN:
                _OPEN.discard(fd)
                _close(fd)

    def _reap(self) -> int | None:
        if self._reaped:
            return None
        try:
            _, status = os.waitpid(self.pid, 0)
        except ChildProcessError:
            return None
        self._reaped = True
        return os.waitstatus_to_exitcode(status)


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:  # a signal without a name (a real-time one)
        return f"signal {number}"


def _serve(func, task_r: int, result_w: int) -> None:
    """The worker's loop: answer each task until the pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    while True:
        data = _read_message(task_r)
        if data is None:
            return
        task = pickle.loads(data)
        try:
            answer: tuple[str, Any] = ("ok", func(task))
        except BaseException as exc:  # every failure goes back as one error
            answer = ("error", _as_error(exc, task))
        try:
            out = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:
            out = pickle.dumps(("error", PipelineError(
                f"a page's answer could not be sent ({type(exc).__name__}: {exc})")))
        _write_all(result_w, _HEADER.pack(len(out)) + out)


def _as_error(exc: BaseException, task: Any) -> PipelineError:
    page = _page_of(task)
    if isinstance(exc, PipelineError):
        if exc.page is None:
            exc.page = page
        return exc
    full = str(exc)
    text = " ".join(full.split())[-160:]
    if isinstance(exc, MemoryError) or "bad_alloc" in full or "allocat" in full:
        # The same pool reads text-layer pages (under --memory-mb) and pages by OCR
        # (under --ocr-memory-mb): the message names neither as the one reached.
        return LimitError("memory limit reached while reading the page", page=page,
                          hint="raise --memory-mb (a text-layer page) or --ocr-memory-mb "
                               "(a page read by OCR) if the file is genuine")
    if type(exc).__name__ == "_CpuLimitReached":
        return LimitError("CPU time limit reached while reading the page", page=page,
                          hint="raise --timeout if the file is genuine")
    tb, library = exc.__traceback__, False
    while tb is not None:  # the innermost frame of ours or of a PDF library decides
        module = tb.tb_frame.f_globals.get("__name__", "")
        if module.startswith(("pdfminer", "pdfplumber", "pypdfium2")):
            library = True
        elif module.startswith("pipeline"):
            library = False
        tb = tb.tb_next
    if library:
        return InputError(f"truncated or damaged PDF: {type(exc).__name__}: {text}", page=page,
                          hint="download the file again, or open and re-save it in a PDF "
                               "reader")
    return PipelineError(f"internal error while reading the page: {type(exc).__name__}: {text}",
                         page=page, hint="this is a bug in the pipeline; please report it")


def _die_with_parent() -> None:
    """Have the kernel kill this worker when the reader dies (Linux; not inherited by fork)."""
    import sys

    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() == 1:
        os._exit(1)


def _close(fd: int) -> None:
    try:
        os.close(fd)
    except OSError:
        pass


def _read_message(fd: int) -> bytes | None:
    head = _read_exactly(fd, _HEADER.size)
    if head is None:
        return None
    (size,) = _HEADER.unpack(head)
    return _read_exactly(fd, size)


def _read_exactly(fd: int, n: int) -> bytes | None:
    parts = bytearray()
    while len(parts) < n:
        try:
            chunk = os.read(fd, min(n - len(parts), 1 << 20))
        except OSError:
            return None
        if not chunk:
            return None
        parts += chunk
    return bytes(parts)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]
