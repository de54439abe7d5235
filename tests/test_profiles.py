"""List profiles as data: loading, claiming a table by its header, naming generic columns."""

from __future__ import annotations

import json

import pytest

from pipeline.errors import PipelineError
from pipeline.extract import choose_profiles
from pipeline.profiles import PROFILE_DIR, load_profiles

ASSIST_HEADER = ["序号", "事项名称", "具体内容", "协助工作细化事项", "依据", "主管单位", "备注"]


def test_every_profile_file_loads_specific_ones_before_the_generic():
    profiles = load_profiles()
    assert list(profiles)[-1] == "generic"
    assert {p.name for p in profiles.values()} == {
        json.loads(f.read_text(encoding="utf-8"))["name"] for f in PROFILE_DIR.glob("*.json")}


def test_assist_profile_claims_the_2021_header_and_maps_every_column():
    columns = load_profiles()["assist"].read_header(ASSIST_HEADER)
    assert [c.field for c in columns] == ["seq", "name", "content", "tasks_text", "basis_text",
                                          "department_text", "remarks"]
    assert [c.role for c in columns][:6] == ["key", "text", "text", "tasks", "citations",
                                              "departments"]


def test_assist_profile_does_not_claim_a_header_without_its_required_columns():
    assert load_profiles()["assist"].read_header(["序号", "事项名称", "实施主体", "备注"]) is None


def test_generic_profile_names_columns_from_its_vocabulary_else_pinyin():
    columns = load_profiles()["generic"].read_header(
        ["序号", "事项名称", "设定依据", "实施依据", "责任单位", "行业大类代码", "备 注"])
    assert [(c.field, c.role) for c in columns] == [
        ("seq", "key"), ("name", "text"), ("legal_basis", "citations"),
        ("implementing_basis", "citations"), ("responsible_unit", "departments"),
        ("hang_ye_da_lei_dai_ma", "text"), ("remarks", "text")]
    assert columns[6].label == "备注"  # labels are kept with white space removed


def test_generic_names_stay_unique_and_never_take_reserved_names():
    columns = load_profiles()["generic"].read_header(["名称", "名称", "起始页", "", "page start"])
    fields = [c.field for c in columns]
    assert fields[:2] == ["name", "name_2"]
    assert len(set(fields)) == len(fields)
    assert fields[3] == "column_4"
    assert "page_start" not in fields


def test_generic_profile_needs_two_labelled_columns():
    assert load_profiles()["generic"].read_header(["名称", ""]) is None


def test_unknown_profile_name_is_an_error_listing_the_known_ones():
    with pytest.raises(PipelineError, match=r"no list profile named 'nope'.*auto, assist"):
        choose_profiles("nope")


def test_a_broken_profile_file_is_named_with_what_is_wrong(tmp_path):
    (tmp_path / "bad.json").write_text(json.dumps({"name": "bad", "label": "x", "generic": False,
                                                   "key": {"field": "seq", "pattern": "("},
                                                   "suite": "x", "merged_rows": "fill down"}),
                                       encoding="utf-8")
    with pytest.raises(PipelineError, match=r"bad\.json: not a valid list profile: missing \)"):
        load_profiles.__wrapped__(tmp_path)


def test_one_required_label_with_one_character_misread_still_names_its_column():
    # An OCR slip in the header of a scanned list: 依据 read as 依椐.
    header = ["序号", "事项名称", "具体内容", "协助工作细化事项", "依椐", "主管单位", "备注"]
    columns = load_profiles()["assist"].read_header(header)
    assert {c.field: c.index for c in columns}["basis_text"] == 4


def test_two_misread_required_labels_are_not_guessed():
    header = ["序号", "事项名称", "具体内容", "协助工作细化事项", "依椐", "王管单仁", "备注"]
    assert load_profiles()["assist"].read_header(header) is None


def _profile_file(tmp_path, **changes):
    data = json.loads((PROFILE_DIR / "generic.json").read_text(encoding="utf-8"))
    data.update(changes)
    (tmp_path / "bad.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return tmp_path


def test_merged_rows_unknown_value_is_an_error_naming_file_key_and_allowed_values(tmp_path):
    # "fill-down" used to be read as "one item per key cell": fill-down silently off.
    folder = _profile_file(tmp_path, merged_rows="fill-down")
    with pytest.raises(PipelineError, match=r"bad\.json: not a valid list profile: merged_rows "
                                            r"'fill-down' is not one of 'fill down', "
                                            r"'one item per key cell'"):
        load_profiles.__wrapped__(folder)


def test_merged_rows_values_set_fill_down():
    profiles = load_profiles()
    assert profiles["generic"].fill_down is True
    assert profiles["assist"].fill_down is False


def test_a_profile_pattern_naming_an_unknown_shared_pattern_is_an_error(tmp_path):
    folder = _profile_file(tmp_path, patterns={"task_start": "{task_markers}",
                                               "citation_start": "《"})
    with pytest.raises(PipelineError, match=r"bad\.json: .*\{task_markers\}.*\{task_marker\}"):
        load_profiles.__wrapped__(folder)


def test_profile_patterns_may_use_properties_and_quantifiers_beside_shared_names(tmp_path):
    folder = _profile_file(tmp_path, patterns={"task_start": r"\p{Han}{2}|{task_marker}",
                                               "citation_start": "《"})
    (profile,) = load_profiles.__wrapped__(folder).values()
    (tasks,) = [r for r in profile.roles if r.role == "tasks"]
    assert tasks.join.breaks_before.startswith(r"\p{Han}{2}|(?:")


def test_assist_printed_order_is_the_schemas_items_columns():
    from pipeline import schema

    assert load_profiles()["assist"].printed_order == schema.CELL_FIELDS


def test_a_profile_named_again_reextracts_what_another_profile_read(tmp_path):
    """An unchanged file was skipped even when --profile asked for another reading."""
    from tests import hostile

    pdf, out = hostile.ROOT / "raw" / "notice-2021.pdf", tmp_path / "v"
    first = hostile.run_cli("extract", pdf, "--out", out)
    assert first.returncode == 0 and "27 items (profile assist)" in first.stderr, first.stderr
    again = hostile.run_cli("extract", pdf, "--out", out, "--profile", "generic")
    assert again.returncode == 0, again.stderr
    assert "27 items (profile generic)" in again.stderr and "skipped" not in again.stderr
    same = hostile.run_cli("extract", pdf, "--out", out, "--profile", "generic")
    assert "27 items (profile generic) (unchanged, skipped)" in same.stderr, same.stderr
