"""Readers: one module per format family, side by side behind one interface.

    read_document(path, layout, limits) → ``model.Document``

Every reader turns a file into the same thing: pages (``model.PageLayout``)
of table rows, cells and printed lines, plus the text around the table.  From
there on (header recognition, stitching, cleaning, parsing, notice facts,
writing, validation, diff) nothing depends on the format.

=========  ===============================  ===========================================
family     module                           reads
=========  ===============================  ===========================================
pdf        ``readers.pdf.read_pdf``         PDF: the text layer, or OCR where a page is
                                            a scanned image (``readers.scan``); geometry
                                            in ``readers.grid``
word       ``readers.word.read_word``       .docx from its XML; .doc, .wps, .odt, .rtf
                                            converted to .docx by LibreOffice (``soffice``)
sheet      ``readers.sheet.read_sheet``     .xlsx, .xls, .et, .ods
web        ``readers.web.read_web``         a saved article page (.html, .htm, .shtml)
=========  ===============================  ===========================================

A reader's function takes ``(path, fmt, layout, limits)`` — ``fmt`` is the
``sniff.Format`` the content was found to be — and returns a ``Document``.  It
raises ``PipelineError`` (usually ``InputError``/``LayoutError``) for input it
cannot read.  Readers run inside the sandboxed child (``sandbox``), which may
not write files.

Some contents are read after conversion to another (an old binary .doc to
.docx by LibreOffice).  A converter (``CONVERTERS``) runs before the child,
started by the parent as a sandboxed process of its own, into a private
temporary folder: ``prepare_source`` yields what the child then reads.
"""

from __future__ import annotations

import importlib
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..model import Document
from ..settings import DEFAULT_LAYOUT, DEFAULT_LIMITS, LayoutSettings, Limits
from .sniff import Format, detect_format

#: Reader family → "module:function".
READERS: dict[str, str] = {
    "pdf": "pipeline.readers.pdf:read_pdf",
    "word": "pipeline.readers.word:read_word",
    "sheet": "pipeline.readers.sheet:read_sheet",
    "web": "pipeline.readers.web:read_web",
}

#: Content (``Format.content``) → "module:function" converting such a file into one
#: a reader reads: ``convert(path, fmt, limits, workdir) → (converted path, its Format)``.
CONVERTERS: dict[str, str] = {
    "word-binary": "pipeline.readers.soffice:convert_document",
    "rtf": "pipeline.readers.soffice:convert_document",
    "odt": "pipeline.readers.soffice:convert_document",
}

__all__ = ["CONVERTERS", "READERS", "Format", "detect_format", "prepare_source", "read_document"]


def read_document(path: Path, layout: LayoutSettings = DEFAULT_LAYOUT,
                  limits: Limits = DEFAULT_LIMITS, fmt: Format | None = None) -> Document:
    """Read ``path`` with the reader its content calls for; return its ``Document``."""
    fmt = fmt or detect_format(path)
    module, _, function = READERS[fmt.family].partition(":")
    reader = getattr(importlib.import_module(module), function)
    return reader(Path(path), fmt, layout, limits)


@contextmanager
def prepare_source(path: Path, fmt: Format,
                   limits: Limits = DEFAULT_LIMITS) -> Iterator[tuple[Path, Format] | None]:
    """``with prepare_source(path, fmt, limits) as converted:`` — None when ``path``
    is read as it is, else (the converted file, its Format), removed on leaving.

    Run it in the parent: a converter starts its own sandboxed process.
    """
    spec = CONVERTERS.get(fmt.content)
    if spec is None:
        yield None
        return
    module, _, function = spec.partition(":")
    convert = getattr(importlib.import_module(module), function)
    with tempfile.TemporaryDirectory(prefix="pipeline-convert-") as work:
        yield convert(Path(path), fmt, limits, Path(work))
