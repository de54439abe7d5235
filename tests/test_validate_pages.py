"""End to end (issue 19 item 1): `extract --validate` on a PDF whose list leaves table pages
unread fails, naming the pages; a page of text after the list is a warning, and the
extraction is valid.  The PDFs are spliced from generated lists (tests/render)."""

from __future__ import annotations

import json

from pipeline.quality.validate import REPORT_JSON
from tests import hostile
from tests.test_bands_printed import _spliced


def test_extract_validate_fails_naming_table_pages_the_list_left_unread(tmp_path):
    from tests.render.generic import ListOptions, random_spec, render_list

    lst = render_list(random_spec("proof", 1, 30), tmp_path / "list.pdf")
    other = render_list(random_spec("classification", 2, 20), tmp_path / "other.pdf",
                        ListOptions(title=False))
    n, m = len(lst.layout.pages), len(other.layout.pages)
    pdf = _spliced(tmp_path / "both.pdf", [(lst.path, range(n)), (other.path, range(m))])
    out = tmp_path / "v"
    run = hostile.run_cli("extract", pdf, "--out", out, "--validate", timeout=300)
    assert run.returncode == 1, run.stderr
    pages = f"{n + 1}" if m == 1 else f"{n + 1}–{n + m}"
    errors = [line for line in run.stderr.splitlines() if line.startswith("error:")]
    assert errors[0].startswith(f"error: {out}: unread_pages.pages: table_pages_read: found 1 "
                                f"of 1 rows: pages {pages}: why "), errors
    assert errors[-1].endswith("failed validation (1 checks)"), errors
    report = json.loads((out / REPORT_JSON).read_text(encoding="utf-8"))
    assert report["success"] is False and report["items"] == 30


def test_extract_validate_warns_of_a_page_of_text_after_the_list_and_is_valid(tmp_path):
    from reportlab.pdfgen.canvas import Canvas

    from tests.render.generic import random_spec, render_list
    from tests.render.pdf_reportlab import register_font

    lst = render_list(random_spec("proof", 4, 12), tmp_path / "list.pdf")
    text = tmp_path / "text.pdf"
    c = Canvas(str(text), pagesize=(595.28, 841.89))
    c.setFont(register_font("uming"), 12)
    c.drawString(72, 760, "说明：本清单所列证明事项，各单位不得另行索要其他证明材料。")
    c.showPage()
    c.save()
    n = len(lst.layout.pages)
    pdf = _spliced(tmp_path / "both.pdf", [(lst.path, range(n)), (text, [0])])
    run = hostile.run_cli("extract", pdf, "--out", tmp_path / "v", "--validate", timeout=300)
    assert run.returncode == 0, run.stderr
    assert (f"unread_pages.pages: text_pages_read: pages {n + 1}: kind 'text', why 'text "
            "outside any table, not part of the list'") in run.stderr
