"""The cluster batch's parts that need no cluster (fast): Dask stays out of a local
extract, --scheduler values are checked as usage, what a worker that cannot take part is
told, and the CPU the summary counts per page."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest

from pipeline.batch.cluster import _choose_form, parse_address
from pipeline.batch.local import Options
from pipeline.batch.worker import extract_on_worker
from pipeline.errors import PipelineError
from pipeline.safety import sandbox
from pipeline.settings import DEFAULT_LIMITS
from tests import hostile
from tests.conftest import GOOD_PDF

# Extract one notice through the CLI's own entry point, then say which Dask modules
# the process holds.
LOCAL_EXTRACT = """
import sys
from pipeline.cli import main
rc = main(["extract", sys.argv[1], "--out", sys.argv[2]])
print(rc, sorted(m for m in sys.modules if m.split(".")[0] in ("dask", "distributed")))
"""


def test_a_local_extract_does_not_import_dask(tmp_path):
    run = subprocess.run([sys.executable, "-c", LOCAL_EXTRACT, str(GOOD_PDF),
                          str(tmp_path / "v")], cwd=hostile.ROOT, capture_output=True,
                         text=True, timeout=120)
    assert run.stdout.splitlines()[-1] == "0 []", run.stderr
    assert hostile.is_complete(tmp_path / "v")


@pytest.mark.parametrize("address", ["local:0", "local:two", "localhost", "ftp://host:21",
                                     "tcp://host", "tcp://", "host"])
def test_a_malformed_scheduler_address_is_a_usage_error(address, tmp_path):
    run = hostile.run_cli("extract", GOOD_PDF, "--scheduler", address, "--extracted", tmp_path)
    assert run.returncode == 2, run.stderr
    assert "--scheduler" in run.stderr and "Traceback" not in run.stderr
    assert not any(tmp_path.iterdir())


@pytest.mark.parametrize("address", ["local", "local:3", "tcp://10.0.0.5:8786",
                                     "tls://sched.example:8786", "sched:8786",
                                     "localhost:8786", "tcp://[::1]:8786"])
def test_scheduler_addresses_as_dask_writes_them(address):
    assert parse_address(address) == address


WORKERS = {"tcp://10.0.0.5:40001": {"name": "w0", "host": "10.0.0.5"},
           "tcp://10.0.0.6:40002": {"name": "w1", "host": "10.0.0.6"}}


def _answer(given=(), absolute=(), version=None):
    from pipeline import __version__

    return {"problems": {"given": list(given), "absolute": list(absolute)},
            "host": "h", "version": version or __version__}


def test_paths_stay_as_given_when_every_worker_sees_them_so():
    answers = {w: _answer() for w in WORKERS}
    assert _choose_form(answers, WORKERS, "extracted", "this machine") == "given"
    answers["tcp://10.0.0.6:40002"] = _answer(given=["cannot see extracted as SEER sees it"])
    assert _choose_form(answers, WORKERS, "extracted", "this machine") == "absolute"


def test_a_worker_that_cannot_see_the_root_is_named_with_what_it_cannot_see():
    answers = {"tcp://10.0.0.5:40001": _answer(),
               "tcp://10.0.0.6:40002": _answer(
                   given=["x"], absolute=["cannot see /data/x as SEER sees it (No such file "
                                          "or directory)"])}
    with pytest.raises(PipelineError) as info:
        _choose_form(answers, WORKERS, "/data/x", "this machine")
    assert str(info.value).startswith(
        "/data/x: worker tcp://10.0.0.6:40002 (name w1, host 10.0.0.6) cannot see /data/x as "
        "this machine sees it (No such file or directory)")
    assert "every worker shares" in str(info.value)


def test_a_worker_that_cannot_import_the_pipeline_or_runs_another_version_is_named():
    answers = {"tcp://10.0.0.5:40001": _answer(),
               "tcp://10.0.0.6:40002": ModuleNotFoundError("No module named 'pipeline'")}
    with pytest.raises(PipelineError, match=r"1 of 2 workers cannot run the pipeline: worker "
                                            r"tcp://10.0.0.6:40002 \(name w1, host 10.0.0.6\) "
                                            r"ModuleNotFoundError"):
        _choose_form(answers, WORKERS, "x", "this machine")
    answers["tcp://10.0.0.6:40002"] = _answer(version="0.0.1")
    with pytest.raises(PipelineError, match=r"worker tcp://10.0.0.6:40002 .*runs pipeline "
                                            r"0\.0\.1, this is "):
        _choose_form(answers, WORKERS, "x", "this machine")


def test_a_worker_joining_late_without_the_root_fails_its_notice_naming_itself(tmp_path):
    options = Options(extracted_root=tmp_path / "extracted")
    done = extract_on_worker(GOOD_PDF, options, str(tmp_path / "extracted" / ".cluster-mark-x"))
    assert done.outcome.status == "failed"
    assert f"worker pid {os.getpid()}" in done.outcome.message
    assert "cannot see the output root" in done.outcome.message
    assert not (tmp_path / "extracted").exists()  # nothing written where nobody looks


def _fork_and_burn(seconds: float) -> int:
    """Fork a page worker that spins for ``seconds`` of CPU, and reap it."""
    pid = os.fork()
    if pid == 0:
        end = time.process_time() + seconds
        while time.process_time() < end:
            pass
        os._exit(0)
    os.waitpid(pid, 0)
    return pid


def test_a_fork_server_child_counts_its_page_workers_cpu(monkeypatch):
    # (the summary's CPU-s per page: on a cluster worker the reader comes from the fork
    # server; a forked reader's page workers were counted by wait4 already)
    monkeypatch.setattr(sandbox, "_start_method", lambda limits: "forkserver")
    limits = replace(DEFAULT_LIMITS, memory_mb=int(sandbox._vm_mb()) + 512)
    with sandbox.start_isolated(_fork_and_burn, 0.6, limits=limits, label="x.pdf") as job:
        job.result()
    assert job.stats["method"] == "forkserver"
    assert job.stats["cpu_s"] >= 0.5


def test_an_outcome_says_its_pages_and_cpu(tmp_path):
    from pipeline.batch.local import extract_notices

    outcome = extract_notices([GOOD_PDF], Options(out=tmp_path / "v"))[0]
    assert outcome.status == "extracted"
    notice = json.loads((tmp_path / "v" / "notice.json").read_text(encoding="utf-8"))
    assert outcome.pages == notice["page_count"] > 0
    assert outcome.cpu_s > 0
    assert Path(outcome.folder) == tmp_path / "v"


def test_readers_on_a_worker_get_the_environment_a_local_batch_gives_them(monkeypatch):
    # (a nanny's MALLOC_TRIM_THRESHOLD_=65536 made a scan's OCR take 1.7× the wall)
    from pipeline.batch.worker import _undo_dask_environ

    monkeypatch.setenv("MALLOC_TRIM_THRESHOLD_", "65536")  # as Dask's nanny sets it
    monkeypatch.setenv("OMP_NUM_THREADS", "4")  # the user's own value
    _undo_dask_environ()
    assert "MALLOC_TRIM_THRESHOLD_" not in os.environ
    assert os.environ["OMP_NUM_THREADS"] == "4"


# In a process that has imported Dask (a worker, the client, a test session), a forked
# reader's error must still come back as the error it is: distributed installs tblib's
# pickling for every exception class (copyreg), which the sandbox refuses to unpickle.
READER_ERROR_AFTER_DASK = """
from dataclasses import replace
from pipeline.errors import LayoutError
from pipeline.safety import sandbox
from pipeline.settings import DEFAULT_LIMITS
import distributed  # noqa: F401  (after: its tblib reducers cover the classes defined)

def fail():
    raise LayoutError("no table of the expected shape found", page=3, hint="look at it")

sandbox._start_method = lambda limits: "fork"
try:
    sandbox.run_isolated(fail, label="bad.pdf", limits=replace(
        DEFAULT_LIMITS, memory_mb=int(sandbox._vm_mb()) + 512))
except Exception as err:
    print(type(err).__name__, err.page, err.hint, str(err))
"""


def test_a_readers_error_crosses_unchanged_once_dask_is_imported():
    run = subprocess.run([sys.executable, "-c", READER_ERROR_AFTER_DASK], cwd=hostile.ROOT,
                         capture_output=True, text=True, timeout=120)
    assert run.stdout.startswith("LayoutError 3 look at it bad.pdf"), run.stdout + run.stderr
