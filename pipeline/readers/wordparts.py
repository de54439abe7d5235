"""The .docx package: the parts the Word reader needs, each inflated under a cap and parsed
safely.

    read_parts(path, limits) → ``WordParts(document, w, styles, numbering)``

The package is read with ``zipfile`` and lxml directly: the main document part is found
through ``_rels/.rels`` and its styles and numbering parts through its own relationships;
each part is inflated with its size counted while inflating (a zip's directory can lie)
and capped at a share of the memory limit, and parsed without DTDs, entities or network.
Also here: how WordprocessingML attributes read (``w_val``, ``w_int``, ``w_toggle``),
shared by the styles, the numbering and the walk.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError, LimitError
from ..settings import DEFAULT_LIMITS, Limits

#: WordprocessingML namespaces: transitional (what Word and WPS write) and strict.
W_NAMESPACES = ("http://schemas.openxmlformats.org/wordprocessingml/2006/main",
                "http://purl.oclc.org/ooxml/wordprocessingml/main")
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_OFFICE_DOCUMENT = "/officeDocument"
#: A part may inflate to at most this share of the memory limit: lxml's tree
#: takes several times the XML's size.
PART_SHARE_OF_MEMORY = 1 / 16
#: Where an XML part's root element starts (a DTD can only come before it).
_ROOT_START = re.compile(rb"<[A-Za-z_:]")
#: Bytes inflated per read while counting.
_CHUNK = 1 << 20
#: Word's toggles are off when their w:val says so.
_OFF = {"0", "false", "off"}


@dataclass
class WordParts:
    """The parsed main document part, its namespace (``{…}``), and the styles and numbering
    parts (None where the package has none)."""

    document: object
    w: str
    styles: object | None
    numbering: object | None


def read_parts(path: Path, limits: Limits = DEFAULT_LIMITS) -> WordParts:
    """The parts of the .docx ``path`` the reader needs.

    Raises ``InputError`` for a package that cannot be read (damaged, no main part, not
    WordprocessingML, XML with a DTD) and ``LimitError`` for a part inflating past its
    share of ``limits.memory_mb``.
    """
    cap = int(limits.memory_mb * PART_SHARE_OF_MEMORY) << 20
    try:
        with zipfile.ZipFile(path) as z:
            package = _Package(z, cap)
            main = package.main_part()
            document = package.xml(main)
            if document is None:
                raise InputError(f"the package has no main document part ({main})")
            related = package.related(main)
            styles_xml = package.xml(related.get("styles", "word/styles.xml"))
            numbering_xml = package.xml(related.get("numbering", "word/numbering.xml"))
    except zipfile.BadZipFile as exc:
        raise InputError(f"damaged .docx: {exc}",
                         hint="download it again, or open and re-save it in Word/WPS") from None
    return WordParts(document, _namespace(document), styles_xml, numbering_xml)


def w_val(el, w: str) -> str | None:
    """An element's ``w:val`` (None for no element)."""
    return None if el is None else el.get(f"{w}val")


def w_int(text: str | None) -> int | None:
    """A decimal attribute as an int; None where absent or not a number."""
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None


def w_toggle(el, w: str) -> bool | None:
    """A toggle property (``<w:b/>``, ``<w:vanish w:val="0"/>``): None where not set."""
    if el is None:
        return None
    return (el.get(f"{w}val") or "true").lower() not in _OFF


# --------------------------------------------------------------------------- the package

class _Package:
    """Parts of an open zip, each inflated under ``cap`` bytes and parsed safely."""

    def __init__(self, z: zipfile.ZipFile, cap: int):
        self.z, self.cap = z, cap

    def main_part(self) -> str:
        rels = self.xml("_rels/.rels")
        if rels is not None:
            for rel in rels.iter(f"{_REL}Relationship"):
                if (rel.get("Type") or "").endswith(_OFFICE_DOCUMENT) and rel.get("Target"):
                    return _resolve("", rel.get("Target"))
        return "word/document.xml"

    def related(self, part: str) -> dict[str, str]:
        """Relationship kind (styles, numbering, …) → part name, for ``part``."""
        folder, base = posixpath.split(part)
        rels = self.xml(posixpath.join(folder, "_rels", base + ".rels"))
        out: dict[str, str] = {}
        if rels is None:
            return out
        for rel in rels.iter(f"{_REL}Relationship"):
            kind = (rel.get("Type") or "").rsplit("/", 1)[-1]
            if rel.get("TargetMode") != "External" and rel.get("Target"):
                out.setdefault(kind, _resolve(folder, rel.get("Target")))
        return out

    def xml(self, part: str):
        """The parsed part, or None if the package has no such member."""
        data = self._read(part)
        return None if data is None else _parse(data, part)

    def _read(self, part: str) -> bytes | None:
        try:
            info = self.z.getinfo(part)
        except KeyError:
            return None
        too_big = LimitError(
            f"{part} inflates to more than {self.cap >> 20} MB (a zip bomb, or a document "
            "far larger than a list)",
            hint="raise --memory-mb if the file is genuine")
        if info.file_size > self.cap:
            raise too_big
        out = bytearray()
        try:
            with self.z.open(info) as member:
                while chunk := member.read(_CHUNK):
                    out += chunk
                    if len(out) > self.cap:  # the directory's size may lie
                        break
        except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError,
                RuntimeError, zlib.error) as exc:  # RuntimeError: an encrypted member
            raise InputError(f"damaged .docx: {part} cannot be inflated ({exc})",
                             hint="download the file again") from None
        if len(out) > self.cap:  # raised here: LimitError is a ValueError, caught above
            raise too_big
        return bytes(out)


def _resolve(folder: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(folder, target))


def _parse(data: bytes, part: str):
    from lxml import etree

    root_at = _ROOT_START.search(data)
    if b"<!DOCTYPE" in data[: root_at.start() if root_at else len(data)]:
        raise _dtd_refused(part)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False, remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise InputError(f"damaged .docx: {part} is not well-formed XML ({exc})",
                         hint="open and re-save it in Word/WPS") from None
    info = root.getroottree().docinfo
    if info.internalDTD is not None or info.doctype:  # one the byte scan missed (UTF-16)
        raise _dtd_refused(part)
    return root


def _dtd_refused(part: str) -> InputError:
    # Word never writes a DTD; one here can only declare entities (expansion, files, URLs).
    return InputError(f"{part} declares a DTD (entity definitions), which Word never writes: "
                      "refused unread", hint="open and re-save it in Word/WPS if it is genuine")


def _namespace(root) -> str:
    for ns in W_NAMESPACES:
        if root.tag == f"{{{ns}}}document":
            return f"{{{ns}}}"
    raise InputError(f"not a Word document: its main part is <{root.tag}>")
