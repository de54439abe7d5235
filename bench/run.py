"""Benchmark: the pipeline against bare pdfplumber on the same PDF (``make bench``; not a test).

    .venv/bin/python bench/run.py [--pdf raw/notice-2021.pdf] [--copies 20] [--repeats 3]

Every figure is the wall-clock time of a fresh ``python`` process, as a user runs it
(interpreter start and imports included), median of ``--repeats`` runs:

- ``bare``: pdfplumber ``extract_tables`` over every page, nothing else;
- ``gx_import``: ``python -c "import great_expectations"``, nothing else; ``bare`` and
  ``gx_import`` run one after the other are the floor of ``extract --validate``;
- ``extract``: ``python -m pipeline extract PDF --force`` into a temporary root;
- ``extract_validate``: the same with ``--validate`` (what ``make extract`` runs);
- ``noop``: ``extract --validate`` again on the unchanged file (skipped);
- ``batch``: ``extract --validate`` on N copies of the PDF (each with a distinct comment
  appended, so their hashes differ) with ``--jobs 1`` and ``--jobs 2``, each into a fresh
  root (run once: it is the slow part);
- ``memory``: peak RSS of one ``extract --validate``: the largest process of the tree
  (``getrusage(RUSAGE_CHILDREN).ru_maxrss``) and the whole tree summed (sampled);
- ``csrc``: the real 85-page CSRC list (``../shared/real/csrc-2018q3.pdf``, skipped where
  absent): ``extract --validate`` against bare pdfplumber table finding on the same file;
- ``long lists``: a 50-page and a 500-page list typeset in the run (tests/render):
  peak memory (largest process) and time of ``extract``;
- ``bands``: a wide 权责清单 printed in three column bands, down then over (tests/render
  ``render_long_bands``), of 75 and 750 pages (issue 19): bare pdfplumber ``extract_tables``
  and ``extract --validate`` on the 750-page one, one after the other in the same run;
  peak memory (largest process, and the sandboxed reader alone) of each;
- ``pages in parallel``: bare pdfplumber over every page in one process against the
  same pages split between two processes (what parallel page parsing could gain);
- where the time goes: import time of each heavy library in a fresh process, and the
  stages of one extraction timed in one process (each suite frame on its own);
- ``cluster``: one 40-notice batch (text PDFs, Word, Excel, one scan) on ``--jobs 2`` and on
  a 2-worker local Dask cluster (``bench/cluster.py``; ``--cluster-notices 0`` skips it).

Prints a Markdown table (paste it into README) and writes ``bench/results.json``.
Exit status 0 whether or not the targets are met (the table says); 1 if a command fails.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PDF = ROOT / "raw" / "notice-2021.pdf"
RESULTS = ROOT / "bench" / "results.json"
PYTHON = sys.executable

#: The targets of issues 8, 13 and 14: (figure, comparison, bound, what it says).
TARGETS = (
    ("extract_validate_vs_floor", "<=", 1.0,
     "extract --validate ≤ bare pdfplumber + bare import great_expectations"),
    ("noop_s", "<", 0.5, "no-op re-run < 0.5 s"),
    ("batch_speedup", ">=", 1.7, "batch, 2 workers ≥ 1.7× the throughput of 1"),
    ("peak_rss_mb", "<", 300, "peak memory of one extraction < 300 MB"),
    ("csrc_ratio", "<=", 3.0, "CSRC list: extract --validate ≤ 3× bare pdfplumber"),
    ("long_memory_ratio", "<=", 1.2, "500-page list: peak memory ≤ 1.2× a 50-page one"),
    ("bands_ratio", "<=", 1.2,
     "750-page list in column bands: extract --validate ≤ 1.2× bare pdfplumber"),
    ("bands_reader_memory_ratio", "<=", 1.2,
     "750-page list in column bands: the reader's peak memory ≤ 1.2× the 75-page one's"),
    ("cluster_ratio", "<=", 1.15, "batch on a 2-worker local cluster ≤ 1.15× --jobs 2"),
)
#: The real list of issue 13 (read where it is; never copied into the repository).
CSRC_PDF = ROOT.parent / "shared" / "real" / "csrc-2018q3.pdf"
#: Pages of the two generated long lists.
LONG_PAGES = (50, 500)
#: Pages of the two generated lists printed in column bands (issue 19).
BAND_PAGES = (75, 750)

GX_IMPORT = "import great_expectations"

# Bare pdfplumber over the pages i with i % n == k (argv: pdf, n, k): one of n processes.
BARE_SHARE = """
import sys, pdfplumber
n, k = int(sys.argv[2]), int(sys.argv[3])
with pdfplumber.open(sys.argv[1]) as pdf:
    tables = [page.extract_tables() for i, page in enumerate(pdf.pages) if i % n == k]
print(len(tables))
"""

# Typeset a long list with tests/render (argv: out.pdf, pages); prints its rows.
LONG_LIST = """
import sys
from pathlib import Path
from tests.render.generic import render_long_list
made = render_long_list(Path(sys.argv[1]), int(sys.argv[2]))
print(made.rows)
"""

# Print a wide list in column bands with tests/render (argv: out.pdf, pages); prints its rows.
BANDS = """
import sys
from pathlib import Path
from tests.render.wide import render_long_bands
made = render_long_bands(Path(sys.argv[1]), int(sys.argv[2]))
print(made.pages, len(made.items))
"""

# Runs a command, sampling the RSS of each process of its tree (psutil); prints the
# largest process's peak and the sandboxed reader's, in KB. The reader is the CLI's first
# child (forked before anything else; the validation workers come later and are larger:
# the largest child is not the reader); its page workers are its own children, not counted.
TREE_RSS = """
import subprocess, sys, time
import psutil
proc = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
peak, born = {}, {}
root = psutil.Process(proc.pid)
while proc.poll() is None:
    try:
        for p in [root, *root.children(recursive=False)]:
            try:
                peak[p.pid] = max(peak.get(p.pid, 0), p.memory_info().rss)
                born.setdefault(p.pid, p.create_time())
            except psutil.Error:
                pass
        for p in root.children(recursive=True):
            try:
                peak[p.pid] = max(peak.get(p.pid, 0), p.memory_info().rss)
            except psutil.Error:
                pass
    except psutil.Error:
        pass
    time.sleep(0.01)
first = min((t, pid) for pid, t in born.items() if pid != proc.pid)[1] if len(born) > 1 else None
print(proc.returncode, max(peak.values()) // 1024, peak.get(first, 0) // 1024)
"""

BARE = """
import sys, pdfplumber
with pdfplumber.open(sys.argv[1]) as pdf:
    tables = [page.extract_tables() for page in pdf.pages]
print(len(tables), sum(len(t) for t in tables))
"""

# One extraction, stage by stage, in one process (the CLI's path, without the CLI; the
# CLI imports great_expectations while the child parses).  Each suite frame is timed
# on its own (one worker), then the whole validation as the CLI runs it.
STAGES = """
import json, sys, time
from pathlib import Path
t = time.perf_counter()
out = {}
def lap(name):
    global t
    now = time.perf_counter(); out[name] = round(now - t, 3); t = now
from pipeline.extract import run
from pipeline.safety.sandbox import run_isolated
from pipeline.settings import DEFAULT_LIMITS
lap("import pipeline (light modules)")
pdf = Path(sys.argv[1])
extraction = run_isolated(run, pdf, limits=DEFAULT_LIMITS, label=str(pdf))
lap("parse the PDF (sandboxed child)")
import pandas, pyarrow.parquet
lap("import pandas + pyarrow")
import great_expectations
lap("import great_expectations")
import pipeline.quality.validate as validate
import pipeline.quality.validate.run as running
suites = validate.load_suites()
lap("great_expectations context")
from pipeline.profiles import load_profiles
suites.suite(load_profiles()[extraction.notice.get("profile") or "assist"].suite)
lap("build the suite")
frames = extraction.frames()
from pipeline.output.write import write_tables
folder = Path(sys.argv[2])
write_tables(frames, folder, {"notice.json": extraction.notice})
lap("build frames + write (pyarrow)")
real = running._run_frame
def timed(ctx, suite, name):
    global t
    lap("validate: read tables + derive" if name == next(iter(suite.frames)) else "_")
    result = real(ctx, suite, name)
    lap(f"validate: frame {name} ({len(suite.frames[name].expectations)} expectations)")
    return result
running._run_frame = timed
validate.validate_extraction(folder, workers=1)
lap("validate: report")
out.pop("_", None)
running._run_frame = real
validate.validate_extraction(folder)
lap("validate as extract runs it (two workers where two cores)")
print(json.dumps(out))
"""

IMPORTS = ("pdfplumber", "pandas", "pyarrow.parquet", "great_expectations")

# Runs a command and reports the largest RSS of it and its descendants (KB on Linux).
MAXRSS = """
import resource, subprocess, sys
rc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
print(rc, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="bench/run.py", description=__doc__.split("\n\n")[0])
    p.add_argument("--pdf", type=Path, default=DEFAULT_PDF)
    p.add_argument("--copies", type=int, default=20, help="notices in the batch (default 20)")
    p.add_argument("--repeats", type=int, default=3, help="runs per figure, median (default 3)")
    p.add_argument("--out", type=Path, default=RESULTS, help="results file (bench/results.json)")
    p.add_argument("--batch-rounds", type=int, default=2, metavar="N",
                   help="batch runs per worker count, in ABBA order, median (default 2)")
    p.add_argument("--memory-mb", type=int, metavar="MB",
                   help="passed to every extract command (default: the pipeline's)")
    p.add_argument("--timeout", type=float, metavar="S",
                   help="passed to every extract command (a loaded machine needs more)")
    p.add_argument("--long-pages", default=",".join(map(str, LONG_PAGES)), metavar="A,B",
                   help="pages of the two generated long lists (default 50,500)")
    p.add_argument("--cluster-notices", type=int, default=40, metavar="N",
                   help="notices of the cluster batch (default 40; 0 skips it)")
    args = p.parse_args(argv)
    pdf = args.pdf.resolve()
    if not pdf.is_file():
        print(f"error: {pdf}: no such file", file=sys.stderr)
        return 1
    try:
        flags = ["--memory-mb", str(args.memory_mb)] if args.memory_mb else []
        flags += ["--timeout", f"{args.timeout:g}"] if args.timeout else []
        long_pages = tuple(int(x) for x in args.long_pages.split(","))
        results = _measure(pdf, args.copies, max(1, args.repeats), flags,
                           max(1, args.batch_rounds), long_pages, args.cluster_notices)
    except _Failed as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print()
    print(_markdown(results))
    print(f"\nwritten {_shown(args.out)}")
    return 0


class _Failed(Exception):
    """A benchmarked command failed: the figures would mean nothing."""


def _measure(pdf: Path, copies: int, repeats: int, flags: list[str],
             batch_rounds: int = 2, long_pages: tuple[int, int] = LONG_PAGES,
             cluster_notices: int = 40) -> dict:
    machine = _machine()
    with tempfile.TemporaryDirectory(prefix="pipeline-bench-") as tmp:
        tmp = Path(tmp)
        extract = [PYTHON, "-m", "pipeline", "extract", str(pdf), *flags]
        _log(f"bare pdfplumber extract_tables on {pdf.name} ×{repeats}")
        bare = _times([PYTHON, "-c", BARE, str(pdf)], repeats)
        _log(f"bare import great_expectations ×{repeats}")
        gx_import = _times([PYTHON, "-c", GX_IMPORT], repeats)
        _log("extract --force")
        plain = _times([*extract, "--extracted", str(tmp / "plain"), "--force"], repeats)
        _log("extract --validate --force")
        root = tmp / "extracted"
        validated = _times([*extract, "--extracted", str(root), "--validate", "--force"], repeats)
        _log("no-op re-run (extract --validate, unchanged)")
        noop = _times([*extract, "--extracted", str(root), "--validate"], max(repeats, 5),
                      expect="unchanged")
        batch = {}
        copies_dir = _copies(pdf, tmp / "copies", copies)
        walls: dict[int, list] = {1: [], 2: []}
        # ABBA order (1, 2, 2, 1 …): a load that drifts during the run weighs on both alike
        order = [j for r in range(batch_rounds) for j in ((1, 2) if r % 2 == 0 else (2, 1))]
        for n, jobs in enumerate(order):
            _log(f"batch: {copies} copies, extract --validate --jobs {jobs}")
            walls[jobs].append(_batch(copies_dir, tmp / f"batch-{n}-jobs{jobs}", jobs, flags))
        for jobs, runs in walls.items():
            failed = [w for w in runs if isinstance(w, str)]
            if failed:
                batch[f"jobs{jobs}"] = {"error": failed[0]}
                continue
            wall = statistics.median(runs)
            batch[f"jobs{jobs}"] = {"wall_s": round(wall, 3), "runs_s": runs,
                                    "notices_per_s": round(copies / wall, 3)}
        _log("peak memory of one extract --validate")
        memory = _memory([*extract, "--extracted", str(tmp / "memory"), "--validate", "--force"])
        _log("import times and stages of one extraction")
        imports = {m: round(statistics.median(_times(
            [PYTHON, "-c", f"import time; t = time.perf_counter(); import {m}; "
                           "print(time.perf_counter() - t)"], repeats, value=True)), 3)
                   for m in IMPORTS}
        stages = _stages(pdf, tmp / "stages")
        _log("pages in parallel: bare pdfplumber, one process against two")
        parallel = {"notice": _pages_parallel(pdf, repeats)}
        _log("the real CSRC list: extract --validate against bare pdfplumber")
        csrc = _csrc(tmp / "csrc", repeats, flags)
        if "bare_s" in csrc:
            parallel["csrc"] = _pages_parallel(CSRC_PDF, 1)
        _log(f"long lists: typeset {long_pages[0]} and {long_pages[1]} pages, peak memory "
             "of extract")
        long = _long_lists(tmp / "long", flags, long_pages)
        _log(f"lists in column bands: print {BAND_PAGES[0]} and {BAND_PAGES[1]} pages; bare "
             "pdfplumber and extract --validate on the longer, peak memory of each")
        bands = _bands(tmp / "bands", flags, BAND_PAGES)
        cluster = {"skipped": "--cluster-notices 0"}
        if cluster_notices > 0:
            from cluster import measure_cluster  # (bench/cluster.py, beside this file)

            cluster = measure_cluster(tmp / "cluster", cluster_notices, batch_rounds, flags,
                                      log=_log)
    bare_s = statistics.median(bare)
    figures = {
        "bare_s": bare_s,
        "gx_import_s": statistics.median(gx_import),
        "extract_s": statistics.median(plain),
        "extract_validate_s": statistics.median(validated),
        "noop_s": statistics.median(noop),
    }
    figures["floor_s"] = bare_s + figures["gx_import_s"]
    figures["extract_ratio"] = figures["extract_s"] / bare_s
    figures["extract_validate_ratio"] = figures["extract_validate_s"] / bare_s
    figures["extract_validate_vs_floor"] = figures["extract_validate_s"] / figures["floor_s"]
    figures["noop_ratio"] = figures["noop_s"] / bare_s
    figures["csrc_ratio"] = csrc.get("ratio")
    figures["long_memory_ratio"] = long.get("memory_ratio")
    figures["bands_ratio"] = bands.get("ratio")
    figures["bands_reader_memory_ratio"] = bands.get("reader_memory_ratio")
    if all("error" not in b for b in batch.values()):
        figures["batch_speedup"] = (batch["jobs2"]["notices_per_s"]
                                    / batch["jobs1"]["notices_per_s"])
    else:
        figures["batch_speedup"] = None
    figures["peak_rss_mb"] = memory["largest_process_mb"]
    figures["cluster_ratio"] = cluster.get("ratio")
    figures = {k: None if v is None else round(v, 3) for k, v in figures.items()}
    return {
        "when": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "machine": {**machine, "load_average_after": _load()},
        "pdf": {"file": _shown(pdf), "bytes": pdf.stat().st_size, "pages": _pages(pdf)},
        "repeats": repeats,
        "copies": copies,
        "batch_rounds": batch_rounds,
        "extract_flags": flags,
        "runs_s": {"bare": bare, "gx_import": gx_import, "extract": plain,
                   "extract_validate": validated, "noop": noop},
        "figures": figures,
        "batch": batch,
        "memory": memory,
        "csrc": csrc,
        "long_lists": long,
        "cluster": cluster,
        "bands": bands,
        "pages_in_parallel": parallel,
        "imports_s": imports,
        "stages_s": stages,
        "targets": [{"target": text, "figure": key, "value": figures[key],
                     "met": _met(figures[key], op, bound)}
                    for key, op, bound, text in TARGETS],
    }


def _times(cmd: list[str], repeats: int, *, expect: str | None = None,
           value: bool = False) -> list[float]:
    """Wall seconds of each run of ``cmd`` (or, with ``value``, the number it prints)."""
    out = []
    for _ in range(repeats):
        start = time.perf_counter()
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        wall = time.perf_counter() - start
        if proc.returncode != 0:
            raise _Failed(f"{' '.join(cmd[:6])} … exited {proc.returncode}: "
                          f"{proc.stderr.strip()[-500:]}")
        if expect and expect not in proc.stdout + proc.stderr:
            raise _Failed(f"{' '.join(cmd[:6])} …: expected {expect!r} in its output, got "
                          f"{(proc.stdout + proc.stderr).strip()[-300:]}")
        out.append(round(float(proc.stdout.split()[-1]) if value else wall, 3))
    return out


def _csrc(out: Path, repeats: int, flags: list[str]) -> dict:
    """The real CSRC list: bare pdfplumber and ``extract --validate`` (what ``make
    extract`` runs), median of ``repeats``; skipped where the file is absent."""
    if not CSRC_PDF.is_file():
        return {"skipped": f"{CSRC_PDF} is not here"}
    bare = _times([PYTHON, "-c", BARE, str(CSRC_PDF)], repeats)
    command = [PYTHON, "-m", "pipeline", "extract", str(CSRC_PDF), "--out", str(out),
               "--validate", "--force", "--max-pages", "1000", *flags]
    try:
        runs = _times(command, repeats)
    except _Failed as e:
        return {"file": _shown(CSRC_PDF), "bare_s": statistics.median(bare), "bare_runs_s": bare,
                "error": str(e)[:1000]}
    notice = json.loads((out / "notice.json").read_text(encoding="utf-8"))
    report = json.loads((out / "validation.json").read_text(encoding="utf-8"))
    bare_s, extract_s = statistics.median(bare), statistics.median(runs)
    return {"file": _shown(CSRC_PDF), "pages": notice.get("page_count"),
            "items": notice.get("item_count"), "valid": report.get("success"),
            "bare_s": bare_s, "extract_validate_s": extract_s,
            "ratio": round(extract_s / bare_s, 3), "bare_runs_s": bare,
            "extract_validate_runs_s": runs,
            "validation_s": report.get("elapsed_s")}


def _bands(folder: Path, flags: list[str], pages: tuple[int, int]) -> dict:
    """Issue 19: a wide list printed in three column bands, of ``pages`` pages: bare
    pdfplumber ``extract_tables`` and ``extract --validate`` on the longer one (once
    each, one after the other: minutes), peak memory of ``extract --validate`` on both
    (largest process; the sandboxed reader alone)."""
    folder.mkdir(parents=True, exist_ok=True)
    out: dict = {"pages": list(pages)}
    for n in pages:
        pdf = folder / f"bands-{n}p.pdf"
        made = subprocess.run([PYTHON, "-c", BANDS, str(pdf), str(n)], cwd=ROOT,
                              capture_output=True, text=True)
        if made.returncode != 0:
            return {"skipped": f"cannot print a list in bands: {made.stderr.strip()[-300:]}"}
        printed, rows = (int(x) for x in made.stdout.split()[-2:])
        command = [PYTHON, "-m", "pipeline", "extract", str(pdf), "--out",
                   str(folder / f"out-{n}"), "--validate", "--force", "--max-pages", "1000",
                   *(flags if "--timeout" in flags else [*flags, "--timeout", "3600"])]
        figures: dict = {"pages": printed, "rows": rows}
        if n == max(pages):
            figures["bare_s"] = _times([PYTHON, "-c", BARE, str(pdf)], 1)[0]
            figures["extract_validate_s"] = _times(command, 1)[0]
            out["ratio"] = round(figures["extract_validate_s"] / figures["bare_s"], 3)
        sampled = subprocess.run([PYTHON, "-c", TREE_RSS, *command], cwd=ROOT,
                                 capture_output=True, text=True)
        try:
            rc, largest, reader = (int(x) for x in sampled.stdout.split())
        except ValueError:
            return {"error": f"memory of the {n}-page list: {sampled.stderr.strip()[-300:]}"}
        if rc != 0:
            return {"error": f"extract --validate of the {n}-page list exited {rc}"}
        figures["peak_rss_mb"] = round(largest / 1024, 1)
        figures["reader_peak_rss_mb"] = round(reader / 1024, 1)
        out[f"{n}"] = figures
    low, high = (out[f"{n}"] for n in pages)
    out["memory_ratio"] = round(high["peak_rss_mb"] / low["peak_rss_mb"], 3)
    out["reader_memory_ratio"] = round(high["reader_peak_rss_mb"] / low["reader_peak_rss_mb"], 3)
    out["note"] = ("peak_rss_mb: the largest process of `extract --validate` (the CLI: pandas, "
                   "great_expectations and the tables, which grow with the rows); "
                   "reader_peak_rss_mb: the sandboxed reader, the CLI's first child, without "
                   "its page workers (sampled with psutil every 10 ms)")
    return out


def _long_lists(folder: Path, flags: list[str], long_pages: tuple[int, int]) -> dict:
    """Peak memory (largest process) and time of ``extract`` on generated lists of
    ``LONG_PAGES`` pages (typeset by tests/render in this run)."""
    folder.mkdir(parents=True, exist_ok=True)
    out: dict = {}
    for pages in long_pages:
        pdf = folder / f"list-{pages}p.pdf"
        made = subprocess.run([PYTHON, "-c", LONG_LIST, str(pdf), str(pages)], cwd=ROOT,
                              capture_output=True, text=True)
        if made.returncode != 0:
            return {"skipped": f"cannot typeset a long list: {made.stderr.strip()[-300:]}"}
        command = [PYTHON, "-m", "pipeline", "extract", str(pdf), "--out",
                   str(folder / f"out-{pages}"), "--force", "--max-pages", "1000",
                   *(flags if "--timeout" in flags else [*flags, "--timeout", "3600"])]
        start = time.perf_counter()
        wrapped = subprocess.run([PYTHON, "-c", MAXRSS, *command], cwd=ROOT,
                                 capture_output=True, text=True)
        wall = time.perf_counter() - start
        rc, maxrss_kb = (int(x) for x in wrapped.stdout.split())
        if rc != 0:
            return {"error": f"extract of the {pages}-page list exited {rc}"}
        out[f"{pages}"] = {"rows": int(made.stdout.split()[-1]),
                           "peak_rss_mb": round(maxrss_kb / 1024, 1),
                           "extract_s": round(wall, 2),
                           "s_per_page": round(wall / pages, 3)}
    low, high = (out[f"{p}"] for p in long_pages)
    out["pages"] = list(long_pages)
    out["memory_ratio"] = round(high["peak_rss_mb"] / low["peak_rss_mb"], 3)
    out["note"] = ("peak_rss_mb: ru_maxrss of the largest process of `extract` (no "
                   "--validate; the output tables grow with the rows, the reader's memory "
                   "should not grow with the pages)")
    return out


def _pages_parallel(pdf: Path, repeats: int) -> dict:
    """Bare pdfplumber over every page in one process, against the pages shared between
    two processes started together (even and odd pages): what reading pages in
    parallel could gain on this machine (pages are independent until stitching)."""
    one = statistics.median(_times([PYTHON, "-c", BARE, str(pdf)], repeats))
    walls = []
    for _ in range(repeats):
        start = time.perf_counter()
        procs = [subprocess.Popen([PYTHON, "-c", BARE_SHARE, str(pdf), "2", str(k)], cwd=ROOT,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                 for k in (0, 1)]
        codes = [p.wait() for p in procs]
        if any(codes):
            return {"error": f"a share of the pages failed: {codes}"}
        walls.append(time.perf_counter() - start)
    two = statistics.median(walls)
    return {"file": _shown(pdf), "one_process_s": round(one, 3), "two_processes_s": round(two, 3),
            "speedup": round(one / two, 2)}


def _batch(pdfs: list[Path], out: Path, jobs: int, flags: list[str]) -> float | str:
    """Wall seconds of one batch run, or why it failed (the other figures still count)."""
    try:
        wall = _times([PYTHON, "-m", "pipeline", "extract", *map(str, pdfs), *flags,
                       "--extracted", str(out), "--validate", "--jobs", str(jobs)], 1)[0]
    except _Failed as e:
        return str(e)[:1000]
    done = sum(1 for _ in out.glob("*/manifest.json"))
    if done != len(pdfs):
        return f"--jobs {jobs}: {done} of {len(pdfs)} folders written"
    shutil.rmtree(out, ignore_errors=True)
    return wall


def _copies(pdf: Path, folder: Path, n: int) -> list[Path]:
    """``n`` copies of ``pdf`` whose bytes differ (a comment after %%EOF; readers ignore it)."""
    folder.mkdir(parents=True)
    data = pdf.read_bytes()
    paths = []
    for i in range(1, n + 1):
        path = folder / f"{pdf.stem}-copy{i:03d}.pdf"
        path.write_bytes(data + f"\n% bench copy {i}\n".encode())
        paths.append(path)
    return paths


def _memory(cmd: list[str]) -> dict:
    """Peak RSS of one run: largest single process (rusage) and the tree summed (sampled)."""
    wrapped = subprocess.run([PYTHON, "-c", MAXRSS, *cmd], cwd=ROOT, capture_output=True,
                             text=True)
    rc, maxrss_kb = (int(x) for x in wrapped.stdout.split())
    if rc != 0:
        raise _Failed(f"memory run of {' '.join(cmd[:6])} … exited {rc}")
    tree_peak = _tree_peak(cmd)
    return {"largest_process_mb": round(maxrss_kb / 1024, 1),
            "tree_sum_mb": round(tree_peak / 2**20, 1) if tree_peak else None,
            "note": "largest_process_mb: ru_maxrss of the largest process of the extract "
                    "tree; tree_sum_mb: RSS of the CLI and its children summed, sampled "
                    "every 5 ms (pages a forked child shares are counted twice)"}


def _tree_peak(cmd: list[str]) -> int | None:
    try:
        import psutil
    except ImportError:  # psutil is optional: the rusage figure is the target's
        return None
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    peak = 0
    try:
        parent = psutil.Process(proc.pid)
        while proc.poll() is None:
            total = 0
            for p in [parent, *parent.children(recursive=True)]:
                try:
                    total += p.memory_info().rss
                except psutil.Error:
                    pass
            peak = max(peak, total)
            time.sleep(0.005)
    except psutil.Error:
        pass
    finally:
        proc.wait()
    return peak


def _stages(pdf: Path, out: Path) -> dict:
    proc = subprocess.run([PYTHON, "-c", STAGES, str(pdf), str(out)], cwd=ROOT,
                          capture_output=True, text=True)
    if proc.returncode != 0:
        return {"error": proc.stderr.strip()[-300:]}
    return json.loads(proc.stdout.splitlines()[-1])


def _pages(pdf: Path) -> int | None:
    proc = subprocess.run([PYTHON, "-c", BARE, str(pdf)], capture_output=True, text=True)
    return int(proc.stdout.split()[0]) if proc.returncode == 0 else None


def _machine() -> dict:
    from importlib.metadata import version

    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                            capture_output=True, text=True).stdout.strip()
    return {"cpus": os.cpu_count(), "python": platform.python_version(),
            "platform": platform.platform(), "pdfplumber": version("pdfplumber"),
            "great_expectations": version("great_expectations"), "commit": commit,
            "load_average_before": _load()}


def _load() -> list[float] | None:
    """1, 5 and 15 minute load averages: other work on the machine skews every figure."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def _met(value: float | None, op: str, bound: float) -> bool:
    if value is None:
        return False
    return {"<": value < bound, "<=": value <= bound, ">=": value >= bound}[op]


def _markdown(r: dict) -> str:
    f, b, m = r["figures"], r["batch"], r["memory"]
    yes = {True: "yes", False: "**no**"}
    met = {t["figure"]: yes[t["met"]] for t in r["targets"]}
    rows = [
        ("bare pdfplumber `extract_tables`, all pages", f"{f['bare_s']:.2f} s", "1.00×", "", ""),
        ("bare `import great_expectations`", f"{f['gx_import_s']:.2f} s",
         f"{f['gx_import_s'] / f['bare_s']:.2f}×", "", ""),
        ("the two one after the other (the floor)", f"{f['floor_s']:.2f} s",
         f"{f['floor_s'] / f['bare_s']:.2f}×", "", ""),
        ("`extract`", f"{f['extract_s']:.2f} s", f"{f['extract_ratio']:.2f}×", "", ""),
        ("`extract --validate`", f"{f['extract_validate_s']:.2f} s",
         f"{f['extract_validate_ratio']:.2f}×",
         f"≤ the floor ({f['extract_validate_vs_floor']:.2f}× it)",
         met["extract_validate_vs_floor"]),
        ("no-op re-run (unchanged file)", f"{f['noop_s']:.2f} s", f"{f['noop_ratio']:.2f}×",
         "< 0.5 s", met["noop_s"]),
        (f"batch of {r['copies']}, `--jobs 1`", _batch_cell(b["jobs1"]), "", "", ""),
        (f"batch of {r['copies']}, `--jobs 2`", _batch_cell(b["jobs2"]),
         "" if f["batch_speedup"] is None else f"{f['batch_speedup']:.2f}× throughput",
         "≥ 1.7×", met["batch_speedup"]),
        ("peak memory, one `extract --validate`", f"{m['largest_process_mb']:.0f} MB"
         + (f" (tree {m['tree_sum_mb']:.0f} MB)" if m.get("tree_sum_mb") else ""), "",
         "< 300 MB", met["peak_rss_mb"]),
    ]
    c = r.get("csrc") or {}
    if "ratio" in c:
        rows += [
            (f"CSRC list ({c['pages']} pages, {c['items']:,} rows): bare pdfplumber",
             f"{c['bare_s']:.2f} s", "1.00×", "", ""),
            ("CSRC list: `extract --validate`", f"{c['extract_validate_s']:.2f} s",
             f"{c['ratio']:.2f}×", "≤ 3×", met["csrc_ratio"])]
    else:
        rows.append(("CSRC list", c.get("skipped") or c.get("error", "?"), "", "≤ 3×", ""))
    long = r.get("long_lists") or {}
    if "memory_ratio" in long:
        pages = long["pages"]
        low, high = (long[f"{p}"] for p in pages)
        rows += [
            (f"{pages[0]}-page list ({low['rows']:,} rows): `extract`",
             f"{low['extract_s']:.1f} s, {low['peak_rss_mb']:.0f} MB", "", "", ""),
            (f"{pages[1]}-page list ({high['rows']:,} rows): `extract`",
             f"{high['extract_s']:.1f} s, {high['peak_rss_mb']:.0f} MB",
             f"{long['memory_ratio']:.2f}× the memory", "≤ 1.2×", met["long_memory_ratio"])]
    else:
        rows.append(("long lists", long.get("skipped") or long.get("error", "?"), "",
                     "≤ 1.2×", ""))
    if "cluster" in r:
        from cluster import markdown as cluster_rows

        more = cluster_rows(r["cluster"])
    else:
        more = []
    rows += _band_rows(r.get("bands") or {}, met)
    mach = r["machine"]
    lines = [f"Benchmark of {r['when'][:10]} on `{r['pdf']['file']}` ({r['pdf']['pages']} pages), "
             f"{mach['cpus']} CPUs, Python {mach['python']}, commit {mach['commit']}; median of "
             f"{r['repeats']} runs, each a fresh process (`"
             + " ".join(["bench/run.py", *r["extract_flags"]]) + "`); load average "
             f"{_loads(mach)}.", "",
             "| run | time | vs bare pdfplumber | target | met |",
             "| --- | --- | --- | --- | --- |"]
    lines += ["| " + " | ".join(row) + " |" for row in rows] + more
    par = r.get("pages_in_parallel") or {}
    if par:
        lines += ["", "Pages in parallel (bare pdfplumber, every page in one process against "
                  "the pages shared between two): " + "; ".join(
                      f"{v['file']}: {v['one_process_s']:.2f} s → {v['two_processes_s']:.2f} s "
                      f"({v['speedup']:.2f}×)" for v in par.values() if "speedup" in v) + "."]
    stages = r.get("stages_s", {})
    if stages and "error" not in stages:
        lines += ["", "Where one `extract --validate` spends its time (one process, stage by "
                  "stage; imports in a fresh process: "
                  + ", ".join(f"{k} {v:.2f} s" for k, v in r["imports_s"].items()) + "):", "",
                  "| stage | s |", "| --- | --- |"]
        lines += [f"| {k} | {v:.2f} |" for k, v in stages.items()]
    return "\n".join(lines)


def _band_rows(bands: dict, met: dict) -> list[tuple[str, ...]]:
    """The table's rows for the lists printed in column bands (issue 19)."""
    if "ratio" not in bands:
        return [("lists in column bands", bands.get("skipped") or bands.get("error", "?"), "",
                 "≤ 1.2×", "")]
    low, high = (bands[f"{p}"] for p in bands["pages"])
    return [
        (f"{high['pages']}-page list in 3 column bands ({high['rows']:,} rows): bare "
         "pdfplumber", f"{high['bare_s']:.1f} s", "1.00×", "", ""),
        ("… `extract --validate`", f"{high['extract_validate_s']:.1f} s",
         f"{bands['ratio']:.2f}×", "≤ 1.2×", met["bands_ratio"]),
        (f"… memory, {low['pages']} → {high['pages']} pages",
         f"reader {low['reader_peak_rss_mb']:.0f} → {high['reader_peak_rss_mb']:.0f} MB, "
         f"largest process {low['peak_rss_mb']:.0f} → {high['peak_rss_mb']:.0f} MB",
         f"reader {bands['reader_memory_ratio']:.2f}×, largest {bands['memory_ratio']:.2f}×",
         "reader ≤ 1.2×", met["bands_reader_memory_ratio"])]


def _batch_cell(b: dict) -> str:
    if "error" in b:
        return "failed (see results.json)"
    return f"{b['wall_s']:.1f} s ({b['notices_per_s']:.2f} notices/s)"


def _loads(machine: dict) -> str:
    before, after = machine.get("load_average_before"), machine.get("load_average_after")
    return f"{before[0] if before else '?'} before, {after[0] if after else '?'} after"


def _shown(path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def _log(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
