"""Names the site's builder, metadata, Datasette hooks and tests share (no functions here)."""

from __future__ import annotations

from pathlib import Path

from .. import schema

#: Where ``make site`` writes the database; metadata and sources go beside it.
DEFAULT_DB = Path("extracted") / "site" / "lists.db"
#: Folder beside the database with a copy of each source file, named by its sha256,
#: and the URL path the site serves it under (``/sources/<sha256>.pdf#page=N``).
SOURCES = "sources"
#: URL path of the site's stylesheet folder (``pipeline/site/static``), served by ``serve``.
STATIC = "site-static"
STATIC_DIR = Path(__file__).resolve().parent / "static"
#: Suffix of the file beside the database holding Datasette's metadata.
METADATA_SUFFIX = ".metadata.json"
#: The versions table and its key; every other table has a ``version`` column.
VERSIONS = "versions"
VERSION = "version"
#: One integer per item of a version: the key Datasette links rows by (it links
#: single-column foreign keys only, not the compound (version, seq)).  Each family's
#: items table is ``<prefix>items`` (``power_items``; the assist family's: ``items``).
ITEMS = "items"
ITEM_ID = "item_id"
#: The diff tables, computed between consecutive versions.
DIFF_TABLES: tuple[str, ...] = ("changes", "detail_changes", "matches")
#: The items column that identifies an item within a version: the first of these an
#: items table has as integers (权责清单: ``row``, the position across sheets, for 序号
#: is printed as text and may repeat; every other list: ``seq``).
ITEM_KEYS: tuple[str, ...] = ("row", "seq")
#: Columns the site adds to an items table: a JSON list of the values of a column of
#: another table of its family (table, column), for array facets.
ITEM_LISTS: dict[str, tuple[str, str]] = {"departments": ("departments", "department"),
                                          "laws": ("citations", "law"),
                                          "law_types": ("citations", "law_type")}
#: Tables (by their dataset name) whose text gets a full-text index, ``<table>_fts``.
SEARCHABLE: tuple[str, ...] = ("items", "sub_items", "tasks", "citations", "departments")
FTS_SUFFIX = "_fts"
#: FTS5's trigram tokenizer indexes 3-character sequences: shorter words need a scan.
TRIGRAM = 3

_version = schema.VERSIONS.column("version")
#: Columns the site adds to the dataset's tables: label and meaning, stated once.
SITE_COLUMNS: dict[str, tuple[str, str]] = {
    VERSION: (_version.label, _version.description),
    ITEM_ID: ("事项编号", "one number per item of every version (links the item's rows)"),
    "old_version": ("原版本", "the older version of the compared pair"),
    "new_version": ("新版本", "the newer version of the compared pair"),
    "old_item_id": ("原事项", "the item in the older version"),
    "new_item_id": ("新事项", "the item in the newer version"),
    "departments": ("主管单位列表", "the item's departments as a JSON list (from departments)"),
    "laws": ("法规列表", "the laws the item cites as a JSON list (from citations)"),
    "law_types": ("法规类型列表", "the types (【法律】, 【规章】…) of the laws the item cites as a "
                  "JSON list (from citations)"),
    "version_label": ("版本名称", "how a version is named where a row links to it: its "
                      "document number, else its list title (a 权责清单 has no document "
                      "number), else the version"),
    "profile": ("清单类型", "the list family (profile) that read the version: assist, power "
                "(权责清单), generic …"),
    "source_path": ("源文件链接", "the copy of the source file the site serves; null where "
                    "the file was not found when the site was built"),
}
#: Columns whose value names a version or an item, and the table they point to.
VERSION_COLUMNS: tuple[str, ...] = (VERSION, "old_version", "new_version")
ITEM_COLUMNS: tuple[str, ...] = (ITEM_ID, "old_item_id", "new_item_id")
