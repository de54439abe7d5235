"""Run the command line on many inputs at once: a process forked per input from a warm parent.

    preload() → VmSize (MB) of this process once the CLI's imports are done
    Runner(jobs).submit(key, argv, workdir, timeout); Runner.poll() → [(key, Result)]
    run_real(argv, workdir, timeout) → Result   (``python -m pipeline`` as a new process)
    classify(result, out, validated) → [(kind, detail)]

``python -m pipeline extract`` costs 0.3 s of imports before it reads anything,
and 3–5 s more once the file reaches the reader (pandas, pyarrow and
great_expectations are imported while the sandboxed child reads).  The campaign
imports all of it once, here, then forks one process per input that calls
``pipeline.cli.main(argv)`` with its stdout/stderr in files and its own process
group, exactly what ``python -m pipeline`` runs after its imports.  The reader
child the CLI starts is forked from that process (the sandbox forks while the
parent is light enough; the campaign raises ``--memory-mb`` by this process's
address space so that the reader keeps the same headroom as from a fresh CLI).
Every finding is run again by ``run_real`` — a new ``python -m pipeline``
process, measured as ``tests.hostile.run_cli`` measures — before it counts.
"""

from __future__ import annotations

import os
import signal
import sys
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

#: What ``python -m pipeline extract --validate`` imports on its way (done once here).
PRELOAD = ("pipeline.cli", "pipeline.batch.local", "pipeline.extract", "pipeline.output.write",
           "pipeline.safety.guard", "pipeline.readers.sniff", "pipeline.readers.pdf",
           "pipeline.readers.word", "pipeline.readers.sheet", "pipeline.readers.web",
           "pipeline.readers.soffice", "pdfplumber", "pandas", "pyarrow.parquet",
           "pipeline.quality.validate")


@dataclass
class Result:
    """One finished run: exit status, its output, the peak RSS of its process tree."""

    returncode: int | None  # None: killed at the timeout
    stdout: str
    stderr: str
    max_rss_mb: float
    wall_s: float
    argv: list[str]
    cpu_s: float = 0.0  # of the process tree (the children it reaped)

    @property
    def timed_out(self) -> bool:
        return self.returncode is None


def preload() -> float:
    """Import what the CLI imports (and the validation suites); return VmSize in MB."""
    import importlib

    for name in PRELOAD:
        importlib.import_module(name)
    from pipeline.quality.validate import load_suites

    load_suites()
    return vm_mb()


def vm_mb() -> float:
    with open("/proc/self/status", "rb") as f:
        for line in f:
            if line.startswith(b"VmSize:"):
                return int(line.split()[1]) / 1024
    return 0.0


class Runner:
    """Up to ``jobs`` CLI runs at once, each a process forked from this one."""

    def __init__(self, jobs: int):
        self.jobs = jobs
        self.running: dict[int, tuple[object, list[str], Path, float, float]] = {}

    @property
    def free(self) -> int:
        return self.jobs - len(self.running)

    def submit(self, key, argv: list[str], workdir: Path, timeout: float) -> None:
        workdir.mkdir(parents=True, exist_ok=True)
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            _child(argv, workdir)
        start = time.monotonic()
        self.running[pid] = (key, argv, workdir, start, start + timeout)

    def poll(self, wait: float = 0.05) -> list[tuple[object, Result]]:
        """Finished runs (waiting up to ``wait`` s for one); runs past their timeout are
        killed with everything they started."""
        done = []
        end = time.monotonic() + wait
        while True:
            while self.running:
                try:
                    pid, status, usage = os.wait4(-1, os.WNOHANG)
                except ChildProcessError:
                    break
                if not pid:
                    break
                if pid in self.running:
                    done.append(self._finish(pid, os.waitstatus_to_exitcode(status), usage))
            now = time.monotonic()
            for pid, (_, _, _, _, deadline) in list(self.running.items()):
                if now > deadline:
                    kill_tree(pid)
                    _, status, usage = os.wait4(pid, 0)
                    done.append(self._finish(pid, None, usage))
            if done or not self.running or time.monotonic() > end:
                return done
            time.sleep(0.01)

    def _finish(self, pid: int, code: int | None, usage) -> tuple[object, Result]:
        key, argv, workdir, start, _ = self.running.pop(pid)
        return key, Result(code, _read(workdir / "stdout"), _read(workdir / "stderr"),
                           usage.ru_maxrss / 1024, time.monotonic() - start, argv,
                           usage.ru_utime + usage.ru_stime)

    def run_one(self, argv: list[str], workdir: Path, timeout: float) -> Result:
        """One run, waited for (the runner must be idle)."""
        self.submit("one", argv, workdir, timeout)
        while True:
            for _, result in self.poll(0.5):
                return result


def _child(argv: list[str], workdir: Path) -> None:
    code = 1
    try:
        os.setpgid(0, 0)
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.chdir(workdir)
        for fd, name in ((1, "stdout"), (2, "stderr")):
            f = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            os.dup2(f, fd)
            os.close(f)
        sys.stdout = open(1, "w", encoding="utf-8", closefd=False)
        sys.stderr = open(2, "w", encoding="utf-8", buffering=1, closefd=False)
        from pipeline.cli import main

        try:
            code = main(argv)
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
        except BaseException:  # what python -m pipeline would print before exiting 1
            traceback.print_exc()
            code = 1
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code if isinstance(code, int) else 1)


def _read(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8", "replace")
    except OSError:
        return ""


def descendants(pid: int) -> list[int]:
    """Every process under ``pid`` (from /proc: LibreOffice runs in a session of its own)."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat[stat.rfind(b")") + 2:].split()[1])
        parents.setdefault(ppid, []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        for c in parents.get(p, []):
            out.append(c)
            todo.append(c)
    return out


def kill_tree(pid: int) -> None:
    """SIGKILL ``pid``, its process group and every descendant (by id)."""
    tree = descendants(pid)
    for p in [pid, *tree]:
        try:
            os.kill(p, signal.SIGKILL)
        except ProcessLookupError:
            pass
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def run_real(argv: list[str], workdir: Path, timeout: float) -> Result:
    """``python -m pipeline ARGV`` as a new process in ``workdir`` (peak RSS of its tree)."""
    import subprocess

    workdir.mkdir(parents=True, exist_ok=True)
    root = Path(__file__).resolve().parents[2]
    env = dict(os.environ, PYTHONPATH=str(root))
    start = time.monotonic()
    with open(workdir / "stdout", "wb") as out, open(workdir / "stderr", "wb") as err:
        proc = subprocess.Popen([sys.executable, "-m", "pipeline", *argv], cwd=workdir,
                                stdout=out, stderr=err, env=env, start_new_session=True)
        deadline = start + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                code = os.waitstatus_to_exitcode(status)
                break
            if time.monotonic() > deadline:
                kill_tree(proc.pid)
                _, status, usage = os.wait4(proc.pid, 0)
                code = None
                break
            time.sleep(0.02)
        proc.returncode = code if code is not None else -9
    return Result(code, _read(workdir / "stdout"), _read(workdir / "stderr"),
                  usage.ru_maxrss / 1024, time.monotonic() - start,
                  [sys.executable, "-m", "pipeline", *argv], usage.ru_utime + usage.ru_stime)


# --------------------------------------------------------------------------- findings

#: What a finding is (kind → what it means).
KINDS = {
    "traceback": "a Python traceback on stderr",
    "internal-error": ("an error line saying the pipeline has a bug (an exception of ours in "
                       "the reader)"),
    "exit-status": "an exit status other than 0 and 1 (a signal, a usage error)",
    "hang": "still running past the campaign's timeout (the CLI's own limits did not end it)",
    "memory": "peak RSS of the process tree past the memory limit given",
    "no-error-line": "exit 1 without an `error:` line",
    "partial": "an output folder that is not complete (no manifest, a file missing or changed)",
    "leftover": "files left beside the output folder (staging folders)",
    "silent-invalid": "exit 0 while validation.json says the output failed",
    "empty-items": "exit 0 with no items",
    "no-report": "exit 0 with --validate but no validation.json",
}


def classify(result: Result, workdir: Path, out: Path, limit_mb: float,
             validated: bool) -> list[tuple[str, str]]:
    """The findings of one run (empty: the run behaved)."""

    from tests.hostile import is_complete

    found: list[tuple[str, str]] = []
    err = result.stderr
    if result.timed_out:
        return [("hang", f"killed after {result.wall_s:.0f} s")]
    if "Traceback (most recent call last)" in err:
        found.append(("traceback", _traceback_site(err)))
    if "this is a bug in the pipeline" in err or "internal error" in err:
        line = next((ln for ln in err.splitlines() if "internal error" in ln or "a bug" in ln), "")
        found.append(("internal-error", _error_site(line)))
    if result.returncode not in (0, 1):
        found.append(("exit-status", f"exit status {result.returncode}"))
    if result.max_rss_mb > limit_mb:
        found.append(("memory", f"peak RSS {result.max_rss_mb:.0f} MB > {limit_mb:.0f} MB"))
    if result.returncode == 1 and not any(ln.startswith("error: ") for ln in err.splitlines()):
        found.append(("no-error-line", err.strip().splitlines()[-1][:200] if err.strip() else ""))
    expected = {"stdout", "stderr", out.name, out.name + ".invalid"}
    siblings = {p.name for p in out.parent.iterdir() if not p.name.startswith("input")} - expected
    if siblings:
        found.append(("leftover", ", ".join(sorted(siblings))[:200]))
    if out.exists() and not is_complete(out):
        found.append(("partial", "output folder without a complete manifest"))
    if result.returncode == 0:
        if not is_complete(out):
            if ("partial", "output folder without a complete manifest") not in found:
                found.append(("partial", "exit 0 without a complete output folder"))
            return found
        notice = _json(out / "notice.json")
        if not notice.get("item_count"):
            found.append(("empty-items", "exit 0, item_count 0"))
        if validated:
            report = out / "validation.json"
            if not report.is_file():
                found.append(("no-report", "exit 0 with --validate, no validation.json"))
            elif _json(report).get("success") is not True:
                found.append(("silent-invalid", "exit 0, validation.json success is not true"))
    return found


def _json(path: Path) -> dict:
    import json

    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _traceback_site(err: str) -> str:
    """The innermost frame and the exception of the last traceback on stderr."""
    tb = err[err.rfind("Traceback (most recent call last)"):]
    frames = [ln.strip() for ln in tb.splitlines() if ln.strip().startswith('File "')]
    last = [ln for ln in tb.splitlines() if ln and not ln.startswith(" ")][-1:]
    site = frames[-1] if frames else "?"
    site = site.replace(str(Path(__file__).resolve().parents[2]) + "/", "")
    return f"{site} :: {last[0][:160] if last else '?'}"


def _error_site(line: str) -> str:
    import re

    line = re.sub(r"^error: [^:]*: ", "", line)
    return line.split(" (hint:")[0][:240]
