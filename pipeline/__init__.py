"""Extract official Chinese list notices (清单) into clean tables.

The flow, one package per step (each package's docstring says what it holds)::

    readers/   a file (PDF, scan, Word, Excel, web page) → pages of rows of cells
    table/     pages → the list's table → one clean row per item      (profiles/ say how)
    cells/     an item's cells → tasks, citations, departments
    extract.py the chain above for one notice: ``run(path) → Extraction``
    output/    version folders written whole; the dataset of every version
    quality/   validation of a version folder
    review/    diff of two versions, reports, charts
    site/      one SQLite database of everything, served by Datasette
    batch/     many notices, each in a sandboxed child, locally or on a cluster
    cli.py     ``python -m pipeline …``

Under them: ``errors``, ``settings``, ``model`` (the page model), ``schema`` (the
output tables, stated once), ``text/`` (glyphs, numerals, markers) and ``safety/``
(guard, sandbox).

Imports point down: a module imports only from its own package and from the
layers before its own in ``LAYERS`` (tests/test_layout.py keeps it so).
"""

__version__ = "0.1.0"

#: The layers, lowest first: a module may import its own layer and those before it.
#: (A name is a top-level module or a package of ``pipeline``.)
LAYERS: tuple[tuple[str, ...], ...] = (
    ("errors", "settings", "model", "schema"),
    ("text",),
    ("safety",),
    ("profiles",),
    ("readers",),
    ("table",),
    ("cells",),
    ("output",),
    ("quality",),
    ("review",),
    ("site",),
    ("extract",),
    ("batch",),
    ("cli", "__main__"),
)
