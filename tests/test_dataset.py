"""The cross-version dataset: one read (pandas or DuckDB) gets every version, typed and sorted."""

from __future__ import annotations

import shutil
import subprocess
import sys

import duckdb
import pandas as pd
import pytest

from pipeline import schema
from pipeline.errors import PipelineError
from pipeline.output.dataset import DATASET_TABLES, build_dataset
from pipeline.output.write import write_tables
from tests.goldtables import GOLD_2021, GOLD_2023, gold_frames, load_gold
from tests.goldversions import ROOT, gold_notice, write_gold_version

V2021 = gold_notice("2021")["version"]
V2023 = gold_notice("2023")["version"]
GOLD = {V2021: GOLD_2021, V2023: GOLD_2023}


@pytest.fixture
def root(tmp_path):
    """An extracted root holding the 2021 and the invented 2023 version (2023 written first)."""
    write_gold_version(tmp_path, "2023")
    write_gold_version(tmp_path, "2021")
    return tmp_path


def _sorted_gold(version: str, table: schema.Table) -> pd.DataFrame:
    df = gold_frames(load_gold(GOLD[version]))[table.name]
    return df.sort_values(list(table.key), ignore_index=True)


def test_pandas_reads_every_version_with_the_schema_types(root):
    out = build_dataset(root)
    assert out == root / "dataset"
    for table in schema.EXTRACTION_TABLES:
        df = pd.read_parquet(out / table.name)
        assert list(df.columns) == [*table.column_names, "version"]
        assert list(df["version"].astype(str).unique()) == [V2021, V2023]
        for c in table.columns:
            assert str(df[c.name].dtype) == schema.PANDAS_DTYPES[c.type], (table.name, c.name)
        for version in (V2021, V2023):
            part = df[df["version"] == version].drop(columns="version").reset_index(drop=True)
            pd.testing.assert_frame_equal(part, _sorted_gold(version, table))


def test_versions_table_has_one_row_per_version_from_notice_json(root):
    v = pd.read_parquet(build_dataset(root) / "versions")
    assert v["version"].astype(str).tolist() == [V2021, V2023]
    assert v["doc_no"].tolist() == ["渝民发〔2021〕6号", "渝民发〔2023〕15号"]
    assert v["date"].tolist() == ["2021-02-10", "2023-06-30"]
    assert v["item_count"].tolist() == [27, 27]
    assert str(v["item_count"].dtype) == "Int64"
    assert v["source_file"].tolist() == ["notice-2021.pdf", "notice-2023-synthetic-INVENTED.pdf"]
    assert v["source_sha256"].tolist() == [gold_notice("2021")["source_sha256"],
                                           gold_notice("2023")["source_sha256"]]


def test_duckdb_reads_the_hive_partitions_with_sql_types(root):
    out = build_dataset(root)
    con = duckdb.connect()
    counts = con.sql(
        f"SELECT version, count(*) FROM '{out}/items/*/*.parquet' GROUP BY version ORDER BY version"
    ).fetchall()
    assert counts == [(V2021, 27), (V2023, 27)]
    described = con.execute(
        f"DESCRIBE SELECT * FROM read_parquet('{out}/citations/*/*.parquet', "
        "hive_partitioning = true)").fetchall()
    types = {row[0]: row[1] for row in described}
    assert types == {"seq": "BIGINT", "citation_no": "BIGINT", "law": "VARCHAR",
                     "note": "VARCHAR", "article_ref": "VARCHAR", "article": "BIGINT",
                     "paragraph": "BIGINT", "version": "VARCHAR"}
    # a join across tables and versions, as an analyst would write it
    top = con.execute(
        f"SELECT d.department, count(*) AS tasks "
        f"FROM '{out}/tasks/*/*.parquet' t JOIN '{out}/departments/*/*.parquet' d "
        "USING (version, seq) WHERE version = ? GROUP BY ALL ORDER BY tasks DESC, 1 LIMIT 1",
        [V2021]).fetchone()
    gold = gold_frames(load_gold(GOLD_2021))
    joined = gold["tasks"].merge(gold["departments"], on="seq")
    expected = joined.groupby("department").size().sort_values(ascending=False)
    assert top == (expected.index[0], int(expected.iloc[0]))


def test_rows_are_sorted_by_version_then_key_even_if_a_folder_is_not(tmp_path):
    frames = gold_frames(load_gold(GOLD_2021))
    shuffled = {name: df.sample(frac=1, random_state=7).reset_index(drop=True)
                for name, df in frames.items()}
    assert shuffled["tasks"]["seq"].tolist() != sorted(shuffled["tasks"]["seq"])
    write_tables(shuffled, tmp_path / V2021, {"notice.json": gold_notice("2021")})
    write_gold_version(tmp_path, "2023")
    out = build_dataset(tmp_path)
    for table in schema.EXTRACTION_TABLES:
        df = pd.read_parquet(out / table.name)
        keys = ["version", *table.key]
        order = df[keys].astype({"version": str}).apply(tuple, axis=1).tolist()
        assert order == sorted(order), table.name


def test_a_rerun_replaces_the_dataset_rather_than_adding_to_it(root):
    build_dataset(root)
    build_dataset(root)
    assert len(pd.read_parquet(root / "dataset" / "items")) == 54
    shutil.rmtree(root / V2023)
    build_dataset(root)
    items = pd.read_parquet(root / "dataset" / "items")
    assert len(items) == 27
    assert set(items["version"].astype(str)) == {V2021}
    assert sorted(p.name for p in root.iterdir()) == [V2021, "dataset"]  # no temp folder left


def test_folders_that_are_not_complete_versions_are_left_out(root):
    build_dataset(root)  # the dataset folder itself must not count as a version next time
    (root / "diffs").mkdir()
    (root / "diffs" / "manifest.json").write_text("{}")
    shutil.copytree(root / V2021, root / ".hidden")
    incomplete = shutil.copytree(root / V2021, root / "2099-01-01_incomplete")
    (incomplete / "manifest.json").unlink()
    out = build_dataset(root)
    assert sorted(p.name for p in (out / "items").iterdir()) == [f"version={V2021}",
                                                                 f"version={V2023}"]


def test_a_changed_column_type_names_the_folder_and_keeps_the_old_dataset(root):
    build_dataset(root)
    frames = gold_frames(load_gold(GOLD_2023))
    frames["citations"]["article"] = frames["citations"]["article"].astype("Float64")
    bad = write_tables(frames, root / "2024-01-01_changed", {"notice.json": gold_notice("2023")})
    with pytest.raises(PipelineError) as err:
        build_dataset(root)
    message = str(err.value)
    assert str(bad) in message
    assert "citations.parquet" in message and "column article is double, expected int64" in message
    # the failed run left the previous dataset as it was
    assert sorted(pd.read_parquet(root / "dataset" / "items")["version"].astype(str).unique()) \
        == [V2021, V2023]


@pytest.mark.parametrize("change", ["drop", "add"])
def test_a_missing_or_extra_column_is_a_schema_difference(root, change):
    frames = gold_frames(load_gold(GOLD_2023))
    if change == "drop":
        frames["departments"] = frames["departments"].drop(columns="department_no")
        expected = "missing columns ['department_no']"
    else:
        frames["departments"]["weight"] = 1
        expected = "columns not in the schema ['weight']"
    write_tables(frames, root / "2024-01-01_changed", {"notice.json": gold_notice("2023")})
    with pytest.raises(PipelineError, match=r"2024-01-01_changed.*departments\.parquet") as err:
        build_dataset(root)
    assert expected in str(err.value)


def test_a_folder_named_dataset_that_is_not_one_is_not_replaced(root):
    (root / "dataset").mkdir()
    (root / "dataset" / "notes.txt").write_text("mine")
    with pytest.raises(PipelineError, match=r"dataset: exists and is not a folder this pipeline"):
        build_dataset(root)
    assert (root / "dataset" / "notes.txt").read_text() == "mine"


def test_a_version_folder_without_a_table_is_named(root):
    (root / V2023 / "tasks.parquet").unlink()
    with pytest.raises(PipelineError, match=rf"{V2023}.*tasks\.parquet is missing"):
        build_dataset(root)


def test_a_folder_name_that_cannot_be_a_partition_value_is_named(root):
    shutil.copytree(root / V2021, root / "a=b")
    with pytest.raises(PipelineError, match=r"a=b: version folder name cannot be a dataset"):
        build_dataset(root)


def test_an_empty_root_is_an_error_with_a_hint(tmp_path):
    with pytest.raises(PipelineError, match=r"no extracted version.*hint: extract a notice"):
        build_dataset(tmp_path)
    with pytest.raises(PipelineError, match="no such folder"):
        build_dataset(tmp_path / "missing")


def test_every_dataset_table_is_written_for_every_version(root):
    out = build_dataset(root)
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [t.name for t in DATASET_TABLES] + ["manifest.json"])
    for table in DATASET_TABLES:
        parts = sorted(p.relative_to(out).as_posix() for p in (out / table.name).rglob("*")
                       if p.is_file())
        assert parts == [f"{table.name}/version={v}/part-0.parquet" for v in (V2021, V2023)]


def test_cli_dataset_prints_the_folder_and_reports_errors(root, tmp_path_factory):
    cmd = [sys.executable, "-m", "pipeline", "dataset", "--extracted"]
    ok = subprocess.run([*cmd, str(root)], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.strip() == str(root / "dataset")
    empty = tmp_path_factory.mktemp("empty")
    bad = subprocess.run([*cmd, str(empty)], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert bad.returncode == 1
    assert bad.stderr.startswith("error: ") and "Traceback" not in bad.stderr


def test_real_extractions_pass_the_schema_check_and_round_trip(tmp_path):
    """What the real chain and writer produce (not the gold) goes through unchanged."""
    from pipeline.extract import run

    invented = ROOT / "tests" / "fixtures" / "notice-2023-synthetic-INVENTED.pdf"
    written = {}
    for pdf in (ROOT / "raw" / "notice-2021.pdf", invented):
        extraction = run(pdf)
        version = extraction.notice["version"]
        written[version] = extraction.frames()
        write_tables(written[version], tmp_path / version, {"notice.json": extraction.notice})
    out = build_dataset(tmp_path)
    versions = pd.read_parquet(out / "versions")
    assert versions["version"].astype(str).tolist() == [V2021, V2023] == sorted(written)
    assert versions["page_count"].notna().all() and (versions["item_count"] == 27).all()
    for table in schema.EXTRACTION_TABLES:
        df = pd.read_parquet(out / table.name)
        for version, frames in written.items():
            part = df[df["version"] == version].drop(columns="version").reset_index(drop=True)
            expected = frames[table.name].sort_values(list(table.key), ignore_index=True)
            pd.testing.assert_frame_equal(part, expected, obj=f"{table.name} {version}")


def test_a_generic_list_goes_to_its_family_and_the_assist_tables_stay_at_the_root(tmp_path):
    root = tmp_path / "extracted"
    gold = load_gold(GOLD_2021)
    write_tables(gold_frames(gold), root / "v2021", {"notice.json": {"version": "v2021"}})
    generic = {"version": "vgen", "profile": "generic"}
    columns = [{"position": 1, "field": "name", "label": "名称", "role": "text"},
               {"position": 2, "field": "code", "label": "代码", "role": "text"}]
    tables = schema.generic_tables(columns)
    frames = {t.name: t.frame([]) for t in tables}
    frames["items"] = tables[0].frame([{"seq": 1, "name": "甲", "code": "A1"}])
    frames["columns"] = schema.COLUMNS.frame(columns)
    write_tables(frames, root / "vgen", {"notice.json": generic})
    notes = []
    out = build_dataset(root, note=notes.append)
    versions = pd.read_parquet(out / "versions")
    assert list(versions["version"].astype(str)) == ["v2021"]
    assert list(pd.read_parquet(out / "items")["version"].unique()) == ["v2021"]
    generic_items = pd.read_parquet(out / "generic" / "items")
    assert generic_items[["seq", "name", "code"]].values.tolist() == [[1, "甲", "A1"]]
    assert list(pd.read_parquet(out / "generic" / "versions")["version"]) == ["vgen"]
    assert len(notes) == 1 and "generic (1 version)" in notes[0]
