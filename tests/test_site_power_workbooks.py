"""权责清单 workbooks of three departments, read by the real chain (power profile), in the
dataset and on the site: one read gets every list, a search for 行政处罚 finds the penalty
items of every department's list, facets and questions work on what was extracted.

The workbooks are generated with their gold (``tests.render.power``), one layout each: a
workbook split by power type over sheets (.xlsx), odd 序号 (binary .xls), extra columns.
"""

from __future__ import annotations

import json
import sqlite3

import pandas as pd
import pytest

from pipeline.extract import run
from pipeline.output.dataset import build_dataset
from pipeline.output.write import write_tables
from pipeline.site import build_site
from tests.render.power import KNOWN, VARIANTS, gold_of, make_list, squash
from tests.render.power_files import write_xls, write_xlsx

#: department → (layout variant, writer, file suffix)
DEPARTMENTS = {"应急管理局": ("sheets_by_type", write_xlsx, "xlsx"),
               "农业农村局": ("odd_seqs", write_xls, "xls"),
               "住房和城乡建设局": ("extra_columns", write_xlsx, "xlsx")}


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """The extracted root (one version folder per department's list) and each
    version's gold, by version."""
    published = tmp_path_factory.mktemp("published")
    root = tmp_path_factory.mktemp("project") / "extracted"
    golds = {}
    for k, (department, (variant, write, suffix)) in enumerate(DEPARTMENTS.items()):
        plist = make_list(VARIANTS[variant], seed=k)
        plist.title = f"某市{department}权责清单"
        path = published / f"{department}.{suffix}"
        write(plist, path)
        extraction = run(path)
        assert extraction.notice["profile"] == "power"
        version = extraction.notice["version"]
        write_tables(extraction.frames(), root / version, {"notice.json": extraction.notice})
        golds[version] = gold_of(plist)
    return root, golds


@pytest.fixture(scope="module")
def site(extracted, tmp_path_factory):
    root, _ = extracted
    db = build_site(root, tmp_path_factory.mktemp("site") / "lists.db")
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    yield db, conn
    conn.close()


def _gold_items(golds) -> list[dict]:
    return [{**item, "version": version} for version, gold in golds.items()
            for item in gold["items"]]


def test_one_read_of_the_dataset_gets_every_departments_list(extracted):
    root, golds = extracted
    out = build_dataset(root)
    items = pd.read_parquet(out / "power" / "items").astype({"version": str})
    for version, gold in golds.items():
        mine = items[items["version"] == version]
        assert [squash(n) for n in mine["item_name"]] == [squash(i["item_name"])
                                                          for i in gold["items"]]
        assert mine["seq"].tolist() == [i["seq"] for i in gold["items"]]
        # a list's own columns are kept (null in the lists that do not print them)
        extras = [f for f in gold["fields"] if f not in ("sheet", "row", "seq", *KNOWN)]
        assert [[squash(v) for v in mine[f]] for f in extras] == [
            [squash(i[f]) for i in gold["items"]] for f in extras]
    own = {f for g in golds.values() for f in g["fields"]} - {"sheet", "row", "seq", *KNOWN}
    assert len(own) > 1 and own <= set(items.columns)
    citations = pd.read_parquet(out / "power" / "citations").astype({"version": str})
    for version, gold in golds.items():
        mine = citations[(citations["version"] == version) & (citations["field"] == "basis")]
        assert [(r.row, r.law_type, r.law, r.article_ref) for r in mine.itertuples()] == [
            (c["row"], c["law_type"], c["law"], c["article_ref"]) for c in gold["citations"]]


def test_a_search_for_xingzheng_chufa_finds_the_penalties_of_every_departments_list(site,
                                                                                  extracted):
    db, conn = site
    _, golds = extracted
    fields = ["seq", *KNOWN]
    expected = {(i["version"], i["row"]) for i in _gold_items(golds)
                if any("行政处罚" in squash(i.get(f)) for f in fields)}
    assert len({v for v, _ in expected}) == len(DEPARTMENTS)
    found = {(r["version"], r["row"]) for r in conn.execute(
        "select version, row from power_items where rowid in (select rowid from "
        "power_items_fts where power_items_fts match ?)", ['"行政处罚"'])}
    assert expected <= found  # (other columns may hold it too)
    everywhere = json.loads(db.with_name("lists.metadata.json").read_text(encoding="utf-8"))
    sql = everywhere["databases"]["lists"]["queries"]["search_every_list"]["sql"]
    rows = [dict(r) for r in conn.execute(sql, {"q": "行政处罚"})]
    assert {r["list_title"] for r in rows} == {f"某市{d}权责清单" for d in DEPARTMENTS}


def test_facets_and_questions_work_on_the_extracted_lists(site, extracted):
    db, conn = site
    _, golds = extracted
    metadata = json.loads(db.with_name("lists.metadata.json").read_text(encoding="utf-8"))
    tables = metadata["databases"]["lists"]["tables"]
    assert tables["power_items"]["title"].startswith("权责清单")
    types = dict(conn.execute("select power_type, count(*) from power_items group by 1"))
    gold_types: dict[str, int] = {}
    for i in _gold_items(golds):
        gold_types[i["power_type"]] = gold_types.get(i["power_type"], 0) + 1
    assert types == gold_types
    law = next(c["law"] for g in golds.values() for c in g["citations"])
    citing = [dict(r) for r in conn.execute(
        metadata["databases"]["lists"]["queries"]["power_items_citing_law"]["sql"],
        {"law": law})]
    expected = {(v, c["row"]) for v, g in golds.items() for c in g["citations"]
                if c["law"] == law}
    ids = {(r["version"], r["row"]): r["item_id"] for r in conn.execute(
        "select version, row, item_id from power_items")}
    assert {r["item_id"] for r in citing if r["field"] == "basis"} == {ids[k] for k in expected}
    # items carry their laws' types for the facet (basis and responsibility_basis cited)
    for version, row, law_types in conn.execute("select version, row, law_types "
                                                "from power_items"):
        cited = [c["law_type"] for c in golds[version]["citations"] if c["row"] == row]
        assert set(cited) <= set(json.loads(law_types))


def test_two_versions_of_one_departments_list_are_diffed_and_linked(tmp_path):
    """A revision of one department's list (an item renamed) is diffed on the site
    against its earlier version, never against another department's list."""
    import copy

    from pipeline.review.diff import diff_versions

    root = tmp_path / "extracted"
    old = make_list(VARIANTS["merged_label"], seed=7)
    old.title = "某市应急管理局权责清单"
    new = copy.deepcopy(old)
    new.sheets[0].items[1].cells["item_name"] += "（含临时许可）"
    other = make_list(VARIANTS["title_row"], seed=8)
    other.title = "某市农业农村局权责清单"
    versions = []
    for name, plist in (("2024", old), ("2025", new), ("other", other)):
        extraction = run(write_xlsx(plist, tmp_path / f"{name}.xlsx"))
        versions.append(extraction.notice["version"])
        write_tables(extraction.frames(), root / versions[-1],
                     {"notice.json": extraction.notice})
    conn = sqlite3.connect(build_site(root, tmp_path / "site" / "lists.db"))
    first, second = sorted(versions[:2])  # (workbooks carry no date: versions by name)
    expected = diff_versions(root / first, root / second).tables()["changes"]
    found = conn.execute("select old_version, new_version, change, field, old_seq, new_seq "
                         "from power_changes").fetchall()
    assert found == [(first, second, r.change, r.field, int(r.old_seq), int(r.new_seq))
                     for r in expected.itertuples()]
    assert [(c, f) for _, _, c, f, _, _ in found] == [("changed", "item_name")]
    linked = conn.execute("""select o.row, n.row, o.item_name, n.item_name from power_changes c
        join power_items o on o.item_id = c.old_item_id
        join power_items n on n.item_id = c.new_item_id""").fetchall()
    assert [(o, n) for o, n, _, _ in linked] == [(2, 2)]
    assert {linked[0][2], linked[0][3]} == {old.sheets[0].items[1].cells["item_name"],
                                            new.sheets[0].items[1].cells["item_name"]}
