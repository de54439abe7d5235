"""Hostile and broken PDFs, made locally from raw bytes for the hostile-input tests.

    CASES: name → ``Case(make, expect)``; ``case.make(folder) -> Path`` writes the file.

Every file is written by hand (objects, xref offsets computed here), so each
defect is exactly the one named and nothing else is wrong.  Encryption uses
reportlab's standard security handler (RC4, pure Python).  Files stay small on
disk: the bomb is two nested Flate layers (a few KB inflating to 4 GiB), the
20,000-page file shares one content stream.

``expect`` is a regex the one ``error:`` line must match: which check catches
the case (or, for a file that pdfminer legitimately repairs, that it reads and
then finds no table).
"""

from __future__ import annotations

import os
import sys
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pipeline.settings import DEFAULT_LIMITS

# A page that prints text (standard Type1 font, no embedding) and draws no table.
TEXT_CONTENT = b"BT /F1 14 Tf 72 720 Td (Notice: this page has text and no table.) Tj ET\n"
FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
MEDIABOX = b"[0 0 595 842]"


# --------------------------------------------------------------------------- writer

def stream(data: bytes, extra: bytes = b"", length: int | None = None) -> bytes:
    """A stream object body; ``length`` overrides the true /Length (to lie about it)."""
    n = len(data) if length is None else length
    return b"<< /Length %d %s>>\nstream\n" % (n, extra) + data + b"\nendstream"


def build_pdf(objects: list[bytes], *, root: int = 1, startxref: int | None = None,
              trailer_extra: bytes = b"", version: bytes = b"1.7") -> bytes:
    """A PDF whose object ``i`` (1-based) is ``objects[i-1]``, with a correct xref.

    ``startxref`` replaces the true offset of the xref table (to point it wrong).
    """
    out = bytearray(b"%PDF-" + version + b"\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R %s>>\n" % (len(objects) + 1, root, trailer_extra)
    out += b"startxref\n%d\n%%%%EOF\n" % (xref if startxref is None else startxref)
    return bytes(out)


def simple_pdf(content: bytes = TEXT_CONTENT, *, page_extra: bytes = b"",
               mediabox: bytes = MEDIABOX, content_extra: bytes = b"",
               resources: bytes | None = None, more: list[bytes] = (),
               content_length: int | None = None, kids: bytes = b"3 0 R", count: int = 1,
               **kw) -> bytes:
    """Catalog (1), Pages (2), one Page (3), its content (4), Helvetica (5), then ``more``."""
    if resources is None:
        resources = b"<< /Font << /F1 5 0 R >> >>"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % count,
        b"<< /Type /Page /Parent 2 0 R /MediaBox " + mediabox
        + b" /Resources " + resources + b" /Contents 4 0 R " + page_extra + b">>",
        stream(content, content_extra, content_length),
        FONT,
        *more,
    ]
    return build_pdf(objects, **kw)


def name(text: str) -> bytes:
    """A PDF name token for ``text`` with every delimiter (``/`` included) #-escaped."""
    out = bytearray(b"/")
    for byte in text.encode():
        if 0x21 <= byte <= 0x7E and chr(byte) not in "/#()<>[]{}%":
            out.append(byte)
        else:
            out += b"#%02X" % byte
    return bytes(out)


# --------------------------------------------------------------------------- cases

def _no_table() -> bytes:
    return simple_pdf()


def _zero_pages() -> bytes:
    return build_pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                      b"<< /Type /Pages /Kids [] /Count 0 >>"])


def _circular_page_tree() -> bytes:
    # 2 → [6, 3]; 6 → [2]: the tree contains itself.  Page 3 is real.
    return simple_pdf(more=[b"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R] /Count 1 >>"],
                      kids=b"6 0 R 3 0 R", count=2)


def _circular_xobjects() -> bytes:
    # The page draws form 6, which draws form 7, which draws form 6 again.
    form = (b"/Type /XObject /Subtype /Form /BBox [0 0 595 842]"
            b" /Resources << /XObject << /X %d 0 R >> >> ")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox " + MEDIABOX
        + b" /Resources << /Font << /F1 5 0 R >> /XObject << /X 6 0 R >> >> /Contents 4 0 R >>",
        stream(TEXT_CONTENT + b"/X Do\n"),
        FONT,
        stream(b"/X Do\n", form % 7),
        stream(b"/X Do\n", form % 6),
    ]
    return build_pdf(objects)


def _wrong_startxref() -> bytes:
    return simple_pdf(startxref=12)  # inside the header comment


def _bad_stream_length() -> bytes:
    # /Length says 30 bytes; the stream has more, and "endstream" is not where it says.
    return simple_pdf(content_length=30)


def _malformed_mediabox() -> bytes:
    return simple_pdf(mediabox=b"[0 0 /Letter (wide)]")


def _header_only() -> bytes:
    return b"%PDF-1.7\n"


def _image_only() -> bytes:
    # A 64×64 grey image drawn over the page; no font anywhere.
    pixels = zlib.compress(bytes((x * 4) & 0xFF for x in range(64)) * 64)
    image = stream(pixels, b"/Type /XObject /Subtype /Image /Width 64 /Height 64 "
                   b"/ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode ")
    content = b"q 500 0 0 700 47 71 cm /Im1 Do Q\n"
    return simple_pdf(content, resources=b"<< /XObject << /Im1 6 0 R >> >>", more=[image])


def _image_width_dangling() -> bytes:
    # A scan whose image's /Width is a reference to an object the file does not have.
    pixels = zlib.compress(bytes(64) * 64)
    image = stream(pixels, b"/Type /XObject /Subtype /Image /Width 9 0 R /Height 64 "
                   b"/ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode ")
    content = b"q 500 0 0 700 47 71 cm /Im1 Do Q\n"
    return simple_pdf(content, resources=b"<< /XObject << /Im1 6 0 R >> >>", more=[image])


def huge_image_drawn_small() -> bytes:
    # A scan (a 2000×2800 image over the page) with a 20000×20000 image drawn 10 pt wide
    # in a corner: rendering the page would decode all 400 megapixels of it.
    page = stream(zlib.compress(bytes(2000) * 2800), b"/Type /XObject /Subtype /Image "
                  b"/Width 2000 /Height 2800 /ColorSpace /DeviceGray /BitsPerComponent 8 "
                  b"/Filter /FlateDecode ")
    huge = stream(zlib.compress(bytes(1000)), b"/Type /XObject /Subtype /Image /Width 20000 "
                  b"/Height 20000 /ColorSpace /DeviceGray /BitsPerComponent 8 "
                  b"/Filter /FlateDecode ")
    content = b"q 500 0 0 700 47 71 cm /Im1 Do Q q 10 0 0 10 20 20 cm /Im2 Do Q\n"
    return simple_pdf(content, resources=b"<< /XObject << /Im1 6 0 R /Im2 7 0 R >> >>",
                      more=[page, huge])


def _compression_bomb() -> bytes:
    """A content stream of two Flate layers that inflates to 4 GiB of zeros.

    The inner deflate data is one full-flushed block of 1 MiB of zeros repeated
    4096 times (flushed blocks do not depend on each other), closed by an
    empty final block and the Adler-32 of 4 GiB of zeros (a = 1, b = n mod
    65521).  The repetition compresses again by ~1000×.
    """
    size = 1 << 20
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = comp.compress(bytes(size)) + comp.flush(zlib.Z_FULL_FLUSH)
    repeats = 4096
    total = size * repeats
    adler = ((total % 65521) << 16) | 1
    inner = b"\x78\xda" + block * repeats + b"\x03\x00" + adler.to_bytes(4, "big")
    outer = zlib.compress(inner, 9)
    return simple_pdf(outer, content_extra=b"/Filter [/FlateDecode /FlateDecode] ")


def _truncated_compressed_stream() -> bytes:
    data = zlib.compress(TEXT_CONTENT * 40)
    return simple_pdf(data[: len(data) // 2], content_extra=b"/Filter /FlateDecode ")


def many_pages(count: int, *, declared: int | None = None) -> bytes:
    """``count`` pages sharing one content stream; /Count says ``declared``."""
    first = 5
    kids = b" ".join(b"%d 0 R" % (first + i) for i in range(count))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + kids + b"] /Count %d /MediaBox " % (
            count if declared is None else declared) + MEDIABOX
        + b" /Resources << /Font << /F1 4 0 R >> >> >>",
        stream(TEXT_CONTENT),
        FONT,
    ]
    objects += [b"<< /Type /Page /Parent 2 0 R /Contents 3 0 R >>"] * count
    return build_pdf(objects)


def segments_page(count: int) -> bytes:
    """One page stroking ``count`` short line segments (a compressed content stream)."""
    parts = [b"0.1 w\n"]
    for i in range(count):
        x, y = 20 + (i * 7) % 550, 20 + (i * 13) % 800
        if i % 2:
            parts.append(b"%d %d m %d %d l\n" % (x, y, x + 3, y))
        else:
            parts.append(b"%d %d m %d %d l\n" % (x, y, x, y + 3))
    parts.append(b"S\n")
    return simple_pdf(zlib.compress(b"".join(parts), 9), content_extra=b"/Filter /FlateDecode ")


def nested_forms(levels: int, fanout: int = 2) -> bytes:
    """A page drawing form 1, which draws form 2 ``fanout`` times, … down ``levels`` forms."""
    form = b"/Type /XObject /Subtype /Form /BBox [0 0 595 842] "
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox " + MEDIABOX
        + b" /Resources << /Font << /F1 5 0 R >> /XObject << /X 6 0 R >> >> /Contents 4 0 R >>",
        stream(TEXT_CONTENT + b"/X Do\n"),
        FONT,
    ]
    for i in range(levels - 1):
        objects.append(stream(b"/X Do\n" * fanout,
                              form + b"/Resources << /XObject << /X %d 0 R >> >> " % (7 + i)))
    objects.append(stream(b"10 10 m 20 20 l S\n", form))
    return build_pdf(objects)


def cmap_traversal(planted: Path) -> bytes:
    """Type0 fonts whose CMap names climb out of pdfminer's CMap folders to ``planted``.

    Four routes, each aiming at ``<planted>.json.gz`` (pdfminer appends the
    suffix): font F2's /Encoding name and ``usecmap`` in its ToUnicode CMap;
    font F3's /Encoding /CMapName and its CIDSystemInfo Ordering (which names
    a to-unicode map).
    """
    target = "../" * 24 + str(planted).lstrip("/")
    cmap = (b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
            + name(target) + b" usecmap\n"
            b"/CMapName /Evil def 1 begincodespacerange <0000> <FFFF> endcodespacerange\n"
            b"1 beginbfchar <0001> <0041> endbfchar\nendcmap end end\n")
    f2 = (b"<< /Type /Font /Subtype /Type0 /BaseFont /Evil /Encoding " + name(target)
          + b" /DescendantFonts [<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Evil"
          b" /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> >>]"
          b" /ToUnicode 8 0 R >>")
    f3 = (b"<< /Type /Font /Subtype /Type0 /BaseFont /Evil2 /Encoding << /CMapName "
          + name(target) + b" >> /DescendantFonts [<< /Type /Font /Subtype /CIDFontType2"
          b" /BaseFont /Evil2 /CIDSystemInfo << /Registry (Adobe) /Ordering ("
          + target.encode() + b") /Supplement 0 >> >>] >>")
    content = (TEXT_CONTENT + b"BT /F2 12 Tf 72 600 Td <00010001> Tj ET\n"
               b"BT /F3 12 Tf 72 500 Td <00010001> Tj ET\n")
    return simple_pdf(content, resources=b"<< /Font << /F1 5 0 R /F2 6 0 R /F3 7 0 R >> >>",
                      more=[f2, f3, stream(cmap)])


def encrypted(user_password: str, *, text: str = "Notice: encrypted, and no table.") -> bytes:
    """A one-page PDF encrypted with RC4-128 (reportlab's standard security handler)."""
    import io

    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    enc = pdfencrypt.StandardEncryption(user_password, "owner-secret", strength=128)
    c = canvas.Canvas(buf, encrypt=enc, invariant=1)
    c.drawString(72, 720, text)
    c.showPage()
    c.save()
    return buf.getvalue()


# --------------------------------------------------------------------------- registry

@dataclass(frozen=True)
class Case:
    """One hostile input: ``make(folder)`` writes it and returns its path."""

    make: Callable[[Path], Path]
    expect: str  # regex the ``error:`` line must match


def _file(name_: str, data: Callable[[], bytes]) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = folder / name_
        path.write_bytes(data())
        return path
    return make


def _truncated_fixture(folder: Path) -> Path:
    src = Path(__file__).resolve().parent / "fixtures" / "notice-2023-synthetic-INVENTED.pdf"
    data = src.read_bytes()
    path = folder / "truncated.pdf"
    path.write_bytes(data[: len(data) // 3])
    return path


def _missing(folder: Path) -> Path:
    return folder / "does-not-exist.pdf"


def _directory(folder: Path) -> Path:
    path = folder / "a-folder.pdf"
    path.mkdir(exist_ok=True)
    return path


def _cmap_case(folder: Path) -> Path:
    planted = plant_cmap(folder)
    path = folder / "cmap-traversal.pdf"
    path.write_bytes(cmap_traversal(planted))
    return path


def plant_cmap(folder: Path) -> Path:
    """Write ``folder/planted.json.gz`` (a valid CMap pdfminer would load); return its stem."""
    import gzip
    import json

    stem = folder / "planted"
    with gzip.open(f"{stem}.json.gz", "wt", encoding="utf-8") as f:
        json.dump({"CODE2CID": {}, "IS_VERTICAL": False, "CID2UNICHR_H": {"1": "PWNED"},
                   "CID2UNICHR_V": {}}, f)
    return stem


NO_TABLE = r"no table|table"  # the extraction's own message once the PDF has been read

CASES: dict[str, Case] = {
    "empty": Case(_file("empty.pdf", lambda: b""), r"empty file"),
    "html": Case(_file("page.pdf", lambda: (
        b"\n<!DOCTYPE html>\n<html><head><meta charset='utf-8'><title>404 Not Found</title>"
        b"</head><body><h1>Not Found</h1></body></html>\n")), r"HTML page saved as \.pdf"),
    "text": Case(_file("notes.pdf", lambda: "关于印发清单的通知\n第一条 …\n".encode() * 20),
                 r"text file saved as \.pdf"),
    "truncated": Case(_truncated_fixture, r"truncated"),
    "header-only": Case(_file("header.pdf", _header_only), r"truncated"),
    "zero-pages": Case(_file("zero.pdf", _zero_pages), r"no pages"),
    "circular-page-tree": Case(_file("circular-tree.pdf", _circular_page_tree), NO_TABLE),
    # pdfminer refuses to re-enter a form it is drawing, so the page reads.
    "circular-xobjects": Case(_file("circular-xobj.pdf", _circular_xobjects), NO_TABLE),
    "wrong-startxref": Case(_file("startxref.pdf", _wrong_startxref), NO_TABLE),
    "bad-stream-length": Case(_file("length.pdf", _bad_stream_length),
                              r"damaged PDF: a stream's /Length ends \d+ bytes before its data"),
    "malformed-mediabox": Case(_file("mediabox.pdf", _malformed_mediabox),
                               r"page 1: malformed MediaBox: .*expected four numbers"),
    "encrypted-user-password": Case(_file("locked.pdf", lambda: encrypted("s3cret")),
                                    r"encrypted PDF: a password is needed"),
    "encrypted-empty-password": Case(_file("owner-only.pdf", lambda: encrypted("")), NO_TABLE),
    "compression-bomb": Case(_file("bomb.pdf", _compression_bomb), r"memory limit of \d+ MB"),
    "truncated-compressed-stream": Case(_file("cut-stream.pdf", _truncated_compressed_stream),
                                        r"compressed stream"),
    # 30 nested forms, each drawing the next twice: 2**30 draws of one line.
    "form-fanout": Case(_file("fanout.pdf", lambda: nested_forms(30)),
                        r"page 1: the page draws forms 1,073,741,823 times \(nested forms\), "
                        r"more than the limit of"),
    "20000-pages": Case(_file("pages.pdf", lambda: many_pages(20_000)),
                        r"20,000 pages, more than the limit of"),
    "20000-pages-count-lies": Case(_file("pages-lie.pdf", lambda: many_pages(20_000, declared=1)),
                                   rf"at least {DEFAULT_LIMITS.max_pages + 1:,} pages, more than "
                                   rf"the limit of {DEFAULT_LIMITS.max_pages:,}"),
    "80000-segments": Case(_file("segments.pdf", lambda: segments_page(80_000)),
                           r"80,000 ruling segments, more than the limit of"),
    "image-only": Case(_file("scan.pdf", _image_only),
                       r"image-only pages: no text layer"),
    "image-width-dangling-reference": Case(_file("scan-width-ref.pdf", _image_width_dangling),
                                           r"image-only pages: no text layer"),
    "no-table": Case(_file("letter.pdf", _no_table), NO_TABLE),
    "cmap-traversal": Case(_cmap_case, NO_TABLE),
    "missing": Case(_missing, r"no such file"),
    "directory": Case(_directory, r"is a directory"),
}


def make_all(folder: Path) -> dict[str, Path]:
    """Write every case under ``folder/<name>/``; return name → path."""
    out = {}
    for key, case in CASES.items():
        sub = folder / key
        os.makedirs(sub, exist_ok=True)
        out[key] = case.make(sub)
    return out


# --------------------------------------------------------------------------- readers for tests

def read_probe(path: Path, limits=None) -> dict:
    """A stand-in for ``extract.run``: the guard's checks, each page laid out, a ruled table.

    Raises ``LayoutError`` when no page has a table (as the extraction would).
    """
    from pipeline.errors import LayoutError
    from pipeline.safety import guard

    with guard.open_pdf(Path(path), limits or DEFAULT_LIMITS) as pdf:
        for page in pdf.pages:
            if page.chars and page.find_tables():
                return {"page": page.page_number}
    raise LayoutError("no table of the expected shape found")


# --------------------------------------------------------------------------- running the CLI

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class CliRun:
    """One finished CLI run: exit status, output, and the peak RSS of its process tree."""

    returncode: int
    stdout: str
    stderr: str
    max_rss_mb: float


def run_cli(*args: str, timeout: float = 60, python: list[str] | None = None) -> CliRun:
    """Run ``python -m pipeline ARGS`` from the project root; kill it after ``timeout`` s.

    The peak RSS comes from ``wait4``: the largest of the CLI process and
    every descendant it reaped (the sandboxed reader among them).
    """
    import subprocess
    import tempfile
    import time

    command = (python or [sys.executable, "-m", "pipeline"]) + [str(a) for a in args]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=err)
        deadline = time.monotonic() + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                proc.kill()
                os.wait4(proc.pid, 0)
                raise TimeoutError(f"{command} ran longer than {timeout} s")
            time.sleep(0.01)
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return CliRun(proc.returncode, out.read().decode(), err.read().decode(),
                      usage.ru_maxrss / 1024)


#: What a refused input may cost the CLI's process tree at most (MB of peak RSS).
GIB_MB = 1024


def one_error_line(run: CliRun, path) -> str:
    """Assert ``run`` refused ``path`` as promised (exit 1, one ``error: PATH…`` line on
    stderr, no traceback, nothing on stdout, under ``GIB_MB``); return that line."""
    assert run.returncode == 1, (run.returncode, run.stderr)
    assert "Traceback" not in run.stderr
    lines = run.stderr.splitlines()
    assert len(lines) == 1, run.stderr
    assert lines[0].startswith(f"error: {path}"), lines[0]
    assert run.stdout == ""
    assert run.max_rss_mb < GIB_MB, run.max_rss_mb
    return lines[0]


#: ``python -c AUDITED WATCHED ARGS…`` runs the CLI with ARGS and exits 99 (saying
#: "planted file opened") the moment any process of it opens the file WATCHED.
AUDITED = """
import os, runpy, sys
watched = os.path.realpath(sys.argv[1])
def hook(event, args):
    if event == "open" and args and isinstance(args[0], (str, bytes)):
        if os.path.realpath(os.fsdecode(args[0])) == watched:
            os.write(2, b"planted file opened\\n")
            os._exit(99)
sys.addaudithook(hook)  # inherited by the forked reader
sys.argv = ["pipeline", *sys.argv[2:]]
runpy.run_module("pipeline", run_name="__main__", alter_sys=True)
"""


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (relative path → sha256), and the folder's siblings."""
    import hashlib

    out = {f"../{p.name}": "sibling" for p in folder.parent.iterdir() if p != folder}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            out[str(path.relative_to(folder))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def is_complete(folder: Path) -> bool:
    """The folder has a manifest listing the contract's files, each present with its sha256.

    (Files added after the manifest, such as validation.json, are allowed.)
    """
    import hashlib
    import json

    try:
        listed = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["files"]
    except (OSError, ValueError, KeyError):
        return False
    required = {f"{t}.{ext}" for t in ("items", "tasks", "citations", "departments")
                for ext in ("parquet", "csv")} | {"notice.json"}
    return required <= set(listed) and all(
        (folder / name).is_file()
        and hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest
        for name, digest in listed.items())
