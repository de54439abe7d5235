"""Loading the expectation suites: great_expectations, the shared patterns, one suite
per profile.

    load_suites(directory=None) → Suites   (imports great_expectations; built once per process)

A suite is a folder ``expectations/<suite>/`` (each profile names its own: ``"suite"``
in ``pipeline/profiles/<name>.json``) holding one great-expectations 1.x suite file per
frame it checks (``items.json``, ``cells.json`` …); ``expectations/common/`` adds frames
every suite checks where a folder has them (OCR'd cells, pages left unread …), unless
the suite has a file of the same name.  Regular expressions several suites share are
named in ``expectations/patterns.json`` and passed as suite parameters (``{labels}`` in
one stands for the list's own printed header labels: ``Suites.parameters``).  A regular
expression stated once in the pipeline is named in an expectation as ``{name}``
(``profiles.PATTERN_TOKENS``: ``{task_marker}``).

great_expectations takes about 2 s to import: a command that also parses a PDF calls
``load_suites`` first thing, while the parsing runs in a child process.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ...errors import PipelineError
from .rows import column_values

if TYPE_CHECKING:
    import pandas as pd

ROOT = Path(__file__).resolve().parents[3]
#: The suites (``<suite>/<frame>.json``) and ``patterns.json``.
EXPECTATIONS_DIR = ROOT / "expectations"
PATTERNS_FILE = "patterns.json"
#: Frames every suite checks where the folder has them.
COMMON_SUITE = "common"
#: Stands for the list's printed header labels in a pattern of patterns.json.
LABELS_TOKEN = "{labels}"


@dataclass
class Suite:
    """One profile's suite: a great_expectations ExpectationSuite per frame."""

    name: str
    frames: dict[str, Any]  # frame name → ExpectationSuite (common frames included)
    meta: dict[str, dict]  # frame name → the file's "meta"
    counts: dict[str, tuple[int, int]]  # frame name → (expectations in file, loaded)
    #: frame name → the columns its expectations name (derived columns not named by any
    #: are not computed)
    columns: dict[str, frozenset[str]] = field(default_factory=dict)


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

    def parameters(self, columns: pd.DataFrame | None) -> dict:
        """Suite parameters: each named pattern group as a list; ``{labels}`` filled with
        the list's printed header labels (``columns``: the folder's columns table; a
        pattern that needs them is dropped where the folder has none).  ``_named``: the
        same groups by pattern name (for the report)."""
        labels = sorted({str(x).strip() for x in column_values(columns, "label")
                         if x and str(x).strip()}, key=len, reverse=True)
        alternation = "|".join(re.escape(x) for x in labels)
        named: dict[str, dict[str, str]] = {}
        for group, entries in self.patterns.items():
            named[group] = {}
            for label, regex in entries.items():
                if LABELS_TOKEN in regex:
                    if not alternation:
                        continue
                    regex = regex.replace(LABELS_TOKEN, alternation)
                named[group][label] = regex
        # One alternation per group: great_expectations searches every cell once per
        # regex of a list, and a cell matches the alternation where it matches any.
        out: dict[str, Any] = {g: [_alternation(v.values())] for g, v in named.items()}
        out["_named"] = named
        return out


_GLOBAL_FLAGS = re.compile(r"\A\(\?([aiLmsux]+)\)")


def _alternation(regexes) -> str:
    """``regexes`` as one regex matching where any of them matches (a leading ``(?m)``
    scoped to its own branch); none: a regex that never matches."""
    branches = [_GLOBAL_FLAGS.sub(r"(?\1:", r, count=1) + ")" if _GLOBAL_FLAGS.match(r)
                else f"(?:{r})" for r in regexes]
    return "|".join(branches) or "(?!)"


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
    frames, metas, counts, columns = {}, {}, {}, {}
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
        columns[path.stem] = _named_columns(configs)
    return Suite(name, frames, metas, counts, columns)


def _named_columns(configs: list[dict]) -> frozenset[str]:
    """The columns expectations name: as checked, compared, shown or in a row condition."""
    out: set[str] = set()
    for config in configs:
        kwargs = config.get("kwargs") or {}
        meta = config.get("meta") or {}
        out.update(str(c) for c in (kwargs.get("column"), kwargs.get("column_A"),
                                    kwargs.get("column_B"), *(kwargs.get("column_list") or ()),
                                    *(meta.get("show") or ())) if c)
        stack = [kwargs.get("row_condition")]
        while stack:
            condition = stack.pop()
            if isinstance(condition, dict):
                stack.extend(condition.get("conditions") or [])
                name = (condition.get("column") or {}).get("name")
                if name:
                    out.add(str(name))
    return frozenset(out)


def _expand_tokens(value, path: Path):
    """``value`` (an expectation list, read from ``path``) with each ``{name}`` of
    ``profiles.PATTERN_TOKENS`` filled in, in every string of every ``kwargs``."""
    from ...profiles import expand_tokens

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
