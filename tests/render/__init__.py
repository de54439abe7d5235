"""Render list notices in varied layouts and by several PDF producers, for layout tests.

    render_notice(gold, out_pdf, variant)   one PDF (reportlab, chromium, soffice, docx)
    random_gold(seed, n_items)              a random list in the gold JSON format
    CASES                                   the named (variant, source) cases tested

``gold`` is a gold JSON dict (tests/fixtures/shared/notice-2021.json format).
A variant changes only the typesetting: the expected extraction is ``gold``.

Producers: reportlab (pdf_reportlab: our own table layout, every option),
headless Chromium printing HTML (pdf_chromium), LibreOffice exporting a
flat ODF text (pdf_soffice) and LibreOffice exporting a Word .docx written
as raw WordprocessingML (pdf_docx); each module's docstring lists the
options it honours.  tests/test_layouts.py renders every case once per session, extracts
it with the pipeline and scores it with tests/fixtures/shared/score.py.

    .venv/bin/python -m tests.render OUT_DIR [CASE_ID ...]     render for a look
    .venv/bin/python -m tests.render OUT_DIR --score           … and score each case
    .venv/bin/python -m tests.render OUT_DIR --fuzz 200 --score  random option mixes
    .venv/bin/python -m tests.render OUT_DIR --fuzz 1100:3000 --score   seeds 1100..2999
    .venv/bin/python -m tests.render OUT_DIR --fuzz 0:700 --docx --score  random Word documents
    LAYOUT_FUZZ=50 .venv/bin/python -m pytest tests/test_layouts.py -k random
    LAYOUT_FUZZ_DOCX=50 .venv/bin/python -m pytest tests/test_layouts.py -k random
"""

from __future__ import annotations

from pathlib import Path

from tests.render.catalogue import CASES, Case, load_source
from tests.render.randomlist import random_gold
from tests.render.variant import FONTS, PAGE_NUMBERS, Variant

__all__ = [
    "CASES",
    "FONTS",
    "PAGE_NUMBERS",
    "Case",
    "Variant",
    "load_source",
    "random_gold",
    "render_notice",
]


def render_notice(gold: dict, out_pdf: Path, variant: Variant) -> Path:
    """Typeset ``gold`` as ``variant`` into ``out_pdf`` with the variant's producer."""
    if variant.producer == "reportlab":
        from tests.render.pdf_reportlab import render_reportlab

        return render_reportlab(gold, out_pdf, variant)
    if variant.producer == "chromium":
        from tests.render.pdf_chromium import render_chromium

        return render_chromium(gold, out_pdf, variant)
    if variant.producer == "soffice":
        from tests.render.pdf_soffice import render_soffice

        return render_soffice([(gold, Path(out_pdf), variant)])[0]
    if variant.producer == "docx":
        from tests.render.pdf_docx import render_docx

        return render_docx([(gold, Path(out_pdf), variant)])[0]
    raise ValueError(f"unknown producer {variant.producer!r}")
