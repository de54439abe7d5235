"""Check an extracted folder against its profile's expectation suite and write the report.

    validate_extraction(folder, expected_items=None) → ValidationResult
    load_suites() → Suites   (imports great_expectations; built once per process)

The checks are listed once, as great-expectations 1.x suite JSON run in an
in-memory (ephemeral) context.  Each list profile names its suite
(``"suite"`` in ``pipeline/profiles/<name>.json``; notice.json records the
profile), a folder ``expectations/<suite>/`` with one file per frame:

- ``<table>.json``: the table's rows, with derived columns (below);
- ``cells.json``: one row per cell of every table (``_table``, ``_column`` as
  "items.name", ``_value`` as text, the row's key, per-column flags ``_text``
  and ``_required``), so that a check every column needs (not null, not empty,
  no layout debris) is one expectation, whatever the columns are — a generic
  list's columns are only known from its ``columns`` table;
- ``columns.json``: one row per column the schema gives each table
  (``_present``, its type ``_dtype`` and the schema's ``_expected``).

A check on ``cells`` or ``columns`` is reported once per table and column it
covers (``items.basis_text: not_empty: …``), as if it had been stated for each.
``expectations/common/`` holds frames every suite checks where the folder has
them (``ocr_cells``: OCR'd cells flagged for a person to check, warnings).
Regular expressions several suites share are named in
``expectations/patterns.json`` and passed as suite parameters; ``{labels}`` in
one stands for the list's own printed header labels.  A regular expression
stated once in the pipeline is named in a suite's expectation as ``{name}``
(``profiles.PATTERN_TOKENS``: ``{task_marker}``, the task markers the tasks
parser knows, which the profiles' ``task_start`` names too).

Some checks need facts a single row does not hold: does the item have a task,
which task precedes this one, which number should the next marker carry, does
the source have pages.  This module computes those facts in pandas as derived
columns whose names start with ``_`` (documented in each suite's
``meta.description``); the suites check them like any other column, so every
check, plain or derived, is stated in the JSON and reported the same way.

The expected item count comes from the caller or from the manifest of known
notices (``raw/notices.json``, see ``manifest``); for a notice not listed there
the count is not checked (the report says so) and ``seq`` must still run 1..N.

great_expectations takes about 2 s to import, so it is imported by
``load_suites`` only; a command that also parses a PDF calls it first thing,
while the parsing runs in a child process.  Each frame is checked in one pass
(pass/fail only); only an expectation that fails runs again for its rows.
"""

from __future__ import annotations

import base64
import html
import json
import os
import re
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import schema
from ..errors import PipelineError

if TYPE_CHECKING:
    import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
#: The suites (``<suite>/<frame>.json``) and ``patterns.json``.
EXPECTATIONS_DIR = ROOT / "expectations"
PATTERNS_FILE = "patterns.json"
#: Frames every suite checks where the folder has them.
COMMON_SUITE = "common"
#: The profile of a folder whose notice.json names none (extracted before profiles).
DEFAULT_PROFILE = "assist"
REPORT_JSON = "validation.json"
REPORT_HTML = "validation.html"
#: Frames built from every table of the folder (see the module docstring).
CELLS, COLUMNS = "cells", "columns"
#: The table of OCR'd cells (issue 12): optional, one row per cell read by OCR.
OCR_CELLS = schema.OCR_CELLS.name
#: Stands for the list's printed header labels in a pattern of patterns.json.
LABELS_TOKEN = "{labels}"
#: great-expectations severities as the report names them.
SEVERITY = {"critical": "error", "warning": "warning", "info": "info"}
#: Offending rows listed per check (the count is always given in full).
MAX_ROWS = 10
#: Offending values quoted per check, and characters quoted per value.
MAX_SAMPLES = 3
SAMPLE_CHARS = 40
#: Crops larger than this are linked from validation.html, not embedded.
MAX_EMBED_BYTES = 256 * 1024
#: Source formats of folders extracted before notice.json recorded one (all were PDFs).
LEGACY_FORMAT = "pdf"
#: The pandas dtypes a schema type reads back as from Parquet, and their short names.
TYPE_NAMES = {"int": "Int64Dtype", "str": "StringDtype", "float": "Float64Dtype",
              "bool": "BooleanDtype"}
_SHORT_TYPES = {v: k for k, v in TYPE_NAMES.items()}


@dataclass
class Check:
    """The outcome of one expectation (or of reading one file) on one table and column.

    ``rows`` holds the keys (``seq``, ``task_no`` …) of the first offending rows;
    ``rows_total`` counts them all.  ``severity`` is "error" (the folder fails),
    "warning" or "info" (reported only).  ``each_row``: the check is reported
    one line per offending row (``details``), every row (OCR cells to look at).
    """

    table: str
    check: str
    column: str | None
    success: bool
    severity: str
    found: str
    expected: str
    rows: list[dict] = field(default_factory=list)
    rows_total: int = 0
    expectation: str = ""
    each_row: bool = False
    details: list[str] = field(default_factory=list)

    def line(self) -> str:
        """One line: table, check, found vs expected, the offending rows."""
        text = f"{self._where()}: {self.check}: found {self.found}; expected {self.expected}"
        if self.rows:
            labels = ", ".join(_row_label(r) for r in self.rows)
            more = self.rows_total - len(self.rows)
            text += f"; rows: {labels}" + (f" (+{more} more)" if more > 0 else "")
        return text

    def lines(self) -> list[str]:
        """``line()``, or for an ``each_row`` check one line per offending row."""
        if not self.each_row or not self.details:
            return [self.line()]
        return [f"{self._where()}: {self.check}: {d}; expected {self.expected}"
                for d in self.details]

    def _where(self) -> str:
        return f"{self.table}.{self.column}" if self.column else self.table


@dataclass
class ValidationResult:
    """What ``validate_extraction`` found; ``success`` is False if any error check failed."""

    folder: str
    success: bool
    checks: list[Check]
    warnings: list[str]
    items: int | None
    expected_items: int | None
    expected_source: str
    elapsed_s: float
    suite: str = ""
    expectations: dict[str, int] = field(default_factory=dict)  # frame → expectations run
    ocr_cells: list[dict] = field(default_factory=list)  # flagged OCR'd cells, for a person
    notice: dict = field(default_factory=dict)
    great_expectations_version: str = ""

    @property
    def failures(self) -> list[Check]:
        return [c for c in self.checks if not c.success and c.severity == "error"]

    def failure_lines(self) -> list[str]:
        """One line per failed check (what ``validate`` prints on stderr)."""
        return [c.line() for c in self.failures]

    def warning_lines(self) -> list[str]:
        """Warnings and notes: failed warning checks (one line per OCR cell to check),
        an unrecorded item count."""
        return list(self.warnings)

    def summary(self) -> str:
        failed = len(self.failures)
        items = "?" if self.items is None else self.items
        warned = len(self.warnings)
        return (f"{items} items; {len(self.checks)} checks "
                f"({sum(self.expectations.values())} expectations, suite {self.suite or '?'}), "
                f"{failed} failed, {warned} warning{'' if warned == 1 else 's'}")

    def to_dict(self) -> dict:
        return {"success": self.success, "summary": self.summary(), **asdict(self)}

    def write_reports(self, folder: Path, label: Path | str | None = None) -> None:
        """Write validation.json and a self-contained validation.html into ``folder``.

        ``label`` is the folder the report names (default: ``folder``): validation
        runs in a temporary folder that is then moved into place.  Crops of
        flagged OCR cells are read from ``folder``.  Raises ``PipelineError`` if a
        report cannot be written.
        """
        folder = Path(folder)
        if label is not None:
            self.folder = str(label)
        data = {**self.to_dict(),
                "validated_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")}
        _write_atomic(folder / REPORT_JSON,
                      json.dumps(data, ensure_ascii=False, indent=1, default=str) + "\n")
        _write_atomic(folder / REPORT_HTML, _html(self, data, folder))


@dataclass
class Suite:
    """One profile's suite: a great_expectations ExpectationSuite per frame."""

    name: str
    frames: dict[str, Any]  # frame name → ExpectationSuite (common frames included)
    meta: dict[str, dict]  # frame name → the file's "meta"
    counts: dict[str, tuple[int, int]]  # frame name → (expectations in file, loaded)


@dataclass
class Suites:
    """The great_expectations context, the shared patterns, and the suites built so far."""

    directory: Path
    context: Any
    source: Any  # pandas data source: one whole-DataFrame asset per frame name
    patterns: dict[str, dict[str, str]]  # parameter name → {pattern name: regex}
    gx_version: str
    built: dict[str, Suite] = field(default_factory=dict)
    batches: dict[str, Any] = field(default_factory=dict)  # frame name → batch definition
    lock: Any = field(default_factory=threading.Lock)

    def suite(self, name: str) -> Suite:
        """The suite ``expectations/<name>/`` (plus ``common/``), built once.

        Raises ``PipelineError`` naming the file if the suite is missing or
        unreadable, or if great_expectations does not load every expectation in
        it (it would otherwise drop the ones it cannot read, silently).
        """
        with self.lock:
            if name not in self.built:
                self.built[name] = _build_suite(self, name)
            return self.built[name]

    def batch(self, frame: str):
        with self.lock:
            if frame not in self.batches:
                asset = self.source.add_dataframe_asset(frame)
                self.batches[frame] = asset.add_batch_definition_whole_dataframe("whole")
            return self.batches[frame]


_LOCK = threading.Lock()
_LOADED: dict[Path, Suites] = {}


def load_suites(directory: Path | None = None) -> Suites:
    """Import great_expectations, make its context and read the shared patterns of
    ``directory`` (default ``expectations/``); cached, so later calls in the process
    cost nothing.  Suites are built when first asked for (``Suites.suite``).

    Raises ``PipelineError`` naming the file if patterns.json is unreadable or
    holds a pattern that is not a regular expression.
    """
    directory = Path(directory or EXPECTATIONS_DIR).resolve()
    with _LOCK:
        if directory not in _LOADED:
            _LOADED[directory] = _start(directory)
        return _LOADED[directory]


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
    checks: list[Check] = []
    notice = _read_notice(folder, checks)
    suite_name, tables = _suite_and_tables(folder, notice, checks)
    suite = suites.suite(suite_name)
    frames = _read_tables(folder, tables, checks)
    items = frames.get("items")
    n_items = None if items is None else len(items)
    expected, source = _expected_count(notice, expected_items, manifest)
    notice_count = notice.get("item_count") if isinstance(notice.get("item_count"), int) else None
    parameters = _parameters(suites.patterns, frames.get(schema.COLUMNS.name))
    # A count nobody recorded is not checked: the expectation runs against the
    # table's own length (so it passes) and is reported as a note.
    unknown = {}
    parameters["expected_items"] = expected if expected is not None else n_items or 0
    if expected is None:
        unknown["expected_items"] = source
    parameters["notice_item_count"] = notice_count if notice_count is not None else n_items or 0
    if notice_count is None:
        unknown["notice_item_count"] = "notice.json gives no item_count"
    wording = {"expected_items": expected, "expected_source": source,
               "notice_item_count": notice_count}
    derived = _derive(frames, tables, notice, folder, suite)
    context = _RunContext(suites, parameters, unknown, wording, tables, derived)
    names = [name for name in suite.frames if name in derived.frames]
    ran = _run_frames(context, suite, names, _workers() if workers is None else workers)
    checks += sorted(ran, key=lambda c: _table_order(c.table, tables))  # after file checks
    warnings = [line for c in checks if not c.success and c.severity == "warning"
                for line in c.lines()]
    warnings += [f"{c.table}: {c.check}: {c.expected}" for c in checks if c.severity == "info"]
    result = ValidationResult(
        folder=str(label or folder),
        success=not any(not c.success and c.severity == "error" for c in checks),
        checks=checks, warnings=warnings, items=n_items, expected_items=expected,
        expected_source=source, elapsed_s=0.0, suite=suite.name,
        expectations={name: loaded for name, (_, loaded) in suite.counts.items()
                      if name in derived.frames},
        ocr_cells=_flagged_cells(derived.frames.get(OCR_CELLS), frames.get(schema.COLUMNS.name)),
        notice={k: notice.get(k) for k in ("version", "doc_no", "title", "source_file",
                                           "source_sha256", "source_format", "profile",
                                           "item_count")},
        great_expectations_version=suites.gx_version)
    result.elapsed_s = round(time.perf_counter() - start, 3)
    if write:
        result.write_reports(folder, label)
    return result


# --- loading ---------------------------------------------------------------------------

def _start(directory: Path) -> Suites:
    import warnings

    import great_expectations as gx
    import tqdm
    from great_expectations.data_context.types.base import ProgressBarsConfig

    # great_expectations makes (disabled) tqdm bars, and tqdm then starts a monitor
    # thread; without it, this process has one thread and may fork (_run_frames).
    tqdm.tqdm.monitor_interval = 0
    patterns = _read_json_file(directory / PATTERNS_FILE)
    named = {k: v for k, v in patterns.items() if isinstance(v, dict)}
    for name, group in named.items():
        for label, regex in group.items():
            try:
                re.compile(regex.replace(LABELS_TOKEN, "x"))
            except (re.error, AttributeError) as e:
                raise PipelineError(f"pattern {name}/{label!r} is not a regular expression: {e}",
                                    file=str(directory / PATTERNS_FILE)) from None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    source = context.data_sources.add_pandas("extraction")
    return Suites(directory, context, source, named, gx.__version__)


def _build_suite(suites: Suites, name: str) -> Suite:
    import logging
    import warnings

    import great_expectations as gx

    folder = suites.directory / name
    if not re.fullmatch(r"[a-z0-9_-]+", name) or not folder.is_dir():
        raise PipelineError(f"no expectation suite {name!r}", file=str(folder),
                            hint="each profile's \"suite\" names a folder of expectations/")
    paths = sorted(folder.glob("*.json"))
    common = suites.directory / COMMON_SUITE
    if common.is_dir() and name != COMMON_SUITE:
        own = {p.name for p in paths}
        paths += [p for p in sorted(common.glob("*.json")) if p.name not in own]
    if not paths:
        raise PipelineError("no suite files (<frame>.json) in the suite folder", file=str(folder))
    frames, metas, counts = {}, {}, {}
    gx_logger = logging.getLogger("great_expectations")
    for path in paths:
        data = _read_json_file(path)
        configs = _expand_tokens(data.get("expectations") or [], path)
        level, gx_logger.level = gx_logger.level, logging.CRITICAL  # we report drops ourselves
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                suite = gx.ExpectationSuite(name=f"{name}/{path.stem}", expectations=configs,
                                            meta=data.get("meta"))
        except Exception as e:  # GX raises pydantic errors for bad kwargs
            raise PipelineError(f"great_expectations cannot load the suite: {e}",
                                file=str(path)) from None
        finally:
            gx_logger.level = level
        if len(suite.expectations) != len(configs):
            raise PipelineError(
                f"{len(configs)} expectations in the file, great_expectations loaded "
                f"{len(suite.expectations)}", file=str(path),
                hint=f"check these entries: {_unloadable(configs)}")
        frames[path.stem] = suites.context.suites.add(suite)  # gives each expectation an id
        metas[path.stem] = data.get("meta") or {}
        counts[path.stem] = (len(configs), len(suite.expectations))
    return Suite(name, frames, metas, counts)


def _expand_tokens(value, path: Path):
    """``value`` (an expectation list, read from ``path``) with each ``{name}`` of
    ``profiles.PATTERN_TOKENS`` filled in, in every string of every ``kwargs``."""
    from ..profiles import expand_tokens

    if isinstance(value, list):
        return [_expand_tokens(v, path) for v in value]
    if not isinstance(value, dict):
        return value
    out = dict(value)
    kwargs = out.get("kwargs")
    if isinstance(kwargs, dict):
        try:
            out["kwargs"] = {k: ([expand_tokens(x) if isinstance(x, str) else x for x in v]
                                 if isinstance(v, list) else
                                 expand_tokens(v) if isinstance(v, str) else v)
                             for k, v in kwargs.items()}
        except ValueError as e:
            check = (out.get("meta") or {}).get("check", out.get("type"))
            raise PipelineError(f"expectation {check}: {e}", file=str(path)) from None
    return out


def _unloadable(configs: list[dict]) -> list[str]:
    """Which expectation entries great_expectations cannot read (index: type)."""
    from great_expectations.expectations.expectation_configuration import (
        ExpectationConfiguration,
    )

    bad = []
    for i, cfg in enumerate(configs):
        try:
            ExpectationConfiguration(**cfg).to_domain_obj()
        except Exception:  # any failure means "cannot be loaded"
            bad.append(f"{i}: {cfg.get('type') if isinstance(cfg, dict) else cfg!r}")
    return bad


def _read_json_file(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise PipelineError(f"cannot read: {e}", file=str(path)) from None
    if not isinstance(data, dict):
        raise PipelineError("expected a JSON object", file=str(path))
    return data


def _parameters(patterns: dict[str, dict[str, str]], columns: pd.DataFrame | None) -> dict:
    """Suite parameters: each named pattern group as a list; ``{labels}`` filled with
    the list's printed header labels (a pattern that needs them is dropped where the
    folder has none).  ``_named``: the same groups by pattern name (for the report)."""
    labels = sorted({str(x).strip() for x in _values(columns, "label") if x and str(x).strip()},
                    key=len, reverse=True)
    alternation = "|".join(re.escape(x) for x in labels)
    named: dict[str, dict[str, str]] = {}
    for group, entries in patterns.items():
        named[group] = {}
        for label, regex in entries.items():
            if LABELS_TOKEN in regex:
                if not alternation:
                    continue
                regex = regex.replace(LABELS_TOKEN, alternation)
            named[group][label] = regex
    out: dict[str, Any] = {g: list(v.values()) or ["(?!)"] for g, v in named.items()}
    out["_named"] = named
    return out


# --- reading the folder ----------------------------------------------------------------

def _suite_and_tables(folder: Path, notice: dict,
                      checks: list[Check]) -> tuple[str, tuple[schema.Table, ...]]:
    """The suite named by the folder's profile, and the tables it checks: a specific
    profile's fixed tables, or a generic list's from its columns.parquet."""
    from ..profiles import load_profiles

    name = notice.get("profile")
    profiles = load_profiles()
    profile = profiles.get(name) if isinstance(name, str) else None
    if name is not None and profile is None:
        checks.append(Check("notice.json", "profile", None, False, "error", repr(name),
                            "a profile of pipeline/profiles (the one that read the list)"))
    if profile is None or profile.tables == "assist":
        return (profile or profiles[DEFAULT_PROFILE]).suite, schema.VALIDATED_TABLES
    rows = _columns_rows(folder, checks)
    tables = [t for t in schema.version_tables(profile.tables, rows)
              if t.name != schema.COLUMNS.name]
    return profile.suite, tuple(tables)


def _columns_rows(folder: Path, checks: list[Check]) -> list[dict]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = folder / f"{schema.COLUMNS.name}.parquet"
    try:
        rows = pq.read_table(path).to_pylist()
        if all({"position", "field", "label", "role"} <= set(r) for r in rows):
            return rows
        found = "a file without position, field, label and role"
    except FileNotFoundError:
        found = "no such file"
    except (OSError, pa.ArrowException) as e:
        found = f"an unreadable file ({e})"
    checks.append(Check(schema.COLUMNS.name, "file", None, False, "error", found,
                        f"{path.name} in {folder} (a generic list's columns)"))
    return []


def _read_tables(folder: Path, tables: tuple[schema.Table, ...],
                 checks: list[Check]) -> dict[str, pd.DataFrame]:
    """Each table's Parquet file as a DataFrame (a failed "file" check for each missing
    one), the columns table where there is one, and the OCR cells where there are.

    Parquet types map to pandas extension types (int64 → Int64, string and
    large_string → string, double → Float64) whatever pandas dtype wrote them, so
    the suites' type checks see the Parquet types actually written.
    """
    frames = {}
    for table in tables:
        frame, found = _read_parquet(folder / f"{table.name}.parquet")
        if frame is not None:
            frames[table.name] = frame
            continue
        checks.append(Check(table.name, "file", None, False, "error", found,
                            f"{table.name}.parquet in {folder}"))
    for optional in (schema.COLUMNS.name, OCR_CELLS):
        frame, found = _read_parquet(folder / f"{optional}.parquet")
        if frame is not None:
            frames[optional] = frame
        elif found != "no such file":
            checks.append(Check(optional, "file", None, False, "error", found,
                                f"a readable {optional}.parquet in {folder}"))
    return frames


def _read_parquet(path: Path) -> tuple[pd.DataFrame | None, str]:
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    types = {pa.int64(): pd.Int64Dtype(), pa.string(): pd.StringDtype(),
             pa.large_string(): pd.StringDtype(), pa.float64(): pd.Float64Dtype(),
             pa.bool_(): pd.BooleanDtype()}
    try:
        frame = pq.read_table(path).to_pandas(types_mapper=types.get)
    except FileNotFoundError:
        return None, "no such file"
    except (OSError, pa.ArrowException) as e:
        return None, f"an unreadable file ({e})"
    return frame.reset_index(drop=True), ""


def _read_notice(folder: Path, checks: list[Check]) -> dict:
    try:
        notice = json.loads((folder / "notice.json").read_text(encoding="utf-8"))
        if isinstance(notice, dict):
            return notice
        found = "a JSON value that is not an object"
    except FileNotFoundError:
        found = "no such file"
    except (OSError, ValueError) as e:
        found = f"an unreadable file ({e})"
    checks.append(Check("notice.json", "file", None, False, "error", found,
                        f"notice.json in {folder}"))
    return {}


def _expected_count(notice: dict, given: int | None,
                    manifest: Path | None) -> tuple[int | None, str]:
    """The item count this notice must have and where it comes from (or why it is unknown)."""
    from ..output.manifest import MANIFEST_PATH, read_manifest

    if given is not None:
        return given, "given by the caller"
    path = Path(manifest) if manifest else MANIFEST_PATH
    name = _display_path(path)
    known = read_manifest(manifest)
    sha = str(notice.get("source_sha256") or "").lower()
    if sha in known:
        return known[sha].expected_items, f"{name}: {known[sha].file}"
    source_file = notice.get("source_file") or "?"
    reason = (f"no expected item count is recorded for this notice ({source_file}, sha256 "
              f"{sha[:12] or '?'}… is not in {name}); seq is checked to run 1..N only")
    same_name = [k for k in known.values() if k.file == source_file]
    if same_name:
        reason += f"; {name} lists a {source_file} with another sha256"
    return None, reason


def _display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


# --- derived columns and frames --------------------------------------------------------

@dataclass
class _Derived:
    """The frames the suites check, with what reporting them needs."""

    frames: dict[str, pd.DataFrame]  # frame name → rows (tables, cells, columns, ocr_cells)
    keys: dict[str, tuple[str, ...]]  # table → its key columns (a row's label)
    per_column: dict[str, pd.DataFrame]  # cells/columns → one row per table column covered
    sizes: dict[str, int]  # table → rows


def _derive(frames: dict[str, pd.DataFrame], tables: tuple[schema.Table, ...], notice: dict,
            folder: Path, suite: Suite) -> _Derived:
    """Each table with the derived ``_`` columns its suite checks (see the suites' meta),
    and the ``cells`` and ``columns`` frames of every table."""
    import pandas as pd

    items = frames.get("items")
    seqs = set(_values(items, "seq")) - {None} if items is not None else set()
    lookup = _CellLookup(items)
    out: dict[str, pd.DataFrame] = {}
    keys = {t.name: t.key for t in tables}
    if items is not None:
        out["items"] = _derive_items(items.copy(), frames, notice)
    for table in tables:
        if table.name == "items" or table.name not in frames:
            continue
        df = frames[table.name].copy()
        seq = _values(df, "seq")
        group = _groups(df)
        df["_item_exists"] = pd.array([s in seqs for s in seq], dtype="boolean")
        df["_position"] = pd.array(_positions(group), dtype="Int64")
        if table.name == "tasks":
            _derive_tasks(df, group, lookup.cells(df, "tasks_text"))
        elif table.name == "citations":
            _derive_citations(df, lookup.cells(df, "basis_text"))
        out[table.name] = df
    if OCR_CELLS in frames:
        out[OCR_CELLS] = _derive_ocr(frames[OCR_CELLS].copy(), seqs, folder)
        keys[OCR_CELLS] = schema.OCR_CELLS.key
    per_column = {}
    profile_required = _profile_required(notice)
    fill = (suite.meta.get(CELLS) or {}).get("required_fill")
    out[CELLS], per_column[CELLS] = _cells_frame(frames, tables, profile_required, fill)
    typed = (*tables, schema.OCR_CELLS) if OCR_CELLS in frames else tables
    out[COLUMNS], per_column[COLUMNS] = _columns_frame(frames, typed)
    sizes = {t.name: len(frames[t.name]) for t in tables if t.name in frames}
    if OCR_CELLS in frames:
        sizes[OCR_CELLS] = len(frames[OCR_CELLS])
    return _Derived(out, keys, per_column, sizes)


def _derive_items(df: pd.DataFrame, frames: dict[str, pd.DataFrame],
                  notice: dict) -> pd.DataFrame:
    import pandas as pd

    seq = _values(df, "seq")
    df["_row_number"] = pd.array(range(1, len(df) + 1), dtype="Int64")
    for name, column in (("tasks", "_task_rows"), ("citations", "_citation_rows"),
                         ("departments", "_department_rows")):
        counts = Counter(_values(frames.get(name), "seq"))
        df[column] = pd.array([counts.get(s, 0) for s in seq], dtype="Int64")
    ends = _values(df, "page_end")
    df["_previous_page_end"] = pd.array([None, *ends[:-1]][:len(df)], dtype="Int64")
    source_format = notice.get("source_format") or LEGACY_FORMAT
    df["_source_format"] = pd.array([str(source_format)] * len(df), dtype="string")
    return df


def _derive_ocr(df: pd.DataFrame, seqs: set, folder: Path) -> pd.DataFrame:
    """OCR'd cells: does the item exist, is the crop a file inside the folder."""
    import pandas as pd

    df["_item_exists"] = pd.array([s in seqs for s in _values(df, "seq")], dtype="boolean")
    df["_crop_exists"] = pd.array([None if not crop else _inside(folder, crop) is not None
                                   for crop in _values(df, "crop")], dtype="boolean")
    return df


def _inside(folder: Path, relative: str) -> Path | None:
    """``folder/relative`` if it is a file inside ``folder`` (crops named by the data)."""
    try:
        path = (folder / str(relative)).resolve()
        if path.is_relative_to(folder.resolve()) and path.is_file():
            return path
    except (OSError, ValueError):
        pass
    return None


def _groups(df: pd.DataFrame) -> list:
    """Per row, the items cell it was parsed from: seq, and in a generic list the
    items column (``field``)."""
    if "field" in df.columns:
        return list(zip(_values(df, "seq"), _values(df, "field"), strict=True))
    return [(s,) for s in _values(df, "seq")]


class _CellLookup:
    """The items cell a parsed row came from: by seq, in the row's ``field`` (generic
    lists) or in the fixed column of a specific profile."""

    def __init__(self, items: pd.DataFrame | None):
        self.items = items
        self.row = {} if items is None else {s: i for i, s in enumerate(_values(items, "seq"))}

    def cells(self, df: pd.DataFrame, default: str) -> list:
        if self.items is None:
            return [None] * len(df)
        fields = _values(df, "field") if "field" in df.columns else [default] * len(df)
        columns: dict[str, list] = {}
        out = []
        for seq, name in zip(_values(df, "seq"), fields, strict=True):
            if name not in columns:
                columns[name] = _values(self.items, name) if name in self.items else []
            i = self.row.get(seq)
            out.append(columns[name][i] if i is not None and columns[name] else None)
        return out


def _profile_required(notice: dict) -> set[str]:
    from ..profiles import load_profiles

    profile = load_profiles().get(notice.get("profile") or DEFAULT_PROFILE)
    return set(profile.required) if profile is not None and not profile.generic else set()


def _cells_frame(frames: dict[str, pd.DataFrame], tables: tuple[schema.Table, ...],
                 profile_required: set[str], fill: float | None
                 ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One row per cell of every table: its key, ``_table``, ``_column`` ("items.name"),
    ``_value`` (text; numbers as digits), and its column's flags:

    - ``_text``: a text column;
    - ``_not_null``: the schema says the column is never null;
    - ``_required``: where not null the cell holds text: in ``items`` the profile's
      required fields, or for a generic list the key and every column filled in at
      least ``fill`` of the rows (cells.json ``meta.required_fill``); in every
      other table each text column.

    Returns the frame and its per-column flags (one row per table column).
    """
    import pandas as pd

    keys = sorted({k for t in tables for k in t.key})
    flag_names = ("_text", "_not_null", "_required")
    data: dict[str, list] = {k: [] for k in (*keys, "_table", "_column", "_value", *flag_names)}
    flags = []
    for table in tables:
        df = frames.get(table.name)
        n = 0 if df is None else len(df)
        key_values = {k: _values(df, k) if n else [] for k in keys}
        for column in table.columns:
            # (seq_text is the printed key, "12": a number, not text that may hold debris)
            text = column.type == "str" and column.name != schema.SEQ_TEXT.name
            present = df is not None and column.name in df.columns
            if table.name not in ("items", "sub_items"):  # (sub_items: an item's rows)
                required = text
            elif fill is not None:
                required = text and (column.name in table.key or (
                    present and n > 0 and _filled(df[column.name]) >= fill))
            else:
                required = text and column.name in profile_required
            qualified = f"{table.name}.{column.name}"
            row = {"_table": table.name, "_column": qualified, "_text": text,
                   "_not_null": not column.nullable, "_required": required,
                   "_present": present}
            flags.append(row)
            if not present or not n:
                continue
            values = _values(df, column.name)
            data["_value"] += values if text else [None if v is None else str(v)
                                                   for v in values]
            for k in keys:
                data[k] += key_values[k] if k in df.columns else [None] * n
            for name in ("_table", "_column", *flag_names):
                data[name] += [row[name]] * n
    types = {**{k: _key_dtype(tables, k) for k in keys}, "_table": "string",
             "_column": "string", "_value": "string", **dict.fromkeys(flag_names, "boolean")}
    cells = pd.DataFrame({name: _array(values, types[name]) for name, values in data.items()})
    per_column = pd.DataFrame(flags, columns=["_table", "_column", *flag_names, "_present"])
    for name in (*flag_names, "_present"):
        per_column[name] = per_column[name].astype("boolean")
    return cells, per_column


def _array(values: list, dtype: str):
    import pandas as pd

    try:
        return pd.array(values, dtype=dtype)
    except (TypeError, ValueError):  # a key of the wrong type: its type check says so
        return pd.array([None if v is None else str(v) for v in values], dtype="string")


def _key_dtype(tables: tuple[schema.Table, ...], key: str) -> str:
    for table in tables:
        for column in table.columns:
            if column.name == key:
                return schema.PANDAS_DTYPES[column.type].replace("str", "string")
    return "string"


def _filled(values: pd.Series) -> float:
    """Share of cells holding text."""
    text = values.astype("string").str.strip()
    return float((text.notna() & (text != "")).mean())


def _columns_frame(frames: dict[str, pd.DataFrame], tables: tuple[schema.Table, ...]
                   ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One row per column the schema gives each table: ``_present``, the type it was
    read back as (``_dtype``: int, str, float, bool or the pandas name) and the
    schema's (``_expected``), each also as the pandas name (``_dtype_name`` …)."""
    import pandas as pd

    rows = []
    for table in tables:
        df = frames.get(table.name)
        if df is None:
            continue  # the file check has failed already
        for column in table.columns:
            present = column.name in df.columns
            name = type(df[column.name].dtype).__name__ if present else None
            rows.append({"_table": table.name, "_column": f"{table.name}.{column.name}",
                         "_present": present,
                         "_dtype": _SHORT_TYPES.get(name, name) if present else None,
                         "_dtype_name": name,
                         "_expected": column.type, "_expected_name": TYPE_NAMES[column.type]})
    frame = pd.DataFrame(rows, columns=["_table", "_column", "_present", "_dtype",
                                        "_dtype_name", "_expected", "_expected_name"])
    for name in frame.columns:
        frame[name] = frame[name].astype("boolean" if name == "_present" else "string")
    return frame, frame


def _derive_tasks(df: pd.DataFrame, group: list, cells: list) -> None:
    """Per task: a level-1 task above it in its item?  its expected parent?  its marker
    number and the number it should carry; the size of its numbering group.

    Level-1 numbers run 1, 2, 3 … through an item; at a section heading they may go
    on or start again at 1.  Level-2 numbers start at 1 under each level-1 task.
    After a wrong number the count follows the printed one, so a gap is reported
    once, at the task where it occurs.  ``group``: per row, the cell it came from;
    ``cells``: that cell's text.
    """
    import pandas as pd

    numbers = [_marker_number(m) for m in _values(df, "marker")]
    state: dict = {}
    before, parent, groups, expected = [], [], [], []
    for seq, level, task_no, section, number in zip(
            group, _values(df, "level"), _values(df, "task_no"),
            _values(df, "section"), numbers, strict=True):
        st = state.setdefault(seq, {"n": 0, "l1_at": None, "l1_no": None, "run": 0,
                                    "section": (), "l1": 0, "l2": 0})
        st["n"] += 1
        before.append(st["l1_at"] is not None)
        if level == 2:
            want = st["l2"] + 1
            st["l2"] = number if number is not None else want
            parent.append(st["l1_no"])
            groups.append((seq, 2, st["l1_at"]))
        else:
            want = st["l1"] + 1
            if section != st["section"]:
                st["run"] += 1
                st["section"] = section
                if st["run"] > 1 and number != want:
                    want = 1
            st["l1"], st["l2"] = (number if number is not None else want), 0
            parent.append(None)
            groups.append((seq, 1, st["run"]))
            st["l1_at"], st["l1_no"] = st["n"], task_no
        expected.append(want)
    sizes = Counter(groups)
    df["_level1_before"] = pd.array(before, dtype="boolean")
    df["_parent_expected"] = pd.array(parent, dtype="Int64")
    df["_marker_number"] = pd.array(numbers, dtype="Int64")
    df["_marker_expected"] = pd.array(expected, dtype="Int64")
    df["_group_size"] = pd.array([sizes[g] for g in groups], dtype="Int64")
    df["_text_in_cell"] = pd.array(
        [_contains(c, t) for c, t in zip(cells, _values(df, "text"), strict=True)],
        dtype="boolean")


_ARTICLE = re.compile(r"\A第?([^第条款项]+)条")
_PARAGRAPH = re.compile(r"第([^第条款项]+)款")


def _derive_citations(df: pd.DataFrame, cells: list) -> None:
    """Per citation: title and reference found in the cell?  the article and paragraph
    numbers the printed reference gives, and whether its numerals are valid."""
    import pandas as pd

    from ..text.numerals import parse_numeral

    cols: dict[str, list] = {k: [] for k in (
        "_article_expected", "_article_valid", "_paragraph_expected", "_paragraph_valid",
        "_numerals_valid", "_law_in_cell", "_ref_in_cell")}
    for cell, law, ref in zip(cells, _values(df, "law"), _values(df, "article_ref"),
                              strict=True):
        cols["_law_in_cell"].append(None if law is None else _contains(cell, f"《{law}》"))
        cols["_ref_in_cell"].append(None if ref is None else _contains(cell, ref))
        text = _compact(ref) if isinstance(ref, str) else ""
        valid = []
        for name, pattern in (("article", _ARTICLE), ("paragraph", _PARAGRAPH)):
            match = pattern.search(text)
            number = parse_numeral(match.group(1)) if match else None
            cols[f"_{name}_expected"].append(number)
            cols[f"_{name}_valid"].append(None if match is None else number is not None)
            if match:
                valid.append(number is not None)
        cols["_numerals_valid"].append(all(valid) if valid else None)
    for name, values in cols.items():
        dtype = "Int64" if name.endswith("_expected") else "boolean"
        df[name] = pd.array(values, dtype=dtype)


_MARKER = re.compile(
    r"\A[（(]?\s*([0-9０-９]+|[〇零一二两三四五六七八九十百]+)\s*[）)]?\s*[.．、]?\Z")


def _marker_number(marker: str | None) -> int | None:
    """The number a list marker stands for: "3." → 3, "（2）" → 2, "④" → 4, "十一、" → 11;
    a marker of one character by its Unicode value ("⑴" "⒈" "❶" → 1)."""
    import unicodedata

    from ..text.numerals import parse_numeral

    if not isinstance(marker, str):
        return None
    marker = marker.strip()
    if len(marker) == 1:
        value = unicodedata.numeric(marker, None)
        return int(value) if value is not None and value == int(value) else None
    match = _MARKER.match(marker)
    return parse_numeral(match.group(1)) if match else None


def _values(df: pd.DataFrame | None, column: str) -> list:
    """The column as Python values with None for nulls ([] without the frame, Nones
    without the column: the suite's column checks report what is missing)."""
    import pandas as pd

    if df is None:
        return []
    if column not in df.columns:
        return [None] * len(df)
    na = pd.NA
    return [None if v is None or v is na or (isinstance(v, float) and v != v)
            else (v.item() if hasattr(v, "item") else v) for v in df[column].tolist()]


def _positions(keys: list) -> list[int]:
    """1-based position of each row among the rows with the same key, in order."""
    seen: Counter = Counter()
    out = []
    for key in keys:
        seen[key] += 1
        out.append(seen[key])
    return out


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _contains(cell: str | None, text: str | None) -> bool | None:
    if not isinstance(cell, str) or not isinstance(text, str):
        return None
    return _compact(text) in _compact(cell)


# --- running a suite -------------------------------------------------------------------

def _workers() -> int:
    """2 where this process may use two cores and one of them is idle, else 1: on a
    busy machine two processes only compete for the same share of it."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    try:
        load = os.getloadavg()[0]  # this process counts for about 1
    except OSError:
        load = 0.0
    return 2 if cpus >= 2 and load <= cpus - 0.5 else 1


def _run_frames(ctx: _RunContext, suite: Suite, names: list[str], workers: int) -> list[Check]:
    """Run each frame's suite; with two workers, a forked copy of this process runs
    about half of them (great_expectations spends its time in Python, so threads
    would not help) and sends its checks back.  If that copy fails, its frames are
    run here."""
    import threading

    if (workers < 2 or len(names) < 2 or not hasattr(os, "fork")
            or threading.active_count() > 1):  # forking a process with threads is unsafe
        return [c for name in names for c in _run_frame(ctx, suite, name)]
    import pickle
    import sys

    theirs = _half(names, suite)
    mine = [n for n in names if n not in theirs]
    sys.stdout.flush()
    sys.stderr.flush()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the copy: check its frames, send the checks, exit without cleanup
        status = 1
        try:
            os.close(read)
            _die_with_parent()
            data = pickle.dumps([_run_frame(ctx, suite, n) for n in theirs])
            with os.fdopen(write, "wb") as pipe:
                pipe.write(data)
            status = 0
        finally:
            os._exit(status)
    os.close(write)
    results: dict[str, list[Check]] = {}
    try:
        for name in mine:
            results[name] = _run_frame(ctx, suite, name)
        with os.fdopen(read, "rb") as pipe:
            data = pipe.read()
    except BaseException:
        _kill(pid)
        raise
    _, status = os.waitpid(pid, 0)
    try:
        if status != 0:
            raise ValueError(f"exit status {status}")
        results.update(zip(theirs, pickle.loads(data), strict=True))
    except (ValueError, pickle.UnpicklingError, EOFError):
        for name in theirs:
            results[name] = _run_frame(ctx, suite, name)
    return [c for name in names for c in results[name]]


def _half(names: list[str], suite: Suite) -> list[str]:
    """About half of the work, by expectations (a cells or columns expectation costs
    about as much as three on a table)."""
    weight = {n: len(suite.frames[n].expectations) * (3 if n in (CELLS, COLUMNS) else 1)
              for n in names}
    total, taken, half = sum(weight.values()), [], 0
    for name in sorted(names, key=weight.get, reverse=True):
        if half + weight[name] <= total / 2:
            taken.append(name)
            half += weight[name]
    return taken


def _die_with_parent() -> None:
    """The forked copy dies with this process (Linux), so a killed run leaves none."""
    import signal
    import sys

    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)


def _kill(pid: int) -> None:
    import signal

    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass

@dataclass
class _RunContext:
    suites: Suites
    parameters: dict
    unknown: dict[str, str]
    wording: dict
    tables: tuple[schema.Table, ...]
    derived: _Derived


def _run_frame(ctx: _RunContext, suite: Suite, name: str) -> list[Check]:
    """Run one frame's suite: a pass/fail run of all of it in one pass (cheap), then a
    detailed run of each expectation that failed, for its offending rows."""
    import warnings

    gx_suite = suite.frames[name]
    frame = ctx.derived.frames[name]
    parameters = {k: v for k, v in ctx.parameters.items() if not k.startswith("_")}
    batch = ctx.suites.batch(name).get_batch(batch_parameters={"dataframe": frame})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # GX deprecation chatter
        # Full result formats cost GX about twice the time on every expectation,
        # passing or not; only failures need them.
        quick = batch.validate(gx_suite, expectation_parameters=parameters,
                               result_format="BOOLEAN_ONLY")
        by_id = {r.expectation_config.id: r for r in quick.results}
        for expectation in gx_suite.expectations:
            result = by_id.get(expectation.id)
            if result is None or not result.success or _exception(result):
                by_id[expectation.id] = batch.validate(
                    expectation, expectation_parameters=parameters,
                    result_format={"result_format": "COMPLETE"})
    checks = []
    for expectation in gx_suite.expectations:
        config = expectation.configuration  # built anew on each access: once here
        result = by_id.get(expectation.id)
        if name in ctx.derived.per_column:
            found = _split_checks(ctx, name, expectation, config, result)
        else:
            found = [_to_check(ctx, name, expectation, config, result)]
        needs = _parameters_of(config.kwargs) & set(ctx.unknown)
        for check in found:
            if needs:
                check.success, check.severity = True, "info"
                check.expected = "; ".join(ctx.unknown[p] for p in sorted(needs))
                check.found = f"{check.found} (not checked)"
        checks.extend(found)
    return checks


def _parameters_of(kwargs: dict) -> set[str]:
    return {v["$PARAMETER"] for v in kwargs.values()
            if isinstance(v, dict) and "$PARAMETER" in v}


def _severity(expectation) -> str:
    return SEVERITY.get(str(getattr(expectation.severity, "value", expectation.severity)),
                        "error")


def _to_check(ctx: _RunContext, table: str, expectation, config, result) -> Check:
    frame = ctx.derived.frames[table]
    kwargs, meta = config.kwargs, config.meta or {}
    columns = _columns_of(kwargs)
    expected = str(meta.get("expected", config.type)).format_map(_Wording(ctx.wording))
    check = Check(table, str(meta.get("check", config.type)), ", ".join(columns) or None,
                  False, _severity(expectation), "", expected, expectation=config.type,
                  each_row=bool(meta.get("each_row")))
    absent = [c for c in columns if c not in frame.columns]
    if absent:
        check.found = f"no column {', '.join(absent)}"
        return check
    error = _exception(result)
    if result is None or error:
        check.found = f"an error running the check ({error or 'no result'})"
        return check
    check.success = bool(result.success)
    res = result.result or {}
    keys = [k for k in ctx.derived.keys.get(table) or ("seq",) if k in frame.columns]
    if check.success and not res:  # a pass/fail result: nothing was found wrong
        check.found = _as_expected(config.type, frame, columns)
    elif "unexpected_index_list" in res:
        index = list(res.get("unexpected_index_list") or [])
        total = int(res.get("unexpected_count") or 0)
        named = _named(ctx, kwargs)
        show = meta.get("show") or columns
        check.rows_total = total
        check.rows = [_row_key(frame, i, keys) for i in index[:MAX_ROWS]]
        samples = [_sample(frame, i, keys, show, named, own=columns)
                   for i in index[:MAX_SAMPLES]]
        check.found = f"{total} of {res.get('element_count', len(frame))} rows"
        if samples:
            check.found += ": " + "; ".join(samples)
        if check.each_row:
            check.details = [_sample(frame, i, keys, show, named, own=columns)
                             for i in index]
    else:
        check.found = _observed(config.type, res)
    return check


def _split_checks(ctx: _RunContext, name: str, expectation, config, result) -> list[Check]:
    """The checks of one expectation on ``cells`` or ``columns``: one per table column
    it covers (``meta.per == "table"``: one per table), as if stated for each."""
    frame, per_column = ctx.derived.frames[name], ctx.derived.per_column[name]
    kwargs, meta = config.kwargs, config.meta or {}
    covered = per_column[_condition_mask(per_column, kwargs.get("row_condition"))]
    expected = str(meta.get("expected", config.type)).format_map(_Wording(ctx.wording))
    error = _exception(result)
    res = (result.result or {}) if result is not None else {}
    failing: dict[str, list] = {}
    if result is not None and not error and not result.success:
        for i in res.get("unexpected_index_list") or []:
            failing.setdefault(frame.at[i, "_column"], []).append(i)
    named = _named(ctx, kwargs)
    base = {"check": str(meta.get("check", config.type)), "severity": _severity(expectation),
            "expected": expected, "expectation": config.type}
    rows = covered.to_dict("records")
    if meta.get("per") == "table":
        out = []
        for table in dict.fromkeys(r["_table"] for r in rows):
            mine = [r["_column"] for r in rows if r["_table"] == table]
            bad = [c.split(".", 1)[1] for c in mine if c in failing]
            check = Check(table, column=None, success=not bad and not error and result is not None,
                          found="", **base)
            check.found = (f"an error running the check ({error or 'no result'})"
                           if error or result is None else
                           str(meta.get("found", "{columns}")).format(columns=bad) if bad
                           else str(meta.get("passed", "0 rows")))
            out.append(check)
        return out
    out = []
    for row in rows:
        table, column = row["_table"], row["_column"].split(".", 1)[1]
        check = Check(table, column=column, success=False, found="", **{
            **base, "expected": str(meta.get("expected", config.type)).format_map(
                _Wording({**ctx.wording, **row}))})
        out.append(check)
        source = ctx.derived.frames.get(table)
        if source is None:
            source = frame.iloc[0:0]
        if row.get("_present") is False or (name == CELLS and column not in source.columns):
            check.found = f"no column {column}"
            continue
        if result is None or error:
            check.found = f"an error running the check ({error or 'no result'})"
            continue
        index = failing.get(row["_column"], [])
        check.success = not index
        template = meta.get("found")
        if template:
            check.found = str(template).format_map(_Wording(row))
        else:
            check.found = f"{len(index)} rows" if index else "0 rows"
        keys = [k for k in ctx.derived.keys.get(table) or ("seq",) if k in frame.columns]
        if index and keys:
            check.rows_total = len(index)
            check.rows = [_row_key(frame, i, keys) for i in index[:MAX_ROWS]]
            if not template:
                samples = [_sample(frame, i, keys, ["_value"], named, {"_value": column})
                           for i in index[:MAX_SAMPLES]]
                check.found = (f"{len(index)} of {ctx.derived.sizes.get(table, len(frame))} "
                               "rows: " + "; ".join(samples))
    return out


def _named(ctx: _RunContext, kwargs: dict) -> dict[str, str]:
    """The named patterns of an expectation's ``regex_list`` parameter (for the report)."""
    if isinstance(kwargs.get("regex_list"), dict):
        return ctx.parameters["_named"].get(kwargs["regex_list"].get("$PARAMETER"), {})
    return {}


def _condition_mask(df: pd.DataFrame, condition) -> pd.Series:
    """Rows of ``df`` a great_expectations row condition (as its JSON) selects; a
    condition on a column ``df`` lacks selects every row (it is decided per cell)."""
    import pandas as pd

    every = pd.Series(True, index=df.index)
    if not isinstance(condition, dict):
        return every
    kind = condition.get("type")
    if kind in ("and", "or"):
        masks = [_condition_mask(df, c) for c in condition.get("conditions") or []]
        if not masks:
            return every
        out = masks[0]
        for mask in masks[1:]:
            out = (out & mask) if kind == "and" else (out | mask)
        return out
    column = (condition.get("column") or {}).get("name")
    if column not in df.columns:
        return every
    values = df[column]
    if kind == "nullity":
        return values.isna() == bool(condition.get("is_null"))
    operator = str(getattr(condition.get("operator"), "value", condition.get("operator")))
    parameter = condition.get("parameter")
    tests = {"==": lambda: values == parameter, "!=": lambda: values != parameter,
             "<": lambda: values < parameter, "<=": lambda: values <= parameter,
             ">": lambda: values > parameter, ">=": lambda: values >= parameter,
             "IN": lambda: values.isin(parameter), "NOT_IN": lambda: ~values.isin(parameter)}
    if operator not in tests:
        return every
    return tests[operator]().fillna(False).astype(bool)


def _flagged_cells(ocr: pd.DataFrame | None, columns: pd.DataFrame | None) -> list[dict]:
    """The OCR'd cells flagged for a person to check, with their column's printed label."""
    if ocr is None or "flagged" not in ocr.columns:
        return []
    labels = dict(zip(_values(columns, "field"), _values(columns, "label"), strict=True))
    for column in schema.ITEMS.columns:
        labels.setdefault(column.name, column.label)
    out = []
    for i in ocr.index[ocr["flagged"].fillna(False).astype(bool)]:
        row = {k: (None if _isna(ocr.at[i, k]) else _plain(ocr.at[i, k])) for k in ocr.columns
               if not k.startswith("_")}
        row["label"] = labels.get(row.get("field"))
        out.append(row)
    return out


def _isna(value) -> bool:
    import pandas as pd

    return value is None or (not isinstance(value, (list, tuple)) and bool(pd.isna(value)))


class _Wording(dict):
    """Fills ``{name}`` in an expectation's ``meta.expected``; unknown names stay as written."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _columns_of(kwargs: dict) -> list[str]:
    if "column" in kwargs:
        return [kwargs["column"]]
    if "column_A" in kwargs:
        return [kwargs["column_A"], kwargs["column_B"]]
    return list(kwargs.get("column_list") or [])


def _exception(result) -> str | None:
    """The first exception message GX recorded for a result (its layout varies)."""
    info = getattr(result, "exception_info", None) or {}
    stack = [info]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if item.get("raised_exception"):
                message = str(item.get("exception_message") or "exception")
                return message.strip().splitlines()[0][:200]
            stack.extend(v for v in item.values() if isinstance(v, dict))
    return None


def _as_expected(kind: str, frame: pd.DataFrame, columns: list[str]) -> str:
    if kind.startswith("expect_table_row_count"):
        return f"{len(frame)} rows"
    if kind == "expect_table_columns_to_match_set":
        return "all columns"
    if kind == "expect_column_values_to_be_in_type_list":
        return f"{frame[columns[0]].dtype} values"
    return "0 rows"


def _observed(kind: str, res: dict) -> str:
    observed = res.get("observed_value")
    if kind == "expect_table_columns_to_match_set":
        missing = (res.get("details") or {}).get("mismatched", {}).get("missing") or []
        return f"missing columns {missing}" if missing else "all columns"
    if kind.startswith("expect_table_row_count"):
        return f"{observed} rows"
    if kind == "expect_column_values_to_be_in_type_list":
        return f"{observed} values"
    return str(observed)


def _row_key(frame: pd.DataFrame, index, keys: list[str]) -> dict:
    import pandas as pd

    row = frame.loc[index]
    return {k: (None if pd.isna(row[k]) else _plain(row[k])) for k in keys}


def _plain(value):
    """A NumPy scalar as the Python value (for JSON and for labels)."""
    return value.item() if hasattr(value, "dtype") and hasattr(value, "item") else value


def _sample(frame: pd.DataFrame, index, keys: list[str], columns: list[str],
            named: dict[str, str], names: dict[str, str] | None = None,
            own: list[str] | None = None) -> str:
    """One offending row: its key, then its values (a pattern's match shown in context);
    ``names`` renames columns in the text (a cell's ``_value`` is shown by its column);
    an empty value of a column shown only for context (not in ``own``) is left out."""
    import pandas as pd

    row = frame.loc[index]
    label = _row_label(_row_key(frame, index, keys))
    parts = []
    for column in columns:
        if column not in frame.columns:
            continue
        shown = (names or {}).get(column, column)
        value = row[column]
        if pd.isna(value):
            parts.append(f"{shown} null")
            continue
        text = str(value)
        if text == "" and own is not None and column not in own:
            continue
        hit = _first_match(text, named) if named else None
        if hit:
            parts.append(f"{hit[0]} in {shown} {_quote(hit[1])}")
        elif column in keys:
            continue  # already in the label
        else:
            parts.append(f"{shown} {_quote(text) if isinstance(value, str) else text}")
    return f"{label}: {', '.join(parts)}" if parts else label


def _first_match(text: str, named: dict[str, str]) -> tuple[str, str] | None:
    for name, regex in named.items():
        m = re.search(regex, text)
        if m:
            lo, hi = max(0, m.start() - 12), min(len(text), m.end() + 12)
            return name, ("…" if lo else "") + text[lo:hi] + ("…" if hi < len(text) else "")
    return None


def _quote(text: str) -> str:
    text = text.replace("\n", "⏎")
    if len(text) > SAMPLE_CHARS:
        text = text[:SAMPLE_CHARS] + "…"
    return f"'{text}'"


def _row_label(key: dict) -> str:
    return " ".join(f"{k} {'null' if v is None else v}" for k, v in key.items()) or "row"


# --- the report ------------------------------------------------------------------------

def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise PipelineError(f"cannot write the validation report: {e.strerror or e}",
                            file=str(path)) from None


_CSS = """
body{font-family:system-ui,"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:2em;color:#222}
h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.6em}
.badge{display:inline-block;padding:.2em .7em;border-radius:.3em;color:#fff;font-weight:bold}
.pass{background:#2e7d32}.fail{background:#c62828}
table{border-collapse:collapse;width:100%;font-size:.9em}
th,td{border:1px solid #ccc;padding:.3em .5em;text-align:left;vertical-align:top}
th{background:#f0f0f0}tr.error td:first-child{background:#ffcdd2}
tr.warning td:first-child{background:#fff3c4}tr.info td:first-child{background:#e3f2fd}
tr.ok td:first-child{background:#dcedc8}td.k{white-space:nowrap;font-weight:bold;width:12em}
code{font-family:ui-monospace,monospace;font-size:.95em}
td.crop img{max-width:28em;max-height:10em;border:1px solid #999}
"""


def _html(result: ValidationResult, data: dict, folder: Path) -> str:
    """The report as one HTML page: inline CSS, no script, nothing fetched from anywhere
    (crops of OCR'd cells embedded as data; a very large one linked relatively)."""
    e = html.escape
    notice = result.notice
    status = "pass" if result.success else "fail"
    facts = [("folder", result.folder), ("document", notice.get("doc_no")),
             ("title", notice.get("title")), ("source file", notice.get("source_file")),
             ("sha256", notice.get("source_sha256")),
             ("source format", notice.get("source_format")),
             ("profile / suite", f"{notice.get('profile') or '?'} / {result.suite}"),
             ("items", result.items),
             ("expected items", result.expected_items if result.expected_items is not None
              else "not recorded"), ("count from", result.expected_source),
             ("checks", result.summary()), ("validated at", data["validated_at"]),
             ("great_expectations", result.great_expectations_version)]
    name = Path(result.folder).name
    out = ["<!DOCTYPE html>", '<html lang="zh-CN"><head><meta charset="utf-8">',
           f"<title>Validation {e(name)}</title>",
           f"<style>{_CSS}</style></head><body>",
           f"<h1>Validation of {e(name)} "
           f'<span class="badge {status}">{"PASSED" if result.success else "FAILED"}</span></h1>',
           "<table>"]
    out += [f'<tr><td class="k">{e(k)}</td><td>{e("" if v is None else str(v))}</td></tr>'
            for k, v in facts]
    out.append("</table>")
    if result.failures:
        out.append(f"<h2>Failed checks ({len(result.failures)})</h2>")
        out.append(_html_checks(result.failures))
    if result.ocr_cells:
        out.append(f"<h2>OCR'd cells to check by eye ({len(result.ocr_cells)})</h2>")
        out.append(_html_ocr(result.ocr_cells, folder))
    if result.warnings:
        out.append(f"<h2>Warnings and notes ({len(result.warnings)})</h2><ul>")
        out += [f"<li>{e(w)}</li>" for w in result.warnings]
        out.append("</ul>")
    order = [c.table for c in result.checks]
    for table in dict.fromkeys(order):
        checks = [c for c in result.checks if c.table == table]
        passed = sum(c.success for c in checks)
        out.append(f"<h2>{e(table)}: {passed} of {len(checks)} checks passed</h2>")
        out.append(_html_checks(checks))
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def _html_ocr(cells: list[dict], folder: Path) -> str:
    """One row per flagged cell: item, column, page, confidence, what is suspect, the
    text as read, and the page image of the cell."""
    e = html.escape
    rows = ["<table><tr><th>item</th><th>column</th><th>page</th><th>confidence</th>"
            "<th>suspect characters</th><th>text as read</th><th>page image</th></tr>"]
    for cell in cells:
        conf = cell.get("conf")
        suspect = "; ".join(f"{k.replace('_chars', '')}: {cell[k]}"
                            for k in ("low_chars", "seal_chars") if cell.get(k))
        column = cell.get("field") or ""
        if cell.get("label") and cell.get("label") != column:
            column = f"{column} ({cell['label']})"
        rows.append(
            f"<tr><td>{e(str(cell.get('seq', '')))}</td><td>{e(column)}</td>"
            f"<td>{e(str(cell.get('page') if cell.get('page') is not None else ''))}</td>"
            f"<td>{'' if conf is None else f'{float(conf):.3f}'}</td><td>{e(suspect)}</td>"
            f"<td>{e(str(cell.get('text') or ''))}</td>"
            f'<td class="crop">{_crop_html(folder, cell.get("crop"))}</td></tr>')
    rows.append("</table>")
    return "\n".join(rows)


def _crop_html(folder: Path, crop) -> str:
    if not crop:
        return "no crop"
    path = _inside(folder, str(crop))
    if path is None:
        return f"missing: {html.escape(str(crop))}"
    alt = html.escape(str(crop), quote=True)
    if path.stat().st_size > MAX_EMBED_BYTES:
        href = html.escape(Path(str(crop)).as_posix(), quote=True)
        return f'<a href="{href}"><img src="{href}" alt="{alt}"></a>'
    kind = "image/png" if path.suffix.lower() == ".png" else "image/jpeg"
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return f'<img src="data:{kind};base64,{data}" alt="{alt}">'


def _table_order(name: str, tables: tuple[schema.Table, ...]) -> int:
    names = ["notice.json", *(t.name for t in tables), schema.COLUMNS.name, OCR_CELLS]
    return names.index(name) if name in names else len(names)


def _html_checks(checks: list[Check]) -> str:
    e = html.escape
    rows = ["<table><tr><th>status</th><th>column</th><th>check</th><th>found</th>"
            "<th>expected</th><th>rows</th></tr>"]
    for c in checks:
        css = "ok" if c.success and c.severity != "info" else c.severity
        status = ("info" if c.severity == "info" else "pass" if c.success
                  else "FAIL" if c.severity == "error" else c.severity)
        where = ", ".join(_row_label(r) for r in c.rows)
        if c.rows_total > len(c.rows):
            where += f" (+{c.rows_total - len(c.rows)} more)"
        rows.append(
            f'<tr class="{css}"><td>{e(status)}</td><td>{e(c.column or "")}</td>'
            f"<td><code>{e(c.check)}</code></td><td>{e(c.found)}</td><td>{e(c.expected)}</td>"
            f"<td>{e(where)}</td></tr>")
    rows.append("</table>")
    return "\n".join(rows)
