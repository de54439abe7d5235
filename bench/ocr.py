"""Benchmark: scanned notices read by OCR, seconds per page (``make bench``; not a test).

    .venv/bin/python bench/ocr.py [--pdf raw/notice-2021.pdf] [--gold GOLD.json]
        [--variants clean,noisy] [--dpi 200] [--pages 3,4] [--out bench/ocr-results.json]

Each variant is a scan made from ``--pdf`` by ``tests/formats/scan.py`` (every page, or
``--pages``), extracted by a fresh ``python -m pipeline extract SCAN --force`` process as a
user runs it.  Per variant: wall seconds and CPU seconds (the process tree, from
``getrusage(RUSAGE_CHILDREN)``) per OCR'd page, and, with ``--gold``, items found, character
accuracy of item cells, F1 of tasks/citations/departments (``tests/fixtures/shared/score.py``,
or ``../shared/tools/score.py`` when it is there) and wrong cells flagged in ``ocr_cells``.

Variants: clean (grey, straight), noisy (tilt 1.2°, noise, JPEG 60), colour-seal (colour,
tilt −0.8°, red seals over the signature and a table page), grey-seal (the same in grey,
rules broken, punch holes and a dark margin), turned (every page upside down).
Prints a Markdown table and writes ``--out`` (with CPU count and load average).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.formats.scan import Scan, scan_pdf  # noqa: E402

VARIANTS = {
    "clean": Scan(),
    "noisy": Scan(tilt=1.2, noise=10, jpeg=60, seed=1),
    "colour-seal": Scan(tilt=-0.8, noise=6, jpeg=75, colour=True, seal="all", seed=2),
    "grey-seal": Scan(tilt=0.6, noise=6, jpeg=70, seal="all", broken=True, holes=True, seed=3),
    "turned": Scan(turn=180, noise=4, seed=4),
}


def _score(gold: Path, out: Path) -> dict:
    shared = ROOT.parent / "shared" / "tools" / "score.py"
    script = shared if shared.is_file() else ROOT / "tests" / "fixtures" / "shared" / "score.py"
    run = subprocess.run([sys.executable, str(script), str(gold), str(out), "--json"],
                         capture_output=True, text=True, check=False)
    try:
        return json.loads(run.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return {"error": run.stderr[-300:]}


def _flagged(out: Path, wrong: list) -> dict:
    import pandas as pd

    path = out / "ocr_cells.parquet"
    if not path.is_file():
        return {}
    cells = pd.read_parquet(path)
    flagged = {(int(r.seq), r.field) for r in cells.itertuples() if r.flagged}
    wrong_set = {(int(s), f) for s, f in wrong}
    return {"cells": len(cells), "flagged": len(flagged),
            "wrong_flagged": len(wrong_set & flagged), "wrong": len(wrong_set)}


def run_variant(name: str, scan: Scan, pdf: Path, gold: Path | None, pages, work: Path,
                timeout: float, keep: Path | None = None) -> dict:
    src = work / f"{name}.pdf"
    scan_pdf(pdf, src, scan, pages)
    out = work / f"{name}-out"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    run = subprocess.run([sys.executable, "-m", "pipeline", "extract", str(src), "--force",
                          "--out", str(out), "--timeout", str(timeout)],
                         cwd=ROOT, capture_output=True, text=True, check=False)
    wall = time.monotonic() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    notice = {}
    if (out / "notice.json").is_file():
        notice = json.loads((out / "notice.json").read_text(encoding="utf-8"))
    n_pages = notice.get("page_count") or len(pages or []) or 1
    row = {"variant": name, "dpi": scan.dpi, "pages": n_pages, "exit": run.returncode,
           "wall_s": round(wall, 1), "cpu_s": round(cpu, 1),
           "wall_s_per_page": round(wall / n_pages, 2), "cpu_s_per_page": round(cpu / n_pages, 2),
           "error": run.stderr.strip().splitlines()[-1] if run.returncode else ""}
    if gold is not None and run.returncode == 0:
        s = _score(gold, out)
        row.update({k: s.get(k) for k in ("items_expected", "items_found", "char_accuracy",
                                           "cells_exact", "tasks_f1", "citations_f1",
                                           "departments_f1", "wrong_cells", "tasks_missing",
                                           "citations_missing", "departments_missing")})
        row.update(_flagged(out, s.get("wrong_cells", [])))
    if keep is not None and out.is_dir():
        import shutil

        shutil.copytree(out, keep / f"{name}-{scan.dpi}", dirs_exist_ok=True)
    return row


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="bench/ocr.py")
    p.add_argument("--pdf", type=Path, default=ROOT / "raw" / "notice-2021.pdf")
    p.add_argument("--gold", type=Path, default=ROOT / "tests" / "fixtures" / "shared"
                   / "notice-2021.json")
    p.add_argument("--variants", default="clean,noisy")
    p.add_argument("--dpi", type=int, default=200)
    p.add_argument("--pages", type=lambda s: [int(x) for x in s.split(",")])
    p.add_argument("--timeout", type=float, default=600)
    p.add_argument("--out", type=Path, default=ROOT / "bench" / "ocr-results.json")
    p.add_argument("--keep", type=Path, help="copy each variant's extracted folder here")
    a = p.parse_args(argv)
    gold = a.gold if a.gold and a.gold.is_file() and not a.pages else None
    load = os.getloadavg()
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-ocr-") as tmp:
        for name in a.variants.split(","):
            scan = VARIANTS[name]
            scan = Scan(**{**scan.__dict__, "dpi": a.dpi})
            rows.append(run_variant(name, scan, a.pdf, gold, a.pages, Path(tmp), a.timeout,
                                    a.keep))
            print(json.dumps(rows[-1], ensure_ascii=False), file=sys.stderr)
    cols = ["variant", "dpi", "pages", "wall_s_per_page", "cpu_s_per_page", "items_found",
            "char_accuracy", "tasks_f1", "citations_f1", "departments_f1", "wrong",
            "wrong_flagged"]
    print("| " + " | ".join(cols) + " |")
    print("|" + " --- |" * len(cols))
    for r in rows:
        print("| " + " | ".join(str(r.get(c, "")) for c in cols) + " |")
    a.out.write_text(json.dumps({
        "when": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), "pdf": str(a.pdf),
        "cpus": os.cpu_count(), "load_before": load, "load_after": os.getloadavg(),
        "python": platform.python_version(), "rows": rows}, ensure_ascii=False, indent=1)
        + "\n", encoding="utf-8")
    return 1 if any(r["exit"] for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
