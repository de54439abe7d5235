"""What a file is, from its content (magic bytes, zip members, OLE streams, markup).

    detect_format(path) → ``Format`` (the kind its name promises, the kind its content is)

The content decides which reader runs.  A file whose content contradicts its
name (a binary .xls named .xlsx, an OOXML workbook named .xls, a .doc that is a
.docx, a Word "web page" saved as .doc) is read as what it is, and ``Format.note``
names the mismatch for the user; only content of no kind we read is refused.
The one exception is a file named .pdf that is no PDF: it is refused, named
(a web server's error page saved under the PDF's name is the usual cause).  Reads at most
the first few KB and, for zip and OLE files, their directories (a zip's end
record first: its member count and directory size are checked before the
directory is parsed) and a zip's small ``mimetype`` member (what tells an
OpenDocument text from a spreadsheet), never the other members.
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from ..safety.guard import stat_file

#: File name extension → the kind a file of that name claims to be.
EXTENSIONS: dict[str, str] = {
    ".pdf": "pdf", ".docx": "docx", ".doc": "doc", ".wps": "wps", ".odt": "odt",
    ".xlsx": "xlsx", ".xls": "xls", ".et": "et", ".ods": "ods",
    ".html": "html", ".htm": "html", ".shtml": "html", ".rtf": "rtf",
}
#: Kind named → contents accepted for it.  Word and WPS save old-style documents
#: as OLE (or RTF under a .doc name); WPS also saves OOXML under .wps and .et.
ACCEPTS: dict[str, frozenset[str]] = {
    "pdf": frozenset({"pdf"}),
    "docx": frozenset({"docx"}),
    "doc": frozenset({"word-binary", "rtf"}),
    "wps": frozenset({"word-binary", "rtf", "docx"}),
    "odt": frozenset({"odt"}),
    "xlsx": frozenset({"xlsx"}),
    "xls": frozenset({"excel-binary"}),
    "et": frozenset({"excel-binary", "xlsx"}),
    "ods": frozenset({"ods"}),
    "html": frozenset({"html"}),
    "rtf": frozenset({"rtf"}),
}
#: Content → the reader family that reads it and the kind recorded when the
#: file's name says nothing (no or an unknown extension).
CONTENTS: dict[str, tuple[str, str]] = {
    "pdf": ("pdf", "pdf"),
    "docx": ("word", "docx"), "word-binary": ("word", "doc"), "rtf": ("word", "rtf"),
    "odt": ("word", "odt"),
    "xlsx": ("sheet", "xlsx"), "excel-binary": ("sheet", "xls"), "ods": ("sheet", "ods"),
    "html": ("web", "html"),
}
#: How each content is named in messages.
DESCRIBED: dict[str, str] = {
    "pdf": "a PDF", "docx": "a Word document (.docx)", "word-binary": "an old Word/WPS document "
    "(.doc)", "rtf": "an RTF document", "odt": "an OpenDocument text (.odt)",
    "xlsx": "an Excel workbook (.xlsx)", "excel-binary": "an old Excel/WPS workbook (.xls)",
    "ods": "an OpenDocument spreadsheet (.ods)", "html": "an HTML page",
}
#: Bytes read to decide.
HEAD_BYTES = 4096
#: A zip's central directory is read from its last this many bytes (plus a comment).
ZIP_TAIL = 1 << 16
#: Members a zip may list before it is not an office document (a zip bomb of names).
MAX_ZIP_MEMBERS = 10_000
#: Bytes a zip's central directory may take (1 KB a member: names are short).
MAX_ZIP_DIRECTORY = MAX_ZIP_MEMBERS * 1024

_HTML = re.compile(rb"(?i)<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<meta\s|<title[\s>]"
                   rb"|<table[\s>]|<div[\s>]|<p[\s>]")


@dataclass(frozen=True)
class Format:
    """What a file is: ``kind`` (what notice.json records: pdf, docx, doc, wps, odt,
    rtf, xlsx, xls, et, ods, html), ``content`` (what its bytes are) and ``family``
    (the reader: pdf, word, sheet, web); ``note``: where the name says another kind
    than the content, what the user is told (``kind`` is then the content's)."""

    kind: str
    content: str
    family: str
    note: str | None = None


def detect_format(path: Path) -> Format:
    """Return what ``path`` is; raise ``InputError`` (file named) if it is not a
    file, is empty, is of no kind we read, or is named .pdf and is no PDF."""
    path = Path(path)
    name = str(path)
    info = stat_file(path)
    try:
        with open(path, "rb") as f:
            head = f.read(HEAD_BYTES)
            content = _content(f, head, info.st_size, name)
    except OSError as exc:
        raise InputError(f"cannot be read: {exc.strerror}", file=name) from None
    named = EXTENSIONS.get(path.suffix.lower())
    if named == "pdf" and content != "pdf":
        from ..safety.guard import describe_not_pdf

        raise InputError(describe_not_pdf(head), file=name)
    if content is None:
        what = _unknown(head)
        hint = (f"this pipeline reads {', '.join(sorted(set(EXTENSIONS)))} files"
                if named is None else None)
        raise InputError(what if named is None else f"{what}, not {_article(named)} file",
                         file=name, hint=hint)
    family, default_kind = CONTENTS[content]
    if named is None:
        return Format(default_kind, content, family)
    if content not in ACCEPTS[named]:
        return Format(default_kind, content, family,
                      f"the name says .{named} but the content is {DESCRIBED[content]}: read "
                      "as what it is")
    return Format(named, content, family)


def _content(f, head: bytes, size: int, name: str) -> str | None:
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _zip_content(f, size, name)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return _ole_content(f, name)
    start = _text_start(head)
    if start.startswith(b"{\\rtf"):
        return "rtf"
    if _HTML.search(start[:2048]):
        return "html"
    return None


def _zip_content(f, size: int, name: str) -> str | None:
    """docx/xlsx/odt/ods from the zip's member names (the central directory only)."""
    import zipfile
    import zlib

    _check_zip_end(f, size, name)
    f.seek(0)
    names: set[str] = set()
    mimetype = b""
    try:
        with zipfile.ZipFile(f) as z:
            infos = z.infolist()
            if len(infos) <= MAX_ZIP_MEMBERS:
                names = {i.filename for i in infos}
                if "mimetype" in names and z.getinfo("mimetype").file_size < 200:
                    mimetype = z.read("mimetype").strip()
    except (zipfile.BadZipFile, EOFError, ValueError, NotImplementedError, RuntimeError,
            zlib.error, OSError) as exc:  # RuntimeError: an encrypted member; OSError: a
        # member placed before the file's start (a seek to a negative offset)
        raise InputError(f"damaged zip file ({exc}): an office document cut off or corrupt",
                         file=name, hint="download the file again") from None
    if len(infos) > MAX_ZIP_MEMBERS:  # raised here: InputError is a ValueError, caught above
        raise _too_many_members(len(infos), name)
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if mimetype == b"application/vnd.oasis.opendocument.text":
        return "odt"
    if mimetype == b"application/vnd.oasis.opendocument.spreadsheet":
        return "ods"
    if "EncryptedPackage" in names:
        return None
    raise InputError("a zip archive, but not a Word, Excel or OpenDocument file (an OFD "
                     "or several files zipped?)", file=name,
                     hint="unzip it and give the notice inside")


def _check_zip_end(f, size: int, name: str) -> None:
    """Refuse a zip whose end record declares more members than ``MAX_ZIP_MEMBERS``
    or a directory larger than ``MAX_ZIP_DIRECTORY`` (Zip64 counts included),
    before zipfile parses every directory entry into memory.  A zip without a
    readable end record is left to zipfile (which names it damaged)."""
    tail_size = min(size, ZIP_TAIL + 22)  # the record (22 bytes) and a comment of up to 64 KB
    f.seek(size - tail_size)
    tail = f.read(tail_size)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or at + 22 > len(tail):
        return
    members, directory = struct.unpack_from("<HL", tail, at + 10)
    if members == 0xFFFF or directory == 0xFFFFFFFF:  # the Zip64 end record has them
        locator = at - 20
        if locator >= 0 and tail[locator:locator + 4] == b"PK\x06\x07":
            (offset,) = struct.unpack_from("<Q", tail, locator + 8)
            if offset + 56 <= size:
                f.seek(offset)
                record = f.read(56)
                if record[:4] == b"PK\x06\x06":
                    members, directory = struct.unpack_from("<QQ", record, 32)
    if members > MAX_ZIP_MEMBERS:
        raise _too_many_members(members, name)
    if directory > MAX_ZIP_DIRECTORY:
        raise InputError(f"a zip whose directory takes {directory:,} bytes (more than "
                         f"{MAX_ZIP_DIRECTORY:,}) is not an office document", file=name)


def _too_many_members(count: int, name: str) -> InputError:
    return InputError(f"a zip with {count:,} members is not an office document", file=name)


def _ole_content(f, name: str) -> str | None:
    """Word or Excel binary (or an encrypted OOXML file) from the OLE directory."""
    import struct

    import olefile

    # What olefile raises on a damaged directory or FAT (it checks with assertions too).
    damaged = (OSError, ValueError, IndexError, TypeError, KeyError, AssertionError,
               ArithmeticError, struct.error, RecursionError)
    f.seek(0)
    try:
        ole = olefile.OleFileIO(f)
        try:
            streams = {"/".join(entry).lower()
                       for entry in ole.listdir(streams=True, storages=True)}
        finally:
            ole.close()
    except damaged as exc:
        raise InputError(f"damaged old-style Office file ({exc})", file=name,
                         hint="open and re-save it in Word/WPS/Excel, or fetch it again") from None
    if "encryptedpackage" in streams or "encryptioninfo" in streams:
        raise InputError("encrypted Office file: a password is needed", file=name,
                         hint="ask the publisher for a copy without a password")
    if "worddocument" in streams:
        return "word-binary"
    if "workbook" in streams or "book" in streams:
        return "excel-binary"
    raise InputError("an old-style Office file, but neither a Word nor an Excel document",
                     file=name)


def _text_start(head: bytes) -> bytes:
    for bom in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
        head = head.removeprefix(bom)
    if head[:2].count(b"\x00") == 1:  # UTF-16 without BOM: look at every other byte
        head = head.replace(b"\x00", b"")
    return head.lstrip(b" \t\r\n\f")


def _unknown(head: bytes) -> str:
    """What a file we do not read seems to be."""
    from ..safety.guard import NOT_PDF_SIGNATURES

    start = _text_start(head)
    for pattern, meaning in NOT_PDF_SIGNATURES:
        if re.match(pattern, start):
            return meaning.replace(" saved as .pdf", "").replace("this is ", "")
    return "not a notice file of a kind this pipeline reads (PDF, Word, WPS, Excel, " \
           "OpenDocument or a saved web page)"


def _article(kind: str) -> str:
    return f"an .{kind}" if kind[0] in "aeiox" else f"a .{kind}"


def _extension_for(content: str) -> str:
    return {"word-binary": "doc", "excel-binary": "xls"}.get(content, content)
