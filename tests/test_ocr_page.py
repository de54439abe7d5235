"""One drawn page read by OCR (the recogniser runs): characters, rules, cells, orientation.

Small images (a few cells of printed Chinese), so each reading takes a few seconds.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("rapidocr")

from pipeline.readers.grid import find_tables
from pipeline.readers.scan import read_scanned_page
from pipeline.settings import DEFAULT_LAYOUT

FONT = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
DPI = 200
PX = DPI / 72
#: Column rules (points) and the cells' text, row by row.
COLS = (30.0, 80.0, 230.0, 330.0)
ROWS = (60.0, 90.0, 150.0, 210.0)
CELLS = (("序号", "事项名称", "主管单位"),
         ("1", "协助做好社会救助工作", "民政部门"),
         ("2", "协助申领发放居住证", "公安部门"))
TITLE = "基层群众性自治组织工作事项清单"


def _page(seal: bool = False):
    """A white A6-like landscape page: a title, a ruled table, its text at 11 pt."""
    from PIL import Image, ImageDraw, ImageFont

    if not FONT.is_file():
        pytest.skip(f"{FONT} is not installed (fonts-wqy-zenhei)")
    img = Image.new("RGB", (round(360 * PX), round(240 * PX)), "white")
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(str(FONT), round(11 * PX))
    draw.text((round(COLS[0] * PX), round(25 * PX)), TITLE, font=font, fill="black")
    width = max(1, round(0.6 * PX))
    for x in COLS:
        draw.line([(x * PX, ROWS[0] * PX), (x * PX, ROWS[-1] * PX)], fill="black", width=width)
    for y in ROWS:
        draw.line([(COLS[0] * PX, y * PX), (COLS[-1] * PX, y * PX)], fill="black", width=width)
    for r, row in enumerate(CELLS):
        for c, text in enumerate(row):
            x0, x1 = COLS[c], COLS[c + 1]
            chars_per_line = max(1, int((x1 - x0 - 8) / 11.5))
            for k in range(0, len(text), chars_per_line):
                draw.text(((x0 + 4) * PX, (ROWS[r] + 5 + 14 * (k // chars_per_line)) * PX),
                          text[k:k + chars_per_line], font=font, fill="black")
    if seal:
        cx, cy, r = 280 * PX, 150 * PX, 45 * PX
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=(214, 38, 48),
                     width=round(3 * PX))
    return img


def _cells(page_layout):
    return [tuple(c.text for c in row.cells) for row in page_layout.rows]


@pytest.mark.parametrize("turn", [0, 90, 180, 270])
def test_a_drawn_table_is_read_exactly_in_any_orientation(turn):
    image = _page().rotate(turn, expand=True)
    page = read_scanned_page(image, 1, DPI, DEFAULT_LAYOUT, threads=2)
    assert page.ocr and page.width == pytest.approx(360, abs=1)  # turned upright
    layout = find_tables(page, DEFAULT_LAYOUT)
    assert [round(a) for a, _ in layout.columns] == pytest.approx(COLS[:-1], abs=2)
    assert _cells(layout) == list(CELLS)
    assert [ln.text for ln in layout.outside] == [TITLE]
    assert all(0 < c["conf"] <= 1 for c in page.chars)
    lines = [ln for row in layout.rows for c in row.cells for ln in c.lines]
    assert all(ln.conf is not None and ln.ocr is not None for ln in lines)


def test_characters_are_placed_in_points_where_they_are_printed():
    page = read_scanned_page(_page(), 1, DPI, DEFAULT_LAYOUT, threads=2)
    title = [c for c in page.chars if c["top"] < ROWS[0] - 10]
    assert "".join(c["text"] for c in title) == TITLE
    assert title[0]["x0"] == pytest.approx(COLS[0], abs=2.5)
    sizes = [c["size"] for c in page.chars]
    assert np.median(sizes) == pytest.approx(11, rel=0.25)


def test_a_red_seal_over_a_colour_table_fades_and_marks_its_characters():
    page = read_scanned_page(_page(seal=True), 1, DPI, DEFAULT_LAYOUT, threads=2)
    layout = find_tables(page, DEFAULT_LAYOUT)
    assert _cells(layout) == list(CELLS)  # the ring is no column rule, the text is read
    marked = "".join(c["text"] for c in page.chars if c.get("seal"))
    assert marked and set(marked) <= set("".join(CELLS[1] + CELLS[2]))


def test_a_grey_tilted_noisy_scan_is_read_exactly():
    rng = np.random.default_rng(0)
    image = _page().convert("L").rotate(1.4, fillcolor=255)
    arr = np.asarray(image).astype(np.float32) + rng.normal(0, 10, image.size[::-1])
    page = read_scanned_page(np.clip(arr, 0, 255).astype(np.uint8), 1, DPI, DEFAULT_LAYOUT)
    assert _cells(find_tables(page, DEFAULT_LAYOUT)) == list(CELLS)
