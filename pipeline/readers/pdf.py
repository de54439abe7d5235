"""The PDF reader: each page read from its text layer, or by OCR where it is a scan.

    read_pdf(path, fmt, layout, limits) → ``model.Document``

Only this reader talks to pdfplumber and pypdfium2.  Pages are chosen one by one
(``_plan``, after ``layout.ocr``): with ``auto``, a page with no text layer whose
largest image covers most of it is a scan; ``always`` OCRs every page; ``never``
OCRs none (a PDF of image-only pages is then refused by ``guard``).

Text pages are read in this process (``_text_pages``: chars and ruling edges,
laid out by ``readers.grid.find_tables``, then released, so memory stays flat
however long the notice is), or, for long documents, in chunks by worker
processes (``_text_in_parallel``: at least ``PARALLEL_TEXT_PAGES`` per worker).
Scanned pages are read in worker processes (``readers.workers``: as many as
there are cores, each with one recogniser and the OCR memory limit): rendered
by pdfium at the embedded image's resolution (within ``layout.ocr_min_dpi`` to
``ocr_max_dpi``), read by ``readers.scan``, laid out by the same ``find_tables``;
the cells to check get a crop of the page
image (``_mark_cells``).  Progress goes to the user per OCR'd page.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError, LimitError
from ..model import Document, Page, PageLayout
from ..settings import DEFAULT_LAYOUT, DEFAULT_LIMITS, LayoutSettings, Limits
from .grid import find_tables

# The keys later stages read; copying only these keeps pages small.
CHAR_KEYS = ("text", "x0", "x1", "top", "bottom", "size", "upright")
#: Source images coarser than this (dpi) cannot be read by OCR.
MIN_SOURCE_DPI = 50.0
#: Resolution for OCR of a page that has no image (``--ocr always`` on a text page).
DEFAULT_OCR_DPI = 200.0
#: Crops of cells to check: white margin around the text (points), resolution (pixels per
#: point: 144 dpi), largest side (pixels), grey levels kept (small PNGs of noisy scans).
CROP_MARGIN_PT = 4.0
CROP_PX_PER_PT = 2.0
CROP_MAX_PX = 1000
CROP_GREY_STEP = 16
#: Text pages are laid out by several processes when there are at least this many per
#: worker (measured: on an idle 2-core machine it pays from about 10 pages on).
PARALLEL_TEXT_PAGES = 10
#: Pages of text are given their time (``limits.page_s`` each) every this many pages
#: read; in a list of at least ``LONG_LIST_PAGES``, the user is told how far it is
#: every ``PROGRESS_PAGES``.
TIME_PAGES = 10
PROGRESS_PAGES = 50
LONG_LIST_PAGES = 100
#: One OCR'd page may take ``limits.ocr_page_s`` of CPU, and this many times that in wall
#: clock (a busy machine shares its cores; a hung worker is still stopped).
OCR_WALL_FACTOR = 5


@dataclass(frozen=True)
class _ScanTask:
    """One page for an OCR worker (plain data: it crosses a pipe)."""

    path: Path
    number: int
    dpi: float
    layout: LayoutSettings
    limits: Limits
    threads: int


def read_pdf(path: Path, fmt=None, layout: LayoutSettings = DEFAULT_LAYOUT,
             limits: Limits = DEFAULT_LIMITS) -> Document:
    """Read every page of the PDF ``path`` into the page model.

    ``fmt`` (the sniffed ``Format``) is not needed: a PDF is a PDF.  Raises
    ``PipelineError`` for a file that cannot be read within ``limits`` or a
    page whose table cannot be read with confidence.  ``Document.source_format``
    is "pdf-scan" when any page was read by OCR (``notes`` say which).
    """
    from ..safety.guard import open_pdf

    path = Path(path)
    with open_pdf(path, limits, layout.ocr) as pdf:
        plan = _plan(pdf, layout, limits)
        text = [n for n, dpi in plan if dpi is None]
        workers, _ = _pool_size(len(text) // PARALLEL_TEXT_PAGES, limits)
        if workers < 2:
            layouts = {}
            for p in _text_pages(pdf, text, layout):
                layouts[p.number] = find_tables(p, layout)
                if len(layouts) % TIME_PAGES == 0:
                    tell = len(text) >= LONG_LIST_PAGES and len(layouts) % PROGRESS_PAGES == 0
                    _pages_read(f"{len(layouts)}/{len(text)} pages read" if tell else "",
                                TIME_PAGES, limits)
    if workers >= 2:
        layouts = _text_in_parallel(path, text, workers, layout, limits)
    scans = [(n, dpi) for n, dpi in plan if dpi is not None]
    notes = []
    if scans:
        layouts.update(_scanned_pages(path, scans, layout, limits))
        notes.append(f"{_page_ranges([n for n, _ in scans])} read by OCR")
    pages = [layouts[n] for n in sorted(layouts)]
    return Document("pdf-scan" if scans else "pdf", pages, len(pages), notes=notes)


# --------------------------------------------------------------------------- which route

def _plan(pdf, layout: LayoutSettings, limits: Limits) -> list[tuple[int, float | None]]:
    """(page number, dpi to render it at for OCR, or None to read its text layer) per page."""
    plan = []
    textless = getattr(pdf, "textless_pages", set())
    for number in range(1, len(pdf.pages) + 1):
        dpi = None
        # (only pages that may be scans are looked at: laying out a page to find its
        # images costs as much as reading it, which a long list cannot pay twice)
        if layout.ocr == "always" or (layout.ocr == "auto" and number in textless):
            dpi = _scan_dpi(pdf.pages[number - 1], number, layout, limits)
        plan.append((number, dpi))
    if (layout.ocr == "auto" and textless and len(textless) == len(plan)
            and all(dpi is None for _, dpi in plan)):
        raise InputError("image-only pages: no text layer, and no image covers a page "
                         "(nothing to read)", hint="read it with --ocr always")
    return plan


def _pixels(img: dict) -> tuple[int, int]:
    """An image's size in pixels as its dictionary states it; (0, 0) where the /Width or
    /Height is missing, a dangling reference or not a number (a damaged file)."""
    from pdfminer.pdftypes import resolve1

    try:
        w, h = (resolve1(v) for v in img.get("srcsize") or (0, 0))
    except (TypeError, ValueError):
        return 0, 0
    if not all(isinstance(v, (int, float)) and 0 <= v < 1e9 for v in (w, h)):
        return 0, 0
    return int(w), int(h)


def _scan_dpi(page, number: int, layout: LayoutSettings, limits: Limits) -> float | None:
    """The resolution to OCR ``page`` at, from its largest image; None where no image
    covers it (``auto``: not a scan).  Refuses images too large or too coarse."""
    area = float(page.width) * float(page.height)
    best, best_area = None, 0.0
    for img in page.images:
        w, h = float(img["x1"]) - float(img["x0"]), float(img["bottom"]) - float(img["top"])
        if w * h > best_area:
            best, best_area = img, w * h
    max_px = limits.max_page_megapixels * 1e6
    # (every image is decoded to render the page, however small it is drawn)
    for img in page.images:
        img_w, img_h = _pixels(img)
        if img_w * img_h > max_px:
            raise LimitError(f"the page's image is {img_w:,}×{img_h:,} pixels "
                             f"({img_w * img_h / 1e6:,.0f} megapixels), more than the limit of "
                             f"{limits.max_page_megapixels:g}", page=number,
                             hint="an image this large is a decompression bomb, or needs "
                                  "scaling down before OCR")
    src_w = _pixels(best)[0] if best is not None else 0
    covered = best is not None and best_area >= layout.ocr_page_cover * area
    if not covered and layout.ocr != "always":
        return None
    dpi = DEFAULT_OCR_DPI
    if covered:
        w_pt = float(best["x1"]) - float(best["x0"])
        source = src_w / (w_pt / 72) if w_pt > 0 and src_w else 0.0
        if source < MIN_SOURCE_DPI:
            raise InputError(f"image-only pages: no text layer, and the page's image is "
                             f"{source:.0f} dpi, too coarse to read by OCR (at least "
                             f"{MIN_SOURCE_DPI:g} needed)", page=number,
                             hint="ask for a better scan or the text PDF")
        dpi = min(max(source, layout.ocr_min_dpi), layout.ocr_max_dpi)
    pixels = (float(page.width) * dpi / 72) * (float(page.height) * dpi / 72)
    if pixels > max_px:
        raise LimitError(f"the page is {float(page.width):,.0f}×{float(page.height):,.0f} pt: "
                         f"{pixels / 1e6:,.0f} megapixels at {dpi:.0f} dpi for OCR, more than "
                         f"the limit of {limits.max_page_megapixels:g}", page=number)
    return round(dpi, 1)


# --------------------------------------------------------------------------- text layer

def _text_pages(pdf, numbers: list[int], layout: LayoutSettings) -> Iterator[Page]:
    """Yield each page of ``numbers`` (1-based) with its chars and rule edges.

    Edges come from lines, curves, and rectangles that look like rules: thin
    rectangles (filled or stroked; browsers draw borders as thin filled
    boxes) and stroked boxes.  A filled box that is not thin is a background
    (a shaded cell, a page-sized white fill), not a rule.  What is drawn off
    the page is invisible, so characters there are dropped and edges clipped
    to the page (browsers draw the rest of a cut row above the page).  Characters
    a clipping path hides (a spreadsheet cell's text cut at its border) are not
    the page's text either: they are kept apart (``Page.hidden``, see
    ``readers.clipping``) for the reader to name the cells they were cut from.
    """
    from pdfplumber import utils

    from .clipping import apply_clipping

    def on_page(c: dict) -> bool:
        return (0 <= (c["x0"] + c["x1"]) / 2 <= width
                and 0 <= (c["top"] + c["bottom"]) / 2 <= height)

    for number in numbers:
        page = pdf.pages[number - 1]
        width, height = float(page.width), float(page.height)
        hidden = [{**{k: c[k] for k in CHAR_KEYS}, "clip": c["clip"]}
                  for c in apply_clipping(page) if on_page(c)]
        chars = [{k: c[k] for k in CHAR_KEYS} for c in page.chars if on_page(c)]
        raw: list[dict] = [utils.line_to_edge(line) for line in page.lines]
        for curve in page.curves:
            raw.extend(utils.curve_to_edges(curve))
        for rect in page.rects:
            thin = min(rect["width"], rect["height"]) <= layout.rule_max_thickness
            if thin or rect.get("stroke"):
                raw.extend(utils.rect_to_edges(rect))
        edges = [e for e in (_clipped(e, width, height) for e in raw) if e is not None]
        yield Page(number, width, height, chars, edges, hidden=hidden)
        page.close()


def _text_in_parallel(path: Path, numbers: list[int], workers: int, layout: LayoutSettings,
                      limits: Limits) -> dict[int, PageLayout]:
    """The text pages ``numbers`` laid out by ``workers`` processes, in chunks of pages
    (each worker opens the file once per chunk; the document was checked already)."""
    from .workers import run_workers

    size = max(PARALLEL_TEXT_PAGES // 2, math.ceil(len(numbers) / (workers * 3)))
    chunks = [(path, numbers[i:i + size], layout, limits, len(numbers) >= LONG_LIST_PAGES)
              for i in range(0, len(numbers), size)]
    from ..safety.sandbox import report_progress

    out: dict[int, PageLayout] = {}
    for _, page_layouts in run_workers(_read_text_chunk, chunks, workers):
        out.update((p.number, p) for p in page_layouts)
        # (the workers bought the wall-clock time; this process stitches what they read)
        report_progress("", more_time_s=len(page_layouts) * limits.page_s, wall=False)
    return out


def _read_text_chunk(task) -> list[PageLayout]:
    import pdfplumber

    path, numbers, layout, limits, long = task
    out: list[PageLayout] = []
    since, told = 0, 0  # pages read since time was last given, and since the user was told
    with pdfplumber.open(path) as pdf:
        for page in _text_pages(pdf, numbers, layout):
            out.append(find_tables(page, layout))
            since, told = since + 1, told + 1
            last = len(out) == len(numbers)
            if since == TIME_PAGES or last:
                tell = long and (told >= PROGRESS_PAGES or last)
                _pages_read(f"pages {out[-told].number}–{page.number} read" if tell else "",
                            since, limits)
                since, told = 0, 0 if tell else told
    return out


def _pages_read(message: str, new: int, limits: Limits) -> None:
    """Give pages read their time (a list of a thousand pages needs more than
    ``--timeout``: ``limits.page_s`` more per page) and, for a long list, tell the
    user how far it is (``message``; "" says nothing)."""
    from ..safety.sandbox import report_progress

    report_progress(message, more_time_s=new * limits.page_s)


def _clipped(e: dict, width: float, height: float) -> dict | None:
    """The edge's part on the page (as a plain dict), or None if it is all off the page."""
    x0, x1 = max(e["x0"], 0.0), min(e["x1"], width)
    top, bottom = max(e["top"], 0.0), min(e["bottom"], height)
    if x0 > x1 or top > bottom:
        return None
    return {"x0": x0, "x1": x1, "top": top, "bottom": bottom, "width": x1 - x0,
            "height": bottom - top, "orientation": e["orientation"]}


# --------------------------------------------------------------------------- scans

def _scanned_pages(path: Path, scans: list[tuple[int, float]], layout: LayoutSettings,
                   limits: Limits) -> dict[int, PageLayout]:
    """Read the scanned pages in worker processes; report progress; return their layouts."""
    from ..safety.sandbox import report_progress
    from .workers import run_workers

    workers, threads = _pool_size(len(scans), limits)
    tasks = [_ScanTask(path, n, dpi, layout, limits, threads) for n, dpi in scans]
    rounds = math.ceil(len(tasks) / workers)
    report_progress(f"OCR: {len(tasks)} page{'s' if len(tasks) > 1 else ''} to read "
                    f"({workers} worker{'s' if workers > 1 else ''} × {threads} "
                    f"thread{'s' if threads > 1 else ''}) …",
                    rounds * OCR_WALL_FACTOR * limits.ocr_page_s)
    out: dict[int, PageLayout] = {}
    for done, (i, page_layout) in enumerate(
            run_workers(_read_scan, tasks, workers, page_s=OCR_WALL_FACTOR * limits.ocr_page_s),
            start=1):
        out[tasks[i].number] = page_layout
        report_progress(f"OCR page {done}/{len(tasks)} read (page {tasks[i].number})")
    return out


def _pool_size(pages: int, limits: Limits) -> tuple[int, int]:
    """(worker processes, recogniser threads each) for ``pages`` on this machine's cores."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    from ..safety.sandbox import MAX_OPEN_FILES

    # (each worker holds a few pipes open in the child, which may open MAX_OPEN_FILES)
    workers = min(limits.ocr_workers or cores, pages, (MAX_OPEN_FILES - 16) // 4)
    workers = max(1, workers)
    return workers, max(1, cores // workers)


def _read_scan(task: _ScanTask) -> PageLayout:
    """In a worker: render one page, read it by OCR, lay it out, crop the cells to check."""
    from ..safety.sandbox import widen_limits
    from .scan import read_scanned_page

    widen_limits(task.limits.ocr_memory_mb, task.limits.ocr_page_s)
    page_number = task.number  # (named so: an error is located on this page)
    image = _render(task.path, page_number, task.dpi, task.limits)
    page = read_scanned_page(image, page_number, task.dpi, task.layout, task.threads)
    del image
    page_layout = find_tables(page, task.layout)
    _mark_cells(page_layout, page)
    return page_layout


def _render(path: Path, number: int, dpi: float, limits: Limits):
    """The page as an RGB array at ``dpi`` (pdfium; Pillow's bomb limit set first)."""
    import numpy as np
    import pypdfium2 as pdfium
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = int(limits.max_page_megapixels * 1e6)
    doc = pdfium.PdfDocument(str(path))
    try:
        page = doc[number - 1]
        bitmap = page.render(scale=dpi / 72, rev_byteorder=True)
        arr = np.array(bitmap.to_numpy()[:, :, :3])
        bitmap.close()
        page.close()
        return arr
    finally:
        doc.close()


def _mark_cells(page_layout: PageLayout, page: Page) -> None:
    """Name the page on each OCR'd line of the table, and give the first line of each
    cell to check (a character below the threshold, or seal-like) a PNG crop of it."""
    import cv2

    image = page.image
    if image is None or not page_layout.columns:
        return
    scale = image.shape[1] / page.width  # pixels per point
    for row in page_layout.rows:
        for cell in row.cells:
            marks = [ln.ocr for ln in cell.lines if ln.ocr is not None]
            for m in marks:
                m.page = page.number
            if not any(m.low or m.seal for m in marks):
                continue
            x0 = page_layout.columns[cell.col0][0]
            x1 = page_layout.columns[cell.col1 - 1][1]
            top = min(ln.top for ln in cell.lines) - CROP_MARGIN_PT
            bottom = max(ln.top + ln.size for ln in cell.lines) + CROP_MARGIN_PT
            crop = image[max(0, int(top * scale)):int(bottom * scale) + 1,
                         max(0, int(x0 * scale)):int(x1 * scale) + 1]
            if crop.size == 0:
                continue
            f = min(1.0, CROP_PX_PER_PT / scale, CROP_MAX_PX / max(crop.shape))
            if f < 1.0:
                crop = cv2.resize(crop, (max(1, round(crop.shape[1] * f)),
                                         max(1, round(crop.shape[0] * f))),
                                  interpolation=cv2.INTER_AREA)
            crop = cv2.medianBlur(crop, 3) // CROP_GREY_STEP * CROP_GREY_STEP
            ok, png = cv2.imencode(".png", crop, [cv2.IMWRITE_PNG_COMPRESSION, 9])
            if ok:
                first = next(ln for ln in cell.lines if ln.ocr is not None)
                first.ocr.crop = png.tobytes()


def _page_ranges(numbers: list[int]) -> str:
    """"page 3", "pages 3–14", "pages 1, 3–5"."""
    runs: list[list[int]] = []
    for n in sorted(numbers):
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    text = ", ".join(f"{r[0]}–{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs)
    return f"page{'s' if len(numbers) > 1 else ''} {text}"
