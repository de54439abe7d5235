"""Every list family in the dataset: 权责清单 and generic lists beside the assist lists.

Built from folders written as the extraction writes them: the gold of the 2021 notice
(assist), three departments' 权责清单 (``tests/powerversions.py``) and two generic lists
with columns of their own.  Expected figures come from those inputs.
"""

from __future__ import annotations

import re
import shutil

import duckdb
import pandas as pd
import pytest

from pipeline import schema
from pipeline.errors import PipelineError
from pipeline.output.dataset import build_dataset
from pipeline.output.write import write_tables
from tests.goldversions import ROOT, gold_notice, write_gold_version
from tests.powerversions import FIELDS, POWER_LISTS, power_notice, power_rows, write_power_version

V2021 = gold_notice("2021")["version"]
POWER = {which: power_notice(which)["version"] for which in POWER_LISTS}
DOCS = ROOT / "docs" / "dataset.md"

#: Two generic lists, each printing columns of its own.
GENERIC = {
    "2024-02-01_fees": ([("name", "收费项目"), ("category", "类别"), ("fee_standard", "收费标准")],
                        [["甲", "行政事业性收费", "10元"], ["乙", "经营服务性收费", "5元"]]),
    "2024-09-01_codes": ([("name", "事项名称"), ("code", "事项编码"), ("remarks", "备注")],
                         [["丙", "A-1", ""]]),
}


def write_generic_version(root, version):
    fields, values = GENERIC[version]
    columns = [{"position": 1, "field": "seq", "label": "序号", "role": "key"}]
    columns += [{"position": j + 2, "field": f, "label": label, "role": "text"}
                for j, (f, label) in enumerate(fields)]
    tables = {t.name: t for t in schema.generic_tables(columns)}
    rows = [{"seq": i + 1, **dict(zip([f for f, _ in fields], v, strict=True))}
            for i, v in enumerate(values)]
    frames = {name: t.frame(rows if name == "items" else []) for name, t in tables.items()}
    frames["columns"] = schema.COLUMNS.frame(columns)
    notice = {"version": version, "profile": "generic", "list_title": f"清单{version}",
              "item_count": len(rows)}
    return write_tables(frames, root / version, {"notice.json": notice})


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    """An extracted root: the 2021 assist list, three 权责清单 and two generic lists."""
    root = tmp_path_factory.mktemp("project") / "extracted"
    write_gold_version(root, "2021")
    for which in POWER_LISTS:
        write_power_version(root, which)
    for version in GENERIC:
        write_generic_version(root, version)
    return root


@pytest.fixture(scope="module")
def dataset(root):
    notes = []
    out = build_dataset(root, note=notes.append)
    return out, notes


def _expected_items() -> list[tuple]:
    return [(POWER[which], r["row"], r["item_name"]) for which in POWER_LISTS
            for r in power_rows(which)["items"]]


# --- 权责清单 ------------------------------------------------------------------

def test_power_lists_of_every_department_load_in_one_read(dataset):
    out, _ = dataset
    items = pd.read_parquet(out / "power" / "items")
    assert list(items[["version", "row", "item_name"]].astype({"version": str}).itertuples(
        index=False, name=None)) == _expected_items()
    assert list(items.columns) == ["sheet", "row", "seq", *FIELDS, "time_limit", "page_start",
                                   "page_end", "ocr_min_conf", "version"]
    assert str(items["row"].dtype) == "Int64" and str(items["seq"].dtype) == "str"
    assert items["seq"].tolist() == ["1", "1", "2", "1", "2,3", "", "1", "2"]


def test_a_column_only_some_lists_print_keeps_its_place_and_is_null_elsewhere(dataset):
    out, _ = dataset
    items = pd.read_parquet(out / "power" / "items").astype({"version": str})
    by_version = items.groupby("version")["time_limit"].apply(list).to_dict()
    assert by_version[POWER["market"]] == ["15个工作日", "即时"]
    assert items.loc[items["version"] != POWER["market"], "time_limit"].isna().all()
    # a known field a list does not print is null, an empty printed cell is ""
    safety = items[items["version"] == POWER["safety"]]
    assert safety["power_code"].isna().all() and (safety["duty"].isna()).all()
    assert safety["remarks"].tolist() == ["", "", ""]


def test_power_citations_keep_the_parsers_columns_and_types(dataset):
    out, _ = dataset
    citations = pd.read_parquet(out / "power" / "citations")
    assert list(citations.columns) == [
        "sheet", "row", "field", "citation_no", "law_type", "law", "law_note", "article_ref",
        "article", "paragraph", "item", "article_text", "parsed", "version"]
    assert str(citations["parsed"].dtype) == "boolean"
    assert str(citations["article"].dtype) == "Int64"
    expected = sum(len(power_rows(w)["citations"]) for w in POWER_LISTS)
    assert len(citations) == expected
    unread = citations[~citations["parsed"]]
    assert unread["article_text"].tolist() == ["按照国家有关规定执行。"]


def test_an_empty_table_of_a_version_is_a_partition_with_the_familys_columns(dataset):
    out, _ = dataset
    sub_items = pd.read_parquet(out / "power" / "sub_items")
    assert sorted(sub_items["version"].astype(str).unique()) == [POWER["safety"]]
    assert sub_items[["row", "sub_no", "sub_item_name"]].values.tolist() == [
        [2, 1, "对危险化学品企业的检查"], [2, 2, "对非煤矿山企业的检查"]]
    parts = sorted(p.parent.name for p in (out / "power" / "sub_items").rglob("*.parquet"))
    assert parts == sorted(f"version={v}" for v in POWER.values())


def test_each_family_has_its_own_versions_table(dataset):
    out, _ = dataset
    power = pd.read_parquet(out / "power" / "versions")
    assert power["version"].astype(str).tolist() == sorted(POWER.values())
    assert set(power["list_title"]) == {spec["list_title"] for spec in POWER_LISTS.values()}
    assert pd.read_parquet(out / "versions")["version"].astype(str).tolist() == [V2021]
    assert pd.read_parquet(out / "generic" / "versions")["version"].astype(str).tolist() == \
        sorted(GENERIC)


def test_duckdb_reads_a_family_with_one_schema_for_every_list(dataset):
    out, _ = dataset
    con = duckdb.connect()
    types = dict(con.execute(
        f"SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM "
        f"'{out}/power/items/*/*.parquet')").fetchall())
    assert types["row"] == "BIGINT" and types["seq"] == "VARCHAR"
    assert types["time_limit"] == "VARCHAR" and types["version"] == "VARCHAR"
    per_type = con.execute(
        f"SELECT power_type, count(*) FROM '{out}/power/items/*/*.parquet' "
        "GROUP BY ALL ORDER BY 1").fetchall()
    counts: dict[str, int] = {}
    for which in POWER_LISTS:
        for r in power_rows(which)["items"]:
            counts[r["power_type"]] = counts.get(r["power_type"], 0) + 1
    assert per_type == sorted(counts.items())


# --- generic lists -------------------------------------------------------------

def test_generic_lists_with_columns_of_their_own_load_whole_in_one_read(dataset):
    out, _ = dataset
    items = pd.read_parquet(out / "generic" / "items").astype({"version": str})
    printed = ["name", "category", "fee_standard", "code", "remarks"]
    tail = ["page_start", "page_end", "ocr_min_conf"]
    keys = [c for c in schema.generic_tables([{"position": 1, "field": "seq", "label": "序号",
                                               "role": "key"}])[0].column_names if c not in tail]
    assert list(items.columns) == [*keys, *printed, *tail, "version"]
    rows = items[["version", "seq", "name", "category", "code"]].astype(object).where(
        items.notna(), None).values.tolist()
    assert rows == [["2024-02-01_fees", 1, "甲", "行政事业性收费", None],
                    ["2024-02-01_fees", 2, "乙", "经营服务性收费", None],
                    ["2024-09-01_codes", 1, "丙", None, "A-1"]]


# --- the assist lists and the folder ---------------------------------------------

def test_the_assist_tables_at_the_root_are_those_of_a_root_without_other_families(
        dataset, tmp_path):
    out, _ = dataset
    write_gold_version(tmp_path, "2021")
    alone = build_dataset(tmp_path)
    for table in ("items", "tasks", "citations", "departments", "columns", "versions"):
        pd.testing.assert_frame_equal(pd.read_parquet(out / table),
                                      pd.read_parquet(alone / table), obj=table)
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == sorted(
        ["items", "tasks", "citations", "departments", "columns", "versions", "power",
         "generic"])


def test_the_note_says_where_the_other_families_went(dataset):
    out, notes = dataset
    assert notes == [f"lists of families other than assist are under {out}/<profile>/: "
                     "generic (2 versions), power (3 versions)"]


def test_a_root_of_power_lists_only_builds_a_dataset(tmp_path):
    write_power_version(tmp_path, "market")
    out = build_dataset(tmp_path)
    assert sorted(p.name for p in out.iterdir()) == ["manifest.json", "power"]
    assert len(pd.read_parquet(out / "power" / "items")) == 2


def test_ocr_cells_of_a_version_are_left_out(tmp_path):
    folder = write_power_version(tmp_path, "market")
    cells = schema.OCR_CELLS.frame([{"seq": 1, "field": "basis", "page": 1, "conf": 0.5,
                                     "text": "x", "low_chars": "x", "seal_chars": "",
                                     "flagged": True}])
    cells.to_parquet(folder / "ocr_cells.parquet", index=False)
    assert not (build_dataset(tmp_path) / "power" / "ocr_cells").exists()


def test_a_column_whose_type_differs_between_two_versions_is_named(root, tmp_path):
    work = tmp_path / "extracted"
    shutil.copytree(root, work, ignore=shutil.ignore_patterns("dataset"))
    market = work / POWER["market"]
    items = pd.read_parquet(market / "items.parquet")
    items["row"] = items["row"].astype("Float64")
    items.to_parquet(market / "items.parquet", index=False)
    with pytest.raises(PipelineError) as err:
        build_dataset(work)
    message = str(err.value)
    assert str(market) in message
    assert f"items.parquet: column row is Float64, but Int64 in {POWER['agriculture']}" in message


@pytest.mark.parametrize("profile", ["../elsewhere", "items", "Power", ""])
def test_a_profile_that_cannot_be_a_dataset_folder_is_named(tmp_path, profile):
    folder = write_power_version(tmp_path, "market")
    notice = power_notice("market") | {"profile": profile}
    (folder / "notice.json").write_text(__import__("json").dumps(notice), encoding="utf-8")
    if profile == "":  # no profile named: an assist list, checked against the schema
        with pytest.raises(PipelineError, match="differs from the schema"):
            build_dataset(tmp_path)
        return
    with pytest.raises(PipelineError, match=re.escape(f"names the profile {profile!r}")):
        build_dataset(tmp_path)


# --- the examples of docs/dataset.md run as they are ------------------------------

def _blocks(kind: str) -> list[str]:
    return re.findall(rf"```{kind}\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.S)


def test_the_docs_examples_run_and_answer(dataset, monkeypatch):
    out, _ = dataset
    monkeypatch.chdir(out.parent.parent)  # the project root: extracted/dataset is there
    python, sql = _blocks("python"), _blocks("sql")
    assert len(python) == 2 and len(sql) == 2
    ns: dict = {}
    for block in python:
        exec(compile(block, str(DOCS), "exec"), ns)
    expected = {}
    for which in POWER_LISTS:
        for r in power_rows(which)["items"]:
            if r["power_type"] == "行政处罚":
                expected[r["exercising_body"]] = expected.get(r["exercising_body"], 0) + 1
    assert ns["per_body"].to_dict() == expected
    assert set(ns["husbandry"]["version"].astype(str)) == {POWER["agriculture"]}
    assert len(ns["generic"]) == 3
    assert ns["per_version"].to_dict() == {V2021: 27}

    con = duckdb.connect()
    laws = con.sql(sql[0]).fetchall()
    cited = pd.concat(pd.DataFrame(power_rows(w)["citations"]).assign(version=w)
                      for w in POWER_LISTS)
    cited = cited[cited["parsed"]]
    top = cited.groupby(["law_type", "law"]).agg(lists=("version", "nunique"),
                                                 articles=("law", "size")).reset_index()
    top = top.sort_values(["articles", "law"], ascending=[False, True])
    assert laws == list(top.itertuples(index=False, name=None))
    husbandry = con.sql(sql[1]).fetchall()
    assert {r[0] for r in husbandry} == {"某市农业农村局权责清单"}
    assert [(r[1], r[3]) for r in husbandry] == [
        ("种畜禽生产经营许可", "第二十四条"),
        ("对无种畜禽生产经营许可证生产经营种畜禽的行政处罚", "第八十二条"),
        ("对销售不符合标准的种畜禽的行政处罚", "第八十五条")]
    assert husbandry[1][2] == "行政处罚" and husbandry[1][4].startswith("违反本法第二十四条规定")
