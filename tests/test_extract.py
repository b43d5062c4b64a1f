"""Reading 名词解释 appendices (termkit.corpus.extract): the 上党 seed, fixtures in other formats, properties."""

import json
import re
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from termkit.corpus.extract import components_of, extract_terms, find_appendix, split_entries, to_yaml
from termkit.match.annotator import Annotator
from termkit.glossary import Glossary, read_file
from termkit.glossary.model import to_json

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "shangdang-2023-06-government-work-report.txt"
CASES = Path(__file__).resolve().parent / "cases" / "appendices"
BUNDLED = ROOT / "glossaries" / "shangdang-2023.yaml"


def pdf_clean(text: str) -> str:
    """The file's text with PDF whitespace removed (kept as one space only between ASCII words)."""
    return re.sub(r"\s+", lambda m: " " if _ascii_between(m) else "", text.strip())


def _ascii_between(m: re.Match) -> bool:
    s, a, b = m.string, m.start(), m.end()
    return 0 < a and b < len(s) and s[a - 1].isascii() and s[a - 1].isalnum() and s[b].isascii() and s[b].isalnum()


@pytest.fixture(scope="module")
def seed_text():
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def seed_terms(seed_text):
    return extract_terms(seed_text, SEED.name)


# -- the 上党 appendix --------------------------------------------------------------
# (item, line of the entry, key, headword, how the source writes "headword + separator + lead word",
#  components as {name: number of items})
SHANGDANG = [
    (1, 172, "六九九六", "“六九九六”工作机制", "“六九九六”工作机制：即",
     {"六项制度": 6, "九条铁规": 9, "九化举措": 9, "六项措施": 6}),
    (2, 174, "十大平台", "“十大平台”", "“十大平台”：是指", {"十大平台": 10}),
    (3, 176, "两匹配一服从", "“两匹配一服从”", "“两匹配一服从”：是指", {"两匹配一服从": 3}),
    (4, 178, "煤八条", "“煤八条”", "“煤八条”：", {"煤八条": 8}),
    (5, 182, "六大产业链", "六大产业链", "六大产业链:即", {"六大产业链": 6}),
    (6, 184, "九大专业镇", "九大专业镇", "九大专业镇:即", {"九大专业镇": 9}),
    (7, 186, "三区三线", "“三区三线”", "“三区三线”:", {"三区": 3, "三线": 0}),
    (8, 188, "清化收", "“清化收”", "“清化收”:是指", {"清化收": 3}),
    (9, 190, "区实验中学", "区实验中学", "区实验中学:即指", {}),
    (10, 192, "三个务必", "“三个务必”", "“三个务必”:", {"三个务必": 3}),
    (11, 194, "鸿雁归巢", "“鸿雁归巢”", "“鸿雁归巢”:是指", {}),
    (12, 198, "1+2+15", "“1+2+15”主导产业发展体系", "“1+2+15”主导产业发展体系:", {"1": 0, "2": 2, "15": 0}),
    (13, 200, "一链一镇", "“一链一镇”", "“一链一镇”:是指", {}),
    (14, 202, "1236", "“1236”城镇发展格局", "“1236”城镇发展格局:即",
     {"一张支撑网": 0, "两个共同体": 2, "三个联合体": 3, "六个一体化": 6}),
    (15, 204, "清四乱", "河湖“清四乱”", "河湖“清四乱”:是指", {"清四乱": 4}),
    (16, 206, "两大两小", "“两大两小”文化惠民工程", "“两大两小”文化惠民工程:是指", {}),
    (17, 208, "12345", "“12345”项目推进机制", "“12345”项目推进机制:", {"1": 0, "2": 0, "3": 0, "4": 0, "5": 0}),
    (18, 212, "4句话32字", "“4句话32字”要求", "“4句话32字”要求:", {"4句话32字": 4}),
    (19, 214, "六定", "国有企业“六定”方案", "国有企业“六定”方案:是指", {"六定": 6}),
    (20, 216, "154+50", "“154+50”改革举措", "“154+50”改革举措:", {"154": 0, "50": 0}),
    (21, 218, "五有套餐", "“五有套餐”", "“五有套餐”:是指", {}),
    (22, 220, "一重点三同步", "“一重点三同步”", "“一重点三同步”:即", {}),
    (23, 222, "1+17", "“1+17”应急指挥体系建设", "“1+17”应急指挥体系建设:", {"1": 0, "17": 0}),
]
_NEXT_LINE = {row[1]: (SHANGDANG[i + 1][1] if i + 1 < len(SHANGDANG) else 224) for i, row in enumerate(SHANGDANG)}


def test_seed_appendix_found(seed_text):
    a, b = find_appendix(seed_text)
    assert seed_text[a:b].splitlines()[0] == "## 名 词 解 释"
    assert seed_text.count("\n", 0, a) + 1 == 170
    assert b == len(seed_text)


def test_seed_has_all_23_entries_in_order(seed_terms):
    assert [t.key for t in seed_terms] == [row[2] for row in SHANGDANG]


@pytest.mark.parametrize("item, line, key, headword, prefix, components", SHANGDANG, ids=[r[2] for r in SHANGDANG])
def test_seed_entry(seed_text, seed_terms, item, line, key, headword, prefix, components):
    term = next(t for t in seed_terms if t.key == key)
    assert term.id == f"{SEED.stem}/{key}"
    assert term.headword == headword
    assert term.scope == "长治市上党区"
    assert [to_json(s, exclude_defaults=True) for s in term.sources] == [
        {"document": SEED.name, "item": f"名词解释 {item}", "line": line}
    ]
    # The definition is the file's own text, with PDF spaces and page breaks removed,
    # after the number, the headword, the separator and the lead word.
    lines = seed_text.split("\n")[line - 1 : _NEXT_LINE[line] - 1]
    raw = pdf_clean("\n".join(lines))
    start = f"{item}.{pdf_clean(prefix)}"
    assert raw.startswith(start)
    assert term.definition == raw[len(start):]
    assert {c.name: len(c.items) for c in term.components} == components


def test_seed_definitions_broken_across_pages_come_out_whole(seed_terms):
    by_key = {t.key: t for t in seed_terms}
    assert "回故乡、建家乡,以人才回乡" in by_key["鸿雁归巢"].definition  # "建家\n\n乡"
    assert "不能走回头路；二是做好" in by_key["煤八条"].definition  # "二\n\n是做好"
    assert "“4”即健全四项运行机制" in by_key["12345"].definition  # "四项运\n\n行机制"
    assert "7×24小时" in by_key["五有套餐"].definition  # PDF space "7×24 小时"
    for t in seed_terms:
        assert "\n" not in t.definition and "  " not in t.definition
        assert not t.definition.startswith(("即", "是指", "指", ":", "：", "是"))


def test_seed_sub_definitions(seed_terms):
    by_key = {t.key: t for t in seed_terms}
    liuzhi = by_key["六九九六"].components[0]
    assert liuzhi.items[0] == "安全生产事故反思" and liuzhi.items[-1] == "安全生产举报奖励制度"
    assert [c.definition for c in by_key["1+17"].components] == ["区救援总指挥部", "17个专项指挥部"]
    assert by_key["4句话32字"].components[0].items[1] == "对标挖潜、突破“两线”"
    assert by_key["三区三线"].components[0].items == ("城镇空间", "农业空间", "生态空间")
    assert by_key["12345"].context.quoted and "项目推进机制" in by_key["12345"].context.followed_by


def test_seed_extraction_tags_the_report(seed_text, seed_terms, tmp_path):
    out = tmp_path / "shangdang.yaml"
    out.write_text(to_yaml(seed_terms, "shangdang-extracted"), encoding="utf-8")
    glossary = Glossary.from_files([out])
    a, _ = find_appendix(seed_text)
    body = seed_text[:a]
    found = {m.key for m in Annotator(glossary).find(body)}
    # Terms the body uses (the appendix defines them because the body does).
    for key in ["六九九六", "十大平台", "三区三线", "清化收", "1+2+15", "12345", "4句话32字", "154+50", "1+17"]:
        assert key in found, key
    # The 12345 hotline is not the mechanism.
    hits = [m for m in Annotator(glossary).find(body) if m.key == "12345"]
    assert all(body[m.end : m.end + 6] == "项目推进机制" or body[m.start - 1] == "“" for m in hits)


# -- the bundled glossary and the extraction agree ---------------------------------------


def _ws(s):
    return "".join((s or "").split())


def test_bundled_glossary_agrees_with_extraction(seed_terms):
    bundled = read_file(BUNDLED).terms
    appendix = {}
    for t in bundled:
        for s in t.sources:
            if s.document == SEED.name and s.item and s.item.startswith("名词解释 "):
                appendix.setdefault(s.item, t)  # the first term citing an item is its entry
    problems = []
    for t in seed_terms:
        item = t.sources[0].item
        b = appendix.get(item)
        if b is None:
            problems.append(f"{item} ({t.key}): not in the bundled glossary")
            continue
        if b.key != t.key:
            problems.append(f"{item}: key {b.key!r} in the bundled glossary, {t.key!r} extracted")
        if _ws(b.definition) != _ws(t.definition):
            problems.append(f"{item} ({t.key}): definitions differ:\n  bundled:   {b.definition}\n  extracted: {t.definition}")
    extra = sorted(set(appendix) - {t.sources[0].item for t in seed_terms})
    assert not extra, f"bundled terms cite appendix items that do not exist: {extra}"
    assert not problems, "\n".join(problems)


# -- fixtures in other formats -------------------------------------------------------------

FIXTURES = sorted(CASES.glob("*.expected.json"))


def _load(path):
    spec = json.loads(path.read_text(encoding="utf-8"))
    text = (CASES / spec["document"]).read_text(encoding="utf-8")
    return spec, text


@pytest.mark.parametrize("path", FIXTURES, ids=[p.name.split(".")[0] for p in FIXTURES])
def test_fixture_entries(path):
    spec, text = _load(path)
    terms = extract_terms(text, spec["document"])
    assert [t.key for t in terms] == [e["key"] for e in spec["terms"]]
    for t, e in zip(terms, spec["terms"]):
        assert t.headword == e["headword"]
        assert t.definition == e["definition"], t.key
        assert list(t.aliases) == e.get("aliases", [])
        assert [[c.name, list(c.items)] for c in t.components] == e["components"], t.key
        assert (t.sources[0].item, t.sources[0].line) == (f"名词解释 {e['item']}", e["line"])


@pytest.mark.parametrize("path", FIXTURES, ids=[p.name.split(".")[0] for p in FIXTURES])
def test_fixture_glossary_loads_and_tags_the_body(path, tmp_path):
    spec, text = _load(path)
    terms = extract_terms(text, spec["document"])
    out = tmp_path / "out.yaml"
    out.write_text(to_yaml(terms, "fixture"), encoding="utf-8")
    assert list(read_file(out).terms) == terms
    a, _ = find_appendix(text)
    found = {m.key for m in Annotator(Glossary.from_files([out])).find(text[:a])}
    assert found == set(spec["mentions"])


# -- headers and numbering ---------------------------------------------------------------------

HEADERS = [
    "名词解释", "名 词 解 释", "## 名 词 解 释", "附件\n名词解释", "附件2：名词解释", "附件：有关名词解释",
    "《政府工作报告》名词注解", "附件2\n\n《政府工作报告》名 词 注 解", "名词解释：", "政府工作报告名词解释",
    "**名词解释**", "附 件\n\n相关名词释义", "附件2\n《政府工作報告》名詞解釋",
]


@pytest.mark.parametrize("header", HEADERS)
def test_header_variants(header):
    text = f"正文提到“双碳”。\n\n{header}\n\n1. “双碳”：即碳达峰、碳中和。\n"
    span = find_appendix(text)
    assert span is not None
    assert [t.key for t in extract_terms(text, "x.txt")] == ["双碳"]


@pytest.mark.parametrize(
    "text",
    [
        "我们对报告中的名词解释工作作了安排。\n1. 这不是附录",
        "名词解释\n\n没有编号的一段话，没有冒号",
        "",
    ],
)
def test_no_appendix(text):
    assert extract_terms(text, "x.txt") == []


NUMBERINGS = [
    ("1. {a}\n2. {b}"), ("1、{a}\n2、{b}"), ("1．{a}\n2．{b}"), ("１．{a}\n２．{b}"),
    ("（1）{a}\n（2）{b}"), ("(1) {a}\n(2) {b}"), ("①{a}\n②{b}"), ("（一）{a}\n（二）{b}"),
    ("一、{a}\n二、{b}"), ("{a}\n{b}"),
]


@pytest.mark.parametrize("pattern", NUMBERINGS)
def test_numbering_styles(pattern):
    body = pattern.format(a="“清化收”：是指专项清理、债务化解、资源收费。", b="三化三制，即任期制、聘任制、绩效工资制。")
    terms = extract_terms("名词解释\n" + body, "x.txt")
    assert [(t.key, t.definition) for t in terms] == [
        ("清化收", "专项清理、债务化解、资源收费。"),
        ("三化三制", "任期制、聘任制、绩效工资制。"),
    ]


def test_continuation_lines_that_look_numbered_stay_in_their_entry():
    text = "名词解释\n1. “甲”：增长\n5.5亿元，\n二、是续行\n2. “乙”：二"
    assert [(n, body.replace("\n", "|")) for n, _, body in split_entries(text)] == [
        (1, "“甲”：增长|5.5亿元，|二、是续行"),
        (2, "“乙”：二"),
    ]


@pytest.mark.parametrize("page", ["— 23 —", "- 23 -", "—23—", "第 23 页", "23"])
def test_page_number_lines_belong_to_no_entry(page):
    text = f"名词解释\n1. “鸿雁归巢”：是指回故乡、建家\n\n{page}\n\n乡。\n2. “乙”：二"
    assert extract_terms(text, "x.txt")[0].definition == "回故乡、建家乡。"


@pytest.mark.parametrize(
    "entry, key, definition",
    [
        ("“两个维护”即坚决维护核心。", "两个维护", "坚决维护核心。"),
        ("区实验中学即指新建高中。", "区实验中学", "新建高中。"),
        ("地区生产总值（GDP）：指最终成果。", "地区生产总值", "最终成果。"),
        ("“承诺制”+“标准地”+“全代办”：是改革。", "承诺制+标准地+全代办", "改革。"),
        ("国有企业“六定”方案：是指定机构、定职数。", "六定", "定机构、定职数。"),
        ("『四上』企业：指规模以上企业。", "四上", "规模以上企业。"),
        ("“指导员”制度：指导员是驻村干部。", "指导员", "指导员是驻村干部。"),
        ("“一枚印章管审批”：即将审批事项集中办理。", "一枚印章管审批", "将审批事项集中办理。"),
    ],
)
def test_headwords_and_lead_words(entry, key, definition):
    [term] = extract_terms(f"名词解释\n1. {entry}", "x.txt")
    assert (term.key, term.definition) == (key, definition)


# -- properties ------------------------------------------------------------------------------

_PIECES = st.sampled_from(
    ["名词解释", "名 词 解 释", "附件", "1.", "2、", "（3）", "①", "一、", "“", "”", "「", "」", "：", ":", "，",
     "即", "是指", "、", "；", "。", "\n", "\n\n", "— 12 —", " ", "六九九六", "三区", "+", "15", "(GDP)", "（", "）"]
)
_TEXTS = st.one_of(
    st.text(),
    st.lists(st.one_of(_PIECES, st.text(max_size=4)), max_size=40).map("".join),
    st.lists(st.one_of(_PIECES, st.text(max_size=4)), max_size=30).map(lambda xs: "名词解释\n1. " + "".join(xs)),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_TEXTS)
def test_extract_never_raises_and_always_loads(tmp_path, text):
    terms = extract_terms(text, "any.txt")
    out = tmp_path / "out.yaml"
    out.write_text(to_yaml(terms, "any"), encoding="utf-8")
    loaded = read_file(out).terms
    assert list(loaded) == list(terms)
    Glossary(loaded)  # ids and forms are unique: it loads for annotate as it is


# -- cost: linear in the text (issue 11) -------------------------------------------------------


def _seconds(run, arg, budget):
    """The best of two timings of ``run(arg)``; one, if that is already over budget."""
    best = None
    for _ in range(2):
        start = time.perf_counter()
        run(arg)
        best = min(best or 1e9, time.perf_counter() - start)
        if best > budget:
            break
    return best


def assert_linear(run, make, n, budget=2.0):
    """Doubling the input at most about doubles the time (3x, plus 0.1 s for a loaded machine)."""
    t1 = _seconds(run, make(n), budget)
    assert t1 < budget, f"{t1:.2f} s at n={n}"
    t2 = _seconds(run, make(2 * n), 3 * budget)
    assert t2 < 3 * t1 + 0.1, f"{t1:.3f} s at n={n}, {t2:.3f} s at 2n"


def _extract(text):
    return extract_terms(text, "x.txt")


_HEAD = "正文。\n名词解释\n1. “双碳”：碳达峰。\n"
# Inputs that each hit one super-linear spot of the old code, and the n where it clearly showed
# (the old time at n in the comment).
LINEAR = {
    "blank lines": (lambda n: _HEAD + "\n" * n + "完", 20_000),  # 48 s
    "附件 and spaces": (lambda n: _HEAD + "附件" + " " * n + "x\n", 200),  # 16 s (n^4)
    "page number and spaces": (lambda n: _HEAD + "第1页" + " " * n + "x\n", 40_000),  # 2 s
    "long digit runs in a list": (lambda n: _HEAD + "2. “乙”：甲、" + "1" * n + "、乙乙三种类型\n", 40_000),  # 7 s
}


@pytest.mark.parametrize("make, n", LINEAR.values(), ids=LINEAR.keys())
def test_extract_cost_is_linear(make, n):
    assert [t.key for t in _extract(make(n))][:1] == ["双碳"]
    assert_linear(_extract, make, n)


@pytest.mark.slow
def test_sub_definitions_cost_is_linear():
    # Each sub-definition used to copy the rest of the definition: 6 s at this n.
    assert_linear(lambda d: components_of(d, "甲"), lambda n: "“甲”即乙，" * n, 200_000)


def test_entries_numbered_past_999_are_their_own():
    text = "名词解释\n" + "".join(f"{i}. “词{i}”：释义{i}。\n" for i in range(1, 1201))
    terms = _extract(text)
    assert [t.key for t in terms] == [f"词{i}" for i in range(1, 1201)]
    assert terms[999].definition == "释义1000。"
    assert terms[-1].sources[0].item == "名词解释 1200"


def _cn(n: int) -> str:
    """Chinese numbers 1..199: 十五, 二十, 一百零一, 一百一十."""
    d = "零一二三四五六七八九"
    h, r = divmod(n, 100)
    t, u = divmod(r, 10)
    s = "一百" if h else ""
    if t:
        s += ("" if t == 1 and not h else d[t]) + "十"
    elif h and u:
        s += "零"
    return s + (d[u] if u else "")


def test_chinese_numbered_entries_past_99():
    text = "名词解释\n" + "".join(f"{_cn(i)}、“词{i}”：释义。\n" for i in range(1, 121))
    assert [t.key for t in _extract(text)] == [f"词{i}" for i in range(1, 121)]


def test_absurdly_long_numbers_are_no_counts():
    digits = "1" * 5000  # more than Python reads as an int
    [term] = _extract(f"名词解释\n1. “双碳”：甲、乙、丙丙{digits}种类型")  # a stated total?
    assert term.components[0].items == ("甲", "乙", f"丙丙{digits}种类型")
    text = f"名词解释\n1. “甲”：一\n{digits}. “乙”：二\n2. “丙”：{digits}项"  # an item number?
    assert [(t.key, t.sources[0].item) for t in _extract(text)] == [("甲", "名词解释 1"), ("丙", "名词解释 2")]


HOSTILE = {
    "only a heading": "名词解释",
    "heading and blank lines": "名词解释\n" + "\n" * 100_000,
    "NULs": "名词解释\n1. “\x00”：\x00\x00\n2. “双\x00碳”：即\x00。\n" + "\x00" * 100_000,
    "lone surrogates": "名词解释\n1. “\ud800”：\udfff。\n2. “双碳”：\ud800即碳达峰。",
    "nested quotes": "名词解释\n1. “双碳”：" + "“「『" * 30_000 + "甲" + "』」”" * 30_000 + "\n",
    "unclosed quotes": "名词解释\n1. “双碳”：" + "“「『(（" * 30_000 + "\n",
    "one huge line": "名词解释\n1. “双碳”：" + "甲、" * 100_000 + "\n",
    "headings only": "名词解释\n" * 100_000,
}


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_texts_end_quickly_and_load(text, tmp_path):
    start = time.perf_counter()
    terms = _extract(text)
    assert time.perf_counter() - start < 10
    out = tmp_path / "out.yaml"
    out.write_text(to_yaml(terms, "any"), encoding="utf-8")
    assert list(read_file(out).terms) == terms
    Glossary(terms)


@pytest.mark.slow
def test_a_hundred_thousand_entries():
    text = "名词解释\n" + "".join(f"{i}. 词{i}：释义。\n" for i in range(1, 100_001))
    start = time.perf_counter()
    terms = _extract(text)
    assert time.perf_counter() - start < 30
    assert len(terms) == 100_000 and terms[-1].sources[0].item == "名词解释 100000"


# -- shapes of real appendices (issue 13): written here, in the forms observed ------------------

REAL_HEADERS = [
    "**名词解释和说明**", "**附：名词解释**", "注 释", "**注释**", "## 注释：", "## 附注：",
    "《政府工作报告》注释", "**《政府工作报告》有关内容名词注释**", "《政府工作报告》相关缩略语",
    "附：《政府工作报告》部分词语解释", "《政府工作报告》有关名词术语解释",
    "- 资料：《政府工作报告》名词解释（按报告中出现顺序排列）", "政府工作报告专业术语名词解释",
    "**附：\n名词解释和说明", "**《政府工作报告》**\n有关内容名词注释",
]


@pytest.mark.parametrize("header", REAL_HEADERS)
def test_real_header_shapes(header):
    text = f"正文提到“双碳”。\n\n{header}\n\n1. “双碳”：即碳达峰、碳中和。\n2. “三旧”：旧厂区、旧住宅区。\n"
    assert [t.key for t in extract_terms(text, "x.txt")] == ["双碳", "三旧"]


@pytest.mark.parametrize("text", [
    "正文。\n\n**三、关于《发展规划纲要（草案）》的说明**\n\n1. 甲：乙",
    "正文。\n\n<!-- ## 注释 -->\n[^1]: 见某书第3页。\n[^2]: 同上。",
    "正文。\n\n注：\n① 某人：《某书》第一卷。",
])
def test_sections_that_are_not_glossaries(text):
    assert extract_terms(text, "x.txt") == []


REAL_NUMBERINGS = [
    "**1.甲甲：**一是甲。\n**2.乙乙：**二是乙。\n**3.丙丙：**三是丙。",
    "**1. 甲甲**：一是甲。\n**2. 乙乙**：二是乙。\n**3. 丙丙**：三是丙。",
    "[1]甲甲：一是甲。\n[2] 乙乙：二是乙。\n[3]丙丙：三是丙。",
    "**[1] 甲甲：**一是甲。\n**[2] 乙乙：**二是乙。\n**[3] 丙丙：**三是丙。",
    "［1］甲甲：一是甲。\n［2］ 乙乙：二是乙。\n［3］丙丙：三是丙。",
    "〔1〕甲甲：一是甲。\n〔2〕乙乙：二是乙。\n〔3〕丙丙：三是丙。",
    "1.甲甲：一是甲。\n2．乙乙：二是乙。\n3. 丙丙：三是丙。",
    "**甲甲：**一是甲。\n**乙乙：**二是乙。\n**丙丙：**三是丙。",
    "- 甲甲：一是甲。\n- 乙乙：二是乙。\n- 丙丙：三是丙。",
    "**甲甲** 一是甲。\n**乙乙** 二是乙。\n**丙丙** 三是丙。",
]


@pytest.mark.parametrize("body", REAL_NUMBERINGS)
def test_real_numbering_and_markdown(body):
    terms = extract_terms("名词解释\n\n" + body.replace("\n", "\n\n") + "\n\n<!-- （来源：某网站） -->\n", "x.txt")
    assert [(t.key, t.headword, t.definition) for t in terms] == [
        ("甲甲", "甲甲", "一是甲。"), ("乙乙", "乙乙", "二是乙。"), ("丙丙", "丙丙", "三是丙。")]


def test_the_expected_number_followed_by_a_digit_starts_an_entry():
    body = "6.“六六”：甲。\n7.4E级：乙。\n8.2025年十件实事：丙。\n9.5+2之家：丁。\n10“一证通”：戊。\n12.“十二”：已。"
    terms = extract_terms("名词解释\n1. “一一”：零。\n2.“二二”：零。\n3. “三三”：零。\n4. “四四”：零。\n5. “五五”：零。\n" + body, "x.txt")
    assert [(int(t.sources[0].item.split()[1]), t.key) for t in terms][5:] == [
        (6, "六六"), (7, "4E级"), (8, "2025年十件实事"), (9, "5+2之家"), (10, "一证通"), (12, "十二")]
    assert all(len(t.definition) <= 3 for t in terms)


def test_circled_numbers_running_on_in_parentheses():
    body = "".join(f"{c}“{k}”：定义{k}。\n" for c, k in zip("①②③④⑤⑥⑦⑧⑨⑩", "甲乙丙丁戊己庚辛壬癸"))
    body += "（11）“十一”：定义。\n（12）“十二”：定义。\n"
    terms = extract_terms("名词解释\n" + body, "x.txt")
    assert [t.key for t in terms][-3:] == ["癸", "十一", "十二"]
    assert terms[9].definition == "定义癸。"


@pytest.mark.parametrize("entry, keys", [
    ("“四早”“四集中”：“四早”指早发现、早报告；“四集中”指集中患者、集中专家。", ["四早", "四集中"]),
    ("“公转铁”、“散改集”：运输结构调整。", ["公转铁", "散改集"]),
    ("增强“八项本领”、提高“七种能力”：干部能力建设。", ["八项本领", "七种能力"]),
    ("“天网”、“地网”工程：治安防控。", ["天网", "地网"]),
    ("六稳、六保：“六稳”即稳就业、稳金融；“六保”即保居民就业、保基本民生。", ["六稳", "六保"]),
    ("两集中、两到位：审批职能集中、审批事项集中，进驻到位、授权到位。", ["两集中、两到位"]),
    ("四早、四集中：早立项、早审批、早开工、早投产；集中用地、集中资金、集中人才、集中服务。", ["四早", "四集中"]),
    ("严管入口、放活岛内：严格把控入口；放活岛内要素。", ["严管入口、放活岛内"]),
    ("“承诺制”+“标准地”：改革。", ["承诺制+标准地"]),
    ("提前实现“十三五”规划的“两个翻番”目标：地区生产总值翻番。", ["两个翻番"]),
])
def test_entries_defining_several_terms(entry, keys):
    terms = extract_terms(f"名词解释\n1. {entry}", "x.txt")
    assert [t.key for t in terms] == keys


def test_sub_definitions_go_to_their_own_terms():
    t1, t2 = extract_terms("名词解释\n1. “四早”“四集中”：“四早”指早发现、早报告；“四集中”指集中患者、集中专家。", "x.txt")
    assert (t1.definition, t2.definition) == ("早发现、早报告", "集中患者、集中专家")


@pytest.mark.parametrize("entry, key, definition", [
    ("三旧 城市旧厂区、旧住宅区和城中村。", "三旧", "城市旧厂区、旧住宅区和城中村。"),
    ("“六个稳”稳就业、稳金融、稳外贸、稳外资、稳投资、稳预期。", "六个稳", "稳就业、稳金融、稳外贸、稳外资、稳投资、稳预期。"),
    ("“丰”字型+环线：路网格局。", "丰字型+环线", "路网格局。"),
    ("政府与社会资本合作（PPP）模式：政府与社会资本合作。", "政府与社会资本合作模式", "政府与社会资本合作。"),
])
def test_headwords_without_colon_and_keys_a_reader_uses(entry, key, definition):
    [term] = extract_terms(f"名词解释\n1. {entry}", "x.txt")
    assert (term.key, term.definition) == (key, definition)


def test_suspect_keys_are_reported():
    from termkit.corpus.extract import extract_report

    r = extract_report("名词解释\n1. “十三五”规划未达标指标5项：甲、乙。\n2. “丰”：丰收。\n3. “双碳”：碳达峰。", "r.md")
    assert [t.key for t in r.terms] == ["十三五规划未达标指标5项", "丰", "双碳"]
    assert r.warnings == [
        "r.md:2: item 1: suspect key '十三五规划未达标指标5项': a plan period or year with something appended",
        "r.md:3: item 2: suspect key '丰': one character",
    ]


def test_a_repeated_core_is_keyed_by_its_whole_headword():
    terms = extract_terms("名词解释\n1. 国际贸易“单一窗口”：甲。\n2. 国际投资“单一窗口”：乙。", "x.txt")
    assert [t.key for t in terms] == ["单一窗口", "国际投资单一窗口"]


def test_a_heading_without_entries_says_which_part_failed():
    from termkit.corpus.extract import extract_report

    assert extract_report("正文\n\n名词解释\n\n一段没有任何格式的文字", "r.md").problem == (
        "r.md: a 名词解释 heading at line 3, but no numbered entry or 'headword：definition' line follows it")
    assert extract_report("正文", "r.md").problem == "r.md: no 名词解释 appendix found"


def test_scope_and_provenance_come_from_the_document():
    text = ("---\ntitle: 政府工作报告\n---\n——2024年1月9日在南岭市第五届人民代表大会第三次会议上\n\n"
            "我代表市人民政府，向大会报告工作。\n\n名词解释\n\n1. “双碳”：碳达峰、碳中和。\n")
    [t] = extract_terms(text, "r.md")
    assert (t.scope, t.sources[0].document, t.sources[0].item, t.sources[0].line) == ("南岭市", "r.md", "名词解释 1", 10)


def test_a_key_with_a_space_between_digits_is_reported():
    from termkit.corpus.extract import extract_report

    r = extract_report("名词解释\n1. “6 3”模式：六个三。\n", "r.md")
    assert [t.key for t in r.terms] == ["63"]
    assert r.warnings == ["r.md:2: item 1: suspect key '63': the source writes it with a space between ASCII "
                          "characters, which a key cannot hold"]


# -- corpus mode: termkit extract DIR -o OUTDIR/ (issue 13) ------------------------------------


def _report(place: str, date: str, entries: str) -> str:
    return (f"政府工作报告\n——{date}在{place}第五届人民代表大会第二次会议上\n\n"
            f"我代表市人民政府，向大会报告工作。推进“双碳”和“三旧”改造。\n\n**名词解释**\n\n{entries}\n")


@pytest.fixture()
def reports(tmp_path):
    d = tmp_path / "reports"
    (d / "a").mkdir(parents=True)
    (d / "a" / "2023.md").write_text(_report("南岭市", "2024年1月9日", "**1.“双碳”：**碳达峰、碳中和。\n\n**2.“三旧”：**旧厂区、旧住宅区。"), encoding="utf-8")
    (d / "a" / "2024.md").write_text(_report("南岭市", "2025年1月8日", "[1]“双碳”：碳达峰。\n[2] “丰”：丰收。"), encoding="utf-8")
    (d / "b.md").write_text("政府工作报告\n\n没有附录。\n", encoding="utf-8")
    (d / "README.md").write_text("# 说明\n", encoding="utf-8")
    return d


def _main(*argv):
    from termkit.cli import main

    return main(list(argv))


def test_corpus_mode_writes_one_glossary_per_report_and_a_summary(reports, tmp_path, capsys):
    out = tmp_path / "out"
    assert _main("extract", str(reports), "-o", f"{out}/") == 0
    assert sorted(p.name for p in out.iterdir()) == ["summary.json", "南岭市-2024.yaml", "南岭市-2025.yaml"]
    g = read_file(out / "南岭市-2024.yaml")
    assert [(t.id, t.scope, t.sources[0].document, t.sources[0].line) for t in g.terms] == [
        ("南岭市-2024/双碳", "南岭市", "a/2023.md", 8), ("南岭市-2024/三旧", "南岭市", "a/2023.md", 10)]
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert {k: summary[k] for k in ("reports", "appendices", "entries", "terms", "warnings", "failed")} == {
        "reports": 3, "appendices": 2, "entries": 4, "terms": 4, "warnings": 1, "failed": 0}
    assert summary["files"][0]["jurisdiction"] == ["南岭市", "meeting line 2"]
    assert summary["files"][0]["date"] == ["2024-01-09", "meeting line 2"]
    captured = capsys.readouterr()
    assert captured.out.startswith("3 reports read, 2 appendices found, 4 entries, 4 terms")
    assert captured.err == "termkit: warning: a/2024.md:9: item 2: suspect key '丰': one character\n"


def test_corpus_mode_in_processes_gives_the_same_files(reports, tmp_path):
    assert _main("extract", str(reports), "-o", str(tmp_path / "one") + "/") == 0
    assert _main("extract", str(reports), "-o", str(tmp_path / "two") + "/", "--jobs", "2") == 0
    for p in (tmp_path / "one").iterdir():
        assert p.read_bytes() == (tmp_path / "two" / p.name).read_bytes()


def test_corpus_mode_names_the_part_that_failed(reports, tmp_path, capsys):
    (reports / "c.md").write_text("正文\n\n名词解释\n\n一段没有任何格式的文字\n", encoding="utf-8")
    (reports / "d.md").write_bytes(b"\xff\xfe\x00\xd8")
    assert _main("extract", str(reports), "-o", str(tmp_path / "out") + "/") == 1
    err = capsys.readouterr().err.splitlines()
    assert "termkit: c.md: a 名词解释 heading at line 3, but no numbered entry or 'headword：definition' line follows it" in err
    assert any(line.startswith("termkit: ") and "d.md" in line for line in err)
    assert all(line.startswith("termkit: ") for line in err)


def test_a_directory_needs_an_output_directory(reports, capsys):
    assert _main("extract", str(reports)) == 2
    assert capsys.readouterr().err == "termkit: a directory among the inputs needs an output directory: give -o OUTDIR/\n"


SHARED = ROOT.parent / "shared" / "corpus"


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/corpus is not here")
def test_the_shared_corpus_in_corpus_mode(tmp_path, capsys):
    """Aggregate facts only: hand-checked entry counts per file (no text of the corpus is stored)."""
    counts = json.loads((CASES / "shared-corpus-counts.json").read_text(encoding="utf-8"))
    start = time.perf_counter()
    assert _main("extract", str(SHARED), "-o", str(tmp_path / "out") + "/") == 0
    assert time.perf_counter() - start < 20
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    by_file = {r["file"]: r for r in summary["files"]}
    found = {f: r["entries"] for f, r in by_file.items() if r["appendix"]}
    assert set(found) == set(counts["files"])  # no appendix missed, none found where there is none
    recovered = sum(min(found[f], n) for f, n in counts["files"].items())
    assert recovered >= 0.95 * counts["total"]
    right = sum(found[f] == n for f, n in counts["files"].items())
    assert right >= 0.95 * len(counts["files"])
    assert all(by_file[f]["jurisdiction"][0] for f in counts["files"])
    for f in counts["files"]:
        if f.startswith("provinces/"):
            assert by_file[f]["jurisdiction"][0] == f.split("/")[1]


def test_parallel_groups_go_to_their_own_terms():
    t1, t2 = extract_terms("名词解释\n1. “四早”“四集中”：早立项、早审批、早开工、早投产；集中用地、集中资金、集中人才、集中服务。", "x.txt")
    assert (t1.definition, t2.definition) == ("早立项、早审批、早开工、早投产", "集中用地、集中资金、集中人才、集中服务。")
    assert [len(t.components[0].items) for t in (t1, t2)] == [4, 4]
