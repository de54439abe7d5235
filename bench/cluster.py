"""Benchmark: one batch on ``--jobs 2`` and on a 2-worker local Dask cluster (issue 20).

    .venv/bin/python bench/cluster.py [--notices 40] [--rounds 2] [--out FILE]
    (``make bench`` runs it too, through bench/run.py: ``measure_cluster``)

The batch is made in the run (tests.clusterbatch): text PDFs, Word documents, Excel
workbooks and one scan (OCR'd), each its own random list of ``--items`` items.  Each run is
``extract FILES --validate`` into a fresh root, as a user runs it: a fresh process, the
cluster's start and stop included.  Runs alternate ABBA (jobs, cluster, cluster, jobs …) so
that a load that drifts weighs on both alike; the figure is the median wall of each.

Also recorded per run: the CPU seconds of the process tree (``RUSAGE_CHILDREN`` of a wrapper:
every process the batch started and reaped), how busy that kept the two cores
(CPU / (wall × cores)), the time to the first notice done, and for the cluster its
start-up (until the ``cluster:`` line) and the tail (from the last notice done to the exit).
What page tasks could gain: at most half the time the last notice ran alone (from the
next-to-last notice done to the last), shared between the two workers.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
#: The batch of issue 20: 40 notices, text PDFs, Word, Excel and one scan.
MIX = {"pdfs": 30, "docx": 5, "xlsx": 4, "scans": 1}
#: The target: cluster wall ≤ this × ``--jobs 2`` wall.
TARGET = 1.15

# Runs the command given, prints one JSON line: its exit status and the CPU seconds of every
# process it started and reaped (the batch's whole tree).
WRAP = """
import json, resource, subprocess, sys
rc = subprocess.run(sys.argv[1:]).returncode
u = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"rc": rc, "cpu_s": u.ru_utime + u.ru_stime}), file=sys.stderr)
"""


def measure_cluster(folder: Path, notices: int = 40, rounds: int = 2,
                    flags: list[str] | None = None, log=print) -> dict:
    """Make the batch in ``folder`` and time it on ``--jobs 2`` and ``--scheduler local:2``;
    return the figures (``ratio``: cluster wall / jobs wall)."""
    sys.path.insert(0, str(ROOT))
    from tests.clusterbatch import make_batch

    mix = _mix(notices)
    log(f"cluster: making the batch ({', '.join(f'{n} {k}' for k, n in mix.items())})")
    files = make_batch(folder / "inputs", **mix)
    modes = {"jobs2": ["--jobs", "2"], "cluster2": ["--scheduler", "local:2"]}
    order = [m for r in range(rounds) for m in (("jobs2", "cluster2") if r % 2 == 0
                                                 else ("cluster2", "jobs2"))]
    runs: dict[str, list[dict]] = {m: [] for m in modes}
    for n, mode in enumerate(order):
        log(f"cluster: batch of {len(files)}, extract --validate {' '.join(modes[mode])}")
        runs[mode].append(_run([PYTHON, "-m", "pipeline", "extract", *map(str, files),
                                "--validate", "--extracted", str(folder / f"run-{n}-{mode}"),
                                *modes[mode], *(flags or [])], len(files)))
    out: dict = {"notices": len(files), "mix": mix, "rounds": rounds, "cores": os.cpu_count()}
    for mode, done in runs.items():
        failed = [r for r in done if "error" in r]
        if failed:
            out[mode] = failed[0]
            continue
        wall = statistics.median(r["wall_s"] for r in done)
        out[mode] = {"wall_s": round(wall, 2), "runs": done}
    if all("wall_s" in out[m] for m in modes):
        out["ratio"] = round(out["cluster2"]["wall_s"] / out["jobs2"]["wall_s"], 3)
        # Page tasks could at most share the last notice's time alone between the workers.
        out["page_tasks_gain_at_most_s"] = round(
            statistics.median(r["last_alone_s"] for r in runs["cluster2"]) / 2, 1)
    return out


def _mix(notices: int) -> dict[str, int]:
    """The issue's 40-notice mix, scaled to ``notices`` (one scan whenever there are 4+)."""
    if notices == sum(MIX.values()):
        return dict(MIX)
    scans = 1 if notices >= 4 else 0
    docx = xlsx = max(0, (notices - scans) // 8)
    return {"pdfs": notices - scans - docx - xlsx, "docx": docx, "xlsx": xlsx, "scans": scans}


def _run(cmd: list[str], total: int) -> dict:
    """One batch: wall, tree CPU, when the first notice and the cluster line came, the tail."""
    start = time.monotonic()
    proc = subprocess.Popen([PYTHON, "-c", WRAP, *cmd], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    stamps: list[float] = []
    for line in proc.stdout:
        if line.startswith("["):
            stamps.append(time.monotonic() - start)
    err = proc.stderr.read()
    proc.wait()
    wall = time.monotonic() - start
    try:
        usage = json.loads(err.strip().splitlines()[-1])
    except (ValueError, IndexError):
        usage = {"rc": proc.returncode, "cpu_s": 0.0}
    if usage["rc"] != 0 or len(stamps) != total:
        return {"error": f"exit {usage['rc']}, {len(stamps)} of {total} notices: "
                         f"{err.strip()[-400:]}"}
    cores = os.cpu_count() or 1
    out = {"wall_s": round(wall, 2), "cpu_s": round(usage["cpu_s"], 1),
           "busy": round(usage["cpu_s"] / (wall * cores), 3),
           "first_notice_s": round(stamps[0], 1), "tail_s": round(wall - stamps[-1], 1),
           # (the last notice alone: what splitting it into page tasks could share out)
           "last_alone_s": round(stamps[-1] - stamps[-2], 1) if total > 1 else 0.0}
    summary = [x for x in err.splitlines() if x.startswith(("cluster:", "summary:"))]
    if summary:
        out["printed"] = summary
    return out


def markdown(r: dict) -> list[str]:
    """Rows for the benchmark's Markdown table."""
    if "ratio" not in r:
        why = next((r[m]["error"] for m in ("jobs2", "cluster2") if "error" in r.get(m, {})),
                   r.get("skipped", "?"))
        return [f"| cluster batch | {why[:200]} | | ≤ {TARGET}× | |"]
    jobs, cluster = r["jobs2"]["runs"], r["cluster2"]["runs"]
    met = "yes" if r["ratio"] <= TARGET else "**no**"
    busy = statistics.median(x["busy"] for x in cluster)
    return [
        f"| batch of {r['notices']} (text PDFs, Word, Excel, 1 scan), `--jobs 2` | "
        f"{r['jobs2']['wall_s']:.1f} s ({statistics.median(x['cpu_s'] for x in jobs):.0f} "
        "CPU-s) | | | |",
        f"| the same on `--scheduler local:2` | {r['cluster2']['wall_s']:.1f} s "
        f"({statistics.median(x['cpu_s'] for x in cluster):.0f} CPU-s, cores {busy:.0%} busy) "
        f"| {r['ratio']:.2f}× `--jobs 2` | ≤ {TARGET}× | {met} |",
    ]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="bench/cluster.py", description=__doc__.split("\n\n")[0])
    p.add_argument("--notices", type=int, default=sum(MIX.values()))
    p.add_argument("--rounds", type=int, default=2, help="ABBA rounds, median (default 2)")
    p.add_argument("--out", type=Path, help="also write the figures to this JSON file")
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="pipeline-bench-cluster-") as tmp:
        r = measure_cluster(Path(tmp), args.notices, max(1, args.rounds),
                            log=lambda m: print(m, file=sys.stderr, flush=True))
    if args.out:
        args.out.write_text(json.dumps(r, indent=1) + "\n", encoding="utf-8")
    print("\n".join(markdown(r)))
    print(json.dumps({k: v for k, v in r.items() if k not in ("jobs2", "cluster2")}))
    return 0 if "ratio" in r else 1


if __name__ == "__main__":
    sys.exit(main())
