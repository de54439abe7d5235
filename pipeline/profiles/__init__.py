"""List families as data: one JSON file per profile in this folder.

    load_profiles() → {name: Profile}, specific profiles first, the generic one last
    expand_tokens(pattern) → the pattern with ``{task_marker}`` (``PATTERN_TOKENS``) filled in

A profile says how the table of one family of lists is read: which printed
header labels map to which field, which fields are required for a table to be
that list, how each field's lines are joined (``FieldJoin``) and what it is
parsed into (its role: ``key``, ``text``, ``tasks``, ``citations``,
``departments``), how the item key (序号) is printed, what to do with cells
merged over several rows, and which validation suite checks the result.

A specific profile (``"generic": false``) names its fields and claims a
table only when every required field is found in its header.  The generic
profile claims any table with a header: each column gets a stable snake_case
name (a ``vocabulary`` entry whose labels match the whole printed label,
else the label's pinyin) and a role from its label (``roles``).

Patterns are written for the ``regex`` package, so ``\\p{Han}`` and the like
are available to profiles.  Labels are matched with white space removed.  A
pattern stated once in the pipeline is named in a profile's ``patterns`` as
``{name}`` (``PATTERN_TOKENS``: ``{task_marker}``, the task markers the tasks
parser knows), so that the profile and the parser cannot disagree.
"""

from __future__ import annotations

import json
import re as _re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import regex

from ..errors import PipelineError
from ..text.markers import TASK_MARKER

PROFILE_DIR = Path(__file__).resolve().parent
#: What ``--profile`` takes besides a profile name.
AUTO = "auto"
#: Roles a column may have; the last three are parsed into tables of those names.
ROLES = ("key", "text", "tasks", "citations", "departments")
PARSED_ROLES = ("tasks", "citations", "departments")
#: Field names the pipeline adds to every items row; a printed column never takes them.
RESERVED_FIELDS = frozenset({"page_start", "page_end", "ocr_min_conf"})
#: ``merged_rows`` values: how cells merged over several rows are read.
MERGED_ROWS = {"fill down": True, "one item per key cell": False}
#: Patterns stated once in the pipeline that profiles (and expectation suites, see
#: ``validate``) name as ``{name}`` inside their own regular expressions.
PATTERN_TOKENS = {"{task_marker}": TASK_MARKER}
# A name in braces, not a property (\p{Han}) nor a quantifier ({1,2}).
_TOKEN = _re.compile(r"(?<!\\[pPN])\{[A-Za-z_]\w*\}")


@dataclass(frozen=True)
class FieldJoin:
    """How the printed lines of one cell are joined into its text.

    ``breaks_before``: a line starting with this pattern keeps its line break
    (a new sub-item or citation starts there).  ``paragraphs``: keep a break
    after a line that ends short of the cell's text edge with a sentence-final
    mark (a paragraph end).  ``remove_spaces``: drop all white space (names
    in narrow columns wrap anywhere).
    """

    breaks_before: str | None = None
    paragraphs: bool = True
    remove_spaces: bool = False


@dataclass(frozen=True)
class Column:
    """One printed column of a list table as a profile reads it."""

    field: str  # snake_case name in ``items``
    label: str  # the printed header label ("" where none is printed)
    role: str  # one of ROLES
    index: int  # 0-based column of the printed table
    join: FieldJoin = FieldJoin()


@dataclass(frozen=True)
class _Rule:
    """A profile's entry for one field (specific) or one vocabulary/role entry (generic)."""

    labels: str
    field: str = ""
    role: str = "text"
    required: bool = False
    join: FieldJoin = FieldJoin()


@dataclass(frozen=True)
class Profile:
    """One list family (see the module docstring); built from ``<name>.json``."""

    name: str
    label: str
    description: str
    generic: bool
    key_field: str
    key_pattern: str
    suite: str
    fill_down: bool  # cells merged over rows fill every row (else: one item per key cell)
    columns: tuple[_Rule, ...] = ()  # specific: one per field, in the order tried
    printed_order: tuple[str, ...] = ()  # specific: the order of a table with no header row
    vocabulary: tuple[_Rule, ...] = ()  # generic: whole label → field name
    roles: tuple[_Rule, ...] = ()  # generic: label contains → role and join
    source: Path = field(default=PROFILE_DIR)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(r.field for r in self.columns if r.required)

    def read_header(self, labels: list[str]) -> list[Column] | None:
        """The columns of a table whose header labels (one per column, "" where
        none) are ``labels``, or None if this profile does not claim the table.

        ``labels=None`` entries are not allowed; a table printed without a
        header is read with ``read_headerless``.
        """
        labels = [_squash(x) for x in labels]
        if self.generic:
            return self._generic_columns(labels)
        found: dict[str, int] = {}
        for j, label in enumerate(labels):
            if not label:
                continue
            for rule in self.columns:
                if rule.field not in found and regex.search(rule.labels, label):
                    found[rule.field] = j
                    break
        missing = [f for f in self.required if f not in found]
        if len(missing) == 1:
            # One label read with one character wrong (an OCR slip, "依椐" for 依据) still
            # names its column, when it is the only one missing and no other field took it.
            rule = next(r for r in self.columns if r.field == missing[0])
            for j, label in enumerate(labels):
                if (label and j not in found.values()
                        and regex.search(f"(?:{rule.labels}){{s<=1}}", label)):
                    found[rule.field] = j
                    break
        if not all(f in found for f in self.required):
            return None
        by_field = {r.field: r for r in self.columns}
        return sorted((Column(f, labels[j], by_field[f].role, j, by_field[f].join)
                       for f, j in found.items()), key=lambda c: c.index)

    def read_headerless(self, ncols: int) -> list[Column] | None:
        """The columns of a table printed without a header row, by printed order."""
        if self.generic or ncols != len(self.printed_order):
            return None
        by_field = {r.field: r for r in self.columns}
        return [Column(f, "", by_field[f].role, j, by_field[f].join)
                for j, f in enumerate(self.printed_order)]

    def score(self, columns: list[Column], ncols: int) -> float:
        """How well a claimed table fits: share of its columns this profile names.

        The generic profile scores 0: any specific profile that claims a table wins.
        """
        return 0.0 if self.generic else len(columns) / max(ncols, 1)

    def _generic_columns(self, labels: list[str]) -> list[Column] | None:
        if sum(1 for x in labels if x) < 2:
            return None
        taken: set[str] = set(RESERVED_FIELDS)
        out = []
        for j, label in enumerate(labels):
            name = self._name_of(label) or f"column_{j + 1}"
            role = "text"
            join = FieldJoin()
            for rule in self.roles:
                if label and regex.search(rule.labels, label):
                    role, join = rule.role, rule.join
                    break
            if role == "key":
                if self.key_field in taken:
                    role = "text"
                else:
                    name = self.key_field
            elif name == self.key_field:
                name = f"{name}_text"
            base, n = name, 2
            while name in taken:
                name, n = f"{base}_{n}", n + 1
            taken.add(name)
            out.append(Column(name, label, role, j, join))
        return out

    def _name_of(self, label: str) -> str:
        """A stable snake_case name for a printed label ("" for no label)."""
        if not label:
            return ""
        for rule in self.vocabulary:
            if regex.fullmatch(rule.labels, label):
                return rule.field
        return _snake_case(label)


def _snake_case(label: str) -> str:
    """An ASCII snake_case name for a printed label: Latin words as they are,
    Chinese characters as toneless pinyin ("行业大类代码" → "hang_ye_da_lei_dai_ma")."""
    from pypinyin import lazy_pinyin

    words = []
    for part in lazy_pinyin(label, errors=lambda s: list(s)):
        words.extend(w.lower() for w in _re.findall(r"[A-Za-z0-9]+", part))
    name = "_".join(words)
    if name and name[0].isdigit():
        name = f"c_{name}"
    return name


@cache
def load_profiles(directory: Path = PROFILE_DIR) -> dict[str, Profile]:
    """Every profile in ``directory`` by name: specific ones first (file name
    order), generic ones last.  Raises ``PipelineError`` naming a file that is
    not a valid profile (the message says which key is wrong)."""
    profiles = [_load(path) for path in sorted(Path(directory).glob("*.json"))]
    profiles.sort(key=lambda p: p.generic)
    return {p.name: p for p in profiles}


def _load(path: Path) -> Profile:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        patterns = {name: expand_tokens(rx) for name, rx in data.get("patterns", {}).items()}
        if data["merged_rows"] not in MERGED_ROWS:
            raise ValueError(f"merged_rows {data['merged_rows']!r} is not one of "
                             f"{', '.join(map(repr, MERGED_ROWS))}")
        profile = Profile(
            name=data["name"], label=data["label"], description=data.get("description", ""),
            generic=bool(data["generic"]), key_field=data["key"]["field"],
            key_pattern=data["key"]["pattern"], suite=data["suite"],
            fill_down=MERGED_ROWS[data["merged_rows"]],
            columns=tuple(_rule(r, patterns) for r in data.get("columns", ())),
            printed_order=tuple(data.get("printed_order", ())),
            vocabulary=tuple(_rule(r, patterns) for r in data.get("vocabulary", ())),
            roles=tuple(_rule(r, patterns) for r in data.get("roles", ())),
            source=path)
        for rule in (*profile.columns, *profile.vocabulary, *profile.roles):
            regex.compile(rule.labels)
            if rule.join.breaks_before:
                regex.compile(rule.join.breaks_before)
            if rule.role not in ROLES:
                raise ValueError(f"role {rule.role!r} is not one of {', '.join(ROLES)}")
        regex.compile(profile.key_pattern)
    except (OSError, ValueError, KeyError, TypeError, regex.error) as e:
        what = f"missing key {e}" if isinstance(e, KeyError) else str(e)
        raise PipelineError(f"not a valid list profile: {what}", file=str(path)) from None
    return profile


def expand_tokens(pattern: str) -> str:
    """``pattern`` with each ``{name}`` of ``PATTERN_TOKENS`` replaced by its regular
    expression.  Raises ``ValueError`` for a ``{name}`` that is not one of them (a
    quantifier such as ``{1,2}`` is not a name)."""
    if not isinstance(pattern, str):
        raise ValueError(f"pattern {pattern!r} is not a string")
    for token, rx in PATTERN_TOKENS.items():
        pattern = pattern.replace(token, rx)
    unknown = _TOKEN.search(pattern)
    if unknown:
        raise ValueError(f"pattern names {unknown.group()}, not one of "
                         f"{', '.join(PATTERN_TOKENS)}")
    return pattern


def _rule(data: dict, patterns: dict[str, str]) -> _Rule:
    join = data.get("join", {})
    breaks = join.get("breaks_before")
    return _Rule(labels=data["labels"], field=data.get("field", ""), role=data.get("role", "text"),
                 required=bool(data.get("required", False)),
                 join=FieldJoin(breaks_before=patterns.get(breaks, breaks),
                                paragraphs=bool(join.get("paragraphs", True)),
                                remove_spaces=bool(join.get("remove_spaces", False))))


def _squash(text: str) -> str:
    return _re.sub(r"\s+", "", text or "")
