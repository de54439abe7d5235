"""Datasette hooks of the site (registered by ``pipeline.site.serve``).

* Search (``filters_from_request``): ``?_search=`` on any table with a
  ``<table>_fts`` index.  Each word of 3 or more characters is looked up in the
  FTS5 trigram index; a shorter word (公安, 民政: most Chinese words are two
  characters) is a ``LIKE`` over the same columns of the table itself.  The
  trigram tokenizer cannot index anything shorter than 3 characters, and
  SQLite 3.40's trigram ``LIKE`` finds nothing for such patterns, so the
  fallback reads the table — a few thousand rows at most.  Words are ANDed.
  A bigram index would make short words indexed too, but needs every query
  rewritten into bigram phrases; at this size the scan costs nothing.
* Style (``extra_css_urls``): ``static/site.css``, served from the package.
* Links (``render_cell``): ``page_start``/``page_end`` of a row with a
  ``version`` open the source file at that page (``sources/<sha256>.pdf#page=N``,
  served from the folder beside the database); ``versions.source_file`` opens
  the file; ``item_id`` columns of a canned query's result open the item (in the
  table its ``items_table`` column names, where the query has one).
"""

from __future__ import annotations

import weakref

from datasette import hookimpl
from datasette.filters import FilterArguments
from markupsafe import Markup, escape

from . import names

#: datasette → database → {version: source_path}; the database is immutable.
_SOURCES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_PAGE_COLUMNS = ("page_start", "page_end")


@hookimpl(trylast=True)  # last: its search context wins over Datasette's own (none here)
def filters_from_request(request, database, table, datasette):
    async def search():
        fts = table + names.FTS_SUFFIX
        db = datasette.get_database(database)
        if table.endswith(names.FTS_SUFFIX) or not await db.table_exists(fts):
            return None
        query = (request.args.get("_search") or "").strip()
        context = {"supports_search": True, "search": query}
        if not query:
            return FilterArguments([], extra_context=context)
        columns = await db.table_columns(fts)
        where, params = [], {}
        for i, word in enumerate(query.split()):
            key = f"_site_search_{i}"
            if len(word) >= names.TRIGRAM:
                where.append(f'rowid in (select rowid from "{fts}" where "{fts}" match :{key})')
                params[key] = '"' + word.replace('"', '""') + '"'
            else:
                where.append("(" + " or ".join(f'"{c}" like :{key} escape \'\\\''
                                               for c in columns) + ")")
                params[key] = "%" + _escape_like(word) + "%"
        return FilterArguments(where, params, [f'search matches "{query}"'], context)

    return search


@hookimpl
def extra_css_urls(datasette):
    return [datasette.urls.path(f"/{names.STATIC}/site.css")]


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    version = _plain(row[names.VERSION]) if names.VERSION in row.keys() else None
    if column in _PAGE_COLUMNS and isinstance(value, int) and version:
        return _page_link(datasette, database, version, value)
    if table == names.VERSIONS and column == "source_file" and value and version:
        return _page_link(datasette, database, version, None, str(value))
    if table is None and column in names.ITEM_COLUMNS and isinstance(value, int):
        # (a query over several families says which items table each row's id is of)
        items = row["items_table"] if "items_table" in row.keys() else names.ITEMS
        href = datasette.urls.row(database, _plain(items), str(value))
        return Markup(f'<a href="{escape(href)}">{value}</a>')
    return None


def _page_link(datasette, database, version, page, text=None):
    async def link():
        path = (await _source_paths(datasette, database)).get(version)
        if not path:
            return None
        href = datasette.urls.path("/" + path) + (f"#page={page}" if page else "")
        title = f"第{page}页 — page {page} of the source file" if page else "the source file"
        return Markup(f'<a href="{escape(href)}" title="{escape(title)}">'
                      f"{escape(text if text is not None else page)}</a>")

    return link


async def _source_paths(datasette, database) -> dict[str, str | None]:
    known = _SOURCES.setdefault(datasette, {})
    if database not in known:
        db = datasette.get_database(database)
        paths: dict[str, str | None] = {}
        if await db.table_exists(names.VERSIONS) and "source_path" in await db.table_columns(
                names.VERSIONS):
            rows = await db.execute(f'select "{names.VERSION}", source_path from '
                                    f'"{names.VERSIONS}"')
            paths = {r[0]: r[1] for r in rows.rows}
        known[database] = paths
    return known[database]


def _plain(value):
    """A cell's value: a linked column arrives as {"value": …, "label": …}."""
    return value.get("value") if isinstance(value, dict) else value


def _escape_like(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
