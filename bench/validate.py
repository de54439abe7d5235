"""Benchmark: validation alone, per family, against another tree (not a test).

    .venv/bin/python bench/validate.py [--against DIR] [--repeats 5] [--rows 3563]

Times ``validate_extraction`` on folders built once in the run:

- ``csrc``: the real 85-page CSRC list (``../shared/real/csrc-2018q3.pdf``, 3,563 rows,
  generic profile), extracted first (skipped where absent);
- ``generic``: a generated generic list of ``--rows`` rows with a citations column
  (tests/test_validate_generic.py ``make_generic``);
- ``power``: a generated 权责清单 of ``--rows`` items over two sheets with sub-items,
  citations and tasks (tests/test_validate_power.py ``make_power``), where the power
  profile is there; its "before" is the power suite helper A started from (the generic
  suite's files copied as expectations/power/: ``--baseline-suite``).

Each figure is the median of ``--repeats`` timed validations in one process after a
warm-up run (great_expectations imported and the suite built before timing): wall clock
with one worker and with two, and with one worker the process's CPU time, which a
machine loaded by others disturbs less.  With ``--against DIR`` (another checkout, e.g.
main's) the same folders are validated by that tree's code in the same rounds,
alternating, so that a loaded machine weighs on both alike.  Prints a Markdown table;
writes ``bench/validate-results.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "validate-results.json"
CSRC_PDF = ROOT.parent / "shared" / "real" / "csrc-2018q3.pdf"
PYTHON = sys.executable

# Times validation of a folder in one process (argv: folder, workers, repeats,
# expectations dir or ""); prints the seconds of each timed run as JSON.
TIMER = """
import json, sys, time
from pathlib import Path
from pipeline.quality.validate import load_suites, validate_extraction
folder, workers, repeats = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
expectations = Path(sys.argv[4]) if sys.argv[4] else None
load_suites(expectations)
kwargs = dict(workers=workers, expectations=expectations)
result = validate_extraction(folder, **kwargs)  # warm-up: the suite is built
times, cpu = [], []
for _ in range(repeats):
    start, start_cpu = time.perf_counter(), time.process_time()
    validate_extraction(folder, **kwargs)
    times.append(time.perf_counter() - start)
    cpu.append(time.process_time() - start_cpu)
print(json.dumps({"times": times, "cpu": cpu, "success": result.success,
                  "checks": len(result.checks), "items": result.items}))
"""

# Builds the generated folders (argv: out dir, rows); prints the cases built.
BUILD = """
import json, sys
from pathlib import Path
from tests.folders import write_folder
from tests.test_validate_generic import generic_notice, make_generic
out, rows = Path(sys.argv[1]), int(sys.argv[2])
frames = make_generic(rows, keyed=True)
write_folder(frames, generic_notice(frames), out / "generic")
built = ["generic"]
try:
    from tests.test_validate_power import make_power, power_notice, pytestmark
    power = not pytestmark.args[0]
except ImportError:
    power = False
if power:
    frames = make_power(rows // 3, rows - rows // 3)
    write_folder(frames, power_notice(frames), out / "power")
    built.append("power")
print(json.dumps(built))
"""


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="bench/validate.py", description=__doc__.split("\n\n")[0])
    p.add_argument("--against", type=Path, metavar="DIR",
                   help="another checkout whose validation is timed on the same folders")
    p.add_argument("--repeats", type=int, default=5, help="timed runs per figure (median)")
    p.add_argument("--rounds", type=int, default=2,
                   help="processes per figure and tree, alternating between trees")
    p.add_argument("--rows", type=int, default=3563, help="rows of the generated lists")
    p.add_argument("--baseline-suite", type=Path, default=None, metavar="DIR",
                   help="the suite folder the power figure is compared with (default: the "
                        "generic suite of --against, or of this tree)")
    p.add_argument("--out", type=Path, default=RESULTS)
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="validate-bench-") as tmp:
        tmp = Path(tmp)
        cases = _build(tmp, args.rows)
        trees = {"this": ROOT, **({"against": args.against.resolve()} if args.against else {})}
        baseline = _baseline_suites(tmp, args.baseline_suite or (args.against or ROOT)
                                    / "expectations" / "generic")
        results = {"machine": _machine(), "rows": args.rows, "cases": {}}
        for case, folder in cases.items():
            runs = {"this": (ROOT, "")}
            if case == "power":  # the suite it replaced; main had no power profile
                runs["before"] = (ROOT, str(baseline))
            elif "against" in trees:
                runs["before"] = (trees["against"], "")
            results["cases"][case] = _time_case(folder, runs, args)
    results["machine"]["load_after"] = round(os.getloadavg()[0], 2)
    args.out.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n",
                        encoding="utf-8")
    print(_markdown(results))
    print(f"\nwritten {args.out}")
    return 0


def _build(tmp: Path, rows: int) -> dict[str, Path]:
    out = {}
    if CSRC_PDF.is_file():
        folder = tmp / "csrc"
        run = subprocess.run([PYTHON, "-m", "pipeline", "extract", str(CSRC_PDF), "--out",
                              str(folder), "--max-pages", "1000"], cwd=ROOT,
                             capture_output=True, text=True)
        if run.returncode:
            raise SystemExit(f"error: extracting {CSRC_PDF} failed: {run.stderr[-500:]}")
        out["csrc"] = folder
    run = subprocess.run([PYTHON, "-c", BUILD, str(tmp), str(rows)], cwd=ROOT,
                         capture_output=True, text=True)
    if run.returncode:
        raise SystemExit(f"error: building the lists failed: {run.stderr[-800:]}")
    out.update({name: tmp / name for name in json.loads(run.stdout)})
    return out


def _baseline_suites(tmp: Path, generic: Path) -> Path:
    """expectations/ of this tree with power/ replaced by ``generic``'s files."""
    out = tmp / "baseline-expectations"
    shutil.copytree(ROOT / "expectations", out)
    shutil.rmtree(out / "power", ignore_errors=True)
    shutil.copytree(generic, out / "power")
    return out


def _time_case(folder: Path, runs: dict[str, tuple[Path, str]], args) -> dict:
    times: dict[str, dict[int, list[float]]] = {k: {1: [], 2: []} for k in runs}
    cpu: dict[str, list[float]] = {k: [] for k in runs}  # this process's CPU, one worker
    facts = {}
    for _ in range(max(1, args.rounds)):
        for workers in (1, 2):
            for name, (tree, suites) in runs.items():
                env = {**os.environ, "PYTHONPATH": str(tree)}
                run = subprocess.run([PYTHON, "-c", TIMER, str(folder), str(workers),
                                      str(args.repeats), suites], cwd=tree, env=env,
                                     capture_output=True, text=True)
                if run.returncode:
                    raise SystemExit(f"error: timing {folder.name} with {tree} failed: "
                                     f"{run.stderr[-800:]}")
                data = json.loads(run.stdout.splitlines()[-1])
                times[name][workers] += data["times"]
                if workers == 1:
                    cpu[name] += data["cpu"]
                facts[name] = {k: data[k] for k in ("success", "checks", "items")}
    out = {}
    for name in runs:
        out[name] = {**facts[name], **{f"workers_{w}_s": round(statistics.median(t), 3)
                                       for w, t in times[name].items()},
                     "cpu_1_worker_s": round(statistics.median(cpu[name]), 3)}
    if "before" in out:
        out["ratio_cpu"] = round(out["this"]["cpu_1_worker_s"]
                                 / out["before"]["cpu_1_worker_s"], 2)
        out["ratio_workers_1"] = round(out["this"]["workers_1_s"]
                                       / out["before"]["workers_1_s"], 2)
        out["ratio_workers_2"] = round(out["this"]["workers_2_s"]
                                       / out["before"]["workers_2_s"], 2)
    return out


def _machine() -> dict:
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                            capture_output=True, text=True).stdout.strip()
    return {"cpus": len(os.sched_getaffinity(0)), "load_before": round(os.getloadavg()[0], 2),
            "python": sys.version.split()[0], "commit": commit,
            "at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")}


def _markdown(results: dict) -> str:
    rows = ["| list | items | checks | CPU, 1 worker | wall, 1 / 2 workers | before: CPU | "
            "before: wall, 1 / 2 workers | ratio: CPU; wall 1 / 2 |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
    for case, data in results["cases"].items():
        this, before = data["this"], data.get("before")
        rows.append(
            f"| {case} | {this['items']} | {this['checks']} | {this['cpu_1_worker_s']:.3f} s | "
            f"{this['workers_1_s']:.3f} / {this['workers_2_s']:.3f} s | "
            + (f"{before['cpu_1_worker_s']:.3f} s | {before['workers_1_s']:.3f} / "
               f"{before['workers_2_s']:.3f} s | {data['ratio_cpu']}; "
               f"{data['ratio_workers_1']} / {data['ratio_workers_2']} |" if before
               else "– | – | – |"))
    machine = results["machine"]
    rows.append(f"\n{machine['cpus']} cores, load {machine['load_before']} → "
                f"{machine['load_after']}, commit {machine['commit']}, {machine['at']}")
    return "\n".join(rows)


if __name__ == "__main__":
    sys.exit(main())
