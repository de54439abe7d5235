"""Check an extracted folder against its profile's expectation suite and write the report.

    validate_extraction(folder, expected_items=None) → ValidationResult
    load_suites() → Suites   (imports great_expectations; built once per process)

The checks are data: great-expectations 1.x suite JSON under ``expectations/``, run in
an in-memory (ephemeral) context.  Each list profile names its suite (``"suite"`` in
``pipeline/profiles/<name>.json``), so each family is checked for what holds for it:
the 2021 assist list for every check written for it, a generic list for its structure
only, a 权责清单 for its structure and what holds for that family.  A publisher's own
defect kept as printed (an odd or missing 序号, a sheet whose stated count disagrees)
is a warning naming the row; a defect of the extraction (an empty name, layout debris,
items lost, a wrong type, table pages left unread) fails the folder.

The parts, in the order ``validate_extraction`` runs them:

    suites.py   load_suites: great_expectations, the shared patterns, a suite per profile
    folder.py   read_folder: notice.json, the profile, the tables its suite checks, the
                item count the notice must have (``raw/notices.json``)
    derive.py   derive_frames: each table with its derived ``_`` columns (facts a row
                does not hold: the task before this one, the number its marker should
                carry …), the frames built from notice.json (``notice``)
    frames.py   cell_frames: one row per cell / per column of every table, so that a
                check every column needs is one expectation
    run.py      run_suite: each frame's expectations → ``Check``s (two processes where
                two cores are free)
    result.py   Check, ValidationResult: the lines ``extract`` and ``validate`` print
    report.py   write_report: validation.json and a self-contained validation.html
    rows.py     small helpers: a column's values, a row's key and label

A suite folder ``expectations/<suite>/`` holds one file per frame (``items.json``,
``cells.json`` …); ``expectations/common/`` adds the frames every suite checks where a
folder has them.  docs/validation.md says how to add a check.
"""

from __future__ import annotations

import time
from pathlib import Path

from ... import schema
from .derive import derive_frames
from .folder import DEFAULT_PROFILE, OCR_CELLS, read_folder
from .notice import SHEETS, UNREAD_PAGES
from .report import REPORT_HTML, REPORT_JSON
from .result import Check, ValidationResult
from .run import run_suite
from .suites import EXPECTATIONS_DIR, PATTERNS_FILE, load_suites

__all__ = ["DEFAULT_PROFILE", "EXPECTATIONS_DIR", "PATTERNS_FILE", "REPORT_HTML", "REPORT_JSON",
           "Check", "ValidationResult", "load_suites", "validate_extraction"]

#: notice.json keys the report repeats.
NOTICE_KEYS = ("version", "doc_no", "title", "source_file", "source_sha256", "source_format",
               "profile", "item_count")


def validate_extraction(folder: Path, *, expected_items: int | None = None,
                        manifest: Path | None = None, expectations: Path | None = None,
                        write: bool = True, label: Path | str | None = None,
                        workers: int | None = None) -> ValidationResult:
    """Run the suite of the folder's profile on the extracted ``folder``; write
    validation.json and .html into it (unless ``write`` is False: then call
    ``result.write_reports``).

    In: a folder written by ``extract`` (``<table>.parquet`` per output table and
    notice.json).  ``expected_items`` overrides the manifest's count; ``manifest``
    and ``expectations`` replace ``raw/notices.json`` and ``expectations/`` (tests);
    ``label``: the folder the report names.  ``workers``: processes that run the
    frames (default: 2 where this process may use two cores; 1 when the caller
    runs other work in parallel).
    Out: a ``ValidationResult``; a failed check does not raise.  Raises
    ``PipelineError`` only if the suites cannot be loaded or the report not written.
    """
    start = time.perf_counter()
    folder = Path(folder)
    suites = load_suites(expectations)
    read = read_folder(folder, expected_items=expected_items, manifest=manifest)
    suite = suites.suite(read.suite)
    derived = derive_frames(read, suite)
    ran = run_suite(suites, suite, read, derived, workers)
    checks = read.checks + sorted(ran, key=lambda c: _table_order(c.table, read.tables))
    warnings = [line for c in checks if not c.success and c.severity == "warning"
                for line in c.lines()]
    warnings += [f"{c.table}: {c.check}: {c.expected}" for c in checks if c.severity == "info"]
    items = read.frames.get("items")
    result = ValidationResult(
        folder=str(label or folder),
        success=not any(not c.success and c.severity == "error" for c in checks),
        checks=checks, warnings=warnings, items=None if items is None else len(items),
        expected_items=read.expected_items, expected_source=read.expected_source,
        elapsed_s=0.0, suite=suite.name,
        expectations={name: loaded for name, (_, loaded) in suite.counts.items()
                      if name in derived.frames},
        ocr_cells=derived.ocr_cells, reader_warnings=_reader_warnings(read.notice),
        notice={k: read.notice.get(k) for k in NOTICE_KEYS},
        great_expectations_version=suites.gx_version)
    result.elapsed_s = round(time.perf_counter() - start, 3)
    if write:
        result.write_reports(folder, label)
    return result


def _table_order(name: str, tables: tuple[schema.Table, ...]) -> int:
    """Checks are listed notice.json first (pages and sheets it says were read), then
    table by table as the schema orders them."""
    names = ["notice.json", UNREAD_PAGES, SHEETS, *(t.name for t in tables),
             schema.COLUMNS.name, OCR_CELLS]
    return names.index(name) if name in names else len(names)


def _reader_warnings(notice: dict) -> list[str]:
    """notice.json ``warnings`` as text (one entry each; a single string is one)."""
    warnings = notice.get("warnings")
    if warnings is None:
        return []
    return [str(w) for w in (warnings if isinstance(warnings, list) else [warnings])]
