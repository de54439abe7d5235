"""Random lists in the gold JSON format, so the layout tests do not only read the 2021 text.

Seeded and deterministic.  Items vary in length and shape: numbered tasks
with or without ① children, section headings that restart the numbering, a
single unnumbered task, laws with a parenthesised note or without articles,
departments with a shared 部门 suffix, multi-paragraph contents and remarks.
"""

from __future__ import annotations

import random

_VERBS = (
    "协助开展",
    "协助做好",
    "配合做好",
    "组织开展",
    "督促落实",
    "及时报告",
    "广泛宣传",
    "登记核实",
    "定期排查",
    "走访了解",
    "收集上报",
    "指导推进",
    "积极参与",
    "认真落实",
)
_OBJECTS = (
    "社区居民",
    "困难群众",
    "流动人口",
    "辖区企业",
    "公共场所",
    "重点人员",
    "独居老人",
    "留守儿童",
    "住房安全隐患",
    "消防设施",
    "食品安全",
    "环境卫生",
    "安全生产",
    "防汛抗旱",
    "矛盾纠纷",
    "文明创建",
    "垃圾分类",
    "健康教育",
    "退役军人",
    "残疾人",
    "农村集体资产",
    "老旧小区",
    "地质灾害点",
    "乡（镇）人民政府交办事项",
    "街道办事处委托事项",
)
_TAILS = (
    "相关情况",
    "基本信息",
    "政策宣传",
    "日常管理",
    "隐患排查",
    "信息采集",
    "动态管理",
    "服务保障",
    "宣传教育",
    "监督检查",
    "登记造册",
    "跟踪回访",
    "统计报送",
    "评议公示",
)
_CLAUSES = (
    "发现问题及时向乡镇人民政府（街道办事处）报告",
    "建立工作台账并定期更新",
    "通过电话、QQ、APP等渠道报送相关信息",
    "每季度不少于2次",
    "做到底数清、情况明",
    "引导群众依法有序参与",
    "对符合条件的予以登记",
    "在24小时内上报",
    "做好记录和归档工作",
    "配合有关部门开展联合检查",
    "对反映的问题进行调查处理",
    "落实“一户一档”管理要求",
)
_SECTIONS = ("信息报送", "日常管理", "应急处置", "宣传引导", "服务保障", "救助对象补助")
_LAW_PREFIX = ("中华人民共和国", "重庆市", "", "国家")
_LAW_TOPIC = (
    "社区服务",
    "城乡规划",
    "消防",
    "防震减灾",
    "城市居民委员会组织",
    "村民委员会组织",
    "老年人权益保障",
    "残疾人保障",
    "安全生产",
    "人口与计划生育",
    "物业管理",
    "禁毒",
    "慈善",
    "志愿服务",
    "公共文化服务保障",
    "食品安全",
    "动物防疫",
    "地质灾害防治",
)
_LAW_KIND = ("法", "条例", "办法", "实施办法", "暂行办法", "规定", "若干规定")
_DEPTS_SUFFIXED = (
    "民政",
    "公安",
    "卫生健康",
    "城市管理",
    "规划自然资源",
    "生态环境",
    "文化旅游",
    "市场监管",
    "农业农村",
    "住房城乡建设",
    "应急管理",
    "教育",
    "司法行政",
    "人力社保",
)
_DEPTS_OTHER = ("消防总队", "应急管理部", "相关部门", "气象局", "团市委", "市妇联")
_REMARKS = ("新增", "区县自定", "2023年调整", "试行", "按季度开展")
_DIGITS = "零一二三四五六七八九"
_ISSUERS = (
    "重庆市民政局",
    "重庆市公安局",
    "重庆市应急管理局",
    "重庆市卫生健康委员会",
    "重庆市城市管理局",
    "重庆市规划和自然资源局",
    "重庆市气象局",
    "中共重庆市委政法委员会",
    "重庆市民族宗教事务委员会",
)


def _cn(n: int) -> str:
    """Chinese numeral as printed in article numbers (1..199)."""
    if n < 10:
        return _DIGITS[n]
    if n < 20:
        return "十" + (_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return _DIGITS[n // 10] + "十" + (_DIGITS[n % 10] if n % 10 else "")
    rest = n % 100
    head = "一百"
    if rest == 0:
        return head
    if rest < 10:
        return head + "零" + _DIGITS[rest]
    if rest < 20:
        return head + "一十" + (_DIGITS[rest % 10] if rest % 10 else "")
    return head + _cn(rest)


def _sentence(rng: random.Random, clauses: int) -> str:
    parts = [f"{rng.choice(_VERBS)}{rng.choice(_OBJECTS)}{rng.choice(_TAILS)}"]
    for _ in range(clauses):
        parts.append(
            rng.choice(_CLAUSES)
            if rng.random() < 0.6
            else f"{rng.choice(_VERBS)}{rng.choice(_OBJECTS)}{rng.choice(_TAILS)}"
        )
    return "，".join(parts) + "。"


def _text(rng: random.Random, lo: int, hi: int) -> str:
    return "".join(_sentence(rng, rng.randint(0, 2)) for _ in range(rng.randint(lo, hi)))


def _tasks(rng: random.Random) -> list[dict]:
    shape = rng.random()
    if shape < 0.1:
        return [{"section": None, "marker": None, "text": _text(rng, 1, 2), "children": []}]
    sections = rng.sample(_SECTIONS, 2) if shape > 0.85 else [None]
    tasks = []
    for section in sections:
        for k in range(1, rng.randint(2 if section else 1, 4) + 1):
            kids = []
            if rng.random() < 0.35:
                kids = [
                    {"marker": "①②③④⑤"[j], "text": _text(rng, 1, 2)}
                    for j in range(rng.randint(1, 3))
                ]
            tasks.append(
                {"section": section, "marker": f"{k}.", "text": _text(rng, 1, 2), "children": kids}
            )
    return tasks


def _basis(rng: random.Random) -> list[dict]:
    laws = []
    for _ in range(rng.randint(1, 3)):
        topic = rng.choice(_LAW_TOPIC)
        law = f"{rng.choice(_LAW_PREFIX)}{topic}{rng.choice(_LAW_KIND)}"
        if any(b["law"] == law for b in laws):
            continue
        note = (
            f"{rng.randint(2010, 2022)}年{rng.randint(1, 12)}月修订"
            if rng.random() < 0.15
            else None
        )
        arts: list[str] = []
        if rng.random() > 0.1:
            for n in sorted(rng.sample(range(1, 130), rng.randint(1, 4))):
                a = f"第{_cn(n)}条"
                if rng.random() < 0.25:
                    a += f"第{_cn(rng.randint(1, 4))}款"
                arts.append(a)
        laws.append({"law": law, "note": note, "articles": arts})
    return laws


def _departments(rng: random.Random) -> tuple[str, list[str]]:
    if rng.random() < 0.2:
        d = rng.choice(_DEPTS_OTHER)
        return d, [d]
    names = rng.sample(_DEPTS_SUFFIXED, rng.randint(1, 4))
    full = [f"{n}部门" for n in names]
    if len(names) > 1 and rng.random() < 0.5:
        return "、".join(names) + "部门", full
    return "、".join(full), full


def random_gold(seed: int, n_items: int = 8) -> dict:
    """A list of ``n_items`` random items in the gold JSON format (seeded)."""
    rng = random.Random(seed)
    items = []
    for seq in range(1, n_items + 1):
        name = f"{rng.choice(_VERBS)}{rng.choice(_OBJECTS)}{rng.choice(_TAILS)}"
        if rng.random() < 0.1:
            name += "，" + rng.choice(_CLAUSES)
        content = _text(rng, 1, 2)
        if rng.random() < 0.15:
            content += "\n" + _text(rng, 1, 1)
        basis = _basis(rng)
        basis_text = "\n".join(
            f"《{b['law']}》" + (f"（{b['note']}）" if b["note"] else "") + "、".join(b["articles"])
            for b in basis
        )
        dept_text, depts = _departments(rng)
        items.append(
            {
                "seq": seq,
                "name": name,
                "content": content,
                "tasks": _tasks(rng),
                "basis_text": basis_text,
                "basis": basis,
                "department_text": dept_text,
                "departments": depts,
                "remarks": rng.choice(_REMARKS) if rng.random() < 0.2 else "",
            }
        )
    year = 2022 + seed % 4
    list_title = "村（社区）依法协助政府工作事项清单"
    return {
        "notice": {
            "title": f"关于印发《{list_title}》的通知",
            "doc_no": f"渝民发〔{year}〕{seed % 40 + 1}号",
            "date": f"{year}-{seed % 12 + 1:02d}-{seed % 27 + 1:02d}",
            "issuers": list(_ISSUERS[: 2 + seed % len(_ISSUERS)]),
            "list_title": list_title,
            "parent_doc_no": "渝府办发〔2019〕23号",
        },
        "items": items,
    }
