"""Split the 主管单位 cell into one row per department.

The cell lists departments separated by 、; a list may share one trailing
suffix ("教育、财政、交通部门" means 教育部门, 财政部门, 交通部门),
which is distributed to the bare names before it.  White space inside a name
is an artefact of wrapping ("交通运输 部门") and is removed.

What the rows keep (so the cell can be rebuilt): every character except
white space and the separators, in order; a distributed suffix is the only
text added.
"""

from __future__ import annotations

#: Characters that separate departments (the notice uses 、; lists in other
#: documents use ，or ；).  Inside brackets they do not separate.
SEPARATORS = "、，,；;"
#: Brackets inside which separators do not split (a name may carry a remark).
OPEN_BRACKETS, CLOSE_BRACKETS = "（(〔【[", "）)〕】]"
#: Generic suffixes a list may share ("…、…部门").  Only these are ever
#: distributed: they name a kind of body, not a particular one, so adding them
#: to a bare name ("财政") cannot turn it into a different body.
SHARED_SUFFIXES: tuple[str, ...] = ("部门", "单位", "机关", "机构", "委员会", "组织")
#: Endings of a name that is already complete ("某某部", "某某总队",
#: "某某委", "某某局"): such a name never receives a shared suffix, and a
#: line break or space after it may separate two names.
COMPLETE_ENDINGS: tuple[str, ...] = (
    "部", "局", "委", "厅", "办", "院", "所", "站", "队", "署", "会", "处", "科",
    "室", "中心", "组", "团", "司", "联", "协", "社", "馆", "校", "庭", "台",
)

_ENDINGS = tuple(sorted(set(SHARED_SUFFIXES + COMPLETE_ENDINGS), key=len, reverse=True))
# Proper tails of the vocabulary ("门" of 部门, "员会" of 委员会): a fragment that
# is only such a tail continues the name before it, however it was broken.
_TAILS = frozenset(w[i:] for w in _ENDINGS for i in range(len(w)))
_LONGEST = max(len(w) for w in _ENDINGS)


def parse_departments(text: str) -> list[dict]:
    """Return the department rows of one 主管单位 cell, in printed order.

    In: the cell text.  Out: dicts with ``department_no`` (1-based) and
    ``department`` (white space removed, the list's shared suffix appended to
    bare names).  Separators: :data:`SEPARATORS`; white space (also a line
    break) separates only after a complete name and before something that is
    not the tail of a suffix, because wrapping breaks names anywhere.
    Never raises.
    """
    if not isinstance(text, str):
        return []
    names = [n for n in _split(text) if n]
    suffix = _shared_suffix(names)
    rows = []
    for i, name in enumerate(names):
        if suffix and i < len(names) - 1 and not _is_complete(name):
            name += suffix
        rows.append({"department_no": i + 1, "department": name})
    return rows


def _split(text: str) -> list[str]:
    """Names with white space removed (possibly empty), split at separators
    outside brackets and at white space that ends a complete name."""
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    i = 0
    while i < len(text):
        ch = text[i]
        if ch.isspace():
            j = i
            while j < len(text) and text[j].isspace():
                j += 1
            # Only the end of the name so far matters: the longest ending is short.
            left = "".join(current[-_LONGEST:])
            if depth == 0 and left and _is_complete(left) and not _is_tail(_next_fragment(text, j)):
                parts.append("".join(current))
                current = []
            i = j
            continue
        if ch in OPEN_BRACKETS:
            depth += 1
        elif ch in CLOSE_BRACKETS and depth:
            depth -= 1
        if depth == 0 and ch in SEPARATORS:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
        i += 1
    parts.append("".join(current))
    return parts


def _next_fragment(text: str, pos: int) -> str:
    """The text from ``pos`` up to the next separator or white space."""
    end = pos
    while end < len(text) and not text[end].isspace() and text[end] not in SEPARATORS:
        end += 1
    return text[pos:end]


def _is_tail(fragment: str) -> bool:
    return fragment in _TAILS


def _is_complete(name: str) -> bool:
    return name.endswith(_ENDINGS) or name.endswith(tuple(CLOSE_BRACKETS))


def _shared_suffix(names: list[str]) -> str | None:
    """The generic suffix the last name ends with, if it is more than that."""
    if len(names) < 2:
        return None
    last = names[-1]
    for suffix in sorted(SHARED_SUFFIXES, key=len, reverse=True):
        if last.endswith(suffix) and len(last) > len(suffix):
            return suffix
    return None
