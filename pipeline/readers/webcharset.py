"""Bytes of a saved web page → its text, as a browser would read it, and strictly.

    decode_page(data, name) → (text, notes)

A BOM decides; else the charset the page declares (``<meta charset>``, ``http-equiv``
Content-Type, the XML declaration), else what the bytes are (UTF-8, else GB18030, chosen
with charset-normalizer).  GB2312 and GBK labels are read as GB18030, their superset.
Decoding is strict: a byte the encoding cannot read is an error (never a silent U+FFFD);
where the declared charset cannot read the bytes but UTF-8 or GB18030 reads all of them,
that one is used and a note says so.  Binary data that happens to decode is refused;
stray control characters are dropped (browsers show nothing for them).
"""

from __future__ import annotations

import codecs
import re

from ..errors import InputError

#: Bytes searched for a declared charset (Word puts long style blocks first).
DECLARATION_WINDOW = 1 << 16
#: Bytes charset-normalizer looks at.
DETECTION_WINDOW = 1 << 20
#: Labels that mean GB18030 or a subset of it (WHATWG reads all of them as GBK).
GB_LABELS = frozenset({"gb2312", "gbk", "gb18030", "gb_2312", "gb_2312-80", "x-gbk", "cp936",
                       "chinese", "csgb2312", "csiso58gb231280", "iso-ir-58", "ms936",
                       "windows-936", "euc-cn"})
#: Single-byte labels WHATWG reads as windows-1252.
LATIN_LABELS = frozenset({"iso-8859-1", "latin1", "l1", "us-ascii", "ascii", "windows-1252",
                          "cp1252", "iso8859-1", "iso_8859-1", "cp819", "ibm819"})

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_META = re.compile(rb"""(?is)<meta\s[^>]*?charset\s*=\s*["']?\s*([a-z0-9_:.\-]+)""")
_XML_DECL = re.compile(rb"""^<\?xml[^>]*?encoding\s*=\s*["']([a-z0-9_:.\-]+)""", re.I)
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
         (codecs.BOM_UTF16_BE, "utf-16-be"))


def decode_page(data: bytes, name: str) -> tuple[str, list[str]]:
    """The page's text and notes; strict: no byte is ever replaced.

    Valid UTF-8 is read as UTF-8 whatever the page declares (GB text is never
    valid UTF-8; pages saved again as UTF-8 often keep their old declaration).
    Otherwise the declared charset reads it if it can; else charset-normalizer
    must find GB18030 text (or the declared charset) in the bytes.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _checked(_strict(data[len(bom):], encoding, name), name), []
    for start, encoding in ((b"<\x00", "utf-16-le"), (b"\x00<", "utf-16-be")):
        if data.startswith(start):  # UTF-16 without its BOM: markup's ASCII tells the order
            return _checked(_strict(data, encoding, name), name), []
    head = data[:DECLARATION_WINDOW]
    m = _XML_DECL.match(head.lstrip()) or _META.search(head)
    label = m.group(1).decode("ascii").lower() if m else None
    declared = _codec(label) if label else None
    notes = []
    if label and declared is None:
        notes.append(f"the page declares an unknown charset {label!r}; read as what its bytes are")
    if data.isascii():
        return _checked(data.decode("ascii"), name), notes
    text = _try(data, "utf-8")
    if text is not None:
        if declared not in (None, "utf-8"):
            notes.append(f"the page declares charset {label} but its bytes are UTF-8: read as "
                         "UTF-8")
        return _checked(text, name), notes
    if declared == "gb18030":
        text = _try(data, declared)
        if text is not None:
            return _checked(text, name), notes
    found = _detected(data, declared)
    text = _try(data, found) if found else None
    if text is None:
        raise InputError(_undecodable(data, label, declared, found), file=name,
                         hint="open it in a browser, check that the text shows right, and "
                              "save it again as UTF-8; or fetch it again")
    if label and found != declared:
        notes.append(f"the page declares charset {label} but its bytes are {found}: read as "
                     f"{found}")
    return _checked(text, name), notes


def _codec(label: str) -> str | None:
    """Python's codec for a declared charset label (GB labels → gb18030), or None."""
    if label in GB_LABELS:
        return "gb18030"
    if label in LATIN_LABELS:
        return "cp1252"
    try:
        found = codecs.lookup(label).name
    except LookupError:
        return None
    if found in ("utf-8", "utf_8"):
        return "utf-8"
    return None if found.startswith(("utf-16", "utf-32")) else found


def _detected(data: bytes, declared: str | None) -> str | None:
    """The encoding charset-normalizer finds coherent text in, among GB18030 and a
    declared charset other than UTF-8 (UTF-8 has been ruled out), or None."""
    from charset_normalizer import from_bytes

    sample = data[:DETECTION_WINDOW]
    cut = sample.rfind(b">")  # a byte no multi-byte GB18030 character contains
    if len(data) > DETECTION_WINDOW and cut > 0:
        sample = sample[:cut + 1]
    isolation = ["gb18030"] + ([declared] if declared not in (None, "utf-8", "gb18030") else [])
    try:
        best = from_bytes(sample, cp_isolation=isolation).best()
    except (ValueError, LookupError):
        return None
    if best is None:
        return None
    return "gb18030" if best.encoding in ("gb18030", "gbk", "gb2312") else best.encoding


def _undecodable(data: bytes, label: str | None, declared: str | None,
                 found: str | None) -> str:
    """Why the bytes cannot be read, for the error line."""
    said = f"declares charset {label} but " if label else ""
    if declared and declared != "gb18030" and _try(data, declared) is None:
        return f"the page {said}is not {declared}: {_first_error(data, declared)}; nor UTF-8"
    if _try(data, "gb18030") is None:
        return (f"the page {said}is neither UTF-8 nor GB18030 text: "
                f"{_first_error(data, 'gb18030')} (GB18030), {_first_error(data, 'utf-8')} "
                "(UTF-8)")
    return (f"the page {said}is not UTF-8, and read as GB18030 it is not Chinese text "
            f"(another encoding{_guess(data)}?)")


def _guess(data: bytes) -> str:
    from charset_normalizer import from_bytes

    best = from_bytes(data[:DETECTION_WINDOW]).best()
    return f", perhaps {best.encoding}" if best is not None else ""


def _try(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _strict(data: bytes, encoding: str, name: str) -> str:
    text = _try(data, encoding)
    if text is None:
        raise InputError(f"the page starts as {encoding} text but is not {encoding}: "
                         f"{_first_error(data, encoding)}", file=name,
                         hint="fetch it again, or save it again as UTF-8")
    return text


def _first_error(data: bytes, encoding: str) -> str:
    try:
        data.decode(encoding)
    except UnicodeDecodeError as exc:
        return f"byte 0x{data[exc.start]:02x} at offset {exc.start:,} cannot be read"
    except LookupError:
        return f"{encoding} is not a known charset"
    return "readable"


def _checked(text: str, name: str) -> str:
    """Refuse binary data that happens to decode; drop stray control characters
    (browsers show nothing for them; libxml2 would turn them into U+FFFD)."""
    if "\x00" in text:
        raise InputError("binary data, not a web page (NUL bytes in the text)", file=name)
    controls = len(_CONTROL.findall(text[:1 << 20]))
    if controls > max(8, len(text[:1 << 20]) // 100):
        raise InputError(f"binary data, not a web page ({controls:,} control characters)",
                         file=name)
    return _CONTROL.sub("", text) if controls else text
