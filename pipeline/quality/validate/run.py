"""Running a suite on the derived frames: one ``Check`` per expectation, and per table
column for the ``cells`` and ``columns`` frames.

    run_suite(suites, suite, folder, derived, workers) → list of Check

Each frame is checked in one pass (pass/fail only); only an expectation that fails runs
again for its rows (full result formats cost great_expectations about twice the time).
With two workers a forked copy of this process runs about half of the frames.  A check
needing a count nobody recorded (no expected item count) passes as "info", saying so.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ... import schema
from .derive import Derived
from .frames import CELLS, COLUMNS
from .result import Check
from .rows import row_key, row_label

if TYPE_CHECKING:
    import pandas as pd

    from .folder import Folder
    from .suites import Suite, Suites

#: great-expectations severities as the report names them.
SEVERITY = {"critical": "error", "warning": "warning", "info": "info"}
#: Offending rows listed per check (the count is always given in full).
MAX_ROWS = 10
#: Offending values quoted per check, and characters quoted per value.
MAX_SAMPLES = 3
SAMPLE_CHARS = 40


@dataclass
class _RunContext:
    suites: Suites
    parameters: dict
    unknown: dict[str, str]
    wording: dict
    tables: tuple[schema.Table, ...]
    derived: Derived


def run_suite(suites: Suites, suite: Suite, folder: Folder, derived: Derived,
              workers: int | None = None) -> list[Check]:
    """Run every frame of ``suite`` that ``derived`` holds; return the checks in frame
    order.  ``workers``: processes that run the frames (default: 2 where this process
    may use two cores and one is idle)."""
    items = derived.frames.get("items")
    n_items = None if items is None else len(items)
    expected, notice_count = folder.expected_items, folder.notice_item_count
    parameters = suites.parameters(folder.frames.get(schema.COLUMNS.name))
    # A count nobody recorded is not checked: the expectation runs against the
    # table's own length (so it passes) and is reported as a note.
    unknown = {}
    parameters["expected_items"] = expected if expected is not None else n_items or 0
    if expected is None:
        unknown["expected_items"] = folder.expected_source
    parameters["notice_item_count"] = notice_count if notice_count is not None else n_items or 0
    if notice_count is None:
        unknown["notice_item_count"] = "notice.json gives no item_count"
    wording = {"expected_items": expected, "expected_source": folder.expected_source,
               "notice_item_count": notice_count}
    context = _RunContext(suites, parameters, unknown, wording, folder.tables, derived)
    names = [name for name in suite.frames if name in derived.frames]
    return _run_frames(context, suite, names, _workers() if workers is None else workers)


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
    # meta "column": the column a check on a derived one is about, as the report names it
    shown = meta["column"] if "column" in meta else ", ".join(columns) or None
    check = Check(table, str(meta.get("check", config.type)), shown,
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
        check.rows = [row_key(frame, i, keys) for i in index[:MAX_ROWS]]
        names = meta.get("labels") or None  # derived columns as the report names them
        limit = int(meta.get("quote_chars") or SAMPLE_CHARS)
        samples = [_sample(frame, i, keys, show, named, names, own=columns, limit=limit)
                   for i in index[:MAX_SAMPLES]]
        check.found = f"{total} of {res.get('element_count', len(frame))} rows"
        if samples:
            check.found += ": " + "; ".join(samples)
        if check.each_row:
            check.details = [_sample(frame, i, keys, show, named, names, own=columns,
                                     limit=limit)
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
            check.rows = [row_key(frame, i, keys) for i in index[:MAX_ROWS]]
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



def _sample(frame: pd.DataFrame, index, keys: list[str], columns: list[str],
            named: dict[str, str], names: dict[str, str] | None = None,
            own: list[str] | None = None, limit: int = SAMPLE_CHARS) -> str:
    """One offending row: its key, then its values (a pattern's match shown in context);
    ``names`` renames columns in the text (a cell's ``_value`` is shown by its column);
    an empty value of a column shown only for context (not in ``own``) is left out;
    values quoted to ``limit`` characters (an expectation's meta ``quote_chars``)."""
    import pandas as pd

    row = frame.loc[index]
    label = row_label(row_key(frame, index, keys))
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
            parts.append(f"{shown} {_quote(text, limit) if isinstance(value, str) else text}")
    return f"{label}: {', '.join(parts)}" if parts else label


def _first_match(text: str, named: dict[str, str]) -> tuple[str, str] | None:
    for name, regex in named.items():
        m = re.search(regex, text)
        if m:
            lo, hi = max(0, m.start() - 12), min(len(text), m.end() + 12)
            return name, ("…" if lo else "") + text[lo:hi] + ("…" if hi < len(text) else "")
    return None


def _quote(text: str, limit: int = SAMPLE_CHARS) -> str:
    text = text.replace("\n", "⏎")
    if len(text) > limit:
        text = text[:limit] + "…"
    return f"'{text}'"

