"""The campaign: draw inputs, run them through the CLI in parallel, check, confirm, minimize, save.

    run_campaign(Options) → Summary  (exit status of ``python -m tests.fuzz``: 0 = no finding)

Each input runs ``extract INPUT --out DIR`` with the campaign's limits.  An input that
extracts (exit 0) and whose tables differ from every output seen before runs again as
``extract INPUT --out DIR2 --validate``: the validation verdict is a function of the
tables, so outputs equal to one already validated are not validated twice (validation
costs ~2 s of CPU; most inputs end at exit 1 long before).  A finding (``run.KINDS``) is
run again as a new ``python -m pipeline`` process; only findings it shows again count.
The first instance of each finding is minimized where cheap (steps of its recipe left
out, zip members or changed bytes put back as in the seed) and saved under
``OUT/findings/<kind>-<hash>/``: the input, its recipe, the command, stdout/stderr and
the minimized input.
"""

from __future__ import annotations

import collections
import hashlib
import json
import os
import re
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from tests.fuzz import run
from tests.fuzz.mutate import Corpus, Recipe, apply_recipe, draw_recipe
from tests.fuzz.seeds import FORMATS, SOFFICE_FORMATS, build_seeds

#: The reader's own memory headroom (the CLI default), to which the parent's address space
#: is added (see run.py).
READER_MB = 1024


@dataclass
class Options:
    seed: int = 1
    count: int = 5000
    minutes: float = 28.0
    formats: list[str] = field(default_factory=lambda: list(FORMATS))
    jobs: int = (os.cpu_count() or 1) + 1  # one more: a CLI waiting on its reader idles
    out: Path = Path("build/fuzz")
    timeout: float = 20.0  # the CLI's --timeout (reader wall clock) for most formats
    minimize: bool = True
    confirm: int = 40  # findings (distinct) run again through a new process, at most
    keep_per_finding: int = 5


def _cli_args(fmt: str, opts: Options, memory_mb: int) -> tuple[list[str], float]:
    """Limits given to the CLI for a format, and the campaign's own timeout for one run."""
    timeout = opts.timeout
    pages = 50
    if fmt in SOFFICE_FORMATS:
        timeout = max(timeout, 60)
    if fmt == "scan":
        timeout, pages = max(timeout, 60), 4
    args = ["--timeout", f"{timeout:g}", "--memory-mb", str(memory_mb), "--max-pages", str(pages)]
    # OCR may take more wall clock per page (report_progress), up to ocr_page_s per page.
    budget = timeout * (3 if fmt in SOFFICE_FORMATS else 2) + 60 + (240 * pages if fmt == "scan"
                                                                      else 0)
    return args, budget


@dataclass
class _Job:
    recipe: Recipe
    phase: str  # "read" (no --validate) or "validate"
    workdir: Path
    input: Path


def run_campaign(opts: Options) -> int:
    started = time.monotonic()
    log = _Log()
    opts.out.mkdir(parents=True, exist_ok=True)
    seeds = build_seeds(opts.out / "seeds", opts.formats, log=log.line)
    missing = sorted(set(opts.formats) - set(seeds))
    if missing:
        log.line(f"fuzz: no seeds for {', '.join(missing)} (tool missing): not fuzzed")
    corpus = Corpus(seeds)
    formats = [f for f in opts.formats if f in seeds]
    vm = run.preload()
    memory_mb = int(vm + READER_MB + 63) // 64 * 64
    if vm > memory_mb / 2:
        memory_mb = int(vm * 2 + 64)
    log.line(f"fuzz: seed {opts.seed}, {opts.count:,} inputs of {', '.join(formats)}, "
             f"{opts.jobs} at once, {opts.minutes:g} min at most; CLI --memory-mb {memory_mb} "
             f"(this process maps {vm:.0f} MB, which a forked reader inherits)")
    work = opts.out / "work"
    shutil.rmtree(work, ignore_errors=True)
    runner = run.Runner(opts.jobs)
    stats = _Stats(formats)
    seen_outputs: dict[str, bool] = {}
    pending: collections.deque[_Job] = collections.deque()
    findings: dict[str, dict] = {}
    index = 0
    deadline = started + opts.minutes * 60
    inputs_log = open(opts.out / "inputs.jsonl", "w", encoding="utf-8")

    def start(job: _Job) -> None:
        args, budget = _cli_args(job.recipe.fmt, opts, memory_mb)
        out = job.workdir / "out"
        argv = ["extract", str(job.input.resolve()), "--out", str(out.resolve()), *args]
        if job.phase == "validate":
            argv.append("--validate")
        runner.submit(job, argv, job.workdir, budget)

    while True:
        if pending and time.monotonic() > deadline:  # out of time: say what was not checked
            stats.skipped += len(pending)
            pending.clear()
        while runner.free and (pending or (index < opts.count and time.monotonic() < deadline)):
            if pending:
                start(pending.popleft())
                continue
            recipe = draw_recipe(opts.seed, index, formats, corpus)
            index += 1
            data = apply_recipe(recipe, corpus)
            workdir = work / f"{recipe.index}"
            workdir.mkdir(parents=True)
            path = workdir / f"input{FORMATS[recipe.fmt]}"
            path.write_bytes(data)
            start(_Job(recipe, "read", workdir / "r", path))
        if not runner.running:
            break
        for job, result in runner.poll(0.2):
            out = job.workdir / "out"
            validated = job.phase == "validate"
            found = run.classify(result, job.workdir, out, memory_mb, validated)
            stats.count(job, result, found)
            inputs_log.write(json.dumps({
                "i": job.recipe.index, "fmt": job.recipe.fmt, "phase": job.phase,
                "recipe": job.recipe.describe(), "rc": result.returncode,
                "wall": round(result.wall_s, 2), "cpu": round(result.cpu_s, 2),
                "rss": round(result.max_rss_mb),
                "error": _first_error(result.stderr), "findings": found},
                ensure_ascii=False) + "\n")
            if found:
                for kind, detail in found:
                    _record(findings, kind, detail, job, result, opts)
            elif job.phase == "read" and result.returncode == 0:
                key = _output_key(out)
                if key not in seen_outputs:
                    seen_outputs[key] = True
                    pending.append(_Job(job.recipe, "validate", job.workdir.parent / "v",
                                        job.input))
                else:
                    stats.deduped[job.recipe.fmt] += 1
            validating = bool(pending) and pending[-1].input == job.input
            shutil.rmtree(job.workdir if validating else job.input.parent, ignore_errors=True)
            stats.progress(log, index, opts.count, findings, started)
    inputs_log.close()
    stats.progress(log, index, opts.count, findings, started, force=True)
    _confirm_and_minimize(findings, opts, corpus, memory_mb, log)
    summary = stats.summary(findings, started, opts, index)
    (opts.out / "summary.json").write_text(json.dumps(summary, indent=1, ensure_ascii=False))
    log.line(_summary_text(summary))
    shutil.rmtree(work, ignore_errors=True)
    return 1 if summary["findings_confirmed"] else 0


# --------------------------------------------------------------------------- bookkeeping

class _Log:
    def line(self, text: str) -> None:
        print(text, file=sys.stderr, flush=True)


class _Stats:
    def __init__(self, formats: list[str]):
        self.tried = collections.Counter()
        self.exit = collections.defaultdict(collections.Counter)
        self.validated = collections.Counter()
        self.validated_ok = collections.Counter()
        self.deduped = collections.Counter()
        self.skipped = 0  # distinct outputs left unvalidated when the time ran out
        self.errors = collections.defaultdict(collections.Counter)
        self.cpu = collections.Counter()
        self.last = 0.0

    def count(self, job: _Job, result: run.Result, found) -> None:
        fmt = job.recipe.fmt
        self.cpu[fmt] += result.cpu_s
        if job.phase == "read":
            self.tried[fmt] += 1
            self.exit[fmt][str(result.returncode)] += 1
            err = _first_error(result.stderr)
            if err:
                self.errors[fmt][_normalize(err)] += 1
        else:
            self.validated[fmt] += 1
            if result.returncode == 0:
                self.validated_ok[fmt] += 1

    def progress(self, log: _Log, index: int, count: int, findings, started: float,
                 force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self.last < 15:
            return
        self.last = now
        done = sum(self.tried.values())
        rate = done / max(1e-9, now - started)
        per = " ".join(f"{f} {n}" for f, n in sorted(self.tried.items()))
        kinds = collections.Counter(f["kind"] for f in findings.values())
        left = (count - done) / rate / 60 if rate else 0
        log.line(f"fuzz: {done:,}/{count:,} inputs in {(now - started) / 60:.1f} min "
                 f"({rate:.1f}/s, ~{left:.0f} min left); validated {sum(self.validated.values())}; "
                 f"findings {dict(kinds) or 0} [{per}]")

    def summary(self, findings, started: float, opts: Options, drawn: int) -> dict:
        kinds = collections.Counter(f["kind"] for f in findings.values() if f.get("confirmed"))
        return {
            "seed": opts.seed, "inputs": sum(self.tried.values()), "drawn": drawn,
            "minutes": round((time.monotonic() - started) / 60, 1),
            "per_format": {f: {"inputs": self.tried[f], "exit": dict(self.exit[f]),
                               "validated": self.validated[f],
                               "validated_exit_0": self.validated_ok[f],
                               "same_output_as_one_validated": self.deduped[f],
                               "cpu_s": round(self.cpu[f], 1),
                               "top_errors": self.errors[f].most_common(12)}
                           for f in sorted(self.tried)},
            "distinct_outputs_not_validated_for_lack_of_time": self.skipped,
            "cpu_s": round(sum(self.cpu.values())),
            "findings_confirmed": sum(kinds.values()),
            "findings_by_kind": dict(kinds),
            "findings_not_reproduced": sum(1 for f in findings.values()
                                           if f.get("confirmed") is False),
            "findings": {k: {x: v[x] for x in ("kind", "detail", "fmt", "instances", "confirmed",
                                                "folder", "recipe", "minimized")}
                         for k, v in findings.items()},
        }


def _summary_text(s: dict) -> str:
    lines = [f"fuzz: {s['inputs']:,} inputs in {s['minutes']} min (seed {s['seed']}), "
             f"{s['cpu_s']:,} CPU s in the runs; distinct outputs not validated for lack of "
             f"time: {s['distinct_outputs_not_validated_for_lack_of_time']}",
             f"  {'format':<6} {'inputs':>7} {'exit 0':>7} {'exit 1':>7} {'validated':>9}"]
    for f, d in s["per_format"].items():
        lines.append(f"  {f:<6} {d['inputs']:>7} {d['exit'].get('0', 0):>7} "
                     f"{d['exit'].get('1', 0):>7} {d['validated']:>9}")
    lines.append(f"  findings (confirmed by a new process): {s['findings_confirmed']} "
                 f"{s['findings_by_kind'] or ''}; not reproduced: {s['findings_not_reproduced']}")
    for _key, f in s["findings"].items():
        mark = {True: "CONFIRMED", False: "not reproduced", None: "not checked"}[f["confirmed"]]
        lines.append(f"  - [{mark}] {f['kind']} ({f['fmt']}, {f['instances']}×): {f['detail']}"
                     f"\n      {f['folder']}")
    return "\n".join(lines)


def _first_error(stderr: str) -> str:
    return next((ln for ln in stderr.splitlines() if ln.startswith("error: ")), "")


def _normalize(line: str) -> str:
    line = re.sub(r"^error: \S+?: ", "error: FILE: ", line)
    line = re.sub(r"/\S+", "PATH", line)
    return re.sub(r"\d[\d,.]*", "N", line)[:200]


def _output_key(out: Path) -> str:
    """The extraction's content: its tables and its notice facts (not the input's hash)."""
    h = hashlib.sha256()
    for p in sorted(out.glob("*.csv")):
        h.update(p.name.encode() + b"\0" + p.read_bytes())
    notice = run._json(out / "notice.json")
    for k in ("version", "source_file", "source_sha256", "extracted_at"):
        notice.pop(k, None)
    h.update(json.dumps(notice, sort_keys=True).encode())
    return h.hexdigest()


def _signature(kind: str, detail: str, fmt: str) -> str:
    from tests.fuzz.mutate import FAMILY

    if kind == "internal-error":  # the exception's type and where it was raised
        m = re.search(r"reading: (\w+):.* at (\S+)$", detail)
        key = f"{kind}|{m.group(1)}|{m.group(2)}" if m else f"{kind}|{detail}"
    elif kind == "traceback":
        key = f"{kind}|{detail.split(' :: ')[0]}|{detail.split(' :: ')[-1].split(':')[0]}"
    else:
        key = f"{kind}|{FAMILY[fmt]}"
    return f"{kind}-{hashlib.sha1(key.encode()).hexdigest()[:10]}"


def _record(findings: dict, kind: str, detail: str, job: _Job, result: run.Result,
            opts: Options) -> None:
    sig = _signature(kind, detail, job.recipe.fmt)
    f = findings.setdefault(sig, {"kind": kind, "detail": detail, "fmt": job.recipe.fmt,
                                  "instances": 0, "confirmed": None, "minimized": None,
                                  "folder": str(opts.out / "findings" / sig),
                                  "recipe": job.recipe.to_json(), "jobs": []})
    f["instances"] += 1
    if len(f["jobs"]) < opts.keep_per_finding:
        folder = Path(f["folder"]) / f"{job.recipe.index}-{job.phase}"
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(job.input, folder / job.input.name)
        (folder / "recipe.json").write_text(json.dumps(job.recipe.to_json(), indent=1))
        (folder / "command.txt").write_text(
            "python -m pipeline " + " ".join(result.argv).replace(str(job.input.resolve()),
                                                                 job.input.name) + "\n")
        (folder / "stderr.txt").write_text(result.stderr)
        (folder / "stdout.txt").write_text(result.stdout)
        (folder / "finding.txt").write_text(
            f"{kind}: {detail}\nrc={result.returncode} wall={result.wall_s:.1f}s "
            f"rss={result.max_rss_mb:.0f}MB\n")
        f["jobs"].append({"input": str(folder / job.input.name), "phase": job.phase,
                          "recipe": job.recipe.to_json(), "argv": result.argv})


# --------------------------------------------------------------------------- confirm, minimize

def _confirm_and_minimize(findings: dict, opts: Options, corpus: Corpus, memory_mb: int,
                          log: _Log) -> None:
    checked = 0
    for sig, f in findings.items():
        if checked >= opts.confirm:
            break
        checked += 1
        first = f["jobs"][0]
        recipe = Recipe.from_json(first["recipe"])
        args, budget = _cli_args(recipe.fmt, opts, memory_mb)
        folder = Path(f["folder"])
        workdir = folder / "confirm"
        shutil.rmtree(workdir, ignore_errors=True)
        workdir.mkdir(parents=True)
        src = Path(first["input"])
        inp = workdir / src.name
        shutil.copyfile(src, inp)
        out = workdir / "out"
        argv = ["extract", inp.name, "--out", "out", *args]
        if first["phase"] == "validate":
            argv.append("--validate")
        log.line(f"fuzz: confirming {sig} ({f['kind']}: {f['detail'][:100]}) with a new process")
        result = run.run_real(argv, workdir, budget * 1.5)
        again = run.classify(result, workdir, out, memory_mb, first["phase"] == "validate")
        f["confirmed"] = any(k == f["kind"] for k, _ in again)
        (folder / "confirm.txt").write_text(
            f"{' '.join(result.argv)}\nrc={result.returncode} wall={result.wall_s:.1f}s "
            f"rss={result.max_rss_mb:.0f}MB\nfindings={again}\n--- stderr\n{result.stderr}")
        shutil.rmtree(out, ignore_errors=True)
        if f["confirmed"] and opts.minimize:
            f["minimized"] = _minimize(f, recipe, first["phase"], opts, corpus, memory_mb, log)


def _minimize(f: dict, recipe: Recipe, phase: str, opts: Options, corpus: Corpus,
              memory_mb: int, log: _Log, budget_runs: int = 30) -> str | None:
    """Fewer steps, then fewer changed zip members/bytes, while the finding stays; saves
    ``min-input.EXT`` and ``min-recipe.json``.  Returns what was kept, in words."""
    from tests.fuzz.mutate import FAMILY

    folder = Path(f["folder"])
    runner = run.Runner(1)
    args, budget = _cli_args(recipe.fmt, opts, memory_mb)
    sig = _signature(f["kind"], f["detail"], recipe.fmt)
    tries = 0
    ext = FORMATS[recipe.fmt]

    def still(data: bytes) -> bool:
        nonlocal tries
        tries += 1
        workdir = folder / "minimize" / str(tries)
        workdir.mkdir(parents=True, exist_ok=True)
        inp = workdir / f"input{ext}"
        inp.write_bytes(data)
        argv = ["extract", str(inp.resolve()), "--out", str((workdir / "out").resolve()), *args]
        if phase == "validate":
            argv.append("--validate")
        result = runner.run_one(argv, workdir, budget)
        found = run.classify(result, workdir, workdir / "out", memory_mb, phase == "validate")
        shutil.rmtree(workdir, ignore_errors=True)
        return any(_signature(k, d, recipe.fmt) == sig for k, d in found)

    steps = list(recipe.steps)
    i = 0
    while len(steps) > 1 and i < len(steps) and tries < budget_runs:
        trial = Recipe(recipe.fmt, recipe.seed_file, tuple(steps[:i] + steps[i + 1:]))
        if still(apply_recipe(trial, corpus)):
            steps = steps[:i] + steps[i + 1:]
        else:
            i += 1
    best_recipe = Recipe(recipe.fmt, recipe.seed_file, tuple(steps), recipe.index,
                         recipe.campaign_seed)
    data = apply_recipe(best_recipe, corpus)
    seed = corpus.data[recipe.seed_file]
    note = f"{len(steps)} of {len(recipe.steps)} steps"
    if FAMILY[recipe.fmt] == "zip":
        data, extra = _revert_members(data, seed, still, lambda: tries < budget_runs)
        note += extra
    elif len(data) == len(seed):
        data, extra = _revert_bytes(data, seed, still, lambda: tries < budget_runs)
        note += extra
    (folder / f"min-input{ext}").write_bytes(data)
    (folder / "min-recipe.json").write_text(json.dumps(best_recipe.to_json(), indent=1))
    shutil.rmtree(folder / "minimize", ignore_errors=True)
    log.line(f"fuzz: minimized {folder.name}: {note} ({tries} runs)")
    return note


def _revert_members(data: bytes, seed: bytes, still, more) -> tuple[bytes, str]:
    import io
    import zipfile

    from tests.fuzz.mutate import _write_zip

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            members = [(i.filename, z.read(i)) for i in z.infolist()]
        with zipfile.ZipFile(io.BytesIO(seed)) as z:
            original = {i.filename: z.read(i) for i in z.infolist()}
    except Exception:
        return data, ""
    changed = [n for n, d in members if original.get(n) != d]
    for name in list(changed):
        if not more():
            break
        trial = [(n, original[name] if n == name and name in original else d)
                 for n, d in members]
        if name in original and still(_write_zip(trial)):
            members = trial
            changed.remove(name)
    if not more():
        return _write_zip(members), f"; members changed: {', '.join(changed)}"
    return _write_zip(members), f"; members changed: {', '.join(changed)}"


def _revert_bytes(data: bytes, seed: bytes, still, more) -> tuple[bytes, str]:
    diff = [i for i in range(len(data)) if data[i] != seed[i]]
    n = 2
    while len(diff) > 1 and more():
        size = max(1, len(diff) // n)
        reduced = False
        for k in range(0, len(diff), size):
            keep = diff[:k] + diff[k + size:]
            trial = bytearray(seed)
            for i in keep:
                trial[i] = data[i]
            if more() and still(bytes(trial)):
                diff, data, reduced = keep, bytes(trial), True
                n = max(n - 1, 2)
                break
        if not reduced:
            if size == 1:
                break
            n = min(len(diff), n * 2)
    return data, f"; {len(diff)} bytes differ from the seed at {diff[:8]}"
