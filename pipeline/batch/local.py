"""Extract one or many notices into version folders: skip, parse, write, validate.

    extract_notices(pdfs, options) → list of ``Outcome``

Each notice is parsed by ``extract.run`` in a child process with resource
limits (``sandbox``); only this (parent) process writes under the output
folder.  With several notices and ``jobs`` > 1, notices run in parallel, one
worker process per notice.  A notice that fails is reported and the others go on.

Tables, validation reports and manifest are all written in a temporary folder
(``write``), which then replaces the version folder in one step, with one
exception: output that fails validation never replaces a folder holding a valid
version (one of ours whose validation.json does not record a failure) unless
``force``; it goes beside it, to ``<folder>.invalid``.  A run that replaces the
folder removes a ``<folder>.invalid`` an earlier run left there.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .. import __version__
from ..errors import PipelineError
from ..settings import DEFAULT_LAYOUT, DEFAULT_LIMITS, LayoutSettings, Limits

#: Suffix of the folder beside a valid version that holds newer output failing validation.
INVALID_SUFFIX = ".invalid"


@dataclass(frozen=True)
class Options:
    """How to extract: where to, whether to validate or redo, with which limits."""

    out: Path | None = None  # one notice: this folder; else extracted_root/<version>
    extracted_root: Path = Path("extracted")
    validate: bool = False
    force: bool = False  # extract even if unchanged; failing output replaces a valid one
    jobs: int = 1
    limits: Limits = field(default_factory=lambda: DEFAULT_LIMITS)
    profile: str = "auto"
    layout: LayoutSettings = field(default_factory=lambda: DEFAULT_LAYOUT)


@dataclass
class Outcome:
    """What happened to one notice."""

    pdf: Path
    status: str  # "extracted", "unchanged", "invalid" (written, failed validation), "failed"
    folder: Path | None = None  # where the output is (``<out>.invalid`` if ``kept``)
    items: int = 0
    message: str = ""
    failures: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what the reader tells the user
    kept: Path | None = None  # the folder holding a valid version, left as it was
    profile: str = ""  # the list profile the table was read with (notice.json's ``profile``)

    @property
    def ok(self) -> bool:
        return self.status in ("extracted", "unchanged")


def extract_notices(pdfs: list[Path], options: Options,
                    progress: Callable[[int, int, Outcome], None] | None = None) -> list[Outcome]:
    """Extract every PDF; return one Outcome each, in input order.

    ``progress(done, total, outcome)`` is called as each notice finishes.
    """
    total = len(pdfs)
    if options.jobs <= 1 or total <= 1:
        outcomes = []
        for i, pdf in enumerate(pdfs, 1):
            outcomes.append(_extract_one(pdf, options))
            if progress:
                progress(i, total, outcomes[-1])
        return outcomes
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    ctx = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods()
                                      else "spawn")
    results: dict[int, Outcome] = {}
    with ProcessPoolExecutor(max_workers=options.jobs, mp_context=ctx) as pool:
        futures = {pool.submit(_extract_one, pdf, options): i for i, pdf in enumerate(pdfs)}
        for done, fut in enumerate(as_completed(futures), 1):
            try:
                results[futures[fut]] = fut.result()
            except Exception as e:  # (a worker died: BrokenProcessPool …)
                results[futures[fut]] = Outcome(
                    pdfs[futures[fut]], "failed",
                    message=f"{pdfs[futures[fut]]}: the worker extracting it stopped: "
                            f"{type(e).__name__}: {e}")
            if progress:
                progress(done, total, results[futures[fut]])
    return [results[i] for i in range(total)]


def _extract_one(pdf: Path, options: Options) -> Outcome:
    from ..extract import sha256_file

    pdf = Path(pdf)
    try:
        fmt = _check_input(pdf, options.limits)
        digest = sha256_file(pdf)
        if not options.force:
            done = _previous(digest, options)
            if done is not None:
                notice = _read_json(done / "notice.json")
                return Outcome(pdf, "unchanged", done, int(notice.get("item_count") or 0),
                               "unchanged since its last extraction",
                               profile=str(notice.get("profile") or ""))
        extraction = _parse(pdf, fmt, options)
        folder = Path(options.out or options.extracted_root / extraction.notice["version"])
        outcome = Outcome(pdf, "extracted", folder, len(extraction.rows.get("items", [])),
                          notes=list(extraction.notes),
                          warnings=list(getattr(extraction, "warnings", [])),
                          profile=str(extraction.notice.get("profile") or ""))
        _write(extraction, outcome, options)
        return outcome
    except PipelineError as e:
        return Outcome(pdf, "failed", message=str(e.located(str(pdf))))
    except Exception as e:  # (one notice's bug must not end the batch)
        return Outcome(pdf, "failed", message=f"{pdf}: internal error: {type(e).__name__}: "
                                              f"{e} (hint: this is a bug in the pipeline; "
                                              "please report it with the file)")


def _write(extraction, outcome: Outcome, options: Options) -> None:
    """Write the version folder (validated in the temporary folder when asked) and
    fill in ``outcome``: where it went, and the validation's failures and warnings."""
    from ..output.write import discard_folder, write_tables

    folder = outcome.folder

    def finish(tmp: Path) -> Path:
        if not options.validate:
            return folder
        from ..quality.validate import validate_extraction

        # Notices validated in parallel (--jobs) keep every core busy already.
        result = validate_extraction(tmp, write=False, workers=1 if options.jobs > 1 else None)
        outcome.warnings += result.warning_lines()
        dest = folder
        if not result.success:
            outcome.status = "invalid"
            outcome.failures = result.failure_lines()
            outcome.message = f"failed validation ({len(outcome.failures)} checks)"
            if not options.force and _holds_valid(folder):
                dest, outcome.kept = _invalid_folder(folder), folder
        result.write_reports(tmp, label=dest)
        return dest

    extra = {"notice.json": extraction.notice, **getattr(extraction, "files", {})}
    outcome.folder = write_tables(extraction.frames(release=True), folder, extra, finish)
    if outcome.folder == folder:
        discard_folder(_invalid_folder(folder))  # older than what is in the folder now


def _invalid_folder(folder: Path) -> Path:
    """Where output that fails validation goes when ``folder`` holds a valid version."""
    return folder.with_name(folder.name + INVALID_SUFFIX)


def _holds_valid(folder: Path) -> bool:
    """A complete folder of ours whose validation did not fail (or was not run)."""
    from ..output.write import read_manifest

    if read_manifest(folder) is None:
        return False
    report = folder / "validation.json"
    return not report.exists() or _read_json(report).get("success") is True


def _check_input(path: Path, limits: Limits):
    """File-level checks before any parsing: what the file is (``readers.sniff``),
    its size, and for a PDF its header and trailer (``guard``).  Returns its ``Format``."""
    from ..readers import detect_format
    from ..safety.guard import check_pdf, check_size

    if path.is_file():  # (sniffing reads a zip's directory, in this unlimited process)
        check_size(path, limits)
    fmt = detect_format(path)
    if fmt.family == "pdf":
        check_pdf(path, limits)
    return fmt


def _parse(path: Path, fmt, options: Options):
    """Run the extraction chain in a child process with resource limits.

    A file read after conversion (``readers.prepare_source``) is converted
    first, by a sandboxed process of its own.  While the child reads the file,
    this process imports what comes next (pandas and pyarrow to write,
    great_expectations to validate, and the suite of a profile named on the
    command line), so those imports cost no wall time; they come after the fork so
    that the child does not inherit them.
    """
    from ..extract import run
    from ..readers import prepare_source
    from ..safety.sandbox import start_isolated

    with prepare_source(path, fmt, options.limits) as converted, \
            start_isolated(run, path, options.layout, options.limits, options.profile,
                           converted, limits=options.limits, label=str(path)) as job:
        import pandas  # noqa: F401
        import pyarrow.parquet  # noqa: F401

        if options.validate:
            from ..profiles import load_profiles
            from ..quality.validate import load_suites

            suites = load_suites()
            named = load_profiles().get(options.profile)
            if named is not None:
                suites.suite(named.suite)
        return job.result()


def _previous(digest: str, options: Options) -> Path | None:
    """A complete earlier extraction of the same file by this pipeline version, if any."""
    from ..output.write import read_manifest

    candidates = [options.out] if options.out else sorted(
        p for p in options.extracted_root.glob("*/") if not p.name.endswith(INVALID_SUFFIX))
    for folder in candidates:
        if folder is None or read_manifest(folder) is None:
            continue
        notice = _read_json(folder / "notice.json")
        if (notice.get("source_sha256") != digest
                or notice.get("pipeline_version") != __version__):
            continue
        if options.validate and not _read_json(folder / "validation.json").get("success"):
            continue
        # (a profile named on the command line may read the table otherwise than before)
        if options.profile != "auto" and notice.get("profile") != options.profile:
            continue
        return Path(folder)
    return None


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
