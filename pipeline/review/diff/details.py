"""What changed in each item pair: the rows of ``changes`` and ``detail_changes``.

    compare_items(old, new, pairs, settings) → (changes rows, detail_changes rows)

A paired item whose text fields differ is ``changed`` (one row per field); one
that only moved is ``renumbered``; unpaired items are ``removed`` or
``added``.  Inside a changed cell, the tasks, citations or departments it was
parsed into are paired (identical, then edited) and listed as added, removed
or changed.
"""

from __future__ import annotations

from .measure import bigrams, citation_key, dice, squash
from .model import MatchSettings, Pair, Version


def compare_items(a: Version, b: Version, pairs: list[Pair], s: MatchSettings
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
            if squash(old_item.get(f), s) != squash(r.get(f), s):
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
    return squash(t.get("section"), s), squash(t["text"], s)


def _task_show(t: dict) -> str:
    head = f"{t['section']}：" if t.get("section") else ""
    return f"{head}{t.get('marker') or ''}{t['text']}"


def _task_loose(o: dict, n: dict, s: MatchSettings) -> float:
    return dice(bigrams(squash(o["text"], s)), bigrams(squash(n["text"], s))) or 0.0


def _cit_key(c: dict, s: MatchSettings) -> tuple:
    return (*citation_key(c, s), squash(c.get("note"), s))


def _cit_show(c: dict) -> str:
    note = f"（{c['note']}）" if c.get("note") else ""
    return f"《{c['law']}》{note}{c.get('article_ref') or ''}"


def _cit_loose(o: dict, n: dict, s: MatchSettings) -> float:
    # Same law: an edited article (or note); another law is another citation.
    return 1.0 if squash(o["law"], s) == squash(n["law"], s) else 0.0


def _dep_key(d: dict, s: MatchSettings) -> str:
    return squash(d["department"], s)


def _dep_show(d: dict) -> str:
    return str(d["department"])


def _never(o: dict, n: dict, s: MatchSettings) -> float:
    return 0.0  # a department is added or dropped, never "edited"


_DETAIL_KEYS = {
    "tasks": (_task_key, _task_show, _task_loose),
    "citations": (_cit_key, _cit_show, _cit_loose),
    "departments": (_dep_key, _dep_show, _never),
}
