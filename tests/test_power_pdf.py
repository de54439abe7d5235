"""权责清单 workbooks printed to PDF by LibreOffice (as offices print them: landscape, one
page wide, the header repeated, rows as high as their text) read as the workbooks do:
every item name in order, every cell, the title row inside the ruled table as the list
title, the 备注 row as a note, the items of later sheets after their own title and
header.  Slow: one soffice run for the set.
"""

from __future__ import annotations

import pytest

from pipeline.extract import run
from tests.formats import extract_notice, needs_soffice
from tests.formats.sheet import convert_workbooks
from tests.render.power import VARIANTS, gold_of, make_list, score_items
from tests.render.power_files import write_xlsx

PRINTED = ("title_row", "merged_label", "sub_rows", "odd_seqs", "note_row", "everything")

pytestmark = [pytest.mark.slow, needs_soffice]


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    """name → (the PDF, its gold as a source without sheets)."""
    root = tmp_path_factory.mktemp("power-pdf")
    lists = {name: make_list(VARIANTS[name]) for name in PRINTED}
    sources = [write_xlsx(plist, root / f"{name}.xlsx") for name, plist in lists.items()]
    pdfs = convert_workbooks(sources, "pdf", root / "pdf")
    return {name: (pdf, gold_of(lists[name], sheets=False))
            for name, pdf in zip(lists, pdfs, strict=True)}


@pytest.mark.parametrize("name", PRINTED)
def test_power_workbook_printed_to_pdf_reads_as_the_workbook(name, printed):
    pdf, gold = printed[name]
    got = run(pdf)
    assert got.notice["profile"] == "power"
    assert got.notice["page_count"] >= 3  # (a list over pages: the header repeated)
    assert score_items(gold, got.rows["items"]) == {"names": 1.0, "chars": 1.0}
    assert got.notice["list_title"] == gold["list_title"]
    assert got.notice["list_notes"] == gold["list_notes"]
    odd = [w for w in got.notice["warnings"] if "序号" in w]
    assert len(odd) == (4 if VARIANTS[name].odd_seqs else 0), got.notice["warnings"]
    assert all(i["page_start"] for i in got.rows["items"])


def test_power_pdf_extracts_with_validate(printed, tmp_path):
    notice = extract_notice(printed["everything"][0], tmp_path / "o", "--validate",
                            timeout=300)
    assert (notice["profile"], notice["item_count"]) == ("power", 30)
