"""Write a diff folder for reviewers: the change tables and a readable report.

    write_report(diff, out_dir, old_label=…, new_label=…) → None

``out_dir`` receives ``changes``, ``detail_changes`` and ``matches`` (each as
``NAME.parquet`` and ``NAME.csv`` in UTF-8 with BOM), ``report.md`` and
``report.html`` (self-contained: inline CSS, nothing fetched from anywhere),
all at once: the files are written into a temporary folder beside ``out_dir``
that then takes its name.

The report opens with one summary line (counts and the validation status of
both versions), collapses renumbering into ranges ("13–27 → 12–26"), then
shows each changed item with its changed text highlighted character by
character (Chinese has no spaces between words), tidied into readable runs;
citations are compared as law + article, departments as added/dropped, and
each item gives its PDF pages in both versions.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.output.write import write_tables

if TYPE_CHECKING:
    from pipeline.review.diff import Diff, Version

#: Files that mark a folder as a diff folder (one we may replace).
#: Unchanged lines of a long cell shown around a change; the rest is elided.
CONTEXT_LINES = 0
#: A cell of at most this many lines is shown whole.
SHORT_CELL_LINES = 3

#: Shown for a law cited without an article.
NO_ARTICLE = "（无条款）"


def write_report(diff: Diff, out_dir: Path, *, old_label: str | None = None,
                 new_label: str | None = None,
                 validation: Mapping[str, Mapping | None] | None = None) -> None:
    """Write the diff folder ``out_dir`` (see the module docstring).

    ``old_label``/``new_label`` name the versions in the report (default:
    their document numbers, else folder names).  ``validation`` overrides the
    validation.json read from each version folder: ``{"old": {...} | None,
    "new": {...} | None}`` (a dict with ``success``, or None: not validated).
    Raises ``PipelineError`` when ``out_dir`` exists but is not a folder we wrote
    (it is never replaced then), or cannot be written.
    """
    validation = dict(validation or {})
    view = _View(
        diff=diff,
        old_label=old_label or diff.old.label,
        new_label=new_label or diff.new.label,
        old_status=_status(validation.get("old", diff.old.validation)),
        new_status=_status(validation.get("new", diff.new.validation)),
    )
    blocks = _blocks(view)
    files = {"report.md": _markdown(view, blocks), "report.html": _html(view, blocks)}
    write_tables(diff.tables(), Path(out_dir), files)


# ------------------------------------------------------------------- model

@dataclass
class _View:
    diff: Diff
    old_label: str
    new_label: str
    old_status: str
    new_status: str


def _status(validation: Mapping | None) -> str:
    if not validation:
        return "not validated"
    success = validation.get("success")
    if success is True:
        return "validation passed"
    if success is False:
        return "validation FAILED"
    return "validation status unknown"


def _ranges(moves: list[tuple[int, int]]) -> list[tuple[int, int, int, int]]:
    """Collapse (old, new) seq moves into runs where both step by one."""
    runs: list[list[int]] = []
    for o, n in sorted(moves):
        if runs and o == runs[-1][1] + 1 and n == runs[-1][3] + 1:
            runs[-1][1], runs[-1][3] = o, n
        else:
            runs.append([o, o, n, n])
    return [tuple(r) for r in runs]


def _span(a: int, b: int) -> str:
    return str(a) if a == b else f"{a}–{b}"


def _pages(v: Version, seq: int | None) -> str:
    if seq is None:
        return "—"
    it = v.item(seq)
    a, b = it.get("page_start"), it.get("page_end")
    if a is None:
        return "no pages"
    return f"p. {_span(int(a), int(b if b is not None else a))}"


# ------------------------------------------------------ character diffs

def _chars(text: str | None) -> tuple[str, list[bool]]:
    """Text without white space, and for each character whether a line break
    preceded it (so a cell can be shown in its lines, but compared without
    white space: re-wrapped lines are not a change)."""
    out, breaks, brk = [], [], False
    for ch in text or "":
        if ch == "\n":
            brk = bool(out)
        elif not ch.isspace():
            out.append(ch)
            breaks.append(brk)
            brk = False
    return "".join(out), breaks


def _opcodes(a: str, b: str) -> list[tuple[str, int, int, int, int]]:
    """Character diff of ``a`` → ``b`` as ("=" | "~", i1, i2, j1, j2) runs,
    cleaned up as diff-match-patch's semantic cleanup does: an equal run no
    longer than the edits on both sides of it is folded into them, so that
    "第十十五条" → "第十五条" stays one small edit but a sentence rewritten around
    a few shared characters reads as one replaced run, not confetti."""
    ops: list[list] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        kind = "=" if tag == "equal" else "~"
        if ops and ops[-1][0] == kind == "~":
            ops[-1][2], ops[-1][4] = i2, j2
        else:
            ops.append([kind, i1, i2, j1, j2])
    changed = True
    while changed:
        changed = False
        for k in range(1, len(ops) - 1):
            eq, before, after = ops[k], ops[k - 1], ops[k + 1]
            if eq[0] != "=" or before[0] != "~" or after[0] != "~":
                continue
            n = eq[2] - eq[1]
            if (n <= max(before[2] - before[1], before[4] - before[3])
                    and n <= max(after[2] - after[1], after[4] - after[3])):
                ops[k - 1:k + 2] = [["~", before[1], after[2], before[3], after[4]]]
                changed = True
                break
    _slide_right(ops, a, b)
    return [tuple(o) for o in ops]


def _slide_right(ops: list[list], a: str, b: str) -> None:
    """Move each pure insertion or deletion as far right as the text allows,
    as git does: "第十十五条" → "第十五条" shows 第十<del>十</del>五条, not
    第<del>十</del>十五条."""
    k = 0
    while k < len(ops) - 1:
        op, nxt = ops[k], ops[k + 1]
        deletion, insertion = op[3] == op[4], op[1] == op[2]
        if op[0] != "~" or nxt[0] != "=" or deletion == insertion:
            k += 1
            continue
        text, first = (a, op[1]) if deletion else (b, op[3])
        nxt_first = nxt[1] if deletion else nxt[3]
        if nxt_first == (nxt[2] if deletion else nxt[4]) or text[first] != text[nxt_first]:
            k += 1
            continue
        # One step right: the equal run before grows, the one after shrinks.
        if k and ops[k - 1][0] == "=":
            ops[k - 1][2] += 1
            ops[k - 1][4] += 1
        else:
            ops.insert(k, ["=", op[1], op[1] + 1, op[3], op[3] + 1])
            k += 1
        for i in range(1, 5):
            op[i] += 1
        nxt[1] += 1
        nxt[3] += 1
        if nxt[1] == nxt[2]:
            del ops[k + 1]


@dataclass
class _Run:
    kind: str  # "=", "-", "+"
    text: str


def _diff_lines(old: str | None, new: str | None) -> list[list[_Run]]:
    """The character diff of two cells as display lines of runs.

    Equal text is laid out in the new cell's lines, deleted text in the old's.
    """
    a, abreaks = _chars(old)
    b, bbreaks = _chars(new)
    lines: list[list[_Run]] = [[]]

    def put(kind: str, text: str, breaks: list[bool]) -> None:
        for ch, brk in zip(text, breaks, strict=True):
            if brk and lines[-1]:
                lines.append([])
            if lines[-1] and lines[-1][-1].kind == kind:
                lines[-1][-1].text += ch
            else:
                lines[-1].append(_Run(kind, ch))

    for kind, i1, i2, j1, j2 in _opcodes(a, b):
        if kind == "=":
            put("=", b[j1:j2], bbreaks[j1:j2])
        else:
            put("-", a[i1:i2], abreaks[i1:i2])
            put("+", b[j1:j2], bbreaks[j1:j2])
    return [line for line in lines if line]


def _elide(lines: list[list[_Run]]) -> list[list[_Run] | int]:
    """Keep changed lines (and CONTEXT_LINES around them); replace each run of
    other lines by its count."""
    if len(lines) <= SHORT_CELL_LINES:
        return list(lines)
    hot = {i for i, line in enumerate(lines) if any(r.kind != "=" for r in line)}
    keep = {j for i in hot for j in range(i - CONTEXT_LINES, i + CONTEXT_LINES + 1)}
    out: list[list[_Run] | int] = []
    for i, line in enumerate(lines):
        if i in keep:
            out.append(line)
        elif out and isinstance(out[-1], int):
            out[-1] += 1
        else:
            out.append(1)
    return out


# ------------------------------------------------------- report blocks
# The report is built once as neutral blocks, then rendered as Markdown and
# as HTML, so that the two always say the same.

@dataclass
class _Block:
    kind: str      # "h2", "h3", "p", "list", "table", "diff", "details"
    text: str = ""
    rows: list | None = None
    head: list | None = None


# Inline text is a list of (style, text): style "" plain, "del", "ins", "b", "code".
def _plain(text: str) -> list[tuple[str, str]]:
    return [("", text)]


def _blocks(view: _View) -> list[_Block]:
    d = view.diff
    counts = d.counts()
    pairs = {(p.old_seq, p.new_seq): p for p in d.pairs}
    same = sorted((p for p in d.pairs if p.relation == "same"), key=lambda p: p.new_seq)
    out: list[_Block] = [_Block("summary", rows=[
        [("b", ", ".join(f"{n} {k}" for k, n in counts.items()))],
        [("", f" — {view.old_label}: {view.old_status}; "
              f"{view.new_label}: {view.new_status}")],
    ])]
    out.append(_Block("table", head=["", "version", "folder", "items", "source", "validation"],
                      rows=[[_plain(side), _plain(label), [("code", str(v.path))],
                             _plain(str(len(v.rows["items"]))),
                             _plain(str(v.notice.get("source_file") or "—")), _plain(status)]
                            for side, label, v, status in (
                                ("old", view.old_label, d.old, view.old_status),
                                ("new", view.new_label, d.new, view.new_status))]))

    removed = [p for p in d.pairs if p.new_seq is None or p.relation == "merged"]
    added = [p for p in d.pairs if p.old_seq is None or p.relation == "split"]
    out.append(_Block("h2", f"Removed ({counts['removed']})"))
    out.append(_Block("list", rows=[_unpaired_line(view, p, "old") for p in
                                    sorted(removed, key=lambda p: p.old_seq)] or [
        _plain("none")]))
    out.append(_Block("h2", f"Added ({counts['added']})"))
    out.append(_Block("list", rows=[_unpaired_line(view, p, "new") for p in
                                    sorted(added, key=lambda p: p.new_seq)] or [_plain("none")]))

    # A list without 序号 numbers its rows by position: a move is not a renumbering.
    moves = [(p.old_seq, p.new_seq) for p in same if p.old_seq != p.new_seq and d.new.keyed]
    changed_keys = {(r.old_seq, r.new_seq) for r in d.changes.itertuples()
                    if r.change == "changed"}
    out.append(_Block("h2", f"Renumbered ({counts['renumbered']} unchanged items; "
                            f"{len(moves)} items in all have another 序号)"))
    rows = []
    for o1, o2, n1, n2 in _ranges(moves):
        also = [f"{o}→{n}" for o, n in changed_keys if o1 <= o <= o2 and o != n]
        note = f" (also changed, below: {', '.join(sorted(also, key=_seq_key))})" if also else ""
        rows.append([("b", f"{_span(o1, o2)} → {_span(n1, n2)}"), ("", note)])
    out.append(_Block("list", rows=rows or [_plain("none")]))

    out.append(_Block("h2", f"Changed ({counts['changed']})"))
    for p in same:
        if (p.old_seq, p.new_seq) in changed_keys:
            out.extend(_changed_item(view, p))
    if not changed_keys:
        out.append(_Block("p", rows=[_plain("none")]))

    out.append(_Block("h2", "How items were matched"))
    out.append(_Block("p", rows=[_plain(_how_matched(d))]))
    out.append(_Block("details", text=f"All {len(pairs)} matching decisions", head=[
        "old", "new", "relation", "method", "score", "candidate", "name", "content", "tasks",
        "citations", "departments"], rows=[
        [_plain(_fmt(p.old_seq)), _plain(_fmt(p.new_seq)), _plain(p.relation),
         _plain(p.method or "—"), _plain(_fmt(p.score)), _plain(_fmt(p.candidate_seq)),
         *(_plain(_fmt(p.parts.get(k))) for k in ("name", "content", "tasks", "citations",
                                                  "departments"))]
        for p in sorted(d.pairs, key=lambda p: (p.old_seq is None, p.old_seq or 0,
                                                p.new_seq or 0))]))
    return out


def _how_matched(d: Diff) -> str:
    if not d.new.generic:
        return (f"Items are paired by name, then by a similarity of name, content, tasks, "
                f"citations and departments (pairs need ≥ {d.settings.min_score}); an item is "
                f"left unpaired rather than paired wrongly. Scores run from 0 to 1; for an "
                f"unpaired item, the best candidate on the other side and its score are shown.")
    keyed = d.old.keyed and d.new.keyed
    text = (f"Rows are paired when all their cells{' but 序号' if keyed else ''} are the same; "
            f"then by a code column present and unique in both versions, if the list has one; "
            f"then by a similarity of all their cells (pairs need ≥ {d.settings.min_score}; "
            f"rows whose codes differ are compared on the cells that differ from row to row "
            f"only, not on categories repeated over many rows)")
    if keyed:
        text += (f"; rows still unpaired that keep their 序号 are paired where that similarity "
                 f"reaches {d.settings.min_split_score}. 序号 only breaks ties: a row inserted "
                 f"or removed leaves the rows after it renumbered, not changed")
    else:
        text += ". The list prints no 序号: row numbers are positions, so moves are not reported"
    return " ".join([text + ". The rest are removed or added.", *d.notes])


def _seq_key(text: str) -> int:
    return int(text.split("→")[0])


def _fmt(v) -> str:
    if v is None:
        return "—"
    if isinstance(v, float):
        return f"{v:.2f}"
    return str(v)


def _unpaired_line(view: _View, p, side: str) -> list[tuple[str, str]]:
    d = view.diff
    v, seq = (d.old, p.old_seq) if side == "old" else (d.new, p.new_seq)
    line = [("b", f"{side} {seq}"), ("", f" {v.title(seq)} ({_pages(v, seq)})")]
    if p.relation == "merged":
        line.append(("", f" — merged into new {p.new_seq} (score {_fmt(p.score)})"))
    elif p.relation == "split":
        line.append(("", f" — split off old {p.old_seq} (score {_fmt(p.score)})"))
    elif p.candidate_seq is not None:
        other = "new" if side == "old" else "old"
        line.append(("", f" — closest {other} item {p.candidate_seq} scored {_fmt(p.score)},"
                         f" below {d.settings.min_score}"))
    return line


def _changed_item(view: _View, p) -> list[_Block]:
    d = view.diff
    old_it, new_it = d.old.item(p.old_seq), d.new.item(p.new_seq)
    rows = d.changes[(d.changes["change"] == "changed") & (d.changes["old_seq"] == p.old_seq)
                     & (d.changes["new_seq"] == p.new_seq)]
    fields = list(rows["field"])
    det = d.detail_changes
    det = det[(det["old_seq"] == p.old_seq) & (det["new_seq"] == p.new_seq)]
    name = d.new.title(p.new_seq)
    title = (f"{p.old_seq} → {p.new_seq} {name}" if p.old_seq != p.new_seq
             else f"{p.new_seq} {name}")
    labels = {**d.old.labels, **d.new.labels}
    parsed = {f: table for table, f in d.new.parsed_fields}
    out = [_Block("h3", title), _Block("p", rows=[_plain(
        f"old {_pages(d.old, p.old_seq)}, new {_pages(d.new, p.new_seq)} · paired by "
        f"{p.method}, score {_fmt(p.score)} · changed: "
        f"{', '.join(f'{labels.get(f, f)} ({f})' for f in fields)}")])]
    for f in fields:
        out.append(_Block("p", rows=[[("b", f"{labels.get(f, f)}")]]))
        table = parsed.get(f)
        sub = det[det["table"] == table] if table else det.iloc[0:0]
        if table == "citations" and len(sub):
            out.append(_citation_table(d, p, sub))
        elif table == "departments" and len(sub):
            out.append(_Block("list", rows=[
                [("del" if r.change == "removed" else "ins",
                  r.old_value if r.change == "removed" else r.new_value),
                 ("", " dropped" if r.change == "removed" else " added")]
                for r in sub.itertuples()]))
        elif table == "tasks" and len(sub):
            out.append(_Block("list", rows=[_task_line(r) for r in sub.itertuples()]))
        else:
            out.append(_Block("diff", rows=_elide(_diff_lines(old_it[f], new_it[f]))))
    return out


def _task_line(r) -> list[tuple[str, str]]:
    if r.change == "added":
        return [("b", "added:"), ("", " "), ("ins", r.new_value)]
    if r.change == "removed":
        return [("b", "removed:"), ("", " "), ("del", r.old_value)]
    return [("b", "edited:"), ("", " "), *_inline_diff(r.old_value, r.new_value)]


def _inline_diff(old: str, new: str) -> list[tuple[str, str]]:
    """One-line character diff as inline runs (plain where nothing changed)."""
    return [({"=": "", "-": "del", "+": "ins"}[x.kind], x.text)
            for line in _diff_lines(old, new) for x in line]


def _citation_table(d: Diff, p, sub) -> _Block:
    """All citations of the pair as law + article: unchanged, edited, added, removed."""
    import pandas as pd

    def cit(v: Version, seq: int, no) -> dict:
        if no is None or pd.isna(no):
            return {}
        return next(r for r in v.rows["citations"] if r["seq"] == seq and r["citation_no"] == no)

    def law(c: dict) -> str:
        return f"《{c['law']}》" + (f"（{c['note']}）" if c.get("note") else "")

    touched_new = {int(x) for x in sub["new_no"].dropna()}
    rows = []
    events = []
    for r in sub.itertuples():
        o, n = cit(d.old, p.old_seq, r.old_no), cit(d.new, p.new_seq, r.new_no)
        pos = (int(r.new_no) if not pd.isna(r.new_no) else int(r.old_no) - 0.5)
        events.append((pos, r.change, o, n))
    for c in d.new.rows["citations"]:
        if c["seq"] == p.new_seq and c["citation_no"] not in touched_new:
            events.append((c["citation_no"], "unchanged", c, c))
    for _, change, o, n in sorted(events, key=lambda e: e[0]):
        ref_o, ref_n = o.get("article_ref") or NO_ARTICLE, n.get("article_ref") or NO_ARTICLE
        if change == "changed":
            rows.append([_inline_diff(law(o), law(n)), _plain(ref_o),
                         _inline_diff(ref_o, ref_n), _plain("edited")])
        elif change == "added":
            rows.append([_plain(law(n)), _plain("—"), [("ins", ref_n)], _plain("added")])
        elif change == "removed":
            rows.append([_plain(law(o)), [("del", ref_o)], _plain("—"), _plain("removed")])
        else:
            rows.append([_plain(law(n)), _plain(ref_o), _plain(ref_n), _plain("unchanged")])
    return _Block("table", head=["法规 (law)", "old article", "new article", ""], rows=rows)


# -------------------------------------------------------------- Markdown

_MD_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]|#"})


def _md_text(text: str) -> str:
    return html.escape(text, quote=False).translate(_MD_SPECIAL)


def _md_inline(runs: list[tuple[str, str]]) -> str:
    out = []
    for style, text in runs:
        t = _md_text(text)
        if not t:
            continue
        out.append({"": t, "b": f"**{t}**" if t.strip() else t, "code": f"`{text}`",
                    "del": f"<del>{t}</del>", "ins": f"<ins>{t}</ins>"}[style])
    return "".join(out)


def _md_diff(lines: list) -> str:
    out = []
    for line in lines:
        if isinstance(line, int):
            out.append(f"> … {line} unchanged line{'s' if line > 1 else ''} …")
        else:
            out.append("> " + _md_inline([({"=": "", "-": "del", "+": "ins"}[r.kind], r.text)
                                          for r in line]))
    return "  \n".join(out)


def _markdown(view: _View, blocks: list[_Block]) -> str:
    out = [f"# Changes: {_md_text(view.old_label)} → {_md_text(view.new_label)}", ""]
    for b in blocks:
        if b.kind == "summary":
            out += [_md_inline([r for row in b.rows for r in row]), ""]
        elif b.kind == "h2":
            out += [f"## {_md_text(b.text)}", ""]
        elif b.kind == "h3":
            out += [f"### {_md_text(b.text)}", ""]
        elif b.kind == "p":
            out += [_md_inline([r for row in b.rows for r in row]), ""]
        elif b.kind == "list":
            out += [f"- {_md_inline(row)}" for row in b.rows] + [""]
        elif b.kind in ("table", "details"):
            if b.kind == "details":
                out += [f"{_md_text(b.text)}:", ""]
            out.append("| " + " | ".join(_md_text(h) for h in b.head) + " |")
            out.append("|" + "---|" * len(b.head))
            out += ["| " + " | ".join(_md_inline(c) for c in row) + " |" for row in b.rows]
            out.append("")
        elif b.kind == "diff":
            out += [_md_diff(b.rows), ""]
    out.append("Tables: `changes.csv` (one row per change), `detail_changes.csv` (tasks, "
               "citations and departments), `matches.csv` (every pairing and its score).")
    return "\n".join(out) + "\n"


# ------------------------------------------------------------------ HTML

_CSS = """
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",
sans-serif;margin:2em auto;max-width:70em;padding:0 1em;line-height:1.6;color:#222}
h1{font-size:1.5em}h2{font-size:1.25em;border-bottom:1px solid #ccc;margin-top:2em}
h3{font-size:1.05em;margin-top:1.5em}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:.2em .5em;
vertical-align:top;text-align:left}th{background:#f3f3f3}
del{background:#fdd;color:#900;text-decoration:line-through}
ins{background:#dfd;color:#060;text-decoration:none}
.diff{border-left:3px solid #ccc;padding:.2em .8em;margin:.3em 0;white-space:normal}
.elided{color:#888;font-style:italic}.summary{font-size:1.1em}
code{background:#f6f6f6;padding:0 .2em}
"""


def _h_inline(runs: list[tuple[str, str]]) -> str:
    out = []
    for style, text in runs:
        t = html.escape(text)
        out.append({"": t, "b": f"<b>{t}</b>", "code": f"<code>{t}</code>",
                    "del": f"<del>{t}</del>", "ins": f"<ins>{t}</ins>"}[style])
    return "".join(out)


def _h_table(head: list[str], rows: list) -> str:
    h = "".join(f"<th>{html.escape(x)}</th>" for x in head)
    body = "".join("<tr>" + "".join(f"<td>{_h_inline(c)}</td>" for c in row) + "</tr>"
                   for row in rows)
    return f"<table><thead><tr>{h}</tr></thead><tbody>{body}</tbody></table>"


def _html(view: _View, blocks: list[_Block]) -> str:
    title = html.escape(f"Changes: {view.old_label} → {view.new_label}")
    out = ["<!DOCTYPE html>", '<html lang="zh-CN"><head><meta charset="utf-8">',
           f"<title>{title}</title><style>{_CSS}</style></head><body>", f"<h1>{title}</h1>"]
    for b in blocks:
        if b.kind == "summary":
            out.append(f'<p class="summary">{_h_inline([r for row in b.rows for r in row])}</p>')
        elif b.kind in ("h2", "h3"):
            out.append(f"<{b.kind}>{html.escape(b.text)}</{b.kind}>")
        elif b.kind == "p":
            out.append(f"<p>{_h_inline([r for row in b.rows for r in row])}</p>")
        elif b.kind == "list":
            out.append("<ul>" + "".join(f"<li>{_h_inline(r)}</li>" for r in b.rows) + "</ul>")
        elif b.kind == "table":
            out.append(_h_table(b.head, b.rows))
        elif b.kind == "details":
            out.append(f"<details><summary>{html.escape(b.text)}</summary>"
                       f"{_h_table(b.head, b.rows)}</details>")
        elif b.kind == "diff":
            lines = []
            for line in b.rows:
                if isinstance(line, int):
                    lines.append(f'<span class="elided">… {line} unchanged '
                                 f'line{"s" if line > 1 else ""} …</span>')
                else:
                    lines.append(_h_inline([({"=": "", "-": "del", "+": "ins"}[r.kind], r.text)
                                            for r in line]))
            out.append('<div class="diff">' + "<br>".join(lines) + "</div>")
    out.append("<p>Tables: <code>changes.csv</code>, <code>detail_changes.csv</code>, "
               "<code>matches.csv</code> (and Parquet) beside this report.</p>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"
