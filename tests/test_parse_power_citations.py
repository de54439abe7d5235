"""parse_power_citations: a 权责清单 依据 cell → one row per cited article, with its text."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.cells.power_citations import ROW_KEYS, parse_power_citations

#: What the parser drops (module docstring): white space, the brackets around type,
#: title and note, colons, separators.  Removed on both sides before a rebuild.
DROPPED = re.compile(r"[\s【】《》（）():：、，,；;。.．]")
#: A prefix (设定依据：) and a law's number (1. （一） ①) as they read once DROPPED is gone.
LEAD = re.compile(r"(?:[\u4e00-\u9fff]{0,8}[依根]据)?"
                  r"(?:[0-9０-９]{1,2}|[一二三四五六七八九十]{1,3}|[①-⑳⑴-⒇⒈-⒛])?")

HUSBANDRY = (
    "【法律】《中华人民共和国畜牧法》（2005年12月29日第十届全国人民代表大会常务委员会第十九次会议"
    "通过 根据2015年4月24日第十二届全国人民代表大会常务委员会第十四次会议《关于修改〈中华人民"
    "共和国计量法〉等五部法律的决定》修正 2022年10月30日第十三届全国人民代表大会常务委员会"
    "第三十七次会议修订）\n"
    "第二十二条第一款：从事种畜禽生产经营或者生产经营商品代仔畜、雏禽的单位、个人，应当取得种畜禽"
    "生产经营许可证。申请人应当具备下列条件：（一）符合国家规定的种畜禽品种；（二）有与生产经营规模"
    "相适应的畜牧兽医技术人员；（三）违反本法第二十四条规定的除外。\n"
    "第二十四条：申请取得生产经营商品代仔畜、雏禽的许可证，应当向县级人民政府畜牧兽医行政主管部门提出申请。\n"
    "【规章】《种畜禽生产经营许可管理办法》第四十条、第四十一条：县级以上地方人民政府农业农村主管部门"
    "应当加强监督检查。\n"
    "【规范性文件】关于进一步加强畜禽种业管理的通知（农牧发〔2019〕1号）"
)


def view(rows, *keys):
    return [tuple(r[k] for k in keys) for r in rows]


def nospace(s):
    return None if s is None else re.sub(r"\s+", "", s)


# --- the form, one phenomenon each --------------------------------------------

def test_row_keys_and_numbering():
    rows = parse_power_citations(HUSBANDRY)
    assert [tuple(r) for r in rows] == [ROW_KEYS] * 5
    assert [r["citation_no"] for r in rows] == [1, 2, 3, 4, 5]
    assert all(r["parsed"] is True for r in rows)


def test_several_laws_in_one_cell_with_their_types():
    rows = parse_power_citations(HUSBANDRY)
    assert view(rows, "law_type", "law") == [
        ("法律", "中华人民共和国畜牧法"), ("法律", "中华人民共和国畜牧法"),
        ("规章", "种畜禽生产经营许可管理办法"), ("规章", "种畜禽生产经营许可管理办法"),
        ("规范性文件", "关于进一步加强畜禽种业管理的通知")]


def test_law_note_is_the_bracket_after_the_title_nested_brackets_kept():
    note = parse_power_citations(HUSBANDRY)[0]["law_note"]
    assert note.startswith("2005年12月29日第十届") and note.endswith("第三十七次会议修订")
    assert "《关于修改〈中华人民共和国计量法〉等五部法律的决定》修正" in note


def test_several_articles_of_one_law_each_with_its_text():
    rows = parse_power_citations(HUSBANDRY)[:2]
    assert view(rows, "article_ref", "article", "paragraph") == [("第二十二条第一款", 22, 1),
                                                              ("第二十四条", 24, None)]
    assert rows[0]["article_text"].startswith("从事种畜禽生产经营")
    assert rows[0]["article_text"].endswith("（三）违反本法第二十四条规定的除外。")
    assert rows[1]["article_text"].startswith("申请取得生产经营商品代仔畜")


def test_numbered_items_inside_article_text_do_not_start_an_article():
    rows = parse_power_citations("《甲法》第三条：应当具备下列条件：\n（一）有场所；\n"
                                 "（二）有人员；\n(三)有制度。\n第四条：乙")
    assert view(rows, "article_ref") == [("第三条",), ("第四条",)]
    assert "（二）有人员" in rows[0]["article_text"] and "(三)有制度" in rows[0]["article_text"]


def test_article_cited_inside_a_provision_does_not_start_an_article():
    rows = parse_power_citations("《甲法》第三十条：违反本法\n第二十二条规定的，依照本法\n第五条、"
                                 "第六条的规定处罚。第二十二条第一款所称种畜禽，是指……。\n第三十一条：乙")
    assert view(rows, "article_ref") == [("第三十条",), ("第三十一条",)]
    assert "第二十二条第一款所称种畜禽" in rows[0]["article_text"]


def test_law_quoted_inside_a_provision_does_not_start_a_law():
    rows = parse_power_citations("《甲法》第九条：依照\n《乙法》的规定，"
                                 "依照《丙条例》第四条处理。\n第十条：丁")
    assert view(rows, "law", "article_ref") == [("甲法", "第九条"), ("甲法", "第十条")]
    assert "《乙法》的规定" in rows[0]["article_text"]


def test_articles_listed_together_share_their_text():
    rows = parse_power_citations("《甲办法》第四十条、第四十一条，第四十二条：共同的条文。")
    assert view(rows, "article_ref", "article", "article_text") == [
        ("第四十条", 40, "共同的条文。"), ("第四十一条", 41, "共同的条文。"),
        ("第四十二条", 42, "共同的条文。")]


def test_article_paragraph_and_item_numbers():
    rows = parse_power_citations("《甲法》第二十二条第一款第（一）项、第二款第3项、第(十二)项、"
                                 "第一百零五条之一：文")
    assert view(rows, "article_ref", "article", "paragraph", "item") == [
        ("第二十二条第一款第（一）项", 22, 1, 1), ("第二款第3项", None, 2, 3),
        ("第(十二)项", None, None, 12), ("第一百零五条之一", 105, None, None)]


def test_invalid_numeral_keeps_the_reference_with_a_null_number():
    rows = parse_power_citations("《甲法》第十十五条第二款：文")
    assert view(rows, "article_ref", "article", "paragraph") == [("第十十五条第二款", None, 2)]


def test_range_of_articles_is_one_reference_as_printed():
    rows = parse_power_citations("《甲法》第四十条至第四十二条：文")
    assert view(rows, "article_ref", "article", "article_text") == [
        ("第四十条至第四十二条", None, "文")]


def test_reference_printed_without_di_after_the_title():
    assert view(parse_power_citations("《甲法》三十九条：文"), "article_ref", "article") == [
        ("三十九条", 39)]


def test_angle_brackets_inside_titles_are_kept():
    rows = parse_power_citations("【地方性法规】《某省实施〈中华人民共和国畜牧法〉办法》"
                                 "第三条：甲\n【规章】《某市<动物防疫条例>实施细则》第四条：乙\n"
                                 "【法规】《某省实施《某某法》办法》第五条：丙")
    assert view(rows, "law_type", "law") == [
        ("地方性法规", "某省实施〈中华人民共和国畜牧法〉办法"),
        ("规章", "某市<动物防疫条例>实施细则"), ("法规", "某省实施《某某法》办法")]


def test_full_and_half_width_colons_and_brackets():
    full = parse_power_citations("【法律】《甲法》（2005年通过）第三条：文。第四条：文二")
    half = parse_power_citations("【法律】《甲法》(2005年通过)第三条:文。第四条:文二")
    assert view(full, "law_note", "article_ref", "article_text") == view(
        half, "law_note", "article_ref", "article_text") == [
        ("2005年通过", "第三条", "文。"), ("2005年通过", "第四条", "文二")]


def test_article_text_after_a_space_instead_of_a_colon():
    rows = parse_power_citations("《甲法》第三条 从事生产的，应当登记。\n"
                                 "第四条　申请人应当提交材料。")
    assert view(rows, "article_ref", "article_text") == [("第三条", "从事生产的，应当登记。"),
                                                        ("第四条", "申请人应当提交材料。")]


def test_law_without_type():
    rows = parse_power_citations("《中华人民共和国行政许可法》第十二条：下列事项可以设定行政许可")
    assert view(rows, "law_type", "law", "article") == [(None, "中华人民共和国行政许可法", 12)]


def test_law_without_articles():
    rows = parse_power_citations("【法律】《甲法》（2020年修订）\n"
                                 "【行政法规】《乙条例》、《丙办法》")
    # (a type is the one printed before the title: 丙办法 has none of its own)
    assert view(rows, "law_type", "law", "law_note", "article_ref", "article_text") == [
        ("法律", "甲法", "2020年修订", None, None), ("行政法规", "乙条例", None, None, None),
        (None, "丙办法", None, None, None)]


def test_type_without_book_title():
    rows = parse_power_citations("【规范性文件】关于印发《某某办法（试行）》的通知"
                                 "（某政发〔2019〕3号）第五条：文\n"
                                 "【国务院决定】国务院对确需保留的行政审批项目设定行政许可的决定")
    assert view(rows, "law_type", "law", "law_note", "article_ref") == [
        ("规范性文件", "关于印发《某某办法（试行）》的通知", "某政发〔2019〕3号", "第五条"),
        ("国务院决定", "国务院对确需保留的行政审批项目设定行政许可的决定", None, None)]


def test_bare_law_name_at_the_start_of_a_cell():
    rows = parse_power_citations("中华人民共和国畜牧法第二十二条：文")
    assert view(rows, "law_type", "law", "article_ref", "article_text") == [
        (None, "中华人民共和国畜牧法", "第二十二条", "文")]


@pytest.mark.parametrize("prefix", ["依据：", "设定依据：", "实施依据:", "【设定依据】",
                                    "法律依据：\n", "1.", "（一）", "①", "依据", "根据"])
def test_prefixes_and_numbers_before_a_law_are_dropped(prefix):
    rows = parse_power_citations(f"{prefix}【法律】《甲法》第三条：文\n"
                                 f"{prefix}《乙条例》第四条：文二")
    assert view(rows, "law_type", "law", "article_ref", "article_text") == [
        ("法律", "甲法", "第三条", "文"), (None, "乙条例", "第四条", "文二")]


def test_lost_closing_title_bracket_ends_the_title_at_its_first_article():
    rows = parse_power_citations("《甲法第三条：文")
    assert view(rows, "law", "article_ref", "article_text") == [("甲法", "第三条", "文")]


def test_unclosed_note_runs_to_the_first_article():
    rows = parse_power_citations("《甲法》（2005年通过\n第三条：文")
    assert view(rows, "law_note", "article_ref", "article_text") == [("2005年通过", "第三条", "文")]


def test_text_between_a_title_and_its_first_article_is_a_row_of_its_own():
    rows = parse_power_citations("《甲法》相关规定：\n第三条：文")
    assert view(rows, "article_ref", "article_text") == [(None, "相关规定："), ("第三条", "文")]


@pytest.mark.parametrize("cell", ["无", "按照国家有关规定执行。", "/", "详见附件：《甲法》第三条"])
def test_a_cell_that_does_not_open_with_a_law_is_one_unparsed_row(cell):
    assert parse_power_citations(cell) == [{
        "citation_no": 1, "law_type": None, "law": None, "law_note": None, "article_ref": None,
        "article": None, "paragraph": None, "item": None, "article_text": cell, "parsed": False}]


@pytest.mark.parametrize("cell", ["", "  ", "\n\u3000", None, 12])
def test_empty_cells_give_no_rows(cell):
    assert parse_power_citations(cell) == []


# --- line breaks anywhere ------------------------------------------------------

def wrap(text, width, offset=0):
    """Break the text every ``width`` characters (a narrow PDF column), shifted by ``offset``."""
    flat = text.replace("\n", "")
    cuts = range(offset % width or width, len(flat), width)
    out, last = [], 0
    for c in cuts:
        out.append(flat[last:c])
        last = c
    return "\n".join([*out, flat[last:]])


def comparable(rows):
    return [tuple(nospace(r[k]) if isinstance(r[k], str) else r[k] for k in ROW_KEYS)
            for r in rows]


@pytest.mark.parametrize("width", [1, 2, 3, 5, 8, 13, 21])
def test_line_breaks_anywhere_give_the_same_rows(width):
    expected = comparable(parse_power_citations(HUSBANDRY))
    for offset in range(min(width, 4)):
        assert comparable(parse_power_citations(wrap(HUSBANDRY, width, offset))) == expected


# --- properties ---------------------------------------------------------------

def _lead_ends(target, p):
    return [q for q in range(p, min(len(target), p + 12) + 1) if LEAD.fullmatch(target, p, q)]


def rebuilds(text, rows):
    """True if the rows give back the cell's characters, up to what the parser drops.

    A law's type, title and note are printed once before its articles (each row
    repeats them), after an optional prefix and number; references listed
    together print their shared text once, after the last of them.
    """
    if rows and not rows[0]["parsed"]:
        return len(rows) == 1 and rows[0]["article_text"] == text.strip()
    d = lambda s: DROPPED.sub("", s or "")  # noqa: E731
    target = d(text)
    reach, previous = {0}, None
    for i, r in enumerate(rows):
        law = (r["law_type"], r["law"], r["law_note"])
        header, ref, body = d("".join(x or "" for x in law)), d(r["article_ref"]), d(
            r["article_text"])
        nxt = rows[i + 1] if i + 1 < len(rows) else None
        shared = (nxt is not None and r["article_ref"] is not None
                  and nxt["article_ref"] is not None and nxt["article_text"] == r["article_text"]
                  and (nxt["law_type"], nxt["law"], nxt["law_note"]) == law)
        new = set()
        for p in reach:
            starts = {q + len(header) for q in _lead_ends(target, p)
                      if target.startswith(header, q)}
            if previous == law:
                starts.add(p)
            for s in starts:
                if target.startswith(ref, s):
                    e = s + len(ref)
                    if target.startswith(body, e):
                        new.add(e + len(body))
                    if shared:
                        new.add(e)
        reach, previous = new, law
    return len(target) in reach


def test_rebuild_check_can_fail():
    rows = parse_power_citations("《甲法》第一条：文")
    assert rebuilds("《甲法》第一条：文", rows)
    assert not rebuilds("《甲法》第二条：文", rows)
    assert not rebuilds("《甲法》第一条：文字", rows)


def test_the_husbandry_cell_rebuilds():
    assert rebuilds(HUSBANDRY, parse_power_citations(HUSBANDRY))


CELL_ALPHABET = st.sampled_from(list(
    "【】《》〈〉<>（）()：:、，,；;。第条款项之至一二三四五十百零0123法例办规定依据设通过年"
    "律规章 \n\u3000A（一）1.①的违反本"))


@settings(max_examples=500, deadline=None)
@given(st.lists(CELL_ALPHABET, max_size=80).map("".join))
def test_never_raises_and_never_loses_characters_cell_alphabet(text):
    rows = parse_power_citations(text)
    assert rebuilds(text, rows), rows
    for r in rows:
        assert tuple(r) == ROW_KEYS
        assert r["article_ref"] is None or (r["article_ref"] != ""
                                            and not re.search(r"\s", r["article_ref"]))
        assert r["article_text"] is None or r["article_text"] == r["article_text"].strip() != ""


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_never_raises_and_never_loses_characters_any_text(text):
    assert rebuilds(text, parse_power_citations(text))


# --- generated cells: the parser reads back what was printed -------------------

DIGITS = "零一二三四五六七八九"


def numeral(n):
    """1..999 as printed in a law (十五, 一百零五, 二百三十)."""
    h, t, u = n // 100, n // 10 % 10, n % 10
    out = (DIGITS[h] + "百") if h else ""
    if t:
        out += ("" if (t == 1 and not h) else DIGITS[t]) + "十"
    elif h and u:
        out += "零"
    return out + (DIGITS[u] if u else "")


HAN = st.text(alphabet="甲乙丙丁戊己庚辛壬癸生产经营许可管理监督检查安全", min_size=1, max_size=8)


@st.composite
def provision(draw):
    parts = draw(st.lists(st.one_of(
        HAN.map(lambda s: s + "的，"), HAN.map(lambda s: f"依照《{s}法》的规定，"),
        st.integers(1, 300).map(lambda n: f"违反本法第{numeral(n)}条规定的，"),
        st.integers(1, 9).map(lambda n: f"（{DIGITS[n]}）{n}项内容；"),
    ), min_size=1, max_size=4))
    return "".join(parts) + draw(HAN) + "。"


@st.composite
def reference(draw):
    art = draw(st.integers(1, 300))
    par = draw(st.one_of(st.none(), st.integers(1, 9)))
    item = draw(st.one_of(st.none(), st.integers(1, 9)))
    ref = f"第{numeral(art)}条" + (f"第{numeral(par)}款" if par else "")
    ref += (f"第（{numeral(item)}）项" if item else "")
    return ref, art, par, item


@st.composite
def law(draw):
    law_type = draw(st.sampled_from([None, "法律", "行政法规", "地方性法规", "规章", "规范性文件",
                                     "国务院决定"]))
    title = draw(HAN) + draw(st.sampled_from(["", "〈实施〉", "<细则>"])) + draw(
        st.sampled_from(["法", "条例", "办法", "规定"]))
    bare = law_type is not None and draw(st.booleans())
    note = draw(st.one_of(st.none(), st.integers(1990, 2024).map(lambda y: f"{y}年修订")))
    articles = draw(st.lists(st.tuples(st.lists(reference(), min_size=1, max_size=2),
                                       provision()), max_size=3))
    if articles and draw(st.booleans()):  # the last article printed without text
        articles[-1] = (articles[-1][0], None)
    return law_type, title, bare, note, articles


@st.composite
def cell(draw):
    laws = draw(st.lists(law(), min_size=1, max_size=3))
    colon = draw(st.sampled_from(["：", ":", " "]))
    between = draw(st.sampled_from(["\n", "；", "；\n"]))
    numbered = draw(st.booleans())
    out = [draw(st.sampled_from(["", "依据：", "设定依据：\n"]))]
    rows = []
    for n, (law_type, title, bare, note, articles) in enumerate(laws, 1):
        out.append(between if n > 1 else "")
        out.append(f"{n}." if numbered else "")
        out.append(f"【{law_type}】" if law_type else "")
        out.append(title if bare else f"《{title}》")
        out.append(f"（{note}）" if note else "")
        out.append("\n" if articles and bare else "")
        if not articles:
            rows.append((law_type, title, note, None, None, None, None, None))
        for refs, text in articles:
            out.append("\n" + "、".join(r[0] for r in refs))
            if text:
                out.append(colon + text)
            rows += [(law_type, title, note, ref, art, par, item, text)
                     for ref, art, par, item in refs]
    return "".join(out), rows


@settings(max_examples=120, deadline=None)
@given(cell(), st.integers(0, 12))
def test_generated_cells_are_read_back(generated, width):
    text, expected = generated
    if width:  # printed in a narrow column: a break anywhere (the printed breaks kept)
        text = "\n".join(wrap(line, width + 3) for line in text.split("\n"))
    got = [(r["law_type"], nospace(r["law"]), r["law_note"], r["article_ref"], r["article"],
            r["paragraph"], r["item"], nospace(r["article_text"]))
           for r in parse_power_citations(text)]
    want = [(t, law, note and nospace(note), ref, art, par, item, nospace(body))
            for t, law, note, ref, art, par, item, body in expected]
    got = [(*g[:2], nospace(g[2]), *g[3:]) for g in got]
    assert got == want, text


# --- parse_items: the profile chooses the parser by name -------------------------

def power_columns():
    from pipeline.profiles import Column

    return [Column("item_name", "事项名称", "text", 1), Column("basis", "实施依据", "citations", 2),
            Column("responsibility_basis", "责任事项依据", "citations", 3),
            Column("responsibility", "责任事项", "tasks", 4)]


def power_items():
    return [{"sheet": "行政处罚（2项）", "row": 1, "seq": "1", "item_name": "甲",
             "basis": "【法律】《甲法》第三条：文", "responsibility_basis": "",
             "responsibility": "1.受理阶段责任：受理。2.审查阶段责任：审查。"},
            {"sheet": "行政处罚（2项）", "row": 2, "seq": "2,3", "item_name": "乙",
             "basis": "无", "responsibility_basis": "《乙条例》第四条、第五条：文二",
             "responsibility": ""}]


def test_parse_items_reads_power_citations_keyed_by_sheet_row_and_field():
    from pipeline.cells.parse import parse_items

    out = parse_items(power_items(), power_columns(), {"citations": "power"}, key=("sheet", "row"))
    assert [(r["sheet"], r["row"], r["field"], r["citation_no"], r["law"], r["article_ref"],
             r["parsed"]) for r in out["citations"]] == [
        ("行政处罚（2项）", 1, "basis", 1, "甲法", "第三条", True),
        ("行政处罚（2项）", 2, "basis", 1, None, None, False),
        ("行政处罚（2项）", 2, "responsibility_basis", 1, "乙条例", "第四条", True),
        ("行政处罚（2项）", 2, "responsibility_basis", 2, "乙条例", "第五条", True)]
    assert list(out["citations"][0]) == ["sheet", "row", "field", *ROW_KEYS]
    assert [(r["row"], r["field"], r["task_no"]) for r in out["tasks"]] == [
        (1, "responsibility", 1), (1, "responsibility", 2)]
    assert out["departments"] == []


def test_parse_items_without_a_choice_reads_citations_the_default_way():
    from pipeline.cells.parse import parse_items

    out = parse_items(power_items(), power_columns(), key=("sheet", "row"))
    assert set(out["citations"][0]) == {"sheet", "row", "field", "citation_no", "law", "note",
                                        "article_ref", "article", "paragraph"}


@pytest.mark.parametrize(("parsers", "message"), [
    ({"citations": "powr"}, "no citations parser named 'powr'"),
    ({"basis": "power"}, "no cell parser for the role 'basis'"),
])
def test_parse_items_refuses_a_parser_it_does_not_have(parsers, message):
    from pipeline.cells.parse import parse_items
    from pipeline.errors import PipelineError

    with pytest.raises(PipelineError, match=message):
        parse_items(power_items(), power_columns(), parsers, key=("sheet", "row"))
