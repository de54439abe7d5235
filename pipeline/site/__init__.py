"""A local site to browse and search every extracted version: SQLite + Datasette.

    build_site(extracted_root, db_path, source_dirs) → db_path     (pipeline.site.build)
    python -m pipeline.site build|serve                             (pipeline.site.__main__)

``build`` writes one SQLite database (``extracted/site/lists.db``) with every
version's tables, the diff tables between consecutive versions, full-text
indexes, ``metadata.json`` for Datasette (Chinese labels from
``pipeline/schema.py``, facets, canned queries) and a copy of each source PDF
(``sources/<sha256>.pdf``) so an item can link to its page.  ``serve`` opens
it read-only in Datasette on 127.0.0.1 (``pipeline.site.serve``), with the
hooks of ``pipeline.site.plugin`` (Chinese search of any length, page links).
"""

from .build import build_site

__all__ = ["build_site"]
