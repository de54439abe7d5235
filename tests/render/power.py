"""权责清单 (power-and-responsibility lists) as departments publish them, with gold.

    make_list(variant, seed) → PowerList      the list a variant prints (deterministic)
    gold_of(plist, sheets=True) → dict        what its extraction must be
    VARIANTS                                  one per phenomenon of issue 18

A ``PowerList`` is its title, printed columns (``Col``: the field a column is,
its label as printed; ``key`` is the field, or ``field#2`` for the second column
under one merged label, or the English name an extra column gets), sheets of
items (``Item``: its 序号 as printed, cells by column key, and the per-row cells
of an item printed over several rows under one merged 序号), and a trailing
备注 row.  Writers (``tests.render.power_files``) lay it out as .xlsx, .xls,
.docx; LibreOffice prints the .xlsx to PDF.  The gold is the extraction the
pipeline must give: items (``sheet``, ``row``, ``seq``, every field), sub_items,
sheets, warnings expected (how many, and a word each must say), the list title
and its notes.  Content is invented but shaped like the real lists: realistic
departments and power types, citations in the 【法律】《…》（…）⏎第X条第Y款：… form,
numbered duties ("1.受理阶段责任：…"), 追责情形 as printed.
"""

from __future__ import annotations

import difflib
import random
import re
from dataclasses import dataclass, field, replace

from tests.render.generic import _numeral  # (the same 第X条 numerals as the generic lists)

#: Known fields in printed order, with their usual label.
LABELS = {
    "seq": "序号", "power_code": "职权编码", "item_name": "事项名称", "sub_item_name": "子项名称",
    "power_type": "权力类型", "basis": "实施依据", "exercising_body": "实施主体",
    "undertaking_unit": "承办机构", "level_authority": "实施层级及权限",
    "responsibility": "责任事项", "accountable": "追责对象范围", "accountability": "追责情形",
    "remedy": "诉求渠道", "remarks": "备注",
}
KNOWN = ("item_name", "sub_item_name", "power_type", "power_code", "basis", "exercising_body",
         "undertaking_unit", "level_authority", "duty", "responsibility",
         "responsibility_basis", "accountable", "accountability", "remedy", "remarks")
DEPARTMENTS = ("市住房和城乡建设局", "市应急管理局", "市市场监督管理局", "市农业农村局",
               "市生态环境局", "市交通运输局")
UNITS = ("行政审批科", "建筑业管理科", "执法监督科", "安全生产基础科", "法规科", "综合行政执法支队")
TYPES = ("行政许可", "行政处罚", "行政强制", "行政检查", "行政确认", "其他行政权力")
SUBJECTS = ("建筑工程施工", "商品房预售", "燃气经营", "种畜禽生产经营", "危险化学品经营",
            "食品生产", "排污", "道路运输经营", "特种设备使用", "城市建筑垃圾处置",
            "户外广告设置", "生猪定点屠宰", "农药经营", "兽药经营", "建设工程消防验收",
            "烟花爆竹经营", "房地产开发企业资质", "犬只养殖", "河道采砂", "机动车维修经营")
ACTIONS = {"行政许可": "许可", "行政处罚": "违法行为的处罚", "行政强制": "查封扣押",
           "行政检查": "监督检查", "行政确认": "备案确认", "其他行政权力": "认定"}
LAWS = (
    ("法律", "中华人民共和国畜牧法",
     "2005年12月29日第十届全国人民代表大会常务委员会第十九次会议通过"
     "　根据2015年4月24日第十二届全国人民代表大会常务委员会第十四次会议《关于修改〈中华人民共和国"
     "计量法〉等五部法律的决定》修正　2022年10月30日第十三届全国人民代表大会常务委员会第三十七次"
     "会议修订"),
    ("法律", "中华人民共和国建筑法", "1997年11月1日第八届全国人民代表大会常务委员会第二十八次会议"
     "通过　根据2019年4月23日第十三届全国人民代表大会常务委员会第十次会议修正"),
    ("行政法规", "城镇燃气管理条例", "2010年11月19日国务院令第583号公布　根据2016年2月6日国务院令"
     "第666号修订"),
    ("法规", "新疆维吾尔自治区安全生产条例", "2017年7月28日新疆维吾尔自治区第十二届人民代表大会"
     "常务委员会第三十次会议修订"),
    ("规章", "建筑工程施工许可管理办法", "2014年6月25日住房和城乡建设部令第18号发布　根据2021年3月"
     "30日住房和城乡建设部令第52号修正"),
    ("国务院决定", "国务院对确需保留的行政审批项目设定行政许可的决定",
     "2004年6月29日国务院令第412号公布"),
)
CLAUSES = ("从事种畜禽生产经营或者生产经营商品代仔畜、雏禽的单位、个人，"
           "应当取得种畜禽生产经营许可证",
           "建筑工程开工前，建设单位应当按照国家有关规定向工程所在地县级以上人民政府建设行政主管部门"
           "申请领取施工许可证",
           "从事燃气经营活动的，应当依法取得燃气经营许可证，并在许可事项规定的范围内经营",
           "生产经营单位应当具备法律、法规和国家标准或者行业标准规定的安全生产条件；不具备安全生产"
           "条件的，不得从事生产经营活动",
           "申请人应当具备下列条件：（一）有与经营规模相适应的场所；（二）有符合要求的设备；"
           "（三）有相应的专业技术人员")
STAGES = ("受理阶段责任：公示依法应当提交的材料；一次性告知补正材料；"
          "依法受理或不予受理（不予受理的应当告知理由）。",
          "审查阶段责任：对申请材料进行审查，提出审查意见；需要现场核查的，组织现场核查。",
          "决定阶段责任：作出准予或者不予许可的决定，不予许可的应当书面告知理由。",
          "送达阶段责任：准予许可的，制作并送达许可证件，信息公开。",
          "事后监管责任：开展定期和不定期检查，依法采取相关处置措施。",
          "其他法律法规规章文件规定应履行的责任。")
ACCOUNTABILITY = ("因不履行或不正确履行行政职责，有下列情形的，"
                  "行政机关及相关工作人员应承担相应责任：\n"
                  "1.对符合法定条件的申请不予受理的；\n2.对不符合法定条件的申请人准予许可的；\n"
                  "3.不依法履行监督职责或者监督不力，造成严重后果的；\n"
                  "4.在实施过程中滥用职权、玩忽职守、徇私舞弊的。")
ACCOUNTABLE = ("承办人员、审核人员、批准人员", "执法人员、审核人员、负责人")
LEVELS = (("地州市级", "负责本级及区县级以上项目的审批"), ("区县级", "负责本行政区域内项目"))
NOTE = "本清单所列事项依据法律法规规章的立改废情况实行动态调整。"


@dataclass(frozen=True)
class Col:
    """A printed column: ``key`` (field, ``field#2``, or an extra column's English
    name), its label as printed (line breaks and spaces as the publisher typed them),
    the sub-label under a merged label, whether Excel hides it."""

    key: str
    label: str
    sub: str = ""
    hidden: bool = False

    @property
    def field(self) -> str:
        return self.key.split("#")[0]


@dataclass
class Item:
    """One printed item: 序号 as printed, cells by column key (merged over its rows),
    and per printed row the cells that differ (``rows``; [] for a one-row item)."""

    seq: str
    cells: dict[str, str]
    rows: list[dict[str, str]] = field(default_factory=list)
    hidden: bool = False  # a row Excel hides (a withdrawn item): not in the gold


@dataclass
class Sheet:
    name: str
    items: list[Item]
    hidden: bool = False
    has_list: bool = True  # False: a cover sheet (no table)


@dataclass
class PowerList:
    title: str
    columns: list[Col]
    sheets: list[Sheet]
    note: str = ""  # a trailing 备注 row (label cell + the text merged over the rest)
    title_row: bool = True


@dataclass(frozen=True)
class Variant:
    """How a list is printed; each flag is one phenomenon of issue 18."""

    name: str
    merged_label: bool = False  # 实施层级及权限 over two columns, no sub-labels
    sub_labels: bool = False  # the same with a row of sub-labels under it
    sheets: str = "one"  # "one", "by_type" (counts in names, one wrong), "by_level"
    odd_seqs: bool = False  # 序号 "2,3", "2、3", "2-3" and one left empty
    note_row: bool = False  # a trailing 备注 row
    sub_rows: bool = False  # 子项 rows under a merged 序号
    hidden: bool = False  # a hidden row, column and sheet
    label_variants: bool = False  # 追责对⏎象范围, 序  号, 权力的类型, 责任事项与依据
    extra_columns: bool = False  # 办理时限, 收费依据及标准, a label no glossary word covers
    cover_sheet: bool = False  # a 填报说明 sheet before the list
    items: int = 12


VARIANTS: dict[str, Variant] = {v.name: v for v in (
    Variant("title_row"),
    Variant("merged_label", merged_label=True),
    Variant("sub_labels", sub_labels=True),
    Variant("sheets_by_type", sheets="by_type", cover_sheet=True, items=14),
    Variant("sheets_by_level", sheets="by_level", items=10),
    Variant("odd_seqs", odd_seqs=True),
    Variant("note_row", note_row=True),
    Variant("sub_rows", sub_rows=True),
    Variant("hidden", hidden=True),
    Variant("label_variants", label_variants=True),
    Variant("extra_columns", extra_columns=True),
    Variant("everything", merged_label=True, sheets="by_type", odd_seqs=True, note_row=True,
            sub_rows=True, hidden=True, label_variants=True, extra_columns=True,
            cover_sheet=True, items=30),
)}


# --------------------------------------------------------------------------- content

def _citation(rng: random.Random, k: int = 0) -> str:
    kind, law, note = LAWS[(k + rng.randrange(len(LAWS))) % len(LAWS)]
    articles = []
    for _ in range(rng.choice((1, 1, 2))):
        ref = f"第{_numeral(rng.randint(2, 60))}条"
        if rng.random() < 0.4:
            ref += f"第{_numeral(rng.randint(1, 3))}款"
        articles.append(f"{ref}：{rng.choice(CLAUSES)}。")
    return "\n".join([f"【{kind}】《{law}》（{note}）", *articles])


def _duties(rng: random.Random) -> str:
    k = rng.randint(3, len(STAGES))
    return "\n".join(f"{i}.{t}" for i, t in enumerate(STAGES[:k], 1))


def _item_cells(rng: random.Random, ptype: str, n: int) -> dict[str, str]:
    subject = SUBJECTS[(n + rng.randrange(3)) % len(SUBJECTS)]
    level = rng.choice(LEVELS)
    return {
        "power_code": f"{'XK' if ptype == '行政许可' else 'XZ'}{n:04d}",
        "item_name": f"{subject}{ACTIONS[ptype]}",
        "power_type": ptype,
        "basis": "\n".join(_citation(rng, k) for k in range(rng.choice((1, 1, 2)))),
        "exercising_body": rng.choice(DEPARTMENTS),
        "undertaking_unit": rng.choice(UNITS),
        "level_authority": level[0], "level_authority#2": level[1],
        "responsibility": _duties(rng),
        "accountable": rng.choice(ACCOUNTABLE),
        "accountability": ACCOUNTABILITY,
        "remedy": "12345政务服务便民热线",
        "remarks": rng.choice(("", "", "", "新增", "名称调整")),
        "handling_time_limit": f"{rng.choice((5, 10, 15, 20))}个工作日",
        "fee_basis_and_standard": rng.choice(("不收费", "不收费", "按国家规定标准收取")),
        "spare": rng.choice(("", "是", "否")),
    }


def _columns(v: Variant) -> list[Col]:
    cols = [Col("seq", "序  号" if v.label_variants else "序号")]
    if v.hidden:
        cols.append(Col("internal_code", "内部编码", hidden=True))
    cols += [Col("item_name", "事项名称"), Col("sub_item_name", "子项名称")]
    if v.sheets != "by_type":  # (sheets by type state the type in their names)
        cols.append(Col("power_type", "权力的类型" if v.label_variants else "权力类型"))
    cols += [Col("basis", "实施依据"), Col("exercising_body", "实施主体")]
    if v.merged_label or v.sub_labels:
        subs = ("地州市级", "负责本级") if v.sub_labels else ("", "")
        cols += [Col("level_authority", "实施层级及权限", subs[0]),
                 Col("level_authority#2", "实施层级及权限", subs[1])]
    cols += [Col("responsibility", "责任\n事项" if v.label_variants else "责任事项"),
             Col("accountable", "追责对\n象范围" if v.label_variants else "追责对象范围"),
             Col("accountability", "追责情形")]
    if v.extra_columns:
        cols += [Col("handling_time_limit", "办理时限"),
                 Col("fee_basis_and_standard", "收费依据及标准"),
                 Col("spare", "备用栏")]  # (备 and 用栏 are no glossary words: column_<n>)
    cols.append(Col("remarks", "备注"))
    return cols


def make_list(v: Variant, seed: int = 0) -> PowerList:
    """The list ``v`` prints (seeded: the same list every time)."""
    rng = random.Random(f"power:{v.name}:{seed}")
    cols = _columns(v)
    if v.sheets == "by_type":
        groups = [("行政许可", v.items // 3), ("行政处罚", v.items - 2 * (v.items // 3)),
                  ("行政检查", v.items // 3)]
    elif v.sheets == "by_level":
        groups = [("地州级", v.items // 2), ("区县级", v.items - v.items // 2)]
    else:
        groups = [("权责清单", v.items)]
    sheets = []
    n = 0
    for g, (group, count) in enumerate(groups):
        items = []
        for i in range(count):
            n += 1
            ptype = group if group in TYPES else TYPES[(n + rng.randrange(2)) % len(TYPES)]
            cells = _item_cells(rng, ptype, n)
            cells["internal_code"] = f"NB-{n:03d}"
            items.append(Item(str(i + 1), cells))
        if v.sub_rows and len(items) > 3:
            item = items[2]
            subject = item.cells["item_name"]
            item.rows = [{"sub_item_name": f"{subject}（{kind}）", "basis": _citation(rng, k)}
                         for k, kind in enumerate(("新办", "变更", "延续"))]
        if v.odd_seqs and g == 0:
            # one row standing for two items, printed three ways; one 序号 left empty
            number = 1
            for k, item in enumerate(items):
                joiner = {1: ",", 3: "、", 5: "-"}.get(k)
                item.seq = (f"{number}{joiner}{number + 1}" if joiner
                            else "" if k == 7 else str(number))
                number += 2 if joiner else 1
        if v.hidden and g == 0:
            withdrawn = Item("0", {**_item_cells(rng, "行政许可", 999),
                                   "item_name": "（已取消）旧事项", "internal_code": "NB-999"},
                             hidden=True)
            items.insert(2, withdrawn)
        name = group
        if v.sheets == "by_type":
            stated = sum(not it.hidden for it in items) + (g == 1)  # the second one is wrong
            name = f"{group}（{stated}项）"
        sheets.append(Sheet(name, items))
    if v.cover_sheet:
        sheets.insert(0, Sheet("填报说明", [], has_list=False))
    if v.hidden:
        old = [Item("1", _item_cells(rng, "行政处罚", 500))]
        sheets.append(Sheet("旧版清单", old, hidden=True))
    title = "住房和城乡建设系统区（县）级权责清单指导目录"
    return PowerList(title, cols, sheets, note=f"备注：{NOTE}" if v.note_row else "")


# --------------------------------------------------------------------------- gold

def gold_of(plist: PowerList, sheets: bool = True) -> dict:
    """The extraction of ``plist`` (``sheets``: read from a workbook, so items carry
    their sheet and the sheets are accounted for; False for PDF or Word)."""
    visible = [c for c in plist.columns if not c.hidden]
    known = set(KNOWN)
    extras = {}
    for pos, c in enumerate(visible, 1):
        if c.field not in known and c.key != "seq":
            extras[c.key] = f"column_{pos}" if c.key == "spare" else c.key
    printed = {c.field for c in visible}
    items, subs, warnings = [], [], 0
    row = 0
    read = [s for s in plist.sheets if s.has_list and not s.hidden]
    for sheet in read:
        stated_type = sheets and next((t for t in TYPES if sheet.name.startswith(t)), None)
        for item in sheet.items:
            if item.hidden:
                continue
            row += 1
            if not re.fullmatch(r"\d+", item.seq):
                warnings += 1
            out = {"sheet": sheet.name if sheets else None, "row": row, "seq": item.seq}
            per_row = [{**item.cells, **r} for r in item.rows] or [item.cells]
            for f in KNOWN:
                if f not in printed:
                    out[f] = None
                    continue
                values = [_value(cells, f, visible) for cells in per_row]
                out[f] = "\n".join(dict.fromkeys(x for x in values if x))
            if "power_type" not in printed and stated_type:
                out["power_type"] = stated_type
            for key, name in extras.items():
                out[name] = item.cells.get(key, "")
            items.append(out)
            for k, cells in enumerate(per_row if item.rows else [], start=1):
                sub = {"sheet": out["sheet"], "row": row, "sub_no": k}
                for f in KNOWN:
                    sub[f] = _value(cells, f, visible) if f in printed else None
                if "power_type" not in printed and stated_type:
                    sub["power_type"] = stated_type
                subs.append(sub)
    accounted = []
    for position, sheet in enumerate(plist.sheets, 1):
        count = sum(1 for it in sheet.items if not it.hidden)
        m = re.search(r"（(\d+)项）", sheet.name)
        if sheet.has_list and not sheet.hidden and m and int(m.group(1)) != count:
            warnings += 1
        accounted.append({"name": sheet.name, "position": position,
                          "read": sheet.has_list and not sheet.hidden,
                          "items": count if sheet.has_list and not sheet.hidden else None,
                          "stated_count": int(m.group(1)) if m else None})
    citations = [{"row": it["row"], "field": "basis", **c}
                 for it in items for c in _cited(it["basis"] or "")]
    return {"items": items, "sub_items": subs, "warnings": warnings, "citations": citations,
            "sheets": accounted if sheets else None, "list_title": plist.title,
            "list_notes": [plist.note.replace("：", " ", 1)] if plist.note else [],
            "fields": ["sheet", "row", "seq", *KNOWN, *extras.values()]}


def _cited(cell: str) -> list[dict]:
    """The citations this generator writes into a basis cell, one per article: a
    "【type】《law》（note）" line, then "第X条(第Y款)：text" lines."""
    out, law = [], None
    for line in cell.split("\n"):
        m = re.match(r"【(.+?)】《(.+?)》", line)
        if m:
            law = {"law_type": m.group(1), "law": m.group(2)}
            continue
        m = re.match(r"(第[^：]+?条(?:第[^：]+?款)?)：", line)
        if m and law:
            out.append({**law, "article_ref": m.group(1)})
    return out


def _value(cells: dict[str, str], f: str, visible: list[Col]) -> str:
    """A field's text in one printed row: a field over two columns, one per line."""
    keys = [c.key for c in visible if c.field == f]
    return "\n".join(x for x in (cells.get(k, "") for k in keys) if x)


# --------------------------------------------------------------------------- scoring

def squash(text) -> str:
    """Text as compared: white space removed (wrapping is no difference)."""
    return "" if text is None else re.sub(r"\s+", "", str(text))


def score_items(gold: dict, items: list[dict]) -> dict[str, float]:
    """Item names matched in order (share of gold items), and characters of every gold
    cell found in the extracted cell (matching blocks, white space removed)."""
    names = difflib.SequenceMatcher(None, [squash(i["item_name"]) for i in gold["items"]],
                                    [squash(i.get("item_name")) for i in items],
                                    autojunk=False)
    named = sum(b.size for b in names.get_matching_blocks())
    total = found = 0
    for g, e in zip(gold["items"], items, strict=False):
        for key in gold["fields"]:
            want, got = squash(g.get(key)), squash(e.get(key))
            total += len(want)
            if want:
                sm = difflib.SequenceMatcher(None, want, got, autojunk=False)
                found += sum(b.size for b in sm.get_matching_blocks())
    total += sum(len(squash(g.get(k))) for g in gold["items"][len(items):]
                 for k in gold["fields"])
    return {"names": named / max(1, len(gold["items"])), "chars": found / max(1, total)}


def without(plist: PowerList, **changes) -> PowerList:
    """A copy of ``plist`` with some of its attributes replaced."""
    return replace(plist, **changes)
