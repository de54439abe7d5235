"""A batch on a Dask cluster (slow: each test starts a cluster): the folders a local batch
writes, nothing lost when a worker dies mid-write, a worker that cannot see the output
root named before any work, hostile files contained as locally, Ctrl-C leaving only
complete folders.

Inputs are made in the run (tests.clusterbatch: text PDFs, Word, Excel).  Clusters are a
LocalCluster (``--scheduler local:2``) or, as docs/cluster.md tells a user, a scheduler
and workers started by hand from the project's environment (``HandCluster``).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests import hostile
from tests.clusterbatch import POISON, HandCluster, make_batch

pytestmark = pytest.mark.slow

#: What differs between two extractions of the same file: when, how long validation took,
#: and where the reports say the folder is.  Everything else is compared byte for byte.
TIMES = re.compile(r'"elapsed_s": [^,\n]*|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ')


@pytest.fixture(scope="module")
def batch(tmp_path_factory) -> list[Path]:
    return make_batch(tmp_path_factory.mktemp("inputs"), pdfs=3, docx=1, xlsx=1)


def _extract(files, root: Path, *flags: str, timeout: float = 600) -> hostile.CliRun:
    return hostile.run_cli("extract", *files, "--validate", "--extracted", root, *flags,
                           timeout=timeout)


def _folders(root: Path) -> dict[str, Path]:
    return {p.name: p for p in root.iterdir() if not p.name.startswith(".")}


def _normal(path: Path, root: Path) -> bytes:
    """The file's bytes; for the JSON/HTML that carry times and the folder, without them."""
    data = path.read_bytes()
    if path.name in ("notice.json", "validation.json", "validation.html"):
        return TIMES.sub("", data.decode("utf-8").replace(str(root), "ROOT")).encode()
    return data


def _same_folder(a: Path, b: Path) -> None:
    files_a = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    assert files_a == sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    for rel in files_a:
        if rel.name == "manifest.json":
            continue
        assert _normal(a / rel, a.parent) == _normal(b / rel, b.parent), f"{a.name}/{rel}"
    listed_a = json.loads((a / "manifest.json").read_text())["files"]
    listed_b = json.loads((b / "manifest.json").read_text())["files"]
    assert listed_a.keys() == listed_b.keys()
    timed = {"notice.json", "validation.json", "validation.html"}
    assert {k: v for k, v in listed_a.items() if k not in timed} == \
        {k: v for k, v in listed_b.items() if k not in timed}


def _complete(root: Path) -> None:
    """Every visible folder under ``root`` is whole (its manifest lists what is there)."""
    for folder in _folders(root).values():
        assert hostile.is_complete(folder), f"{folder} is not complete"


def _lines(run: hostile.CliRun, start: str) -> list[str]:
    return [x for x in (run.stdout + run.stderr).splitlines() if x.startswith(start)]


def test_a_local_cluster_batch_writes_the_folders_a_local_batch_writes(batch, tmp_path):
    local = _extract(batch, tmp_path / "local", "--jobs", "2")
    assert local.returncode == 0, local.stderr
    cluster = _extract(batch, tmp_path / "cluster", "--scheduler", "local:2")
    assert cluster.returncode == 0, cluster.stderr
    assert re.search(r"^cluster: local:2 \(2 workers, 2 threads\); dashboard http://\S+/status$",
                     cluster.stderr, re.M)
    assert re.search(r"^summary: 5 notices \(5 extracted\) in \d+ min \d+ s on 2 workers: "
                     r"[\d.]+ notices/minute, [\d.]+ CPU-s per page \(\d+ pages read\)$",
                     cluster.stderr, re.M)
    assert sorted(re.sub(r"^\[\d+/5\] ", "", x).replace("/cluster/", "/local/")
                  for x in cluster.stdout.splitlines()) == \
        sorted(re.sub(r"^\[\d+/5\] ", "", x) for x in local.stdout.splitlines())
    made, expected = _folders(tmp_path / "cluster"), _folders(tmp_path / "local")
    assert made.keys() == expected.keys() and len(made) == len(batch)
    for name in made:
        _same_folder(made[name], expected[name])
    assert not [p for p in (tmp_path / "cluster").iterdir() if p.name.startswith(".")]

    # skip-unchanged across runs and clusters: a second cluster run and a local run skip all
    for flags in (("--scheduler", "local:2"), ("--jobs", "2")):
        again = _extract(batch, tmp_path / "cluster", *flags)
        assert again.returncode == 0, again.stderr
        assert len(_lines(again, "[")) == 5
        assert all(x.endswith("(unchanged, skipped)") for x in _lines(again, "["))


def _writer(root: Path) -> int | None:
    """The pid of a worker writing a temporary folder under ``root`` now, if any."""
    for path in root.glob(".tmp-*-new-*"):
        found = re.search(r"-new-(\d+)-", path.name)
        if found:
            return int(found.group(1))
    return None


def test_a_worker_killed_mid_write_loses_nothing(batch, tmp_path):
    root = tmp_path / "shared" / "extracted"
    with HandCluster(tmp_path, workers=2) as cluster:
        cluster.wait()
        cli = subprocess.Popen(
            [sys.executable, "-m", "pipeline", "extract", *map(str, batch), "--validate",
             "--scheduler", cluster.address, "--extracted", str(root)],
            cwd=hostile.ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        killed, deadline = None, time.monotonic() + 300
        while cli.poll() is None and killed is None and time.monotonic() < deadline:
            killed = _writer(root) if root.exists() else None
            if killed is None:
                time.sleep(0.01)
        assert killed is not None, "no worker was seen writing"
        os.kill(killed, signal.SIGKILL)  # a worker (pid in the folder's name) mid-write
        out, err = cli.communicate(timeout=600)
    assert cli.returncode == 0, err
    assert re.search(r"^note: worker tcp://\S+ was lost with \d notices? to read", err, re.M)
    assert len(out.splitlines()) == len(batch)
    assert len(_folders(root)) == len(batch)
    _complete(root)
    for line in out.splitlines():  # every notice present, in the folder it names
        assert hostile.is_complete(Path(line.rsplit(" → ", 1)[1]))


def test_a_notice_that_kills_every_worker_reading_it_is_its_one_error_line(batch, tmp_path):
    poison = tmp_path / f"list-{POISON}.pdf"
    shutil.copy(batch[0], poison)
    root = tmp_path / "extracted"
    with HandCluster(tmp_path, workers=2,
                     worker_flags=("--preload", "tests.clusterbatch")) as cluster:
        cluster.wait()
        run = _extract([batch[1], poison, batch[2]], root, "--scheduler", cluster.address)
    assert run.returncode == 1
    errors = _lines(run, "error:")
    assert len(errors) == 1, run.stderr
    assert re.fullmatch(rf"error: {poison}: every worker that read it died \(4 tries"
                        r"( beside other notices, then 4 alone)?, the last tcp://\S+\); not "
                        r"tried again \(hint: .*\)", errors[0])
    assert len(_lines(run, "note: worker")) in (4, 8)  # 8: it had a notice beside it
    assert len(run.stdout.splitlines()) == 2 and len(_folders(root)) == 2
    _complete(root)


def test_a_notice_beside_one_that_kills_its_worker_is_not_lost(batch, tmp_path):
    # Dask blames every task a dying worker holds, not only the one it runs
    # (dask/distributed#5234): a one-thread worker holds two, the larger one run first.
    poison = tmp_path / f"list-{POISON}.pdf"
    shutil.copy(batch[0], poison)
    beside = batch[3]  # (the Word file: smaller, so read after the poison)
    assert beside.stat().st_size < poison.stat().st_size
    root = tmp_path / "extracted"
    with HandCluster(tmp_path, workers=1,
                     worker_flags=("--preload", "tests.clusterbatch")) as cluster:
        cluster.wait()
        run = _extract([poison, beside], root, "--scheduler", cluster.address)
    assert run.returncode == 1
    errors = _lines(run, "error:")
    assert len(errors) == 1, run.stderr
    # Whether the beside notice was on the worker when it died is up to timing (under load
    # the worker may die before it is given the second task): either way it is not lost.
    shared = re.match(rf"error: {re.escape(str(poison))}: every worker that read it died "
                      r"\(4 tries( beside other notices, then 4 alone)?, the last tcp://",
                      errors[0])
    assert shared, errors[0]
    assert _lines(run, f"note: {beside}: ") == ([
        f"note: {beside}: the workers it was given to all died with other notices on them: "
        "read again, alone"] if shared[1] else [])
    assert run.stdout.splitlines() == [
        f"[2/2] {beside}: 5 items (profile assist), valid → {root}/{_folders(root).popitem()[0]}"]
    _complete(root)


def test_on_a_scheduler_of_its_own_the_largest_file_is_read_first(batch, tmp_path):
    # Each submit is its own message to the scheduler, which gives a task to an idle worker
    # as it arrives: submitted in the order given, a scan given last started after the
    # first notices in the new-user trial, whatever its priority.
    files = sorted(batch, key=lambda p: p.stat().st_size)  # the largest last
    with HandCluster(tmp_path, workers=1) as cluster:
        cluster.wait()
        run = _extract(files, tmp_path / "extracted", "--scheduler", cluster.address)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[0].startswith(f"[1/5] {files[-1]}: ")


def _unshare_works() -> bool:
    return shutil.which("unshare") is not None and subprocess.run(
        ["unshare", "--mount", "true"], capture_output=True).returncode == 0


@pytest.mark.skipif(not _unshare_works(), reason="needs unshare --mount (root)")
def test_a_worker_that_cannot_see_the_output_root_is_named_before_any_work(batch, tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    # Worker w1 has its own mount namespace with an empty folder over ``shared``.
    hidden = ["unshare", "--mount", "--propagation", "private", "sh", "-c",
              f'mount -t tmpfs none "{shared}" && exec "$@"', "sh"]
    with HandCluster(tmp_path, workers=2, wrap={1: hidden}) as cluster:
        cluster.wait()
        run = _extract(batch, shared / "extracted", "--scheduler", cluster.address)
    assert run.returncode == 1
    errors = _lines(run, "error:")
    assert len(errors) == 1, run.stderr
    assert re.fullmatch(
        rf"error: {shared}/extracted: worker tcp://\S+ \(name w1, host \S+\) cannot see "
        rf"{shared}/extracted as this machine sees it \(No such file or directory\) "
        r"\(hint: --extracted and the input files must be on a folder every worker shares.*",
        errors[0])
    assert run.stdout == "" and not any((shared / "extracted").iterdir())


#: Hostile inputs whose error lines a cluster batch must give as a local batch does.
HOSTILE = ("compression-bomb", "circular-xobjects", "encrypted-user-password", "header-only",
           "no-table")


def test_hostile_files_in_a_cluster_batch_are_contained_as_locally(batch, tmp_path):
    made = hostile.make_all(tmp_path / "hostile")
    files = [made[name] for name in HOSTILE if name in made] + batch[:1]
    assert len(files) == len(HOSTILE) + 1
    local = _extract(files, tmp_path / "local", "--jobs", "2")
    cluster = _extract(files, tmp_path / "cluster", "--scheduler", "local:2")
    assert local.returncode == cluster.returncode == 1
    assert sorted(_lines(cluster, "error:")) == sorted(_lines(local, "error:"))
    assert len(_lines(cluster, "error:")) == len(HOSTILE)
    assert "was lost" not in cluster.stderr  # no worker died: the readers were contained
    assert len(_folders(tmp_path / "cluster")) == 1
    _complete(tmp_path / "cluster")


def _alive(pgid: int) -> list[str]:
    """Processes of the group still running (zombies, already dead, are not)."""
    ps = subprocess.run(["ps", "-o", "stat=,pid=,args=", "-g", str(pgid)], capture_output=True,
                        text=True).stdout
    return [x for x in ps.splitlines() if x.strip() and not x.strip().startswith("Z")]


def test_ctrl_c_cancels_the_batch_leaving_only_complete_folders(batch, tmp_path):
    root = tmp_path / "extracted"
    cli = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "extract", *map(str, batch), "--validate",
         "--scheduler", "local:2", "--extracted", str(root)],
        cwd=hostile.ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True)
    first = cli.stdout.readline()  # one notice done: the others are queued or being read
    assert first.startswith("[1/5] ")
    os.killpg(cli.pid, signal.SIGINT)  # as a terminal's Ctrl-C: to every process of the batch
    _, err = cli.communicate(timeout=120)
    assert cli.returncode == 130
    assert err.splitlines()[-1] == "error: interrupted"
    assert re.search(r"^interrupted: \d of 5 notices done, \d cancelled$", err, re.M)
    assert "Traceback" not in err
    _complete(root)
    assert 1 <= len(_folders(root)) < 5
    deadline = time.monotonic() + 30
    while _alive(cli.pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _alive(cli.pid) == []  # workers and readers gone with the batch


def test_an_unreachable_scheduler_is_one_error_line(tmp_path):
    run = hostile.run_cli("extract", hostile.ROOT / "raw" / "notice-2021.pdf", "--scheduler",
                          "tcp://127.0.0.1:9", "--extracted", tmp_path, timeout=120)
    assert run.returncode == 1
    assert run.stderr.startswith("error: cannot reach the Dask scheduler at tcp://127.0.0.1:9")
    assert len(run.stderr.splitlines()) == 1 and "Traceback" not in run.stderr
    assert not any(tmp_path.iterdir())
