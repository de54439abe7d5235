"""Wide lists printed in column bands by LibreOffice from real workbooks (issue 19): a
generated .xlsx (tests/render/wide_sheet.py: page order, print titles, paper, merged
categories) printed to PDF, then extracted with --validate: the items are the workbook's
cells (≥ 97 % of characters, names ≥ 99 %; here all of them), every page read.  Slow: one
LibreOffice run prints every workbook."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest

from tests import hostile
from tests.render.wide import Printing, agreement, expected_items, wide_list
from tests.render.wide_sheet import print_workbooks, write_wide_workbook

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(shutil.which("soffice") is None, reason="needs LibreOffice")]

ROWS = 60

#: name → (printing, list width factor, bands LibreOffice prints)
CASES = {
    "down_then_over_no_print_titles": (Printing(), 1.0, 4),
    "over_then_down_header_row_and_two_columns_repeated": (
        Printing(order="overThenDown", title_rows=True, title_cols=2), 1.0, 4),
    "down_then_over_header_row_repeated_landscape": (
        Printing(title_rows=True, orientation="landscape"), 1.0, 3),
    "a3_landscape_first_column_repeated": (
        Printing(paper="A3", orientation="landscape", title_cols=1), 1.0, 2),
    "over_then_down_no_print_titles": (Printing(order="overThenDown"), 1.0, 4),
    "one_band": (Printing(paper="A3", orientation="landscape"), 0.6, 1),
}


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bands-soffice")
    lists = {name: wide_list(5, ROWS, width=width) for name, (_, width, _) in CASES.items()}
    books = [write_wide_workbook(lists[name], folder / f"{name}.xlsx", printing)
             for name, (printing, _, _) in CASES.items()]
    clipped = write_wide_workbook(lists["down_then_over_no_print_titles"],
                                  folder / "clipped.xlsx", Printing(clipped_rows=(3, 7)))
    pdfs = print_workbooks([*books, clipped], folder)
    return folder, lists, dict(zip([*CASES, "clipped"], pdfs, strict=True))


def _extracted(folder, pdf, name, *flags):
    out = folder / f"out-{name}"
    run = hostile.run_cli("extract", pdf, "--out", out, *flags, timeout=600)
    notice = json.loads((out / "notice.json").read_text(encoding="utf-8")) if out.exists() \
        else {}
    items = pd.read_parquet(out / "items.parquet").to_dict("records") if out.exists() else []
    return run, notice, items


@pytest.mark.parametrize("name", list(CASES))
def test_bands_printed_by_libreoffice_give_the_workbooks_items(printed, name):
    folder, lists, pdfs = printed
    run, notice, items = _extracted(folder, pdfs[name], name, "--validate")
    assert run.returncode == 0, run.stderr
    bands = CASES[name][2]
    assert (len(notice["column_bands"]["pages"]) if notice["column_bands"] else 1) == bands
    assert notice["unread_pages"] == []
    found = agreement(expected_items(lists[name]), items)
    assert found.rows == (ROWS, ROWS) and not found.missing
    assert found.chars >= 0.97 and found.names >= 0.99, found.worst
    assert [line for line in run.stderr.splitlines()
            if line.startswith("warning:") and "item_count" not in line] == []


def test_libreoffice_clipped_cells_keep_what_the_page_shows_and_are_named(printed):
    """Rows 4 and 8 set two lines high: LibreOffice clips their taller cells and draws
    the cut lines under the clip, where they used to join the next row's cells.  (Not
    validated: a citation cut mid-article fails the citations suite, as it should.)"""
    folder, lists, pdfs = printed
    wide = lists["down_then_over_no_print_titles"]
    run, notice, items = _extracted(folder, pdfs["clipped"], "clipped")
    assert run.returncode == 0, run.stderr
    assert notice["clipped_cells"] and {c["row"] for c in notice["clipped_cells"]} <= {4, 8}
    assert "the cell is cut off in print" in run.stderr
    expected = expected_items(wide)
    fields = list(expected[0])
    for i, (want, got) in enumerate(zip(expected, items, strict=True)):
        for f in fields:
            a, b = ("".join(str(x).split()) for x in (want[f], got[f]))
            if i in (3, 7):
                assert a.startswith(b), (i, f)  # what the page shows: the cell's start
            else:
                assert a == b, (i, f)  # (the cut lines are not read into the next row)
