"""The sandbox: every way a child can fail becomes one clear PipelineError in the parent."""

from __future__ import annotations

import os
import pickle
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest

from pipeline.errors import InputError, LayoutError, LimitError, PipelineError
from pipeline.safety import sandbox
from pipeline.settings import DEFAULT_LIMITS

ROOT = Path(__file__).resolve().parent.parent
# The child inherits this process's address space (pytest, and whatever other test
# modules imported): the memory limit must leave room above it.
MEMORY_MB = int(sandbox._vm_mb()) + 256
SMALL = replace(DEFAULT_LIMITS, memory_mb=MEMORY_MB, cpu_s=20, timeout_s=30)


@pytest.fixture(autouse=True, params=["fork", "forkserver"])
def method(request, monkeypatch):
    """Each test runs with children forked from pytest, and from the fork server."""
    monkeypatch.setattr(sandbox, "_start_method", lambda limits: request.param)
    return request.param


def _run(func, *args, limits=SMALL):
    return sandbox.run_isolated(func, *args, limits=limits, label="bad.pdf")


def _fails(func, *args, limits=SMALL) -> PipelineError:
    with pytest.raises(PipelineError) as info:
        _run(func, *args, limits=limits)
    err = info.value
    assert "\n" not in str(err) and "Traceback" not in str(err)
    assert str(err).startswith("bad.pdf")
    return err


# Module-level so that the spawn start method can pickle them by name.
def double(x):
    return {"rows": [x, x * 2], "path": Path("a.pdf")}


def raise_layout_error():
    raise LayoutError("no table of the expected shape found", page=3, hint="look at it")


def _gone(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] == "Z"  # a zombie is dead
    except FileNotFoundError:
        return True


def test_value_comes_back():
    assert _run(double, 21) == {"rows": [21, 42], "path": Path("a.pdf")}


def test_start_then_wait_lets_the_parent_work_meanwhile():
    job = sandbox.start_isolated(time.sleep, 0.3, limits=SMALL, label="x.pdf")
    assert not _gone(job.pid)  # running while the parent goes on
    assert job.result() is None
    assert _gone(job.pid)
    assert {"wall_s", "cpu_s", "max_rss_mb", "start_vm_mb", "result_bytes"} <= set(job.stats)


def test_two_children_at_once_answer_independently():
    slow = sandbox.start_isolated(time.sleep, 2, limits=SMALL, label="slow.pdf")
    fast = sandbox.start_isolated(double, 1, limits=SMALL, label="fast.pdf")
    assert fast.result()["rows"] == [1, 2]
    assert not _gone(slow.pid)  # the fast answer did not wait for the slow child
    slow.cancel()
    assert _gone(slow.pid)


def test_pipeline_error_passes_through_unchanged():
    err = _fails(raise_layout_error)
    assert type(err) is LayoutError
    assert (err.file, err.page, err.hint) == ("bad.pdf", 3, "look at it")
    assert err.what == "no table of the expected shape found"


def test_library_exception_is_a_damaged_pdf():
    from pdfminer.utils import parse_rect

    err = _fails(parse_rect, (1, 2))  # raises PDFValueError inside pdfminer
    assert type(err) is InputError
    assert "truncated or damaged PDF: PDFValueError" in err.what
    assert "parse_rect" in err.detail  # the child's traceback, for --debug


def test_bug_in_our_code_is_called_a_bug():
    err = _fails(dict().__getitem__, "missing")
    assert "internal error while reading: KeyError" in err.what


def test_memory_limit():
    err = _fails(bytearray, 1 << 30)
    assert type(err) is LimitError
    assert err.what.startswith(f"memory limit of {MEMORY_MB} MB reached while reading")


def test_cpu_limit():
    err = _fails(_spin, limits=replace(SMALL, cpu_s=1))
    assert type(err) is LimitError
    assert err.what == "CPU time limit of 1 s reached while reading"


def _spin():
    while True:
        pass


def test_wall_clock_timeout_kills_and_reaps_the_child():
    job = sandbox.start_isolated(time.sleep, 60, limits=replace(SMALL, timeout_s=1),
                                 label="bad.pdf")
    with pytest.raises(LimitError, match=r"^bad.pdf: timed out after 1 s while reading"):
        job.result()
    assert _gone(job.pid)


def test_crash_is_reported_not_hidden(method):
    err = _fails(_segfault)
    assert "the reader crashed (SIGSEGV)" in err.what
    if method == "fork":
        assert "_segfault" in err.detail  # the child's faulthandler dump, kept for --debug


def _segfault():
    os.kill(os.getpid(), signal.SIGSEGV)


def test_crash_stack_survives_a_long_module_list(method):
    # CI's Python printed 171 extension modules after a deep stack (pytest's frames
    # under the child's) and the kept tail held only the list and the stack's bottom:
    # the stack's top (the frame that crashed) is kept, the list dropped.
    err = _fails(_segfault_after_module_list)
    if method == "fork":
        assert "in _stack_frame_to_keep" in err.detail
        assert "Extension modules" not in err.detail and "zz_module" not in err.detail


def _segfault_after_module_list():
    import faulthandler

    faulthandler.disable()
    modules = ", ".join(f"zz_module_{i}.core" for i in range(2000))  # ~40 KB, as one line
    callers = "".join(f'  File "/a/long/path/to/site-packages/_pytest/frame{i}.py", line {i} '
                      f"in caller_{i}\n" for i in range(100))  # faulthandler's most: ~9 KB
    os.write(2, ("some warning printed earlier\nFatal Python error: Segmentation fault\n\n"
                 "Current thread (most recent call first):\n"
                 '  File "x.py", line 1 in _stack_frame_to_keep\n'
                 f"{callers}\nExtension modules: {modules} (total: 2000)\n").encode())
    os.kill(os.getpid(), signal.SIGSEGV)


def test_child_cannot_write_files(tmp_path):
    target = tmp_path / "written.txt"
    err = _fails(target.write_text, "data")
    assert "File too large" in err.what
    assert not target.exists() or target.stat().st_size == 0


def test_child_output_does_not_reach_the_terminal(capfd):
    _run(print, "noise from the child")
    assert "noise" not in capfd.readouterr().out


def test_child_warnings_are_collected_not_printed(capfd):
    import logging

    job = sandbox.start_isolated(logging.getLogger("pdfminer.x").warning, "repaired xref",
                                 limits=SMALL, label="x.pdf")
    job.result()
    assert job.warnings == ["pdfminer.x: repaired xref"]
    assert "repaired" not in capfd.readouterr().err


def test_answer_of_a_foreign_type_is_refused():
    with pytest.raises(TypeError, match="may not cross"):
        _run(_make_popen_like)


class _Foreign:  # defined outside pipeline: not on the allow-list
    pass


def _make_popen_like():
    return _Foreign()


def test_unpickler_refuses_code():
    payload = pickle.dumps(os.system)  # a subverted child could send this
    with pytest.raises(pickle.UnpicklingError, match="may not cross"):
        sandbox._SafeUnpickler(__import__("io").BytesIO(payload)).load()


def test_spawn_start_method(monkeypatch):
    monkeypatch.setattr(sandbox, "_start_method", lambda limits: "spawn")
    assert _run(double, 2)["rows"] == [2, 4]
    with pytest.raises(LayoutError):
        _run(raise_layout_error)


def test_fork_only_from_a_light_single_threaded_parent(monkeypatch):
    import threading

    monkeypatch.undo()  # the real choice, not the fixture's
    limits = replace(DEFAULT_LIMITS, memory_mb=1024)
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    monkeypatch.setattr(sandbox, "_vm_mb", lambda: 60.0)
    assert sandbox._start_method(limits) == "fork"
    monkeypatch.setattr(sandbox, "_vm_mb", lambda: 640.0)  # pandas + great_expectations
    assert sandbox._start_method(limits) == "forkserver"
    monkeypatch.setattr(sandbox, "_vm_mb", lambda: 60.0)
    monkeypatch.setattr(threading, "active_count", lambda: 2)
    assert sandbox._start_method(limits) == "forkserver"


def test_a_heavy_parent_gets_a_light_child(monkeypatch):
    import mmap

    monkeypatch.undo()
    limits = replace(DEFAULT_LIMITS, memory_mb=1024)
    # Map (without touching) more than the whole memory limit in this process.
    reserved = mmap.mmap(-1, limits.memory_mb << 20)
    try:
        job = sandbox.start_isolated(double, 3, limits=limits, label="x.pdf")
        assert job.result()["rows"] == [3, 6]
        assert job.stats["method"] == "forkserver"
        assert job.stats["start_vm_mb"] < limits.memory_mb / 2  # a fresh, light process
    finally:
        reserved.close()


CHILD_OF_KILLED_PARENT = """
import sys, time
sys.path.insert(0, {root!r})
from pipeline.safety import sandbox
from pipeline.settings import DEFAULT_LIMITS
sandbox._start_method = lambda limits: {method!r}
job = sandbox.start_isolated(time.sleep, 120, limits=DEFAULT_LIMITS, label="x.pdf")
print(job.pid, flush=True)
time.sleep(120)
"""


def test_child_dies_with_its_parent(method):
    script = CHILD_OF_KILLED_PARENT.format(root=str(ROOT), method=method)
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    child = int(parent.stdout.readline())
    assert not _gone(child)
    parent.kill()  # SIGKILL: no chance to clean up
    parent.wait()
    deadline = time.monotonic() + 10
    while not _gone(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _gone(child)
