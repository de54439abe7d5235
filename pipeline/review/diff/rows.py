"""Pair the rows of two versions of a list read by the generic profile.

    match_rows(old, new, settings) → ([Pair], notes for the report)

Rows are paired by equal cells, then a code column, then similarity; 序号 only
breaks ties (and, last, pairs a row rewritten in place).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from typing import Any

from .measure import bigrams, dice, squash
from .model import MatchSettings, Pair, Version

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


def match_rows(a: Version, b: Version, s: MatchSettings,
               max_similarity_pairs: int = MAX_SIMILARITY_PAIRS) -> tuple[list[Pair], list[str]]:
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
    The rest are removed or added.  ``max_similarity_pairs``: old × new rows left
    beyond which step 3 is skipped.  Returns the pairs and notes for the report
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

    pair_by(lambda r: tuple(squash(r.get(f), s) for f in fields), "content")
    ident = _identity_field(a, b, fields, s)
    if ident is not None:
        label = {**a.labels, **b.labels}.get(ident, ident)
        notes.append(f"Rows are identified by the code column {label} ({ident}).")
        pair_by(lambda r: squash(r.get(ident), s), f"column {ident}")
    # Where codes differ, only the cells that tell rows apart can say "the same row".
    compared = fields if ident is None else [
        f for f in fields if f != ident and _row_specific(a, f, s) and _row_specific(b, f, s)]
    olds = [r for r in old if r["seq"] not in paired]
    news = [r for r in new if r["seq"] not in taken]
    if len(olds) * len(news) > max_similarity_pairs:
        notes.append(f"The similarity pairing was skipped: {len(olds)} old × {len(news)} new "
                     f"rows left unpaired exceed {max_similarity_pairs:,} comparisons, so they "
                     f"are reported as removed and added even where one was only edited.")
        scored: list[tuple[float, int, int]] = []
    else:
        bags_new = [(r["seq"], _row_bag(r, compared, s)) for r in news]
        scored = [(round(dice(_row_bag(o, compared, s), bn) or 0.0, 4), o["seq"], n)
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
        out.update(bigrams(squash(r.get(f), s)))
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
            values = [squash(r.get(f), s) for r in v.rows["items"]]
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
    values = [x for r in v.rows["items"] if (x := squash(r.get(f), s))]
    return bool(values) and len(set(values)) >= ROW_SPECIFIC_SHARE * len(values)
