"""Checks on an untrusted PDF, so that a bad file ends early with a clear error.

    check_size(path, limits)       any notice file: not larger than the limit
    check_pdf(path, limits)        the file itself, before any parsing: cheap, run it in the parent
    open_pdf(path, limits, ocr)    ``with open_pdf(...) as pdf:`` a pdfplumber.PDF whose
                                   document passed its checks; run it in the child (sandbox);
                                   ``pdf.textless_pages``: the pages without a text layer

``check_pdf`` reads at most 2 KB: the path is a regular file, not empty, under
``limits.max_file_mb``, has ``%PDF-`` within its first 1024 bytes (readers
allow junk before it) and ``%%EOF`` within its last 1024 (else the download
was cut off).  A file that is not a PDF is named for what it is ("this is an
HTML page saved as .pdf").

``open_pdf`` parses, so it belongs in the sandboxed child.  It hardens
pdfminer first (see ``_harden_pdfminer``), opens without ``repair=True`` (that
runs Ghostscript on the input), then checks, before any page is laid out: an
encrypted file opens only with the empty user password; the page count (from
/Count, then by walking the page tree no further than the limit); a text layer
(some page uses a font, else, with ``ocr="never"``, "image-only pages … OCR would
be needed"; with OCR allowed, the reader decides page by page); and
each page's ruling segments, counted from the operators in its content
streams, against ``limits.max_edges_per_page`` (the table stage is quadratic
in them).  Raises ``InputError`` / ``LimitError``.
"""

from __future__ import annotations

import logging
import os
import re
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..errors import InputError, LimitError
from ..settings import Limits

log = logging.getLogger(__name__)

#: Readers accept junk before the header if ``%PDF-`` starts within this many bytes.
HEADER_WINDOW = 1024
#: ``%%EOF`` must be within this many bytes of the end (as Acrobat requires).
TRAILER_WINDOW = 1024
#: Page boxes beyond this (in points) are nonsense (PDF's own limit is 14,400).
MAX_COORDINATE = 1e6
#: Form XObjects nested deeper than this make a damaged PDF (real ones nest a few deep).
MAX_FORM_DEPTH = 50
#: Form XObjects a page may draw, nested draws multiplied (a header or a seal is a few).
MAX_FORM_DRAWS = 20_000

#: What a file that is not a PDF usually is, by how it starts (after a BOM and whitespace).
NOT_PDF_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (rb"(?i)<!doctype\s+html|<html|<head[\s>]|<body[\s>]|<meta\s|<title[\s>]|<script[\s>]",
     "this is an HTML page saved as .pdf"),
    (rb"PK\x03\x04", "this is a ZIP archive (an OFD, DOCX or WPS file?) saved as .pdf"),
    (rb"\xd0\xcf\x11\xe0", "this is an old Word/Excel/WPS document saved as .pdf"),
    (rb"\{\\rtf", "this is an RTF document saved as .pdf"),
    (rb"\xff\xd8\xff", "this is a JPEG image saved as .pdf"),
    (rb"\x89PNG", "this is a PNG image saved as .pdf"),
    (rb"GIF8[79]a", "this is a GIF image saved as .pdf"),
    (rb"%!PS", "this is a PostScript file saved as .pdf"),
    (rb"\x1f\x8b", "this is a gzip archive saved as .pdf"),
    (rb"Rar!|7z\xbc\xaf", "this is an archive (RAR/7z) saved as .pdf"),
)

# Path-drawing operators as content-stream tokens, and how many edges each makes.
_SEGMENT_OPS = re.compile(rb"(?:(?<=[\s\]\)>])|^)(re|[lcvyh])(?=[\s/\[\(<%]|$)")
_HARDENED = False


def check_size(path: Path, limits: Limits) -> None:
    """Raise ``LimitError`` if the file at ``path`` is larger than ``limits.max_file_mb``."""
    try:
        size_mb = os.stat(path).st_size / (1 << 20)
    except OSError as exc:
        raise InputError(f"cannot be read: {exc.strerror}", file=str(path)) from None
    if size_mb > limits.max_file_mb:
        raise LimitError(f"file is {size_mb:,.1f} MB, more than the limit of "
                         f"{limits.max_file_mb:g} MB", file=str(path),
                         hint="raise it with --max-file-mb if the file is genuine")


def stat_file(path: Path, kind: str = "a notice file"):
    """``os.stat`` of ``path``; raise ``InputError`` (file named) unless it is a regular,
    non-empty file (``kind`` names what a directory is not)."""
    name = str(path)
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise InputError("no such file", file=name) from None
    except OSError as exc:
        raise InputError(f"cannot be read: {exc.strerror}", file=name) from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError(f"is a directory, not {kind}", file=name)
    if not stat.S_ISREG(info.st_mode):
        raise InputError("is not a regular file (a pipe or device?)", file=name)
    if info.st_size == 0:
        raise InputError("empty file (0 bytes)", file=name,
                         hint="the download failed; fetch it again")
    return info


def check_pdf(path: Path, limits: Limits) -> None:
    """Raise ``InputError``/``LimitError`` unless ``path`` looks like a whole PDF file.

    Reads the first and last KB only; never parses.
    """
    name = str(path)
    info = stat_file(path, "a PDF file")
    size_mb = info.st_size / (1 << 20)
    if size_mb > limits.max_file_mb:
        raise LimitError(f"file is {size_mb:,.1f} MB, more than the limit of "
                         f"{limits.max_file_mb:g} MB", file=name,
                         hint="raise it with --max-file-mb if the file is genuine")
    try:
        with open(path, "rb") as f:
            head = f.read(HEADER_WINDOW + 5)
            f.seek(max(info.st_size - TRAILER_WINDOW, 0))
            tail = f.read(TRAILER_WINDOW)
    except OSError as exc:
        raise InputError(f"cannot be read: {exc.strerror}", file=name) from None
    if b"%PDF-" not in head:
        raise InputError(describe_not_pdf(head), file=name)
    if b"%%EOF" not in tail:
        raise InputError(f"truncated PDF: the file ends without %%EOF ({info.st_size:,} bytes)",
                         file=name, hint="the download was probably cut off; fetch it again")


@contextmanager
def open_pdf(path: Path, limits: Limits, ocr: str = "never") -> Iterator[Any]:
    """``with open_pdf(path, limits) as pdf:`` yields a ``pdfplumber.PDF`` that passed the checks.

    Run it in the sandboxed child: the checks parse the document (but lay
    out no page).  On leaving, closes the file without building page
    objects the caller never asked for.  ``ocr`` (``LayoutSettings.ocr``):
    with "never", a PDF of image-only pages is refused here; otherwise the
    reader decides which pages to OCR (``pdf.textless_pages``: a set of
    1-based numbers of the pages that use no font).
    """
    check_pdf(path, limits)
    _harden_pdfminer()
    import pdfplumber

    try:
        pdf = pdfplumber.open(path)  # never repair=True: it runs Ghostscript on the input
    except Exception as exc:
        cause = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else exc
        if type(cause).__name__ == "PDFPasswordIncorrect":
            raise InputError("encrypted PDF: a password is needed", file=str(path),
                             hint="ask the publisher for a copy without a password") from None
        raise
    try:
        pdf.textless_pages = _check_document(pdf.doc, limits, str(path), ocr)
        yield pdf
    finally:
        if "_pages" in vars(pdf):
            pdf.close()
        else:  # pdf.close() would build every page object first
            pdf.stream.close()


# --------------------------------------------------------------------------- file sniffing

def describe_not_pdf(head: bytes) -> str:
    """What a file named .pdf is instead, from its first bytes.

    ("this is an HTML page saved as .pdf", "not a PDF: no %PDF- header …")
    """
    start = head
    for bom in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
        start = start.removeprefix(bom)
    start = start.lstrip(b"\x00 \t\r\n\f")
    for pattern, meaning in NOT_PDF_SIGNATURES:
        if re.match(pattern, start) or (meaning.startswith("this is an HTML")
                                        and re.search(pattern, start[:HEADER_WINDOW])):
            return meaning
    if _looks_like_text(start):
        return "this is a text file saved as .pdf, not a PDF"
    return f"not a PDF: no %PDF- header in the first {HEADER_WINDOW} bytes"


def _looks_like_text(data: bytes) -> bool:
    for encoding in ("utf-8", "gb18030", "utf-16"):
        for cut in range(4):  # the window may end inside a multi-byte character
            try:
                text = data[: len(data) - cut].decode(encoding)
            except UnicodeDecodeError:
                continue
            controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\r\n\f")
            return bool(text.strip()) and controls <= len(text) // 50
    return False


# --------------------------------------------------------------------------- document checks

def _check_document(doc, limits: Limits, name: str, ocr: str = "never") -> set[int]:
    from pdfminer.pdfpage import PDFPage

    declared = _int(_dict(doc.catalog.get("Pages")).get("Count"))
    if declared is not None and declared > limits.max_pages:
        raise LimitError(f"{declared:,} pages, more than the limit of {limits.max_pages:,}",
                         file=name, hint="raise it with --max-pages if the file is genuine")
    pages = []
    walk = PDFPage.create_pages(doc)
    while True:
        try:
            page = next(walk)
        except StopIteration:
            break
        except (TypeError, ValueError) as exc:
            _raise_if_bad_box(exc, name, len(pages) + 1)
            raise
        pages.append(page)
        if len(pages) > limits.max_pages:
            raise LimitError(f"at least {len(pages):,} pages, more than the limit of "
                             f"{limits.max_pages:,}", file=name,
                             hint="raise it with --max-pages if the file is genuine")
    if not pages:
        raise InputError("no pages", file=name)

    max_edges = limits.max_edges_per_page
    textless, scanned = [], []  # pages without fonts; those of them that draw an image
    for page_number, page in enumerate(pages, start=1):  # the sandbox reads page_number
        _check_boxes(page.attrs, name, page_number)
        scan = _PageScan()
        contents = [c for c in (_resolve(s) for s in page.contents) if _is_stream(c)]
        try:
            scan.walk(page.resources, contents)
        except InputError as exc:
            exc.page = exc.page or page_number
            raise exc.located(name) from None
        if scan.draws > MAX_FORM_DRAWS:
            raise LimitError(f"the page draws forms {scan.draws:,} times (nested forms), more "
                             f"than the limit of {MAX_FORM_DRAWS:,}", file=name, page=page_number)
        if scan.segments > max_edges:
            raise LimitError(f"{scan.segments:,} ruling segments, more than the limit of "
                             f"{max_edges:,}", file=name, page=page_number,
                             hint="a list table draws far fewer; raise the limit with "
                                  "--max-edges if this one is genuine")
        if not scan.fonts:
            textless.append(page_number)
            if scan.images:
                scanned.append(page_number)
    if scanned and ocr == "never":
        # (a scanned page left unread would silently drop its rows from the list)
        where = "" if len(scanned) == len(pages) else f" ({_pages(scanned)})"
        raise InputError(f"image-only pages{where}: no text layer (OCR would be needed)",
                         file=name, hint="the notice was scanned; read it with --ocr auto")
    if len(textless) == len(pages) and ocr == "never":
        raise InputError("no text layer on any page (text drawn as outlines, or none; "
                         "OCR would be needed)", file=name, hint="read it with --ocr always")
    if len(textless) == len(pages) and ocr == "auto" and not scanned:
        raise InputError("no text layer on any page, and no scanned image (text drawn as "
                         "outlines, or none)", file=name, hint="read it with --ocr always")
    if textless:
        log.warning("%s: pages without a text layer (image-only?): %s", name,
                    ", ".join(map(str, textless)))
    return set(textless)


def _pages(numbers: list[int]) -> str:
    """"page 3", "pages 3, 4, 9" (at most ten named)."""
    shown = ", ".join(map(str, numbers[:10])) + (", …" if len(numbers) > 10 else "")
    return f"page{'s' if len(numbers) > 1 else ''} {shown}"


def _check_boxes(attrs: dict, name: str, number: int) -> None:
    # pdfminer replaces a bad MediaBox by US Letter with a warning; pdfplumber
    # then fails on it with a bare TypeError.  Say what is wrong instead.
    for key in ("MediaBox", "CropBox"):
        box = _resolve(attrs.get(key))
        if box is None and key == "CropBox":
            continue
        if box is None:
            raise InputError("the page has no MediaBox", file=name, page=number)
        values = [_resolve(v) for v in box] if isinstance(box, list) else None
        if (values is None or len(values) != 4
                or not all(isinstance(v, (int, float)) and abs(v) < MAX_COORDINATE
                           for v in values)):
            raise InputError(f"malformed {key}: {_shown(box)} (expected four numbers)",
                             file=name, page=number)
        if values[0] == values[2] or values[1] == values[3]:
            raise InputError(f"malformed {key}: {_shown(box)} (the page has no area)",
                             file=name, page=number)


def _raise_if_bad_box(exc: BaseException, name: str, number: int) -> None:
    # pdfminer parses a page's boxes while creating it and lets a TypeError
    # out for a box of non-numbers; find which box in the traceback.
    tb = exc.__traceback__
    while tb is not None:
        code = tb.tb_frame.f_code.co_name
        if code in ("_parse_mediabox", "_parse_cropbox"):
            key = "MediaBox" if code == "_parse_mediabox" else "CropBox"
            value = tb.tb_frame.f_locals.get("value")
            raise InputError(f"malformed {key}: {_shown(_resolve(value))} (expected four numbers)",
                             file=name, page=number) from None
        tb = tb.tb_next


def _shown(x) -> str:
    text = " ".join(str(x).split())
    return text if len(text) <= 80 else text[:80] + "…"


class _PageScan:
    """Fonts, images, ruling segments and form draws of one page, as drawn.

    A form drawn twice counts twice (forms that draw forms multiply: a few
    nested forms can ask for billions of draws); each form's content is
    decoded and counted once.
    """

    def __init__(self):
        self.fonts = False
        self.images = False
        self.segments = 0
        self.draws = 0
        self._memo: dict[int, tuple[int, int]] = {}

    def walk(self, resources, streams) -> None:
        self.segments, self.draws = self._cost(_dict(resources), streams, 0, set())

    def _cost(self, res: dict, streams, depth: int, active: set[int]) -> tuple[int, int]:
        """(segments, form draws) that ``streams`` make, with ``res`` as their resources."""
        from pdfminer.psparser import LIT

        if _dict(res.get("Font")):
            self.fonts = True
        xobjects = _dict(res.get("XObject"))
        segments = draws = 0
        for s in streams:
            data = _data_not_kept(s)
            segments += _count_segments(data)
            for name, times in _count_draws(data).items():
                xobj = _resolve(xobjects.get(name))
                if not _is_stream(xobj):
                    continue
                subtype = _resolve(xobj.get("Subtype"))
                if subtype is LIT("Image"):
                    self.images = True
                elif subtype is LIT("Form") and id(xobj) not in active:
                    # (pdfminer refuses to re-enter a form it is drawing: not counted)
                    if depth >= MAX_FORM_DEPTH:
                        raise InputError(f"damaged PDF: forms nested more than "
                                         f"{MAX_FORM_DEPTH} deep")
                    if id(xobj) not in self._memo:
                        inner = _dict(xobj.get("Resources")) or res
                        self._memo[id(xobj)] = self._cost(inner, [xobj], depth + 1,
                                                          active | {id(xobj)})
                    inner_segments, inner_draws = self._memo[id(xobj)]
                    segments += times * inner_segments
                    draws += times * (1 + inner_draws)
        return min(segments, _HUGE), min(draws, _HUGE)


_DO = re.compile(rb"/([^\s/\[\]()<>{}%]+)\s*Do(?=[\s/\[\(<%]|$)")
_HUGE = 10**15


def _count_draws(data: bytes) -> dict[str, int]:
    out: dict[str, int] = {}
    for raw in _DO.findall(data):
        name = re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m[1], 16)]), raw)
        key = name.decode("latin-1")
        out[key] = out.get(key, 0) + 1
    return out


def _data_not_kept(stream) -> bytes:
    """The decoded bytes of a pdfminer ``stream``, the stream left as it was: pdfminer keeps
    what it decodes, and the document lives as long as the reader (a 750-page list's
    content streams held 10 MB there); the page that draws it decodes it again."""
    if stream.data is not None or stream.rawdata is None:
        return stream.get_data()
    raw = stream.rawdata
    data = stream.get_data()
    stream.data, stream.rawdata = None, raw
    return data


def _count_segments(data: bytes) -> int:
    return sum(4 if op == b"re" else 1 for op in _SEGMENT_OPS.findall(data))


def _resolve(x):
    from pdfminer.pdftypes import resolve1

    return resolve1(x)


def _dict(x) -> dict:
    x = _resolve(x)
    return x if isinstance(x, dict) else {}


def _int(x) -> int | None:
    x = _resolve(x)
    return x if isinstance(x, int) and not isinstance(x, bool) else None


def _is_stream(x) -> bool:
    from pdfminer.pdftypes import PDFStream

    return isinstance(x, PDFStream)


# --------------------------------------------------------------------------- pdfminer hardening

def _harden_pdfminer() -> None:
    """Make two of pdfminer's silent repairs loud (process-wide, idempotent).

    - A Flate stream that does not inflate cleanly: pdfminer retries byte by
      byte (quadratic: ``bytes +=`` per byte) and keeps what came out, or
      nothing, without a word.  Here: inflate once; a stream that is whole
      but for its checksum is kept, a truncated or corrupt one is an error.
    - A stream whose /Length ends before its data does: pdfminer drops the
      bytes between /Length and ``endstream``.  Here: an error, if any of
      them is not whitespace.
    """
    global _HARDENED
    if _HARDENED:
        return
    from pdfminer import pdfparser, pdftypes

    pdftypes.decompress_corrupted = _inflate_damaged
    original = pdfparser.PDFParser.do_keyword
    stream_keyword = pdfparser.PDFParser.KEYWORD_STREAM

    def do_keyword(self, pos: int, token) -> None:
        original(self, pos, token)
        if token is stream_keyword and not self.fallback and self.curstack:
            _check_stream_end(self, pos)

    pdfparser.PDFParser.do_keyword = do_keyword
    _HARDENED = True


def _inflate_damaged(data: bytes) -> bytes:
    """What pdfminer calls after ``zlib.decompress(data)`` failed."""
    import zlib

    if not data:
        return b""
    # Skip the two-byte zlib header when there is one (some producers write raw deflate).
    has_header = len(data) >= 2 and data[0] & 0x0F == 8 and (data[0] << 8 | data[1]) % 31 == 0
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    try:
        out = inflater.decompress(data[2:] if has_header else data)
    except zlib.error as exc:
        raise InputError(f"damaged PDF: a compressed stream is corrupt ({exc})",
                         hint="download the file again") from None
    if not inflater.eof:
        raise InputError("damaged PDF: a compressed stream is truncated, so part of its "
                         "content would be lost", hint="download the file again")
    return out  # complete: only the checksum (or what follows it) was wrong


def _check_stream_end(parser, pos: int) -> None:
    from pdfminer.pdftypes import PDFStream

    _, stream = parser.curstack[-1]
    if not isinstance(stream, PDFStream) or stream.rawdata is None:
        return
    fp = parser.fp
    here = fp.tell()
    try:
        fp.seek(pos)
        line = fp.read(8)  # "stream" + EOL
        start = pos + 6 + (2 if line[6:8] == b"\r\n" else 1 if line[6:7] in b"\r\n" else 0)
        end = parser.bufpos + parser.charpos  # where pdfminer found "endstream"
        fp.seek(start + len(stream.rawdata))
        skipped = fp.read(max(end - start - len(stream.rawdata), 0))
    finally:
        fp.seek(here)
    if skipped.strip():
        raise InputError(f"damaged PDF: a stream's /Length ends {len(skipped):,} bytes before "
                         f"its data does, so part of it would be lost",
                         hint="open and re-save the file in a PDF reader, or fetch it again")
