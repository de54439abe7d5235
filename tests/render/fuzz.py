"""Random combinations of variant options, for runs beyond the named cases.

``random_case(seed)`` draws a producer, a source (a random list) and a mix of
the options that producer honours; ``random_docx_case(seed)`` draws a Word
document (pdf_docx) and how its table and text are typed.  Opt in with
LAYOUT_FUZZ=N / LAYOUT_FUZZ_DOCX=N for the test suite, or
``python -m tests.render OUT --fuzz A:B [--docx] --score``.
"""

from __future__ import annotations

import random

from tests.render.catalogue import Case
from tests.render.variant import FONTS, LATIN_FONTS, PAGE_NUMBERS, Variant

_MIDDLE = ("seq", "name", "department_text", "remarks")


def random_case(seed: int) -> Case:
    """A deterministic random (variant, random list) case named ``fuzz-<seed>``."""
    rng = random.Random(seed * 7919 + 17)
    producer = rng.choice(("reportlab", "reportlab", "reportlab", "chromium", "soffice"))
    fonts = [k for k in FONTS if k != "stsong" or producer == "reportlab"]
    orientation = rng.choice(("landscape", "portrait"))

    def coin(p: float = 0.3) -> bool:
        return rng.random() < p

    opts: dict = {
        "producer": producer,
        "orientation": orientation,
        "font": rng.choice(fonts),
        "font_size": rng.choice((9.0, 10.5, 10.5, 12.0, 14.0)),
        "running_header": rng.choice((None, "重庆市民政局规范性文件", "重庆市民政局文件")),
        "running_header_align": rng.choice(("left", "center", "right")),
        "page_number": rng.choice([None, *PAGE_NUMBERS.values()]),
        "page_number_align": rng.choice(("center", "outer")),
        "notice_pages": not coin(0.25),
        "header_repeat": not coin(0.3),
        "header_levels": rng.choice((1, 2, 2)),
        "justify": not coin(),
        "inline_subitems": coin(),
        "marker_space": not coin(0.4),
        "latin_font": rng.choice([None, None, *LATIN_FONTS]),
        "header_shading": coin(0.2),
        "zebra": coin(0.2),
        "bold_header": coin(0.2),
        "cell_indent": rng.choice(("none", "none", "ideographic", "geometric")),
        # Writer clips a row taller than a page when rows may not split: not for soffice.
        "allow_row_split": producer == "soffice" or not coin(0.2),
        "middle": _MIDDLE if coin(0.2) else (),
        "paper": rng.choice(("A4", "A4", "Letter")),
        "substitute": rng.choice(((), (), ("kangxi", "supplement"), ("compat",))),
    }
    if opts["substitute"] and opts["font"] in ("stsong", "microhei"):
        opts["font"] = "uming"  # these fonts have no radicals to draw
    if orientation == "portrait" and opts["notice_pages"] and coin():
        opts["attachment_new_page"] = False
    if producer == "reportlab":
        opts.update(
            rules=rng.choice(("lines", "lines", "rects")),
            break_rules=not coin(),
            cell_borders=coin(0.2),
            fake_bold=coin(0.2),
            stray_spaces=coin(0.2),
            running_header_rule=coin(0.2),
            rotate_pages=orientation == "landscape" and coin(0.2),
            continued_label="续表" if coin(0.15) else None,
            trailing_empty_row=coin(0.15),
            draw_order=rng.choice(("natural", "natural", "columns", "reverse")),
            outer_rule_width=1.5 if coin(0.2) else None,
            notice_rule=coin(0.2),
            notice_table=coin(0.15),
            horizontal_scale=rng.choice((100.0, 100.0, 100.0, 85.0, 110.0)),
            page_number_rotated=coin(0.15),
            header_double_rule=coin(0.15),
        )
    elif producer == "chromium":
        opts.update(
            break_rules=not coin(),
            browser_header_footer=coin(0.2),
            cell_spacing=1.5 if coin(0.15) else 0.0,
            auto_columns=coin(0.2),
        )
    source = f"random:{1000 + seed}:{rng.randint(3, 12)}"
    variant = Variant(name=f"fuzz-{seed}", **opts)
    looks = ", ".join(f"{k}={v}" for k, v in sorted(opts.items()) if v != getattr(Variant, k))
    return Case(variant, source, looks)


def random_docx_case(seed: int) -> Case:
    """A deterministic random Word-document case (pdf_docx) named ``docx-fuzz-<seed>``.

    Draws what a clerk may choose in Word: paper and margins, fonts, table
    style, header rows repeated or not, rows kept whole, vertical centring,
    justification (both or distribute), first-line indents, Word's list
    numbering, items over several rows, a title row in the table, the
    document grid, the notice before and the 抄送/印发 lines after the list,
    and how 序号 and task markers are typed.
    """
    rng = random.Random(seed * 104729 + 3)

    def coin(p: float = 0.3) -> bool:
        return rng.random() < p

    orientation = rng.choice(("landscape", "landscape", "portrait"))
    notice = not coin(0.2)
    opts: dict = {
        "producer": "docx",
        "orientation": orientation,
        "paper": rng.choice(("A4", "A4", "A4", "A3", "Letter")),
        "margins": rng.choice(("normal", "normal", "narrow")),
        "font": rng.choice(tuple(k for k in FONTS if k != "stsong")),
        "header_font": rng.choice((None, None, "microhei", "zenhei")),
        "latin_font": rng.choice([None, None, *LATIN_FONTS]),
        "font_size": rng.choice((9.0, 10.5, 10.5, 12.0, 14.0)),
        "running_header": rng.choice((None, None, "重庆市民政局规范性文件", "重庆市民政局文件")),
        "running_header_align": rng.choice(("left", "center", "right")),
        "running_header_rule": coin(0.4),
        "page_number": rng.choice([None, *PAGE_NUMBERS.values()]),
        "page_number_align": rng.choice(("center", "outer")),
        "title_page": coin(0.2),
        "notice_pages": notice,
        "notice_rule": notice and coin(0.5),
        "attachment_label": not coin(0.1),
        "header_repeat": not coin(0.3),
        "header_levels": rng.choice((1, 2, 2)),
        "justify": not coin(),
        "distribute": ("name", "department_text") if coin(0.15) else (),
        "middle": _MIDDLE if coin(0.4) else (),
        "cell_indent": rng.choice(("none", "none", "ideographic", "geometric")),
        "header_shading": coin(0.4),
        "zebra": coin(0.1),
        "bold_header": coin(0.4),
        "outer_rule_width": rng.choice((None, None, 1.5, 2.25)),
        "cell_padding": rng.choice((1.0, 3.0, 3.0, 5.0)),
        "allow_row_split": not coin(0.3),
        "doc_grid": rng.choice((None, None, "lines", "chars")),
        "closing": rng.choice((None, None, "after-table", "own-page")),
        "table_note": "注：本清单所列事项由各主管部门负责解释。" if coin(0.15) else None,
        "inline_subitems": coin(0.2),
        "marker_space": not coin(0.4),
        "marker_gap": rng.choice((" ", " ", "\u00a0", "\u3000")),
        "task_marker": rng.choice((".", ".", "．", "、")),
        "seq_style": rng.choice(
            ("plain", "plain", "plain", "dot", "fullstop", "dunhao", "paren", "fullwidth")
        ),
        "substitute": rng.choice(((), (), (), ("kangxi", "supplement"), ("compat",))),
        "auto_numbering": coin(0.3),
        "title_in_table": coin(0.15),
        "split_item_rows": coin(0.2),
        "cell_para_after": rng.choice((0.0, 0.0, 4.0, 8.0)),
        "widow_control": not coin(0.2),
        "invisible": "\u200b" if coin(0.1) else "",
    }
    # Word and Writer clip a row kept whole that is taller than a page (the text is
    # lost): keep rows whole only when they are short (one task per row, small type).
    if not opts["allow_row_split"] and not (opts["split_item_rows"] and opts["font_size"] <= 10.5):
        opts["allow_row_split"] = True
    if opts["substitute"] and opts["font"] == "microhei":
        opts["font"] = "uming"  # no radicals to draw
    if orientation == "portrait" and notice and coin():
        opts["attachment_new_page"] = False
    source = f"random:{5000 + seed}:{rng.randint(3, 12)}"
    variant = Variant(name=f"docx-fuzz-{seed}", **opts)
    looks = ", ".join(f"{k}={v!r}" for k, v in sorted(opts.items()) if v != getattr(Variant, k))
    return Case(variant, source, looks)
