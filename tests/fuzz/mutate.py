"""Seeded mutations of valid notices: bytes, PDF objects and streams, zip members and XML, HTML.

    draw_recipe(campaign_seed, index, formats, corpus) → Recipe   (what input ``index`` is)
    apply_recipe(recipe, corpus) → bytes                            (the input itself)
    MUTATORS                                                        name → function

An input is a ``Recipe``: a format, one of its seed files, and one to three steps
``(mutator name, step seed)``.  Everything is drawn from ``random.Random`` seeded by
the campaign seed and the input's index, so ``(seed, index)`` alone gives the same
input again, on any machine with the same seed corpus, and a regression test can
rebuild an input from its recipe.  A mutator is ``f(data, rng, corpus) → bytes``;
one that finds nothing to work on (no stream, no such attribute) raises ``Skip``
and the step becomes a byte-level one.

Byte level (every format): bit flips, interesting bytes, truncation, chunks
deleted/duplicated, chunks spliced in from another seed (any format), magic
numbers inserted, ASCII numbers replaced by extreme ones.
PDF: /Length, numbers in dictionaries, xref entries and startxref, objects
dropped/duplicated/spliced from another PDF, references re-pointed (cycles),
streams inflated and recompressed (filters changed, double Flate, raw data
under /FlateDecode, cut deflate), content-stream operators (huge operands, deep
q nesting, repeated segments, singular matrices, inline images), a huge /Count,
deep arrays and dictionaries, image dictionaries (sizes, bits, colour spaces).
The PDF is rewritten with a correct xref after a structural change (so the
parser takes its normal path rather than its repair path), unless the step is
about the xref.
Zip (.docx/.xlsx/.ods/.odt): members renamed/dropped/duplicated/added,
compressed bytes corrupted, declared sizes lied about; in their XML: cut,
unbalanced tags, deep nesting, huge attributes, numeric attributes made extreme
(gridSpan, vMerge, numId/ilvl, cell references, merges, row/column
spans and repeats), a DTD with entities, elements duplicated/dropped/moved,
text replaced by odd Unicode, format-specific references to nothing (numbering,
styles based on themselves, shared strings past the end, merges out of range).
OLE (.doc/.wps/.xls/.et): bytes of one stream mutated in place (olefile), BIFF
records' lengths and fields.
RTF: control-word arguments, deep or unbalanced groups, ``\\bin`` lengths.
HTML: nesting, rowspan/colspan, charsets and BOMs, entities, unclosed tags,
rows/cells/tables duplicated or dropped, huge attributes.
"""

from __future__ import annotations

import io
import random
import re
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path


class Skip(Exception):
    """The mutator has nothing to work on in this input."""


@dataclass(frozen=True)
class Recipe:
    """How one input is made: ``seed_file`` (a seed corpus file name) of ``fmt``,
    then each ``(mutator, step_seed)`` of ``steps`` in order."""

    fmt: str
    seed_file: str
    steps: tuple[tuple[str, int], ...]
    index: int = -1
    campaign_seed: int = 0

    def to_json(self) -> dict:
        return {"fmt": self.fmt, "seed_file": self.seed_file,
                "steps": [list(s) for s in self.steps], "index": self.index,
                "campaign_seed": self.campaign_seed}

    @classmethod
    def from_json(cls, d: dict) -> Recipe:
        return cls(d["fmt"], d["seed_file"], tuple(tuple(s) for s in d["steps"]),
                   d.get("index", -1), d.get("campaign_seed", 0))

    def describe(self) -> str:
        return f"{self.seed_file} + " + " + ".join(f"{m}({s})" for m, s in self.steps)


@dataclass
class Corpus:
    """The seed files: format → paths, and every file's bytes by name."""

    by_format: dict[str, list[Path]]
    data: dict[str, bytes] = field(default_factory=dict)

    def __post_init__(self):
        for paths in self.by_format.values():
            for p in paths:
                self.data.setdefault(p.name, p.read_bytes())

    def names(self, kind: str | None = None) -> list[str]:
        """Seed names (of one family: pdf, zip, ole, html, rtf), sorted (deterministic)."""
        return sorted(n for n in self.data if kind is None or _family_of_name(n) == kind)


def _family_of_name(name: str) -> str:
    fmt = name.split("-", 1)[0]
    return FAMILY[fmt]


#: Campaign format → mutation family.
FAMILY = {"pdf": "pdf", "scan": "pdf", "docx": "zip", "odt": "zip", "xlsx": "zip", "ods": "zip",
          "doc": "ole", "wps": "ole", "xls": "ole", "et": "ole", "html": "html", "rtf": "rtf"}


# --------------------------------------------------------------------------- byte level

INTERESTING_NUMBERS = (b"0", b"-1", b"1", b"-0", b"2147483647", b"4294967296", b"-2147483649",
                       b"99999999999999999999", b"1e308", b"NaN", b"0.0000001", b"65535",
                       b"1048576", b"16384", b"1.5", b"007", b"")
MAGIC = (b"%PDF-1.7\n", b"PK\x03\x04", b"PK\x05\x06" + bytes(18),
         b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"<html>", b"<!DOCTYPE html>",
         b"{\\rtf1", b"\xef\xbb\xbf", b"\xff\xfe", b"\x00" * 16,
         b"%%EOF\n", b"endstream", b"endobj", b"trailer", b"xref\n", b"<?xml version='1.0'?>",
         b"<!DOCTYPE x [<!ENTITY a 'aaaa'>]>", b"]]>", b"<![CDATA[", b"\r\n\r\n",
         "序号".encode(), "序号".encode("gb18030"), b"\x1b$B")


def flip_bits(data: bytes, rng: random.Random, corpus: Corpus) -> bytes:
    if not data:
        raise Skip
    buf = bytearray(data)
    for _ in range(rng.choice((1, 1, 2, 4, 8, 32))):
        i = rng.randrange(len(buf))
        buf[i] ^= 1 << rng.randrange(8)
    return bytes(buf)


def set_bytes(data: bytes, rng: random.Random, corpus: Corpus) -> bytes:
    if not data:
        raise Skip
    buf = bytearray(data)
    for _ in range(rng.choice((1, 2, 4, 16))):
        i = rng.randrange(len(buf))
        buf[i] = rng.choice((0x00, 0xFF, 0x7F, 0x80, 0x20, 0x0A, 0x3C, 0x3E, 0x22, 0x25, 0x28,
                             0x29, 0x5B, 0x5D, 0x2F, rng.randrange(256)))
    return bytes(buf)


def truncate(data: bytes, rng: random.Random, corpus: Corpus) -> bytes:
    if len(data) < 2:
        raise Skip
    cut = rng.choice((rng.randrange(1, len(data)),
                      len(data) - rng.randrange(1, min(200, len(data))),
                      rng.randrange(1, min(2048, len(data)))))
    return data[:cut]


def delete_chunk(data: bytes, rng: random.Random, corpus: Corpus) -> bytes:
    if len(data) < 4:
        raise Skip
    i = rng.randrange(len(data))
    n = rng.choice((1, 8, 64, 512, 4096))
    return data[:i] + data[i + n:]


def duplicate_chunk(data: bytes, rng: random.Random, corpus: Corpus) -> bytes:
    if len(data) < 4:
        raise Skip
    i = rng.randrange(len(data))
    n = rng.choice((1, 16, 256, 4096))
    chunk = data[i:i + n]
    return data[:i] + chunk * rng.choice((2, 3, 50)) + data[i + n:]


def splice(data: bytes, rng: random.Random, corpus: Corpus) -> bytes:
    """A chunk of another seed (any format) over or into this one."""
    donor = corpus.data[rng.choice(corpus.names())]
    n = rng.choice((16, 256, 4096, 65536))
    j = rng.randrange(max(1, len(donor) - n))
    chunk = donor[j:j + n]
    i = rng.randrange(len(data) + 1)
    if rng.random() < 0.5:
        return data[:i] + chunk + data[i + len(chunk):]
    return data[:i] + chunk + data[i:]


def insert_magic(data: bytes, rng: random.Random, corpus: Corpus) -> bytes:
    magic = rng.choice(MAGIC)
    where = rng.choice((0, 0, rng.randrange(len(data) + 1), len(data)))
    return data[:where] + magic + data[where:]


_DIGITS = re.compile(rb"-?\d+(?:\.\d+)?")


def numbers(data: bytes, rng: random.Random, corpus: Corpus) -> bytes:
    """Some ASCII numbers (anywhere: PDF tokens, XML attributes, RTF arguments) made extreme."""
    found = list(_DIGITS.finditer(data))
    if not found:
        raise Skip
    out = bytearray(data)
    for m in sorted(rng.sample(found, min(len(found), rng.choice((1, 1, 3, 10)))),
                    key=lambda m: -m.start()):
        out[m.start():m.end()] = rng.choice(INTERESTING_NUMBERS)
    return bytes(out)


BYTE_MUTATORS = {"flip_bits": flip_bits, "set_bytes": set_bytes, "truncate": truncate,
                 "delete_chunk": delete_chunk, "duplicate_chunk": duplicate_chunk,
                 "splice": splice, "insert_magic": insert_magic, "numbers": numbers}


# --------------------------------------------------------------------------- PDF

_OBJ = re.compile(rb"(?<![0-9])(\d+)\s+(\d+)\s+obj\b(.*?)\bendobj", re.S)
_STREAM = re.compile(rb"^(.*?)\bstream\r?\n(.*)\bendstream\s*$", re.S)


@dataclass
class _Pdf:
    header: bytes
    objects: list[list]  # [number, generation, body]
    trailer: bytes  # the trailer dictionary (without "trailer")


def _parse_pdf(data: bytes) -> _Pdf:
    objs = [[int(m.group(1)), int(m.group(2)), m.group(3)] for m in _OBJ.finditer(data)]
    if not objs:
        raise Skip
    start = data.find(b"%PDF-")
    header = data[max(0, start):data.find(b"\n", max(0, start)) + 1] or b"%PDF-1.7\n"
    t = data.rfind(b"trailer")
    if t >= 0:
        end = data.find(b"startxref", t)
        trailer = data[t + 7:end if end > 0 else None].strip()
    else:  # a cross-reference stream: its dictionary says where the root is
        root = re.search(rb"/Root\s+(\d+\s+\d+\s+R)", data)
        if not root:
            raise Skip
        trailer = b"<< /Root " + root.group(1) + b" >>"
    trailer = re.sub(rb"/(Size|Prev|XRefStm)\s+\d+", b"", trailer)
    objs = [o for o in objs if b"/XRef" not in o[2][:300]]
    return _Pdf(header, objs, trailer)


def _write_pdf(pdf: _Pdf) -> bytes:
    out = bytearray(pdf.header + b"%\xe2\xe3\xcf\xd3\n")
    offsets: dict[int, tuple[int, int]] = {}
    for num, gen, body in pdf.objects:
        offsets[num] = (len(out), gen)
        out += b"%d %d obj" % (num, gen) + body + b"endobj\n"
    size = max(offsets, default=0) + 1
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for n in range(1, size):
        off, gen = offsets.get(n, (0, 65535))
        out += b"%010d %05d %s \n" % (off, gen, b"n" if n in offsets else b"f")
    trailer = pdf.trailer.strip()
    if trailer.startswith(b"<<"):
        trailer = b"<< /Size %d " % size + trailer[2:]
    out += b"trailer\n" + trailer + b"\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def _pdf_step(fn: Callable[[_Pdf, random.Random, Corpus], None]):
    def step(data: bytes, rng: random.Random, corpus: Corpus) -> bytes:
        pdf = _parse_pdf(data)
        fn(pdf, rng, corpus)
        return _write_pdf(pdf)
    step.__name__ = fn.__name__
    return step


def _streams(pdf: _Pdf) -> list[tuple[list, re.Match]]:
    return [(o, m) for o in pdf.objects if (m := _STREAM.match(o[2]))]


def _set_stream(obj: list, head: bytes, data: bytes, length: int | None = None) -> None:
    head = re.sub(rb"/Length\s+\d+(\s+\d+\s+R)?", b"/Length %d" % (
        len(data) if length is None else length), head, count=1)
    if b"/Length" not in head:
        head = head.replace(b"<<", b"<< /Length %d" % len(data), 1)
    obj[2] = head + b"stream\n" + data + b"\nendstream\n"


def _inflate(head: bytes, raw: bytes) -> bytes | None:
    if b"/FlateDecode" not in head and b"/Fl " not in head and b"/Fl/" not in head:
        return raw if b"/Filter" not in head else None
    try:
        return zlib.decompressobj().decompress(raw, 20 << 20)
    except zlib.error:
        return None


@_pdf_step
def pdf_length(pdf: _Pdf, rng: random.Random, corpus: Corpus) -> None:
    streams = _streams(pdf)
    if not streams:
        raise Skip
    obj, m = rng.choice(streams)
    data = m.group(2).rstrip(b"\r\n")
    length = rng.choice((0, len(data) - 1, len(data) + 1, len(data) // 2, len(data) * 2, 2**31 - 1,
                         2**40))
    _set_stream(obj, m.group(1), data, length)


_DICT_NUMBER = re.compile(rb"(/[A-Za-z0-9]+)(\s+)(-?\d+(?:\.\d+)?)(?!\s+\d+\s+R)")


@_pdf_step
def pdf_number(pdf: _Pdf, rng: random.Random, corpus: Corpus) -> None:
    """A number in some dictionary (not inside stream data) made extreme."""
    cands = []
    for o in pdf.objects:
        m = _STREAM.match(o[2])
        head = m.group(1) if m else o[2]
        cands += [(o, n) for n in _DICT_NUMBER.finditer(head)]
    if not cands:
        raise Skip
    for o, n in rng.sample(cands, min(len(cands), rng.choice((1, 1, 2, 5)))):
        value = rng.choice((b"0", b"-1", b"2147483647", b"-2147483648", b"1e38", b"99999999999",
                            b"0.0001", b"-0.0", b"3.4e38", b"65536"))
        if n.group(0) in o[2]:
            o[2] = o[2].replace(n.group(0), n.group(1) + n.group(2) + value, 1)


@_pdf_step
def pdf_count(pdf: _Pdf, rng: random.Random, corpus: Corpus) -> None:
    pages = [o for o in pdf.objects if re.search(rb"/Count\s+\d+", o[2])]
    if not pages:
        raise Skip
    o = rng.choice(pages)
    o[2] = re.sub(rb"/Count\s+\d+", b"/Count " + rng.choice(
        (b"0", b"-1", b"2147483647", b"100000000", b"501", b"3.5")), o[2], count=1)


@_pdf_step
def pdf_drop_object(pdf: _Pdf, rng: random.Random, corpus: Corpus) -> None:
    if len(pdf.objects) < 2:
        raise Skip
    del pdf.objects[rng.randrange(len(pdf.objects))]


@_pdf_step
def pdf_dup_object(pdf: _Pdf, rng: random.Random, corpus: Corpus) -> None:
    """An object appears twice: a copy of another under its number, or the same again."""
    a, b = rng.choice(pdf.objects), rng.choice(pdf.objects)
    pdf.objects.append([a[0], a[1], b[2]])


@_pdf_step
def pdf_splice_object(pdf: _Pdf, rng: random.Random, corpus: Corpus) -> None:
    donor = _parse_pdf(corpus.data[rng.choice(corpus.names("pdf"))])
    o = rng.choice(pdf.objects)
    o[2] = rng.choice(donor.objects)[2]


_REF = re.compile(rb"(\d+)\s+(\d+)\s+R\b")


@_pdf_step
def pdf_ref(pdf: _Pdf, rng: random.Random, corpus: Corpus) -> None:
    """References re-pointed: at the object itself (a cycle), a missing object, another one."""
    cands = [(o, m) for o in pdf.objects for m in _REF.finditer(o[2][:4000])]
    if not cands:
        raise Skip
    for o, m in rng.sample(cands, min(len(cands), rng.choice((1, 2, 4)))):
        target = rng.choice((o[0], 99999, 0, rng.choice(pdf.objects)[0], 1, 2))
        o[2] = o[2].replace(m.group(0), b"%d 0 R" % target, 1)


@_pdf_step
def pdf_deep(pdf: _Pdf, rng: random.Random, corpus: Corpus) -> None:
    """Deeply nested arrays or dictionaries where a value was."""
    depth = rng.choice((100, 1000, 50_000))
    value = rng.choice((b"[" * depth + b"]" * depth, b"<< /A " * depth + b">>" * depth,
                        b"[" * depth))
    o = rng.choice(pdf.objects)
    keys = list(re.finditer(rb"/(Kids|MediaBox|Resources|Font|Contents|Annots|W|Widths|Filter)\b",
                            o[2][:4000]))
    if keys:
        k = rng.choice(keys)
        o[2] = o[2][:k.end()] + b" " + value + b" " + o[2][k.end():]
    else:
        o[2] = b" " + value + b" " + o[2]


_FILTERS = (b"/FlateDecode", b"/LZWDecode", b"/ASCIIHexDecode", b"/ASCII85Decode",
            b"/RunLengthDecode", b"/DCTDecode", b"/CCITTFaxDecode", b"/JBIG2Decode", b"/Crypt",
            b"/JPXDecode", b"[/FlateDecode /FlateDecode]", b"[]", b"/Bogus")


@_pdf_step
def pdf_recompress(pdf: _Pdf, rng: random.Random, corpus: Corpus) -> None:
    """A stream's encoding changed: raw, double Flate, hex, cut deflate, wrong filter name."""
    streams = _streams(pdf)
    if not streams:
        raise Skip
    obj, m = rng.choice(streams)
    head, raw = m.group(1), m.group(2).rstrip(b"\r\n")
    plain = _inflate(head, raw)
    if plain is None:
        plain = raw
    head = re.sub(rb"/Filter\s*(\[[^\]]*\]|/\w+)", b"", head)
    head = re.sub(rb"/DecodeParms\s*<<[^>]*>>", b"", head)
    how = rng.choice(("raw", "double", "hex", "cut", "wrong", "predictor", "level0", "garbage"))
    if how == "raw":
        data, filt = plain, b""
    elif how == "double":
        data, filt = zlib.compress(zlib.compress(plain)), b"/Filter [/FlateDecode /FlateDecode]"
    elif how == "hex":
        data, filt = plain.hex().encode() + b">", b"/Filter /ASCIIHexDecode"
    elif how == "cut":
        z = zlib.compress(plain)
        data, filt = z[:max(2, rng.randrange(len(z)))], b"/Filter /FlateDecode"
    elif how == "wrong":
        data, filt = zlib.compress(plain), b"/Filter " + rng.choice(_FILTERS)
    elif how == "predictor":
        data = zlib.compress(plain)
        filt = (b"/Filter /FlateDecode /DecodeParms << /Predictor %d /Columns %d /Colors %d >>"
                % (rng.choice((2, 10, 12, 15, 99)), rng.choice((0, 1, 3, 100000, -1)),
                   rng.choice((1, 3, 0, 64))))
    elif how == "level0":
        data, filt = zlib.compress(plain, 0), b"/Filter /FlateDecode"
    else:
        data, filt = bytes(rng.randrange(256) for _ in range(64)), b"/Filter /FlateDecode"
    head = head.replace(b"<<", b"<< " + filt + b" ", 1)
    _set_stream(obj, head, data)


_CONTENT_OPS = re.compile(rb"\b(Tj|TJ|Tf|Td|TD|Tm|re|m|l|c|cm|Do|BT|ET|q|Q|S|f|Tz|TL|w)\b")


def _content_streams(pdf: _Pdf) -> list[tuple[list, bytes, bytes]]:
    out = []
    for o, m in _streams(pdf):
        plain = _inflate(m.group(1), m.group(2).rstrip(b"\r\n"))
        if plain and len(_CONTENT_OPS.findall(plain[:2000])) > 5 and b"/Type" not in m.group(1):
            out.append((o, m.group(1), plain))
    return out


@_pdf_step
def pdf_content(pdf: _Pdf, rng: random.Random, corpus: Corpus) -> None:
    """Operators of a page's content stream: extreme operands, deep nesting, repetition."""
    cands = _content_streams(pdf)
    if not cands:
        raise Skip
    obj, head, plain = rng.choice(cands)
    how = rng.choice(("numbers", "deep_q", "segments", "matrix", "font", "inline", "dup", "cut",
                      "text", "rects", "unbalanced"))
    lines = plain.split(b"\n")
    i = rng.randrange(len(lines) + 1)
    if how == "numbers":
        plain = numbers(plain, rng, corpus)
    elif how == "deep_q":
        plain = b"q " * rng.choice((1000, 100_000)) + plain
    elif how == "segments":
        plain += b"\n0.1 w " + b"".join(b"%d %d m %d %d l S\n" % (
            rng.randrange(800), rng.randrange(800), rng.randrange(800), rng.randrange(800))
            for _ in range(rng.choice((50, 2000, 12000))))
    elif how == "rects":
        plain += b"\n" + b"".join(b"%d %d %d %d re f\n" % (
            rng.randrange(800), rng.randrange(800), rng.choice((0, 1, 300)),
            rng.choice((0, 1, 300)))
            for _ in range(rng.choice((50, 3000))))
    elif how == "matrix":
        lines.insert(i, rng.choice((b"0 0 0 0 0 0 cm", b"0 0 0 0 0 0 Tm",
                                    b"1e30 0 0 1e30 0 0 cm", b"-1 0 0 -1 0 0 cm",
                                    b"0 1 -1 0 0 0 cm", b"1 0 0 1 1e9 1e9 cm")))
        plain = b"\n".join(lines)
    elif how == "font":
        lines.insert(i, rng.choice((b"/F9 12 Tf", b"/F1 0 Tf", b"/F1 -1000 Tf", b"/F1 1e20 Tf",
                                    b"0 Tz", b"100000 Tz", b"1e9 TL T*", b"/F1 12 Tf 3 Tr")))
        plain = b"\n".join(lines)
    elif how == "inline":
        lines.insert(i, b"BI /W %d /H %d /BPC 8 /CS /G ID " % (
            rng.choice((1, 1000, 100000)), rng.choice((1, 1000, 100000)))
            + bytes(rng.randrange(256) for _ in range(rng.choice((0, 10, 500)))) + b" EI")
        plain = b"\n".join(lines)
    elif how == "dup":
        plain = plain * rng.choice((2, 20))
    elif how == "cut":
        plain = plain[:rng.randrange(len(plain) + 1)]
    elif how == "text":
        lines.insert(i, b"BT /F1 10 Tf 100 100 Td (" + rng.choice(
            (b"\\", b"(((", b"\x00" * 20, "序号".encode("utf-16-be"), b"a" * 100000,
             b"\\377\\376")) + b") Tj ET")
        plain = b"\n".join(lines)
    else:
        lines.insert(i, rng.choice((b"Q Q Q Q", b"ET ET", b"BT BT BT", b"q", b"EMC EMC",
                                    b"/P <</MCID 0>> BDC" * 50)))
        plain = b"\n".join(lines)
    head = re.sub(rb"/DecodeParms\s*<<[^>]*>>", b"", head)
    _set_stream(obj, head, zlib.compress(plain) if b"/Filter" in head else plain)


@_pdf_step
def pdf_image(pdf: _Pdf, rng: random.Random, corpus: Corpus) -> None:
    """An image's dictionary: huge or zero sizes, odd bits and colour spaces; or its data."""
    images = [(o, m) for o, m in _streams(pdf) if b"/Image" in m.group(1)]
    if not images:
        raise Skip
    obj, m = rng.choice(images)
    head, raw = m.group(1), m.group(2).rstrip(b"\r\n")
    how = rng.choice(("size", "bpc", "cs", "data", "cut"))
    if how == "size":
        head = re.sub(rb"/(Width|Height)\s+\d+", lambda x: b"/" + x.group(1) + b" " + rng.choice(
            (b"0", b"1", b"100000", b"2147483647", b"30000", b"-5")), head)
    elif how == "bpc":
        head = re.sub(rb"/BitsPerComponent\s+\d+", b"/BitsPerComponent " + rng.choice(
            (b"0", b"1", b"3", b"16", b"32")), head)
    elif how == "cs":
        head = re.sub(rb"/ColorSpace\s*(/\w+|\[[^\]]*\])", b"/ColorSpace " + rng.choice(
            (b"/DeviceCMYK", b"/DeviceRGB", b"/DeviceGray", b"/Pattern",
             b"[/Indexed /DeviceRGB 255 <00>]",
             b"/Nonsense", b"[/ICCBased 1 0 R]")), head)
    elif how == "data":
        raw = flip_bits(raw, rng, corpus)
    else:
        raw = raw[:rng.randrange(len(raw) + 1)]
    _set_stream(obj, head, raw, None)


def pdf_xref(data: bytes, rng: random.Random, corpus: Corpus) -> bytes:
    """Entries of the xref table (or startxref) pointing wrong; no rewrite after it."""
    x = data.rfind(b"\nxref")
    s = data.rfind(b"startxref")
    if x < 0 or s < 0:
        raise Skip
    how = rng.choice(("entries", "startxref", "count", "prev"))
    if how == "startxref":
        value = rng.choice((b"0", b"12", b"%d" % (len(data) + 100), b"-1", b"%d" % (x - 7),
                            b"99999999999"))
        return data[:s] + b"startxref\n" + value + b"\n%%EOF\n"
    if how == "count":
        return data[:x] + re.sub(rb"xref\s+0\s+\d+", b"xref\n0 " + rng.choice(
            (b"1", b"0", b"100000", b"2147483647")), data[x:], count=1)
    if how == "prev":
        t = data.rfind(b"trailer")
        if t < 0:
            raise Skip
        return data[:t] + data[t:].replace(b"<<", b"<< /Prev %d " % rng.choice((0, 9, x + 1)), 1)
    entries = list(re.finditer(rb"(\d{10}) (\d{5}) ([nf])", data[x:s]))
    if not entries:
        raise Skip
    out = bytearray(data)
    for e in rng.sample(entries, min(len(entries), rng.choice((1, 3, 10)))):
        off = x + e.start()
        out[off:off + 10] = b"%010d" % rng.choice((0, 1, len(data) - 5, rng.randrange(len(data)),
                                                   9999999999))
    return bytes(out)


PDF_MUTATORS = {f.__name__: f for f in (
    pdf_length, pdf_number, pdf_count, pdf_drop_object, pdf_dup_object, pdf_splice_object,
    pdf_ref, pdf_deep, pdf_recompress, pdf_content, pdf_image, pdf_xref)}


# --------------------------------------------------------------------------- zip + XML

def _read_zip(data: bytes) -> list[tuple[zipfile.ZipInfo, bytes]]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return [(i, z.read(i)) for i in z.infolist()]
    except Exception:
        raise Skip from None


def _write_zip(members: list[tuple[zipfile.ZipInfo | str, bytes]]) -> bytes:
    import warnings

    buf = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        warnings.simplefilter("ignore")  # duplicate member names are the point
        for info, data in members:
            name = info.filename if isinstance(info, zipfile.ZipInfo) else info
            kind = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            z.writestr(zipfile.ZipInfo(name, (2020, 1, 1, 0, 0, 0)), data, compress_type=kind)
    return buf.getvalue()


def _xml_members(members) -> list[int]:
    return [i for i, (info, d) in enumerate(members)
            if info.filename.endswith((".xml", ".rels")) and d.lstrip()[:1] == b"<"]


def _main_part(members, rng: random.Random) -> int:
    """Mostly the part holding the table (document, sheet, content), else any XML part."""
    xml = _xml_members(members)
    if not xml:
        raise Skip
    main = [i for i in xml if re.search(r"word/document\.xml|xl/worksheets/|content\.xml|"
                                        r"sharedStrings|numbering|styles|workbook",
                                        members[i][0].filename)]
    return rng.choice(main if main and rng.random() < 0.8 else xml)


def _xml_step(fn: Callable[[bytes, random.Random, str], bytes]):
    def step(data: bytes, rng: random.Random, corpus: Corpus) -> bytes:
        members = _read_zip(data)
        i = _main_part(members, rng)
        info, xml = members[i]
        members[i] = (info, fn(xml, rng, info.filename))
        return _write_zip(members)
    step.__name__ = fn.__name__
    return step


def zip_members(data: bytes, rng: random.Random, corpus: Corpus) -> bytes:
    """Members renamed, dropped, duplicated, or a junk member added."""
    members = _read_zip(data)
    if not members:
        raise Skip
    i = rng.randrange(len(members))
    info, d = members[i]
    how = rng.choice(("rename", "drop", "dup", "junk", "swap", "empty"))
    if how == "rename":
        members[i] = (rng.choice((info.filename.upper(), info.filename + ".bak",
                                  "/" + info.filename,
                                  "../" + info.filename, info.filename.replace("/", "\\"))), d)
    elif how == "drop":
        del members[i]
    elif how == "dup":
        members.append((info.filename, d if rng.random() < 0.5 else b"<x/>"))
    elif how == "junk":
        members.append((rng.choice(("word/media/x.bin", "customXml/item1.xml", "x" * 300,
                                    "Thumbs.db")), bytes(rng.randrange(256) for _ in range(512))))
    elif how == "swap":
        j = rng.randrange(len(members))
        members[i], members[j] = (info, members[j][1]), (members[j][0], d)
    else:
        members[i] = (info, b"")
    return _write_zip(members)


def zip_raw(data: bytes, rng: random.Random, corpus: Corpus) -> bytes:
    """The zip's own bytes: a member's compressed data corrupted, or its header's sizes lie."""
    heads = [m.start() for m in re.finditer(rb"PK\x03\x04", data)]
    centrals = [m.start() for m in re.finditer(rb"PK\x01\x02", data)]
    if not heads:
        raise Skip
    out = bytearray(data)
    how = rng.choice(("data", "size", "method", "names"))
    if how == "data":
        h = rng.choice(heads)
        i = min(len(out) - 1, h + 30 + rng.randrange(1, 200))
        out[i] ^= 0xFF
    elif how == "size" and centrals:
        c = rng.choice(centrals)
        field_at = c + rng.choice((20, 24))  # compressed / uncompressed size
        out[field_at:field_at + 4] = rng.choice((0, 1, 0xFFFFFFFF, 1 << 30)).to_bytes(4, "little")
    elif how == "method" and centrals:
        c = rng.choice(centrals)
        out[c + 10:c + 12] = rng.choice((0, 1, 9, 12, 14, 99)).to_bytes(2, "little")
    else:
        c = rng.choice(centrals or heads)
        out[c + 28:c + 30] = rng.choice((0, 0xFFFF, 3)).to_bytes(2, "little")
    return bytes(out)


_TAG = re.compile(rb"<([A-Za-z][\w:.-]*)([^<>]*?)(/?)>")


def _xml_cut(xml: bytes, rng: random.Random, name: str) -> bytes:
    return xml[:rng.randrange(len(xml) + 1)]


def _xml_tags(xml: bytes, rng: random.Random, name: str) -> bytes:
    """Unbalanced or stray tags, a comment or PI left open, odd markup."""
    i = rng.randrange(len(xml) + 1)
    snippet = rng.choice((b"<", b"</w:tc>", b"</row>", b"<w:tc>", b"<c r=", b"<!--", b"<?pi",
                          b"<![CDATA[", b"&", b"&#0;", b"&#xFFFE;", b"&#99999999;", b"&nbsp;",
                          b"<a:b xmlns:a=''/>", b"\x00", b"\xc3\x28", b"</table:table-row>",
                          b"<table:table-cell/>" * 20, b"<w:p/>" * 20))
    return xml[:i] + snippet + xml[i:]


def _xml_deep(xml: bytes, rng: random.Random, name: str) -> bytes:
    """An element wrapped in thousands of levels of itself (or of a table)."""
    tags = list(_TAG.finditer(xml))
    if not tags:
        raise Skip
    t = rng.choice(tags)
    tag = t.group(1)
    depth = rng.choice((300, 3000, 100_000))
    if rng.random() < 0.5 and b"w:" in tag:
        tag = rng.choice((b"w:tbl", b"w:tc", b"w:p", b"w:r", b"w:sdt"))
    open_, close = b"<" + tag + b">", b"</" + tag + b">"
    return xml[:t.start()] + open_ * depth + close * (depth if rng.random() < 0.7 else 0) \
        + xml[t.start():]


def _xml_attr_huge(xml: bytes, rng: random.Random, name: str) -> bytes:
    """A huge attribute value, or thousands of attributes, on some element."""
    tags = [t for t in _TAG.finditer(xml) if t.group(2).strip()]
    if not tags:
        raise Skip
    t = rng.choice(tags)
    if rng.random() < 0.5:
        extra = b' x%d="%s"' % (rng.randrange(99), b"A" * rng.choice((10_000, 3_000_000)))
    else:
        extra = b"".join(b' a%d="1"' % k for k in range(rng.choice((1000, 50_000))))
    return xml[:t.end(2)] + extra + xml[t.end(2):]


_NUM_ATTR = re.compile(rb'([\w:.-]+)="(-?\d+(?:\.\d+)?)"')
_REF_ATTR = re.compile(rb'\b(r|ref|sqref|w:val|table:number-columns-repeated|'
                       rb'table:number-rows-repeated|table:number-columns-spanned|'
                       rb'table:number-rows-spanned|w:gridSpan|s|t)="([^"]*)"')


def _xml_attr_numbers(xml: bytes, rng: random.Random, name: str) -> bytes:
    """Numeric attributes (spans, repeats, indexes, widths) made extreme."""
    found = list(_NUM_ATTR.finditer(xml))
    if not found:
        raise Skip
    out = xml
    for m in rng.sample(found, min(len(found), rng.choice((1, 1, 3, 20)))):
        value = rng.choice((b"0", b"-1", b"1048576", b"16384", b"2147483647", b"99999999999999",
                            b"1e9", b"NaN", b"", b"1.5", b"x"))
        out = out.replace(m.group(0), m.group(1) + b'="' + value + b'"', 1)
    return out


def _xml_refs(xml: bytes, rng: random.Random, name: str) -> bytes:
    """Cell references, merges, shared-string indexes, numbering and style ids out of range."""
    found = list(_REF_ATTR.finditer(xml))
    if not found:
        raise Skip
    out = xml
    for m in rng.sample(found, min(len(found), rng.choice((1, 2, 5)))):
        value = rng.choice((b"XFD1048576", b"A1:XFD1048576", b"B2:A1", b"A0", b"ZZZZ1", b"A1:A1",
                            b"999999", b"-1", b"A1048577", b"", b"s", b"inlineStr", b"e", b"b",
                            b"99999", b"A1 B2:C3", b"$A$1", b"1:1048576"))
        out = out.replace(m.group(0), m.group(1) + b'="' + value + b'"', 1)
    return out


_WORD_SNIPPETS = (
    b'<w:vMerge/>', b'<w:vMerge w:val="restart"/>', b'<w:gridSpan w:val="64"/>',
    b'<w:gridSpan w:val="0"/>', b'<w:numPr><w:ilvl w:val="9"/><w:numId w:val="4242"/></w:numPr>',
    b'<w:numPr><w:ilvl w:val="-1"/><w:numId w:val="1"/></w:numPr>', b'<w:hMerge/>',
    b'<w:fldSimple w:instr="SEQ x"><w:r><w:t>9</w:t></w:r></w:fldSimple>',
    b'<w:fldChar w:fldCharType="begin"/>', b'<w:fldChar w:fldCharType="end"/>',
    b'<w:tblGrid/>', b'<w:gridCol w:w="-5"/>', b'<w:br/>' * 1000, b'<w:vanish/>',
    b'<w:basedOn w:val="a"/>', b'<w:pStyle w:val="nonexistent"/>',
    b'<w:del><w:r><w:t>x</w:t></w:r>',
    b'<w:tc><w:tcPr><w:vMerge/></w:tcPr></w:tc>', b'<w:tr></w:tr>', b'<w:tbl></w:tbl>',
)
_SHEET_SNIPPETS = (
    b'<mergeCell ref="A1:XFD1048576"/>', b'<mergeCell ref="C3:A1"/>', b'<mergeCell ref="A1"/>',
    b'<c r="XFD1048576" t="s"><v>99999</v></c>', b'<c r="A1" t="s"><v>-1</v></c>',
    b'<c t="s"><v>0</v></c>', b'<row r="1048577"/>', b'<row r="0"><c r="A0"/></row>',
    b'<c r="B2" t="inlineStr"><is><t>x</t></is></c>', b'<dimension ref="A1:XFD1048576"/>',
    b'<table:table-cell table:number-columns-repeated="16384"/>',
    b'<table:table-row table:number-rows-repeated="1048576"><table:table-cell/></table:table-row>',
    b'<table:table-cell table:number-rows-spanned="100000" table:number-columns-spanned="1000"/>',
    b'<table:covered-table-cell table:number-columns-repeated="99999"/>',
    b'<text:p>' + b'<text:s text:c="99999999"/>' + b'</text:p>',
    b'<text:line-break/>' * 1000, b'<row><c r="A1" s="999999"><v>1</v></c></row>',
)


def _xml_snippet(xml: bytes, rng: random.Random, name: str) -> bytes:
    """A format-specific element (merge, span, numbering, shared-string index) inserted
    after some start tag."""
    tags = [t for t in _TAG.finditer(xml) if not t.group(3)]
    if not tags:
        raise Skip
    t = rng.choice(tags)
    pool = _WORD_SNIPPETS if name.startswith("word/") else _SHEET_SNIPPETS
    return xml[:t.end()] + rng.choice(pool) + xml[t.end():]


def _elements(xml: bytes) -> list[re.Match]:
    names = {t.group(1) for t in _TAG.finditer(xml) if not t.group(3)}
    out = []
    for n in names:
        out += re.finditer(rb"<" + re.escape(n) + rb"[\s>].*?</" + re.escape(n) + rb">", xml,
                           re.S)
    return out


def _xml_elements(xml: bytes, rng: random.Random, name: str) -> bytes:
    """A whole element duplicated (many times), dropped, or moved elsewhere."""
    els = _elements(xml)
    if not els:
        raise Skip
    e = rng.choice(els)
    how = rng.choice(("dup", "dup", "many", "drop", "move"))
    if how == "dup":
        return xml[:e.end()] + e.group(0) + xml[e.end():]
    if how == "many":
        return xml[:e.end()] + e.group(0) * rng.choice((10, 500, 5000)) + xml[e.end():]
    if how == "drop":
        return xml[:e.start()] + xml[e.end():]
    rest = xml[:e.start()] + xml[e.end():]
    i = rng.randrange(len(rest) + 1)
    return rest[:i] + e.group(0) + rest[i:]


_TEXT = re.compile(rb">([^<>]{1,200})<")
_ODD_TEXT = ("\u202e序号", "\ufeff", "\u0000", "𠀀𠀁", "\ud7ff", "\u3000" * 50, "①" * 30, "　",
             "1." * 500, "《》" * 100, "\u200b" * 20, "ｘ", "\U0010ffff",
             "\r\n" * 10, "序号" * 5000)


def _xml_text(xml: bytes, rng: random.Random, name: str) -> bytes:
    found = list(_TEXT.finditer(xml))
    if not found:
        raise Skip
    out = xml
    for m in rng.sample(found, min(len(found), rng.choice((1, 3, 10)))):
        text = rng.choice(_ODD_TEXT).encode("utf-8", "surrogatepass")
        out = out.replace(m.group(0), b">" + text + b"<", 1)
    return out


def _xml_dtd(xml: bytes, rng: random.Random, name: str) -> bytes:
    """A DTD with entities (expansion, external, parameter) before the root element."""
    dtd = rng.choice((
        b'<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>',
        b'<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
        b'<!DOCTYPE r SYSTEM "http://127.0.0.1:9/x.dtd">',
        b'<!DOCTYPE r [<!ENTITY % p "x">]>'))
    m = re.search(rb"<[A-Za-z]", xml)
    if not m:
        raise Skip
    out = xml[:m.start()] + dtd + xml[m.start():]
    if rng.random() < 0.5:
        t = _TEXT.search(out, m.start() + len(dtd))
        if t:
            out = out[:t.start(1)] + rng.choice((b"&c;", b"&x;", b"&undefined;")) + out[t.start(1):]
    return out


#: Row and cell elements of each markup (Word, Excel, OpenDocument, HTML).
_GRIDS = ((b"w:tr", b"w:tc"), (b"row", b"c"), (b"table:table-row", b"table:table-cell"),
          (b"tr", b"td"))
_SPANS = re.compile(rb'(w:gridSpan w:val|table:number-columns-spanned|table:number-rows-spanned|'
                    rb'colspan|rowspan)="?(\d+)"?', re.I)


def table_grid(data: bytes, rng: random.Random, name: str = "") -> bytes:
    """The table's grid changed while the markup stays well-formed: a cell or row dropped,
    duplicated, moved or swapped, a cell emptied, a span or merge made a little wrong."""
    def rows_of(row: bytes) -> list[re.Match]:
        return list(re.finditer(rb"<" + row + rb"[\s>].*?</" + row + rb">", data, re.S))

    found = [(row, cell) for row, cell in _GRIDS if len(rows_of(row)) >= 2]
    if not found:
        raise Skip
    row, cell = found[0]
    rows = rows_of(row)
    cells = list(re.finditer(rb"<" + cell + rb"[\s>/].*?</" + cell + rb">", data, re.S))
    how = rng.choice(("drop-cell", "dup-cell", "move-cell", "swap-cells", "empty-cell",
                      "drop-row", "dup-row", "swap-rows", "span", "span", "merge"))
    if how in ("drop-cell", "dup-cell", "empty-cell", "move-cell") and cells:
        c = rng.choice(cells)
        if how == "drop-cell":
            return data[:c.start()] + data[c.end():]
        if how == "dup-cell":
            return data[:c.end()] + c.group(0) + data[c.end():]
        if how == "empty-cell":
            empty = re.sub(rb">[^<>]+<", b"><", c.group(0))
            return data[:c.start()] + empty + data[c.end():]
        rest = data[:c.start()] + data[c.end():]
        others = [r for r in re.finditer(rb"</" + row + rb">", rest)]
        if not others:
            raise Skip
        at = rng.choice(others).start()
        return rest[:at] + c.group(0) + rest[at:]
    if how == "swap-cells" and len(cells) >= 2:
        a, b = sorted(rng.sample(cells, 2), key=lambda m: m.start())
        if a.end() > b.start():
            raise Skip
        return (data[:a.start()] + b.group(0) + data[a.end():b.start()] + a.group(0)
                + data[b.end():])
    r = rng.choice(rows)
    if how == "drop-row":
        return data[:r.start()] + data[r.end():]
    if how == "dup-row":
        return data[:r.end()] + r.group(0) * rng.choice((1, 1, 2, 30)) + data[r.end():]
    if how == "swap-rows":
        a, b = sorted(rng.sample(rows, 2), key=lambda m: m.start())
        if a.end() > b.start():
            raise Skip
        return (data[:a.start()] + b.group(0) + data[a.end():b.start()] + a.group(0)
                + data[b.end():])
    spans = list(_SPANS.finditer(data))
    if how == "span" and spans:
        s = rng.choice(spans)
        return data[:s.start(2)] + str(rng.choice((0, 1, 2, 3, 5, 9, 40))).encode() + \
            data[s.end(2):]
    if cells:  # a merge: a span where there was none, or Word's vMerge
        c = rng.choice(cells)
        head_end = c.group(0).find(b">") + 1
        if cell == b"w:tc":
            extra = rng.choice((b'<w:tcPr><w:vMerge/></w:tcPr>', b'<w:tcPr><w:gridSpan w:val="%d"/>'
                                b'</w:tcPr>' % rng.choice((2, 3, 7)),
                                b'<w:tcPr><w:vMerge w:val="restart"/></w:tcPr>'))
            new = c.group(0)[:head_end] + extra + c.group(0)[head_end:]
        elif cell == b"td":
            new = c.group(0).replace(b"<td", b'<td %s="%d"' % (
                rng.choice((b"rowspan", b"colspan")), rng.choice((2, 3, 9))), 1)
        elif cell == b"table:table-cell":
            attr = b'table:number-%s-spanned="%d"' % (rng.choice((b"rows", b"columns")),
                                                       rng.choice((2, 3, 9)))
            new = c.group(0).replace(b"<table:table-cell", b"<table:table-cell " + attr, 1)
        else:
            raise Skip
        return data[:c.start()] + new + data[c.end():]
    raise Skip


def _xml_grid(xml: bytes, rng: random.Random, name: str) -> bytes:
    return table_grid(xml, rng, name)


XML_MUTATORS = {"xml_" + f.__name__.lstrip("_").removeprefix("xml_"): _xml_step(f) for f in (
    _xml_cut, _xml_tags, _xml_deep, _xml_attr_huge, _xml_attr_numbers, _xml_refs, _xml_snippet,
    _xml_elements, _xml_text, _xml_dtd, _xml_grid, _xml_grid)}
ZIP_MUTATORS = {"zip_members": zip_members, "zip_raw": zip_raw, **XML_MUTATORS}


# --------------------------------------------------------------------------- OLE (.doc/.xls)

def ole_stream(data: bytes, rng: random.Random, corpus: Corpus) -> bytes:
    """Bytes of one stream (WordDocument, Workbook, 1Table…) mutated in place."""
    import olefile

    buf = io.BytesIO(data)
    try:
        ole = olefile.OleFileIO(buf, write_mode=True)
    except Exception:
        raise Skip from None
    streams = [s for s in ole.listdir() if ole.get_size("/".join(s)) >= 4096]
    if not streams:
        raise Skip
    name = "/".join(rng.choice(streams))
    stream = bytearray(ole.openstream(name).read())
    how = rng.choice(("flip", "numbers16", "zero", "ff", "biff"))
    if how == "biff" and name.lower() in ("workbook", "book"):
        stream = bytearray(_biff(bytes(stream), rng))
    else:
        for _ in range(rng.choice((1, 4, 16))):
            i = rng.randrange(len(stream) - 2)
            if how == "flip":
                stream[i] ^= 1 << rng.randrange(8)
            elif how == "numbers16":
                stream[i:i + 2] = rng.choice((0, 0xFFFF, 0x7FFF, 0x8000, 1)).to_bytes(2, "little")
            elif how == "zero":
                stream[i:i + 64] = bytes(len(stream[i:i + 64]))
            else:
                stream[i:i + 8] = b"\xff" * len(stream[i:i + 8])
    ole.write_stream(name, bytes(stream))
    ole.close()
    return buf.getvalue()


def _biff(stream: bytes, rng: random.Random) -> bytes:
    """BIFF8 records: a record's length or a field of a cell/merge/string record changed."""
    records, i = [], 0
    while i + 4 <= len(stream):
        kind, size = int.from_bytes(stream[i:i + 2], "little"), int.from_bytes(stream[i + 2:i + 4],
                                                                               "little")
        records.append((i, kind, size))
        i += 4 + size
    if not records:
        return stream
    interesting = [r for r in records if r[1] in (0x00FC, 0x00E5, 0x0204, 0x00FD, 0x0208, 0x0200,
                                                   0x0085, 0x003C, 0x0201, 0x027E, 0x0203)]
    at, kind, size = rng.choice(interesting or records)
    out = bytearray(stream)
    if rng.random() < 0.3:
        out[at + 2:at + 4] = rng.choice((0, 1, 0xFFFF, size + 1, max(0, size - 1))).to_bytes(
            2, "little")
    elif size >= 2:
        j = at + 4 + rng.randrange(0, size - 1)
        out[j:j + 2] = rng.choice((0, 0xFFFF, 0x7FFF, 0x3FFF, 0x0100, 1)).to_bytes(2, "little")
    return bytes(out)


OLE_MUTATORS = {"ole_stream": ole_stream}


# --------------------------------------------------------------------------- RTF

def rtf_control(data: bytes, rng: random.Random, corpus: Corpus) -> bytes:
    words = list(re.finditer(rb"\\([a-z]{1,32})(-?\d+)", data))
    if not words:
        raise Skip
    out = data
    for m in rng.sample(words, min(len(words), rng.choice((1, 3, 20)))):
        value = rng.choice((b"0", b"-1", b"2147483647", b"99999999999", b"-2147483648", b"65536"))
        out = out.replace(m.group(0), b"\\" + m.group(1) + value, 1)
    return out


def rtf_groups(data: bytes, rng: random.Random, corpus: Corpus) -> bytes:
    i = rng.randrange(len(data) + 1)
    snippet = rng.choice((b"{" * rng.choice((100, 10_000, 200_000)), b"}" * 50,
                          b"{\\*\\unknown " + b"x" * 1000 + b"}", b"\\bin999999999 ",
                          b"\\bin4 \x00\x01\x02\x03", b"{\\pict\\wmetafile8 " + b"ff" * 500 + b"}",
                          b"\\u-1?\\u99999?", b"\\'zz", b"{\\object\\objemb{\\*\\objdata 0102}}",
                          b"\\trowd" * 500, b"\\cell" * 2000 + b"\\row",
                          b"{\\field{\\*\\fldinst INCLUDETEXT \"file:///etc/passwd\"}}"))
    return data[:i] + snippet + data[i:]


RTF_MUTATORS = {"rtf_control": rtf_control, "rtf_groups": rtf_groups}


# --------------------------------------------------------------------------- HTML

def _html_decode(data: bytes) -> tuple[str, str]:
    for enc in ("utf-8", "gb18030"):
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError:
            pass
    return data.decode("latin-1"), "latin-1"


def html_nest(data: bytes, rng: random.Random, corpus: Corpus) -> bytes:
    text, enc = _html_decode(data)
    tag = rng.choice(("div", "table", "td", "span", "font", "p", "b", "table><tr><td", "ul><li"))
    depth = rng.choice((200, 2000, 50_000))
    close = "".join(f"</{t}>" for t in reversed(tag.split("><")))
    i = text.find("<table")
    i = i if i >= 0 and rng.random() < 0.7 else rng.randrange(len(text) + 1)
    opened = f"<{tag}>" * depth
    return (text[:i] + opened + text[i:] + (close * depth if rng.random() < 0.5 else "")
            ).encode(enc, "replace")


def html_spans(data: bytes, rng: random.Random, corpus: Corpus) -> bytes:
    text, enc = _html_decode(data)
    cells = list(re.finditer(r"<t[dh]\b[^>]*>", text))
    if not cells:
        raise Skip
    out = text
    for m in rng.sample(cells, min(len(cells), rng.choice((1, 2, 10)))):
        attr = rng.choice(("rowspan", "colspan"))
        value = rng.choice(("0", "-1", "1000", "65534", "99999999", "2.5", "x", "1e3", "", "3"))
        new = re.sub(r"\s(rowspan|colspan)=\"?[^\s\">]*\"?", "", m.group(0))
        new = new[:-1] + f' {attr}="{value}">'
        out = out.replace(m.group(0), new, 1)
    return out.encode(enc, "replace")


_CHARSETS = ("utf-8", "gb2312", "gbk", "gb18030", "big5", "utf-16", "utf-16le", "utf-32",
             "iso-2022-jp", "utf-7", "hz-gb-2312", "x-bogus", "shift_jis", "latin-1", "")


def html_charset(data: bytes, rng: random.Random, corpus: Corpus) -> bytes:
    """The declared charset changed, the bytes re-encoded (or not), a BOM added."""
    text, enc = _html_decode(data)
    declared = rng.choice(_CHARSETS)
    text = re.sub(r"charset=[\"']?[\w-]*", f"charset={declared}", text, flags=re.I)
    if "charset=" not in text:
        text = text.replace("<head>", f'<head><meta charset="{declared}">', 1)
    how = rng.choice(("declare-only", "encode", "bom", "encode-other"))
    target = enc
    if how == "encode" and declared:
        target = declared
    elif how == "encode-other":
        target = rng.choice(("utf-16-le", "utf-16-be", "gb18030", "big5", "utf-32"))
    try:
        out = text.encode(target, "replace")
    except LookupError:
        out = text.encode(enc, "replace")
    if how == "bom":
        out = rng.choice((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")) + out
    return out


def html_markup(data: bytes, rng: random.Random, corpus: Corpus) -> bytes:
    """Entities, unclosed tags and comments, scripts, frames, NULs, odd markup."""
    text, enc = _html_decode(data)
    i = rng.randrange(len(text) + 1)
    snippet = rng.choice(("&#0;", "&#xD800;", "&#99999999;", "&#x110000;", "&nbsp" * 1000,
                          "<!--", "<script>", "<style>", "<table>", "</table>", "<tr>", "</td>",
                          "<![CDATA[", "<?xml version='1.0' encoding='utf-16'?>", "\x00" * 10,
                          "<iframe src='file:///etc/passwd'>", "<img src=x onerror=alert(1)>",
                          "<td>" * 5000, "<br>" * 10000, "<p>序号</p>" * 200, "<caption>",
                          "<thead><tr><th>序号</th><th>事项名称</th></tr></thead>",
                          "<col span=99999>",
                          "<meta http-equiv='refresh' content='0;url=http://127.0.0.1:9/'>",
                          "<base href='file:///'>", "<!DOCTYPE x [<!ENTITY a 'b'>]>&a;",
                          "<table><tr><td>" * 300))
    return (text[:i] + snippet + text[i:]).encode(enc, "replace")


def html_structure(data: bytes, rng: random.Random, corpus: Corpus) -> bytes:
    """Rows, cells or tables duplicated, dropped or moved; huge attributes."""
    text, enc = _html_decode(data)
    tag = rng.choice(("tr", "td", "table", "p", "tbody", "thead"))
    els = list(re.finditer(rf"<{tag}\b.*?</{tag}>", text, re.S))
    if not els:
        raise Skip
    e = rng.choice(els)
    how = rng.choice(("dup", "many", "drop", "move", "attr"))
    if how == "dup":
        return (text[:e.end()] + e.group(0) + text[e.end():]).encode(enc, "replace")
    if how == "many":
        return (text[:e.end()] + e.group(0) * rng.choice((20, 2000)) + text[e.end():]).encode(
            enc, "replace")
    if how == "drop":
        return (text[:e.start()] + text[e.end():]).encode(enc, "replace")
    if how == "attr":
        huge = f' title="{"x" * rng.choice((10_000, 2_000_000))}"'
        j = e.start() + len(tag) + 1
        return (text[:j] + huge + text[j:]).encode(enc, "replace")
    rest = text[:e.start()] + text[e.end():]
    i = rng.randrange(len(rest) + 1)
    return (rest[:i] + e.group(0) + rest[i:]).encode(enc, "replace")


def html_grid(data: bytes, rng: random.Random, corpus: Corpus) -> bytes:
    return table_grid(data, rng)


HTML_MUTATORS = {"html_nest": html_nest, "html_spans": html_spans, "html_charset": html_charset,
                 "html_markup": html_markup, "html_structure": html_structure,
                 "html_grid": html_grid}


# --------------------------------------------------------------------------- registry

MUTATORS: dict[str, Callable[[bytes, random.Random, Corpus], bytes]] = {
    **BYTE_MUTATORS, **PDF_MUTATORS, **ZIP_MUTATORS, **OLE_MUTATORS, **RTF_MUTATORS,
    **HTML_MUTATORS}
#: Family → its structure-aware mutators.  Byte-level ones are drawn for 30 % of steps.
STRUCTURED = {"pdf": PDF_MUTATORS, "zip": ZIP_MUTATORS, "ole": OLE_MUTATORS,
              "rtf": RTF_MUTATORS, "html": HTML_MUTATORS}
BYTE_SHARE = {"pdf": 0.3, "zip": 0.25, "ole": 0.5, "rtf": 0.5, "html": 0.3}

#: Default share of inputs per format (LibreOffice and OCR formats cost seconds each).
WEIGHTS = {"pdf": 28, "scan": 0.5, "docx": 18, "doc": 0.6, "wps": 0.3, "rtf": 0.6, "odt": 0.6,
           "xlsx": 15, "xls": 8, "et": 4, "ods": 8, "html": 17}


def draw_recipe(campaign_seed: int, index: int, formats: list[str], corpus: Corpus) -> Recipe:
    """Input ``index`` of the campaign ``campaign_seed``: its format, seed file and steps."""
    rng = random.Random(f"{campaign_seed}/{index}")
    fmts = [f for f in formats if corpus.by_format.get(f)]
    fmt = rng.choices(fmts, weights=[WEIGHTS.get(f, 1) for f in fmts])[0]
    seed_file = rng.choice(sorted(p.name for p in corpus.by_format[fmt]))
    family = FAMILY[fmt]
    steps = []
    for _ in range(rng.choice((1, 1, 1, 2, 2, 3))):
        pool = BYTE_MUTATORS if rng.random() < BYTE_SHARE[family] else STRUCTURED[family]
        steps.append((rng.choice(sorted(pool)), rng.getrandbits(32)))
    return Recipe(fmt, seed_file, tuple(steps), index, campaign_seed)


def apply_recipe(recipe: Recipe, corpus: Corpus) -> bytes:
    """The bytes of ``recipe``'s input.  A step that does not apply becomes a bit flip."""
    data = corpus.data[recipe.seed_file]
    for name, step_seed in recipe.steps:
        rng = random.Random(step_seed)
        try:
            data = MUTATORS[name](data, rng, corpus)
        except Skip:
            data = flip_bits(data, rng, corpus) if data else data
        except (RecursionError, ValueError, OverflowError, MemoryError, zipfile.BadZipFile,
                zipfile.LargeZipFile, OSError, EOFError):
            data = flip_bits(data, rng, corpus) if data else data
    return data
