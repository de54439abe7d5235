"""Datasette's metadata for the site database, generated from what was built.

    describe_site(db_path) → metadata dict (written as ``<db stem>.metadata.json``)

Table titles and column descriptions come from ``pipeline/schema.py`` (each
table's and column's Chinese label and meaning) and, for the columns the site
adds, from ``names.SITE_COLUMNS``: nothing is written twice.  Facets,
labels of linked rows, hidden index tables and the canned queries are set
here for the tables and columns that exist in the database.
"""

from __future__ import annotations

import html
import sqlite3
from pathlib import Path

from .. import schema
from . import names

#: Facets shown on each table's page (where the column exists).  ``{"array": c}``
#: facets a JSON-list column by its elements (an item with three departments
#: counts once under each).
_FACETS: dict[str, tuple] = {
    "items": ("version", {"array": "departments"}, {"array": "laws"}),
    "tasks": ("version", "level", "section"),
    "citations": ("version", "law"),
    "departments": ("version", "department"),
    "changes": ("new_version", "change", "field"),
    "detail_changes": ("new_version", "table", "change"),
    "matches": ("new_version", "relation", "method"),
}
#: The column that names a row where another table links to it.
_LABELS = {"versions": "doc_no", "items": "name"}

#: The usual questions, as canned queries.  An empty parameter means "the latest".
_QUERIES: dict[str, dict] = {
    "tasks_per_department": {
        "title": "各主管单位的细化事项数 — tasks per department in a version",
        "description": "Each sub-task of an item counts once for every department of the item. "
                       "version: a version (empty: the latest).",
        "needs": ("tasks", "departments", "versions"),
        "sql": """\
select t.version, d.department, count(*) as tasks, count(distinct t.seq) as items
from tasks t
join departments d on d.version = t.version and d.seq = t.seq
where t.version = coalesce(nullif(:version, ''), (select max(version) from versions))
group by t.version, d.department
order by tasks desc, d.department""",
    },
    "departments_changed": {
        "title": "主管单位有变化的事项 — items whose departments changed between two versions",
        "description": "Items paired by the diff whose set of departments differs. "
                       "new_version: a version (empty: the latest); old_version: the version "
                       "before it (empty: the one just before). Versions are compared with the "
                       "one just before them.",
        "needs": ("matches", "items", "versions"),
        "sql": """\
with pair as (
  select coalesce(nullif(:new_version, ''), (select max(version) from versions)) as new_version
), pick as (
  select coalesce(nullif(:old_version, ''),
                  (select max(version) from versions where version < pair.new_version))
           as old_version,
         pair.new_version
  from pair
)
select * from (
  select m.old_version, m.new_version, m.old_seq, m.new_seq, n.name,
    (select group_concat(value, '、') from json_each(o.departments)
      where value not in (select value from json_each(n.departments))) as removed,
    (select group_concat(value, '、') from json_each(n.departments)
      where value not in (select value from json_each(o.departments))) as added,
    o.department_text as old_department_text, n.department_text as new_department_text,
    m.old_item_id, m.new_item_id
  from matches m
  join pick on m.old_version = pick.old_version and m.new_version = pick.new_version
  join items o on o.item_id = m.old_item_id
  join items n on n.item_id = m.new_item_id
  where m.relation = 'same'
)
where removed is not null or added is not null
order by new_seq""",
    },
    "items_citing_law": {
        "title": "引用某法规的事项 — every item citing a given law",
        "description": "law: part of the law's title, e.g. 安全生产法 (matches "
                       "中华人民共和国安全生产法). Every version.",
        "needs": ("citations", "items"),
        "sql": """\
select i.version, i.seq, i.name, c.law,
  group_concat(coalesce(c.article_ref, ''), '、') as articles,
  i.page_start, i.item_id
from citations c
join items i on i.item_id = c.item_id
where instr(c.law, coalesce(:law, '')) > 0
group by i.item_id, c.law
order by i.version, i.seq, min(c.citation_no)""",
    },
}


def describe_site(db_path: Path) -> dict:
    """Datasette metadata for the database at ``db_path`` (its tables as built).

    Out: a dict for ``Datasette(metadata=…)`` or ``datasette -m FILE``: site
    title and a search form on the home page, per table a Chinese title,
    description, column descriptions, facets and label column, the full-text
    index tables hidden, and the canned queries whose tables exist.
    """
    db_name = Path(db_path).stem
    conn = sqlite3.connect(f"file:{Path(db_path).resolve()}?mode=ro", uri=True)
    try:
        tables = {name: [row[1] for row in conn.execute(f'PRAGMA table_info("{name}")')]
                  for (name,) in conn.execute(
                      "select name from sqlite_master where type = 'table' order by name")}
    finally:
        conn.close()
    described = {}
    for name, columns in tables.items():
        if name.endswith(names.FTS_SUFFIX):
            described[name] = {"hidden": True}
        elif names.FTS_SUFFIX + "_" not in name:  # FTS5's own tables: Datasette hides them
            described[name] = _describe_table(name, columns)
    queries = {key: {k: v for k, v in q.items() if k != "needs"}
               for key, q in _QUERIES.items() if set(q["needs"]) <= set(tables)}
    return {
        "title": "清单浏览 — every extracted version",
        "description_html": _home(db_name, tables, queries),
        "databases": {db_name: {
            "title": "各版本清单 — every version, its tables and what changed",
            "description": "One row per item, task, citation and department of every "
                           "extracted version (column version), and the diff between each "
                           "version and the one before it.",
            "tables": described,
            "queries": queries,
        }},
    }


def _describe_table(name: str, columns: list[str]) -> dict:
    table = schema.TABLES.get(name)
    entry: dict = {
        "title": f"{table.label} — {name}" if table else name,
        "description": table.description if table else "",
        "columns": {c: _describe_column(table, c) for c in columns
                    if _describe_column(table, c)},
    }
    facets = [f for f in _FACETS.get(name, ())
              if (f["array"] if isinstance(f, dict) else f) in columns]
    if facets:
        entry["facets"] = facets
    if _LABELS.get(name) in columns:
        entry["label_column"] = _LABELS[name]
    return entry


def _describe_column(table: schema.Table | None, column: str) -> str:
    if table is not None and column in table.column_names:
        c = table.column(column)
        return f"{c.label} — {c.description}"
    if column in names.SITE_COLUMNS:
        label, meaning = names.SITE_COLUMNS[column]
        return f"{label} — {meaning}"
    return ""


def _home(db_name: str, tables: dict[str, list[str]], queries: dict[str, dict]) -> str:
    """The home page: a search box for items and links to the tables and questions."""
    e = html.escape
    links = [f'<a href="{e(db_name)}/{e(t)}">{e(_describe_table(t, tables[t])["title"])}</a>'
             for t in (names.ITEMS, "tasks", "citations", "departments", names.VERSIONS,
                       *names.DIFF_TABLES) if t in tables]
    asked = [f'<a href="{e(db_name)}/{e(k)}">{e(q["title"])}</a>' for k, q in queries.items()]
    return (
        "<p><strong>搜索事项 Search items</strong> — any word of 2 or more characters, "
        "every version, every column</p>"
        f'<form class="site-search" action="{e(db_name)}/{names.ITEMS}" method="get"><p>'
        '<input id="site-search" type="search" name="_search" placeholder="公安" '
        'aria-label="search items"> <input type="submit" value="搜索 Search"></p></form>'
        f"<p>Tables: {' · '.join(links)}</p>"
        + (f"<p>Questions: {' · '.join(asked)}</p>" if asked else ""))
