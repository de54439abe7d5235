"""The named layout cases: a variant, the list it typesets and what the PDF looks like.

Producers: reportlab (``rl-``), headless Chromium (``chromium-``), LibreOffice
from a flat ODF text (``soffice-``) and LibreOffice from a Word .docx
(``docx-``, the way the 2021 replica itself was made).

Sources: ``gold:2021`` / ``gold:2023`` (tests/fixtures/shared), or
``random:SEED:N`` (N random items, see randomlist).  Random lists keep most
cases short (3–6 pages) so the whole run stays fast; the full lists are used
by one baseline per producer and by the hard mixes.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path

from tests.render.randomlist import random_gold
from tests.render.variant import PAGE_NUMBERS, Variant

SHARED = Path(__file__).resolve().parents[1] / "fixtures" / "shared"
GOLD_FILES = {"2021": SHARED / "notice-2021.json", "2023": SHARED / "notice-2023-synthetic.json"}


@dataclass(frozen=True)
class Case:
    """One parametrized layout test: ``id``, ``variant``, ``source`` and a description."""

    variant: Variant
    source: str
    looks: str

    @property
    def id(self) -> str:
        return self.variant.name


@functools.cache
def _load(source: str) -> str:
    kind, _, rest = source.partition(":")
    if kind == "gold":
        return GOLD_FILES[rest].read_text(encoding="utf-8")
    if kind == "random":
        seed, _, n = rest.partition(":")
        return json.dumps(random_gold(int(seed), int(n or 8)), ensure_ascii=False)
    raise ValueError(f"unknown source {source!r}")


def load_source(source: str) -> dict:
    """The gold dict of a case's source (a fresh copy each call)."""
    return json.loads(_load(source))


RL = Variant(name="rl-baseline")
MIDDLE = ("seq", "name", "department_text", "remarks")
TABLE_NOTE = "注：本清单所列事项由各主管部门负责解释，清单实行动态调整。"
CHROME = Variant(name="chromium-landscape", producer="chromium")
LO = Variant(name="soffice-landscape", producer="soffice")
DOCX = Variant(name="docx-landscape", producer="docx")

CASES: tuple[Case, ...] = (
    # --- reportlab: one quirk per case -------------------------------------------------
    Case(
        RL,
        "gold:2021",
        "replica-like: 2 portrait notice pages, landscape list, AR PL UMing, "
        "two-level header on every page, stroked rules, '— n —' page numbers",
    ),
    Case(
        RL.but("rl-portrait", orientation="portrait"),
        "random:11:10",
        "portrait list pages: narrow columns, many wrapped lines, more page breaks",
    ),
    Case(
        RL.but("rl-large-type", font_size=14.0),
        "random:12:8",
        "landscape, 14 pt table text: few rows per page, most rows split",
    ),
    Case(
        RL.but("rl-sans-microhei", font="microhei"),
        "random:13:8",
        "sans CJK font (WenQuanYi Micro Hei)",
    ),
    Case(
        RL.but("rl-serif-stsong", font="stsong"),
        "random:14:8",
        "reportlab's built-in non-embedded CID font STSong-Light (UniGB-UCS2-H)",
    ),
    Case(
        RL.but("rl-kai-ukai", font="ukai", font_size=11.0),
        "random:15:8",
        "kai CJK font (AR PL UKai), 11 pt",
    ),
    Case(
        RL.but("rl-no-running-header", running_header=None),
        "random:16:8",
        "no running header above the table",
    ),
    Case(
        RL.but(
            "rl-other-running-header",
            running_header="重庆市民政局文件",
            running_header_align="center",
            running_header_rule=True,
        ),
        "random:17:8",
        "centred running header '重庆市民政局文件' with a full-width rule under it",
    ),
    Case(
        RL.but("rl-page-di-ye", page_number=PAGE_NUMBERS["di-ye"]),
        "random:18:6",
        "page numbers '第 3 页' centred",
    ),
    Case(
        RL.but("rl-page-bare-outer", page_number=PAGE_NUMBERS["bare"], page_number_align="outer"),
        "random:19:6",
        "page numbers '3' at the outer corner (odd right, even left)",
    ),
    Case(
        RL.but("rl-page-hyphen", page_number=PAGE_NUMBERS["hyphen"]),
        "random:20:6",
        "page numbers '- 3 -'",
    ),
    Case(
        RL.but("rl-page-of-total", page_number=PAGE_NUMBERS["di-ye-gong"]),
        "random:21:6",
        "page numbers '第3页/共6页'",
    ),
    Case(RL.but("rl-page-none", page_number=None), "random:22:6", "no page numbers"),
    Case(
        RL.but("rl-attachment-only", notice_pages=False),
        "random:23:8",
        "the attachment alone: '附件', list title and table from page 1, no notice pages",
    ),
    Case(
        RL.but("rl-header-once", header_repeat=False),
        "random:24:10",
        "header rows only on the first table page; continuation pages start with a body row",
    ),
    Case(
        RL.but("rl-flat-header", header_levels=1),
        "random:25:8",
        "one-level header (序号|事项名称|具体内容|协助工作细化事项|依据|主管单位|备注)",
    ),
    Case(
        RL.but("rl-open-breaks", break_rules=False, header_repeat=False),
        "random:26:10",
        "no rule where a row breaks: last row of a page has no bottom rule, the "
        "continuation on the next page (header printed once) no top rule",
    ),
    Case(
        RL.but("rl-pushed-cell", force_pushed_cell=True),
        "random:27:10",
        "a row split where only 序号 (and one-line cells) stay on the page and the "
        "two-line name cell starts on the next page (widow/orphan control)",
    ),
    Case(
        RL.but("rl-inline-subitems", inline_subitems=True, marker_space=False),
        "random:28:8",
        "sub-items inline: '2.协助…。 ①开展… ②对…' in one paragraph",
    ),
    Case(
        RL.but("rl-kangxi-radicals", font="zenhei", substitute=("kangxi", "supplement")),
        "random:29:8",
        "text layer with Kangxi radicals / CJK Radicals Supplement (⽣ for 生) "
        "drawn from WenQuanYi Zen Hei's radical glyphs, header and notice included",
    ),
    Case(
        RL.but("rl-compat-ideographs", substitute=("compat",)),
        "random:30:8",
        "text layer with CJK compatibility ideographs (U+F900–FAFF, e.g. 不 for 不)",
    ),
    Case(
        RL.but("rl-fake-bold", fake_bold=True),
        "random:31:8",
        "every text run drawn twice, the copy 0.3 pt to the right (fake bold)",
    ),
    Case(
        RL.but("rl-stray-spaces", stray_spaces=True),
        "random:32:8",
        "characters placed one by one with stray U+0020 spaces between ~15% of them",
    ),
    Case(
        RL.but("rl-rect-rules", rules="rects"),
        "random:33:8",
        "table rules drawn as 0.5 pt filled rectangles, no stroked lines",
    ),
    Case(
        RL.but("rl-ragged", justify=False), "random:34:8", "lines not justified (ragged right edge)"
    ),
    Case(
        RL.but("rl-cell-borders-middle", cell_borders=True, middle=MIDDLE),
        "random:35:8",
        "Word-like: every cell draws its own box (shared edges drawn twice); 序号, name and "
        "department vertically centred in their cells",
    ),
    Case(
        RL.but("rl-notice-red-rule", notice_rule=True, header_font="microhei"),
        "random:36:6",
        "notice page with a red 1.5 pt rule under the issuers; sans headings, serif table",
    ),
    Case(
        RL.but("rl-latin-times", latin_font="times"),
        "random:37:8",
        "ASCII runs ('1.', '2020', 'QQ', 'APP') in Times-Roman, CJK in AR PL UMing (Word's "
        "西文字体): two fonts and baselines within one line",
    ),
    Case(
        RL.but("rl-rotated-pages", rotate_pages=True),
        "random:38:8",
        "landscape list pages stored as portrait pages with /Rotate 90 and turned content",
    ),
    Case(
        RL.but("rl-shading-zebra", header_shading=True, zebra=True),
        "random:39:8",
        "grey filled header cells and light grey filled rectangles (inset 0.25 pt) behind "
        "every other row",
    ),
    Case(
        RL.but("rl-continued-label", continued_label="续表", header_repeat=True),
        "random:40:10",
        "'续表' printed above the table on every continuation page",
    ),
    Case(
        RL.but("rl-note-empty-row", table_note=TABLE_NOTE, trailing_empty_row=True),
        "random:44:8",
        "an empty bordered row after the last item and a '注：…' paragraph under the table",
    ),
    Case(
        RL.but("rl-draw-order-columns", draw_order="columns"),
        "random:45:8",
        "text drawn column by column (all 序号, then all names, …) instead of row by row",
    ),
    Case(
        RL.but("rl-row-over-pages", orientation="portrait", font_size=16.0),
        "random:85:4",
        "portrait, 16 pt: a row runs over four pages (middle pages hold only its continuation)",
    ),
    Case(
        RL.but("rl-flow-after-notice", orientation="portrait", attachment_new_page=False),
        "random:47:8",
        "portrait throughout; '附件', title and table follow the notice text on its last page",
    ),
    Case(
        RL.but("rl-rows-kept-whole", allow_row_split=False),
        "random:48:10",
        "rows never split (Word: 'allow row to break across pages' off): white space at page "
        "bottoms, a row taller than a page still splits",
    ),
    Case(
        RL.but("rl-indent-ideographic", cell_indent="ideographic"),
        "random:49:8",
        "content and task paragraphs start with two typed U+3000 ideographic spaces",
    ),
    Case(
        RL.but("rl-indent-geometric", cell_indent="geometric"),
        "random:50:8",
        "content and task paragraphs with a 2 em first-line indent (no characters)",
    ),
    Case(
        RL.but("rl-notice-contact-table", notice_table=True),
        "random:52:6",
        "a small ruled contact table (联系单位|联系人|联系电话) on the notice's last page",
    ),
    Case(
        RL.but("rl-thick-outer-bold-header", outer_rule_width=1.5, bold_header=True),
        "random:53:8",
        "1.5 pt outer rules round the table, 0.5 pt inside; header text in fake bold",
    ),
    Case(
        RL.but("rl-column-widths", column_weights=(3.5, 9.0, 18.0, 30.0, 18.0, 12.0, 9.5)),
        "random:55:8",
        "other column widths: narrow name, wide content/basis/remarks, narrower tasks",
    ),
    Case(
        RL.but(
            "rl-letter-small-tight", paper="Letter", font_size=8.0, leading=1.08, cell_padding=1.0
        ),
        "random:56:12",
        "US Letter paper, 8 pt text, line height 1.08, 1 pt cell padding (text near the rules)",
    ),
    Case(
        RL.but("rl-condensed-type", horizontal_scale=85.0),
        "random:59:8",
        "glyphs condensed to 85 % width (Tz 85, Word's character scaling)",
    ),
    Case(
        RL.but("rl-turned-page-numbers", page_number_rotated=True),
        "random:60:8",
        "landscape pages' numbers turned 90° and printed up the right edge (bound with the "
        "portrait notice pages)",
    ),
    Case(
        RL.but("rl-header-double-rule", header_double_rule=True, header_repeat=True),
        "random:61:8",
        "a double rule under the header rows (two rules 1.5 pt apart)",
    ),
    # --- reportlab: hard mixes ----------------------------------------------------------
    Case(
        RL.but(
            "rl-hard-portrait-2021",
            orientation="portrait",
            break_rules=False,
            header_repeat=False,
            force_pushed_cell=True,
            rules="rects",
            fake_bold=True,
            font="zenhei",
            substitute=("kangxi", "supplement", "compat"),
            page_number=PAGE_NUMBERS["bare"],
            page_number_align="outer",
        ),
        "gold:2021",
        "2021 list, portrait, zenhei, rect rules, open breaks, header once, pushed cell, "
        "fake bold, radicals+compat ideographs, bare outer page numbers",
    ),
    Case(
        RL.but(
            "rl-hard-large-2023",
            font_size=13.0,
            inline_subitems=True,
            stray_spaces=True,
            running_header=None,
            page_number=PAGE_NUMBERS["di-ye-gong"],
            font="microhei",
            notice_pages=False,
            header_levels=1,
            justify=False,
        ),
        "gold:2023",
        "2023 list, attachment only, 13 pt microhei, flat header, inline sub-items, stray "
        "spaces, ragged lines, no running header, '第3页/共9页'",
    ),
    Case(
        RL.but(
            "rl-hard-word-2021",
            cell_borders=True,
            middle=MIDDLE,
            header_shading=True,
            latin_font="times",
            rotate_pages=True,
            continued_label="续表",
            table_note=TABLE_NOTE,
            trailing_empty_row=True,
            draw_order="reverse",
            substitute=("compat",),
            marker_space=False,
            running_header="重庆市民政局文件",
            running_header_rule=True,
            page_number=PAGE_NUMBERS["hyphen"],
            page_number_align="outer",
        ),
        "gold:2021",
        "Word-like 2021 list: per-cell borders, centred 序号/name/department, grey header, "
        "Times for ASCII, rotated pages, '续表', note and empty row after the table, text "
        "drawn in reverse after the rules, compatibility ideographs, ruled running header",
    ),
    # --- headless Chromium ---------------------------------------------------------------
    Case(
        CHROME,
        "gold:2021",
        "Chromium print of an HTML table: <thead> repeated, rows split "
        "with borders sliced at the page break, rules as filled rectangles (Skia)",
    ),
    Case(
        CHROME.but(
            "chromium-portrait-sliced",
            orientation="portrait",
            break_rules=False,
            page_number=PAGE_NUMBERS["di-ye"],
            page_number_align="outer",
            font="microhei",
        ),
        "random:41:10",
        "Chromium, portrait, separate borders (the table's top rule only on "
        "page 1, no rule at breaks), microhei, '第 3 页' at the outer corner",
    ),
    Case(
        CHROME.but(
            "chromium-header-once",
            header_repeat=False,
            notice_pages=False,
            running_header=None,
            page_number=PAGE_NUMBERS["hyphen"],
        ),
        "random:42:10",
        "Chromium, attachment only, header rows in <tbody> (printed once), no running header",
    ),
    Case(
        CHROME.but("chromium-middle", middle=MIDDLE, font="ukai", page_number=None),
        "random:43:8",
        "Chromium, ukai, 序号/name/department vertically centred (vertical-align: middle), "
        "no page numbers",
    ),
    Case(
        CHROME.but(
            "chromium-hard",
            inline_subitems=True,
            substitute=("kangxi", "supplement"),
            font="zenhei",
            font_size=12.0,
            justify=False,
            header_levels=1,
            running_header="重庆市民政局",
            running_header_align="right",
        ),
        "gold:2023",
        "Chromium, 2023 list, zenhei 12 pt, ragged, flat header, inline sub-items, Kangxi "
        "radicals in the text layer, right-aligned running header",
    ),
    Case(
        CHROME.but(
            "chromium-latin-shading",
            latin_font="times",
            header_shading=True,
            zebra=True,
            orientation="portrait",
        ),
        "random:46:10",
        "Chromium, portrait, DejaVu Serif for ASCII before the CJK font, grey header and "
        "zebra rows (background rectangles)",
    ),
    Case(
        CHROME.but(
            "chromium-webpage-2021",
            orientation="portrait",
            attachment_new_page=False,
            browser_header_footer=True,
            bold_header=True,
            justify=False,
            font="microhei",
        ),
        "gold:2021",
        "the notice web page printed as is: portrait, Chromium's own header/footer (date, "
        "title, file URL, 'n/N'), table right after the notice text, bold <th>, ragged text",
    ),
    Case(
        CHROME.but(
            "chromium-cellspacing",
            cell_spacing=1.5,
            allow_row_split=False,
            cell_indent="geometric",
            header_levels=1,
        ),
        "random:54:10",
        "old-style <table border=1>: every cell boxed 1.5 pt apart (double rules), rows kept "
        "whole (break-inside: avoid), 2 em first-line indents, flat header",
    ),
    Case(
        CHROME.but("chromium-auto-columns", auto_columns=True, paper="Letter"),
        "random:57:10",
        "Chromium, US Letter, table-layout auto: the browser sizes the columns from their text",
    ),
    Case(
        CHROME.but(
            "chromium-middle-long-rows", middle=MIDDLE, orientation="portrait", font_size=16.0
        ),
        "random:85:4",
        "Chromium, portrait 16 pt, 序号/name/department vertically centred in rows that run "
        "over several pages (the 序号 can land on a continuation page)",
    ),
    Case(
        CHROME.but(
            "chromium-continuation-top",
            allow_row_split=False,
            cell_indent="geometric",
            header_repeat=False,
            inline_subitems=True,
            orientation="portrait",
            page_number=PAGE_NUMBERS["hyphen"],
            paper="Letter",
            running_header=None,
            substitute=("kangxi", "supplement"),
        ),
        "random:1068:5",
        "Chromium, header printed once, rows kept whole: item 1 is taller than a page and its "
        "last task paragraph opens page 5 alone, in the tasks column, with no rule above it "
        "(found by the fuzzer, seed 68)",
    ),
    Case(
        CHROME.but(
            "chromium-rules-above-page",
            allow_row_split=False,
            cell_indent="ideographic",
            font_size=12.0,
            header_levels=1,
            latin_font="times",
            marker_space=False,
            page_number=PAGE_NUMBERS["hyphen"],
            paper="Letter",
            running_header="重庆市民政局文件",
        ),
        "random:1565:4",
        "Chromium, rows kept whole but one taller than a page: on page 6 its rules are drawn "
        "from y = -136 pt (above the page, clipped) down through the running header's line "
        "(found by the fuzzer, seed 565)",
    ),
    # --- LibreOffice ---------------------------------------------------------------------
    Case(
        LO,
        "gold:2021",
        "LibreOffice Writer export of a .fodt: header rows repeated "
        "(table-header-rows), rows split with borders closed at the break",
    ),
    Case(
        LO.but(
            "soffice-portrait-header-once",
            orientation="portrait",
            header_repeat=False,
            font="zenhei",
            page_number=PAGE_NUMBERS["di-ye-gong"],
            page_number_align="outer",
        ),
        "random:51:10",
        "LibreOffice, portrait, zenhei, header printed once, '第3页/共9页' outer",
    ),
    Case(
        LO.but(
            "soffice-hard",
            inline_subitems=True,
            substitute=("kangxi", "compat"),
            font_size=12.0,
            notice_pages=False,
            font="ukai",
            running_header=None,
        ),
        "gold:2023",
        "LibreOffice, 2023 list, attachment only, ukai 12 pt, inline sub-items, radicals and "
        "compatibility ideographs",
    ),
    Case(
        LO.but(
            "soffice-portrait-2021",
            orientation="portrait",
            latin_font="times",
            header_shading=True,
            zebra=True,
            middle=MIDDLE,
            page_number=PAGE_NUMBERS["bare"],
        ),
        "gold:2021",
        "LibreOffice, 2021 list in portrait, DejaVu Serif for ASCII, grey header, zebra rows, "
        "序号/name/department vertically centred, bare page numbers",
    ),
    Case(
        LO.but(
            "soffice-flow-2023",
            orientation="portrait",
            attachment_new_page=False,
            cell_indent="geometric",
            bold_header=True,
            allow_row_split=False,
            page_number=PAGE_NUMBERS["di-ye"],
        ),
        "gold:2023",
        "LibreOffice, 2023 list in portrait after the notice text on the same page, 2 em "
        "indents, bold header, rows kept whole, '第 3 页'",
    ),
    Case(
        LO.but(
            "soffice-letter-tight",
            paper="Letter",
            cell_padding=1.0,
            font_size=9.0,
            font="microhei",
            header_levels=1,
        ),
        "random:58:12",
        "LibreOffice, US Letter, microhei 9 pt, 0.75 pt cell padding, flat header",
    ),
    Case(
        LO.but(
            "soffice-header-split",
            attachment_new_page=False,
            bold_header=True,
            header_repeat=False,
            orientation="portrait",
            page_number=PAGE_NUMBERS["di-ye-gong"],
            page_number_align="outer",
            paper="Letter",
            running_header=None,
        ),
        "random:1155:7",
        "LibreOffice, table after the notice text, header rows not marked as repeating: the "
        "page breaks between the two header rows (序号…备注 at the foot of page 1, 事项名称 and "
        "具体内容 at the top of page 2) (found by the fuzzer, seed 155)",
    ),
    # --- LibreOffice from a Word .docx (pdf_docx) -----------------------------------------
    Case(
        DOCX,
        "gold:2021",
        "a .docx as python-docx writes it (w:tbl, w:tblHeader rows, w:vMerge/w:gridSpan "
        "two-level header) exported by LibreOffice 7.4, like the 2021 replica",
    ),
    Case(
        DOCX.but(
            "docx-word-style-2021",
            outer_rule_width=1.5,
            header_shading=True,
            bold_header=True,
            middle=MIDDLE,
            notice_rule=True,
            closing="after-table",
            running_header_rule=True,
            page_number_align="outer",
            title_page=True,
        ),
        "gold:2021",
        "Word-styled 2021 notice: red 文件 head and red rule, 1.5 pt outer borders, grey bold "
        "header, 序号/name/department centred vertically, ruled running header, page numbers "
        "outside (odd right, even left), none on page 1, 抄送/印发 lines after the table",
    ),
    Case(
        DOCX.but("docx-a3-large-type", paper="A3", font_size=14.0, font="ukai"),
        "random:701:8",
        "A3 landscape pages, 14 pt AR PL UKai",
    ),
    Case(
        DOCX.but(
            "docx-letter-narrow-portrait",
            paper="Letter",
            margins="narrow",
            orientation="portrait",
            font="microhei",
            cell_padding=1.0,
            header_levels=1,
        ),
        "random:702:8",
        "US Letter portrait with Word's narrow margins (1.27 cm), 1.8 pt cell margins, sans",
    ),
    Case(
        DOCX.but(
            "docx-indents-distributed",
            cell_indent="geometric",
            distribute=("name", "department_text"),
            cell_para_after=8.0,
            latin_font="times",
        ),
        "random:703:8",
        "w:jc both with 2-character first-line indents (w:firstLineChars) in content and tasks, "
        "names and departments 分散对齐 (w:jc distribute), 8 pt after every cell paragraph",
    ),
    Case(
        DOCX.but("docx-auto-numbering", auto_numbering=True, task_marker="、"),
        "random:704:8",
        "task markers from Word's list numbering (w:numPr: '1、' over '①', restarted per "
        "cell and section), not typed",
    ),
    Case(
        DOCX.but("docx-split-item-rows", split_item_rows=True, middle=MIDDLE),
        "random:705:8",
        "an item over several table rows (one per numbered task), its other cells merged "
        "down (w:vMerge) and vertically centred",
    ),
    Case(
        DOCX.but(
            "docx-title-row-vertical-header",
            title_in_table=True,
            vertical_header=("seq", "department_text", "remarks"),
            cell_spacing=1.5,
        ),
        "random:706:8",
        "the list title as a boxed first table row (repeated with the header), 序号/主管单位/"
        "备注 header cells in vertical text (w:textDirection), cells 1.5 pt apart "
        "(w:tblCellSpacing: double rules)",
    ),
    Case(
        DOCX.but("docx-doc-grid", doc_grid="chars", header_repeat=False),
        "random:707:8",
        "Word's document grid (w:docGrid linesAndChars): characters snapped to a wider "
        "pitch, header rows printed once",
    ),
    Case(
        DOCX.but(
            "docx-rows-kept-whole",
            allow_row_split=False,
            split_item_rows=True,
            header_repeat=False,
            font_size=9.0,
        ),
        "random:708:8",
        "rows not allowed to break across pages (w:cantSplit), one row per task, header once",
    ),
    Case(
        DOCX.but(
            "docx-flow-closing-page",
            orientation="portrait",
            margins="narrow",
            attachment_new_page=False,
            closing="own-page",
            table_note=TABLE_NOTE,
            page_number=PAGE_NUMBERS["di-ye-gong"],
        ),
        "random:709:8",
        "portrait: the list follows the notice on its page, a note under the table and the "
        "抄送/印发 lines in a portrait section of their own",
    ),
    Case(
        DOCX.but(
            "docx-typed-2023",
            font="ukai",
            substitute=("kangxi", "supplement"),
            inline_subitems=True,
            seq_style="dot",
            task_marker="．",
            marker_gap="\u00a0",
            invisible="\u200b",
            header_repeat=False,
            running_header=None,
        ),
        "gold:2023",
        "2023 list typed by hand: 序号 '1.', tasks '1．' + NBSP, inline ①, zero-width spaces "
        "pasted in the text (Writer drops them), Kangxi radicals, ukai, header once",
    ),
    # --- how 序号 and markers are typed, other producers ------------------------------------
    Case(
        RL.but("rl-typed-fullwidth", seq_style="fullwidth", task_marker="．", marker_gap="\u3000"),
        "random:710:8",
        "序号 in full-width digits ('１２'), tasks '1．' followed by an ideographic space",
    ),
    Case(
        CHROME.but(
            "chromium-typed-seq-dot", seq_style="dot", task_marker="、", marker_gap="\u00a0"
        ),
        "random:711:8",
        "Chromium: 序号 printed '1.', tasks '1、' followed by a no-break space",
    ),
    Case(
        LO.but("soffice-typed-seq-paren", seq_style="paren", task_marker="．"),
        "random:712:8",
        "LibreOffice: 序号 printed '（1）', tasks '1．'",
    ),
    # --- found in this round, failing until the extractor handles them ---------------------
    Case(
        RL.but("rl-contact-table-portrait", notice_table=True, orientation="portrait"),
        "random:70:2",
        "portrait list after a notice whose last page ends with a ruled contact table as wide "
        "as the list: the contact table's rows are taken for the list's header cut by a page "
        "break (fuzzer seeds 1124, 1178, … 45 of 1900)",
    ),
    Case(
        RL.but("rl-hanging-punct", hanging_punct=True, cell_padding=1.0),
        "random:602:6",
        "closing punctuation hangs past the cell's text edge (Word's 允许标点溢出边界) with 1 pt "
        "cell padding: the '，' or '、' ending a line straddles the column rule, its centre in "
        "the next column",
    ),
    Case(
        RL.but(
            "rl-hanging-punct-open-break",
            hanging_punct=True,
            cell_padding=2.0,
            break_rules=False,
            header_repeat=False,
        ),
        "random:604:6",
        "hanging punctuation in a row cut by a page break with no rule under it: a line "
        "whose '，' hangs over the column rule is taken for page furniture running across "
        "the rules and dropped",
    ),
    Case(
        CHROME.but("chromium-zero-width-spaces", invisible="\u200b"),
        "random:74:3",
        "Chromium printing text with zero-width spaces pasted in (web CMS text): it breaks "
        "lines there and writes U+0020 into the text layer; a space at a line's end overhangs "
        "the column rule in a row cut by the page break, and the line is dropped as furniture",
    ),
    Case(
        RL.but(
            "rl-seq-mark-wraps",
            seq_style="dunhao",
            widow_control=False,
            column_weights=(2.6, 12.0, 14.0, 38.0, 13.0, 9.0, 4.0),
            notice_pages=False,
        ),
        "random:405:6",
        "序号 '3、' wraps in a narrow column ('3' over '、') and the page breaks between the "
        "two lines: the next page's row starts with 序号 '、'",
    ),
    Case(
        DOCX.but(
            "docx-seq-digits-wrap",
            font_size=14.0,
            latin_font="helvetica",
            seq_style="fullstop",
            cell_para_after=8.0,
        ),
        "random:5239:11",
        "Word document, 14 pt: 序号 '11．' wraps as '1' over '1．' and the page breaks between "
        "them; read as two items 1 (docx fuzzer seeds 39, 239)",
    ),
    Case(
        CHROME.but(
            "chromium-split-row-unpainted",
            orientation="portrait",
            font_size=14.0,
            break_rules=False,
            cell_indent="geometric",
            paper="Letter",
        ),
        "random:3415:4",
        "Chromium, cells ruled right and bottom only (border-collapse: separate): the cells of a "
        "split row with no text left on the next page are not painted, so the continuation "
        "there has one ruled cell and no rule between it and the next item (fuzzer seed 2415)",
    ),
    Case(
        DOCX.but(
            "docx-seq-opener-first-page",
            header_font="microhei",
            font_size=12.0,
            header_levels=1,
            attachment_new_page=False,
            seq_style="paren",
        ),
        "random:5371:2",
        "Word document, list after the notice text: the header and item 1's first line end "
        "the page, its 序号 '（1）' cut as '（' | '1）': the first line is taken for a header "
        "row and silently dropped (docx fuzzer seeds 371, 568)",
    ),
)
