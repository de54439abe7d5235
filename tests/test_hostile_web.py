"""Hostile web pages through the command line: exit 1, one clear line, bounded, nothing lost.

The promise of tests/test_hostile_cli.py for saved web pages:
``python -m pipeline extract BAD.html --out DIR`` where DIR holds a good
extraction exits 1 with exactly one ``error: <file>: <what>`` line (no
traceback) within 60 s, its process tree under 1 GiB, and leaves DIR and its
siblings byte-identical.  Every page is made here, in the test session.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests import hostile
from tests.formats.web import VARIANTS, make_page
from tests.goldtables import GOLD_2021, load_gold

MIB = 1 << 20


@dataclass(frozen=True)
class Case:
    """One hostile page: ``make(folder)`` writes it; ``args`` go after it on the
    command line; ``expect`` is a regex the one ``error:`` line must match."""

    make: Callable[[Path], Path]
    expect: str
    args: tuple[str, ...] = ()


def _file(name: str, data: Callable[[], bytes]) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(data())
        return path
    return make


def _big_table(size: int) -> Callable[[Path], Path]:
    """A page of one list-like table, ``size`` bytes or a little more, written in blocks."""
    def make(folder: Path) -> Path:
        path = folder / "big.html"
        row = ("<tr><td>1</td><td>协助做好社会救助工作</td><td><p>协助开展最低生活保障</p>"
               "<p>特困供养</p></td></tr>\n").encode()
        block = row * (MIB // len(row))
        with open(path, "wb") as f:
            f.write(b'<html><head><meta charset="utf-8"></head><body><table>\n')
            written = 0
            while written < size:
                f.write(block)
                written += len(block)
            f.write(b"</table></body></html>\n")
        return path
    return make


def _one_paragraph(size: int) -> Callable[[Path], Path]:
    """A page whose body is one paragraph of ``size`` bytes of Chinese text."""
    def make(folder: Path) -> Path:
        path = folder / "text.html"
        chunk = ("协助开展最低生活保障、特困供养、临时救助的调查核实等工作。" * 1000).encode()
        with open(path, "wb") as f:
            f.write(b'<html><head><meta charset="utf-8"></head><body><p>')
            for _ in range(size // len(chunk) + 1):
                f.write(chunk)
            f.write(b"</p></body></html>\n")
        return path
    return make


def _nested(depth: int, tag: str = "div") -> bytes:
    inner = "<table><tr><td>序号</td><td>事项名称</td></tr><tr><td>1</td><td>甲</td></tr></table>"
    return (f"<html><body>{f'<{tag}>' * depth}{inner}{f'</{tag}>' * depth}</body></html>"
            .encode())


def _nested_tables(depth: int) -> bytes:
    return ("<html><body>" + "<table><tr><td>" * depth + "x" + "</td></tr></table>" * depth
            + "</body></html>").encode()


def _billion_laughs() -> bytes:
    """XHTML whose internal DTD defines lol9 = 10^9 "lol"s, used in its text (no table)."""
    ents = ['<!ENTITY lol "lol">']
    for i in range(1, 10):
        inner = f"&lol{i - 1 if i > 1 else ''};" * 10
        ents.append(f'<!ENTITY lol{i} "{inner}">')
    return ('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html [\n' + "\n".join(ents)
            + '\n]>\n<html xmlns="http://www.w3.org/1999/xhtml"><head><title>lol</title></head>'
            "<body><p>&lol9;&lol9;&lol9;</p></body></html>").encode()


def _junk(prefix: bytes = b"") -> Callable[[], bytes]:
    def data() -> bytes:
        rng = random.Random(11)
        return prefix + bytes(rng.randrange(256) for _ in range(200_000))
    return data


def _wrong_charset() -> bytes:
    """Declares gb2312; its bytes are GBK text with stray bytes neither GB18030 nor UTF-8 reads."""
    text = '<html><head><meta charset="gb2312"></head><body><p>协助做好社会救助工作</p>'
    table = "<table><tr><td>序号</td><td>名称</td></tr><tr><td>1</td><td>甲</td></tr></table>"
    return text.encode("gbk") + b"\x80\xff\xfe" + table.encode("gbk") + b"</body></html>"


def _spans(rowspan: int, colspan: int) -> bytes:
    return (f'<html><body><table><tr><td rowspan="{rowspan}">序号</td>'
            f'<td colspan="{colspan}">事项名称</td></tr><tr><td>1</td></tr>'
            f'<tr><td rowspan="{rowspan}" colspan="{colspan}">甲</td></tr></table></body></html>'
            ).encode()


def _many_slots() -> bytes:
    rows = '<tr><td colspan="1000">x</td><td colspan="1000">y</td></tr>\n' * 1_500
    return f"<html><body><table>{rows}</table></body></html>".encode()


def _many_elements() -> bytes:
    return b"<html><body><table><tr><td>1</td><td>2</td></tr></table>" + \
        b"<b>x</b>" * 600_000 + b"</body></html>"


def _nul_bytes() -> bytes:
    return (b"<html><body><table><tr><td>1\x00\x00</td><td>2</td></tr>"
            b"<tr><td>3</td><td>4</td></tr></table></body></html>")


NO_TABLE = r"no table"

CASES: dict[str, Case] = {
    "50mb-over-the-size-limit": Case(_big_table(50 * MIB + 1), r"file is 5\d\.\d MB, more "
                                     r"than the limit of 50 MB"),
    "50mb-table-with-the-limit-raised": Case(_big_table(50 * MIB), r"more than 500,000 HTML "
                                             r"elements", ("--max-file-mb", "100")),
    "40mb-one-paragraph": Case(_one_paragraph(40 * MIB), NO_TABLE),
    "nested-10000-divs": Case(_file("deep.html", lambda: _nested(10_000)),
                              r"elements nested more than 256 deep"),
    "nested-10000-tables": Case(_file("deep-tables.html", lambda: _nested_tables(10_000)),
                                r"elements nested more than 256 deep"),
    "nested-300-fonts": Case(_file("fonts.html", lambda: _nested(300, "font")),
                             r"elements nested more than 256 deep"),
    "billion-laughs-xhtml": Case(_file("lol.html", _billion_laughs), NO_TABLE),
    "no-table": Case(_file("letter.html", lambda: "<html><body><h1>关于印发清单的通知</h1>"
                                                  "<p>渝民发〔2021〕6号</p></body></html>"
                                                  .encode()), r"no table in the page"),
    "binary-junk": Case(_file("junk.html", _junk()), r"not a \.html file"),
    "binary-junk-after-a-tag": Case(_file("junk2.html", _junk(b"<html><body><table>")),
                                    r"neither UTF-8 nor GB18030|binary data"),
    "nul-bytes": Case(_file("nul.html", _nul_bytes), r"binary data, not a web page"),
    "declared-charset-wrong": Case(_file("wrong.html", _wrong_charset),
                                   r"declares charset gb2312 but is neither UTF-8 nor GB18030 "
                                   r"text: byte 0x80 at offset \d+"),
    "rowspan-colspan-100000": Case(_file("spans.html", lambda: _spans(100_000, 100_000)),
                                   NO_TABLE),
    "grid-of-3-million-slots": Case(_file("slots.html", _many_slots),
                                    r"a table covering more than 2,000,000 cells"),
    "600000-elements": Case(_file("elements.html", _many_elements),
                            r"more than 500,000 HTML elements"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_page_exits_1_with_one_clear_line(case, existing, tmp_path):
    out, before = existing
    bad = CASES[case].make(tmp_path)
    run = hostile.run_cli("extract", bad, "--out", out, *CASES[case].args, timeout=60)
    line = hostile.one_error_line(run, bad)
    assert re.search(CASES[case].expect, line), line
    assert hostile.snapshot(out) == before


def test_external_entities_are_not_read(tmp_path):
    """A list page whose cell names a planted file as an external entity: the cell
    shows the entity reference as text (as a browser shows it), never the file."""
    planted = tmp_path / "secret.txt"
    planted.write_text("PLANTED-SECRET", encoding="utf-8")
    page = make_page(load_gold(GOLD_2021), VARIANTS["govcn-utf8-meta-br"]).decode()
    doctype = (f'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html [\n'
               f'<!ENTITY xxe SYSTEM "file://{planted}">\n]>\n')
    page = doctype + page[page.index("<html"):].replace("民政部门", "民政部门&xxe;", 1)
    path = tmp_path / "xxe.html"
    path.write_text(page, encoding="utf-8")
    out = tmp_path / "out"
    run = hostile.run_cli("extract", path, "--out", out, timeout=60)
    assert run.returncode == 0, run.stderr
    written = "".join(p.read_text(encoding="utf-8-sig") for p in out.glob("*.csv"))
    assert "PLANTED-SECRET" not in written
    assert "民政部门&xxe;" in written
