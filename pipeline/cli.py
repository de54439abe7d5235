"""Command line: ``python -m pipeline extract|validate|diff|dataset``.

Exit status: 0 success; 1 bad input or failed validation (one ``error: …`` line
per problem on stderr, no traceback); 2 wrong usage (argparse).
Heavy libraries are imported by the command that needs them, never here.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import replace
from pathlib import Path

from . import __version__
from .errors import PipelineError
from .settings import DEFAULT_LAYOUT, DEFAULT_LIMITS, Limits

EPILOG = """\
examples:
  python -m pipeline extract raw/notice-2021.pdf --validate
  python -m pipeline extract list.docx list.xlsx notice.html --validate
  python -m pipeline extract other-list.pdf --profile generic
  python -m pipeline extract raw/* --validate --jobs 2
  python -m pipeline extract raw/* --validate --scheduler tcp://host:8786 --extracted /shared/x
  python -m pipeline validate extracted/2021-02-10_1a2b3c4d
  python -m pipeline diff extracted/OLD extracted/NEW
  python -m pipeline dataset
  python -m pipeline site serve --port 8001
"""


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except PipelineError as e:
        _error(str(e))
        return 1
    except KeyboardInterrupt:
        _error("interrupted")
        return 130


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m pipeline",
        description="Extract the list table of a Chinese government notice (PDF, scanned PDF, "
                    "Word, WPS, Excel, OpenDocument or a saved web page) into "
                    "CSV + Parquet tables, validate it, and compare versions.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--version", action="version", version=f"pipeline {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    ex = sub.add_parser(
        "extract", help="extract notices into version folders",
        description="Extract each notice file into a version folder (items, tasks, citations, "
                    "departments as .parquet and .csv, notice.json, manifest.json). "
                    "Without --out the folder is extracted/<date>_<hash>/ and its path is "
                    "printed. A notice whose file is unchanged since its last successful "
                    "extraction is skipped unless --force. With --validate the output is "
                    "validated before it replaces anything: output that fails never replaces "
                    "a folder holding a valid version; it is written beside it as "
                    "FOLDER.invalid/ (exit 1) unless --force.")
    ex.add_argument("pdfs", nargs="+", type=Path, metavar="FILE",
                    help="notice files: .pdf, .docx, .doc, .wps, .odt, .rtf, .xlsx, .xls, .et, "
                         ".ods, .html/.htm/.shtml (the kind is read from the content)")
    ex.add_argument("--out", type=Path, metavar="DIR",
                    help="write to DIR instead of extracted/<version>/ (one file only)")
    ex.add_argument("--ocr", choices=("auto", "always", "never"), default="auto",
                    help="read pages by OCR: auto (pages that are scanned images, the default), "
                         "always, never (an image-only page is an error)")
    ex.add_argument("--profile", default="auto", metavar="NAME",
                    help=f"the list profile to read the table with: {_profile_names()} "
                         "(default auto: the profile whose columns fit the header best)")
    ex.add_argument("--extracted", type=Path, default=Path("extracted"), metavar="ROOT",
                    help="root of the version folders (default: extracted)")
    ex.add_argument("--validate", action="store_true",
                    help="also run the expectation suite; exit 1 if it fails")
    ex.add_argument("--force", action="store_true",
                    help="extract even if unchanged, and let output that fails validation "
                         "replace a valid version (instead of going to FOLDER.invalid/)")
    ex.add_argument("--jobs", type=NON_NEGATIVE_INT, default=1, metavar="N",
                    help="notices extracted in parallel (default 1; 0 = one per core)")
    ex.add_argument("--scheduler", type=_scheduler, metavar="ADDRESS",
                    help="run the batch on a Dask cluster instead, one task per notice: a "
                         "scheduler (tcp://host:8786) or local[:N] (N worker processes "
                         "started for the run); --extracted and the files must be on a folder "
                         "every worker shares (docs/cluster.md)")
    _limit_flags(ex)
    ex.set_defaults(func=_cmd_extract)

    va = sub.add_parser(
        "validate", help="run the expectation suite on an extracted folder",
        description="Run the expectation suite on an extracted folder; write "
                    "validation.json and validation.html into it; exit 0 only if it passes.")
    va.add_argument("folder", type=Path, metavar="DIR")
    va.set_defaults(func=_cmd_validate)

    di = sub.add_parser(
        "diff", help="compare two versions of the list",
        description="Compare two versions (extracted folders, or PDFs extracted first) and "
                    "write changes.parquet/.csv, report.md and report.html.")
    di.add_argument("old", type=Path, metavar="OLD")
    di.add_argument("new", type=Path, metavar="NEW")
    di.add_argument("--out", type=Path, metavar="DIR",
                    help="output folder (default: extracted/diffs/<old>__<new>/)")
    di.add_argument("--extracted", type=Path, default=Path("extracted"), metavar="ROOT",
                    help="where PDFs given to diff are extracted (default: extracted)")
    _limit_flags(di)
    di.set_defaults(func=_cmd_diff)

    ds = sub.add_parser(
        "dataset", help="combine every version into one dataset",
        description="Write extracted/dataset/<table>/version=<v>/part-0.parquet for every "
                    "version folder, so one read gets all versions.")
    ds.add_argument("--extracted", type=Path, default=Path("extracted"), metavar="ROOT")
    ds.set_defaults(func=_cmd_dataset)

    si = sub.add_parser(
        "site", add_help=False, prefix_chars="\0",  # every argument goes to pipeline.site
        help="build one SQLite database of every version, or serve it in Datasette "
             "(python -m pipeline site --help)")
    si.add_argument("site_args", nargs=argparse.REMAINDER, metavar="build|serve …")
    si.set_defaults(func=_cmd_site)
    return p


def _profile_names() -> str:
    from .profiles import AUTO, load_profiles

    return ", ".join([AUTO, *load_profiles()])


def _number(kind: type, minimum: float, what: str):
    """An argparse type: a ``kind`` number of at least ``minimum`` (a negative limit would
    switch the limit off: ``setrlimit`` reads -1 as unlimited)."""
    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        if not value >= minimum:  # (also refuses nan)
            raise argparse.ArgumentTypeError(f"{text} is less than {minimum:g} ({what})")
        if value == float("inf"):
            raise argparse.ArgumentTypeError(f"{text} is not a finite number")
        return value
    return parse


POSITIVE_INT = _number(int, 1, "a limit must be positive")
POSITIVE = _number(float, 0.001, "a limit must be positive")
NON_NEGATIVE_INT = _number(int, 0, "0 means one per core")
NON_NEGATIVE = _number(float, 0, "0 gives no extra time")


def _scheduler(text: str) -> str:
    from .batch.cluster import parse_address

    try:
        return parse_address(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def _limit_flags(p: argparse.ArgumentParser) -> None:
    d = DEFAULT_LIMITS
    g = p.add_argument_group("resource limits (per notice)")
    g.add_argument("--timeout", type=POSITIVE, default=d.timeout_s, metavar="S",
                   help=f"wall-clock seconds to read one file (default {d.timeout_s:g}), "
                        "and as many CPU seconds")
    g.add_argument("--page-s", type=NON_NEGATIVE, default=d.page_s, metavar="S",
                   help="seconds each page of text read adds to those limits (long lists; "
                        f"default {d.page_s:g})")
    g.add_argument("--memory-mb", type=POSITIVE_INT, default=d.memory_mb, metavar="MB",
                   help=f"memory for reading one file (default {d.memory_mb})")
    g.add_argument("--max-pages", type=POSITIVE_INT, default=d.max_pages, metavar="N",
                   help=f"refuse PDFs with more pages (default {d.max_pages})")
    g.add_argument("--max-file-mb", type=POSITIVE, default=d.max_file_mb, metavar="MB",
                   help=f"refuse larger files (default {d.max_file_mb:g})")
    g.add_argument("--max-edges", type=POSITIVE_INT, default=d.max_edges_per_page, metavar="N",
                   help="refuse pages drawing more ruling segments "
                        f"(default {d.max_edges_per_page:,})")
    g.add_argument("--max-page-megapixels", type=POSITIVE, default=d.max_page_megapixels,
                   metavar="MP", help="refuse page images larger than this (default "
                                      f"{d.max_page_megapixels:g})")
    o = p.add_argument_group("OCR of scanned pages (--ocr)")
    o.add_argument("--ocr-workers", type=NON_NEGATIVE_INT, default=d.ocr_workers, metavar="N",
                   help="pages OCR'd (and text pages laid out) at once (default 0: one per "
                        "core)")
    o.add_argument("--ocr-memory-mb", type=POSITIVE_INT, default=d.ocr_memory_mb, metavar="MB",
                   help=f"memory of each OCR worker (default {d.ocr_memory_mb})")
    o.add_argument("--ocr-page-s", type=POSITIVE, default=d.ocr_page_s, metavar="S",
                   help=f"CPU seconds one page may take to OCR (default {d.ocr_page_s:g})")


def _limits(args) -> Limits:
    return Limits(max_file_mb=args.max_file_mb, max_pages=args.max_pages,
                  timeout_s=args.timeout, memory_mb=args.memory_mb,
                  cpu_s=max(1, int(args.timeout)), max_edges_per_page=args.max_edges,
                  ocr_memory_mb=args.ocr_memory_mb, ocr_page_s=args.ocr_page_s,
                  ocr_workers=args.ocr_workers, max_page_megapixels=args.max_page_megapixels,
                  page_s=args.page_s)


def _cmd_extract(args) -> int:
    from .batch.local import Options, extract_notices

    if args.out and len(args.pdfs) > 1:
        _usage_error("extract: --out takes one file; without --out each notice gets "
                     "its own folder under extracted/")
    jobs = args.jobs if args.jobs > 0 else (os.cpu_count() or 1)
    options = Options(out=args.out, extracted_root=args.extracted, validate=args.validate,
                      force=args.force, jobs=jobs, limits=_limits(args), profile=args.profile,
                      layout=replace(DEFAULT_LAYOUT, ocr=args.ocr))
    many = len(args.pdfs) > 1

    def progress(done, total, outcome):
        prefix = f"[{done}/{total}] " if many else ""
        for line in outcome.notes:
            print(f"note: {outcome.pdf}: {line}", file=sys.stderr)
        for line in outcome.reader_warnings:
            print(f"warning: {outcome.pdf}: {line}", file=sys.stderr)
        if outcome.status == "failed":
            _error(outcome.message)
            return
        for line in outcome.warnings:
            print(f"warning: {outcome.folder}: {line}", file=sys.stderr)
        if outcome.status == "invalid":
            for line in outcome.failures:
                _error(f"{outcome.folder}: {line}")
            if outcome.kept:
                _error(f"{outcome.pdf}: {outcome.message}: {outcome.kept} keeps its valid "
                       f"version; the new output is in {outcome.folder} (--force replaces)")
            else:
                _error(f"{outcome.pdf}: extracted to {outcome.folder} but {outcome.message}")
            return
        note = " (unchanged, skipped)" if outcome.status == "unchanged" else ""
        valid = ", valid" if args.validate else ""
        items = f"{outcome.items} items" + (f" (profile {outcome.profile})" if outcome.profile
                                            else "")
        if many:
            print(f"{prefix}{outcome.pdf}: {items}{valid} → {outcome.folder}{note}", flush=True)
        else:
            print(outcome.folder, flush=True)
            print(f"{items}{valid}{note}", file=sys.stderr)

    if args.scheduler:  # (dask is imported only here)
        from .batch.cluster import extract_on_cluster

        outcomes = extract_on_cluster(args.pdfs, options, args.scheduler, progress)
    else:
        outcomes = extract_notices(args.pdfs, options, progress)
    return 0 if all(o.ok for o in outcomes) else 1


def _cmd_validate(args) -> int:
    from .quality.validate import validate_extraction

    folder = args.folder
    if not (folder / "items.parquet").is_file():
        raise PipelineError("not an extracted folder (no items.parquet)", file=str(folder),
                            hint="give a folder written by `python -m pipeline extract`")
    result = validate_extraction(folder)
    for line in result.failure_lines():
        _error(f"{folder}: {line}")
    for line in result.warning_lines():
        print(f"warning: {folder}: {line}", file=sys.stderr)
    print(f"{folder}: {'valid' if result.success else 'INVALID'} — {result.summary()}")
    return 0 if result.success else 1


def _cmd_diff(args) -> int:
    from .batch.local import Options, extract_notices
    from .review.diff import diff_versions
    from .review.report import write_report

    folders = []
    for side in (args.old, args.new):
        if side.is_dir():
            folders.append(side)
            continue
        if side.suffix.lower() != ".pdf" and not side.exists():
            raise PipelineError("no such folder or PDF", file=str(side))
        options = Options(extracted_root=args.extracted, limits=_limits(args))
        outcome = extract_notices([side], options)[0]
        if outcome.status == "failed":
            raise PipelineError(outcome.message)
        folders.append(outcome.folder)
    old, new = folders
    out = args.out or args.extracted / "diffs" / f"{old.name}__{new.name}"
    diff = diff_versions(old, new)
    write_report(diff, out)
    print(out / "report.html")
    print(diff.summary(), file=sys.stderr)
    return 0


def _cmd_dataset(args) -> int:
    from .output.dataset import build_dataset

    out = build_dataset(args.extracted, note=lambda text: print(f"note: {text}",
                                                                file=sys.stderr))
    print(out)
    return 0


def _cmd_site(args) -> int:
    from .site.__main__ import main as site_main

    return site_main(args.site_args, prog="python -m pipeline site")


def _error(message: str) -> None:
    print(f"error: {message}", file=sys.stderr, flush=True)


def _usage_error(message: str) -> None:
    print(f"usage error: {message}", file=sys.stderr)
    raise SystemExit(2)
