"""Check an extracted folder against the expectation suites and write the report.

    validate_extraction(folder, expected_items=None) → ValidationResult
    load_suites() → Suites   (imports great_expectations; built once per process)

The checks are listed once, in ``expectations/<table>.json``: great-expectations
1.x suite JSON, one suite per output table, run in an in-memory (ephemeral)
context.  Regular expressions several suites share are named in
``expectations/patterns.json`` and passed as suite parameters.

Some checks need facts a single row does not hold: does the item have a task,
which task precedes this one, which number should the next marker carry.  This
module computes those facts in pandas as derived columns whose names start
with ``_`` (documented in each suite's ``meta.description``); the suites check
them like any other column, so every check, plain or derived, is stated in the
JSON and reported the same way.

The expected item count comes from the caller or from the manifest of known
notices (``raw/notices.json``, see ``manifest``); for a notice not listed there
the count is not checked (the report says so) and ``seq`` must still run 1..N.

great_expectations takes about 2 s to import, so it is imported by
``load_suites`` only; a command that also parses a PDF may call ``load_suites``
first thing, while the parsing runs in a child process.
"""

from __future__ import annotations

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

from . import schema
from .errors import PipelineError

if TYPE_CHECKING:
    import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
#: The suites (one ``<table>.json`` per output table) and ``patterns.json``.
EXPECTATIONS_DIR = ROOT / "expectations"
PATTERNS_FILE = "patterns.json"
REPORT_JSON = "validation.json"
REPORT_HTML = "validation.html"
#: great-expectations severities as the report names them.
SEVERITY = {"critical": "error", "warning": "warning", "info": "info"}
#: Offending rows listed per check (the count is always given in full).
MAX_ROWS = 10
#: Offending values quoted per check, and characters quoted per value.
MAX_SAMPLES = 3
SAMPLE_CHARS = 40


@dataclass
class Check:
    """The outcome of one expectation (or of reading one file) on one table.

    ``rows`` holds the keys (``seq``, ``task_no`` …) of the first offending rows;
    ``rows_total`` counts them all.  ``severity`` is "error" (the folder fails),
    "warning" or "info" (reported only).
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

    def line(self) -> str:
        """One line: table, check, found vs expected, the offending rows."""
        where = f"{self.table}.{self.column}" if self.column else self.table
        text = f"{where}: {self.check}: found {self.found}; expected {self.expected}"
        if self.rows:
            labels = ", ".join(_row_label(r) for r in self.rows)
            more = self.rows_total - len(self.rows)
            text += f"; rows: {labels}" + (f" (+{more} more)" if more > 0 else "")
        return text


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
    suites: dict[str, int] = field(default_factory=dict)

    @property
    def failures(self) -> list[Check]:
        return [c for c in self.checks if not c.success and c.severity == "error"]

    def failure_lines(self) -> list[str]:
        """One line per failed check (what ``validate`` prints on stderr)."""
        return [c.line() for c in self.failures]

    def warning_lines(self) -> list[str]:
        """Warnings and notes: failed warning checks, an unrecorded item count."""
        return list(self.warnings)

    def summary(self) -> str:
        failed = len(self.failures)
        items = "?" if self.items is None else self.items
        warned = len(self.warnings)
        return (f"{items} items; {len(self.checks)} checks, {failed} failed, "
                f"{warned} warning{'' if warned == 1 else 's'}")

    def to_dict(self) -> dict:
        return {"success": self.success, "summary": self.summary(), **asdict(self)}


@dataclass
class Suites:
    """The loaded suites and what running them needs (see ``load_suites``)."""

    suites: dict[str, Any]  # table name → great_expectations ExpectationSuite
    batches: dict[str, Any]  # table name → batch definition of a whole DataFrame
    patterns: dict[str, dict[str, str]]  # parameter name → {pattern name: regex}
    counts: dict[str, tuple[int, int]]  # table name → (expectations in file, loaded)
    gx_version: str


_LOCK = threading.Lock()
_LOADED: dict[Path, Suites] = {}


def load_suites(directory: Path | None = None) -> Suites:
    """Import great_expectations and build the suites of ``directory`` (default
    ``expectations/``); cached, so later calls in the process cost nothing.

    Raises ``PipelineError`` naming the file if a suite is missing or unreadable,
    or if great_expectations does not load every expectation in it (it would
    otherwise drop the ones it cannot read, silently).
    """
    directory = Path(directory or EXPECTATIONS_DIR).resolve()
    with _LOCK:
        if directory not in _LOADED:
            _LOADED[directory] = _build_suites(directory)
        return _LOADED[directory]


def validate_extraction(folder: Path, *, expected_items: int | None = None,
                        manifest: Path | None = None,
                        expectations: Path | None = None) -> ValidationResult:
    """Run the suites on the extracted ``folder``; write validation.json and .html into it.

    In: a folder written by ``extract`` (``<table>.parquet`` per output table and
    notice.json).  ``expected_items`` overrides the manifest's count; ``manifest``
    and ``expectations`` replace ``raw/notices.json`` and ``expectations/`` (tests).
    Out: a ``ValidationResult``; a failed check does not raise.  Raises
    ``PipelineError`` only if the suites cannot be loaded or the report not written.
    """
    start = time.perf_counter()
    folder = Path(folder)
    suites = load_suites(expectations)
    frames, checks = _read_tables(folder)
    notice = _read_notice(folder, checks)
    items = frames.get("items")
    n_items = None if items is None else len(items)
    expected, source = _expected_count(notice, expected_items, manifest)
    notice_count = notice.get("item_count") if isinstance(notice.get("item_count"), int) else None
    parameters: dict[str, Any] = {
        name: list(patterns.values()) for name, patterns in suites.patterns.items()}
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
    derived = _derive(frames)
    for table in schema.VALIDATED_TABLES:
        if table.name in derived:
            checks.extend(_run_suite(suites, table, derived[table.name], parameters,
                                     unknown, wording))
    warnings = [c.line() for c in checks if not c.success and c.severity == "warning"]
    warnings += [f"{c.table}: {c.check}: {c.expected}" for c in checks if c.severity == "info"]
    result = ValidationResult(
        folder=str(folder), success=not any(
            not c.success and c.severity == "error" for c in checks),
        checks=checks, warnings=warnings, items=n_items, expected_items=expected,
        expected_source=source, elapsed_s=0.0,
        suites={name: loaded for name, (_, loaded) in suites.counts.items()})
    result.elapsed_s = round(time.perf_counter() - start, 3)
    _write_reports(folder, result, notice, suites.gx_version)
    return result


# --- loading ---------------------------------------------------------------------------

def _build_suites(directory: Path) -> Suites:
    import logging
    import warnings

    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    patterns = _read_json_file(directory / PATTERNS_FILE)
    named = {k: v for k, v in patterns.items() if isinstance(v, dict)}
    for name, group in named.items():
        for label, regex in group.items():
            try:
                re.compile(regex)
            except re.error as e:
                raise PipelineError(f"pattern {name}/{label!r} is not a regular expression: {e}",
                                    file=str(directory / PATTERNS_FILE)) from None
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    source = context.data_sources.add_pandas("extraction")
    suites, batches, counts = {}, {}, {}
    for table in schema.VALIDATED_TABLES:
        path = directory / f"{table.name}.json"
        data = _read_json_file(path)
        configs = data.get("expectations") or []
        gx_logger = logging.getLogger("great_expectations")
        level, gx_logger.level = gx_logger.level, logging.CRITICAL  # we report drops ourselves
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                suite = gx.ExpectationSuite(name=table.name, expectations=configs,
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
        suites[table.name] = context.suites.add(suite)  # gives each expectation an id
        asset = source.add_dataframe_asset(table.name)
        batches[table.name] = asset.add_batch_definition_whole_dataframe("whole")
        counts[table.name] = (len(configs), len(suite.expectations))
    return Suites(suites, batches, named, counts, gx.__version__)


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


# --- reading the folder ----------------------------------------------------------------

def _read_tables(folder: Path) -> tuple[dict[str, pd.DataFrame], list[Check]]:
    """Each table's Parquet file as a DataFrame; a failed "file" check for each missing one.

    Parquet types map to pandas extension types (int64 → Int64, string and
    large_string → string, double → Float64) whatever pandas dtype wrote them, so
    the suites' type checks see the Parquet types actually written.
    """
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    types = {pa.int64(): pd.Int64Dtype(), pa.string(): pd.StringDtype(),
             pa.large_string(): pd.StringDtype(), pa.float64(): pd.Float64Dtype(),
             pa.bool_(): pd.BooleanDtype()}
    frames, checks = {}, []
    for table in schema.VALIDATED_TABLES:
        path = folder / f"{table.name}.parquet"
        try:
            frame = pq.read_table(path).to_pandas(types_mapper=types.get)
        except FileNotFoundError:
            found = "no such file"
        except (OSError, pa.ArrowException) as e:
            found = f"an unreadable file ({e})"
        else:
            frames[table.name] = frame.reset_index(drop=True)
            continue
        checks.append(Check(table.name, "file", None, False, "error", found,
                            f"{path.name} in {folder}"))
    return frames, checks


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
    from .manifest import MANIFEST_PATH, read_manifest

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


# --- derived columns -------------------------------------------------------------------

def _derive(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Each table with the derived ``_`` columns its suite checks (see the suites' meta)."""
    import pandas as pd

    items = frames.get("items")
    seqs = set(_values(items, "seq")) - {None} if items is not None else set()
    out = {}
    if items is not None:
        out["items"] = _derive_items(items.copy(), frames)
    for name in ("tasks", "citations", "departments"):
        if name not in frames:
            continue
        df = frames[name].copy()
        seq = _values(df, "seq")
        df["_item_exists"] = pd.array([s in seqs for s in seq], dtype="boolean")
        df["_position"] = pd.array(_positions(seq), dtype="Int64")
        if name == "tasks":
            _derive_tasks(df, _cells(items, "tasks_text"))
        elif name == "citations":
            _derive_citations(df, _cells(items, "basis_text"))
        out[name] = df
    return out


def _derive_items(df: pd.DataFrame, frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    import pandas as pd

    seq = _values(df, "seq")
    df["_row_number"] = pd.array(range(1, len(df) + 1), dtype="Int64")
    for name, column in (("tasks", "_task_rows"), ("citations", "_citation_rows"),
                         ("departments", "_department_rows")):
        counts = Counter(_values(frames.get(name), "seq"))
        df[column] = pd.array([counts.get(s, 0) for s in seq], dtype="Int64")
    ends = _values(df, "page_end")
    df["_previous_page_end"] = pd.array([None, *ends[:-1]][:len(df)], dtype="Int64")
    return df


def _derive_tasks(df: pd.DataFrame, cells: dict) -> None:
    """Per task: a level-1 task above it in its item?  its expected parent?  its marker
    number and the number it should carry; the size of its numbering group.

    Level-1 numbers run 1, 2, 3 … through an item; at a section heading they may go
    on or start again at 1.  Level-2 numbers start at 1 under each level-1 task.
    After a wrong number the count follows the printed one, so a gap is reported
    once, at the task where it occurs.
    """
    import pandas as pd

    numbers = [_marker_number(m) for m in _values(df, "marker")]
    state: dict = {}
    before, parent, groups, expected = [], [], [], []
    for seq, level, task_no, section, number in zip(
            _values(df, "seq"), _values(df, "level"), _values(df, "task_no"),
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
        [_contains(cells.get(s), t)
         for s, t in zip(_values(df, "seq"), _values(df, "text"), strict=True)],
        dtype="boolean")


_ARTICLE = re.compile(r"\A第?([^第条款项]+)条")
_PARAGRAPH = re.compile(r"第([^第条款项]+)款")


def _derive_citations(df: pd.DataFrame, cells: dict) -> None:
    """Per citation: title and reference found in the cell?  the article and paragraph
    numbers the printed reference gives, and whether its numerals are valid."""
    import pandas as pd

    from .numerals import parse_numeral

    cols: dict[str, list] = {k: [] for k in (
        "_article_expected", "_article_valid", "_paragraph_expected", "_paragraph_valid",
        "_numerals_valid", "_law_in_cell", "_ref_in_cell")}
    for seq, law, ref in zip(_values(df, "seq"), _values(df, "law"),
                             _values(df, "article_ref"), strict=True):
        cell = cells.get(seq)
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


_CIRCLED = {**{chr(0x2460 + i): i + 1 for i in range(20)},
            **{chr(0x3251 + i): 21 + i for i in range(15)}}
_MARKER = re.compile(
    r"\A[（(]?\s*([0-9０-９]+|[〇零一二两三四五六七八九十百]+)\s*[）)]?\s*[.．、]?\Z")


def _marker_number(marker: str | None) -> int | None:
    """The number a list marker stands for: "3." → 3, "（2）" → 2, "④" → 4, "十一、" → 11."""
    from .numerals import parse_numeral

    if not isinstance(marker, str):
        return None
    marker = marker.strip()
    if marker in _CIRCLED:
        return _CIRCLED[marker]
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
    return [None if pd.isna(v) else (int(v) if hasattr(v, "dtype") and v.dtype.kind in "iu"
                                     else v) for v in df[column].tolist()]


def _cells(items: pd.DataFrame | None, column: str) -> dict:
    if items is None:
        return {}
    return dict(zip(_values(items, "seq"), _values(items, column), strict=True))


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

def _run_suite(suites: Suites, table: schema.Table, frame: pd.DataFrame,
               parameters: dict, unknown: dict[str, str], wording: dict) -> list[Check]:
    """Run one table's suite: a pass/fail run of all of it (cheap), then a detailed
    run of each expectation that failed, for its offending rows."""
    import warnings

    suite = suites.suites[table.name]
    batch = suites.batches[table.name].get_batch(batch_parameters={"dataframe": frame})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # GX deprecation chatter
        # Full result formats cost GX about twice the time on every expectation,
        # passing or not; only failures need them.
        quick = batch.validate(suite, expectation_parameters=parameters,
                               result_format="BOOLEAN_ONLY")
        by_id = {r.expectation_config.id: r for r in quick.results}
        for expectation in suite.expectations:
            result = by_id.get(expectation.id)
            if result is None or not result.success or _exception(result):
                by_id[expectation.id] = batch.validate(
                    expectation, expectation_parameters=parameters,
                    result_format={"result_format": "COMPLETE"})
    keys = [k for k in table.key or ("seq",) if k in frame.columns]
    checks = []
    for expectation in suite.expectations:
        check = _to_check(table.name, expectation, by_id.get(expectation.id), frame, keys,
                          suites.patterns, wording)
        needs = _parameters_of(expectation.configuration.kwargs) & set(unknown)
        if needs:
            check.success, check.severity = True, "info"
            check.expected = "; ".join(unknown[p] for p in sorted(needs))
            check.found = f"{check.found} (not checked)"
        checks.append(check)
    return checks


def _parameters_of(kwargs: dict) -> set[str]:
    return {v["$PARAMETER"] for v in kwargs.values()
            if isinstance(v, dict) and "$PARAMETER" in v}


def _to_check(table: str, expectation, result, frame: pd.DataFrame, keys: list[str],
              patterns: dict[str, dict[str, str]], wording: dict) -> Check:
    config = expectation.configuration
    kwargs, meta = config.kwargs, config.meta or {}
    columns = _columns_of(kwargs)
    severity = SEVERITY.get(str(getattr(expectation.severity, "value", expectation.severity)),
                            "error")
    expected = str(meta.get("expected", config.type)).format_map(_Wording(wording))
    check = Check(table, str(meta.get("check", config.type)), ", ".join(columns) or None,
                  False, severity, "", expected, expectation=config.type)
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
    if check.success and not res:  # a pass/fail result: nothing was found wrong
        check.found = _as_expected(config.type, frame, columns)
    elif "unexpected_index_list" in res:
        index = list(res.get("unexpected_index_list") or [])
        total = int(res.get("unexpected_count") or 0)
        check.rows_total = total
        check.rows = [_row_key(frame, i, keys) for i in index[:MAX_ROWS]]
        named = {}
        if isinstance(kwargs.get("regex_list"), dict):
            named = patterns.get(kwargs["regex_list"].get("$PARAMETER"), {})
        samples = [_sample(frame, i, keys, meta.get("show") or columns, kwargs, named)
                   for i in index[:MAX_SAMPLES]]
        check.found = f"{total} of {res.get('element_count', len(frame))} rows"
        if samples:
            check.found += ": " + "; ".join(samples)
    else:
        check.found = _observed(config.type, res)
    return check


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
    return int(value) if hasattr(value, "dtype") and value.dtype.kind in "iu" else value


def _sample(frame: pd.DataFrame, index, keys: list[str], columns: list[str], kwargs: dict,
            named: dict[str, str]) -> str:
    """One offending row: its key, then its values (a pattern's match shown in context)."""
    import pandas as pd

    row = frame.loc[index]
    label = _row_label(_row_key(frame, index, keys))
    parts = []
    for column in columns:
        if column not in frame.columns:
            continue
        value = row[column]
        if pd.isna(value):
            parts.append(f"{column} null")
            continue
        text = str(value)
        hit = _first_match(text, named) if named else None
        if hit:
            parts.append(f"{hit[0]} in {column} {_quote(hit[1])}")
        elif column in keys:
            continue  # already in the label
        else:
            parts.append(f"{column} {_quote(text) if isinstance(value, str) else text}")
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

def _write_reports(folder: Path, result: ValidationResult, notice: dict, gx_version: str) -> None:
    """validation.json and a self-contained validation.html, each written atomically."""
    data = {
        **result.to_dict(),
        "notice": {k: notice.get(k) for k in ("version", "doc_no", "title", "source_file",
                                              "source_sha256", "item_count")},
        "great_expectations_version": gx_version,
        "validated_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    _write_atomic(folder / REPORT_JSON,
                  json.dumps(data, ensure_ascii=False, indent=1, default=str) + "\n")
    _write_atomic(folder / REPORT_HTML, _html(result, data))


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
"""


def _html(result: ValidationResult, data: dict) -> str:
    """The report as one HTML page: inline CSS, no script, nothing fetched from anywhere."""
    e = html.escape
    notice = data["notice"]
    status = "pass" if result.success else "fail"
    facts = [("folder", result.folder), ("document", notice.get("doc_no")),
             ("title", notice.get("title")), ("source file", notice.get("source_file")),
             ("sha256", notice.get("source_sha256")), ("items", result.items),
             ("expected items", result.expected_items if result.expected_items is not None
              else "not recorded"), ("count from", result.expected_source),
             ("checks", result.summary()), ("validated at", data["validated_at"]),
             ("great_expectations", data["great_expectations_version"])]
    out = ["<!DOCTYPE html>", '<html lang="zh-CN"><head><meta charset="utf-8">',
           f"<title>Validation {e(Path(result.folder).name)}</title>",
           f"<style>{_CSS}</style></head><body>",
           f"<h1>Validation of {e(Path(result.folder).name)} "
           f'<span class="badge {status}">{"PASSED" if result.success else "FAILED"}</span></h1>',
           "<table>"]
    out += [f'<tr><td class="k">{e(k)}</td><td>{e("" if v is None else str(v))}</td></tr>'
            for k, v in facts]
    out.append("</table>")
    if result.failures:
        out.append(f"<h2>Failed checks ({len(result.failures)})</h2>")
        out.append(_html_checks(result.failures))
    if result.warnings:
        out.append(f"<h2>Warnings and notes ({len(result.warnings)})</h2><ul>")
        out += [f"<li>{e(w)}</li>" for w in result.warnings]
        out.append("</ul>")
    for table in sorted({c.table for c in result.checks}, key=_table_order):
        checks = [c for c in result.checks if c.table == table]
        passed = sum(c.success for c in checks)
        out.append(f"<h2>{e(table)}: {passed} of {len(checks)} checks passed</h2>")
        out.append(_html_checks(checks))
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def _table_order(name: str) -> int:
    names = [t.name for t in schema.VALIDATED_TABLES]
    return names.index(name) if name in names else -1


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
