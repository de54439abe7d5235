"""The parent's handle on a sandboxed child: started, read, timed, killed, reaped.

    ForkedChild(func, args, limits)            ``os.fork`` + answer and stderr pipes (Linux)
    SpawnedChild(func, args, limits, method)   a multiprocessing child (fork server or spawn)
    .wait(deadline) → (answer bytes, exit status or "timeout"/"oversize", rusage)
    Deadline      the wall clock, moved by the child's progress messages up to a cap
    SafeUnpickler the child's answer: plain data and classes defined in ``pipeline`` only

Part of ``sandbox`` (split along its seams; the module docstring there says the whole).
"""

from __future__ import annotations

import os
import pickle
import re
import signal
import sys
import time
from typing import Any

from ..settings import Limits
from .child import PROGRESS_MARK, rebind_std_streams, run_child, spawn_main
from .explain import DETAIL_CHARS

#: Modules the fork server imports once, so that its children need not.
FORKSERVER_PRELOAD = ("pdfplumber", "pipeline.extract")
#: How much of the child's stderr (a crash message) is kept for ``detail``: room for
#: a faulthandler stack and the list of every extension module loaded that follows
#: it (Python 3.10+; with many packages installed it runs to 10+ KB).
_STDERR_TAIL = 1 << 16
#: The faulthandler's module list: noise in a crash report, dropped from ``detail``.
_MODULE_LIST = re.compile(r"^Extension modules: .*$\n?", re.M)
#: How the faulthandler's report of a crash begins.
_CRASH_MARK = "Fatal Python error"

# Read ends of pipes of children still running: a later fork closes them in
# its child, so that each pipe's only writer is its own child (EOF = child gone).
_OPEN_PIPES: set[int] = set()


class Deadline:
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


class ForkedChild:
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
                rebind_std_streams()
                run_child(func, args, limits, lambda data: _write_all(answer_w, data),
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

    def wait(self, deadline: Deadline):
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
        return text[crash:crash + DETAIL_CHARS] if crash >= 0 else text[-DETAIL_CHARS:]

    @staticmethod
    def _progress(buf: bytearray, deadline: Deadline) -> None:
        """Take the complete progress lines out of the stderr buffer ``buf``."""
        while True:
            start = buf.find(PROGRESS_MARK)
            if start < 0:
                return
            end = buf.find(b"\n", start)
            if end < 0:
                if len(buf) - start > 4096:  # no newline in sight: not a message
                    del buf[start:start + len(PROGRESS_MARK)]
                    continue
                return
            deadline.message(bytes(buf[start + len(PROGRESS_MARK):end]))
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


class SpawnedChild:
    """A multiprocessing child ("forkserver" or "spawn"): a Pipe and a sentinel."""

    def __init__(self, func, args, limits: Limits, method: str):
        import multiprocessing

        ctx = multiprocessing.get_context(method)
        if method == "forkserver":
            ctx.set_forkserver_preload(list(FORKSERVER_PRELOAD))
        self._conn, child_conn = ctx.Pipe(duplex=False)
        self._proc = ctx.Process(target=spawn_main, args=(child_conn, func, args, limits),
                                 daemon=True)
        self._proc.start()
        child_conn.close()
        self.pid = self._proc.pid

    def wait(self, deadline: Deadline):
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
            if not data.startswith(PROGRESS_MARK):
                break
            deadline.message(data[len(PROGRESS_MARK):].rstrip(b"\n"))
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


class SafeUnpickler(pickle.Unpickler):
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
