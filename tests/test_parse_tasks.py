"""parse_tasks: the 协助工作细化事项 cell → one row per numbered sub-item."""

import json
import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.cells.tasks import parse_tasks
from pipeline.text.numerals import parse_numeral
from tests.goldtables import GOLD_2021, GOLD_2023, load_gold, tasks_text

CASES = Path(__file__).resolve().parent / "fixtures" / "parse" / "tasks"
WIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
KEYS = ["task_no", "level", "section", "marker", "parent_no", "text"]
GOLDS = (GOLD_2021, GOLD_2023)


def norm(s):
    """As tests/fixtures/shared/score.py compares: no white space, width folded."""
    return "" if s is None else re.sub(r"\s+", "", str(s).translate(WIDTH))


def gold_items():
    return [pytest.param(item, id=f"{path.stem}-{item['seq']}")
            for path in GOLDS for item in load_gold(path)["items"]]


# --- building cells from the gold tree in other renderings -------------------

CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩"
CN = "一二三四五六七八九十"
FULL_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")

#: marker styles as (level-1 marker, level-2 marker) for number n
STYLES = {
    "gold": (lambda n: f"{n}.", lambda n: CIRCLED[n - 1]),
    "dun": (lambda n: f"{n}、", lambda n: CIRCLED[n - 1]),
    "full_width_dot": (lambda n: f"{n}．".translate(FULL_DIGITS), lambda n: CIRCLED[n - 1]),
    "paren": (lambda n: f"（{n}）", lambda n: CIRCLED[n - 1]),
    "ascii_paren_then_dot": (lambda n: f"({n})", lambda n: f"{n}."),
    "chinese_then_paren": (lambda n: f"{CN[n - 1]}、", lambda n: f"（{n}）"),
    "dot_then_close_paren": (lambda n: f"{n}.", lambda n: f"{n}）"),
}


def render(tasks, style="gold", after_marker="", joiner="\n", colon="："):
    """The cell for a gold task tree, and the rows expected from it.

    Rows are (level, section, marker, parent_no, text) with texts normalised.
    """
    l1, l2 = STYLES[style]
    lines, rows, section, n1 = [], [], None, 0
    for t in tasks:
        if t.get("section") != section:
            section, n1 = t.get("section"), 0
            if section:
                lines.append(f"{section}{colon}")
        n1 += 1
        marker = l1(n1) if t["marker"] else None
        lines.append(f"{marker + after_marker if marker else ''}{t['text']}")
        rows.append((1, section, marker, None, norm(t["text"])))
        parent = len(rows)
        for n2, c in enumerate(t["children"], 1):
            lines.append(f"{l2(n2)}{after_marker}{c['text']}")
            rows.append((2, section, l2(n2), parent, norm(c["text"])))
    return joiner.join(lines), rows


def got(text):
    return [(r["level"], r["section"], r["marker"], r["parent_no"], norm(r["text"]))
            for r in parse_tasks(text)]


def wrap(text, width):
    """Break each line every ``width`` characters: line breaks inside sentences."""
    return "\n".join(line[i:i + width] for line in text.split("\n")
                     for i in range(0, max(len(line), 1), width))


def spaced(text, every):
    return "".join(c + (" " if i % every == every - 1 else "") for i, c in enumerate(text))


# --- the gold -----------------------------------------------------------------

@pytest.mark.parametrize("item", gold_items())
def test_gold_tasks_are_reproduced(item):
    text, rows = render(item["tasks"])
    assert text == tasks_text(item["tasks"])  # the extraction's own rendering
    assert got(text) == rows


def test_gold_rows_exactly_as_the_tables_hold_them():
    item = next(it for it in load_gold(GOLD_2021)["items"] if it["seq"] == 21)
    rows = parse_tasks(tasks_text(item["tasks"]))
    assert [list(r) for r in rows] == [KEYS] * 7
    assert rows[3] == {"task_no": 4, "level": 1, "section": "救助对象补助", "marker": "1.",
                       "parent_no": None, "text": item["tasks"][3]["text"]}


def test_totals_2021():
    rows = [r for it in load_gold(GOLD_2021)["items"] for r in parse_tasks(tasks_text(it["tasks"]))]
    assert sum(r["level"] == 1 for r in rows) == 105
    assert sum(r["level"] == 2 for r in rows) == 43


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("after_marker", ["", " ", "\u3000"])
@pytest.mark.parametrize("joiner", ["\n", " ", "", "\r\n", "\n\n"])
def test_gold_tasks_in_other_renderings(style, after_marker, joiner):
    for path in GOLDS:
        for item in load_gold(path)["items"]:
            text, rows = render(item["tasks"], style, after_marker, joiner)
            assert got(text) == rows, (path.stem, item["seq"], text)


@pytest.mark.parametrize("width", [7, 13, 22, 28, 41])
@pytest.mark.parametrize("style", ["gold", "paren", "chinese_then_paren"])
def test_gold_tasks_with_lines_broken_inside_sentences(width, style):
    for path in GOLDS:
        for item in load_gold(path)["items"]:
            text, rows = render(item["tasks"], style, after_marker=" ")
            assert got(wrap(text, width)) == rows, (path.stem, item["seq"], width)


@pytest.mark.parametrize("every", [2, 3, 5, 11])
def test_gold_tasks_with_stray_spaces(every):
    for path in GOLDS:
        for item in load_gold(path)["items"]:
            text, rows = render(item["tasks"], joiner=" ")
            assert got(spaced(text, every)) == rows, (path.stem, item["seq"], every)


def test_gold_tasks_with_ascii_colons_after_headings():
    item = next(it for it in load_gold(GOLD_2021)["items"] if it["seq"] == 21)
    text, rows = render(item["tasks"], colon=":")
    assert got(text) == rows


# --- hand-made cases (one fixture per shape) ----------------------------------

@pytest.mark.parametrize("path", sorted(CASES.glob("*.json")), ids=lambda p: p.stem)
def test_case(path):
    case = json.loads(path.read_text(encoding="utf-8"))
    rows = parse_tasks(case["text"])
    assert [[r["level"], r["section"], r["marker"], r["parent_no"], r["text"]]
            for r in rows] == case["rows"]


@pytest.mark.parametrize("text", ["", " ", "\n\n", "\u3000"])
def test_empty_cells_give_no_rows(text):
    assert parse_tasks(text) == []


# --- properties ---------------------------------------------------------------

def marker_number(marker):
    digits = re.search(r"[0-9０-９]+", marker)
    if digits:
        return int(digits.group())
    cn = re.search(r"[一二三四五六七八九十]+", marker)
    if cn:
        return parse_numeral(cn.group())
    return int(unicodedata.numeric(marker))


def rebuild(rows):
    """Section headings + markers + texts, in order: the cell as printed.

    A heading is printed before the level-1 item that opens its section,
    which is the one numbered 1 (numbering restarts under each heading).
    """
    out = []
    for r in rows:
        if r["level"] == 1 and r["section"] is not None and marker_number(r["marker"]) == 1:
            out.append(r["section"] + "：")
        out.append((r["marker"] or "") + r["text"])
    return "".join(out)


def squash(text):
    """What the rows must keep: white space is dropped, a heading's colon may be
    printed in either width."""
    return re.sub(r"\s+", "", text).replace(":", "：")


def check_structure(rows):
    assert [r["task_no"] for r in rows] == list(range(1, len(rows) + 1))
    for r in rows:
        assert list(r) == KEYS
        assert r["level"] in (1, 2)
        assert r["text"] == r["text"].strip()
        if r["level"] == 1:
            assert r["parent_no"] is None
        else:
            parent = rows[r["parent_no"] - 1]
            assert parent["level"] == 1 and parent["task_no"] < r["task_no"]
            assert not any(x["level"] == 1 for x in rows[parent["task_no"]:r["task_no"] - 1])
            assert r["section"] == parent["section"] and r["marker"] is not None
        if r["marker"] is None:
            assert r["task_no"] == 1 and r["level"] == 1


CELL_ALPHABET = st.sampled_from(list(
    "123０１２.．、()（）①②③⑴⒈一二三十：:。；，第条年月日小时协助工作QA"
    " \n\u3000\t"))


@settings(max_examples=500)
@given(st.lists(CELL_ALPHABET, max_size=60).map("".join))
def test_never_raises_and_never_loses_characters_cell_alphabet(text):
    rows = parse_tasks(text)
    check_structure(rows)
    assert squash(rebuild(rows)) == squash(text)


@settings(max_examples=300)
@given(st.text())
def test_never_raises_and_never_loses_characters_any_text(text):
    rows = parse_tasks(text)
    check_structure(rows)
    assert squash(rebuild(rows)) == squash(text)


@settings(max_examples=200)
@given(st.sampled_from([p.values[0] for p in gold_items()]), st.integers(2, 40),
       st.sampled_from(list(STYLES)), st.sampled_from(["", " "]))
def test_rendered_gold_rebuilds(item, width, style, after_marker):
    text, _ = render(item["tasks"], style, after_marker)
    text = wrap(text, width)
    assert squash(rebuild(parse_tasks(text))) == squash(text)


def test_rebuild_check_can_fail():
    rows = parse_tasks("1.甲\n2.乙")
    rows[1]["text"] = "丙"
    assert squash(rebuild(rows)) != squash("1.甲\n2.乙")


def test_parsers_name_nothing_of_the_notices():
    """The parsers are generic: no item, heading, law or department of the gold."""
    root = Path(__file__).resolve().parents[1] / "pipeline"
    source = "".join(p.read_text(encoding="utf-8")
                     for package in ("cells", "text") for p in (root / package).rglob("*.py"))
    names = set()
    for path in GOLDS:
        for item in load_gold(path)["items"]:
            names.add(item["name"])
            names.update(t["section"] for t in item["tasks"] if t.get("section"))
            names.update(b["law"] for b in item["basis"])
            names.update(item["departments"])
    assert names and not [n for n in names if n in source]
