"""A real list of another family, read by the generic profile: the CSRC's 2018 Q3
industry classification of listed companies (../shared/real/csrc-2018q3.pdf, never
copied here): 85 pages made in Excel, no 序号, category cells merged over many rows
and across page breaks (printed again at the top of a page, whole or in part)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from tests import hostile

CSRC = hostile.ROOT.parent / "shared" / "real" / "csrc-2018q3.pdf"
#: 门类 → rows, as the document prints them (counted by hand from the PDF's groups).
CATEGORY_ROWS = {
    "农、林、牧、渔业(A)": 41, "采矿业(B)": 77, "制造业(C)": 2246,
    "电力、热力、燃气及水的生产和供应业(D)": 109, "建筑业(E)": 97, "批发和零售业(F)": 163,
    "交通运输、仓储和邮政业(G)": 101, "住宿和餐饮业(H)": 9,
    "信息传输、软件和信息技术服务业(I)": 261, "金融业(J)": 87, "房地产业(K)": 128,
    "租赁和商务服务业(L)": 52, "科学研究和技术服务业(M)": 49,
    "水利、环境和公共设施管理业(N)": 49,
    # One company, its merged cell one row high: the document prints only what fits.
    "居民服务、修理和": 1,
    "教育(P)": 3, "卫生和社会工作业(Q)": 10, "文化、体育和娱乐业(R)": 58, "综合(S)": 22,
}

pytestmark = [pytest.mark.skipif(not CSRC.is_file(), reason=f"{CSRC} is not here"),
              pytest.mark.slow]  # 85 pages


@pytest.fixture
def csrc(csrc_folder) -> Path:
    """The list extracted once per session (conftest), its stderr in stderr.txt beside it."""
    return csrc_folder


def test_every_company_row_is_read_with_the_generic_profile(csrc):
    items = pd.read_parquet(csrc / "items.parquet")
    notice = json.loads((csrc / "notice.json").read_text(encoding="utf-8"))
    assert notice["profile"] == "generic" and notice["item_count"] == 3563
    # The profile chosen (auto) is said, not only recorded.
    assert "3563 items (profile generic)" in (csrc.parent / "stderr.txt").read_text("utf-8")
    assert len(items) == 3563
    assert list(items["seq"]) == list(range(1, 3564))  # no 序号: the row's position
    columns = pd.read_parquet(csrc / "columns.parquet")
    assert list(columns["label"]) == ["门类名称及代码", "行业大类代码", "行业大类名称",
                                      "上市公司代码", "上市公司简称"]


def test_categories_are_filled_down_as_printed_for_each_group(csrc):
    items = pd.read_parquet(csrc / "items.parquet")
    category = items["men_lei_ming_cheng_ji_dai_ma"]
    assert category.value_counts().to_dict() == CATEGORY_ROWS
    # Groups are contiguous: a category never comes back after another one.
    runs = category[category != category.shift()].tolist()
    assert runs == list(CATEGORY_ROWS)


def test_codes_stay_text_and_every_company_code_is_unique(csrc):
    items = pd.read_parquet(csrc / "items.parquet")
    codes = items["shang_shi_gong_si_dai_ma"]
    assert codes.is_unique and codes.str.fullmatch(r"\d{6}").all()
    assert items.loc[0, "hang_ye_da_lei_dai_ma"] == "01"  # leading zero kept
    assert items["hang_ye_da_lei_dai_ma"].str.fullmatch(r"\d{2}").all()
    first = items.iloc[0]
    assert (first["shang_shi_gong_si_dai_ma"], first["shang_shi_gong_si_jian_cheng"]) == (
        "000998", "隆平高科")


def test_an_industry_cut_by_a_page_break_keeps_its_name_on_both_pages(csrc):
    items = pd.read_parquet(csrc / "items.parquet")
    industry = items.groupby("hang_ye_da_lei_dai_ma")["hang_ye_da_lei_ming_cheng"].unique()
    assert all(len(names) == 1 for names in industry), industry[industry.map(len) > 1]
    assert industry["37"][0] == "铁路、船舶、航空航天和其它运输设备制造业"


def test_diff_of_two_versions_pairs_rows_by_the_identifying_column(csrc, tmp_path):
    new = tmp_path / "new"
    new.mkdir()
    for f in csrc.iterdir():
        (new / f.name).write_bytes(f.read_bytes())
    items = pd.read_parquet(csrc / "items.parquet")
    items.loc[5, "hang_ye_da_lei_ming_cheng"] = "农业（新）"
    moved = items.iloc[[0]].assign(shang_shi_gong_si_dai_ma="999999",
                                   shang_shi_gong_si_jian_cheng="新上市")
    items = pd.concat([items.drop(index=10).iloc[:20], moved, items.drop(index=10).iloc[20:]])
    items["seq"] = range(1, len(items) + 1)
    items.to_parquet(new / "items.parquet", index=False)
    run = hostile.run_cli("diff", csrc, new, "--out", tmp_path / "diff")
    assert run.returncode == 0, run.stderr
    changes = pd.read_parquet(tmp_path / "diff" / "changes.parquet")
    assert sorted(changes["change"]) == ["added", "changed", "removed"]
    changed = changes[changes["change"] == "changed"].iloc[0]
    assert (changed["field"], changed["old_value"], changed["new_value"]) == (
        "hang_ye_da_lei_ming_cheng", "农业", "农业（新）")
    report = (tmp_path / "diff" / "report.md").read_text(encoding="utf-8")
    assert "行业大类名称" in report  # the printed label, not only the field name
