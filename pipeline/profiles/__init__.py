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
table only when every required field is found in its header (and, where it
states ``requires``, every field of one of those alternatives).  Where it
states a ``glossary`` (the 权责清单 profile), every other printed column is
kept too, named in English from the glossary's words (longest match first:
办理时限 → handling_time_limit), or ``column_<n>`` where a word is unknown.
A field whose rule ``spans`` takes every adjacent column under one merged
label (实施层级及权限 over 地州市级 | 区县级).  The generic profile claims any
table with a header: each column gets a stable snake_case name (a
``vocabulary`` entry whose labels match the whole printed label, else the
label's pinyin) and a role from its label (``roles``).

What else a profile may say of its family (all optional): ``tables`` (which
schema tables its versions hold: assist, generic, power), the key kept as
printed text (``key.as_printed``), ``label_variants`` (characters replaced in
labels before matching: 的, 与/和 → 及), ``sub_items`` (an item printed over
several rows under one merged key keeps each row), ``item_start`` (the field
whose text tells that a row without a key starts an item), ``list_note`` (a
row or line after the table that is a note of the list: 备注：…), fields a
sheet name states (``from_sheet_name``) and the count it states
(``sheet_count``), ``parsers`` (the parser of a role's cells, by name),
``absent_fields`` ("null" or "empty": a known field the list does not print).

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
#: ``tables`` values: the schema families (``schema.version_tables``).
TABLE_FAMILIES = ("assist", "generic", "power")
#: A glossary's English: snake_case words.
_ENGLISH = _re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")
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
    span: int = 1  # printed columns it covers (index, index + 1, …): a merged label


@dataclass(frozen=True)
class _Rule:
    """A profile's entry for one field (specific) or one vocabulary/role entry (generic)."""

    labels: str
    field: str = ""
    role: str = "text"
    required: bool = False
    join: FieldJoin = FieldJoin()
    spans: bool = False


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
    tables: str = "assist"  # the schema family of its versions (TABLE_FAMILIES)
    key_as_printed: bool = False  # the key is the 序号 as printed (text), not its number
    requires: tuple[tuple[str, ...], ...] = ()  # one of these field sets must be found
    glossary: tuple[tuple[str, str], ...] = ()  # word → English, longest words first
    label_variants: tuple[tuple[str, str], ...] = ()
    sub_items: bool = False
    item_start: str | None = None
    list_note: str | None = None
    from_sheet_name: tuple[tuple[str, str], ...] = ()  # field → pattern (group 1)
    sheet_count: str | None = None
    parsers: tuple[tuple[str, str], ...] = ()  # role → parser name
    absent_null: bool = False  # a known field the list does not print is null (else "")

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(r.field for r in self.columns if r.required)

    @property
    def fields(self) -> tuple[str, ...]:
        """A specific profile's known fields, in the order its rules state them."""
        return tuple(r.field for r in self.columns)

    def read_header(self, labels: list[str], groups: list[int] | None = None
                    ) -> list[Column] | None:
        """The columns of a table whose header labels (one per column, "" where
        none) are ``labels``, or None if this profile does not claim the table.

        ``groups``: per column, which header cell heads it (adjacent columns under
        one merged label share it); a spanning field covers only such columns.
        ``labels=None`` entries are not allowed; a table printed without a
        header is read with ``read_headerless``.
        """
        labels = [_squash(x) for x in labels]
        if self.generic:
            return self._generic_columns(labels)
        keys = [self._label_key(x) for x in labels]
        found: dict[str, int] = {}
        for j, label in enumerate(keys):
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
            for j, label in enumerate(keys):
                if (label and j not in found.values()
                        and regex.search(f"(?:{rule.labels}){{s<=1}}", label)):
                    found[rule.field] = j
                    break
        if not all(f in found for f in self.required):
            return None
        if self.requires and not any(all(f in found for f in alt) for alt in self.requires):
            return None
        by_field = {r.field: r for r in self.columns}
        spans = self._spans(found, keys, groups)
        taken = {j for f, j in found.items() for j in range(j, j + spans.get(f, 1))}
        columns = [Column(f, self._span_label(labels, j, spans.get(f, 1)), by_field[f].role, j,
                          by_field[f].join, spans.get(f, 1)) for f, j in found.items()]
        if self.glossary:
            names = set(RESERVED_FIELDS) | set(self.fields)
            for j, label in enumerate(labels):
                if j in taken:
                    continue
                name = self._english(keys[j]) or f"column_{j + 1}"
                base, n = name, 2
                while name in names:
                    name, n = f"{base}_{n}", n + 1
                names.add(name)
                columns.append(Column(name, label, "text", j))
        return sorted(columns, key=lambda c: c.index)

    def read_headerless(self, ncols: int) -> list[Column] | None:
        """The columns of a table printed without a header row, by printed order."""
        if self.generic or ncols != len(self.printed_order):
            return None
        by_field = {r.field: r for r in self.columns}
        return [Column(f, "", by_field[f].role, j, by_field[f].join)
                for j, f in enumerate(self.printed_order)]

    def score(self, columns: list[Column], ncols: int) -> float:
        """How well a claimed table fits: share of its columns this profile names
        (its own fields; columns kept under a glossary name do not count).

        The generic profile scores 0: any specific profile that claims a table wins.
        """
        if self.generic:
            return 0.0
        known = set(self.fields)
        return sum(c.span for c in columns if c.field in known) / max(ncols, 1)

    def _label_key(self, label: str) -> str:
        """The label as matched: white space gone, ``label_variants`` replaced."""
        for old, new in self.label_variants:
            label = label.replace(old, new)
        return label

    def _spans(self, found: dict[str, int], keys: list[str],
               groups: list[int] | None) -> dict[str, int]:
        """Columns covered by each spanning field: the adjacent columns after its
        own whose labels its rule also matches (sub-labels under its merged label)
        or that are empty, under the same header cell, and no other field's."""
        out = {}
        owned = set(found.values())
        for rule in self.columns:
            if not rule.spans or rule.field not in found:
                continue
            j = found[rule.field]
            k = j + 1
            while (k < len(keys) and k not in owned and groups is not None
                   and groups[k] == groups[j]
                   and (not keys[k] or regex.search(rule.labels, keys[k]))):
                k += 1
            if k - j > 1:
                out[rule.field] = k - j
        return out

    @staticmethod
    def _span_label(labels: list[str], j: int, span: int) -> str:
        """The label of a field over ``span`` columns: theirs, once where they agree."""
        parts = list(dict.fromkeys(x for x in labels[j:j + span] if x))
        return " | ".join(parts) if parts else labels[j]

    def _english(self, label: str) -> str:
        """A snake_case English name for ``label`` from the glossary's words, longest
        first ("办理时限" → "handling_time_limit"); "" where a character is in no word
        (brackets, punctuation and 的 are skipped; Latin letters and digits kept)."""
        words: list[str] = []
        i = 0
        while i < len(label):
            for word, english in self.glossary:
                if label.startswith(word, i):
                    words.extend(english.split("_"))
                    i += len(word)
                    break
            else:
                ch = label[i]
                if ch.isascii() and ch.isalnum():
                    m = _re.match(r"[A-Za-z0-9]+", label[i:])
                    words.append(m.group().lower())
                    i += m.end()
                elif ch.isalnum():
                    return ""
                else:
                    i += 1
        name = "_".join(w for k, w in enumerate(words) if k == 0 or w != words[k - 1])
        return f"c_{name}" if name[:1].isdigit() else name

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
        generic = bool(data["generic"])
        glossary = data.get("glossary", {})
        profile = Profile(
            name=data["name"], label=data["label"], description=data.get("description", ""),
            generic=generic, key_field=data["key"]["field"],
            key_pattern=data["key"]["pattern"], suite=data["suite"],
            fill_down=MERGED_ROWS[data["merged_rows"]],
            columns=tuple(_rule(r, patterns) for r in data.get("columns", ())),
            printed_order=tuple(data.get("printed_order", ())),
            vocabulary=tuple(_rule(r, patterns) for r in data.get("vocabulary", ())),
            roles=tuple(_rule(r, patterns) for r in data.get("roles", ())),
            source=path,
            tables=data.get("tables", "generic" if generic else "assist"),
            key_as_printed=bool(data["key"].get("as_printed", False)),
            requires=tuple(tuple(alt) for alt in data.get("requires", ())),
            glossary=tuple(sorted(glossary.items(), key=lambda kv: -len(kv[0]))),
            label_variants=tuple(data.get("label_variants", {}).items()),
            sub_items=bool(data.get("sub_items", False)),
            item_start=data.get("item_start"),
            list_note=patterns.get(data.get("list_note"), data.get("list_note")),
            from_sheet_name=tuple(data.get("from_sheet_name", {}).items()),
            sheet_count=data.get("sheet_count"),
            parsers=tuple(data.get("parsers", {}).items()),
            absent_null=data.get("absent_fields", "empty") == "null")
        for rule in (*profile.columns, *profile.vocabulary, *profile.roles):
            regex.compile(rule.labels)
            if rule.join.breaks_before:
                regex.compile(rule.join.breaks_before)
            if rule.role not in ROLES:
                raise ValueError(f"role {rule.role!r} is not one of {', '.join(ROLES)}")
        regex.compile(profile.key_pattern)
        _check_family(profile, data)
    except (OSError, ValueError, KeyError, TypeError, regex.error) as e:
        what = f"missing key {e}" if isinstance(e, KeyError) else str(e)
        raise PipelineError(f"not a valid list profile: {what}", file=str(path)) from None
    return profile


def _check_family(profile: Profile, data: dict) -> None:
    """The optional keys (module docstring) name what exists; raise ``ValueError``."""
    if profile.tables not in TABLE_FAMILIES:
        raise ValueError(f"tables {profile.tables!r} is not one of {', '.join(TABLE_FAMILIES)}")
    if data.get("absent_fields", "empty") not in ("empty", "null"):
        raise ValueError("absent_fields must be \"empty\" or \"null\"")
    known = set(profile.fields)
    named = [f for alt in profile.requires for f in alt]
    named += [f for f, _ in profile.from_sheet_name]
    named += [profile.item_start] if profile.item_start else []
    unknown = [f for f in named if f not in known]
    if unknown:
        raise ValueError(f"names fields it has no column rule for: {', '.join(unknown)}")
    for role, parser in profile.parsers:
        if role not in PARSED_ROLES or not isinstance(parser, str):
            raise ValueError(f"parsers: {role!r} is not one of {', '.join(PARSED_ROLES)}")
    for word, english in profile.glossary:
        if not word or not isinstance(english, str) or not _ENGLISH.fullmatch(english):
            raise ValueError(f"glossary: {word!r} → {english!r} is not snake_case English")
    for pattern in (profile.list_note, profile.sheet_count,
                    *(p for _, p in profile.from_sheet_name)):
        if pattern is not None:
            regex.compile(pattern)


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
                 spans=bool(data.get("spans", False)),
                 join=FieldJoin(breaks_before=patterns.get(breaks, breaks),
                                paragraphs=bool(join.get("paragraphs", True)),
                                remove_spaces=bool(join.get("remove_spaces", False))))


def _squash(text: str) -> str:
    return _re.sub(r"\s+", "", text or "")
