"""The named options of one rendering of a list notice.

A ``Variant`` changes only how the list is typeset, never its text: the
expected extraction of every variant is its source (a gold JSON or a random
list).  Producers read the fields they support and ignore the rest (each
producer's module says which).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

#: CJK fonts by key: (file, sub-font index, family name for HTML/ODF, style).
#: ``stsong`` is reportlab's built-in, non-embedded CID font.
FONTS: dict[str, tuple[str | None, int, str, str]] = {
    "stsong": (None, 0, "STSong-Light", "serif"),
    "uming": ("/usr/share/fonts/truetype/arphic/uming.ttc", 0, "AR PL UMing CN", "serif"),
    "ukai": ("/usr/share/fonts/truetype/arphic/ukai.ttc", 0, "AR PL UKai CN", "kai"),
    "microhei": (
        "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
        0,
        "WenQuanYi Micro Hei",
        "sans",
    ),
    "zenhei": ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0, "WenQuanYi Zen Hei", "sans"),
}

#: Fonts for ASCII text next to the CJK font (Word's 西文字体): key → (reportlab
#: standard font, family for HTML/ODF).
LATIN_FONTS: dict[str, tuple[str, str]] = {
    "times": ("Times-Roman", "DejaVu Serif"),
    "helvetica": ("Helvetica", "DejaVu Sans"),
}

#: Page-number forms; ``{n}`` is the page, ``{total}`` the page count.
PAGE_NUMBERS = {
    "dash": "— {n} —",
    "hyphen": "- {n} -",
    "bare": "{n}",
    "di-ye": "第 {n} 页",
    "di-ye-gong": "第{n}页/共{total}页",
}

#: How a 序号 may be printed; ``{n}`` is the number.
SEQ_STYLES = {
    "plain": "{n}",
    "dot": "{n}.",
    "fullstop": "{n}．",
    "dunhao": "{n}、",
    "paren": "（{n}）",
    "fullwidth": "{fw}",
}

#: Which substitutes for ideographs the text layer may use (see glyphsubst).
SUBSTITUTE_KINDS = ("kangxi", "supplement", "compat")


@dataclass(frozen=True)
class Variant:
    """How to typeset one list notice.  Defaults imitate the 2021 replica."""

    name: str = "baseline"
    producer: str = "reportlab"  # reportlab | chromium | soffice | docx
    orientation: str = "landscape"  # of the list pages; notice pages are portrait
    font: str = "uming"  # key of FONTS (body and table)
    header_font: str | None = None  # title/header font; None: same as font
    font_size: float = 10.5  # table text, pt
    leading: float = 1.3  # line height / font size
    running_header: str | None = "重庆市民政局规范性文件"
    running_header_align: str = "left"  # left | center | right
    running_header_rule: bool = False  # a rule under the running header
    page_number: str | None = PAGE_NUMBERS["dash"]
    page_number_align: str = "center"  # center | outer (odd right, even left)
    notice_pages: bool = True  # the notice text before the attachment
    attachment_label: bool = True  # "附件" and the list title above the table
    header_repeat: bool = True  # header rows on every page or only the first
    header_levels: int = 2  # 2: 渝府办发 spanning name+content; 1: flat
    rules: str = "lines"  # lines (stroked) | rects (thin filled rectangles)
    rule_width: float = 0.5
    break_rules: bool = True  # rules where a row breaks across a page
    widow_control: bool = True  # a paragraph keeps >= 2 lines on each page
    force_pushed_cell: bool = False  # search a layout where a cell starts on the next page
    justify: bool = True  # full lines stretched to the cell's text edge
    centered: tuple[str, ...] = ("seq", "department_text", "remarks")
    middle: tuple[str, ...] = ()  # fields vertically centred in their cell
    cell_borders: bool = False  # each cell draws its own four borders (Word-like)
    notice_rule: bool = False  # red rule under the issuers on the notice's first page
    latin_font: str | None = None  # key of LATIN_FONTS for ASCII runs ("1.", "2020", "APP")
    rotate_pages: bool = False  # landscape pages stored portrait with /Rotate 90
    header_shading: bool = False  # grey fill behind the header cells
    zebra: bool = False  # light grey fill behind every other row
    continued_label: str | None = None  # e.g. "续表" above the table on continuation pages
    table_note: str | None = None  # a paragraph under the table ("注：…")
    trailing_empty_row: bool = False  # an empty bordered row after the last item
    draw_order: str = "natural"  # natural | columns (text column by column) | reverse
    attachment_new_page: bool = True  # False: the list follows the notice text on its page
    allow_row_split: bool = True  # False: a row that does not fit moves whole to the next page
    cell_indent: str = "none"  # none | ideographic ("　　" typed) | geometric (2 em indent)
    bold_header: bool = False  # header cells in bold (synthetic bold for these fonts)
    outer_rule_width: float | None = None  # a thicker rule round the table
    browser_header_footer: bool = False  # chromium: its own date/title/URL/page x of y
    cell_spacing: float = 0.0  # chromium, docx: cell spacing (pt), every cell boxed: double rules
    notice_table: bool = False  # a small ruled contact table on the notice's last page
    column_weights: tuple[float, ...] | None = None  # relative widths in FIELDS order
    auto_columns: bool = False  # chromium: table-layout auto, the browser sizes columns
    paper: str = "A4"  # A4 | Letter | A3 (docx only)
    horizontal_scale: float = 100.0  # reportlab: glyphs condensed/expanded (Tz), percent
    hanging_punct: bool = False  # reportlab: "，。、" may hang past the cell's text edge
    page_number_rotated: bool = False  # reportlab: landscape page numbers turned 90°, at the edge
    header_double_rule: bool = False  # reportlab: a second rule 1.5 pt under the header
    inline_subitems: bool = False  # "…工作。 ①开展… ②对…" in one paragraph
    marker_space: bool = True  # "1. 协助" rather than "1.协助"
    substitute: tuple[str, ...] = ()  # SUBSTITUTE_KINDS used in the text layer
    fake_bold: bool = False  # every text run drawn twice, 0.3 pt apart
    fake_bold_offset: float = 0.3
    stray_spaces: bool = False  # space characters between some characters
    cell_padding: float = 3.0
    # --- how the text is typed (cells.build_cells; every producer) ---
    seq_style: str = "plain"  # key of SEQ_STYLES: 序号 printed "1", "1.", "（1）", "１", …
    task_marker: str = "."  # what follows a level-1 task number: "." | "．" | "、"
    marker_gap: str = " "  # the space typed after "1." (with marker_space): " ", NBSP, U+3000
    invisible: str = ""  # a zero-width character typed between some characters (U+200B…)
    # --- the .docx producer (pdf_docx) ---
    margins: str = "normal"  # normal (GB/T 9704 portrait) | narrow (Word's 1.27 cm)
    title_page: bool = False  # Word's "different first page": no header/footer on page 1
    distribute: tuple[str, ...] = ()  # fields set 分散对齐 (every line spread to the edges)
    doc_grid: str | None = None  # None | lines | chars: Word's document grid (文档网格)
    closing: str | None = None  # None | after-table | own-page: 抄送/印发 lines (版记)
    auto_numbering: bool = False  # task markers from Word's list numbering (w:numPr), not typed
    title_in_table: bool = False  # the list title as a boxed first table row spanning all columns
    split_item_rows: bool = False  # an item over several rows (one per task), others vMerged
    cell_para_after: float = 0.0  # pt after each cell paragraph (Word 2013 Normal: 8 pt)
    vertical_header: tuple[str, ...] = ()  # header cells of these fields set in vertical text

    def but(self, name: str, **changes) -> Variant:
        """A copy with another name and some options changed."""
        return replace(self, name=name, **changes)
