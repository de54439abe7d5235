"""Two versions of a 权责清单 (a year's revision) diff to exactly the revision's changes
(issue 18, "done when"): both generated with tests.render.power, extracted with
``--validate`` through the CLI, compared with ``python -m pipeline diff``.
"""

from __future__ import annotations

import copy

import pandas as pd

from tests import hostile
from tests.render.power import VARIANTS, Item, make_list
from tests.render.power_files import write_xlsx

REPLACEMENT = {
    "item_name": "城镇污水排入排水管网许可", "power_type": "行政许可",
    "basis": "【行政法规】《城镇排水与污水处理条例》（2013年10月2日国务院令第641号公布）\n"
             "第二十一条：从事工业、建筑、餐饮、医疗等活动的企业事业单位、个体工商户向城镇排水设施"
             "排放污水的，应当向城镇排水主管部门申请领取污水排入排水管网许可证。",
    "exercising_body": "市水务局", "undertaking_unit": "排水管理科",
    "level_authority": "区县级", "level_authority#2": "负责本行政区域内排水户",
    "responsibility": "1.受理排水许可申请，一次性告知需补正的材料。\n2.组织对排水户进行现场核查。",
    "accountable": "排水许可经办人员", "accountability": "对不符合条件的排水户发放许可证的。",
    "remedy": "市水务局监督电话", "remarks": "新增",
}


def _extract(path, out):
    run = hostile.run_cli("extract", path, "--out", out, "--validate", timeout=180)
    assert run.returncode == 0, run.stderr
    return out


def test_two_versions_of_a_power_list_diff_to_exactly_the_revisions_changes(tmp_path):
    old = make_list(VARIANTS["merged_label"], seed=7)
    new = copy.deepcopy(old)
    items = new.sheets[0].items
    items[1].cells["item_name"] += "（含临时许可）"  # renamed
    items[3].cells["exercising_body"] = "市政务服务和数据管理局"  # unit changed
    items[5].cells["basis"] += ("\n【规章】《建筑工程施工许可管理办法》"
                                "（2014年6月25日住房和城乡建设部令第18号发布）\n"
                                "第四条：建设单位申请领取施工许可证，应当具备下列条件。")
    items[8] = Item(items[8].seq, {**items[8].cells, **REPLACEMENT})  # replaced
    a = _extract(write_xlsx(old, tmp_path / "2024.xlsx"), tmp_path / "a")
    b = _extract(write_xlsx(new, tmp_path / "2025.xlsx"), tmp_path / "b")
    run = hostile.run_cli("diff", a, b, "--out", tmp_path / "d", timeout=180)
    assert run.returncode == 0, run.stderr
    changes = pd.read_parquet(tmp_path / "d" / "changes.parquet")
    got = sorted((r.change, _int(r.old_seq), _int(r.new_seq), None if pd.isna(r.field)
                  else r.field)
                 for r in changes.itertuples())
    assert got == sorted([("changed", 2, 2, "item_name"), ("changed", 4, 4, "exercising_body"),
                          ("changed", 6, 6, "basis"), ("removed", 9, None, None),
                          ("added", None, 9, None)])
    details = pd.read_parquet(tmp_path / "d" / "detail_changes.parquet")
    cited = details[details["table"] == "citations"]
    assert [(r.change, _int(r.old_seq), _int(r.new_seq)) for r in cited.itertuples()] == [
        ("added", 6, 6)]
    assert cited["new_value"].iloc[0].startswith("《建筑工程施工许可管理办法》")
    assert cited["new_value"].iloc[0].endswith("第四条")
    assert "1 added, 1 removed, 3 changed, 0 renumbered" in run.stderr


def _int(value):
    return None if pd.isna(value) else int(value)
