"""Pair the items of two versions of a list read by a specific profile.

    match_items(old, new, settings) → [Pair]

Items are matched without trusting 序号 (revisions insert, remove, split,
merge and reorder items): by name, then by a similarity of name, content,
tasks, citations and departments, then by containment (an item split in two,
or two merged into one); see ``pipeline.review.diff``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from .measure import bigrams, citation_key, dice, jaccard, overlap, squash
from .model import COMPONENTS, MatchSettings, Pair, Version


def match_items(old: Version, new: Version, settings: MatchSettings) -> list[Pair]:
    """Every matching decision between the items of ``old`` and ``new``: pairs
    (``same``), items split or merged, and items removed or added (with the
    best-scoring candidate on the other side), in the new version's order."""
    return _match(_profiles(old, settings), _profiles(new, settings), settings)


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
            task_bag.update(bigrams(squash(t["text"], s)))
        if not tasks:
            task_bag = bigrams(squash(it["tasks_text"], s))
        cits = by_seq["citations"].get(seq, [])
        content_bag = bigrams(squash(it["content"], s))
        out.append(_Profile(
            seq=seq, pos=pos, name=squash(it["name"], s),
            bags={"name": bigrams(squash(it["name"], s)), "content": content_bag,
                  "tasks": task_bag},
            text=content_bag + task_bag,
            laws={squash(c["law"], s) for c in cits},
            articles={citation_key(c, s) for c in cits},
            departments={squash(d["department"], s)
                         for d in by_seq["departments"].get(seq, [])},
        ))
    return out


def _parts(a: _Profile, b: _Profile) -> dict[str, float | None]:
    laws, arts = jaccard(a.laws, b.laws), jaccard(a.articles, b.articles)
    return {
        "name": dice(a.bags["name"], b.bags["name"]),
        "content": dice(a.bags["content"], b.bags["content"]),
        "tasks": dice(a.bags["tasks"], b.bags["tasks"]),
        # Same law, other article: half credit; same law and article: full.
        "citations": None if laws is None else (laws + (arts or 0.0)) / 2,
        "departments": jaccard(a.departments, b.departments),
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
    return overlap(part.text, whole.text) / n if n else 0.0


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
