"""The sandboxed child's side: limits set on itself, the one answer sent, progress asked for.

    run_child(func, args, limits, send, progress)   limit this process, run ``func``, answer
    report_progress(message, more_time_s)          (in the child) a line for the user, more time
                                                   (wall clock and this process's CPU)
    widen_limits(memory_mb, cpu_s)                 (in a child's worker) soft limits up to the hard

Part of ``sandbox`` (split along its seams; the module docstring there says the whole);
everything here runs in the child or in processes it forks, except ``time_cap_s`` and
``vm_mb``, which the parent asks too.
"""

from __future__ import annotations

import logging
import math
import os
import pickle
import signal
import sys
from collections.abc import Callable

from ..errors import PipelineError
from ..settings import Limits
from .explain import CpuLimitReached, explain_exception

#: Files the child may have open at once (the PDF, a few CMap files, the pipes).
MAX_OPEN_FILES = 64
#: CPU seconds between the soft limit (an error the child reports) and the hard one (SIGKILL).
CPU_GRACE_S = 5
#: Memory kept back in the child so that it can still report a MemoryError.
_BALLAST_BYTES = 4 << 20

#: Progress messages from the child start with this (a line on its stderr, or a
#: message on its answer pipe), then JSON {"m": message, "s": more seconds}.
PROGRESS_MARK = b"\x1e\x1fpipeline-progress "
#: In the child: where ``report_progress`` sends its messages (set by ``run_child``).
_PROGRESS_SINK: Callable[[bytes], None] | None = None
#: True in a child whose resources this module limited (and in processes it forks):
#: only there may ``widen_limits`` touch limits (never in a caller running stages in-process).
_LIMITED = False


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
    _PROGRESS_SINK(PROGRESS_MARK + line + b"\n")


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


def time_cap_s(limits: Limits) -> float:
    """The most time progress may buy: each page's text (``page_s``) and OCR (``ocr_page_s``)."""
    return limits.max_pages * (max(limits.page_s, 0) + max(limits.ocr_page_s, 0))


def spawn_main(conn, func, args, limits: Limits) -> None:
    try:
        _let_the_fork_server_go()
        null = os.open(os.devnull, os.O_RDWR)
        os.dup2(null, 1)
        os.dup2(null, 2)
        rebind_std_streams()
        run_child(func, args, limits, conn.send_bytes)
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


def rebind_std_streams() -> None:
    # sys.stdout may be a test runner's capture file, which the child may not
    # write (RLIMIT_FSIZE 0): point the Python streams at the new fds 1 and 2.
    import faulthandler

    sys.stdout = open(1, "w", closefd=False)
    sys.stderr = open(2, "w", buffering=1, closefd=False)
    # A crash dumps its Python stack into fd 2 (kept as the error's detail),
    # not into whatever file the parent's faulthandler was writing.
    faulthandler.enable(sys.stderr)


def run_child(func, args, limits: Limits, send: Callable[[bytes], None],
                progress: Callable[[bytes], None] | None = None) -> None:
    """Limit this process, run ``func(*args)``, send one pickled answer; never raise.

    ``progress`` sends ``report_progress`` messages (default: ``send``)."""
    global _PROGRESS_SINK
    _PROGRESS_SINK = progress or send
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    _die_with_parent()
    start_vm_mb = vm_mb()
    info = {"start_vm_mb": start_vm_mb}
    _limit_resources(limits)
    notes = _capture_notes()
    ballast = bytearray(_BALLAST_BYTES)
    try:
        answer = ("ok", func(*args))
    except BaseException as exc:  # every failure becomes one PipelineError
        del ballast
        answer = ("error", explain_exception(exc, limits, start_vm_mb))
    try:
        info.update(_own_usage())
        data = _dumps((*answer, notes[:50], info))
    except BaseException as exc:
        err = (explain_exception(exc, limits, start_vm_mb) if isinstance(exc, MemoryError)
               else PipelineError(f"the reader's answer could not be sent "
                                  f"({type(exc).__name__}: {exc})"))
        data = _dumps(("error", err, notes[:50], info))
    send(data)


def _dumps(answer: tuple) -> bytes:
    """The answer pickled, exceptions as Python pickles them (their class and arguments).
    A forked child inherits its parent's copyreg reducers: in a process that imported Dask
    every exception class has tblib's, which the parent's unpickler does not let cross."""
    import copyreg
    import io
    from types import TracebackType

    out = io.BytesIO()
    pickler = pickle.Pickler(out, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = {
        kind: reduce for kind, reduce in copyreg.dispatch_table.items()
        if kind is not TracebackType
        and not (isinstance(kind, type) and issubclass(kind, BaseException))}
    pickler.dump(answer)
    return out.getvalue()


def _own_usage() -> dict[str, float]:
    try:
        import resource
    except ImportError:
        return {}
    usage = resource.getrusage(resource.RUSAGE_SELF)
    # The page workers it forked (and reaped) count too, as ``wait4`` counts them for a
    # forked child: the CPU of an OCR'd notice is mostly theirs.
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    scale = 1 << 20 if sys.platform == "darwin" else 1 << 10  # ru_maxrss: bytes / KiB
    return {"max_rss_mb": round(usage.ru_maxrss * scale / (1 << 20), 1),
            "cpu_s": round(usage.ru_utime + usage.ru_stime
                           + workers.ru_utime + workers.ru_stime, 3)}


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
    more_cpu = int(time_cap_s(limits))
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
    raise CpuLimitReached


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


def vm_mb() -> float:
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
