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
    "versions": ("profile",),
    "power_items": ("version", "power_type", "exercising_body", {"array": "law_types"},
                    {"array": "laws"}),
    "power_sub_items": ("version", "power_type", "exercising_body"),
    "power_citations": ("version", "law_type", "law", "field", "parsed"),
    "power_tasks": ("version", "field", "level"),
    "power_changes": ("new_version", "change", "field"),
    "generic_items": ("version", "category", {"array": "departments"}, {"array": "laws"}),
    "generic_tasks": ("version", "field", "level"),
    "generic_citations": ("version", "field", "law"),
    "generic_departments": ("version", "field", "department"),
    "generic_changes": ("new_version", "change", "field"),
}
#: The column that names a row where another table links to it (items tables: the one
#: the search of every list shows).
_LABELS = {"versions": "version_label", "items": "name", "power_items": "item_name",
           "generic_items": "name"}

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
    "power_items_citing_law": {
        "title": "引用某法规的权责事项 — every 权责清单 item citing a given law",
        "description": "law: part of the law's title, e.g. 畜牧法 (matches "
                       "中华人民共和国畜牧法). Every department's list, every version.",
        "needs": ("power_citations", "power_items", "versions"),
        "sql": """\
select v.list_title, i.version, i.sheet, i.seq, i.item_name, i.power_type, i.exercising_body,
  c.field, c.law_type, c.law,
  group_concat(coalesce(c.article_ref, ''), '、') as articles,
  'power_items' as items_table, i.item_id
from power_citations c
join power_items i on i.item_id = c.item_id
join versions v on v.version = i.version
where instr(c.law, coalesce(:law, '')) > 0
group by i.item_id, c.field, c.law_type, c.law
order by v.list_title, i.version, i.row, c.field, min(c.citation_no)""",
    },
    "power_laws_cited": {
        "title": "权责清单引用最多的法规 — the laws 权责清单 cite most, across every list",
        "description": "One row per law (as printed: type in 【】 and title), with the lists, "
                       "items and articles citing it. Cells the parser could not read are "
                       "left out (power_citations.parsed = 0).",
        "needs": ("power_citations",),
        "sql": """\
select law_type, law, count(distinct version) as lists, count(distinct item_id) as items,
  count(*) as articles
from power_citations
where parsed = 1 and law is not null
group by law_type, law
order by items desc, lists desc, law""",
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
    title and a search form per list family on the home page, per table a
    Chinese title, description, column descriptions, facets and label column,
    the full-text index tables hidden, and the canned queries whose tables
    exist (with ``search_every_list``: one word in the items of every family).
    """
    db_name = Path(db_path).stem
    conn = sqlite3.connect(f"file:{Path(db_path).resolve()}?mode=ro", uri=True)
    try:
        tables = {name: [row[1] for row in conn.execute(f'PRAGMA table_info("{name}")')]
                  for (name,) in conn.execute(
                      "select name from sqlite_master where type = 'table' order by name")}
        families = _families(conn, tables)
        labels = {prefix: _printed_labels(conn, prefix + "columns", tables)
                  for prefix in families}
    finally:
        conn.close()
    described = {}
    for name, columns in tables.items():
        if name.endswith(names.FTS_SUFFIX):
            described[name] = {"hidden": True}
        elif names.FTS_SUFFIX + "_" not in name:  # FTS5's own tables: Datasette hides them
            prefix = _prefix_of(name, families)
            described[name] = _describe_table(name, columns, prefix, families.get(prefix, ""),
                                              labels.get(prefix, {}))
    queries = {key: {k: v for k, v in q.items() if k != "needs"}
               for key, q in _QUERIES.items() if set(q["needs"]) <= set(tables)}
    everywhere = _search_every_list(tables, families)
    if everywhere:
        queries = {"search_every_list": everywhere, **queries}
    return {
        "title": "清单浏览 — every extracted version",
        "description_html": _home(db_name, tables, families, described, queries),
        "databases": {db_name: {
            "title": "各版本清单 — every version, its tables and what changed",
            "description": "One row per item, task, citation and department of every "
                           "extracted version of every list family (column version; the "
                           "family's tables are prefixed by its profile: power_items …), and "
                           "the diff between each version and the one before it.",
            "tables": described,
            "queries": queries,
        }},
    }


def _families(conn: sqlite3.Connection, tables: dict[str, list[str]]) -> dict[str, str]:
    """{table prefix: profile} of the families in the database ("" for the assist family)."""
    families = {"": "assist"} if names.ITEMS in tables else {}
    if "profile" in tables.get(names.VERSIONS, ()):
        for (profile,) in conn.execute(f'select distinct profile from "{names.VERSIONS}"'):
            if profile and f"{profile}_{names.ITEMS}" in tables:
                families[f"{profile}_"] = profile
    return families


def _prefix_of(name: str, families: dict[str, str]) -> str:
    return max((p for p in families if name.startswith(p)), key=len, default="")


def _printed_labels(conn: sqlite3.Connection, table: str,
                    tables: dict[str, list[str]]) -> dict[str, str]:
    """field → the label most lists of the family print for it (from its columns table)."""
    if not {"field", "label"} <= set(tables.get(table, ())):
        return {}
    rows = conn.execute(f'select field, label, count(*) as n from "{table}" where label != \'\' '
                        "group by field, label order by field, n desc, label")
    out: dict[str, str] = {}
    for field, label, _ in rows:
        out.setdefault(field, label)
    return out


def _family_label(profile: str) -> str:
    from ..profiles import load_profiles

    known = load_profiles().get(profile)
    return known.label if known else profile


def _describe_table(name: str, columns: list[str], prefix: str = "", profile: str = "",
                    printed: dict[str, str] | None = None) -> dict:
    base = name[len(prefix):]
    table = schema.TABLES.get(base)
    if prefix:
        title = f"{_family_label(profile)} {table.label if table else base} — {name}"
        description = (f"{table.description} ({profile} lists)" if table else
                       f"{base} of the {profile} lists")
    else:
        title = f"{table.label} — {name}" if table else name
        description = table.description if table else ""
    entry: dict = {
        "title": title,
        "description": description,
        "columns": {c: d for c in columns
                    if (d := _describe_column(table, c, bool(prefix), printed or {}))},
    }
    facets = [f for f in _FACETS.get(name, ())
              if (f["array"] if isinstance(f, dict) else f) in columns]
    if facets:
        entry["facets"] = facets
    if _LABELS.get(name) in columns:
        entry["label_column"] = _LABELS[name]
    return entry


def _describe_column(table: schema.Table | None, column: str, family: bool = False,
                     printed: dict[str, str] | None = None) -> str:
    if column in names.SITE_COLUMNS:
        label, meaning = names.SITE_COLUMNS[column]
        return f"{label} — {meaning}"
    if family and printed and column in printed:
        return f"{printed[column]} — the printed column"
    if table is not None and column in table.column_names:
        c = table.column(column)
        return f"{c.label} — {c.description}"
    return ""


def _search_every_list(tables: dict[str, list[str]], families: dict[str, str]) -> dict | None:
    """A canned query finding a word in the items of every family, every version."""
    parts = []
    for prefix, profile in families.items():
        items = prefix + names.ITEMS
        columns = tables[items]
        name = _LABELS.get(items) if _LABELS.get(items) in columns else None
        text = [c for c in columns if c not in names.SITE_COLUMNS
                and c not in ("seq", "row", "sheet", "page_start", "page_end", "ocr_min_conf")]
        if not text:
            continue
        haystack = " || char(10) || ".join(f"coalesce(i.{_quote(c)}, '')" for c in text)
        seq = "i.seq" if "seq" in columns else "null"
        shown = f"i.{_quote(name)}" if name else "null"
        parts.append(
            f"select '{profile}' as profile, v.list_title, i.version, {seq} as seq, "
            f"{shown} as name, '{items}' as items_table, i.item_id\n"
            f"from {_quote(items)} i join {_quote(names.VERSIONS)} v on v.version = i.version\n"
            f"where instr({haystack}, coalesce(:q, '')) > 0")
    if not parts:
        return None
    return {
        "title": "在所有清单中搜索 — search the items of every list, every family",
        "description": "q: a word of any length (行政处罚, 畜牧法, 公安): every item of every "
                       "list and version holding it in any column.",
        "sql": "select * from (\n" + "\nunion all\n".join(parts) + "\n)\n"
               "order by profile, list_title, version, item_id",
    }


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _home(db_name: str, tables: dict[str, list[str]], families: dict[str, str],
          described: dict[str, dict], queries: dict[str, dict]) -> str:
    """The home page: a search box per family's items, links to the tables and questions."""
    e = html.escape
    forms, links = [], []
    for prefix, profile in families.items():
        items = prefix + names.ITEMS
        label = _family_label(profile)
        field_id = "site-search" if not prefix else f"site-search-{profile}"
        forms.append(
            f'<form class="site-search" action="{e(db_name)}/{e(items)}" method="get"><p>'
            f'<label for="{e(field_id)}">{e(label)}</label> '
            f'<input id="{e(field_id)}" type="search" name="_search" placeholder="公安" '
            f'aria-label="search {e(label)}"> <input type="submit" value="搜索 Search">'
            "</p></form>")
        own = [t for t in (*(prefix + b for b in ("items", "sub_items", "tasks", "citations",
                                                  "departments")),
                           *(prefix + d for d in names.DIFF_TABLES)) if t in tables]
        links.append(f"<p>{e(label)}: " + " · ".join(
            f'<a href="{e(db_name)}/{e(t)}">{e(described[t]["title"])}</a>' for t in own)
            + "</p>")
    if names.VERSIONS in tables:
        links.append(f'<p><a href="{e(db_name)}/{names.VERSIONS}">'
                     f'{e(described[names.VERSIONS]["title"])}</a></p>')
    asked = [f'<a href="{e(db_name)}/{e(k)}">{e(q["title"])}</a>' for k, q in queries.items()]
    return (
        "<p><strong>搜索事项 Search items</strong> — any word of 2 or more characters, "
        "every version, every column</p>" + "".join(forms)
        + "".join(links)
        + (f"<p>Questions: {' · '.join(asked)}</p>" if asked else ""))
