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
"""

from __future__ import annotations

import io
import logging
import math
import os
import pickle
import re
import signal
import sys
import time
import traceback
from collections.abc import Callable
from typing import Any

from ..errors import InputError, LimitError, PipelineError
from ..settings import Limits

log = logging.getLogger(__name__)

#: How the child is started: fork where it is cheap and safe, spawn elsewhere.
START_METHOD = "fork" if sys.platform.startswith("linux") else "spawn"
#: Modules the fork server imports once, so that its children need not.
FORKSERVER_PRELOAD = ("pdfplumber", "pipeline.extract")
#: Files the child may have open at once (the PDF, a few CMap files, the pipes).
MAX_OPEN_FILES = 64
#: CPU seconds between the soft limit (an error the child reports) and the hard one (SIGKILL).
CPU_GRACE_S = 5
#: Memory kept back in the child so that it can still report a MemoryError.
_BALLAST_BYTES = 4 << 20
#: How much of the child's stderr (a crash message) is kept for ``detail``: room for
#: a faulthandler stack and the list of every extension module loaded that follows
#: it (Python 3.10+; with many packages installed it runs to 10+ KB).
_STDERR_TAIL = 1 << 16
#: The faulthandler's module list: noise in a crash report, dropped from ``detail``.
_MODULE_LIST = re.compile(r"^Extension modules: .*$\n?", re.M)
#: How the faulthandler's report of a crash begins.
_CRASH_MARK = "Fatal Python error"
#: Child traceback text kept for ``detail``.
_DETAIL_CHARS = 6000
_CPU_HINT = "raise --timeout (the CPU limit follows it) if the file is genuine"
#: Longest library message quoted in an error line.
_MESSAGE_CHARS = 160

# Read ends of pipes of children still running: a later fork closes them in
# its child, so that each pipe's only writer is its own child (EOF = child gone).
_OPEN_PIPES: set[int] = set()

#: Progress messages from the child start with this (a line on its stderr, or a
#: message on its answer pipe), then JSON {"m": message, "s": more seconds}.
_PROGRESS_MARK = b"\x1e\x1fpipeline-progress "
#: In the child: where ``report_progress`` sends its messages (set by ``_child_main``).
_PROGRESS_SINK: Callable[[bytes], None] | None = None
#: True in a child whose resources this module limited (and in processes it forks):
#: only there may ``widen_limits`` touch limits (never in a caller running stages in-process).
_LIMITED = False


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


def report_progress(message: str, more_time_s: float = 0.0, wall: bool = True) -> None:
    """In the child (or a process it forked): show ``message`` to the user (the parent
    prints it on stderr, after the file's name; "" shows nothing) and add
    ``more_time_s`` to the wall-clock limit (the parent caps the total at
    (``page_s`` + ``ocr_page_s``) × ``max_pages``; not with ``wall=False``: time the
    process's workers were given already) and to this process's CPU limit (up to the
    hard limit).  Outside a sandboxed child: prints ``message`` on stderr, if any."""
    import json

    if _LIMITED and more_time_s > 0:
        _extend_cpu(more_time_s)
    if _PROGRESS_SINK is None:
        if message:
            print(message, file=sys.stderr, flush=True)
        return
    if not message and not (wall and more_time_s > 0):
        return
    line = json.dumps({"m": str(message)[:300],
                       "s": float(more_time_s) if wall else 0.0}).encode()
    _PROGRESS_SINK(_PROGRESS_MARK + line + b"\n")


def _extend_cpu(seconds: float) -> None:
    """Raise this process's soft CPU limit by ``seconds`` (no further than the hard one):
    time bought adds to what is left, it never replaces it."""
    try:
        import resource
    except ImportError:
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
    if soft == resource.RLIM_INFINITY:
        return
    new = soft + math.ceil(seconds)
    if hard != resource.RLIM_INFINITY:
        new = min(new, hard)
    try:
        resource.setrlimit(resource.RLIMIT_CPU, (new, hard))
    except (ValueError, OSError):
        pass


def widen_limits(memory_mb: int, cpu_s: float) -> None:
    """In a process forked by the child (an OCR worker): raise the soft address-space
    limit to ``memory_mb`` and allow ``cpu_s`` more CPU seconds from now, each no
    further than the hard limit the sandbox set.  Outside a sandboxed child (stages run
    in-process, as tests and notebooks do) it does nothing: the caller's limits are its own."""
    if not _LIMITED:
        return
    try:
        import resource
    except ImportError:
        return
    usage = resource.getrusage(resource.RUSAGE_SELF)
    used = usage.ru_utime + usage.ru_stime
    for which, soft in (("RLIMIT_AS", int(memory_mb) << 20),
                        ("RLIMIT_CPU", int(used + cpu_s) + 1)):
        if not hasattr(resource, which):
            continue
        res = getattr(resource, which)
        _, hard = resource.getrlimit(res)
        if hard != resource.RLIM_INFINITY:
            soft = min(soft, hard)
        try:
            resource.setrlimit(res, (soft, hard))
        except (ValueError, OSError):
            pass


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
        self._deadline = _Deadline(self._started + limits.timeout_s,
                                   _time_cap_s(limits), label)
        self._outcome: tuple[str, Any] | None = None
        method = _start_method(limits)
        self.stats["method"] = method
        if method == "fork":
            self._child = _ForkedChild(func, args, limits)
        else:
            self._child = _SpawnedChild(func, args, limits, method)
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
                kind, value, notes, info = _SafeUnpickler(io.BytesIO(data)).load()
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
                                 hint=_CPU_HINT)
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


# --------------------------------------------------------------------------- parent side

def _time_cap_s(limits: Limits) -> float:
    """The most time progress may buy: each page's text (``page_s``) and OCR (``ocr_page_s``)."""
    return limits.max_pages * (max(limits.page_s, 0) + max(limits.ocr_page_s, 0))


class _Deadline:
    """The wall-clock limit, which the child may extend (by progress messages) up to a cap."""

    def __init__(self, at: float, cap_s: float, label: str):
        self.at = at
        self._left = max(cap_s, 0.0)
        self._label = label

    def message(self, data: bytes) -> None:
        """Handle one progress message (the bytes after the mark): print, extend."""
        import json

        try:
            msg = json.loads(data.decode("utf-8", "replace"))
            text, more = str(msg.get("m", ""))[:300], float(msg.get("s", 0.0))
        except (ValueError, TypeError, AttributeError):
            return
        if more > 0:
            more = min(more, self._left)
            self._left -= more
            self.at += more
        if text:
            printable = "".join(ch for ch in text if ch.isprintable())
            print(f"{self._label}: {printable}", file=sys.stderr, flush=True)


class _ForkedChild:
    """``os.fork`` + two pipes (answer, stderr); ``wait4`` gives its resource use."""

    def __init__(self, func, args, limits: Limits):
        if sys.platform.startswith("linux"):
            import ctypes  # noqa: F401  (imported here once, not in every child)
        answer_r, answer_w = os.pipe()
        err_r, err_w = os.pipe()
        pid = os.fork()
        if pid == 0:  # child: never returns
            try:
                os.close(answer_r)
                os.close(err_r)
                for fd in _OPEN_PIPES:
                    _close_quietly(fd)
                null = os.open(os.devnull, os.O_RDWR)
                os.dup2(null, 0)
                os.dup2(null, 1)
                os.dup2(err_w, 2)
                _rebind_std_streams()
                _child_main(func, args, limits, lambda data: _write_all(answer_w, data),
                            lambda line: _write_all(2, line))
            finally:
                os._exit(0)
        os.close(answer_w)
        os.close(err_w)
        self.pid = pid
        self._fds = {answer_r: bytearray(), err_r: bytearray()}
        self._answer, self._err = answer_r, err_r
        self._max_answer = limits.memory_mb << 20
        _OPEN_PIPES.update(self._fds)
        self._reaped: tuple[int, Any] | None = None

    def wait(self, deadline: _Deadline):
        """Read both pipes to EOF, then reap: (answer, exit status or "timeout", rusage).

        Progress lines on the child's stderr go to ``deadline.message``."""
        import select

        open_fds = set(self._fds)
        while open_fds:
            remaining = deadline.at - time.monotonic()
            if remaining <= 0:
                return None, "timeout", self._kill_and_reap()
            ready, _, _ = select.select(list(open_fds), [], [], remaining)
            for fd in ready:
                chunk = os.read(fd, 1 << 16)
                if not chunk:
                    open_fds.discard(fd)
                    continue
                buf = self._fds[fd]
                buf += chunk
                if fd == self._err:
                    self._progress(buf, deadline)
                    if len(buf) > 2 * _STDERR_TAIL:
                        del buf[:-_STDERR_TAIL]
                if fd == self._answer and len(buf) > self._max_answer:
                    return None, "oversize", self._kill_and_reap()
        status, usage = self._reap(deadline.at)
        if isinstance(status, str):
            return None, status, usage
        return bytes(self._fds[self._answer]), status, usage

    def stderr_tail(self) -> str:
        text = _MODULE_LIST.sub("", bytes(self._fds[self._err][-_STDERR_TAIL:])
                                .decode("utf-8", "replace"))
        # A crash's stack is printed most recent call first: keep its start.
        crash = text.rfind(_CRASH_MARK)
        return text[crash:crash + _DETAIL_CHARS] if crash >= 0 else text[-_DETAIL_CHARS:]

    @staticmethod
    def _progress(buf: bytearray, deadline: _Deadline) -> None:
        """Take the complete progress lines out of the stderr buffer ``buf``."""
        while True:
            start = buf.find(_PROGRESS_MARK)
            if start < 0:
                return
            end = buf.find(b"\n", start)
            if end < 0:
                if len(buf) - start > 4096:  # no newline in sight: not a message
                    del buf[start:start + len(_PROGRESS_MARK)]
                    continue
                return
            deadline.message(bytes(buf[start + len(_PROGRESS_MARK):end]))
            del buf[start:end + 1]

    def _reap(self, deadline: float):
        # The pipes are closed: the child is exiting.  Wait for it, but never
        # past the deadline (a grandchild could hold a pipe open).
        import select

        pidfd = _pidfd(self.pid)
        try:
            while True:
                pid, status, usage = os.wait4(self.pid, os.WNOHANG)
                if pid:
                    self._reaped = (status, usage)
                    return os.waitstatus_to_exitcode(status), usage
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return "timeout", self._kill_and_reap()
                if pidfd is not None:  # readable once the child has exited
                    select.select([pidfd], [], [], remaining)
                else:
                    time.sleep(min(0.002, remaining))
        finally:
            if pidfd is not None:
                os.close(pidfd)

    def _kill_and_reap(self):
        self.kill()
        return self._reaped[1] if self._reaped else None

    def kill(self) -> None:
        if self._reaped is None:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            _, status, usage = os.wait4(self.pid, 0)
            self._reaped = (status, usage)
        for fd in self._fds:
            if fd in _OPEN_PIPES:
                _OPEN_PIPES.discard(fd)
                _close_quietly(fd)


class _SpawnedChild:
    """A multiprocessing child ("forkserver" or "spawn"): a Pipe and a sentinel."""

    def __init__(self, func, args, limits: Limits, method: str):
        import multiprocessing

        ctx = multiprocessing.get_context(method)
        if method == "forkserver":
            ctx.set_forkserver_preload(list(FORKSERVER_PRELOAD))
        self._conn, child_conn = ctx.Pipe(duplex=False)
        self._proc = ctx.Process(target=_spawn_main, args=(child_conn, func, args, limits),
                                 daemon=True)
        self._proc.start()
        child_conn.close()
        self.pid = self._proc.pid

    def wait(self, deadline: _Deadline):
        from multiprocessing.connection import wait

        data = None
        while True:
            remaining = max(deadline.at - time.monotonic(), 0)
            ready = wait([self._conn, self._proc.sentinel], remaining)
            if not ready:
                self.kill()
                return None, "timeout", None
            if self._conn not in ready:
                break
            try:
                data = self._conn.recv_bytes()
            except (EOFError, OSError):
                data = None
                break
            if not data.startswith(_PROGRESS_MARK):
                break
            deadline.message(data[len(_PROGRESS_MARK):].rstrip(b"\n"))
            data = None
        self._proc.join(max(deadline.at - time.monotonic(), 0))
        if self._proc.exitcode is None:
            self.kill()
            return None, "timeout", None
        return data, self._proc.exitcode, None

    def stderr_tail(self) -> str:
        return ""

    def kill(self) -> None:
        if self._proc.exitcode is None:
            self._proc.kill()
            self._proc.join()
        self._conn.close()


class _SafeUnpickler(pickle.Unpickler):
    """Unpickle only plain data and classes defined in ``pipeline`` modules."""

    SAFE = {
        ("builtins", n) for n in ("dict", "list", "set", "frozenset", "tuple", "bytes",
                                  "bytearray", "str", "int", "float", "complex", "bool",
                                  "slice", "range")
    } | {("datetime", n) for n in ("date", "datetime", "time", "timedelta", "timezone")} | {
        ("collections", "OrderedDict"), ("decimal", "Decimal"),
        ("pathlib", "Path"), ("pathlib", "PosixPath"), ("pathlib", "PurePosixPath"),
        ("pathlib", "WindowsPath"), ("pathlib", "PureWindowsPath"),
    }

    def find_class(self, module: str, name: str):
        if (module, name) in self.SAFE:
            return super().find_class(module, name)
        if (module == "pipeline" or module.startswith("pipeline.")) and "." not in name:
            obj = super().find_class(module, name)
            if isinstance(obj, type) and obj.__module__ == module:
                return obj
        raise pickle.UnpicklingError(f"{module}.{name} may not cross from the reader process")


# --------------------------------------------------------------------------- child side

class _CpuLimitReached(BaseException):
    """Raised in the child at the soft CPU limit (a BaseException: ``except Exception`` in
    library code must not swallow it)."""


def _spawn_main(conn, func, args, limits: Limits) -> None:
    try:
        _let_the_fork_server_go()
        null = os.open(os.devnull, os.O_RDWR)
        os.dup2(null, 1)
        os.dup2(null, 2)
        _rebind_std_streams()
        _child_main(func, args, limits, conn.send_bytes)
    finally:
        os._exit(0)


def _let_the_fork_server_go() -> None:
    # A fork server's child inherits the client's "alive" pipe, and the server
    # lives until every copy is closed.  Close ours: when the client dies, the
    # server exits and this child (whose parent it is) dies with it.
    try:
        from multiprocessing import forkserver

        server = forkserver._forkserver
        if server._forkserver_alive_fd is not None:
            os.close(server._forkserver_alive_fd)
            server._forkserver_alive_fd = None
    except (ImportError, AttributeError, OSError):
        pass


def _rebind_std_streams() -> None:
    # sys.stdout may be a test runner's capture file, which the child may not
    # write (RLIMIT_FSIZE 0): point the Python streams at the new fds 1 and 2.
    import faulthandler

    sys.stdout = open(1, "w", closefd=False)
    sys.stderr = open(2, "w", buffering=1, closefd=False)
    # A crash dumps its Python stack into fd 2 (kept as the error's detail),
    # not into whatever file the parent's faulthandler was writing.
    faulthandler.enable(sys.stderr)


def _child_main(func, args, limits: Limits, send: Callable[[bytes], None],
                progress: Callable[[bytes], None] | None = None) -> None:
    """Limit this process, run ``func(*args)``, send one pickled answer; never raise.

    ``progress`` sends ``report_progress`` messages (default: ``send``)."""
    global _PROGRESS_SINK
    _PROGRESS_SINK = progress or send
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    _die_with_parent()
    start_vm_mb = _vm_mb()
    info = {"start_vm_mb": start_vm_mb}
    _limit_resources(limits)
    notes = _capture_notes()
    ballast = bytearray(_BALLAST_BYTES)
    try:
        answer = ("ok", func(*args))
    except BaseException as exc:  # every failure becomes one PipelineError
        del ballast
        answer = ("error", _explain(exc, limits, start_vm_mb))
    try:
        info.update(_own_usage())
        data = pickle.dumps((*answer, notes[:50], info), protocol=pickle.HIGHEST_PROTOCOL)
    except BaseException as exc:
        err = _explain(exc, limits, start_vm_mb) if isinstance(exc, MemoryError) else PipelineError(
            f"the reader's answer could not be sent ({type(exc).__name__}: {exc})")
        data = pickle.dumps(("error", err, notes[:50], info))
    send(data)


def _start_method(limits: Limits) -> str:
    """fork while this process is light and single-threaded, else the fork server."""
    if START_METHOD != "fork":
        return START_METHOD
    import threading

    if threading.active_count() > 1 or _vm_mb() > limits.memory_mb / 2:
        return "forkserver"
    return "fork"


def _own_usage() -> dict[str, float]:
    try:
        import resource
    except ImportError:
        return {}
    usage = resource.getrusage(resource.RUSAGE_SELF)
    scale = 1 << 20 if sys.platform == "darwin" else 1 << 10  # ru_maxrss: bytes / KiB
    return {"max_rss_mb": round(usage.ru_maxrss * scale / (1 << 20), 1),
            "cpu_s": round(usage.ru_utime + usage.ru_stime, 3)}


def _limit_resources(limits: Limits) -> None:
    global _LIMITED
    try:
        import resource
    except ImportError:  # Windows: only the parent's wall clock applies
        return
    mem = int(limits.memory_mb) << 20
    # The hard limits leave room for what pages may buy: OCR workers' memory
    # (``widen_limits``), and CPU seconds per page read (``report_progress``) and per
    # page OCR'd for every page the file may have.
    ocr_mem = max(int(limits.ocr_memory_mb), int(limits.memory_mb)) << 20
    more_cpu = int(_time_cap_s(limits))
    for which, soft, hard in (
        ("RLIMIT_AS", mem, ocr_mem),
        ("RLIMIT_CPU", int(limits.cpu_s), int(limits.cpu_s) + CPU_GRACE_S + more_cpu),
        ("RLIMIT_FSIZE", 0, 0),
        ("RLIMIT_NOFILE", MAX_OPEN_FILES, MAX_OPEN_FILES),
        ("RLIMIT_CORE", 0, 0),
    ):
        if not hasattr(resource, which):
            continue
        res = getattr(resource, which)
        _, cur_hard = resource.getrlimit(res)
        if cur_hard != resource.RLIM_INFINITY:
            soft, hard = min(soft, cur_hard), min(hard, cur_hard)
        try:
            resource.setrlimit(res, (soft, hard))
        except (ValueError, OSError):  # e.g. RLIMIT_AS on macOS
            pass
    _LIMITED = True
    if hasattr(signal, "SIGXCPU"):
        signal.signal(signal.SIGXCPU, _on_cpu_limit)


def _on_cpu_limit(signum, frame):
    raise _CpuLimitReached


def _die_with_parent() -> None:
    """Have the kernel kill this child if the parent dies (Linux), so none is orphaned."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() == 1:  # the parent died before prctl took effect
        os._exit(1)


def _vm_mb() -> float:
    try:
        with open("/proc/self/status", "rb") as f:
            for line in f:
                if line.startswith(b"VmSize:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return 0.0


def _capture_notes() -> list[str]:
    """Collect the child's log records (WARNING and up) and warnings instead of printing them."""
    import warnings

    notes: list[str] = []

    class _Keep(logging.Handler):
        def emit(self, record):
            if len(notes) < 200:
                try:
                    notes.append(f"{record.name}: {record.getMessage()}"[:300])
                except Exception:
                    notes.append(f"{record.name}: {record.msg!r}"[:300])

    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    root.addHandler(_Keep(logging.WARNING))
    logging.lastResort = None

    def _showwarning(message, category, filename, lineno, file=None, line=None):
        if len(notes) < 200:
            notes.append(f"{category.__name__}: {message}"[:300])

    warnings.showwarning = _showwarning
    return notes


# --------------------------------------------------------------------------- explaining

def _explain(exc: BaseException, limits: Limits, start_vm_mb: float = 0.0) -> PipelineError:
    """One ``PipelineError`` for any exception raised while reading."""
    exc = _unwrap(exc)
    if isinstance(exc, PipelineError):
        return exc
    where = _where(exc.__traceback__)
    if isinstance(exc, MemoryError) or _out_of_address_space(exc):
        traceback.clear_frames(exc.__traceback__)
        started = (f" (it started at {start_vm_mb:,.0f} MB)"
                   if start_vm_mb > max(limits.memory_mb / 2, 200) else "")
        err: PipelineError = LimitError(
            f"memory limit of {limits.memory_mb} MB reached while reading{started}",
            hint="raise it with --memory-mb if the file is genuine")
    elif isinstance(exc, _CpuLimitReached):
        err = LimitError(f"CPU time limit of {limits.cpu_s} s reached while reading",
                         hint=_CPU_HINT)
    elif isinstance(exc, RecursionError):
        err = InputError("damaged PDF: its objects nest too deeply (circular references?)")
    elif type(exc).__name__ == "PDFPasswordIncorrect":
        err = InputError("encrypted PDF: a password is needed",
                         hint="ask the publisher for a copy without a password")
    elif type(exc).__name__ in ("PDFEncryptionError", "PDFEncryptionWarning"):
        err = InputError(f"encrypted PDF: its encryption is not supported ({_brief(exc)})")
    elif where["library"]:
        err = InputError(f"truncated or damaged PDF: {_brief(exc)}",
                         hint="download the file again, or open and re-save it in a PDF reader")
    else:
        err = PipelineError(f"internal error while reading: {_brief(exc)} at {where['frame']}",
                            hint="this is a bug in the pipeline; please report it")
    if err.page is None and where["page"] is not None:
        err.page = where["page"]
    if where["objid"] is not None and "object" not in err.what:
        err.what += f" (object {where['objid']})"
    err.args = (err.message(),)
    err.detail = "".join(traceback.format_exception(exc))[-_DETAIL_CHARS:]
    return err


def _out_of_address_space(exc: BaseException) -> bool:
    # Under RLIMIT_AS a shared library that cannot be mapped fails to import.
    text = str(exc)
    return isinstance(exc, (ImportError, OSError)) and (
        "failed to map segment" in text or "Cannot allocate memory" in text)


def _unwrap(exc: BaseException) -> BaseException:
    # pdfplumber re-raises every pdfminer error as PdfminerException(original).
    while (type(exc).__name__ == "PdfminerException" and exc.args
           and isinstance(exc.args[0], BaseException)):
        exc = exc.args[0]
    return exc


def _where(tb) -> dict[str, Any]:
    """Page number, object id and innermost frame of a traceback (best effort)."""
    out: dict[str, Any] = {"page": None, "objid": None, "library": False, "frame": "?"}
    innermost_own = None
    while tb is not None:
        frame = tb.tb_frame
        filename = frame.f_code.co_filename
        module = frame.f_globals.get("__name__", "")
        for value in frame.f_locals.values():
            kind = type(value)
            if kind.__name__ == "Page" and kind.__module__ == "pdfplumber.page":
                out["page"] = getattr(value, "page_number", out["page"])
        if module.startswith("pipeline") and isinstance(frame.f_locals.get("page_number"), int):
            out["page"] = frame.f_locals["page_number"]
        if module.startswith("pdfminer") and isinstance(frame.f_locals.get("objid"), int):
            out["objid"] = frame.f_locals["objid"]
        if module.startswith(("pdfminer", "pdfplumber")):
            out["library"] = True
        elif module.startswith("pipeline"):
            innermost_own = f"{os.path.basename(filename)}:{tb.tb_lineno}"
            out["library"] = False  # the failing code below this frame is ours
        tb = tb.tb_next
    out["frame"] = innermost_own or "?"
    return out


def _brief(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or "(no message)"
    if len(text) > _MESSAGE_CHARS:
        text = text[:_MESSAGE_CHARS] + "…"
    return f"{type(exc).__name__}: {text}"


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _pidfd(pid: int) -> int | None:
    try:
        return os.pidfd_open(pid)
    except (AttributeError, OSError):  # not Linux >= 5.3
        return None


def _close_quietly(fd: int) -> None:
    try:
        os.close(fd)
    except OSError:
        pass
