"""The output tables, stated once.

Every stage, writer, expectation suite, diff and data dictionary asks this
module for table names, column names, types, labels and order.  The contract
behind it is ``../shared/CONTRACT.md``; add columns here, never rename or drop.

Types survive Parquet round trips: ``int`` → ``Int64`` (nullable integers, so a
missing article number stays an integer column), ``str`` → pandas' default
string dtype ``str``, whose missing value is NaN — what ``pd.read_parquet`` and
code written for plain pandas expect (``pd.NA`` would print as "<NA>").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pandas is imported lazily: `--help` and the CLI stay fast
    import pandas as pd

PANDAS_DTYPES = {"int": "Int64", "str": "str", "float": "Float64", "bool": "boolean"}
ARROW_TYPES = {"int": "int64", "str": "string", "float": "double", "bool": "bool"}


@dataclass(frozen=True)
class Column:
    """One column: English snake_case name, type (``int``/``str``), Chinese label."""

    name: str
    type: str
    label: str
    description: str
    example: str = ""
    nullable: bool = False


@dataclass(frozen=True)
class Table:
    """One output table, written as ``<name>.parquet`` and ``<name>.csv``."""

    name: str
    label: str
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = field(default=())

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.name} has no column {name!r}")

    def frame(self, rows: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
        """Build a DataFrame with exactly this table's columns, order and dtypes.

        ``rows`` are mappings; missing keys become null, extra keys are dropped.
        """
        import pandas as pd

        rows = list(rows)
        data = {c.name: [r.get(c.name) for r in rows] for c in self.columns}
        df = pd.DataFrame(data, columns=self.column_names)
        return self.conform(df)

    def conform(self, df: pd.DataFrame) -> pd.DataFrame:
        """Cast an existing frame to this table's columns and dtypes (in order)."""
        missing = [c for c in self.column_names if c not in df.columns]
        if missing:
            raise KeyError(f"{self.name}: missing columns {missing}")
        out = df[self.column_names].copy()
        for c in self.columns:
            out[c.name] = out[c.name].astype(PANDAS_DTYPES[c.type])
        return out.reset_index(drop=True)


def _c(name: str, type_: str, label: str, description: str, example: str = "",
       nullable: bool = False) -> Column:
    return Column(name, type_, label, description, example, nullable)


SEQ = _c("seq", "int", "序号", "the item's number as printed in the list", "1")
#: The key of a list printed without 序号: the row's position in the document.
ROW_SEQ = _c("seq", "int", "行号", "the row's position in the list (the list prints no 序号)", "1")
PAGE_START = _c("page_start", "int", "起始页", "1-based PDF page where the row starts (null for "
                "Word, Excel and web sources, which have no pages)", "3", nullable=True)
PAGE_END = _c("page_end", "int", "结束页", "1-based PDF page where the row ends (null where "
              "the source has no pages)", "4", nullable=True)
OCR_MIN_CONF = _c("ocr_min_conf", "float", "OCR最低置信度", "the lowest OCR confidence (0–1) of "
                  "the row's characters; null where no text of the row was OCR'd", "0.97",
                  nullable=True)
#: In a generic list's tasks/citations/departments: which items column the row came from.
SOURCE_FIELD = _c("field", "str", "来源列", "the items column this row was parsed from",
                  "basis")

ITEMS = Table(
    "items", "清单事项", "one row per list item, in document order",
    (
        SEQ,
        _c("name", "str", "事项名称", "the parent list's item name", "协助做好社会救助工作"),
        _c("content", "str", "具体内容", "what the committee assists with; paragraphs one per line",
           "协助开展最低生活保障、特困供养……等工作。"),
        _c("tasks_text", "str", "协助工作细化事项", "the whole cell, sub-items one per line",
           "1.协助发现需救助困难群众。…"),
        _c("basis_text", "str", "依据", "the whole cell, one citation per line",
           "《社会救助暂行办法》第四条"),
        _c("department_text", "str", "主管单位", "the whole cell, white space removed",
           "生态环境、公安、文化旅游部门"),
        _c("remarks", "str", "备注", "remarks; empty string where the cell is empty", ""),
        PAGE_START,
        PAGE_END,
        OCR_MIN_CONF,
    ),
    key=("seq",),
)

TASKS = Table(
    "tasks", "细化事项", "one row per numbered sub-item of 协助工作细化事项, in document order",
    (
        SEQ,
        _c("task_no", "int", "顺序", "1-based position of the sub-item within its item", "2"),
        _c("level", "int", "层级", "1 for \"1.\" items, 2 for \"①\" items under them", "1"),
        _c("section", "str", "分组", "an unnumbered heading grouping level-1 items",
           "灾害信息报送", nullable=True),
        _c("marker", "str", "编号", "the marker as printed (\"1.\", \"①\"); null for a single "
           "unnumbered task", "1.", nullable=True),
        _c("parent_no", "int", "上级顺序", "task_no of the level-1 parent of a level-2 item",
           "2", nullable=True),
        _c("text", "str", "内容", "the sub-item's own text, without marker and children",
           "协助发现需救助困难群众。…"),
    ),
    key=("seq", "task_no"),
)

CITATIONS = Table(
    "citations", "依据条款", "one row per article cited in 依据 (one row with null "
    "article_ref for a law cited without article)",
    (
        SEQ,
        _c("citation_no", "int", "顺序", "1-based position of the row within its item", "1"),
        _c("law", "str", "法规名称", "title inside 《》 (nested 〈〉 kept)", "社会救助暂行办法"),
        _c("note", "str", "注", "a parenthesised remark after the title", "2020年10月17日……修订",
           nullable=True),
        _c("article_ref", "str", "条款", "the article reference as printed", "第六条第二款",
           nullable=True),
        _c("article", "int", "条", "article number parsed from the Chinese numeral; null where "
           "the numeral is not valid", "6", nullable=True),
        _c("paragraph", "int", "款", "paragraph number, where one is cited", "2", nullable=True),
    ),
    key=("seq", "citation_no"),
)

DEPARTMENTS = Table(
    "departments", "主管单位", "one row per responsible department (a shared suffix distributed)",
    (
        SEQ,
        _c("department_no", "int", "顺序", "1-based position within its item", "1"),
        _c("department", "str", "单位", "one department", "生态环境部门"),
    ),
    key=("seq", "department_no"),
)

COLUMNS = Table(
    "columns", "列", "one row per printed column of the list table, as its profile read it",
    (
        _c("position", "int", "列序", "1-based column of the printed table", "1"),
        _c("field", "str", "字段", "the column's name in items", "basis_text"),
        _c("label", "str", "表头", "the printed header label (empty where none is printed)",
           "依据"),
        _c("role", "str", "作用", "key (序号), text, tasks, citations or departments "
           "(parsed into that table)", "citations"),
    ),
    key=("position",),
)

CHANGES = Table(
    "changes", "变更", "one row per change between two versions of the list "
    "(one row per changed field of a changed item)",
    (
        _c("change", "str", "变更类型", "added, removed, changed or renumbered", "changed"),
        _c("old_seq", "int", "原序号", "序号 in the old version", "17", nullable=True),
        _c("new_seq", "int", "新序号", "序号 in the new version", "16", nullable=True),
        _c("field", "str", "字段", "the changed items column", "basis_text", nullable=True),
        _c("old_value", "str", "原值", "the old cell", nullable=True),
        _c("new_value", "str", "新值", "the new cell", nullable=True),
    ),
)

DETAIL_CHANGES = Table(
    "detail_changes", "细项变更", "one row per task, citation or department added, removed or "
    "edited inside a paired item (only where that cell changed)",
    (
        _c("old_seq", "int", "原序号", "序号 in the old version", "23"),
        _c("new_seq", "int", "新序号", "序号 in the new version", "22"),
        _c("table", "str", "层级", "tasks, citations or departments", "tasks"),
        _c("change", "str", "变更类型", "added, removed or changed", "changed"),
        _c("old_no", "int", "原顺序", "task_no / citation_no / department_no in the old version",
           "9", nullable=True),
        _c("new_no", "int", "新顺序", "the same in the new version", "9", nullable=True),
        _c("old_value", "str", "原值", "marker+text; 《law》（note）article; department",
           nullable=True),
        _c("new_value", "str", "新值", "the same, in the new version", nullable=True),
    ),
)

MATCHES = Table(
    "matches", "事项匹配", "how each item of either version was paired, with its score",
    (
        _c("old_seq", "int", "原序号", "序号 in the old version", "17", nullable=True),
        _c("new_seq", "int", "新序号", "序号 in the new version", "16", nullable=True),
        _c("relation", "str", "关系", "same, split, merged, removed or added", "same"),
        _c("method", "str", "匹配方式", "name, similarity or containment; generic lists: "
           "content (same cells), column FIELD (same code), similarity or key (same 序号)",
           "name", nullable=True),
        _c("score", "float", "相似度", "0–1; for removed/added the best candidate's score",
           "0.95", nullable=True),
        _c("candidate_seq", "int", "最近候选", "removed/added: the closest item on the other side",
           nullable=True),
        *(_c(f"{k}_score", "float", f"{label}相似度", f"similarity of the {k}", nullable=True)
          for k, label in (("name", "名称"), ("content", "内容"), ("tasks", "细化事项"),
                           ("citations", "依据"), ("departments", "主管单位"))),
    ),
)

VERSIONS = Table(
    "versions", "版本", "one row per extracted version of the list (from notice.json)",
    (
        _c("version", "str", "版本", "name of the version folder (date first, so versions "
           "sort); the dataset's partition", "2021-02-10_e0101f21"),
        _c("doc_no", "str", "文号", "document number", "渝民发〔2021〕6号", nullable=True),
        _c("date", "str", "印发日期", "date of issue, ISO 8601", "2021-02-10", nullable=True),
        _c("title", "str", "标题", "title of the notice", nullable=True),
        _c("list_title", "str", "清单名称", "title of the attached list", nullable=True),
        _c("item_count", "int", "事项数", "number of items extracted", "27", nullable=True),
        _c("page_count", "int", "页数", "pages in the PDF", "14", nullable=True),
        _c("source_file", "str", "源文件", "file name of the PDF", "notice-2021.pdf",
           nullable=True),
        _c("source_sha256", "str", "源文件SHA256", "sha256 of the PDF", nullable=True),
        _c("pipeline_version", "str", "流水线版本", "version of the pipeline that extracted it",
           "0.1.0", nullable=True),
        _c("extracted_at", "str", "提取时间", "UTC time of extraction", "2026-11-27T17:00:00Z",
           nullable=True),
    ),
    key=("version",),
)

OCR_CELLS = Table(
    "ocr_cells", "OCR单元格", "one row per list cell read by OCR, per page it is printed on "
    "(written only where text was OCR'd): how sure the reading is, what to check, and where "
    "a crop of the cell is",
    (
        _c("seq", "int", "序号", "the item's seq (as in items)", "1"),
        _c("field", "str", "字段", "the items column of the cell", "basis_text"),
        _c("page", "int", "页", "1-based PDF page of this part of the cell", "3"),
        _c("conf", "float", "最低置信度", "the lowest OCR confidence (0–1) of the cell's "
           "characters on this page", "0.87"),
        _c("text", "str", "文字", "the cell's text on this page as read (lines joined)"),
        _c("low_chars", "str", "低置信字符", "the characters read with a confidence below the "
           "threshold (settings: ocr_low_conf), in reading order", "（"),
        _c("seal_chars", "str", "印章字符", "characters that look like seal text: read inside "
           "a seal (a red seal's area, a seal's ring) or forming a seal word (专用章, 公章, "
           "印章)", ""),
        _c("flagged", "bool", "需核对", "a person should check the cell against the page: a "
           "character below the threshold, or seal-like", "true"),
        _c("crop", "str", "截图", "relative path of a PNG crop of the cell in the version "
           "folder (flagged cells only)", "ocr/1-basis_text.png", nullable=True),
    ),
    key=("seq", "field", "page"),
)

#: The tables of one extracted notice version (a specific profile's), in the order written.
EXTRACTION_TABLES: tuple[Table, ...] = (ITEMS, TASKS, CITATIONS, DEPARTMENTS, COLUMNS)
#: The tables an expectation suite checks (one suite file each per profile).
VALIDATED_TABLES: tuple[Table, ...] = (ITEMS, TASKS, CITATIONS, DEPARTMENTS)
#: The tables parsed from cells, by the column role that feeds each.
PARSED_TABLES: dict[str, Table] = {"tasks": TASKS, "citations": CITATIONS,
                                   "departments": DEPARTMENTS}


def generic_tables(columns: Iterable[Mapping[str, Any]]) -> tuple[Table, ...]:
    """The tables of a version read by the generic profile, from its ``columns`` rows
    (field, label, role, position): ``items`` with one text column per printed
    column, and the parsed tables with a ``field`` column saying where each row came from.
    """
    columns = list(columns)
    keyed = any(c["role"] == "key" for c in columns)
    cells = tuple(_c(c["field"], "str", c["label"] or c["field"],
                     f"printed column {c['position']}" + (f" ({c['role']})"
                                                           if c["role"] != "text" else ""))
                  for c in columns if c["role"] != "key")
    items = Table("items", ITEMS.label, "one row per list row, in document order; every "
                  "printed column as text", (SEQ if keyed else ROW_SEQ, *cells, PAGE_START,
                                            PAGE_END, OCR_MIN_CONF), key=("seq",))
    parsed = tuple(Table(t.name, t.label, t.description, (t.columns[0], SOURCE_FIELD,
                                                          *t.columns[1:]),
                         key=(t.key[0], "field", *t.key[1:]))
                   for t in PARSED_TABLES.values())
    return (items, *parsed, COLUMNS)


def version_tables(generic: bool, columns: Iterable[Mapping[str, Any]] = ()) -> tuple[Table, ...]:
    """The tables of one extracted version: a specific profile's fixed tables, or
    ``generic_tables(columns)``."""
    return generic_tables(columns) if generic else EXTRACTION_TABLES
#: The tables of a diff folder.
DIFF_TABLES: tuple[Table, ...] = (CHANGES, DETAIL_CHANGES, MATCHES)
TABLES: dict[str, Table] = {t.name: t for t in (*EXTRACTION_TABLES, *DIFF_TABLES, VERSIONS,
                                                OCR_CELLS)}

#: The columns of `items` that come from the printed table, in printed order (the
#: assist profile's ``printed_order``; a test keeps the two in step).
CELL_FIELDS: tuple[str, ...] = tuple(
    c.name for c in ITEMS.columns if c.name not in {PAGE_START.name, PAGE_END.name,
                                                    OCR_MIN_CONF.name})
#: The text fields a diff compares (CONTRACT: `changes.field`).
TEXT_FIELDS: tuple[str, ...] = CELL_FIELDS[1:]

#: Keys of notice.json, with what each holds.
NOTICE_FIELDS: dict[str, str] = {
    "version": "name of the version folder (date first, so versions sort)",
    "doc_no": "document number, e.g. 渝民发〔2021〕6号 (null if the PDF holds no notice text)",
    "date": "date of issue, ISO 8601 (null if not found)",
    "title": "title of the notice",
    "issuers": "issuing bodies, in printed order",
    "list_title": "title of the attached list",
    "parent_doc_no": "document number printed in the table header (the parent list), if any",
    "item_count": "number of items extracted",
    "source_file": "file name of the source (PDF, Word, Excel, web page)",
    "source_sha256": "sha256 of the source file",
    "source_format": "what the source is: pdf, pdf-scan (pages read by OCR), docx, doc, wps, "
                     "odt, rtf, xlsx, xls, et, ods, html",
    "profile": "the list profile that read the table (assist, generic, …)",
    "notes": "what the reader noted: the sheet or table holding the list, pages read by OCR, "
             "a declared charset that was wrong, …",
    "page_count": "pages in the PDF (1 for sources without pages)",
    "table_pages": "first and last page of the list's table",
    "column_bands": "a wide table printed in column bands (pages of later columns joined onto "
                    "the rows they continue): the page order (\"down, then over\" or \"over, "
                    "then down\") and the pages of each band; null where not printed so",
    "unread_pages": "pages that were not read into the list: [{pages: [first, last], kind: "
                    "table or text, why}] (empty: every page read; null for sources without "
                    "pages)",
    "clipped_cells": "cells whose text is cut off at the cell border in print (the text layer "
                     "holds more than the page shows), kept as shown: [{page, row, key, field, "
                     "label, shown, hidden}] (null for sources without pages)",
    "pipeline_version": "version of this pipeline",
    "extracted_at": "UTC time of extraction",
}


def data_dictionary() -> str:
    """The data dictionary as Markdown (``extracted/README.md`` is this text)."""
    out = ["# Data dictionary", "",
           "Generated from `pipeline/schema.py`",
           "(`python -m pipeline.schema > extracted/README.md`); a test keeps this file in step",
           "with it. Each table is written as `NAME.parquet` and `NAME.csv` (UTF-8 with BOM)",
           "in every version folder `extracted/<version>/` (the diff tables in a diff folder).",
           "`make dataset` gathers every version into `extracted/dataset/<table>/version=<v>/`",
           "(Parquet only) with a `version` column, plus the `versions` table.", ""]
    places = {**{t.name: "version folder" for t in EXTRACTION_TABLES},
              **{t.name: "diff folder" for t in DIFF_TABLES},
              VERSIONS.name: "dataset only: extracted/dataset/versions/",
              OCR_CELLS.name: "version folder, where text was OCR'd"}
    for table in (*EXTRACTION_TABLES, OCR_CELLS, *DIFF_TABLES, VERSIONS):
        where = places[table.name]
        out += [f"## `{table.name}` — {table.label} ({where})", "", table.description + ".", "",
                "| column | 中文 | type | null | meaning | example |",
                "| --- | --- | --- | --- | --- | --- |"]
        for c in table.columns:
            out.append(f"| `{c.name}` | {c.label} | {c.type} | {'yes' if c.nullable else 'no'} "
                       f"| {c.description} | {c.example.replace('|', '/')} |")
        out.append("")
    out += ["## `notice.json`", "", "| key | meaning |", "| --- | --- |"]
    out += [f"| `{k}` | {v} |" for k, v in NOTICE_FIELDS.items()]
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    print(data_dictionary(), end="")
