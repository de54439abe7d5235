"""Named settings: every layout quirk and resource limit the pipeline knows of.

Layout facts that vary between producers (Word, WPS, LibreOffice, browsers)
are detected per page (table region, column edges, where a cell's text ends);
what remains are tolerances and vocabularies, kept here as data, in the spirit
of pdfplumber's ``TableSettings``.  What differs between families of lists
(column labels, the 序号 pattern, how each column's lines are joined and parsed)
is not here but in the list profiles (``pipeline/profiles/*.json``).
"""

from __future__ import annotations

from dataclasses import dataclass


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
    #: OCR reads printed full-width punctuation as its ASCII form; beside a Chinese
    #: character it is given back full width (ASCII, full width).
    ocr_full_width: tuple[tuple[str, str], ...] = (
        ("(", "（"), (")", "）"), (",", "，"), (":", "："), (";", "；"))


@dataclass(frozen=True)
class Limits:
    """Resource limits for reading one PDF; each has a CLI flag."""

    max_file_mb: float = 50.0
    #: Real lists run to a thousand pages and more; a page tree larger than this is
    #: refused before any page is read.
    max_pages: int = 2000
    timeout_s: float = 60.0
    #: Wall-clock and CPU seconds each page of text read adds to the limits, as the
    #: reading progresses (``timeout_s`` alone is sized for a notice of tens of pages).
    page_s: float = 1.0
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
