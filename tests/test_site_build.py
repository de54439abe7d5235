"""The site database holds exactly the dataset, linked, indexed and described.

Built from the gold of the 2021 notice and the invented 2023 version (written as
extracted folders by ``tests/goldversions.py``), so every expected figure comes
from the gold, the dataset or ``pipeline.review.diff`` itself.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3

import pandas as pd
import pytest

from pipeline import schema
from pipeline.errors import PipelineError
from pipeline.review.diff import diff_versions
from pipeline.site import build_site
from pipeline.site.metadata import describe_site
from tests.goldtables import FIXTURES, GOLD_2021, GOLD_2023, SHARED, gold_frames, load_gold
from tests.goldversions import ROOT, gold_notice, write_gold_version

V2021 = gold_notice("2021")["version"]
V2023 = gold_notice("2023")["version"]
GOLD = {V2021: GOLD_2021, V2023: GOLD_2023}
SOURCE_DIRS = [ROOT / "raw", FIXTURES]
TEXT_FIELDS = ["name", "content", "tasks_text", "basis_text", "department_text", "remarks"]
SQL_TYPES = {"int": "INTEGER", "str": "TEXT", "float": "REAL"}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("extracted")
    write_gold_version(root, "2023")
    write_gold_version(root, "2021")
    db = build_site(root, tmp_path_factory.mktemp("site") / "lists.db", SOURCE_DIRS)
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    yield root, db, conn
    conn.close()


def _gold_items() -> pd.DataFrame:
    frames = []
    for version, path in GOLD.items():
        items = gold_frames(load_gold(path))["items"]
        frames.append(items.assign(version=version))
    return pd.concat(frames, ignore_index=True)


def _containing(word: str) -> set[tuple[str, int]]:
    items = _gold_items()
    hit = items[TEXT_FIELDS].apply(lambda col: col.str.contains(word, regex=False)).any(axis=1)
    return set(zip(items.loc[hit, "version"], items.loc[hit, "seq"], strict=True))


def _rows(conn, sql, *params) -> list[tuple]:
    return [tuple(r) for r in conn.execute(sql, params)]


def test_every_dataset_table_has_its_rows_per_version(site):
    root, _, conn = site
    dataset = root / "dataset"
    for table in (*schema.EXTRACTION_TABLES, schema.VERSIONS):
        if not (dataset / table.name).is_dir():
            continue  # a table the schema states but this pipeline version does not write
        expected = (pd.read_parquet(dataset / table.name)["version"].astype(str)
                    .value_counts().sort_index())
        found = dict(_rows(conn, f'select version, count(*) from "{table.name}" '
                                 "group by version order by version"))
        assert found == expected.to_dict(), table.name
    assert dict(_rows(conn, "select version, count(*) from items group by version")) == {
        V2021: 27, V2023: 27}


def test_the_rows_are_the_datasets_rows_value_for_value(site):
    root, _, conn = site
    for table in schema.EXTRACTION_TABLES:
        if not (root / "dataset" / table.name).is_dir():
            continue
        order = ["version", *table.key]
        expected = pd.read_parquet(root / "dataset" / table.name)
        expected = expected.assign(version=expected["version"].astype(str)).sort_values(
            order, ignore_index=True)
        found = pd.read_sql(f'select * from "{table.name}" order by {", ".join(order)}', conn)
        assert found["version"].tolist() == expected["version"].tolist(), table.name
        pd.testing.assert_frame_equal(table.conform(found), table.conform(expected),
                                      obj=table.name)


def test_columns_have_the_schemas_sql_types_and_values_of_that_type(site):
    _, _, conn = site
    for table in (*schema.EXTRACTION_TABLES, schema.VERSIONS, *schema.DIFF_TABLES):
        declared = {r["name"]: r["type"] for r in conn.execute(
            f'PRAGMA table_info("{table.name}")')}
        if not declared:
            continue
        for column in table.columns:
            if column.name not in declared:
                continue
            assert declared[column.name] == SQL_TYPES[column.type], (table.name, column.name)
            kinds = {k for (k,) in conn.execute(
                f'select distinct typeof("{column.name}") from "{table.name}"')}
            assert kinds <= {SQL_TYPES[column.type].lower(), "null"}, (table.name, column.name)


def test_items_are_keyed_by_version_and_seq_and_every_row_points_to_its_item(site):
    _, _, conn = site
    assert _rows(conn, "select count(*), count(distinct version || '/' || seq) from items") \
        == [(54, 54)]
    for table in ("tasks", "citations", "departments"):
        orphans = _rows(conn, f"""select count(*) from "{table}" t
            left join items i on i.item_id = t.item_id
            where i.item_id is null or i.version != t.version or i.seq != t.seq""")
        assert orphans == [(0,)], table
    assert _rows(conn, "PRAGMA foreign_key_check") == []
    fks = {(r["from"], r["table"], r["to"]) for r in conn.execute(
        "PRAGMA foreign_key_list(tasks)")}
    assert fks == {("item_id", "items", "item_id"), ("version", "versions", "version")}


def test_items_list_their_departments_and_laws_for_facets(site):
    _, _, conn = site
    gold = {}
    for version, path in GOLD.items():
        for item in load_gold(path)["items"]:
            gold[(version, item["seq"])] = (
                item["departments"], list(dict.fromkeys(b["law"] for b in item["basis"])))
    found = {(r["version"], r["seq"]): (json.loads(r["departments"]), json.loads(r["laws"]))
             for r in conn.execute("select version, seq, departments, laws from items")}
    assert found == gold


def test_diff_tables_are_pipeline_diff_between_consecutive_versions(site):
    root, _, conn = site
    diff = diff_versions(root / V2021, root / V2023)
    for name, expected in diff.tables().items():
        found = pd.read_sql(f'select * from "{name}"', conn)
        assert set(found["old_version"]) <= {V2021} and set(found["new_version"]) <= {V2023}
        found = schema.TABLES[name].conform(found)
        pd.testing.assert_frame_equal(found, expected.reset_index(drop=True), obj=name,
                                      check_dtype=False)
    summary = dict(_rows(conn, "select change, count(*) from changes group by change"))
    expected_diff = json.loads((SHARED / "expected-diff-2021-to-2023.json").read_text())
    assert summary["added"] == len(expected_diff["added"])
    assert summary["removed"] == len(expected_diff["removed"])
    # a change row links both items: old_seq in the old version, new_seq in the new one
    links = _rows(conn, """select count(*) from changes c
        join items o on o.item_id = c.old_item_id join items n on n.item_id = c.new_item_id
        where o.version = c.old_version and o.seq = c.old_seq
          and n.version = c.new_version and n.seq = c.new_seq""")
    both = _rows(conn, "select count(*) from changes where old_seq is not null "
                       "and new_seq is not null")
    assert links == both and both[0][0] > 0


@pytest.mark.parametrize("word", ["公安", "民政", "安全生产", "社会救助", "噪声"])
def test_text_search_finds_every_item_holding_the_word(site, word):
    """SQL level: trigram FTS for 3+ characters, the table scan the site uses for fewer."""
    _, _, conn = site
    expected = _containing(word)
    assert expected, word  # the gold has the word somewhere
    if len(word) >= 3:
        sql = ("select version, seq from items where item_id in "
               "(select rowid from items_fts where items_fts match ?)")
        found = set(_rows(conn, sql, f'"{word}"'))
    else:
        where = " or ".join(f"{c} like ?" for c in TEXT_FIELDS)
        found = set(_rows(conn, f"select version, seq from items where {where}",
                          *[f"%{word}%"] * len(TEXT_FIELDS)))
        # why the fallback: the trigram index cannot find two characters
        assert _rows(conn, "select rowid from items_fts where items_fts match ?",
                     f'"{word}"') == []
    assert found == expected


def test_each_searchable_table_has_a_trigram_index_of_its_text(site):
    _, _, conn = site
    for table, column, word in (("tasks", "text", "安全生产"), ("citations", "law", "安全生产法"),
                                ("departments", "department", "应急管理")):
        sql = f"""select count(*) from "{table}" where rowid in
            (select rowid from "{table}_fts" where "{table}_fts" match ?)"""
        expected = _rows(conn, f'select count(*) from "{table}" where instr("{column}", ?) > 0',
                         word)
        assert _rows(conn, sql, f'"{word}"') == expected and expected[0][0] > 0
    tokenizer = _rows(conn, "select sql from sqlite_master where name = 'items_fts'")[0][0]
    assert "trigram" in tokenizer


def test_versions_link_their_source_file_copied_by_sha256(site):
    _, db, conn = site
    for version, source_path, sha in _rows(
            conn, "select version, source_path, source_sha256 from versions"):
        assert source_path == f"sources/{sha}.pdf", version
        copy = db.parent / source_path
        assert hashlib.sha256(copy.read_bytes()).hexdigest() == sha


def test_a_source_file_not_found_leaves_the_link_empty(tmp_path):
    write_gold_version(tmp_path / "extracted", "2021")
    db = build_site(tmp_path / "extracted", tmp_path / "site" / "lists.db", [tmp_path])
    assert _rows(sqlite3.connect(db), "select source_path from versions") == [(None,)]
    assert not (tmp_path / "site" / "sources").exists()


def test_metadata_labels_come_from_the_schema(site):
    _, db, _ = site
    metadata = json.loads(db.with_name("lists.metadata.json").read_text(encoding="utf-8"))
    assert metadata == describe_site(db)
    tables = metadata["databases"]["lists"]["tables"]
    for table in (*schema.EXTRACTION_TABLES, schema.VERSIONS, *schema.DIFF_TABLES):
        if table.name not in tables:
            continue
        described = tables[table.name]
        assert described["title"].startswith(table.label)
        for column in table.columns:
            if column.name in described["columns"]:
                assert described["columns"][column.name] == \
                    f"{column.label} — {column.description}"
    assert tables["items"]["columns"]["version"].startswith("版本")
    assert tables["items"]["facets"] == ["version", {"array": "departments"},
                                         {"array": "laws"}]
    assert "department" in tables["departments"]["facets"]
    assert "law" in tables["citations"]["facets"]
    assert tables["items_fts"] == {"hidden": True}
    assert tables["items"]["label_column"] == "name"
    assert set(metadata["databases"]["lists"]["queries"]) == {
        "search_every_list", "tasks_per_department", "departments_changed", "items_citing_law"}


def _query(site, name: str, **params) -> list[sqlite3.Row]:
    _, db, conn = site
    metadata = json.loads(db.with_name("lists.metadata.json").read_text(encoding="utf-8"))
    return list(conn.execute(metadata["databases"]["lists"]["queries"][name]["sql"], params))


def test_canned_query_tasks_per_department_defaults_to_the_latest_version(site):
    g = gold_frames(load_gold(GOLD_2023))
    joined = g["tasks"].merge(g["departments"], on="seq")
    expected = joined.groupby("department").size()
    for version in ("", V2023):
        rows = _query(site, "tasks_per_department", version=version)
        assert {r["version"] for r in rows} == {V2023}
        assert {r["department"]: r["tasks"] for r in rows} == expected.to_dict()
    older = _query(site, "tasks_per_department", version=V2021)
    assert {r["version"] for r in older} == {V2021}


def test_canned_query_departments_changed_matches_the_gold(site):
    old = {i["seq"]: set(i["departments"]) for i in load_gold(GOLD_2021)["items"]}
    new = {i["seq"]: set(i["departments"]) for i in load_gold(GOLD_2023)["items"]}
    pairs = json.loads((SHARED / "expected-diff-2021-to-2023.json").read_text())["pairs"]
    expected = {(int(o), n) for o, n in pairs.items() if old[int(o)] != new[n]}
    assert expected  # the invented version changes some departments
    rows = _query(site, "departments_changed", old_version="", new_version="")
    assert {(r["old_seq"], r["new_seq"]) for r in rows} == expected
    for r in rows:
        removed = set(r["removed"].split("、")) if r["removed"] else set()
        added = set(r["added"].split("、")) if r["added"] else set()
        assert removed == old[r["old_seq"]] - new[r["new_seq"]]
        assert added == new[r["new_seq"]] - old[r["old_seq"]]
    assert _query(site, "departments_changed", old_version=V2021, new_version=V2023) == rows


def test_canned_query_items_citing_a_law(site):
    expected = {(version, item["seq"]) for version, path in GOLD.items()
                for item in load_gold(path)["items"]
                if any("安全生产法" in b["law"] for b in item["basis"])}
    rows = _query(site, "items_citing_law", law="安全生产法")
    assert {(r["version"], r["seq"]) for r in rows} == expected and expected


def test_a_root_without_versions_is_an_error_and_leaves_no_database(tmp_path):
    with pytest.raises(PipelineError, match="no extracted version"):
        build_site(tmp_path, tmp_path / "site" / "lists.db")
    assert not (tmp_path / "site" / "lists.db").exists()


def test_a_rebuild_replaces_the_database(site, tmp_path):
    root, _, _ = site
    db = tmp_path / "lists.db"
    build_site(root, db, SOURCE_DIRS)
    first = _rows(sqlite3.connect(db), "select count(*) from items")
    build_site(root, db, SOURCE_DIRS)
    assert _rows(sqlite3.connect(db), "select count(*) from items") == first == [(54,)]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lists.db", "lists.metadata.json",
                                                          "sources"]


def test_a_table_with_columns_the_schema_does_not_know_is_built_from_its_own_columns(
        tmp_path):
    """A later profile may give items other columns: the site takes what the folder has."""
    from pipeline.site import build as site_build

    tables = {"versions": pd.DataFrame({"version": ["v1"], "doc_no": ["x"]}),
              "items": pd.DataFrame({"version": ["v1", "v1"], "seq": [1, 2],
                                     "owner": ["公安部门", "民政部门"], "weight": [0.5, 1.5]})}
    family = site_build._Family("assist", "", {"items": tables["items"]})
    site_build._number_items(family)
    site_build._write_database(tables["versions"], {"items": (family, tables["items"])},
                               tmp_path / "lists.db")
    conn = sqlite3.connect(tmp_path / "lists.db")
    types = {r[1]: r[2] for r in conn.execute("PRAGMA table_info(items)")}
    assert types == {"item_id": "INTEGER", "version": "TEXT", "seq": "INTEGER",
                     "owner": "TEXT", "weight": "REAL"}
    assert _rows(conn, "select rowid from items_fts where items_fts match '\"民政部\"'") == [(2,)]
