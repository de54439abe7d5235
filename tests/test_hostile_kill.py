"""kill -9 in the middle of a run leaves no half-written version folder in place.

The CLI is killed while its reader parses, at several moments after the
writer's temporary folder appears, and (SIGKILL sent to itself from a hook) at
each stage of `extract --validate`: writing the tables, running the suites,
writing the reports, writing the manifest, before and after the swap, and
while a failing extraction goes beside a valid one.  Afterwards the output
folder is either the earlier extraction, byte for byte, or a complete new one
(every file its manifest lists, with that sha256, validation reports included);
the reader process is gone too; a later run sweeps the leftovers.
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
from tests.test_batch_swap import render_pair

TEMP_PREFIX = ".tmp-"  # pipeline.output.write.TEMP_PREFIX, read from the folder listing
INVALID = ".invalid"  # pipeline.batch.local.INVALID_SUFFIX




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


@pytest.mark.parametrize("delay_ms", [0, 3, 30, 300])
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


# Runs the CLI with a hook that sends SIGKILL to the CLI itself at one stage:
# argv[1] names the stage, the rest is the command line.
KILL_AT = """
import os, pathlib, runpy, signal, sys
stage = sys.argv.pop(1)
import pipeline.output.write as write
import pipeline.quality.validate.report as report, pipeline.quality.validate.run as validate
def die():
    os.kill(os.getpid(), signal.SIGKILL)
def hook(module, name, nth=1, after=False, when=lambda *a: True):
    real, calls = getattr(module, name), []
    def hooked(*args, **kwargs):
        if when(*args):
            calls.append(1)
        hit = len(calls) == nth and when(*args)
        if hit and not after:
            die()
        out = real(*args, **kwargs)
        if hit and after:
            die()
        return out
    setattr(module, name, hooked)
if stage == "write":  # tables written, notice.json not yet
    hook(pathlib.Path, "write_text", when=lambda path, *a: path.name == "notice.json")
elif stage == "validate":  # in the middle of the suites: one frame checked
    hook(validate, "_run_frame", nth=2)
elif stage == "report":  # validation.json written, validation.html not yet
    hook(report, "_write_atomic", nth=2)
elif stage == "manifest":
    hook(write, "_write_manifest")
elif stage == "before-swap":
    hook(write, "_move_into_place")
elif stage == "after-swap":  # the new folder in place, the old one not yet deleted
    hook(write, "_exchange", after=True)
elif stage == "into-invalid":  # failing output renamed in beside the valid folder
    hook(os, "rename", after=True, when=lambda src, dst, *a: str(dst).endswith(".invalid"))
elif stage == "discard":  # an old .invalid folder renamed away, not yet deleted
    hook(os, "rename", after=True, when=lambda src, *a: str(src).endswith(".invalid"))
sys.argv = ["pipeline", *sys.argv[1:]]
runpy.run_module("pipeline", run_name="__main__", alter_sys=True)
"""
STAGES = ["write", "validate", "report", "manifest", "before-swap", "after-swap"]


@pytest.fixture(scope="module")
def lists(tmp_path_factory):
    return render_pair(tmp_path_factory.mktemp("lists"))


def _killed_at(stage: str, pdf: Path, out: Path, *flags: str) -> None:
    run = hostile.run_cli(stage, "extract", pdf, "--out", out, "--validate", *flags,
                          python=[sys.executable, "-c", KILL_AT])
    assert run.returncode == -signal.SIGKILL, (stage, run.returncode, run.stderr[-800:])


def _files(after: dict) -> dict:
    return {k: v for k, v in after.items() if not k.startswith("../")}


def _validated(folder: Path) -> bool:
    import json

    listed = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["files"]
    return hostile.is_complete(folder) and {"validation.json", "validation.html"} <= set(listed)


def _sweep_leftovers(parent: Path, siblings: set[str], pdf: Path, out: Path) -> None:
    old = time.time() - 3600
    for s in siblings:
        os.utime(parent / Path(s).name, (old, old))
    run = hostile.run_cli("extract", pdf, "--out", out, "--force")
    assert run.returncode == 0, run.stderr


def _stages(stages, fast):
    """Every stage (make test-all); the ``fast`` ones in make test too."""
    return [s if s in fast else pytest.param(s, marks=pytest.mark.slow) for s in stages]


@pytest.mark.parametrize("stage", _stages(STAGES, fast={"write", "before-swap"}))
def test_kill_at_each_stage_of_extract_validate(good_folder, tmp_path, stage):
    parent = tmp_path / "extracted"
    out = parent / "v1"
    shutil.copytree(good_folder, out)
    before = hostile.snapshot(out)
    _killed_at(stage, FIXTURE, out, "--force")
    after = hostile.snapshot(out)
    siblings = {k for k in after if k.startswith("../")}
    if stage == "after-swap":
        assert _validated(out) and _files(after) != _files(before)  # the new one, complete
    else:
        assert after == {**before, **{s: "sibling" for s in siblings}}  # the old one, as it was
    assert all(Path(s).name.startswith(TEMP_PREFIX) for s in siblings)
    _sweep_leftovers(parent, siblings, FIXTURE, out)
    assert hostile.is_complete(out) and [p.name for p in parent.iterdir()] == ["v1"]


@pytest.mark.parametrize("stage", _stages(["validate", "report", "before-swap", "into-invalid"],
                                           fast={"into-invalid"}))
def test_kill_while_failing_output_goes_beside_a_valid_folder(good_folder, lists, tmp_path,
                                                              stage):
    parent = tmp_path / "extracted"
    out = parent / "v1"
    shutil.copytree(good_folder, out)
    before = _files(hostile.snapshot(out))
    _killed_at(stage, lists[1], out)
    assert _files(hostile.snapshot(out)) == before  # never touched
    beside = out.with_name(out.name + INVALID)
    assert not beside.exists() or _validated(beside)
    assert beside.exists() == (stage == "into-invalid")
    leftovers = {p.name for p in parent.iterdir()} - {"v1", beside.name}
    assert all(name.startswith(TEMP_PREFIX) for name in leftovers)


def test_kill_while_a_valid_run_removes_the_failing_output_beside_it(good_folder, lists,
                                                                     tmp_path):
    parent = tmp_path / "extracted"
    out = parent / "v1"
    shutil.copytree(good_folder, out)
    shutil.copytree(good_folder, out.with_name(out.name + INVALID))
    _killed_at("discard", lists[0], out)
    assert _validated(out)  # the new version is in place before anything is removed
    names = {p.name for p in parent.iterdir()} - {"v1"}
    assert all(name.startswith(TEMP_PREFIX) for name in names)  # no half-deleted .invalid
