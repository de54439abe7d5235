"""Every list family on the site: 权责清单 of every department and generic lists beside the
assist lists, searchable, faceted and linked.

Built from folders written as the extraction writes them: the gold of 2021 and the invented
2023 version (assist), three departments' 权责清单 (``tests/powerversions.py``) and two
versions of one generic list; the expectations come from those inputs.
"""

from __future__ import annotations

import json
import sqlite3

import pytest

from pipeline import schema
from pipeline.review.diff import diff_versions
from pipeline.site import build_site
from pipeline.site.metadata import describe_site
from tests.goldversions import gold_notice, write_gold_version
from tests.powerversions import POWER_LISTS, power_notice, power_rows, write_power_version

POWER = {which: power_notice(which)["version"] for which in POWER_LISTS}
ASSIST = [gold_notice(y)["version"] for y in ("2021", "2023")]
#: Two versions of one generic list (a fee list revised: 乙 renamed, 丙 added).
GENERIC = {"2024-02-01_fees": [("甲", "行政事业性收费", "10元"), ("乙", "经营服务性收费", "5元")],
           "2024-10-01_fees": [("甲", "行政事业性收费", "10元"), ("乙二", "经营服务性收费", "6元"),
                               ("丙", "行政处罚没收款", "按规定")]}


def write_generic_version(root, version):
    fields = [("name", "收费项目"), ("category", "类别"), ("fee_standard", "收费标准")]
    columns = [{"position": 1, "field": "seq", "label": "序号", "role": "key"}]
    columns += [{"position": j + 2, "field": f, "label": label, "role": "text"}
                for j, (f, label) in enumerate(fields)]
    tables = {t.name: t for t in schema.generic_tables(columns)}
    rows = [{"seq": i + 1, **dict(zip([f for f, _ in fields], v, strict=True))}
            for i, v in enumerate(GENERIC[version])]
    frames = {name: t.frame(rows if name == "items" else []) for name, t in tables.items()}
    frames["columns"] = schema.COLUMNS.frame(columns)
    notice = {"version": version, "profile": "generic", "list_title": "某市收费清单",
              "item_count": len(rows)}
    from pipeline.output.write import write_tables

    return write_tables(frames, root / version, {"notice.json": notice})


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("extracted")
    write_gold_version(root, "2021")
    write_gold_version(root, "2023")
    for which in POWER_LISTS:
        write_power_version(root, which)
    for version in GENERIC:
        write_generic_version(root, version)
    notes = []
    db = build_site(root, tmp_path_factory.mktemp("site") / "lists.db", note=notes.append)
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    yield root, db, conn, notes
    conn.close()


def _rows(conn, sql, *params) -> list[tuple]:
    return [tuple(r) for r in conn.execute(sql, params)]


def _power_items() -> list[dict]:
    return [{**r, "version": POWER[w]} for w in POWER_LISTS for r in power_rows(w)["items"]]


def _metadata(db) -> dict:
    return json.loads(db.with_name("lists.metadata.json").read_text(encoding="utf-8"))


# --- tables ----------------------------------------------------------------------

def test_each_family_has_its_tables_prefixed_by_its_profile(site):
    _, _, conn, notes = site
    tables = {r[0] for r in conn.execute("select name from sqlite_master where type = 'table'")}
    assert {"items", "tasks", "citations", "departments", "columns", "changes"} <= tables
    assert {"power_items", "power_sub_items", "power_citations", "power_tasks",
            "power_columns", "generic_items", "generic_columns", "generic_changes"} <= tables
    assert "power_versions" not in tables and "generic_versions" not in tables
    assert len(notes) == 1 and "power (3 versions)" in notes[0]


def test_versions_name_every_version_with_its_family(site):
    _, _, conn, _ = site
    assert _rows(conn, "select version, profile from versions order by version") == sorted(
        [*((v, "assist") for v in ASSIST), *((v, "power") for v in POWER.values()),
         *((v, "generic") for v in GENERIC)])


def test_power_items_are_the_lists_items_keyed_by_version_and_row(site):
    _, _, conn, _ = site
    found = _rows(conn, "select version, sheet, row, seq, item_name, power_type, "
                        "exercising_body from power_items order by version, row")
    assert found == sorted(((r["version"], r["sheet"], r["row"], r["seq"], r["item_name"],
                             r["power_type"], r["exercising_body"]) for r in _power_items()),
                           key=lambda t: (t[0], t[2]))
    assert _rows(conn, "select count(*), count(distinct version || '/' || row) "
                       "from power_items") == [(8, 8)]
    # item ids in document order (序号 is text: "1", "2,3", "" do not sort as printed)
    assert _rows(conn, "select version, row from power_items order by item_id") == sorted(
        (r["version"], r["row"]) for r in _power_items())
    # the assist items keep their own ids and columns beside them
    assert _rows(conn, "select count(*) from items") == [(54,)]


def test_every_row_of_a_power_table_points_to_its_item(site):
    _, _, conn, _ = site
    for table in ("power_citations", "power_tasks", "power_sub_items"):
        orphans = _rows(conn, f"""select count(*) from "{table}" t
            left join power_items i on i.item_id = t.item_id
            where i.item_id is null or i.version != t.version or i.row != t.row""")
        assert orphans == [(0,)], table
    assert _rows(conn, "PRAGMA foreign_key_check") == []
    fks = {(r["from"], r["table"], r["to"]) for r in conn.execute(
        "PRAGMA foreign_key_list(power_citations)")}
    assert fks == {("item_id", "power_items", "item_id"), ("version", "versions", "version")}


def test_power_citations_are_the_parsers_rows(site):
    _, _, conn, _ = site
    expected = sorted((POWER[w], c["row"], c["field"], c["citation_no"], c["law_type"], c["law"],
                       c["article_ref"], c["article"], int(c["parsed"]))
                      for w in POWER_LISTS for c in power_rows(w)["citations"])
    assert _rows(conn, "select version, row, field, citation_no, law_type, law, article_ref, "
                       "article, parsed from power_citations order by 1, 2, 3, 4") == expected


def test_power_items_list_their_laws_and_law_types_for_facets(site):
    _, _, conn, _ = site
    for r in conn.execute("select version, row, laws, law_types from power_items"):
        which = next(w for w, v in POWER.items() if v == r["version"])
        cited = [c for c in power_rows(which)["citations"] if c["row"] == r["row"]]
        assert json.loads(r["laws"]) == list(dict.fromkeys(c["law"] for c in cited if c["law"]))
        assert json.loads(r["law_types"]) == list(dict.fromkeys(
            c["law_type"] for c in cited if c["law_type"]))


# --- search ------------------------------------------------------------------------

@pytest.mark.parametrize("word", ["行政处罚", "畜牧法", "生产经营"])
def test_a_search_finds_every_power_item_holding_the_word_across_every_list(site, word):
    _, _, conn, _ = site
    text = [c for c in power_rows("market")["items"][0] if c not in (
        "sheet", "row", "page_start", "page_end")]
    expected = {(r["version"], r["row"]) for r in _power_items()
                if any(word in str(r.get(c) or "") for c in text)}
    assert len({v for v, _ in expected}) >= 2 or word == "畜牧法"  # across departments' lists
    sql = ("select version, row from power_items where rowid in "
           "(select rowid from power_items_fts where power_items_fts match ?)")
    assert set(_rows(conn, sql, f'"{word}"')) == expected


#: Run in a child: importing Datasette installs tblib's exception pickling process-wide,
#: which the sandbox tests of this session must not inherit.
_FILTER = """
import asyncio, json, sqlite3, sys
from datasette.app import Datasette
from pipeline.site.plugin import filters_from_request

class Request:
    def __init__(self, word):
        self.args = {"_search": word}

db, table, word = sys.argv[1:]
ds = Datasette(immutables=[db])
args = asyncio.run(filters_from_request(Request(word), "lists", table, ds)())
where = " and ".join(args.where_clauses)
rows = sqlite3.connect(db).execute(f"select version, row from {table} where {where}",
                                   args.params).fetchall()
print(json.dumps(rows))
"""


def test_the_sites_search_filter_finds_short_words_in_power_items_too(site):
    """What ``?_search=`` runs (pipeline.site.plugin), for a word of two characters."""
    import subprocess
    import sys

    from tests.goldversions import ROOT

    _, db, _, _ = site
    run = subprocess.run([sys.executable, "-c", _FILTER, str(db), "power_items", "检查"],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    rows = {tuple(r) for r in json.loads(run.stdout)}
    expected = {(r["version"], r["row"]) for r in _power_items()
                if any("检查" in str(v or "") for k, v in r.items()
                       if k not in ("sheet", "row", "page_start", "page_end"))}
    assert rows == expected and expected


def test_search_every_list_finds_the_word_in_every_family(site):
    _, db, conn, _ = site
    sql = _metadata(db)["databases"]["lists"]["queries"]["search_every_list"]["sql"]
    rows = [dict(r) for r in conn.execute(sql, {"q": "行政处罚"})]
    power = {(r["version"], r["item_id"]) for r in rows if r["profile"] == "power"}
    ids = dict(((v, row), i) for i, v, row in _rows(conn, "select item_id, version, row "
                                                          "from power_items"))
    expected = {(r["version"], ids[(r["version"], r["row"])]) for r in _power_items()
                if any("行政处罚" in str(v or "") for v in r.values())}
    assert power == expected
    generic = [(r["version"], r["name"]) for r in rows if r["profile"] == "generic"]
    assert generic == [("2024-10-01_fees", "丙")]
    assert {r["items_table"] for r in rows} == {
        {"assist": "items", "power": "power_items", "generic": "generic_items"}[r["profile"]]
        for r in rows}
    assert {r["profile"] for r in rows} >= {"power", "generic"}


def test_canned_queries_on_power_lists(site):
    _, db, conn, _ = site
    queries = _metadata(db)["databases"]["lists"]["queries"]
    citing = [dict(r) for r in conn.execute(queries["power_items_citing_law"]["sql"],
                                            {"law": "畜牧法"})]
    assert {(r["version"], r["item_name"], r["field"]) for r in citing} == {
        (POWER["agriculture"], r["item_name"], f) for r in power_rows("agriculture")["items"]
        for f in ("basis", "responsibility_basis") if "畜牧法" in (r[f] or "")}
    first = next(r for r in citing if r["field"] == "basis")
    assert first["law_type"] == "法律" and first["articles"] == "第二十四条"
    laws = {(r["law_type"], r["law"]): (r["lists"], r["items"]) for r in conn.execute(
        queries["power_laws_cited"]["sql"])}
    assert laws[("法律", "中华人民共和国安全生产法")] == (1, 2)
    assert laws[("行政法规", "生产安全事故应急条例")] == (1, 2)
    assert laws[("法律", "中华人民共和国畜牧法")] == (1, 3)


# --- diffs: only between versions of one list -------------------------------------------

def test_diffs_pair_versions_of_the_same_list_only(site):
    root, _, conn, _ = site
    assert _rows(conn, "select count(*) from power_changes") == [(0,)]  # three lists, no pair
    versions = sorted(GENERIC)
    expected = diff_versions(root / versions[0], root / versions[1]).tables()["changes"]
    found = _rows(conn, "select old_version, new_version, change, old_seq, new_seq "
                        "from generic_changes")
    assert found == [(versions[0], versions[1], r.change,
                      None if r.old_seq is None or r.old_seq != r.old_seq else int(r.old_seq),
                      None if r.new_seq is None or r.new_seq != r.new_seq else int(r.new_seq))
                     for r in expected.astype(object).where(expected.notna(), None)
                     .itertuples()]
    assert found and _rows(conn, "select count(*) from changes where old_version = ?",
                           ASSIST[0])[0][0] > 0
    links = _rows(conn, """select count(*) from generic_changes c
        join generic_items n on n.item_id = c.new_item_id
        where n.version = c.new_version and n.seq = c.new_seq""")
    assert links == _rows(conn, "select count(*) from generic_changes where new_seq is not null")


# --- metadata ------------------------------------------------------------------------

def test_metadata_names_families_facets_and_printed_labels(site):
    _, db, _, _ = site
    metadata = _metadata(db)
    assert metadata == describe_site(db)
    tables = metadata["databases"]["lists"]["tables"]
    power = tables["power_items"]
    assert power["title"].endswith("清单事项 — power_items")
    assert power["facets"] == ["version", "power_type", "exercising_body",
                               {"array": "law_types"}, {"array": "laws"}]
    assert power["label_column"] == "item_name"
    assert power["columns"]["basis"] == "实施依据 — the printed column"
    assert power["columns"]["time_limit"] == "办理时限 — the printed column"
    assert tables["power_citations"]["facets"] == ["version", "law_type", "law", "field",
                                                   "parsed"]
    assert tables["power_items_fts"] == {"hidden": True}
    assert tables["versions"]["facets"] == ["profile"]
    home = metadata["description_html"]
    for items in ("items", "power_items", "generic_items"):
        assert f'action="lists/{items}"' in home
    assert 'id="site-search"' in home  # the assist family's box keeps its id


def test_site_build_prints_where_the_families_went(tmp_path):
    import subprocess
    import sys

    from tests.goldversions import ROOT

    write_power_version(tmp_path / "extracted", "market")
    db = tmp_path / "site" / "lists.db"
    run = subprocess.run([sys.executable, "-m", "pipeline.site", "build", "--extracted",
                          str(tmp_path / "extracted"), "--db", str(db)], cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == str(db)
    assert run.stderr.startswith("note: lists of families other than assist are under ")
    assert run.stderr.rstrip().endswith("power (1 version)")
    conn = sqlite3.connect(db)
    assert _rows(conn, "select count(*) from power_items") == [(2,)]
    assert "items" not in {r[0] for r in conn.execute(
        "select name from sqlite_master where type = 'table'")}
