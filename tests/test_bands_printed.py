"""Wide lists printed in column bands (issue 19), printed in the test session by reportlab
as a spreadsheet prints them (tests/render/wide.py): every column of every row is read, as
the workbook holds it; a page the list does not read is named; clipped cells keep what the
page shows.  LibreOffice printing real workbooks: tests/test_bands_soffice.py (slow)."""

from __future__ import annotations

import json

import pytest

from tests import hostile
from tests.render.wide import Printing, agreement, render_bands, wide_list

ROWS = 40

#: name → (printing, list width factor, bands printed)
CASES = {
    "down_then_over_four_bands_header_on_each_bands_first_page": (Printing(), 1.0, 4),
    "down_then_over_header_on_every_page": (Printing(title_rows=True), 1.0, 4),
    "over_then_down_header_once_per_band": (Printing(order="overThenDown"), 1.0, 4),
    "over_then_down_print_titles_repeat_header_and_two_left_columns": (
        Printing(order="overThenDown", title_rows=True, title_cols=2), 1.0, 4),
    "three_bands_a3_print_title_column_the_last_band_one_column_more": (
        Printing(paper="A3", title_cols=1), 1.0, 3),
    "two_bands_a3_landscape": (Printing(paper="A3", orientation="landscape"), 1.0, 2),
    "landscape_rows_cut_at_page_foot_and_a_band_of_one_column": (
        Printing(orientation="landscape", row_split=True), 1.0, 3),
    "one_band_is_read_as_ever": (Printing(paper="A3", orientation="landscape"), 0.7, 1),
}


def _extract(pdf):
    """The pipeline's extraction of ``pdf``, in this process (no validation)."""
    from pipeline.extract import run

    return run(pdf)


@pytest.fixture(scope="module")
def wide():
    return wide_list(3, ROWS)


@pytest.fixture(scope="module")
def printed(wide, tmp_path_factory):
    folder = tmp_path_factory.mktemp("bands")
    out = {}
    for name, (printing, width, _) in CASES.items():
        lst = wide if width == 1.0 else wide_list(3, ROWS, width=width)
        made = render_bands(lst, folder / f"{name}.pdf", printing)
        out[name] = (lst, made, _extract(made.path))
    return out


@pytest.mark.parametrize("name", list(CASES))
def test_bands_every_column_of_every_row_is_read_as_the_workbook_holds_it(printed, name):
    lst, made, extraction = printed[name]
    assert len(made.bands) == CASES[name][2]  # (the case prints what it is named after)
    items = extraction.rows["items"]
    found = agreement(made.items, items)
    assert (found.chars, found.names, found.missing, found.rows) == (1.0, 1.0, [], (ROWS, ROWS)), \
        found.worst
    notice = extraction.notice
    assert notice["unread_pages"] == []
    assert extraction.warnings == []
    if len(made.bands) > 1:
        assert len(notice["column_bands"]["pages"]) == len(made.bands)
        assert sorted(n for band in notice["column_bands"]["pages"] for n in band) == \
            list(range(1, made.pages + 1))
    else:
        assert notice["column_bands"] is None
    # Every printed label names its column once (print-title columns are not read twice).
    assert [c["label"] for c in extraction.rows["columns"]] == lst.labels


@pytest.mark.parametrize("name", ["down_then_over_four_bands_header_on_each_bands_first_page",
                                  "over_then_down_header_once_per_band",
                                  "landscape_rows_cut_at_page_foot_and_a_band_of_one_column"])
def test_bands_category_merged_across_a_page_break_fills_every_row(printed, name):
    lst, made, extraction = printed[name]
    assert made.crossing_runs(lst) > 0
    field = next(c["field"] for c in extraction.rows["columns"] if c["label"] == "职权类型")
    assert [it[field] for it in extraction.rows["items"]] == [r["职权类型"] for r in lst.rows]


def test_bands_items_keep_the_first_bands_page_numbers(printed):
    _, made, extraction = printed["down_then_over_four_bands_header_on_each_bands_first_page"]
    first = {i: p + 1 for p, rows in enumerate(made.rows_on) for i in rows}
    assert [it["page_start"] for it in extraction.rows["items"]] == [first[i] for i in range(ROWS)]


def test_bands_printed_list_validates_through_the_cli(printed, tmp_path):
    _, made, _ = printed["over_then_down_print_titles_repeat_header_and_two_left_columns"]
    run = hostile.run_cli("extract", made.path, "--out", tmp_path / "v", "--validate",
                          timeout=300)
    assert run.returncode == 0, run.stderr
    assert "column bands, over, then down" in run.stderr
    assert f"{ROWS} items (profile generic), valid" in run.stderr


def test_clipped_cells_keep_what_the_page_shows_and_are_named(wide, tmp_path):
    """A row set lower than its text (by hand, in the sheet): the cell's text is drawn
    whole under a clip of the cell, so the text layer holds lines the page does not show,
    which used to be read into the next row's cell."""
    made = render_bands(wide, tmp_path / "clipped.pdf", Printing(clipped_rows=(3, 7)))
    assert made.clipped  # (some cell is taller than its row)
    extraction = _extract(made.path)
    found = agreement(made.items, extraction.rows["items"])
    assert (found.chars, found.names) == (1.0, 1.0), found.worst
    named = {(c["row"], c["label"]) for c in extraction.notice["clipped_cells"]}
    assert named == {(i + 1, label) for i, label in made.clipped}
    assert all(c["hidden"] for c in extraction.notice["clipped_cells"])
    assert len(extraction.warnings) == len(made.clipped)
    assert all("the cell is cut off in print" in w and "kept as shown" in w
               for w in extraction.warnings)


def _spliced(out, parts):
    """A PDF of pages taken from other PDFs: ``parts`` = [(path, [0-based pages])]."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument.new()
    for path, pages in parts:
        doc.import_pages(pdfium.PdfDocument(str(path)), pages)
    doc.save(str(out))
    return out


def test_unread_band_page_that_does_not_line_up_is_named_and_its_columns_left_empty(
        wide, tmp_path):
    made = render_bands(wide, tmp_path / "a.pdf", Printing())
    other = render_bands(wide_list(99, ROWS), tmp_path / "b.pdf", Printing())
    assert made.row_pages == 3 and len(made.bands) == 4
    # Page 5 (band 2, second run of rows) taken from another list: its rows do not line up.
    pdf = _spliced(tmp_path / "spliced.pdf", [(made.path, range(4)), (other.path, [4]),
                                              (made.path, range(5, 12))])
    extraction = _extract(pdf)
    notice = extraction.notice
    assert notice["unread_pages"] == [{
        "pages": [5, 5], "kind": "table",
        "why": "the columns of band 2 of the table (printed down, then over), but its rows do "
               "not line up with page 2's (another number of rows, or other heights)"}]
    assert extraction.warnings == [
        "page 5 holds a table that was not read: the columns of band 2 of the table (printed "
        "down, then over), but its rows do not line up with page 2's (another number of "
        "rows, or other heights)"]
    items = extraction.rows["items"]
    band2 = [wide.labels[j] for j in made.bands[1]]
    fields = {c["label"]: c["field"] for c in extraction.rows["columns"]}
    on_page_2 = set(made.rows_on[1])
    for i, item in enumerate(items):
        for label in band2:
            want = "" if i in on_page_2 else wide.rows[i][label]
            assert "".join(item[fields[label]].split()) == "".join(want.split()), (i, label)


def test_a_document_cut_short_names_the_rows_without_their_last_band(wide, tmp_path):
    made = render_bands(wide, tmp_path / "a.pdf", Printing())
    pdf = _spliced(tmp_path / "short.pdf", [(made.path, range(made.pages - 1))])
    extraction = _extract(pdf)
    assert extraction.notice["unread_pages"] == [{
        "pages": [3, 3], "kind": "table",
        "why": "its rows lack the columns of band(s) 4: no page prints them (the document "
               "may be cut short)"}]
    assert len(extraction.rows["items"]) == ROWS


def test_unread_pages_of_another_table_after_the_list_are_named_in_a_warning(tmp_path):
    """A list followed by a table of other columns: the generic profile reads the list
    and used to end there without a word about the other table's pages."""
    from tests.render.generic import ListOptions, random_spec, render_list

    lst = render_list(random_spec("proof", 1, 30), tmp_path / "list.pdf")
    other = render_list(random_spec("classification", 2, 20), tmp_path / "other.pdf",
                        ListOptions(title=False))
    n, m = len(lst.layout.pages), len(other.layout.pages)
    pdf = _spliced(tmp_path / "both.pdf", [(lst.path, range(n)), (other.path, range(m))])
    run = hostile.run_cli("extract", pdf, "--out", tmp_path / "v", timeout=300)
    assert run.returncode == 0, run.stderr
    notice = json.loads((tmp_path / "v" / "notice.json").read_text(encoding="utf-8"))
    first, last = n + 1, n + m
    assert [(e["pages"], e["kind"]) for e in notice["unread_pages"]] == [([first, last], "table")]
    where = f"page {first} holds" if first == last else f"pages {first}–{last} hold"
    assert f"warning: {tmp_path / 'v'}: {where} a table that was not read: 5 columns " in \
        run.stderr
    assert notice["item_count"] == 30


def test_a_page_of_text_after_the_list_is_named_not_read(tmp_path):
    """Text after the list began (a page of explanations, not a table) is not part of
    the list: it is named, so that no page is left without a word."""
    from reportlab.pdfgen.canvas import Canvas

    from tests.render.generic import random_spec, render_list
    from tests.render.pdf_reportlab import register_font

    lst = render_list(random_spec("proof", 4, 12), tmp_path / "list.pdf")
    text = tmp_path / "text.pdf"
    c = Canvas(str(text), pagesize=(595.28, 841.89))
    c.setFont(register_font("uming"), 12)
    c.drawString(72, 760, "说明：本清单所列证明事项，各单位不得另行索要其他证明材料。")
    c.drawString(280, 40, "- 9 -")
    c.showPage()
    c.save()
    n = len(lst.layout.pages)
    extraction = _extract(_spliced(tmp_path / "both.pdf", [(lst.path, range(n)), (text, [0])]))
    assert extraction.notice["unread_pages"] == [{
        "pages": [n + 1, n + 1], "kind": "text",
        "why": "text outside any table, not part of the list"}]
    assert extraction.warnings == [f"page {n + 1} holds text that was not read: text outside "
                                   "any table, not part of the list"]


def test_every_page_of_the_2021_notice_is_the_notice_or_the_list(pdf_2021):
    notice = json.loads((pdf_2021 / "notice.json").read_text(encoding="utf-8"))
    assert notice["unread_pages"] == [] and notice["clipped_cells"] == []
    assert notice["column_bands"] is None


def test_a_framed_box_beside_text_is_text_not_a_one_column_table(tmp_path):
    """One-column tables are found for bands of one column; a framed box with text
    beside it (a notice's boxed note) is text as before, not a table refused for the
    characters beside it, and the page is the notice's."""
    from reportlab.pdfgen.canvas import Canvas

    from tests.render.generic import random_spec, render_list
    from tests.render.pdf_reportlab import register_font

    lst = render_list(random_spec("proof", 4, 12), tmp_path / "list.pdf")
    notice = tmp_path / "notice.pdf"
    c = Canvas(str(notice), pagesize=(595.28, 841.89))
    c.setFont(register_font("uming"), 12)
    c.rect(300, 600, 200, 120)
    c.drawString(310, 700, "联系人：张三")
    for k in range(5):
        c.drawString(72, 700 - 20 * k, f"各有关单位：现将清单印发给你们，请遵照执行{k}。")
    c.showPage()
    c.save()
    n = len(lst.layout.pages)
    extraction = _extract(_spliced(tmp_path / "both.pdf", [(notice, [0]), (lst.path, range(n))]))
    assert extraction.notice["table_pages"] == [2, n + 1]
    assert extraction.notice["unread_pages"] == []
    assert len(extraction.rows["items"]) == 12
