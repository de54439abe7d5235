"""Version folders of 权责清单 (power lists), written as the extraction writes them (dataset, site).

Until the power profile reads workbooks on main, these folders are written straight
through ``pipeline.output.write.write_tables`` from the tables of the agreed design
(docs: the 权责清单 family; CONTRACT.md "权责清单 family"): ``items`` keyed by
(``sheet``, ``row``) with ``seq`` as printed and the sixteen fields, ``sub_items``,
``citations`` (parsed here by ``parse_power_citations``, as the chain does),
``tasks`` (from ``responsibility``) and ``columns`` (with ``span``).

Three departments of one invented city publish one list each:

* 农业农村局: a workbook split by power type over two sheets (``行政许可（1项）``,
  ``行政处罚（2项）``), no power-type column (the sheet states it), citing 畜牧法;
* 应急管理局: one sheet with a 职权类型 column, an item printed over two sub-rows,
  a 序号 ``2,3`` and an empty 序号;
* 市场监督管理局: a PDF (no sheets, pages), an extra printed column 办理时限
  (``time_limit``), a basis cell the parser cannot read.

``POWER_LISTS`` holds what each list prints; tests compute their expectations from it.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from pipeline import __version__
from pipeline.cells.parse import parse_items
from pipeline.output.write import write_tables
from pipeline.profiles import Column as ProfileColumn
from pipeline.schema import Column, Table

#: The sixteen known fields, in the design's order, with the label a list prints.
FIELDS = {
    "item_name": "事项名称", "sub_item_name": "子项名称", "power_type": "职权类型",
    "power_code": "职权编码", "basis": "实施依据", "exercising_body": "行使主体",
    "undertaking_unit": "承办机构", "level_authority": "实施层级及权限", "duty": "部门职责",
    "responsibility": "责任事项", "responsibility_basis": "责任事项依据",
    "accountable": "追责对象范围", "accountability": "追责情形", "remedy": "诉求渠道",
    "remarks": "备注",
}
ROLES = {"basis": "citations", "responsibility_basis": "citations", "responsibility": "tasks"}
KEY = ("sheet", "row")

HUSBANDRY = (
    "【法律】《中华人民共和国畜牧法》（2005年12月29日第十届全国人民代表大会常务委员会第十九次"
    "会议通过 2022年10月30日第十三届全国人民代表大会常务委员会第三十七次会议修订）\n"
    "第二十四条：从事种畜禽生产经营或者生产经营商品代仔畜、雏禽的单位、个人，应当取得种畜禽生产"
    "经营许可证。\n【规章】《种畜禽生产经营许可管理办法》第四条、第五条：申请人应当提交材料。")
HUSBANDRY_PENALTY = (
    "【法律】《中华人民共和国畜牧法》第八十二条：违反本法第二十四条规定，无种畜禽生产经营许可证"
    "生产经营种畜禽的，由县级以上地方人民政府农业农村主管部门责令停止违法行为，没收违法所得。")
SAFETY = (
    "【法律】《中华人民共和国安全生产法》（2021年6月10日修正）第九十七条：生产经营单位有下列行为"
    "之一的，责令限期改正，处十万元以下的罚款：（一）未按照规定设置安全生产管理机构的；"
    "（二）危险物品的生产、经营单位的主要负责人未依法经考核合格的。\n"
    "【行政法规】《生产安全事故应急条例》第三十条：生产经营单位未制定应急救援预案的，责令限期改正。")
INSPECTION = ("【法律】《中华人民共和国安全生产法》第六十五条第一款第（一）项："
              "进入生产经营单位进行检查。")
MARKET = ("【法律】《中华人民共和国产品质量法》第四十九条：生产、销售不符合保障人体健康和人身"
          "安全的国家标准、行业标准的产品的，责令停止生产、销售。")
DUTIES = ("1.受理阶段责任：依法受理或不予受理。\n2.审查阶段责任：审查申请材料。\n"
          "3.决定阶段责任：作出决定。")
PENALTY_DUTIES = ("1.立案责任：发现违法行为，予以审查。\n2.调查责任：调查取证。\n"
                  "3.处罚决定责任：作出处罚决定。")


def _item(sheet, row, seq, name, power_type, basis, body, **more):
    cells = {f: "" for f in FIELDS}
    cells.update(item_name=name, power_type=power_type, basis=basis, exercising_body=body,
                 undertaking_unit=more.pop("unit", ""),
                 responsibility=more.pop("duties", PENALTY_DUTIES),
                 responsibility_basis=more.pop("duties_basis", ""),
                 accountable="承办人员", accountability="不履行或不正确履行职责的。",
                 remedy="12345", **more)
    return {"sheet": sheet, "row": row, "seq": seq, **cells}


#: Per list: notice facts, printed fields (others are null), items, sub-items, extra columns.
POWER_LISTS: dict[str, dict] = {
    "agriculture": {
        "date": "2024-03-01", "list_title": "某市农业农村局权责清单",
        "source_file": "agriculture-power-list.xlsx", "source_format": "xlsx",
        "printed": ["item_name", "power_code", "basis", "exercising_body", "undertaking_unit",
                    "responsibility", "responsibility_basis", "accountable", "accountability",
                    "remedy", "remarks"],
        "items": [
            _item("行政许可（1项）", 1, "1", "种畜禽生产经营许可", "行政许可", HUSBANDRY,
                  "某市农业农村局", unit="畜牧科", power_code="XK-001", duties=DUTIES,
                  duties_basis=HUSBANDRY),
            _item("行政处罚（2项）", 2, "1", "对无种畜禽生产经营许可证生产经营种畜禽的行政处罚",
                  "行政处罚", HUSBANDRY_PENALTY, "某市农业农村局", unit="执法支队",
                  power_code="CF-001"),
            _item("行政处罚（2项）", 3, "2", "对销售不符合标准的种畜禽的行政处罚", "行政处罚",
                  "【法律】《中华人民共和国畜牧法》第八十五条：销售的种畜禽不符合种用标准的，"
                  "责令停止销售。", "某市农业农村局", unit="执法支队", power_code="CF-002"),
        ],
        "sub_items": [], "extra": {},
    },
    "safety": {
        "date": "2024-05-20", "list_title": "某市应急管理局权责清单",
        "source_file": "safety-power-list.xls", "source_format": "xls",
        "printed": ["item_name", "sub_item_name", "power_type", "basis", "exercising_body",
                    "level_authority", "responsibility", "accountable", "accountability",
                    "remedy", "remarks"],
        "items": [
            _item("权责清单", 1, "1", "对生产经营单位未按规定设置安全生产管理机构的行政处罚",
                  "行政处罚", SAFETY, "某市应急管理局", level_authority="市级\n县级"),
            _item("权责清单", 2, "2,3", "安全生产监督检查", "行政检查", INSPECTION,
                  "某市应急管理局", sub_item_name="对危险化学品企业的检查\n对非煤矿山企业的检查",
                  level_authority="市级"),
            _item("权责清单", 3, "", "对未制定应急救援预案的行政处罚", "行政处罚",
                  "【行政法规】《生产安全事故应急条例》第三十条：生产经营单位未制定应急救援预案的，"
                  "责令限期改正。", "某市应急管理局", level_authority="县级"),
        ],
        "sub_items": [
            {"row": 2, "sub_no": 1, "sub_item_name": "对危险化学品企业的检查"},
            {"row": 2, "sub_no": 2, "sub_item_name": "对非煤矿山企业的检查"},
        ],
        "extra": {},
    },
    "market": {
        "date": "2024-07-15", "list_title": "某市市场监督管理局权责清单",
        "source_file": "market-power-list.pdf", "source_format": "pdf",
        "printed": ["item_name", "power_type", "basis", "exercising_body", "responsibility",
                    "accountability", "remarks"],
        "items": [
            _item(None, 1, "1", "对生产销售不符合安全标准产品的行政处罚", "行政处罚", MARKET,
                  "某市市场监督管理局"),
            _item(None, 2, "2", "对特种设备使用单位的行政检查", "行政检查",
                  "按照国家有关规定执行。", "某市市场监督管理局"),
        ],
        "sub_items": [], "extra": {"time_limit": ("办理时限", ["15个工作日", "即时"])},
    },
}


def _c(name, type_, label="", nullable=True):
    return Column(name, type_, label or name, "", "", nullable)


def power_tables(extra: tuple[str, ...] = ()) -> dict[str, Table]:
    """The design's tables of one power version (``extra``: its other printed columns)."""
    cells = tuple(_c(f, "str", label) for f, label in FIELDS.items())
    extras = tuple(_c(f, "str") for f in extra)
    key = (_c("sheet", "str", "工作表"), _c("row", "int", "行", nullable=False))
    return {
        "items": Table("items", "清单事项", "", (*key, _c("seq", "str", "序号"), *cells, *extras,
                                            _c("page_start", "int"), _c("page_end", "int"),
                                            _c("ocr_min_conf", "float")), key=KEY),
        "sub_items": Table("sub_items", "子项", "", (*key, _c("sub_no", "int"),
                                                   _c("seq", "str"), *cells, *extras)),
        "citations": Table("citations", "依据条款", "", (*key, _c("field", "str"), *(
            _c(k, "bool" if k == "parsed" else "int" if k in (
                "citation_no", "article", "paragraph", "item") else "str")
            for k in ("citation_no", "law_type", "law", "law_note", "article_ref", "article",
                      "paragraph", "item", "article_text", "parsed")))),
        "tasks": Table("tasks", "责任事项", "", (*key, _c("field", "str"), _c("task_no", "int"),
                                             _c("level", "int"), _c("section", "str"),
                                             _c("marker", "str"), _c("parent_no", "int"),
                                             _c("text", "str"))),
        "columns": Table("columns", "列", "", (_c("position", "int"), _c("field", "str"),
                                              _c("label", "str"), _c("role", "str"),
                                              _c("span", "int"))),
    }


def power_rows(which: str) -> dict[str, list[dict]]:
    """The rows of each table of the list ``which`` (a key of ``POWER_LISTS``)."""
    spec = POWER_LISTS[which]
    printed = spec["printed"]
    extra = spec["extra"]
    paged = spec["source_format"] == "pdf"
    items = []
    for i, item in enumerate(spec["items"]):
        row = {**item, **{f: None for f in FIELDS if f not in printed}}
        if "power_type" not in printed and item["sheet"]:  # the sheet states the type
            row["power_type"] = item["power_type"]
        for field, (_, values) in extra.items():
            row[field] = values[i]
        row["page_start"] = row["page_end"] = (i + 1) if paged else None
        items.append(row)
    by_row = {it["row"]: it for it in items}
    sub_items = [{**by_row[s["row"]], "sheet": by_row[s["row"]]["sheet"], **s}
                 for s in spec["sub_items"]]
    columns = [ProfileColumn(f, FIELDS[f], ROLES.get(f, "text"), j)
               for j, f in enumerate(printed)]
    parsed = parse_items(items, columns, {"citations": "power"}, key=KEY)
    column_rows = [{"position": 1, "field": "seq", "label": "序号", "role": "key", "span": 1}]
    column_rows += [{"position": j + 2, "field": c.field, "label": c.label, "role": c.role,
                     "span": 2 if c.field == "level_authority" else 1}
                    for j, c in enumerate(columns)]
    column_rows += [{"position": len(column_rows) + k + 1, "field": f, "label": label,
                     "role": "text", "span": 1} for k, (f, (label, _)) in enumerate(extra.items())]
    return {"items": items, "sub_items": sub_items, "citations": parsed["citations"],
            "tasks": parsed["tasks"], "columns": column_rows}


def power_notice(which: str) -> dict:
    """notice.json of the list ``which``, as the extraction writes it."""
    spec = POWER_LISTS[which]
    digest = hashlib.sha256(spec["list_title"].encode()).hexdigest()
    sheets = sorted({it["sheet"] for it in spec["items"] if it["sheet"]})
    return {
        "version": f"{spec['date']}_{digest[:8]}", "doc_no": None, "date": spec["date"],
        "title": spec["list_title"], "issuers": [spec["items"][0]["exercising_body"]],
        "list_title": spec["list_title"], "parent_doc_no": None,
        "item_count": len(spec["items"]), "source_file": spec["source_file"],
        "source_sha256": digest, "source_format": spec["source_format"], "profile": "power",
        "notes": [], "page_count": len(spec["items"]) if spec["source_format"] == "pdf" else 1,
        "table_pages": None, "pipeline_version": __version__,
        "extracted_at": "2024-08-01T00:00:00Z",
        "sheets": [{"name": s, "read": True, "items": sum(it["sheet"] == s for it in
                                                          spec["items"])} for s in sheets],
        "warnings": [],
    }


def write_power_version(root: Path, which: str) -> Path:
    """Write the list ``which`` as a version folder under ``root``; return the folder."""
    notice = power_notice(which)
    tables = power_tables(tuple(POWER_LISTS[which]["extra"]))
    rows = power_rows(which)
    frames = {name: tables[name].frame(rows[name]) for name in tables}
    return write_tables(frames, Path(root) / notice["version"], {"notice.json": notice})
