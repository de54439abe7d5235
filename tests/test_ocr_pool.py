"""The machinery around OCR: worker processes, limits widened for them, progress from the
sandboxed child, repeated headers read with an OCR slip.  Fast (no recogniser)."""

from __future__ import annotations

import os
import signal
import time

import pytest

from pipeline.errors import LimitError, PipelineError
from pipeline.model import Cell, Fragment, Line
from pipeline.readers.workers import run_workers
from pipeline.safety import sandbox
from pipeline.settings import DEFAULT_LIMITS, Limits
from pipeline.table.header import _repeats_header


class _Task:
    def __init__(self, number, action="square"):
        self.number, self.action = number, action


def _work(task):
    if task.action == "fail":
        raise ValueError("broken page")
    if task.action == "die":
        os.kill(os.getpid(), signal.SIGKILL)
    if task.action == "hang":
        time.sleep(30)
    return task.number * task.number, os.getpid()


def test_every_task_is_done_once_by_at_most_the_workers_asked_for():
    results = dict(run_workers(_work, [_Task(n) for n in range(1, 8)], workers=3))
    assert sorted(v for v, _ in results.values()) == [n * n for n in range(1, 8)]
    assert 1 <= len({pid for _, pid in results.values()}) <= 3
    assert os.getpid() not in {pid for _, pid in results.values()}


@pytest.mark.parametrize("action, error, text", [
    ("fail", PipelineError, "internal error while reading the page: ValueError: broken page"),
    ("die", LimitError, "was killed"),
])
def test_a_failing_page_fails_the_reading_with_its_page_number(action, error, text):
    tasks = [_Task(1), _Task(7, action), _Task(3)]
    with pytest.raises(error) as caught:
        dict(run_workers(_work, tasks, workers=2))
    assert caught.value.page == 7
    assert text in str(caught.value)


def test_a_page_that_hangs_is_stopped_at_its_time_limit():
    start = time.monotonic()
    with pytest.raises(LimitError, match=r"took more than 0\.5 s"):
        dict(run_workers(_work, [_Task(4, "hang")], workers=1, page_s=0.5))
    assert time.monotonic() - start < 10


def _soft_limits_after_widening():
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (512 << 20, 1024 << 20))
    sandbox.widen_limits(4096, 10)
    return resource.getrlimit(resource.RLIMIT_AS)


def test_a_worker_widens_its_memory_limit_only_up_to_the_hard_limit():
    soft, hard = sandbox.run_isolated(_soft_limits_after_widening, limits=Limits(memory_mb=2048),
                                      label="probe")
    assert hard == 1024 << 20  # the child lowered it; no one can raise it again
    assert soft == hard


def _hard_limits():
    import resource

    return resource.getrlimit(resource.RLIMIT_AS), resource.getrlimit(resource.RLIMIT_CPU)


def test_the_sandbox_leaves_room_for_ocr_workers_in_its_hard_limits():
    limits = Limits(memory_mb=1024, cpu_s=60)
    (as_soft, as_hard), (cpu_soft, cpu_hard) = sandbox.run_isolated(_hard_limits, limits=limits,
                                                                    label="probe")
    assert as_soft == 1024 << 20 and as_hard == limits.ocr_memory_mb << 20
    assert cpu_soft == 60 and cpu_hard >= limits.ocr_page_s * limits.max_pages


def _slow_with_progress():
    sandbox.report_progress("OCR page 1/2 read", more_time_s=20)
    time.sleep(2.5)
    sandbox.report_progress("OCR page 2/2 read")
    return "done"


def test_progress_reaches_the_parent_and_buys_wall_clock_time(capsys):
    limits = Limits(timeout_s=1.5, cpu_s=5)
    assert sandbox.run_isolated(_slow_with_progress, limits=limits, label="scan.pdf") == "done"
    err = capsys.readouterr().err
    assert "scan.pdf: OCR page 1/2 read" in err and "scan.pdf: OCR page 2/2 read" in err


def _greedy_progress():
    sandbox.report_progress("", more_time_s=1e9)
    time.sleep(30)


def test_the_time_a_child_may_ask_for_is_capped():
    limits = Limits(timeout_s=0.5, cpu_s=5, max_pages=1, ocr_page_s=1.0)
    start = time.monotonic()
    with pytest.raises(LimitError, match="timed out"):
        sandbox.run_isolated(_greedy_progress, limits=limits, label="x.pdf")
    assert time.monotonic() - start < 10


def _row(*texts):
    cells = [Cell(j, j + 1, [Line(t, 0, 10, 0, 10)] if t else []) for j, t in enumerate(texts)]
    return Fragment(4, 0, False, cells)


def test_a_repeated_header_is_recognised_with_one_ocr_slip_per_label():
    from pipeline.profiles import load_profiles

    profile = load_profiles()["assist"]
    header = {"序号", "渝府办发〔2019〕23号", "事项名称", "依据", "主管单位", "备注"}
    assert _repeats_header(_row("序号", "渝府办发[2019〕23号", "事项名称", "依椐", "主管单位",
                                "备注"), header, profile)
    assert _repeats_header(_row("序号", "渝府办发〔2019〕23号", "事项名", "依据", "主管单位",
                                "备"), header, profile) is False  # "备" alone: too short
    assert not _repeats_header(_row("序号", "渝府办发[2019]23号", "事项名称", "依据", "主管单位",
                                    ""), header, profile)  # two slips in one label
    assert not _repeats_header(_row("1", "依据"), header, profile)  # a numbered row


def test_default_limits_give_ocr_workers_more_memory_than_the_reader():
    assert DEFAULT_LIMITS.ocr_memory_mb > DEFAULT_LIMITS.memory_mb
