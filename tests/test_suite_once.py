"""The test run's own cache (tests/once.py): what several tests and several pytest-xdist workers
need is made once, the others wait for it, and a make that failed half-way is made again."""

from __future__ import annotations

import multiprocessing
import time
from pathlib import Path

import pytest

from tests.once import made_once


class _Factory:
    """Stands in for pytest's tmp_path_factory of one xdist worker."""

    def __init__(self, base: Path):
        self.base = base

    def getbasetemp(self) -> Path:
        return self.base


def _count_and_wait(folder: Path) -> None:
    with open(folder.parent / "makes.txt", "a") as f:
        f.write("made\n")
    time.sleep(0.3)  # long enough for the other workers to come and wait
    (folder / "data.txt").write_text("ready", encoding="utf-8")


def _worker(run: str, worker: str, out) -> None:
    import os

    os.environ["PYTEST_XDIST_WORKER"] = worker
    base = Path(run) / f"popen-{worker}"
    base.mkdir()
    folder = made_once(_Factory(base), "thing", _count_and_wait)
    out.put((str(folder), (folder / "data.txt").read_text(encoding="utf-8")))


def test_workers_of_one_run_make_a_thing_once_and_share_it(tmp_path):
    ctx = multiprocessing.get_context("spawn")
    out = ctx.Queue()
    workers = [ctx.Process(target=_worker, args=(str(tmp_path), f"gw{i}", out)) for i in range(3)]
    for w in workers:
        w.start()
    got = [out.get(timeout=60) for _ in workers]
    for w in workers:
        w.join(60)
    assert (tmp_path / "makes.txt").read_text().splitlines() == ["made"]
    assert got == [(str(tmp_path / "once-thing"), "ready")] * 3


def test_a_make_that_failed_half_way_is_made_again(tmp_path, monkeypatch):
    monkeypatch.delenv("PYTEST_XDIST_WORKER", raising=False)
    factory = _Factory(tmp_path)

    def fail(folder: Path) -> None:
        (folder / "half.txt").write_text("half", encoding="utf-8")
        raise RuntimeError("the generator broke")

    with pytest.raises(RuntimeError):
        made_once(factory, "thing", fail)
    folder = made_once(factory, "thing", lambda f: (f / "whole.txt").write_text("whole"))
    assert sorted(p.name for p in folder.iterdir()) == ["whole.txt"]
    assert made_once(factory, "thing", fail) == folder  # made: never made again
