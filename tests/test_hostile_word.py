"""Hostile and broken Word-family files through the command line.

The promise of tests/test_hostile_cli.py, for .docx/.doc/.wps/.odt/.rtf:
``python -m pipeline extract BAD --out DIR`` where DIR holds a good
extraction exits 1 with one ``error: <file>: <what>`` line (no traceback),
within the time limit and with its process tree under 1 GiB, and leaves DIR
byte-identical.  Zip bombs and parts far larger than a list (inflated bytes
counted, directory sizes distrusted), DTDs (entity expansion, external
entities), what is not a zip or is cut short, encrypted files (an OOXML
EncryptedPackage, a password .doc made by LibreOffice), a .docx without a
table, tables nested too deep, and LibreOffice hanging, crashing, missing or
without a filter for the file.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import struct
import subprocess
import zipfile
import zlib
from pathlib import Path

import pytest

from tests import hostile
from tests.formats import needs_soffice
from tests.formats.docx import make_cases
from tests.render.pdf_soffice import soffice_binary

RTF = rb"{\rtf1\ansi\deff0{\fonttbl{\f0 Times;}}\f0 Notice text and no table.\par}"


@pytest.fixture(scope="module")
def docx_parts(tmp_path_factory) -> dict[str, bytes]:
    """The parts of a good generated .docx (the 2021 list as a clerk typed it)."""
    path = make_cases(["clerk-2021"], tmp_path_factory.mktemp("docx"))["clerk-2021"]
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def _refused(path: Path, existing, expect: str, *extra: str, timeout: float = 60) -> str:
    out, before = existing
    run = hostile.run_cli("extract", path, "--out", out, *extra, timeout=timeout)
    line = hostile.one_error_line(run, path)
    assert re.search(expect, line), line
    assert hostile.snapshot(out) == before
    return line


# --------------------------------------------------------------------------- zips by hand

def _deflate(data: bytes) -> bytes:
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    return comp.compress(data) + comp.flush()


def _zeros_bomb(mib: int) -> tuple[bytes, int]:
    """Raw deflate data inflating to ``mib`` MiB of zeros (a few KB per MiB), and its CRC."""
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = comp.compress(bytes(1 << 20)) + comp.flush(zlib.Z_FULL_FLUSH)
    crc, chunk = 0, bytes(1 << 20)
    for _ in range(mib):
        crc = zlib.crc32(chunk, crc)
    return block * mib + b"\x03\x00", crc


def _zip(members: dict[str, bytes | tuple[bytes, int, int]]) -> bytes:
    """A zip of ``members``: plain bytes (deflated here), or (raw deflate data, CRC,
    size declared in the headers) written as given."""
    out, central = bytearray(), bytearray()
    for name, member in members.items():
        if isinstance(member, bytes):
            data, crc, size = _deflate(member), zlib.crc32(member), len(member)
        else:
            data, crc, size = member
        encoded = name.encode()
        offset = len(out)
        out += struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0x5221, crc, len(data),
                           size, len(encoded), 0) + encoded + data
        central += struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 8, 0, 0x5221, crc,
                               len(data), size, len(encoded), 0, 0, 0, 0, 0, offset) + encoded
    n = len(members)
    return bytes(out + central + struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, n, n,
                                             len(central), len(out), 0))


def _with(parts: dict[str, bytes], changes: dict) -> bytes:
    return _zip({**parts, **changes})


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# --------------------------------------------------------------------------- the package

def test_document_part_inflating_to_a_gib_is_refused_at_the_cap(docx_parts, existing, tmp_path):
    bomb, crc = _zeros_bomb(1024)
    path = _write(tmp_path, "bomb.docx",
                  _with(docx_parts, {"word/document.xml": (bomb, crc, 1 << 30)}))
    assert path.stat().st_size < 2 << 20
    _refused(path, existing, r"word/document\.xml inflates to more than 64 MB \(a zip bomb")


def test_a_zip_directory_that_lies_about_sizes_is_read_no_further(docx_parts, existing,
                                                                  tmp_path):
    bomb, crc = _zeros_bomb(1024)  # says 5,000 bytes, inflates to 1 GiB
    path = _write(tmp_path, "liar.docx",
                  _with(docx_parts, {"word/document.xml": (bomb, crc, 5000)}))
    _refused(path, existing, r"damaged \.docx: word/document\.xml cannot be inflated")


def test_a_styles_part_bomb_is_refused_too(docx_parts, existing, tmp_path):
    bomb, crc = _zeros_bomb(256)
    path = _write(tmp_path, "styles.docx",
                  _with(docx_parts, {"word/styles.xml": (bomb, crc, 1 << 28)}))
    _refused(path, existing, r"word/styles\.xml inflates to more than 64 MB")


def test_a_huge_part_the_reader_does_not_need_is_never_inflated(docx_parts, tmp_path):
    bomb, crc = _zeros_bomb(1024)  # a 1 GiB "image": unread
    path = _write(tmp_path, "picture.docx",
                  _with(docx_parts, {"word/media/image1.png": (bomb, crc, 1 << 30)}))
    run = hostile.run_cli("extract", path, "--out", tmp_path / "out")
    assert run.returncode == 0, run.stderr
    assert run.max_rss_mb < hostile.GIB_MB
    assert hostile.is_complete(tmp_path / "out")


BILLION_LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY a "haha">'
                  + b"".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">'
                             .encode() for i in range(9))
                  + b']><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/'
                    b'2006/main"><w:body><w:tbl><w:tr><w:tc><w:p><w:r><w:t>&j;</w:t></w:r></w:p>'
                    b"</w:tc></w:tr></w:tbl></w:body></w:document>")


def test_entity_expansion_is_refused_unread(docx_parts, existing, tmp_path):
    path = _write(tmp_path, "laughs.docx", _with(docx_parts, {"word/document.xml": BILLION_LAUGHS}))
    _refused(path, existing, r"word/document\.xml declares a DTD \(entity definitions\)")


def test_external_entities_are_neither_read_nor_fetched(docx_parts, existing, tmp_path):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.setblocking(False)
    port = listener.getsockname()[1]
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-CONTENT", encoding="utf-8")
    numbering = (f'<?xml version="1.0"?><!DOCTYPE w:numbering [<!ENTITY f SYSTEM '
                 f'"{secret.as_uri()}"><!ENTITY u SYSTEM "http://127.0.0.1:{port}/x">]>'
                 '<w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/'
                 '2006/main"><w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0">'
                 '<w:lvlText w:val="&f;&u;"/></w:lvl></w:abstractNum></w:numbering>').encode()
    parts = dict(docx_parts)
    rels = parts["word/_rels/document.xml.rels"]
    if b"numbering.xml" not in rels:
        parts["word/_rels/document.xml.rels"] = rels.replace(
            b"</Relationships>", b'<Relationship Id="rIdN" Type="http://schemas.openxmlformats.'
            b'org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/>'
            b"</Relationships>")
    path = _write(tmp_path, "external.docx", _with(parts, {"word/numbering.xml": numbering}))
    try:
        line = _refused(path, existing, r"word/numbering\.xml declares a DTD")
        assert "SECRET" not in line
        with pytest.raises(BlockingIOError):
            listener.accept()  # nobody connected
    finally:
        listener.close()


def test_tables_nested_too_deep_are_refused(docx_parts, existing, tmp_path):
    inner = "<w:p><w:r><w:t>深</w:t></w:r></w:p>"
    for _ in range(40):
        inner = f"<w:tbl><w:tr><w:tc>{inner}<w:p/></w:tc></w:tr></w:tbl>"
    doc = ('<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.'
           f'openxmlformats.org/wordprocessingml/2006/main"><w:body>{inner}</w:body>'
           "</w:document>").encode()
    path = _write(tmp_path, "deep.docx", _with(docx_parts, {"word/document.xml": doc}))
    _refused(path, existing, r"tables nested more than 20 deep")


W_MAIN = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _tiny_docx(body: str, numbering: str | None = None) -> bytes:
    """A .docx of word/document.xml with ``body`` (and word/numbering.xml holding
    ``numbering``, found by the part's default name): a few hundred bytes."""
    parts = {"word/document.xml": f'<?xml version="1.0"?><w:document xmlns:w="{W_MAIN}">'
                                  f"<w:body>{body}</w:body></w:document>".encode()}
    if numbering is not None:
        parts["word/numbering.xml"] = (f'<?xml version="1.0"?><w:numbering xmlns:w="{W_MAIN}">'
                                       f"{numbering}</w:numbering>").encode()
    return _zip(parts)


def _grid_table(trpr: str = "", tcpr: str = "") -> str:
    cell = f"<w:tc>{tcpr}<w:p><w:r><w:t>甲</w:t></w:r></w:p></w:tc>"
    return (f'<w:tbl><w:tblGrid><w:gridCol w:w="2000"/><w:gridCol w:w="2000"/></w:tblGrid>'
            f"<w:tr>{trpr}{cell}{cell}</w:tr></w:tbl>")


def test_grid_span_of_two_billion_columns_is_refused_at_once(existing, tmp_path):
    data = _tiny_docx(_grid_table(tcpr='<w:tcPr><w:gridSpan w:val="2000000000"/></w:tcPr>'))
    assert len(data) < 1000
    path = _write(tmp_path, "span.docx", data)
    _refused(path, existing, r"table row 1: its cells \(w:gridSpan\) reach grid column "
                             r"2,000,000,000, past the table's declared grid of 2 columns by "
                             r"more than 64")


def test_grid_before_of_two_billion_columns_is_refused_at_once(existing, tmp_path):
    path = _write(tmp_path, "before.docx", _tiny_docx(
        _grid_table(trpr='<w:trPr><w:gridBefore w:val="2000000000"/></w:trPr>')))
    _refused(path, existing, r"table row 1: its cells \(w:gridBefore\) reach grid column "
                             r"2,000,000,000")


def test_many_cells_each_spanning_a_little_are_refused_past_the_grid(existing, tmp_path):
    # No one span is large: 30 cells of 3 columns each reach 88 columns past a 2-column grid.
    cells = '<w:tc><w:tcPr><w:gridSpan w:val="3"/></w:tcPr><w:p/></w:tc>' * 30
    body = (f'<w:tbl><w:tblGrid><w:gridCol w:w="2000"/><w:gridCol w:w="2000"/></w:tblGrid>'
            f"<w:tr>{cells}</w:tr></w:tbl>")
    path = _write(tmp_path, "wide.docx", _tiny_docx(body))
    _refused(path, existing, r"table row 1: its cells \(w:gridSpan\) reach grid column 69, "
                             r"past the table's declared grid of 2 columns")


def test_a_cell_spanning_a_few_columns_past_the_grid_still_reads(tmp_path):
    """The bound refuses only what Word cannot write: a span a little past w:tblGrid
    (hand-made or converted files) is laid out as before."""
    from pipeline.readers.word import read_word

    doc = read_word(_write(tmp_path, "past.docx", _tiny_docx(
        _grid_table(tcpr='<w:tcPr><w:gridSpan w:val="5"/></w:tcPr>'))))
    assert [[(c.col0, c.col1) for c in f.cells] for f in doc.pages[0].rows] == [[(0, 5), (5, 10)]]


ROMAN_LEVEL = ('<w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0"><w:start w:val="{start}"/>'
               '<w:numFmt w:val="{fmt}"/><w:lvlText w:val="%1."/></w:lvl></w:abstractNum>'
               '<w:num w:numId="1"><w:abstractNumId w:val="1"/>{override}</w:num>')
NUMBERED = ('<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr>'
            "<w:r><w:t>第一项</w:t></w:r></w:p>")


@pytest.mark.parametrize(("name", "fmt", "start", "override"), [
    ("roman-start", "upperRoman", "900000000000000", ""),
    ("letter-start", "upperLetter", "900000000000000", ""),
    ("roman-start-override", "upperRoman", "1", '<w:lvlOverride w:ilvl="0"><w:startOverride '
                                                'w:val="900000000000000"/></w:lvlOverride>'),
])
def test_list_numbers_starting_near_a_quadrillion_are_capped_as_word_caps_them(
        name, fmt, start, override, existing, tmp_path):
    numbering = ROMAN_LEVEL.format(start=start, fmt=fmt, override=override)
    path = _write(tmp_path, f"{name}.docx", _tiny_docx(NUMBERED, numbering))
    _refused(path, existing, r"the document has no table")  # read in moments, not hours


def test_a_capped_list_number_is_printed_at_words_cap(tmp_path):
    from pipeline.readers.word import read_word

    numbering = ROMAN_LEVEL.format(start="900000000000000", fmt="upperRoman", override="")
    body = NUMBERED + _grid_table()
    doc = read_word(_write(tmp_path, "capped.docx", _tiny_docx(body, numbering)))
    assert doc.pages[0].outside[0].text == "M" * 32 + "DCCLXVII. 第一项"  # 32,767
    numbering = ROMAN_LEVEL.format(start="-5", fmt="decimal", override="")
    doc = read_word(_write(tmp_path, "negative.docx", _tiny_docx(body, numbering)))
    assert doc.pages[0].outside[0].text == "0. 第一项"


@pytest.mark.parametrize(("name", "data", "expect"), [
    ("noise.docx", bytes(range(256)) * 64, r"not a \.docx file"),
    ("report.docx", b"%PDF-1.7\n" + b"0" * 2000, r"the name says \.docx but the content is a PDF"),
    ("page.docx", b"<!DOCTYPE html><html><body><table></table></body></html>",
     r"the name says \.docx but the content is an HTML page"),
    ("empty.docx", b"", r"empty file"),
])
def test_what_is_not_a_docx_is_named(name, data, expect, existing, tmp_path):
    _refused(_write(tmp_path, name, data), existing, expect)


def test_a_truncated_docx_is_named_damaged(docx_parts, existing, tmp_path):
    whole = _zip(docx_parts)
    _refused(_write(tmp_path, "cut.docx", whole[: len(whole) * 2 // 3]), existing,
             r"damaged zip file")


def test_an_encrypted_docx_needs_its_password(docx_parts, existing, tmp_path):
    import io

    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    OOXMLFile(io.BytesIO(_zip(docx_parts))).encrypt("s3cret", out)
    path = _write(tmp_path, "locked.docx", out.getvalue())
    _refused(path, existing, r"encrypted Office file: a password is needed")


def test_a_docx_without_a_table_says_so(existing, tmp_path):
    from docx import Document

    doc = Document()
    doc.add_paragraph("关于印发清单的通知")
    doc.add_paragraph("清单见附件。")
    path = tmp_path / "letter.docx"
    doc.save(str(path))
    _refused(path, existing, r"the document has no table")


# --------------------------------------------------------------------------- LibreOffice

MACRO = """<?xml version="1.0" encoding="UTF-8"?>
<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Module1" \
script:language="StarBasic">
Sub Save(src As String, plain As String, locked As String, pw As String)
  Dim load(0) As New com.sun.star.beans.PropertyValue
  load(0).Name = &quot;Hidden&quot;
  load(0).Value = True
  doc = StarDesktop.loadComponentFromURL(ConvertToURL(src), &quot;_blank&quot;, 0, load())
  Dim asis(0) As New com.sun.star.beans.PropertyValue
  asis(0).Name = &quot;FilterName&quot;
  asis(0).Value = &quot;MS Word 97&quot;
  doc.storeToURL(ConvertToURL(plain), asis())
  Dim store(1) As New com.sun.star.beans.PropertyValue
  store(0).Name = &quot;FilterName&quot;
  store(0).Value = &quot;MS Word 97&quot;
  store(1).Name = &quot;Password&quot;
  store(1).Value = pw
  doc.storeToURL(ConvertToURL(locked), store())
  doc.close(True)
End Sub
</script:module>
"""


@pytest.fixture(scope="module")
def saved_docs(tmp_path_factory):
    """A .doc and a password-protected .doc (password "s3cret") saved by LibreOffice
    itself (a Basic macro: its command line cannot set a password)."""
    folder = tmp_path_factory.mktemp("saved")
    source = make_cases(["clerk-2021"], folder)["clerk-2021"]
    profile = folder / "profile"
    exe = soffice_binary()
    base = [exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore"]
    subprocess.run([*base, "--terminate_after_init"], capture_output=True, timeout=300)
    (profile / "user" / "basic" / "Standard" / "Module1.xba").write_text(MACRO, encoding="utf-8")
    plain, locked = folder / "plain.doc", folder / "locked.doc"
    subprocess.run([*base, f'macro:///Standard.Module1.Save("{source}","{plain}","{locked}",'
                           '"s3cret")'], capture_output=True, timeout=300)
    assert plain.is_file() and locked.is_file()
    return plain, locked


@needs_soffice
@pytest.mark.slow  # LibreOffice
def test_a_password_doc_saved_by_libreoffice_needs_its_password(saved_docs, existing):
    import olefile

    _, locked = saved_docs
    with olefile.OleFileIO(str(locked)) as ole:  # really encrypted: FibBase.fEncrypted
        assert int.from_bytes(ole.openstream("WordDocument").read(12)[10:12], "little") & 0x100
    _refused(locked, existing, r"encrypted Word document \(\.doc\): a password is needed")


@needs_soffice
@pytest.mark.slow  # LibreOffice
def test_a_doc_libreoffice_has_no_filter_for_says_what_to_save_it_as(saved_docs, existing,
                                                                     tmp_path):
    import olefile

    plain, _ = saved_docs
    damaged = tmp_path / "old-variant.doc"
    shutil.copyfile(plain, damaged)
    with olefile.OleFileIO(str(damaged), write_mode=True) as ole:
        fib = bytearray(ole.openstream("WordDocument").read())
        fib[0:4] = bytes(4)  # wIdent and nFib: no Word version LibreOffice knows
        ole.write_stream("WordDocument", bytes(fib))
    line = _refused(damaged, existing, r"LibreOffice cannot open it as an old Word/WPS document "
                                       r"\(\.doc\): a variant it has no import filter for",
                    timeout=120)
    assert "save it as .docx" in line


@pytest.fixture
def fake_soffice(tmp_path, monkeypatch):
    """A folder put first on PATH; write ``soffice`` there to stand in for LibreOffice."""
    folder = tmp_path / "fakebin"
    folder.mkdir()
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ.get('PATH', '')}")

    def install(script: str) -> Path:
        exe = folder / "soffice"
        exe.write_text("#!/bin/sh\n" + script, encoding="utf-8")
        exe.chmod(0o755)
        return exe

    return install


def _processes_with(marker: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker.encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to look for leftovers")
def test_libreoffice_hanging_is_killed_with_its_children(fake_soffice, existing, tmp_path):
    fake_soffice("sleep 3517 &\nsleep 3517\n")  # a child and itself both hang
    path = _write(tmp_path, "notice.rtf", RTF)
    line = _refused(path, existing, r"LibreOffice did not finish converting it to \.docx "
                                    r"within 3 s", "--timeout", "3")
    assert "--timeout" in line
    assert _processes_with("sleep\x003517") == []


def test_libreoffice_crashing_is_one_line(fake_soffice, existing, tmp_path):
    fake_soffice("echo 'soffice.bin: fatal error' >&2\nexit 134\n")
    path = _write(tmp_path, "notice.rtf", RTF)
    line = _refused(path, existing, r"LibreOffice crashed converting it to \.docx "
                                    r"\(SIGABRT, exit status 134")
    assert "fatal error" in line and "save it as .docx" in line


def test_libreoffice_succeeding_without_output_is_one_line(fake_soffice, existing, tmp_path):
    fake_soffice("echo 'Error: source file could not be loaded'\nexit 0\n")
    path = _write(tmp_path, "notice.rtf", RTF)
    _refused(path, existing, r"LibreOffice cannot open it as an RTF document")


def test_libreoffice_missing_names_the_package(existing, tmp_path, monkeypatch):
    empty = tmp_path / "emptybin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    path = _write(tmp_path, "notice.rtf", RTF)
    line = _refused(path, existing, r"read through LibreOffice, which is not installed")
    assert "apt install libreoffice-writer-nogui" in line


@needs_soffice
@pytest.mark.slow  # LibreOffice
def test_an_rtf_without_a_table_converts_then_says_so(existing, tmp_path):
    path = _write(tmp_path, "letter.rtf", RTF)
    _refused(path, existing, r"the document has no table", timeout=120)


def test_libreoffice_runs_fenced_in(fake_soffice, tmp_path, monkeypatch):
    """What LibreOffice is started with: its own limits, a private profile, HOME,
    TMPDIR and output inside the work folder, no proxy settings, and (where the
    system allows one) a network namespace of its own."""
    from pipeline.errors import InputError
    from pipeline.readers.sniff import detect_format
    from pipeline.readers.soffice import ADDRESS_SPACE_EXTRA_MB, _no_network, convert_document
    from pipeline.settings import Limits

    record = tmp_path / "record.txt"
    fake_soffice(f'{{ echo "args: $*"; env; echo "as: $(ulimit -v)"; echo "cpu: $(ulimit -t)"; '
                 f'echo "net: $(readlink /proc/self/ns/net)"; }} > {record}\n')
    for proxy in ("http_proxy", "https_proxy", "HTTPS_PROXY", "no_proxy"):
        monkeypatch.setenv(proxy, "http://proxy.invalid:3128")
    source = _write(tmp_path, "notice.rtf", RTF)
    work = tmp_path / "work"
    limits = Limits(memory_mb=700, cpu_s=17, timeout_s=30)
    with pytest.raises(InputError, match=r"LibreOffice made no \.docx of it"):
        convert_document(source, detect_format(source), limits, work)
    seen = record.read_text(encoding="utf-8")
    args = re.search(r"^args: (.*)$", seen, re.M).group(1).split()
    profile = next(a for a in args if a.startswith("-env:UserInstallation="))
    assert profile == f"-env:UserInstallation={(work / 'profile').resolve().as_uri()}"
    assert args[args.index("--outdir") + 1] == str((work / "out").resolve())
    assert args[-1] == str((work / "in" / "source.rtf").resolve())
    env = dict(line.split("=", 1) for line in seen.splitlines() if "=" in line
               and not line.startswith(("args:", "as:", "cpu:", "net:")))
    assert env["HOME"].startswith(str(work.resolve()))
    assert env["TMPDIR"].startswith(str(work.resolve()))
    assert not any("proxy" in k.lower() for k in env)
    assert f"as: {(700 + ADDRESS_SPACE_EXTRA_MB) * 1024}" in seen
    assert "cpu: 17" in seen
    registry = (work / "profile" / "user" / "registrymodifications.xcu").read_text()
    assert "DisableMacrosExecution" in registry
    if _no_network():
        assert f"net: {os.readlink('/proc/self/ns/net')}" not in seen


def test_libreoffice_asking_to_be_restarted_is_run_again(fake_soffice, existing, tmp_path):
    # Older LibreOffice releases exit 81 after setting up a new profile, converting nothing.
    count = tmp_path / "starts"
    fake_soffice(f'echo x >> {count}\nif [ "$(wc -l < {count})" -lt 2 ]; then exit 81; fi\n'
                 "echo 'Error: source file could not be loaded'\n")
    path = _write(tmp_path, "notice.rtf", RTF)
    _refused(path, existing, r"LibreOffice cannot open it as an RTF document")
    assert count.read_text().count("x") == 2


def test_libreoffice_restarted_gets_what_is_left_of_the_time_limit(fake_soffice, existing,
                                                                   tmp_path):
    # The first start takes 2 s and asks for a restart; the second would finish after
    # 2 s more: within a fresh 3 s, but not within the 1 s left of --timeout 3.
    count = tmp_path / "starts"
    fake_soffice(f'echo x >> {count}\nsleep 2\nif [ "$(wc -l < {count})" -lt 2 ]; then '
                 "exit 81; fi\necho 'Error: source file could not be loaded'\n")
    path = _write(tmp_path, "notice.rtf", RTF)
    _refused(path, existing, r"LibreOffice did not finish converting it to \.docx within 3 s",
             "--timeout", "3")
    assert count.read_text().count("x") == 2
