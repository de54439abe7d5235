"""A 权责清单 too wide for its paper, printed in column bands (issue 19's wide list,
tests/render/wide.py), is read by the power profile that ``--profile auto`` picks for it:
every band joined, every cell under the family's field, valid through the CLI."""

from __future__ import annotations

import pytest

from tests import hostile
from tests.render.wide import Printing, agreement, render_bands, wide_list

ROWS = 30

#: The wide list's printed labels → the 权责清单 fields they are (CONTRACT.md).
FIELDS = {
    "序号": "seq", "事项名称": "item_name", "子项名称": "sub_item_name",
    "职权类型": "power_type", "职权编码": "power_code", "设定依据": "basis",
    "实施主体": "exercising_body", "承办机构": "undertaking_unit",
    "行使层级": "level_authority", "责任事项": "responsibility",
    "责任事项依据": "responsibility_basis", "追责对象范围": "accountable",
    "追责情形": "accountability", "救济途径": "remedy", "备注": "remarks",
}

CASES = {
    "over_then_down_print_titles_repeat_header_and_two_left_columns": (
        Printing(order="overThenDown", title_rows=True, title_cols=2), 4),
    "landscape_rows_cut_at_page_foot_and_a_band_of_one_column": (
        Printing(orientation="landscape", row_split=True), 3),
}


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("power-bands")
    lst = wide_list(5, ROWS)
    return lst, {name: render_bands(lst, folder / f"{name}.pdf", printing)
                 for name, (printing, _) in CASES.items()}


@pytest.mark.parametrize("name", list(CASES))
def test_power_list_printed_in_column_bands_is_read_whole_by_the_power_profile(printed, name):
    from pipeline.extract import run

    lst, made = printed
    made = made[name]
    assert len(made.bands) == CASES[name][1]  # (the case prints what it is named after)
    got = run(made.path)
    assert got.notice["profile"] == "power"
    assert len(got.notice["column_bands"]["pages"]) == len(made.bands)
    assert [(c["label"], c["field"]) for c in got.rows["columns"]] == list(FIELDS.items())
    expected = [{FIELDS[label]: text for label, text in row.items()} for row in lst.rows]
    found = agreement(expected, got.rows["items"], name_field="item_name")
    assert (found.chars, found.names, found.missing, found.rows) == (
        1.0, 1.0, [], (ROWS, ROWS)), found.worst
    assert got.warnings == []
    # The two citation columns are parsed by the family's parser, every cell read.
    cited = {(c["row"], c["field"]) for c in got.rows["citations"] if c["parsed"]}
    assert cited == {(i + 1, f) for i in range(ROWS)
                     for f in ("basis", "responsibility_basis")}


def test_power_list_printed_in_column_bands_validates_through_the_cli(printed, tmp_path):
    _, made = printed
    pdf = made["over_then_down_print_titles_repeat_header_and_two_left_columns"].path
    run = hostile.run_cli("extract", pdf, "--out", tmp_path / "v", "--validate", timeout=300)
    assert run.returncode == 0, run.stderr
    assert f"{ROWS} items (profile power), valid" in run.stderr
