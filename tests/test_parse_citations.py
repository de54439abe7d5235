"""parse_citations: the 依据 cell → one row per cited article."""

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.cells.citations import SEPARATORS, parse_citations
from pipeline.text.numerals import parse_numeral
from tests.goldtables import GOLD_2021, GOLD_2023, load_gold

CASES = Path(__file__).resolve().parent / "fixtures" / "parse" / "citations"
WIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
#: What the parser drops: white space, 《》 around titles, brackets around a
#: note, separators.  Removed on both sides before comparing a rebuilt cell.
DROPPED = re.compile(rf"[\s《》（）(){re.escape(SEPARATORS)}]")
KEYS = ["citation_no", "law", "note", "article_ref", "article", "paragraph"]


def norm(s):
    """As tests/fixtures/shared/score.py compares: no white space, width folded."""
    return "" if s is None else re.sub(r"\s+", "", str(s).translate(WIDTH))


def gold_items():
    return [pytest.param(item, id=f"{path.stem}-{item['seq']}")
            for path in (GOLD_2021, GOLD_2023) for item in load_gold(path)["items"]]


def expected(item):
    return [(norm(b["law"]), norm(b.get("note")), norm(a))
            for b in item["basis"] for a in b["articles"] or [None]]


def got(text):
    return [(norm(r["law"]), norm(r["note"]), norm(r["article_ref"]))
            for r in parse_citations(text)]


# --- the gold -----------------------------------------------------------------

@pytest.mark.parametrize("item", gold_items())
def test_gold_citations_are_reproduced(item):
    assert got(item["basis_text"]) == expected(item)


def test_totals_2021():
    rows = [(it["seq"], r) for it in load_gold(GOLD_2021)["items"]
            for r in parse_citations(it["basis_text"])]
    laws = {(seq, r["law"], r["note"]) for seq, r in rows}
    assert len(laws) == 40
    assert sum(r["article_ref"] is not None for _, r in rows) == 74


@pytest.mark.parametrize("item", gold_items())
def test_gold_article_numbers(item):
    for r in parse_citations(item["basis_text"]):
        m = re.fullmatch(r"(?:第?(.+?)条)?(?:第(.+?)款)?", r["article_ref"])
        assert m, r
        assert r["article"] == (parse_numeral(m.group(1)) if m.group(1) else None)
        assert r["paragraph"] == (parse_numeral(m.group(2)) if m.group(2) else None)


def test_numbers_of_the_notice_shapes():
    rows = {r["article_ref"]: (r["article"], r["paragraph"]) for it in
            load_gold(GOLD_2021)["items"] for r in parse_citations(it["basis_text"])}
    assert rows["第一百一十八条"] == (118, None)
    assert rows["第二十九条第二款"] == (29, 2)
    assert rows["第十十五条第二款"] == (None, 2)   # invalid numeral: flagged later
    assert rows["三十九条"] == (39, None)          # no 第: kept as printed, still read
    assert rows["二十三条"] == (23, None)
    assert rows["第二款"] == (None, 2)             # a paragraph printed as its own item


def test_row_keys_and_numbering():
    rows = parse_citations("《甲》第一条、第二条\n《乙》")
    assert [list(r) for r in rows] == [KEYS] * 3
    assert [r["citation_no"] for r in rows] == [1, 2, 3]


# --- harder renderings of the gold cells --------------------------------------

def wrap(text, width):
    """Break every line every ``width`` characters, as a narrow PDF column does."""
    return "\n".join(line[i:i + width] for line in text.split("\n")
                     for i in range(0, max(len(line), 1), width))


def spaced(text, every):
    return "".join(c + (" " if i % every == every - 1 else "") for i, c in enumerate(text))


VARIANTS = {
    "wrapped_narrow": lambda t: wrap(t, 8),
    "wrapped_very_narrow": lambda t: wrap(t, 3),
    "stray_spaces": lambda t: spaced(t, 5),
    "one_line": lambda t: t.replace("\n", ""),
    "one_line_spaced": lambda t: t.replace("\n", " "),
    "comma_separators": lambda t: t.replace("、", "，"),
    "semicolon_between_laws": lambda t: t.replace("\n", "；"),
    "half_width_note_brackets": lambda t: t.replace("（", "(").replace("）", ")"),
    "crlf": lambda t: t.replace("\n", "\r\n"),
}


@pytest.mark.parametrize("variant", VARIANTS)
def test_gold_citations_survive_renderings(variant):
    for path in (GOLD_2021, GOLD_2023):
        for item in load_gold(path)["items"]:
            text = VARIANTS[variant](item["basis_text"])
            assert got(text) == expected(item), (path.stem, item["seq"], text)


# --- hand-made cases (one fixture per shape) ----------------------------------

@pytest.mark.parametrize("path", sorted(CASES.glob("*.json")), ids=lambda p: p.stem)
def test_case(path):
    case = json.loads(path.read_text(encoding="utf-8"))
    rows = parse_citations(case["text"])
    assert [[r["law"], r["note"], r["article_ref"], r["article"], r["paragraph"]]
            for r in rows] == case["rows"]


@pytest.mark.parametrize("text", ["", "   ", "\n", "、", "《", "《》"])
def test_empty_cells_give_no_rows(text):
    assert parse_citations(text) == []


# --- properties ---------------------------------------------------------------

def rebuilds(text, rows):
    """True if the rows give back ``text`` up to what the parser drops.

    A law's title (and note) is printed once before its references; when the
    same law is cited again the title is repeated, so each row may or may not
    open with its title — except the first row of a new law, which must.
    """
    target = DROPPED.sub("", text)
    reachable = {0}
    previous = None
    for r in rows:
        title = DROPPED.sub("", r["law"] + (r["note"] or ""))
        ref = DROPPED.sub("", r["article_ref"] or "")
        options = [title + ref]
        if previous == (r["law"], r["note"]) and r["article_ref"] is not None:
            options.append(ref)
        reachable = {p + len(o) for p in reachable for o in options
                     if target.startswith(o, p)}
        previous = (r["law"], r["note"])
    return len(target) in reachable


CELL_ALPHABET = st.sampled_from(list(
    "《》〈〉<>（）()、，,；;第条款项之一二三四五十百零两0123１法例办规定"
    " \n\u3000\tA1重庆市"))


@settings(max_examples=400)
@given(st.lists(CELL_ALPHABET, max_size=60).map("".join))
def test_never_raises_and_never_loses_characters_cell_alphabet(text):
    rows = parse_citations(text)
    assert rebuilds(text, rows), rows
    for r in rows:
        assert r["article_ref"] is None or r["article_ref"].strip() == r["article_ref"] != ""
        assert r["article"] is None or r["article"] >= 0


@settings(max_examples=300)
@given(st.text())
def test_never_raises_and_never_loses_characters_any_text(text):
    assert rebuilds(text, parse_citations(text))


def test_rebuild_check_can_fail():
    assert not rebuilds("《甲》第一条", [{"law": "甲", "note": None, "article_ref": "第二条"}])
