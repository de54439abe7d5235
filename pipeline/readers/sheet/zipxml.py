"""Workbook zips (.xlsx, .ods) read safely: the bytes inflated are counted as they are
read (a member's declared size may lie), and XML parts are streamed through expat
with DTDs refused by our own handlers (defusedxml's forbid_dtd: no entity expansion,
no external entities).

    WorkbookZip(path).parse(member, start, end, text)   handlers get "namespace\x01local"
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

from ...errors import InputError, LimitError, PipelineError
from .book import MAX_INFLATED_BYTES

#: Bytes read from the zip per step.
CHUNK = 1 << 16
#: The namespace separator given to expat.
SEP = "\x01"


class WorkbookZip:
    """A workbook zip whose members are read with the inflated bytes counted."""

    def __init__(self, path: Path):
        self.path = path
        try:
            self.zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
            raise InputError(f"damaged workbook: not a readable zip ({exc})",
                             hint="download the file again, or open and re-save it") from None
        self.names = {i.filename.lower(): i.filename for i in self.zip.infolist()}
        self.inflated = 0

    def has(self, name: str) -> bool:
        return name.lower() in self.names

    def chunks(self, name: str) -> Iterator[bytes]:
        real = self.names.get(name.lower())
        if real is None:
            raise InputError(f"damaged workbook: the part {name} is missing",
                             hint="open and re-save it in Excel or WPS")
        try:
            f = self.zip.open(real)
        except (zipfile.BadZipFile, EOFError, OSError, ValueError, RuntimeError,
                NotImplementedError, zlib.error) as exc:
            raise InputError(f"damaged workbook: {name} cannot be opened ({exc})",
                             hint="download the file again, or open and re-save it") from None
        with f:
            while True:
                try:
                    block = f.read(CHUNK)
                except (zipfile.BadZipFile, EOFError, OSError, ValueError, RuntimeError,
                        NotImplementedError, struct.error, zlib.error) as exc:
                    raise InputError(f"damaged workbook: {name} cannot be inflated ({exc})",
                                     hint="download the file again, or open and re-save "
                                          "it") from None
                if not block:
                    return
                self.inflated += len(block)
                if self.inflated > MAX_INFLATED_BYTES:
                    raise LimitError(
                        f"the workbook inflates to more than {MAX_INFLATED_BYTES >> 20} MB "
                        "of XML (a zip bomb?)")
                yield block

    def parse(self, name: str, start, end=None, text=None) -> None:
        """Stream the XML part ``name`` through expat with these handlers
        (element names as "namespace\\x01local")."""
        parse_xml(self.chunks(name), name, start, end, text)


def parse_xml(chunks, name: str, start, end=None, text=None) -> None:
    import pyexpat

    parser = pyexpat.ParserCreate(namespace_separator=SEP)
    parser.buffer_text = True
    parser.buffer_size = CHUNK

    def refuse(*_args):
        raise InputError(f"the workbook part {name} declares a DTD (entities are refused: "
                         "an entity-expansion or external-entity attack?)")

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    parser.StartElementHandler = start
    if end is not None:
        parser.EndElementHandler = end
    if text is not None:
        parser.CharacterDataHandler = text
    try:
        for block in chunks:
            parser.Parse(block, False)
        parser.Parse(b"", True)
    except pyexpat.ExpatError as exc:
        raise InputError(f"damaged workbook: {name} is not well-formed XML ({exc})",
                         hint="download the file again, or open and re-save it") from None
    except PipelineError:
        raise
    except (ValueError, ArithmeticError) as exc:
        # A value the handlers could not make sense of (a number, an index): expat
        # passes the handler's exception through, and it is the file's fault.
        raise InputError(f"damaged workbook: {name} holds a value that cannot be read "
                         f"({type(exc).__name__}: {str(exc)[:120]})",
                         hint="open and re-save it in Excel or WPS") from None


_LOCAL: dict[str, str] = {}


def local_name(tag: str) -> str:
    """An element's name without its namespace (cached: handlers run per element)."""
    local = _LOCAL.get(tag)
    if local is None:
        local = tag.rpartition(SEP)[2]
        if len(_LOCAL) < 4096:
            _LOCAL[tag] = local
    return local
