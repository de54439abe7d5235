"""Long lists: a list of hundreds of pages is read within the default limits, because
each page read adds its time (``--page-s``) to the wall-clock and CPU limits, and the
user sees progress.  Timings themselves are measured in ``make bench``."""

from __future__ import annotations

import json

import pytest

from tests import hostile
from tests.render.generic import render_long_list


@pytest.fixture(scope="module")
def long_list(tmp_path_factory):
    return render_long_list(tmp_path_factory.mktemp("long") / "long.pdf", 120)


@pytest.mark.slow  # a 120-page list
def test_pages_read_buy_time_beyond_the_timeout_and_show_progress(long_list, tmp_path):
    # 120 pages take longer than 15 s to read; each page read adds 10 s.
    run = hostile.run_cli("extract", long_list.path, "--out", tmp_path / "out", "--timeout", "15",
                          "--page-s", "10", timeout=600)
    assert run.returncode == 0, run.stderr
    notice = json.loads((tmp_path / "out" / "notice.json").read_text(encoding="utf-8"))
    assert notice["item_count"] == long_list.rows and notice["page_count"] == 120
    progress = [line for line in run.stderr.splitlines() if " read" in line]
    assert progress and all(line.startswith(f"{long_list.path}: pages ") for line in progress)


@pytest.mark.slow  # a 120-page list
def test_without_time_per_page_the_timeout_still_bounds_the_read(long_list, tmp_path):
    run = hostile.run_cli("extract", long_list.path, "--out", tmp_path / "out", "--timeout", "1",
                          "--page-s", "0", timeout=120)
    assert run.returncode == 1
    assert run.stderr.strip().splitlines()[-1].startswith(f"error: {long_list.path}: timed out")
    assert not (tmp_path / "out").exists()


def test_in_process_extraction_leaves_the_callers_limits_alone():
    """Pages read buy time in the sandboxed child only: the 14-page notice run in-process
    (as tests and notebooks do) once set the caller's address-space limit to 1 GB, and
    later tests died of MemoryError or a segfault."""
    resource = pytest.importorskip("resource")
    from pipeline.extract import run

    before = {r: resource.getrlimit(r) for r in (resource.RLIMIT_AS, resource.RLIMIT_CPU)}
    run(hostile.ROOT / "raw" / "notice-2021.pdf")
    assert {r: resource.getrlimit(r) for r in before} == before


def _cpu_limit_before_and_after_buying(seconds: float) -> tuple[int, int]:
    import resource

    from pipeline.safety.sandbox import report_progress

    before = resource.getrlimit(resource.RLIMIT_CPU)[0]
    report_progress("", more_time_s=seconds)
    return before, resource.getrlimit(resource.RLIMIT_CPU)[0]


def test_time_bought_for_pages_adds_to_the_cpu_left_never_replaces_it(tmp_path):
    """Pages read once set the child's CPU limit to what it had used plus the pages'
    time: the 14-page notice with --page-s 0 stopped at page 12 ("CPU time limit of
    60 s reached") and long lists lost the --timeout they started with."""
    from pipeline.safety.sandbox import run_isolated
    from pipeline.settings import DEFAULT_LIMITS

    before, after = run_isolated(_cpu_limit_before_and_after_buying, 10.0,
                                 limits=DEFAULT_LIMITS, label="probe")
    assert after == before + 10
    run = hostile.run_cli("extract", hostile.ROOT / "raw" / "notice-2021.pdf", "--page-s", "0",
                          "--out", tmp_path / "v")
    assert run.returncode == 0, run.stderr
