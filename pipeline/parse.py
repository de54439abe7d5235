"""Stage 6: parse each item's cells into tasks, citations and departments.

    parse_items(items) → {"tasks": rows, "citations": rows, "departments": rows}

The parsers themselves are pure functions of one cell's text
(``tasks.parse_tasks``, ``citations.parse_citations``,
``departments.parse_departments``); this stage applies them and keys each row
by the item's 序号.
"""

from __future__ import annotations

from .citations import parse_citations
from .departments import parse_departments
from .tasks import parse_tasks

#: output table ← (items column it reads, parser)
PARSERS = {
    "tasks": ("tasks_text", parse_tasks),
    "citations": ("basis_text", parse_citations),
    "departments": ("department_text", parse_departments),
}


def parse_items(items: list[dict]) -> dict[str, list[dict]]:
    """Return the rows of each structure table for ``items`` rows, in document order."""
    out: dict[str, list[dict]] = {name: [] for name in PARSERS}
    for item in items:
        for name, (column, parser) in PARSERS.items():
            out[name].extend({"seq": item["seq"], **row} for row in parser(item[column]))
    return out
