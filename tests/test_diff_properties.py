"""Properties of the diff on random revisions of the gold list: reorder,
remove and rename at random, and the diff still says exactly that."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.review.diff import diff_versions
from tests.test_diff_versions import gold, renumber, rows, write_version

N = 27
OLD = gold()

revisions = st.tuples(
    st.permutations(range(1, N + 1)),          # new order of the old items
    st.sets(st.integers(1, N), max_size=8),     # old items removed
    st.sets(st.integers(1, N), max_size=4),     # old items renamed (content kept)
)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(revisions)
def test_reorder_remove_rename_is_reported_exactly(revision):
    order, removed, renamed = revision
    new = gold()
    by_seq = {it["seq"]: it for it in new["items"]}
    for s in renamed:
        # A rename keeping the content: the name gets a new suffix.
        by_seq[s]["name"] = by_seq[s]["name"].removesuffix("工作") + "相关事项"
    new["items"] = [by_seq[s] for s in order if s not in removed]
    renumber(new)
    moves = {o: n for n, o in enumerate((s for s in order if s not in removed), 1)}
    with tempfile.TemporaryDirectory() as tmp:
        d = diff_versions(write_version(OLD, Path(tmp) / "old"),
                          write_version(new, Path(tmp) / "new"))
    expected = {("removed", s, None, None) for s in removed}
    for o, n in moves.items():
        if o in renamed:
            expected.add(("changed", o, n, "name"))
        elif o != n:
            expected.add(("renumbered", o, n, None))
    assert rows(d) == expected


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sets(st.integers(1, N), min_size=1, max_size=6), st.integers(0, N - 1))
def test_reverse_diff_mirrors(removed, at):
    new = gold()
    moved = new["items"].pop(at)
    new["items"].insert(0, moved)
    new["items"] = [it for it in new["items"] if it["seq"] not in removed]
    renumber(new)
    flip = {"added": "removed", "removed": "added", "changed": "changed",
            "renumbered": "renumbered"}
    with tempfile.TemporaryDirectory() as tmp:
        a = write_version(OLD, Path(tmp) / "old")
        b = write_version(new, Path(tmp) / "new")
        forward, backward = diff_versions(a, b), diff_versions(b, a)
    assert rows(backward) == {(flip[c], n, o, f) for c, o, n, f in rows(forward)}
