"""Word documents of a list, made as Word/WPS users make them, for the Word reader's tests.

    CASES                                   name → ``Case`` (gold, how it is made, its kind)
    make_cases(names, folder, profile)      write those cases (the .docx first, then every
                                            LibreOffice conversion in one soffice run per format)
    convert_documents(paths, fmt, outdir)   .docx → .doc / .odt / .rtf, one soffice run for all

The expected extraction of every case is the gold it came from; ``notice``
says whether the file carries the covering notice's text (then its document
number must be found).  Two producers:

- raw WordprocessingML from ``tests.render.pdf_docx`` (a clerk's document:
  red-head-free notice, landscape list section, two-level header with
  ``w:vMerge``/``w:gridSpan``, ``w:tblHeader`` rows, typed or ``w:numPr``
  markers, one row per sub-task with the item's cells merged vertically,
  ideographic indents, the list title typed in a first row across the table,
  the 抄送/印发 lines after it);
- python-docx (``_WordUser``), for what that producer does not write: sub-items
  separated by ``<w:br/>`` in one paragraph, 序号 numbered by Word's list
  numbering or by SEQ fields, the notice's 一、二、 as ``chineseCounting``
  numbering, the date as a CREATEDATE field, a table nested in a cell, tracked changes
  (deleted and inserted runs, a deleted row, a deleted paragraph mark) and
  hidden text.

Converted cases (.doc, .wps, .odt, .rtf) are LibreOffice's conversions of a
.docx case; WPS Writer saves Word 97 binary under .wps, so the .wps is a copy
of a .doc.  LibreOffice 7.4's own export bugs decide which .docx each comes
from (Writer prints its conversions just as wrongly): its .doc export turns a
``w:numPr`` list running through a cell into two lists (1. 1. 2. for 1. 2. 3.)
and flattens python-docx's tables into paragraphs; its .rtf export misaligns
a table whose cells hold nested tables, and widens a deleted paragraph mark to
the whole paragraph; and it replaces a DATE field's result by today's date
(as Word does when it prints one).  So the .doc comes from a clerk's document
with typed markers, the .rtf from one with a flat header.

    .venv/bin/python -m tests.formats.docx OUT_DIR      write every case
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tests.goldtables import GOLD_2021, GOLD_2023, load_gold
from tests.render.cells import build_cells, header_cells, notice_blocks
from tests.render.variant import Variant

FIELDS = ("seq", "name", "content", "tasks_text", "basis_text", "department_text", "remarks")
#: Relative column widths of the list (landscape A4).
WIDTHS_CM = {"seq": 1.2, "name": 2.8, "content": 3.4, "tasks_text": 9.6, "basis_text": 3.6,
             "department_text": 2.2, "remarks": 1.2}
FONT = "AR PL UMing CN"
#: Text that must not come out: deleted revisions, hidden text, a deleted row.
DELETED = "（此处为已删除的旧表述）"
HIDDEN = "【内部备注：不印出】"
DELETED_ROW = "已撤销的事项"


@dataclass(frozen=True)
class Case:
    """One generated file: its gold, how it is made, and what it is."""

    gold: Path
    make: Callable[[dict, Path], None] | None  # writes a .docx; None for a conversion
    notice: bool = True  # carries the notice text (document number, date, title)
    parent_in_header: bool = True  # the two-level header prints the parent document's number
    source: str | None = None  # for a conversion: the .docx case converted
    kind: str = "docx"  # docx, doc, wps, odt, rtf

    @property
    def suffix(self) -> str:
        return "." + self.kind


def _clerk(**options) -> Callable[[dict, Path], None]:
    def make(gold: dict, path: Path) -> None:
        from tests.render.pdf_docx import write_docx

        write_docx(gold, path, Variant(name="docx", producer="docx", **options))

    return make


def _user(**options) -> Callable[[dict, Path], None]:
    def make(gold: dict, path: Path) -> None:
        _WordUser(gold, **options).save(path)

    return make


CASES: dict[str, Case] = {
    # raw WordprocessingML (tests.render.pdf_docx)
    "clerk-2021": Case(GOLD_2021, _clerk()),
    "clerk-numbering-2021": Case(GOLD_2021, _clerk(auto_numbering=True, marker_space=False)),
    "clerk-split-rows-2021": Case(GOLD_2021, _clerk(auto_numbering=True, split_item_rows=True,
                                                    header_repeat=True)),
    "clerk-indents-2021": Case(GOLD_2021, _clerk(cell_indent="ideographic", marker_gap="\u3000",
                                                 seq_style="dunhao")),
    "clerk-flat-2023": Case(GOLD_2023, _clerk(header_levels=1, header_repeat=False),
                            parent_in_header=False),
    "table-only-2023": Case(GOLD_2023, _clerk(notice_pages=False, attachment_label=False),
                            notice=False),
    "clerk-title-row-2021": Case(GOLD_2021, _clerk(title_in_table=True, attachment_label=False,
                                                   closing="after-table")),
    # python-docx
    "user-breaks-2021": Case(GOLD_2021, _user(breaks=True, seq_numbering=True,
                                              notice_numbering=True, date_field=True)),
    "user-nested-2023": Case(GOLD_2023, _user(nested=True, seq_fields=True, header_levels=1),
                             parent_in_header=False),
    "user-revisions-2021": Case(GOLD_2021, _user(revisions=True)),
    # LibreOffice conversions
    "doc-2021": Case(GOLD_2021, None, source="clerk-2021", kind="doc"),
    "wps-2021": Case(GOLD_2021, None, source="doc-2021", kind="wps"),
    "odt-2021": Case(GOLD_2021, None, source="clerk-split-rows-2021", kind="odt"),
    "rtf-2023": Case(GOLD_2023, None, source="clerk-flat-2023", kind="rtf",
                     parent_in_header=False),
}


def make_cases(names, folder: Path, profile: Path | None = None) -> dict[str, Path]:
    """Write the cases ``names`` (and the .docx cases they are converted from) into
    ``folder``; return name → path.  One soffice run per converted format."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    wanted: list[str] = []

    def need(name: str) -> None:
        source = CASES[name].source
        if source:
            need(source)
        if name not in wanted:
            wanted.append(name)

    for name in names:
        need(name)
    paths: dict[str, Path] = {}
    golds: dict[Path, dict] = {}
    for name in wanted:
        case = CASES[name]
        if case.make is not None:
            gold = golds.setdefault(case.gold, load_gold(case.gold))
            paths[name] = folder / f"{name}.docx"
            case.make(gold, paths[name])
    for kind in ("doc", "odt", "rtf"):
        batch = [n for n in wanted if CASES[n].kind == kind]
        if batch:
            sources = [paths[CASES[n].source] for n in batch]
            made = convert_documents(sources, kind, folder / kind, profile)
            for n, path in zip(batch, made, strict=True):
                paths[n] = path.rename(folder / f"{n}.{kind}")
    for name in (n for n in wanted if CASES[n].kind == "wps"):
        paths[name] = folder / f"{name}.wps"
        shutil.copyfile(paths[CASES[name].source], paths[name])
    return {name: paths[name] for name in wanted}


def convert_documents(sources: list[Path], fmt: str, outdir: Path,
                      profile: Path | None = None) -> list[Path]:
    """Convert .docx files to ``fmt`` (doc, odt, rtf) in one soffice run; return the
    converted files (``outdir/<stem>.<fmt>``)."""
    from tests.render.pdf_soffice import soffice_binary

    exe = soffice_binary()
    if exe is None:
        raise FileNotFoundError("soffice is not installed (apt install libreoffice-writer-nogui)")
    filters = {"doc": "doc:MS Word 97", "odt": "odt:writer8", "rtf": "rtf:Rich Text Format"}
    with tempfile.TemporaryDirectory(prefix="docx-convert-") as tmp:
        prof = Path(profile or Path(tmp) / "profile").resolve()
        cmd = [exe, f"-env:UserInstallation={prof.as_uri()}", "--headless", "--norestore",
               "--convert-to", filters[fmt], "--outdir", str(outdir), *map(str, sources)]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    made = [Path(outdir) / f"{Path(s).stem}.{fmt}" for s in sources]
    missing = [p.name for p in made if not p.is_file()]
    if missing:
        raise RuntimeError(f"soffice did not make {missing} ({proc.returncode}): "
                           f"{proc.stdout[-500:]} {proc.stderr[-500:]}")
    return made


# --------------------------------------------------------------------------- python-docx

class _WordUser:
    """A list notice typed in Word (python-docx), with the options a user's habits give."""

    def __init__(self, gold: dict, *, breaks: bool = False, seq_numbering: bool = False,
                 seq_fields: bool = False, notice_numbering: bool = False,
                 date_field: bool = False, nested: bool = False, revisions: bool = False,
                 header_levels: int = 2, notice: bool = True):
        from docx import Document

        self.gold = gold
        self.breaks, self.nested, self.revisions = breaks, nested, revisions
        self.seq_numbering, self.seq_fields = seq_numbering, seq_fields
        self.notice_numbering, self.date_field = notice_numbering, date_field
        self.variant = Variant(name="user", producer="docx", header_levels=header_levels)
        self.doc = Document()
        self._fonts()
        self.nums: dict[str, int] = {}
        if notice:
            self._notice()
            self._landscape_section()
        else:
            self._landscape_section(first=True)
        self._list()

    def save(self, path: Path) -> None:
        from datetime import datetime

        self.doc.core_properties.author = "办公室"
        y, m, d = (int(x) for x in self.gold["notice"]["date"].split("-"))
        self.doc.core_properties.created = datetime(y, m, d, 9, 0, 0)  # CREATEDATE prints it
        self.doc.save(str(path))

    # --- set-up ------------------------------------------------------------------

    def _fonts(self) -> None:
        from docx.oxml.ns import qn
        from docx.shared import Pt

        normal = self.doc.styles["Normal"]
        normal.font.name = FONT
        normal.font.size = Pt(10.5)
        normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
        normal.paragraph_format.space_after = Pt(0)

    def _landscape_section(self, first: bool = False) -> None:
        from docx.enum.section import WD_ORIENT, WD_SECTION
        from docx.shared import Cm

        section = self.doc.sections[0] if first else self.doc.add_section(WD_SECTION.NEW_PAGE)
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Cm(29.7), Cm(21.0)
        for side in ("left_margin", "right_margin"):
            setattr(section, side, Cm(1.8))
        section.top_margin = section.bottom_margin = Cm(1.5)

    def _num(self, key: str, fmt: str, text: str, suffix: str = "nothing") -> int:
        """A numbering definition (one level) in numbering.xml; its numId."""
        from docx.oxml import parse_xml

        if key in self.nums:
            return self.nums[key]
        numbering = self.doc.part.numbering_part.element
        aid = 90 + len(self.nums)
        nid = aid
        w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
        abstract = parse_xml(
            f'<w:abstractNum {w} w:abstractNumId="{aid}"><w:multiLevelType w:val="singleLevel"/>'
            f'<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
            f'<w:suff w:val="{suffix}"/><w:lvlText w:val="{text}"/><w:lvlJc w:val="center"/>'
            '<w:pPr><w:ind w:left="0" w:firstLine="0"/></w:pPr></w:lvl></w:abstractNum>')
        nums = numbering.findall(
            "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}num")
        if nums:  # abstractNums come before every num
            nums[0].addprevious(abstract)
        else:
            numbering.append(abstract)
        numbering.append(parse_xml(f'<w:num {w} w:numId="{nid}"><w:abstractNumId '
                                   f'w:val="{aid}"/></w:num>'))
        self.nums[key] = nid
        return nid

    @staticmethod
    def _number(paragraph, num_id: int, ilvl: int = 0) -> None:
        from docx.oxml import parse_xml

        w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
        paragraph._p.get_or_add_pPr().append(parse_xml(
            f'<w:numPr {w}><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>'))

    # --- the notice --------------------------------------------------------------

    def _notice(self) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Pt

        align = {"issuer": WD_ALIGN_PARAGRAPH.CENTER, "title": WD_ALIGN_PARAGRAPH.CENTER,
                 "docno": WD_ALIGN_PARAGRAPH.CENTER, "para": WD_ALIGN_PARAGRAPH.JUSTIFY,
                 "sign": WD_ALIGN_PARAGRAPH.RIGHT, "date": WD_ALIGN_PARAGRAPH.RIGHT}
        size = {"issuer": 16, "title": 18, "docno": 14}
        for kind, text in notice_blocks(self.gold):
            p = self.doc.add_paragraph()
            p.alignment = align[kind]
            numbered = re.match(r"^[一二三四五六七八九十]+、", text)
            if kind == "para" and self.notice_numbering and numbered:
                # 一、二、 typed by Word's numbering ("%1、", chineseCounting)
                self._number(p, self._num("notice", "chineseCounting", "%1、"))
                text = text[numbered.end():]
            elif kind == "para":
                p.paragraph_format.first_line_indent = Pt(21)
            if kind == "date" and self.date_field:
                self._simple_field(p, 'CREATEDATE \\@ "yyyy年M月d日"', text)
            else:
                run = p.add_run(text)
                if kind in size:
                    run.font.size = Pt(size[kind])

    @staticmethod
    def _simple_field(paragraph, instr: str, result: str) -> None:
        from xml.sax.saxutils import escape, quoteattr

        from docx.oxml import parse_xml

        w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
        paragraph._p.append(parse_xml(
            f"<w:fldSimple {w} w:instr={quoteattr(instr)}><w:r><w:t>{escape(result)}</w:t>"
            "</w:r></w:fldSimple>"))

    # --- the list ----------------------------------------------------------------

    def _list(self) -> None:
        from docx.enum.table import WD_TABLE_ALIGNMENT
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Cm, Pt

        doc = self.doc
        if self.doc.paragraphs:
            doc.add_paragraph("附件")
            title = doc.add_paragraph()
            title.alignment = WD_ALIGN_PARAGRAPH.CENTER
            title.add_run(self.gold["notice"]["list_title"]).font.size = Pt(16)
        head = header_cells(self.gold, self.variant)
        head_rows = max(c.row + c.rows - 1 for c in head)
        rows = build_cells(self.gold, self.variant)
        table = doc.add_table(rows=head_rows + len(rows), cols=len(FIELDS))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        grid = [list(r.cells) for r in table.rows]
        for c in head:  # merge first, then write: merging concatenates paragraphs
            j0, j1 = FIELDS.index(c.fields[0]), FIELDS.index(c.fields[-1])
            top, bottom = c.row - 1, c.row + c.rows - 2
            cell = grid[top][j0]
            if (top, j0) != (bottom, j1):
                cell = cell.merge(grid[bottom][j1])
            cell.paragraphs[0].text = c.text
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        for r in range(head_rows):
            _repeat_header(table.rows[r])
        for k, (item, row) in enumerate(zip(self.gold["items"], rows, strict=True)):
            cells = grid[head_rows + k]
            for j, f in enumerate(FIELDS):
                self._fill(cells[j], f, item, row[f])
        if self.revisions:
            self._delete_a_row(table, head_rows + 1)
        _set_widths(table, [Cm(WIDTHS_CM[f]) for f in FIELDS])

    def _fill(self, cell, field: str, item: dict, paragraphs: list[str]) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH

        first = cell.paragraphs[0]
        if field == "seq":
            first.alignment = WD_ALIGN_PARAGRAPH.CENTER
            if self.seq_numbering:  # 序号 drawn by Word's numbering, no text typed
                self._number(first, self._num("seq", "decimal", "%1"))
            elif self.seq_fields:
                _seq_field(first, paragraphs[0])
            else:
                first.add_run(paragraphs[0])
            return
        if field == "tasks_text" and self.nested:
            self._nested_tasks(cell, item, paragraphs)
            return
        if field == "tasks_text" and self.breaks and paragraphs:
            run = first.add_run(paragraphs[0])
            for text in paragraphs[1:]:  # Shift+Enter: one paragraph, line breaks
                run.add_break()
                run = first.add_run(text)
            return
        if self.revisions and field == "content":
            self._revised(first, paragraphs[0])
            for text in paragraphs[1:]:
                cell.add_paragraph(text)
            return
        if self.revisions and field == "basis_text" and paragraphs:
            self._joined_by_deleted_mark(cell, paragraphs)
            return
        for i, text in enumerate(paragraphs):
            p = first if i == 0 else cell.add_paragraph()
            p.add_run(text)
        if self.revisions and field == "name":
            run = first.add_run(HIDDEN)
            run.font.hidden = True

    def _nested_tasks(self, cell, item: dict, paragraphs: list[str]) -> None:
        """One row of a nested one-column table per level-1 task (section lines with it)."""
        groups, k, section = [], 0, None
        for t in item["tasks"]:
            n = 1 + len(t["children"])
            if t.get("section") and t["section"] != section:
                section = t["section"]
                n += 1
            groups.append(paragraphs[k:k + n])
            k += n
        assert k == len(paragraphs), (k, len(paragraphs))
        inner = cell.add_table(rows=len(groups), cols=1)
        inner.style = "Table Grid"
        for row, group in zip(inner.rows, groups, strict=True):
            c = row.cells[0]
            for i, text in enumerate(group):
                (c.paragraphs[0] if i == 0 else c.add_paragraph()).add_run(text)
        # python-docx puts the table after the cell's first (empty) paragraph and an
        # empty one after it (a cell ends with a paragraph): the table comes first
        first = cell.paragraphs[0]
        if not first.text:
            first._p.getparent().remove(first._p)

    def _revised(self, paragraph, text: str) -> None:
        """Tracked changes: the first half kept, an old phrase deleted, the rest inserted."""
        from xml.sax.saxutils import escape

        from docx.oxml import parse_xml

        half = len(text) // 2
        w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
        meta = 'w:author="审核人" w:date="2021-02-09T10:00:00Z"'
        paragraph.add_run(text[:half])
        paragraph._p.append(parse_xml(
            f'<w:del {w} w:id="{len(text)}1" {meta}><w:r><w:delText xml:space="preserve">'
            f"{escape(DELETED)}</w:delText></w:r></w:del>"))
        paragraph._p.append(parse_xml(
            f'<w:ins {w} w:id="{len(text)}2" {meta}><w:r><w:t xml:space="preserve">'
            f"{escape(text[half:])}</w:t></w:r></w:ins>"))

    def _joined_by_deleted_mark(self, cell, paragraphs: list[str]) -> None:
        """The first citation typed over two paragraphs whose break was then deleted."""
        from docx.oxml import parse_xml

        w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
        first = cell.paragraphs[0]
        cut = len(paragraphs[0]) // 2
        head, tail = paragraphs[0][:cut], paragraphs[0][cut:]
        first.add_run(head)
        first._p.get_or_add_pPr().append(parse_xml(
            f'<w:rPr {w}><w:del w:id="7" w:author="审核人" w:date="2021-02-09T10:00:00Z"/>'
            "</w:rPr>"))
        cell.add_paragraph(tail)
        for text in paragraphs[1:]:
            cell.add_paragraph(text)

    def _delete_a_row(self, table, index: int) -> None:
        """A row deleted with tracked changes (a withdrawn item) before row ``index``."""
        import copy

        from docx.oxml import parse_xml

        w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
        ns = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
        meta = 'w:author="审核人" w:date="2021-02-09T10:00:00Z"'
        source = table.rows[index]._tr
        row = copy.deepcopy(source)
        for i, tc in enumerate(row.iter(f"{ns}tc")):
            for p in tc.findall(f"{ns}p"):
                tc.remove(p)
            text = ("99", DELETED_ROW)[i] if i < 2 else ""
            tc.append(parse_xml(f'<w:p {w}><w:del w:id="{20 + i}" {meta}><w:r><w:delText>'
                                f"{text}</w:delText></w:r></w:del></w:p>"))
        tr_pr = row.get_or_add_trPr()
        tr_pr.append(parse_xml(f'<w:del {w} w:id="9" w:author="审核人" '
                               'w:date="2021-02-09T10:00:00Z"/>'))
        source.addprevious(row)


def _set_widths(table, widths) -> None:
    """Grid columns and every cell (w:tcW, spans summed) as Word saves them: consistent."""
    ns = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    for col, width in zip(table._tbl.tblGrid.findall(f"{ns}gridCol"), widths, strict=True):
        col.set(f"{ns}w", str(width.twips))
    for tr in table._tbl.findall(f"{ns}tr"):
        j = 0
        for tc in tr.findall(f"{ns}tc"):
            span = tc.grid_span
            tc.width = sum(widths[j:j + span])
            j += span


def _repeat_header(row) -> None:
    from docx.oxml import parse_xml

    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    row._tr.get_or_add_trPr().append(parse_xml(f"<w:tblHeader {w}/>"))


def _seq_field(paragraph, result: str) -> None:
    """序号 as Word's { SEQ 序号 \\* ARABIC } field, showing its result."""
    from docx.oxml import parse_xml

    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    for xml in ('<w:r {w}><w:fldChar w:fldCharType="begin"/></w:r>',
                '<w:r {w}><w:instrText xml:space="preserve"> SEQ 序号 \\* ARABIC </w:instrText>'
                '</w:r>',
                '<w:r {w}><w:fldChar w:fldCharType="separate"/></w:r>',
                '<w:r {w}><w:t>{result}</w:t></w:r>',
                '<w:r {w}><w:fldChar w:fldCharType="end"/></w:r>'):
        paragraph._p.append(parse_xml(xml.format(w=w, result=result)))


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m tests.formats.docx OUT_DIR", file=sys.stderr)
        return 2
    for name, path in make_cases(list(CASES), Path(argv[0])).items():
        print(f"{name}: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
