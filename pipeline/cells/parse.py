"""Stage 6: parse each item's cells into tasks, citations and departments.

    parse_items(items, columns) → {"tasks": rows, "citations": rows, "departments": rows}

Which cells are parsed, and into what, is the profile's: a column whose role
is ``tasks``, ``citations`` or ``departments`` feeds the table of that name.
The parsers themselves are pure functions of one cell's text
(``tasks.parse_tasks``, ``citations.parse_citations``,
``departments.parse_departments``); this stage applies them and keys each row
by the item's ``seq`` and the column (``field``) it came from.
"""

from __future__ import annotations

from .citations import parse_citations
from .departments import parse_departments
from .tasks import parse_tasks

#: column role → the parser of its cells (the output table has the role's name)
PARSERS = {
    "tasks": parse_tasks,
    "citations": parse_citations,
    "departments": parse_departments,
}


def parse_items(items: list[dict], columns) -> dict[str, list[dict]]:
    """Return the rows of each parsed table for ``items`` rows, in document order.

    ``columns``: the list table's ``profiles.Column``s.
    """
    out: dict[str, list[dict]] = {name: [] for name in PARSERS}
    parsed = [c for c in columns if c.role in PARSERS]
    for item in items:
        for column in parsed:
            out[column.role].extend({"seq": item["seq"], "field": column.field, **row}
                                    for row in PARSERS[column.role](item[column.field]))
    return out
