"""Compare two extracted versions of a list: which items were added, removed,
changed or only renumbered, and what changed inside their tasks, citations
and departments.

Items are matched without trusting 序号 (revisions insert, remove, split,
merge and reorder items):

1. items with the same name (white space removed) are paired; where a name
   occurs more than once, the best-scoring candidates within the name win;
2. the remaining items are paired by a similarity that combines name,
   content, tasks, citations (law + article) and departments — one field
   alone is not enough in Chinese, where 食品生产许可 and 食品经营许可 differ by
   one character — best score first, and only at or above
   ``MatchSettings.min_score``: an item is left unpaired rather than paired
   wrongly;
3. what is still unpaired is paired where one item's content and tasks lie
   mostly inside the other's (``MatchSettings.min_containment``) and the
   score reaches ``min_split_score``: an item split in two, or two merged
   into one, when no part is similar enough as a whole;
4. an unpaired new item whose text lies mostly inside a paired old item is
   recorded as split from it (``relation="split"``); an unpaired old item
   whose text lies mostly inside a paired new item as merged into it
   (``relation="merged"``).  In ``changes`` these stay ``added`` and
   ``removed`` (the contract's four kinds); ``matches`` and the report say
   where they came from or went.

The rows of a list read by the generic profile are paired by ``_match_rows``
(equal cells, a code column, similarity; 序号 only breaks ties), and so are the
items of a 权责清单 (profile power), keyed by their ``row`` (the item's position
in the list: its printed 序号 is text and restarts on each sheet).

Every decision is kept with its score in ``Diff.pairs`` (written as the
``matches`` table).  Text fields are compared with white space removed: line
wrapping is not a change.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline import schema
from pipeline.errors import InputError

if TYPE_CHECKING:  # pandas is imported lazily
    import pandas as pd


@dataclass(frozen=True)
class MatchSettings:
    """How items and their sub-items are matched between two versions.

    ``weights``: share of each component in an item pair's score (components
    empty on both sides are left out and the rest re-weighted).
    ``min_score``: a pair found by similarity needs at least this score.
    ``min_containment``: share of an unpaired item's content and tasks text
    (character bigrams) found in a paired item on the other side for it to
    count as split from / merged into that item.  ``min_split_score``: the
    pair's own score must reach this too (a split-off half keeps some of the
    name, citations or departments; shared boilerplate alone does not).
    ``min_task_similarity``: two sub-items (tasks) of a matched item pair are
    "the same task, edited" at or above this similarity, else one is removed
    and the other added.  ``fold_width``: treat full-width ASCII variants
    (ＡＢ１２（）) as their ASCII forms when comparing (off: text is kept as
    printed, a printed change is a change).
    """

    weights: tuple[tuple[str, float], ...] = (
        ("name", 0.20), ("content", 0.30), ("tasks", 0.30),
        ("citations", 0.10), ("departments", 0.10))
    # On the 2021 list, two different items score at most 0.41 (租赁房屋 vs
    # 暂住人口 治安管理: same department, same boilerplate); a renamed item with
    # its content kept scores at least 0.8.
    min_score: float = 0.55
    min_containment: float = 0.70
    min_split_score: float = 0.35
    min_task_similarity: float = 0.50
    fold_width: bool = False


DEFAULT_MATCH = MatchSettings()

#: Components of an item pair's score, in report order.
COMPONENTS: tuple[str, ...] = ("name", "content", "tasks", "citations", "departments")
#: The sub-tables compared at their own level, with the items field each details.
DETAIL_FIELDS: dict[str, str] = {
    "tasks": "tasks_text", "citations": "basis_text", "departments": "department_text"}

def _frame(table: str, rows: Iterable[dict]) -> pd.DataFrame:
    return schema.TABLES[table].frame(rows)


@dataclass
class Version:
    """One extracted folder as the diff sees it.

    ``rows`` holds each table's rows as dicts (nulls as None), keyed by
    table name; ``validation`` is validation.json's content, or None if absent.
    """

    path: Path
    label: str
    notice: dict
    validation: dict | None
    rows: dict[str, list[dict]]
    generic: bool = False  # read by the generic profile: columns are the list's own
    columns: list[dict] = field(default_factory=list)  # the ``columns`` table's rows
    family: str = "assist"  # the profile's tables (``Profile.tables``): assist, generic, power

    def item(self, seq: int) -> dict:
        """The items row with 序号 ``seq``."""
        if not hasattr(self, "_by_seq"):
            self._by_seq = {r["seq"]: r for r in self.rows["items"]}
        return self._by_seq[seq]

    @property
    def fields(self) -> list[str]:
        """The text fields compared, in printed order."""
        if not self.generic:
            return list(schema.TEXT_FIELDS)
        return [c["field"] for c in sorted(self.columns, key=lambda c: c["position"])
                if c["role"] != "key"]

    @property
    def labels(self) -> dict[str, str]:
        """field → its printed (or schema) label."""
        if not self.generic:
            return {f: schema.ITEMS.column(f).label for f in schema.TEXT_FIELDS}
        return {c["field"]: c["label"] or c["field"] for c in self.columns}

    @property
    def keyed(self) -> bool:
        """Whether the list prints a 序号 (a key), so rows are paired by it."""
        return not self.generic or any(c["role"] == "key" for c in self.columns)

    @property
    def parsed_fields(self) -> list[tuple[str, str]]:
        """(parsed table, the items field it details), e.g. ("citations", "basis_text")."""
        if not self.generic:
            return list(DETAIL_FIELDS.items())
        return [(c["role"], c["field"]) for c in self.columns
                if c["role"] in schema.PARSED_TABLES]

    def title(self, seq: int) -> str:
        """How an item is named in a report: its name, or a generic row's cells."""
        it = self.item(seq)
        if not self.generic:
            return str(it["name"])
        return " · ".join(str(it[f]) for f in self.fields if it.get(f))


@dataclass(frozen=True)
class Pair:
    """One matching decision.

    ``relation``: ``same`` (paired: one item in both versions, perhaps
    renamed or renumbered), ``split`` (a new item split off the paired old
    item ``old_seq``), ``merged`` (the old item merged into the paired new
    item ``new_seq``), ``removed`` or ``added`` (unpaired; ``candidate_seq``
    is the best-scoring item on the other side, ``score`` its score).
    ``method``: ``name`` (same name), ``similarity``, ``containment``; for the
    rows of a generic list (``_match_rows``) ``content`` (same cells),
    ``column FIELD`` (same code in an identifying column), ``similarity`` or
    ``key`` (same 序号, a last resort); None where unpaired.
    """

    old_seq: int | None
    new_seq: int | None
    relation: str
    method: str | None
    score: float | None
    parts: dict[str, float | None] = field(default_factory=dict)
    candidate_seq: int | None = None


@dataclass
class Diff:
    """What changed from ``old`` to ``new``.

    ``pairs``: every matching decision (``Pair``); ``changes``: the contract's
    ``changes`` table; ``detail_changes``: one row per task, citation or
    department added, removed or edited inside a paired item.
    """

    old: Version
    new: Version
    pairs: list[Pair]
    changes: pd.DataFrame
    detail_changes: pd.DataFrame
    settings: MatchSettings = DEFAULT_MATCH
    #: How a generic list's rows were matched, for the report ("identifying
    #: column: …", similarity pairing skipped for too many rows).
    notes: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """Items added, removed, changed (items, not field rows) and renumbered."""
        c = self.changes
        changed = c[c["change"] == "changed"]
        return {
            "added": int((c["change"] == "added").sum()),
            "removed": int((c["change"] == "removed").sum()),
            "changed": len(set(zip(changed["old_seq"], changed["new_seq"], strict=True))),
            "renumbered": int((c["change"] == "renumbered").sum()),
        }

    def summary(self) -> str:
        """One line: "1 added, 1 removed, 6 changed, 12 renumbered"."""
        return ", ".join(f"{n} {k}" for k, n in self.counts().items())

    def matches(self) -> pd.DataFrame:
        """``pairs`` as the ``matches`` table."""
        return _frame("matches", (
            {"old_seq": p.old_seq, "new_seq": p.new_seq, "relation": p.relation,
             "method": p.method, "score": p.score, "candidate_seq": p.candidate_seq,
             **{f"{k}_score": v for k, v in p.parts.items()}} for p in self.pairs))

    def tables(self) -> dict[str, pd.DataFrame]:
        """The tables of a diff folder, by name, in the order they are written."""
        return {"changes": self.changes, "detail_changes": self.detail_changes,
                "matches": self.matches()}


def diff_versions(old: Path, new: Path, *, settings: MatchSettings = DEFAULT_MATCH) -> Diff:
    """Compare two extracted folders (``NAME.parquet`` + ``notice.json``).

    Returns a ``Diff``; raises ``InputError`` when a folder is not an
    extraction.  Missing ``tasks``/``citations``/``departments`` tables are
    derived from the items cells (one task per line, one citation per 《…》
    line, departments split at 、), so the diff still works on a folder
    written before those tables existed.
    """
    a, b = _load(Path(old)), _load(Path(new))
    if a.family != b.family:
        raise InputError(
            f"the two versions were read by different list profiles ({a.notice.get('profile')} "
            f"and {b.notice.get('profile')}): they are not versions of one list",
            file=f"{a.path} / {b.path}",
            hint="extract both with the same --profile")
    notes: list[str] = []
    if a.generic:
        pairs, notes = _match_rows(a, b, settings)
    else:
        pairs = _match(_profiles(a, settings), _profiles(b, settings), settings)
    changes, details = _compare(a, b, pairs, settings)
    return Diff(a, b, pairs, _frame("changes", changes), _frame("detail_changes", details),
                settings, notes)


# --------------------------------------------------------------------- loading

def _load(path: Path) -> Version:
    import pandas as pd

    if not path.is_dir():
        raise InputError("not a folder", file=str(path),
                         hint="pass an extracted version folder (or a PDF to the CLI)")
    items_file = path / "items.parquet"
    if not items_file.is_file():
        raise InputError("no items.parquet: not an extracted version folder", file=str(path),
                         hint="run `python -m pipeline extract PDF --out DIR` first")
    notice = _read_json(path / "notice.json") or {}
    family, columns = _profile_of(path, notice)
    generic = family != "assist"  # (power lists are compared as the generic ones)
    rows: dict[str, list[dict]] = {}
    for table in schema.version_tables(family, columns):
        f = path / f"{table.name}.parquet"
        if not f.is_file():
            continue
        try:
            df = pd.read_parquet(f)
        except Exception as exc:  # pyarrow raises several unrelated types
            raise InputError(f"cannot read {f.name}: {exc}", file=str(path)) from exc
        missing = [c for c in table.column_names if c not in df.columns
                   and not table.column(c).nullable]
        if missing:
            raise InputError(f"{f.name} lacks columns {missing}", file=str(path),
                             hint="re-extract with this pipeline version")
        df = df[[c for c in table.column_names if c in df.columns]]
        rows[table.name] = df.astype(object).where(df.notna(), None).to_dict("records")
    if family == "power":  # keyed by (sheet, row): the row is the item's number here
        for name in ("items", *schema.PARSED_TABLES):
            for r in rows.get(name, ()):
                r["seq"] = r["row"]
                if "law_note" in r:
                    r["note"] = r["law_note"]
    seqs = [r["seq"] for r in rows["items"]]
    if any(s is None for s in seqs) or len(set(seqs)) != len(seqs):
        dup = sorted({s for s in seqs if s is not None and seqs.count(s) > 1})
        raise InputError(f"items.seq must be unique and non-null (duplicates: {dup})",
                         file=str(path), column="seq",
                         hint="validate the folder: `python -m pipeline validate DIR`")
    version = Version(path, "", notice, None, rows, generic, columns, family)
    for r in rows["items"]:
        for f in version.fields:
            r[f] = r.get(f) or ""
    if generic:
        for t in schema.PARSED_TABLES:
            rows.setdefault(t, [])
    else:
        _derive_missing(rows)
    version.validation = _read_json(path / "validation.json")
    version.label = str(notice.get("doc_no") or notice.get("version") or path.name)
    return version


def _profile_of(path: Path, notice: dict) -> tuple[str, list[dict]]:
    """The family of the folder's tables (assist, generic, power), and its ``columns``
    rows (if written)."""
    import pandas as pd

    from ..profiles import load_profiles

    profile = load_profiles().get(notice.get("profile") or "")
    family = profile.tables if profile is not None else "assist"
    f = path / "columns.parquet"
    if not f.is_file():
        if family != "assist":
            raise InputError(f"no columns.parquet: a {family} list's folder must have one",
                             file=str(path), hint="re-extract with this pipeline version")
        return family, []
    try:
        df = pd.read_parquet(f)
    except Exception as exc:  # pyarrow raises several unrelated types
        raise InputError(f"cannot read {f.name}: {exc}", file=str(path)) from exc
    return family, df.astype(object).where(df.notna(), None).to_dict("records")


def _read_json(path: Path) -> dict | None:
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read {path.name}: {exc}", file=str(path.parent)) from exc
    return data if isinstance(data, dict) else None


_LAW = re.compile(r"《(?P<law>[^》]*)》(?:[（(](?P<note>[^）)]*)[）)])?(?P<refs>[^《]*)")


def _derive_missing(rows: dict[str, list[dict]]) -> None:
    """Fill absent sub-tables from the items cells (a coarse stand-in)."""
    items = rows["items"]
    if "tasks" not in rows:
        rows["tasks"] = [{"seq": it["seq"], "task_no": n, "level": 1, "section": None,
                          "marker": None, "text": line}
                         for it in items
                         for n, line in enumerate(_lines(it["tasks_text"]), 1)]
    if "citations" not in rows:
        rows["citations"] = []
        for it in items:
            n = 0
            for m in _LAW.finditer(it["basis_text"]):
                refs = [r for r in re.split(r"[、，,\s]+", m["refs"]) if r] or [None]
                for ref in refs:
                    n += 1
                    rows["citations"].append({"seq": it["seq"], "citation_no": n,
                                              "law": m["law"], "note": m["note"],
                                              "article_ref": ref})
    if "departments" not in rows:
        rows["departments"] = [{"seq": it["seq"], "department_no": n, "department": d}
                               for it in items
                               for n, d in enumerate(
                                   (d for d in re.split(r"[、，,]", _squash(
                                       it["department_text"])) if d), 1)]


def _lines(text: str) -> list[str]:
    return [s for s in (_squash(x) for x in text.splitlines()) if s]


# ------------------------------------------------------------ normalisation

_SPACE = re.compile(r"\s+")
_WIDE = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}


def _squash(text: Any, settings: MatchSettings = DEFAULT_MATCH) -> str:
    """Text with all white space removed (and widths folded if so set)."""
    s = _SPACE.sub("", "" if text is None else str(text))
    return s.translate(_WIDE) if settings.fold_width else s


def _bigrams(text: str) -> Counter:
    if len(text) < 2:
        return Counter(text)
    return Counter(text[i:i + 2] for i in range(len(text) - 1))


def _dice(a: Counter, b: Counter) -> float | None:
    """Multiset Dice coefficient of two bigram bags; None when both are empty."""
    na, nb = a.total(), b.total()
    if not na and not nb:
        return None
    return 2 * _overlap(a, b) / (na + nb)


def _overlap(a: Counter, b: Counter) -> int:
    """Size of the multiset intersection (without building it)."""
    if len(a) > len(b):
        a, b = b, a
    return sum(min(n, b[k]) for k, n in a.items() if k in b)


def _jaccard(a: set, b: set) -> float | None:
    if not a and not b:
        return None
    return len(a & b) / len(a | b)


@dataclass
class _Profile:
    """What the matcher compares of one item."""

    seq: int
    pos: int
    name: str
    bags: dict[str, Counter]
    laws: set
    articles: set
    departments: set
    text: Counter = field(default_factory=Counter)  # content + tasks, for containment


def _profiles(v: Version, s: MatchSettings) -> list[_Profile]:
    by_seq: dict[str, dict[int, list[dict]]] = {}
    for t in ("tasks", "citations", "departments"):
        by_seq[t] = {}
        for r in v.rows[t]:
            by_seq[t].setdefault(r["seq"], []).append(r)
    out = []
    for pos, it in enumerate(v.rows["items"]):
        seq = it["seq"]
        tasks = by_seq["tasks"].get(seq, [])
        # Bigrams per task text, so that no bigram spans two sub-items.
        task_bag: Counter = Counter()
        for t in tasks:
            task_bag.update(_bigrams(_squash(t["text"], s)))
        if not tasks:
            task_bag = _bigrams(_squash(it["tasks_text"], s))
        cits = by_seq["citations"].get(seq, [])
        content_bag = _bigrams(_squash(it["content"], s))
        out.append(_Profile(
            seq=seq, pos=pos, name=_squash(it["name"], s),
            bags={"name": _bigrams(_squash(it["name"], s)), "content": content_bag,
                  "tasks": task_bag},
            text=content_bag + task_bag,
            laws={_squash(c["law"], s) for c in cits},
            articles={_citation_key(c, s) for c in cits},
            departments={_squash(d["department"], s)
                         for d in by_seq["departments"].get(seq, [])},
        ))
    return out


def _citation_key(c: dict, s: MatchSettings = DEFAULT_MATCH) -> tuple[str, str]:
    return _squash(c["law"], s), _squash(c.get("article_ref"), s)


# ----------------------------------------------------------------- matching

def _parts(a: _Profile, b: _Profile) -> dict[str, float | None]:
    laws, arts = _jaccard(a.laws, b.laws), _jaccard(a.articles, b.articles)
    return {
        "name": _dice(a.bags["name"], b.bags["name"]),
        "content": _dice(a.bags["content"], b.bags["content"]),
        "tasks": _dice(a.bags["tasks"], b.bags["tasks"]),
        # Same law, other article: half credit; same law and article: full.
        "citations": None if laws is None else (laws + (arts or 0.0)) / 2,
        "departments": _jaccard(a.departments, b.departments),
    }


def _score(parts: dict[str, float | None], s: MatchSettings) -> float:
    got = [(w, parts[k]) for k, w in s.weights if parts.get(k) is not None]
    total = sum(w for w, _ in got)
    return round(sum(w * v for w, v in got) / total, 4) if total else 0.0


def _round(parts: dict[str, float | None]) -> dict[str, float | None]:
    return {k: None if parts.get(k) is None else round(parts[k], 4) for k in COMPONENTS}


def _containment(part: _Profile, whole: _Profile) -> float:
    """Share of ``part``'s content+tasks bigrams found in ``whole``."""
    n = part.text.total()
    return _overlap(part.text, whole.text) / n if n else 0.0


class _Scores:
    """Pair scores, computed when first asked for (most items pair by name,
    so most of the n×m pairs are never scored)."""

    def __init__(self, old: list[_Profile], new: list[_Profile], s: MatchSettings):
        self.old = {p.seq: p for p in old}
        self.new = {p.seq: p for p in new}
        self.settings = s
        self._parts: dict[tuple[int, int], dict[str, float | None]] = {}

    def parts(self, k: tuple[int, int]) -> dict[str, float | None]:
        if k not in self._parts:
            self._parts[k] = _parts(self.old[k[0]], self.new[k[1]])
        return self._parts[k]

    def __getitem__(self, k: tuple[int, int]) -> float:
        return _score(self.parts(k), self.settings)


def _match(old: list[_Profile], new: list[_Profile], s: MatchSettings) -> list[Pair]:
    score = _Scores(old, new, s)
    pos_a = {p.seq: p.pos / max(len(old), 1) for p in old}
    pos_b = {p.seq: p.pos / max(len(new), 1) for p in new}

    def order(k: tuple[int, int]) -> tuple:
        # Best score first; on a tie, the pair closest in relative position.
        return (-score[k], abs(pos_a[k[0]] - pos_b[k[1]]), k)

    paired: dict[int, tuple[int, str]] = {}  # old seq -> (new seq, method)
    taken: set[int] = set()

    def pick(candidates: list[tuple[int, int]], method: str) -> None:
        for k in sorted(candidates, key=order):
            if k[0] not in paired and k[1] not in taken:
                paired[k[0]] = (k[1], method)
                taken.add(k[1])

    def free() -> list[tuple[int, int]]:
        return [(a.seq, b.seq) for a in old if a.seq not in paired
                for b in new if b.seq not in taken]

    by_name: dict[str, list[int]] = {}
    for b in new:
        by_name.setdefault(b.name, []).append(b.seq)
    pick([(a.seq, bs) for a in old for bs in by_name.get(a.name, [])], "name")
    pick([k for k in free() if score[k] >= s.min_score], "similarity")
    # An item split in two (or two merged into one) where no part is similar
    # enough as a whole: one part lies inside the other item.
    pick([k for k in free() if score[k] >= s.min_split_score
          and max(_containment(score.old[k[0]], score.new[k[1]]),
                  _containment(score.new[k[1]], score.old[k[0]])) >= s.min_containment],
         "containment")
    pairs = [Pair(o, n, "same", method, score[o, n], _round(score.parts((o, n))))
             for o, (n, method) in paired.items()]
    pairs += [_unpaired((a.seq, None), score, paired) for a in old if a.seq not in paired]
    pairs += [_unpaired((None, b.seq), score, paired) for b in new if b.seq not in taken]
    pairs.sort(key=lambda p: (p.new_seq is None, p.new_seq or 0, p.old_seq or 0))
    return pairs


def _unpaired(me: tuple[int | None, int | None], score: _Scores,
              paired: dict[int, tuple[int, str]]) -> Pair:
    """A removed (``me`` = (old seq, None)) or added ((None, new seq)) item;
    or, where its text lies inside an item paired on the other side, one
    merged into it (old) or split from it (new)."""
    s = score.settings
    old_side = me[1] is None
    seq = me[0] if old_side else me[1]
    others = score.new if old_side else score.old
    mine = (score.old if old_side else score.new)[seq]

    def key(other: int) -> tuple[int, int]:
        return (seq, other) if old_side else (other, seq)

    partners = ({n for n, _ in paired.values()} if old_side else set(paired))
    hosts = sorted((c, score[key(o)], o) for o in partners
                   if (c := _containment(mine, others[o])) >= s.min_containment
                   and score[key(o)] >= s.min_split_score)
    if hosts:
        _, sc, other = hosts[-1]
        k = key(other)
        return Pair(*k, "merged" if old_side else "split", "containment", sc,
                    _round(score.parts(k)))
    relation = "removed" if old_side else "added"
    if not others:
        return Pair(*me, relation, None, None, _round({}))
    best = max(others, key=lambda o: (score[key(o)], -o))
    return Pair(*me, relation, None, score[key(best)], _round(score.parts(key(best))),
                candidate_seq=best)


# ------------------------------------------------------- rows of a generic list

#: An identifying column holds codes: every value at most this long, with at least
#: CODE_MIN_SHARE of its characters ASCII (or full-width) letters and digits and one
#: digit at least (330217001000, 000998, A01-2).  A unique name is not an identity:
#: a renamed row must still be paired by similarity.
CODE_MAX_LEN = 32
CODE_MIN_SHARE = 0.8
_CODE_CHAR = re.compile(r"[0-9A-Za-z０-９Ａ-Ｚａ-ｚ]")
_DIGIT = re.compile(r"[0-9０-９]")
#: A column is row-specific (compared when rows' codes differ) when at least this
#: share of its non-empty values are distinct: not a category filled down.
ROW_SPECIFIC_SHARE = 0.9
#: Rows with the same cells (or code) on both sides beyond which they are paired in
#: order (after the same 序号) rather than by closest relative position.
MAX_EQUAL_PAIRS = 10_000
#: Rows left unpaired on both sides beyond which similarity pairing is skipped
#: (it compares every old row with every new one).
MAX_SIMILARITY_PAIRS = 250_000


def _match_rows(a: Version, b: Version, s: MatchSettings) -> tuple[list[Pair], list[str]]:
    """Pair the rows of two versions of a list read by the generic profile.

    Rows are matched without trusting 序号 (a row inserted renumbers every later
    one): 1. rows whose cells (all but 序号) are the same; 2. rows with the same
    value in an identifying column (``_identity_field``: a code column, present
    and unique in both versions); 3. the rows left, by a similarity of all
    their cells (``min_score``) — where the rows' codes differ, of their
    row-specific cells only (``_row_specific``), so that two companies of one
    industry are not one company re-coded; 4. in lists with 序号, rows left with
    the same 序号 whose similarity reaches ``min_split_score`` (a row rewritten
    in place).  At each step 序号 breaks ties (then the relative position).
    The rest are removed or added.  Returns the pairs and notes for the report
    (the identifying column; similarity skipped for too many rows).
    """
    old, new = a.rows["items"], b.rows["items"]
    keyed = a.keyed and b.keyed
    fields = list(dict.fromkeys([*a.fields, *b.fields]))
    pos_a = {r["seq"]: i / max(len(old), 1) for i, r in enumerate(old)}
    pos_b = {r["seq"]: i / max(len(new), 1) for i, r in enumerate(new)}
    paired: dict[int, tuple[int, str, float]] = {}
    taken: set[int] = set()
    notes: list[str] = []

    def pick(candidates: Iterable[tuple[float, int, int]], method: str) -> None:
        # Best score first; on a tie, the same 序号, then the closest relative position.
        for score, o, n in sorted(candidates, key=lambda t: (
                -t[0], t[1] != t[2], abs(pos_a[t[1]] - pos_b[t[2]]), t[1], t[2])):
            if o not in paired and n not in taken:
                paired[o] = (n, method, score)
                taken.add(n)

    def pair_by(key_of, method: str) -> None:
        groups: dict[Any, tuple[list[int], list[int]]] = {}
        for r in old:
            if r["seq"] not in paired:
                groups.setdefault(key_of(r), ([], []))[0].append(r["seq"])
        for r in new:
            if r["seq"] not in taken and (g := groups.get(key_of(r))):
                g[1].append(r["seq"])
        for olds, news in groups.values():
            if len(olds) * len(news) <= MAX_EQUAL_PAIRS:
                pick(((1.0, o, n) for o in olds for n in news), method)
                continue
            # Many equal rows: the same 序号 first, then in order (linear, not n×m).
            same = set(olds) & set(news)
            pick(((1.0, q, q) for q in same), method)
            rest = [n for n in news if n not in taken]
            pick(((1.0, o, n) for o, n in zip(
                [o for o in olds if o not in paired], rest, strict=False)), method)

    pair_by(lambda r: tuple(_squash(r.get(f), s) for f in fields), "content")
    ident = _identity_field(a, b, fields, s)
    if ident is not None:
        label = {**a.labels, **b.labels}.get(ident, ident)
        notes.append(f"Rows are identified by the code column {label} ({ident}).")
        pair_by(lambda r: _squash(r.get(ident), s), f"column {ident}")
    # Where codes differ, only the cells that tell rows apart can say "the same row".
    compared = fields if ident is None else [
        f for f in fields if f != ident and _row_specific(a, f, s) and _row_specific(b, f, s)]
    olds = [r for r in old if r["seq"] not in paired]
    news = [r for r in new if r["seq"] not in taken]
    if len(olds) * len(news) > MAX_SIMILARITY_PAIRS:
        notes.append(f"The similarity pairing was skipped: {len(olds)} old × {len(news)} new "
                     f"rows left unpaired exceed {MAX_SIMILARITY_PAIRS:,} comparisons, so they "
                     f"are reported as removed and added even where one was only edited.")
        scored: list[tuple[float, int, int]] = []
    else:
        bags_new = [(r["seq"], _row_bag(r, compared, s)) for r in news]
        scored = [(round(_dice(_row_bag(o, compared, s), bn) or 0.0, 4), o["seq"], n)
                  for o in olds for n, bn in bags_new]
    pick((t for t in scored if t[0] >= s.min_score), "similarity")
    if keyed:
        pick((t for t in scored if t[1] == t[2] and t[0] >= s.min_split_score), "key")
    pairs = [Pair(o, n, "same", method, score) for o, (n, method, score) in paired.items()]
    pairs += [Pair(r["seq"], None, "removed", None, None) for r in old if r["seq"] not in paired]
    pairs += [Pair(None, r["seq"], "added", None, None) for r in new if r["seq"] not in taken]
    pairs.sort(key=lambda p: (p.new_seq is None, p.new_seq or 0, p.old_seq or 0))
    return pairs, notes


def _row_bag(r: dict, fields: list[str], s: MatchSettings) -> Counter:
    out: Counter = Counter()
    for f in fields:
        out.update(_bigrams(_squash(r.get(f), s)))
    return out


def _code_like(value: str) -> bool:
    return (0 < len(value) <= CODE_MAX_LEN and _DIGIT.search(value) is not None
            and len(_CODE_CHAR.findall(value)) >= CODE_MIN_SHARE * len(value))


def _identity_field(a: Version, b: Version, fields: list[str], s: MatchSettings) -> str | None:
    """The first column (in printed order) of codes (``_code_like``) present and
    unique in both versions, if any."""
    for f in fields:
        ok = True
        for v in (a, b):
            values = [_squash(r.get(f), s) for r in v.rows["items"]]
            if (not values or len(set(values)) != len(values)
                    or not all(_code_like(x) for x in values)):
                ok = False
                break
        if ok:
            return f
    return None


def _row_specific(v: Version, f: str, s: MatchSettings) -> bool:
    """Whether column ``f`` of ``v`` mostly differs from row to row (a name, a
    content), unlike a category or a department repeated on many rows."""
    values = [x for r in v.rows["items"] if (x := _squash(r.get(f), s))]
    return bool(values) and len(set(values)) >= ROW_SPECIFIC_SHARE * len(values)


# ---------------------------------------------------------------- comparing

def _compare(a: Version, b: Version, pairs: list[Pair], s: MatchSettings
             ) -> tuple[list[dict], list[dict]]:
    """Rows of ``changes`` and ``detail_changes``, in reading order of the new
    version (removed items where they stood)."""
    by_old = {p.old_seq: p for p in pairs if p.relation == "same"}
    by_new = {p.new_seq: p for p in by_old.values()}
    new_pos = {r["seq"]: i for i, r in enumerate(b.rows["items"])}
    events: list[tuple[tuple, list[dict], list[dict]]] = []
    last = -1.0  # position, in the new order, of the last paired old item
    for r in a.rows["items"]:
        if r["seq"] in by_old:
            last = new_pos[by_old[r["seq"]].new_seq]
        else:
            events.append(((last + 0.5, 0, r["seq"]), [{
                "change": "removed", "old_seq": r["seq"], "new_seq": None,
                "old_value": a.title(r["seq"])}], []))
    for r in b.rows["items"]:
        p = by_new.get(r["seq"])
        key = (float(new_pos[r["seq"]]), 1, r["seq"])
        if p is None:
            events.append((key, [{"change": "added", "old_seq": None, "new_seq": r["seq"],
                                  "new_value": b.title(r["seq"])}], []))
            continue
        old_item = a.item(p.old_seq)
        rows, details = [], []
        for f in dict.fromkeys([*b.fields, *a.fields]):
            if _squash(old_item.get(f), s) != _squash(r.get(f), s):
                rows.append({"change": "changed", "old_seq": p.old_seq, "new_seq": p.new_seq,
                             "field": f, "old_value": old_item.get(f), "new_value": r.get(f)})
        for table, f in b.parsed_fields:
            if any(x["field"] == f for x in rows):
                details.extend(_detail(table, a, b, p.old_seq, p.new_seq, s, f if b.generic
                                       else None))
        # A row of a list without 序号 has no number of its own to change.
        if not rows and p.old_seq != p.new_seq and b.keyed:
            rows.append({"change": "renumbered", "old_seq": p.old_seq, "new_seq": p.new_seq,
                         "old_value": a.title(p.old_seq), "new_value": b.title(r["seq"])})
        events.append((key, rows, details))
    events.sort(key=lambda e: e[0])
    return [r for e in events for r in e[1]], [d for e in events for d in e[2]]


def _rows_of(v: Version, table: str, seq: int, field_: str | None = None) -> list[dict]:
    return [r for r in v.rows[table]
            if r["seq"] == seq and (field_ is None or r.get("field") == field_)]


_NO = {"tasks": "task_no", "citations": "citation_no", "departments": "department_no"}


def _detail(table: str, a: Version, b: Version, old_seq: int, new_seq: int,
            s: MatchSettings, field_: str | None = None) -> list[dict]:
    """Sub-items of one item pair (of one column, ``field_``, in a generic list):
    added, removed or edited."""
    olds, news = _rows_of(a, table, old_seq, field_), _rows_of(b, table, new_seq, field_)
    key, show, loose = _DETAIL_KEYS[table]
    no = _NO[table]
    pairs: dict[int, int] = {}
    # 1. identical sub-items, in order.
    free_new = list(range(len(news)))
    for i, o in enumerate(olds):
        for j in free_new:
            if key(o, s) == key(news[j], s):
                pairs[i] = j
                free_new.remove(j)
                break
    # 2. the same sub-item edited (similar text; a citation of the same law).
    cands = sorted(((loose(olds[i], news[j], s), i, j) for i in range(len(olds))
                    if i not in pairs for j in free_new), key=lambda t: (-t[0], t[1], t[2]))
    edited: dict[int, int] = {}
    for sc, i, j in cands:
        if sc >= s.min_task_similarity and i not in edited and j in free_new:
            edited[i] = j
            free_new.remove(j)
    out: list[tuple[tuple, dict]] = []
    base = {"old_seq": old_seq, "new_seq": new_seq, "table": table}
    last = -1.0
    for i, o in enumerate(olds):
        j = pairs.get(i, edited.get(i))
        if j is not None:
            last = j
            if i in edited:
                out.append(((j, 1, i), {**base, "change": "changed", "old_no": o[no],
                                        "new_no": news[j][no], "old_value": show(o),
                                        "new_value": show(news[j])}))
        else:
            out.append(((last + 0.5, 0, i), {**base, "change": "removed", "old_no": o[no],
                                             "old_value": show(o)}))
    for j in free_new:
        out.append(((j, 1, -1), {**base, "change": "added", "new_no": news[j][no],
                                 "new_value": show(news[j])}))
    out.sort(key=lambda t: t[0])
    return [r for _, r in out]


def _task_key(t: dict, s: MatchSettings) -> tuple:
    return _squash(t.get("section"), s), _squash(t["text"], s)


def _task_show(t: dict) -> str:
    head = f"{t['section']}：" if t.get("section") else ""
    return f"{head}{t.get('marker') or ''}{t['text']}"


def _task_loose(o: dict, n: dict, s: MatchSettings) -> float:
    return _dice(_bigrams(_squash(o["text"], s)), _bigrams(_squash(n["text"], s))) or 0.0


def _cit_key(c: dict, s: MatchSettings) -> tuple:
    return (*_citation_key(c, s), _squash(c.get("note"), s))


def _cit_show(c: dict) -> str:
    note = f"（{c['note']}）" if c.get("note") else ""
    return f"《{c['law']}》{note}{c.get('article_ref') or ''}"


def _cit_loose(o: dict, n: dict, s: MatchSettings) -> float:
    # Same law: an edited article (or note); another law is another citation.
    return 1.0 if _squash(o["law"], s) == _squash(n["law"], s) else 0.0


def _dep_key(d: dict, s: MatchSettings) -> str:
    return _squash(d["department"], s)


def _dep_show(d: dict) -> str:
    return str(d["department"])


def _never(o: dict, n: dict, s: MatchSettings) -> float:
    return 0.0  # a department is added or dropped, never "edited"


_DETAIL_KEYS = {
    "tasks": (_task_key, _task_show, _task_loose),
    "citations": (_cit_key, _cit_show, _cit_loose),
    "departments": (_dep_key, _dep_show, _never),
}
