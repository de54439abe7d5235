"""What the diff's steps share: the matching settings, a version as the diff sees
it, and one matching decision.

    MatchSettings / DEFAULT_MATCH   thresholds and weights of the matching
    Version                         one extracted folder's rows, notice and columns
    Pair                            one matching decision (written as ``matches``)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pipeline import schema


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
