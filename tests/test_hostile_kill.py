"""kill -9 in the middle of a run leaves no half-written version folder in place.

The CLI is killed while its reader parses, and at several moments after the
writer's temporary folder appears.  Afterwards the output folder is either
the earlier extraction, byte for byte, or a complete new one (every file its
manifest lists, with that sha256, and nothing else); the reader process is
gone too; a later run sweeps the leftovers.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests import hostile
from tests.conftest import GOOD_PDF as FIXTURE

TEMP_PREFIX = ".tmp-"  # pipeline.write.TEMP_PREFIX, read from the folder listing




def _start(out: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "pipeline", "extract", str(FIXTURE),
                             "--out", str(out), "--force"], cwd=hostile.ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry))
    return found


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def _wait_gone(pids: list[int], seconds: float = 10) -> list[int]:
    deadline = time.monotonic() + seconds
    while any(_alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.02)
    return [p for p in pids if _alive(p)]


def test_kill_while_the_reader_parses(good_folder, tmp_path):
    out = tmp_path / "extracted" / "v1"
    shutil.copytree(good_folder, out)
    before = hostile.snapshot(out)
    proc = _start(out)
    readers: list[int] = []
    deadline = time.monotonic() + 30
    while not readers and proc.poll() is None and time.monotonic() < deadline:
        readers = _children(proc.pid)
        time.sleep(0.005)
    assert readers, "the CLI finished before a reader process was seen"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert _wait_gone(readers) == []  # the reader dies with the CLI (no orphan)
    assert hostile.snapshot(out) == before


@pytest.mark.parametrize("delay_ms", [0, 1, 3, 10, 30, 100, 300])
def test_kill_while_writing(good_folder, tmp_path, delay_ms):
    parent = tmp_path / "extracted"
    out = parent / "v1"
    shutil.copytree(good_folder, out)
    before = hostile.snapshot(out)
    proc = _start(out)
    deadline = time.monotonic() + 60
    while proc.poll() is None and time.monotonic() < deadline:
        if any(p.name.startswith(TEMP_PREFIX) for p in parent.iterdir()):
            time.sleep(delay_ms / 1000)
            break
        time.sleep(0.0005)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert out.is_dir(), "the version folder is gone"
    after = hostile.snapshot(out)
    siblings = {k for k in after if k.startswith("../")}
    files = {k: v for k, v in after.items() if k not in siblings}
    assert files == before or hostile.is_complete(out), sorted(after)
    # Whatever is left beside it is a temporary folder, swept by a later run.
    assert all(Path(s).name.startswith(TEMP_PREFIX) for s in siblings)
    old = time.time() - 3600
    for s in siblings:
        os.utime(parent / Path(s).name, (old, old))
    run = hostile.run_cli("extract", FIXTURE, "--out", out, "--force")
    assert run.returncode == 0, run.stderr
    assert hostile.is_complete(out)
    assert [p.name for p in parent.iterdir()] == ["v1"]


KILLED_BETWEEN_RENAMES = """
import os, runpy, sys
real, calls = os.rename, []
def rename(src, dst, *a, **k):
    calls.append(dst)
    if len(calls) == 2:  # the old folder has stepped aside; the new one is not in yet
        os._exit(9)
    return real(src, dst, *a, **k)
os.rename = rename
sys.argv = ["pipeline", *sys.argv[1:]]
runpy.run_module("pipeline", run_name="__main__", alter_sys=True)
"""


def test_kill_between_the_two_renames_of_a_swap(good_folder, tmp_path):
    out = tmp_path / "extracted" / "v1"
    shutil.copytree(good_folder, out)
    run = hostile.run_cli("extract", FIXTURE, "--out", out, "--force",
                          python=[sys.executable, "-c", KILLED_BETWEEN_RENAMES])
    # Either the writer swaps in one step (no second rename: it finished), or
    # the kill came between two renames; both must leave a complete folder.
    assert run.returncode in (0, 9), run.stderr
    assert out.is_dir() and hostile.is_complete(out)
