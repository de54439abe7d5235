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

The rows of a list read by the generic profile are paired by ``rows.match_rows``
(equal cells, a code column, similarity; 序号 only breaks ties).

Every decision is kept with its score in ``Diff.pairs`` (written as the
``matches`` table).  Text fields are compared with white space removed: line
wrapping is not a change.

The steps, one module each::

    load.load_version       a folder → Version (rows, notice, columns)
    items.match_items       items of a specific profile's list → pairs (1–4 above)
    rows.match_rows         rows of a generic list → pairs
    details.compare_items   pairs → rows of changes and detail_changes
    model, measure          settings, Version, Pair; the text measures they share
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline import schema
from pipeline.errors import InputError

from .details import compare_items
from .items import match_items
from .load import load_version
from .model import COMPONENTS, DEFAULT_MATCH, DETAIL_FIELDS, MatchSettings, Pair, Version
from .rows import MAX_SIMILARITY_PAIRS, match_rows

if TYPE_CHECKING:  # pandas is imported lazily
    import pandas as pd

__all__ = ["COMPONENTS", "DEFAULT_MATCH", "DETAIL_FIELDS", "MAX_SIMILARITY_PAIRS", "Diff",
           "MatchSettings", "Pair", "Version", "diff_versions"]


def _frame(table: str, rows) -> pd.DataFrame:
    return schema.TABLES[table].frame(rows)


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
    a, b = load_version(Path(old)), load_version(Path(new))
    if a.generic != b.generic:
        raise InputError(
            f"the two versions were read by different list profiles ({a.notice.get('profile')} "
            f"and {b.notice.get('profile')}): they are not versions of one list",
            file=f"{a.path} / {b.path}",
            hint="extract both with the same --profile")
    notes: list[str] = []
    if a.generic:
        # (the cap is read here, when called: setting pipeline.review.diff.MAX_SIMILARITY_PAIRS
        # changes it)
        pairs, notes = match_rows(a, b, settings, MAX_SIMILARITY_PAIRS)
    else:
        pairs = match_items(a, b, settings)
    changes, details = compare_items(a, b, pairs, settings)
    return Diff(a, b, pairs, _frame("changes", changes), _frame("detail_changes", details),
                settings, notes)
