"""parse_departments: the 主管单位 cell → one row per department."""

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.cells.departments import SEPARATORS, SHARED_SUFFIXES, parse_departments
from tests.goldtables import GOLD_2021, GOLD_2023, load_gold

CASES = Path(__file__).resolve().parent / "fixtures" / "parse" / "departments"
#: What the parser drops: white space and separators.
DROPPED = re.compile(rf"[\s{re.escape(SEPARATORS)}]")


def gold_items():
    return [pytest.param(item, id=f"{path.stem}-{item['seq']}")
            for path in (GOLD_2021, GOLD_2023) for item in load_gold(path)["items"]]


def names(text):
    return [r["department"] for r in parse_departments(text)]


@pytest.mark.parametrize("item", gold_items())
def test_gold_departments_are_reproduced(item):
    assert names(item["department_text"]) == item["departments"]


def test_row_keys_and_numbering():
    rows = parse_departments("生态环境、公安、文化旅游部门")
    assert rows == [{"department_no": 1, "department": "生态环境部门"},
                    {"department_no": 2, "department": "公安部门"},
                    {"department_no": 3, "department": "文化旅游部门"}]


def wrap(text, width):
    return "\n".join(text[i:i + width] for i in range(0, len(text), width))


VARIANTS = {
    # the PDF's department column holds four or five characters a line
    "wrapped_4": lambda t: wrap(t, 4),
    "wrapped_5": lambda t: wrap(t, 5),
    "space_before_suffix": lambda t: t.replace("部门", " 部门"),
    "space_inside_suffix": lambda t: t.replace("部门", "部 门"),
    "comma_separators": lambda t: t.replace("、", "，"),
    "spaces_around_separators": lambda t: t.replace("、", " 、 "),
}


@pytest.mark.parametrize("variant", VARIANTS)
def test_gold_departments_survive_renderings(variant):
    for path in (GOLD_2021, GOLD_2023):
        for item in load_gold(path)["items"]:
            text = VARIANTS[variant](item["department_text"])
            assert names(text) == item["departments"], (path.stem, item["seq"], text)


@pytest.mark.parametrize("path", sorted(CASES.glob("*.json")), ids=lambda p: p.stem)
def test_case(path):
    case = json.loads(path.read_text(encoding="utf-8"))
    assert names(case["text"]) == case["departments"]


@pytest.mark.parametrize("text", ["", " ", "\n", "、", "、，；"])
def test_empty_cells_give_no_rows(text):
    assert parse_departments(text) == []


def rebuilds(text, rows):
    """True if the names give back ``text`` up to what is dropped, where a
    name may carry one distributed suffix that the cell does not print."""
    target = DROPPED.sub("", text)
    reachable = {0}
    for r in rows:
        name = DROPPED.sub("", r["department"])
        options = {name} | {name[:-len(s)] for s in SHARED_SUFFIXES if name.endswith(s)}
        reachable = {p + len(o) for p in reachable for o in options if target.startswith(o, p)}
    return len(target) in reachable


ALPHABET = st.sampled_from(list("公安民政部门单位机关委员会局队（）()、，,；; \n\u3000城市管理"))


@settings(max_examples=400)
@given(st.lists(ALPHABET, max_size=40).map("".join))
def test_never_raises_and_never_loses_characters_cell_alphabet(text):
    rows = parse_departments(text)
    assert rebuilds(text, rows), rows
    assert all(r["department"] and not re.search(r"\s", r["department"]) for r in rows)
    assert [r["department_no"] for r in rows] == list(range(1, len(rows) + 1))


@settings(max_examples=300)
@given(st.text())
def test_never_raises_and_never_loses_characters_any_text(text):
    assert rebuilds(text, parse_departments(text))


def test_only_the_last_names_suffix_is_added():
    assert names("公安、民政、财政单位") == ["公安单位", "民政单位", "财政单位"]
    assert names("公安单位、民政、财政部门") == ["公安单位", "民政部门", "财政部门"]


def test_rebuild_check_can_fail():
    assert not rebuilds("公安、民政", [{"department": "公安"}])
    assert not rebuilds("公安、民政", [{"department": "民政"}, {"department": "公安"}])
