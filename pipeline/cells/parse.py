"""Stage 6: parse each item's cells into tasks, citations and departments.

    parse_items(items, columns, parsers=None, key=("seq",))
        → {"tasks": rows, "citations": rows, "departments": rows}

Which cells are parsed, and into what, is the profile's: a column whose role
is ``tasks``, ``citations`` or ``departments`` feeds the table of that name,
read by the parser the profile names for that role (``parsers``, e.g.
``{"citations": "power"}`` for the 权责清单 form; ``default`` otherwise).
The parsers themselves are pure functions of one cell's text (``PARSERS``);
this stage applies them and keys each row by the item's key fields (``seq``;
``sheet`` and ``row`` for a 权责清单) and the column (``field``) it came from.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from ..errors import PipelineError
from .citations import parse_citations
from .departments import parse_departments
from .power_citations import parse_power_citations
from .tasks import parse_tasks

#: The parser a role falls back to when a profile names none.
DEFAULT = "default"
#: column role → parser name → the parser of its cells (the output table has the
#: role's name).  A profile chooses by name: ``"parsers": {"citations": "power"}``.
PARSERS: dict[str, dict[str, Callable[[str], list[dict]]]] = {
    "tasks": {DEFAULT: parse_tasks},
    "citations": {DEFAULT: parse_citations, "power": parse_power_citations},
    "departments": {DEFAULT: parse_departments},
}


def parse_items(items: list[dict], columns, parsers: Mapping[str, str] | None = None,
                key: Iterable[str] = ("seq",)) -> dict[str, list[dict]]:
    """Return the rows of each parsed table for ``items`` rows, in document order.

    In: ``items`` (dicts holding the key fields and one text per column field),
    ``columns`` (the list table's ``profiles.Column``s: a column whose role is a
    key of ``PARSERS`` is parsed), ``parsers`` (role → parser name, for roles
    not read the default way) and ``key`` (the items fields that identify an
    item: ``("seq",)``, or ``("sheet", "row")`` for a 权责清单).
    Out: {role: rows}, each row the item's key fields, ``field`` (the column
    it was parsed from) and the parser's own fields.
    Raises ``PipelineError`` for a role or parser name ``PARSERS`` does not have.
    """
    chosen = _choose(parsers or {})
    key = tuple(key)
    out: dict[str, list[dict]] = {role: [] for role in PARSERS}
    parsed = [c for c in columns if c.role in PARSERS]
    for item in items:
        ident = {k: item[k] for k in key}
        for column in parsed:
            out[column.role].extend({**ident, "field": column.field, **row}
                                    for row in chosen[column.role](item[column.field]))
    return out


def _choose(names: Mapping[str, str]) -> dict[str, Callable[[str], list[dict]]]:
    """The parser of each role: the one ``names`` gives, else the default."""
    for role, name in names.items():
        if role not in PARSERS:
            raise PipelineError(f"no cell parser for the role {role!r}",
                                hint=f"roles with parsers: {', '.join(PARSERS)}")
        if name not in PARSERS[role]:
            raise PipelineError(f"no {role} parser named {name!r}",
                                hint=f"choose one of {', '.join(PARSERS[role])}")
    return {role: by_name[names.get(role, DEFAULT)] for role, by_name in PARSERS.items()}
