"""Named settings: every layout quirk and resource limit the pipeline knows of.

Layout facts that vary between producers (Word, WPS, LibreOffice, browsers)
are detected per page (table region, column edges, where a cell's text ends);
what remains are tolerances and vocabularies, kept here as data, in the spirit
of pdfplumber's ``TableSettings``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: How each items column is recognised from its header text.  Tried in this
#: order; each column takes the first field whose pattern matches its label
#: (labels of a two-level header are the column's header cells joined).
COLUMN_PATTERNS: tuple[tuple[str, str], ...] = (
    ("seq", r"序号|编号"),
    ("tasks_text", r"细化|协助工作.*事项"),
    ("basis_text", r"依据"),
    ("department_text", r"主管|责任单位|单位|部门"),
    ("remarks", r"备注|备\s*注|说明"),
    ("name", r"名称"),
    ("content", r"内容"),
)

#: The column order assumed when a table has no header row at all.
DEFAULT_COLUMN_ORDER: tuple[str, ...] = (
    "seq", "name", "content", "tasks_text", "basis_text", "department_text", "remarks")

#: Fields a list table must have; a table without them is not the list.
REQUIRED_COLUMNS: tuple[str, ...] = (
    "seq", "name", "content", "tasks_text", "basis_text", "department_text")

#: A 序号 cell: a number, as printed with or without a mark around it
#: ("12", "１２", "12.", "12、", "（12）").  Group 1 is the number.
SEQ_PATTERN = r"[（(]?\s*([0-9０-９]{1,4})\s*[)）.．、]?"

# Where a wrapped line must keep its line break: the next line starts a new
# sub-item or citation.  Applied per field (see FIELD_JOIN).
TASK_START = (r"(?:\d{1,2}\s*[.．、](?!\d)|[（(]\s*\d{1,2}\s*[）)]|[①-⑳㉑-㉟]"
              r"|[一二三四五六七八九十]{1,3}\s*、)")
CITATION_START = r"《"


@dataclass(frozen=True)
class FieldJoin:
    """How the lines of one cell are joined.

    ``breaks_before``: a regex; a line starting with it keeps its line break.
    ``paragraphs``: keep a break after a line that ends short of the cell's
    text edge (a paragraph end).  ``joiner``: what replaces other breaks.
    """

    breaks_before: str | None = None
    paragraphs: bool = True


FIELD_JOIN: dict[str, FieldJoin] = {
    "seq": FieldJoin(paragraphs=False),
    "name": FieldJoin(paragraphs=False),
    "content": FieldJoin(),
    "tasks_text": FieldJoin(breaks_before=TASK_START),
    "basis_text": FieldJoin(breaks_before=CITATION_START),
    # Department cells are narrow and wrap at every 、: keep none of it.
    "department_text": FieldJoin(paragraphs=False),
    "remarks": FieldJoin(),
}


@dataclass(frozen=True)
class LayoutSettings:
    """Tolerances for finding the table and reading its cells (PDF points)."""

    #: pdfplumber TableFinder settings (ruled tables only).
    snap_tolerance: float = 3.0
    join_tolerance: float = 3.0
    edge_min_length: float = 3.0
    intersection_tolerance: float = 3.0
    #: A filled rectangle at most this thick is a rule (browsers draw borders
    #: so); a thicker filled one is a background and draws no rule.
    rule_max_thickness: float = 3.0
    #: A vertical rule shorter than this does not make a table region.
    min_rule_height: float = 12.0
    #: Characters drawn twice within this distance (fake bold) are one.
    dedupe_tolerance: float = 1.0
    #: Characters whose vertical centres differ by less than this fraction of
    #: their size are on one line.
    line_tolerance: float = 0.5
    #: A line is "full" (it wrapped) when it ends within this many character
    #: widths of the cell's text edge; a shorter line ends a paragraph.
    full_line_slack: float = 2.2
    #: A gap wider than this fraction of the font size between two Latin
    #: letters or digits is a space.
    word_gap: float = 0.3
    #: Outside the table, a gap wider than this many font sizes is a space.
    outside_word_gap: float = 1.5
    #: Closing punctuation that may hang past a cell's text edge, over its rule
    #: (Word's 允许标点溢出边界): such a glyph does not make text "cross" a rule.
    hanging_punctuation: frozenset[str] = frozenset("，。、；：？！）》」』”’,.;:!?)")
    #: Cells of two pages are the same column when their edges differ by less.
    column_tolerance: float = 4.0
    #: Text inside the table region but in no cell is an error beyond this
    #: many characters (a stray mark is tolerated).
    max_stray_chars: int = 0
    #: When pages are read by OCR: "auto" (a page with no text layer and an
    #: image covering it), "always" (every page), "never" (an image-only page
    #: is an error).  The ``--ocr`` flag.
    ocr: str = "auto"
    #: An OCR'd character below this confidence (0–1) flags its cell for a person
    #: to check (``ocr_cells``, validation warnings).
    ocr_low_conf: float = 0.9
    #: A page without text whose largest image covers at least this share of it is
    #: a scan (``ocr`` auto).
    ocr_page_cover: float = 0.5
    #: Scans are rendered at their image's resolution, within these bounds (dpi).
    ocr_min_dpi: float = 150.0
    ocr_max_dpi: float = 300.0
    #: Words typical of seal text: OCR'd characters of them mark their cell as
    #: seal-like (a seal read into a cell), wherever they are read.
    seal_words: tuple[str, ...] = ("专用章",)
    seq_pattern: str = SEQ_PATTERN
    column_patterns: tuple[tuple[str, str], ...] = COLUMN_PATTERNS
    default_column_order: tuple[str, ...] = DEFAULT_COLUMN_ORDER
    required_columns: tuple[str, ...] = REQUIRED_COLUMNS
    field_join: dict[str, FieldJoin] = field(default_factory=lambda: dict(FIELD_JOIN))


@dataclass(frozen=True)
class Limits:
    """Resource limits for reading one PDF; each has a CLI flag."""

    max_file_mb: float = 50.0
    max_pages: int = 500
    timeout_s: float = 60.0
    memory_mb: int = 1024
    cpu_s: int = 60
    #: Ruling segments one page may draw (counted from its content streams before
    #: layout); a list page draws tens to hundreds.
    max_edges_per_page: int = 10_000
    #: OCR: address space of each OCR worker process (measured: a 300-dpi page with two
    #: threads peaks at 1.9 GB; onnxruntime fails under 1.5 GB there, under 1 GB at
    #: 200 dpi); the reader's hard memory limit.
    ocr_memory_mb: int = 2560
    #: OCR: CPU seconds one page may take in its worker (five times that in wall
    #: clock); the file's wall-clock limit grows by the wall allowance for each page
    #: OCR'd, shared among the workers.
    ocr_page_s: float = 120.0
    #: OCR: worker processes (0: one per core, fewer for fewer pages).
    ocr_workers: int = 0
    #: A page image larger than this (embedded, or rendered for OCR) is refused:
    #: decoding it would take gigabytes (a decompression bomb).
    max_page_megapixels: float = 100.0


DEFAULT_LAYOUT = LayoutSettings()
DEFAULT_LIMITS = Limits()
