"""A batch of notices of several kinds, made in the run, for the cluster tests and bench.

    make_batch(folder, pdfs=3, docx=1, xlsx=1, scans=0) → list of paths

Every notice is a random list (``tests.render.random_gold``, its own seed, so each has its
own content and version folder): text PDFs typeset by reportlab, Word documents and Excel
workbooks written directly (no LibreOffice), and scans (the typeset PDF rendered to
200-dpi images: OCR'd, 7–17 CPU-s a page).
"""

from __future__ import annotations

from pathlib import Path

#: Items per list: a page or two of table.
ITEMS = 5
#: Workers started with ``--preload tests.clusterbatch`` kill themselves (SIGKILL) as they
#: start reading a file with this in its name: a notice that kills every worker reading it.
POISON = "kills-its-worker"


async def dask_setup(worker) -> None:
    """(Dask's preload hook) Arm the worker with the poison plugin (``POISON``)."""
    await worker.plugin_add(_poison_plugin(), name="poison")


def _poison_plugin():
    import os
    import signal

    from distributed import WorkerPlugin

    class Poison(WorkerPlugin):
        def transition(self, key, start, finish, **kwargs):
            if finish == "executing" and POISON in str(key):
                os.kill(os.getpid(), signal.SIGKILL)

    return Poison()


def make_batch(folder: Path, pdfs: int = 3, docx: int = 1, xlsx: int = 1, scans: int = 0,
               items: int = ITEMS, seed: int = 100) -> list[Path]:
    """Write the notices into ``folder``; return their paths (PDFs, Word, Excel, scans)."""
    from tests.formats.scan import Scan, scan_pdf
    from tests.formats.sheet import VARIANTS as SHEET_VARIANTS
    from tests.formats.sheet import write_workbook
    from tests.render import Variant, random_gold, render_notice
    from tests.render.pdf_docx import write_docx

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    out: list[Path] = []
    n = seed
    for i in range(pdfs):
        n += 1
        out.append(render_notice(random_gold(n, items), folder / f"list-{i:03d}.pdf", Variant()))
    for i in range(docx):
        n += 1
        out.append(write_docx(random_gold(n, items), folder / f"list-{i:03d}.docx", Variant()))
    for i in range(xlsx):
        n += 1
        out.append(write_workbook(random_gold(n, items), folder / f"list-{i:03d}.xlsx",
                                  SHEET_VARIANTS["plain"]))
    for i in range(scans):
        n += 1
        typeset = render_notice(random_gold(n, items), folder / f".typeset-{i}.pdf", Variant())
        out.append(scan_pdf(typeset, folder / f"scan-{i:03d}.pdf", Scan()))
        typeset.unlink()
    return [Path(p) for p in out]


class HandCluster:
    """A scheduler and workers started by hand, as docs/cluster.md tells a user to:
    ``dask scheduler`` and ``dask worker`` from the project's .venv, in its folder.

        with HandCluster(tmp, workers=2) as cluster:   cluster.address, cluster.stop()

    ``wrap`` prefixes a worker's command (``unshare …``: a worker that sees other
    folders); ``worker_flags`` go to every worker (``--preload tests.clusterbatch``).
    Every process is started in its own session and stopped by its group.
    """

    def __init__(self, folder: Path, workers: int = 2, wrap: dict[int, list[str]] | None = None,
                 worker_flags: tuple[str, ...] = ()):
        self.folder = Path(folder)
        self.workers = workers
        self.wrap = wrap or {}
        self.worker_flags = worker_flags
        self.procs: list = []
        self.address = ""

    def __enter__(self) -> HandCluster:
        import json
        import os
        import subprocess
        import sys
        import time

        from tests.hostile import ROOT

        dask = str(Path(sys.executable).parent / "dask")
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        info = self.folder / "scheduler.json"
        log = open(self.folder / "cluster.log", "ab")  # (closed in stop)
        self._log = log
        start = dict(cwd=ROOT, env=env, stdout=log, stderr=log, start_new_session=True)
        self.procs.append(subprocess.Popen(
            [dask, "scheduler", "--port", "0", "--dashboard-address", ":0",
             "--scheduler-file", str(info)], **start))
        deadline = time.monotonic() + 60
        while not info.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(0.2)  # (written whole?)
        self.address = json.loads(info.read_text())["address"]
        for i in range(self.workers):
            self.procs.append(subprocess.Popen(
                [*self.wrap.get(i, []), dask, "worker", self.address, "--nthreads", "1",
                 "--name", f"w{i}", "--no-dashboard", *self.worker_flags], **start))
        return self

    def wait(self, workers: int | None = None, timeout: float = 120) -> None:
        """Until ``workers`` (default all started) have registered with the scheduler
        (their "Registered to" log lines)."""
        import time

        want = self.workers if workers is None else workers
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self._log.flush()
            text = (self.folder / "cluster.log").read_text(errors="replace")
            if text.count("Registered to:") >= want:
                return
            time.sleep(0.2)
        raise TimeoutError(f"{want} workers did not register in {timeout} s")

    def __exit__(self, *exc) -> None:
        self.stop()

    def stop(self) -> None:
        """Stop every process started (its session's group), then wait for them."""
        import os
        import signal
        import subprocess

        for proc in self.procs:
            try:
                os.killpg(proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        for proc in self.procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        self.procs = []
        self._log.close()
