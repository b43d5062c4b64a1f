"""Where and when a report is from (termkit.corpus.documents): synthetic heads in the shapes observed."""

import datetime
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from termkit.corpus.documents import Decided, jurisdiction, report_date, report_info

BODY = "\n\n我代表省人民政府，向大会报告工作，请予审议。在东莞市考察时……\n"


@pytest.mark.parametrize("head, path, place, how", [
    ("政府工作报告\n", "provinces/南岭省/2014.md", "南岭省", "path"),
    ("政府工作报告\n", "reports/北岭市-2024.md", "北岭市", "path"),
    ("政府工作报告\n", "城区报告/x.md", None, "unknown"),
    ("政府工作报告\n——2024年1月9日在西山市第十六届人民代表大会第三次会议上\n", None, "西山市", "meeting line 2"),
    ("政府工作报告\n**——二〇一三年一月二十五日在南岭省第十二届人民代表大会第一次会议上**\n", None, "南岭省", "meeting line 2"),
    ("政府工作报告\n（2007年1月26日在东川省第十届人民代表大会第五次会议上）\n", None, "东川省", "meeting line 2"),
    ("——2010年3月5日在第十一届全国人民代表大会第三次会议上\n", None, "中华人民共和国", "meeting line 1"),
    ("——2015年1月20日在自治区第八届人民代表大会第三次会议上\n北岭自治区主席　某某\n", None, "北岭自治区", "official line 2"),
    ("---\ntitle: 2020年1月14日南岭省省长某某在南岭省第十三届\n---\n", None, "南岭省", "title"),
    ("---\ntitle: 2024年北岭自治区政府工作报告\n---\n", None, "北岭自治区", "title"),
    ("政府工作报告\n\n**南岭省人民政府代省长 某某**\n", None, "南岭省", "official line 3"),
    ("政府工作报告\n\n**省长 某某**\n", None, None, "unknown"),
])
def test_jurisdiction(head, path, place, how):
    assert jurisdiction(head + BODY, path) == Decided(place, how)


@pytest.mark.parametrize("head, path, date, how", [
    ("——2014年1月20日在南岭省第十二届人民代表大会第二次会议上\n", "provinces/南岭省/2013.md", "2014-01-20", "meeting line 1"),
    ("——二0一四年一月二十日在南岭省第十二届人民代表大会第二次会议上\n", None, "2014-01-20", "meeting line 1"),
    ("在南岭省第十一届人民代表大会第三次会议上（2010年1月26日）\n", None, "2010-01-26", "meeting line 1"),
    ("---\ntitle: 南岭省2003年政府工作报告\n---\n", "x/2002.md", "2003", "title"),
    ("政府工作报告\n", "x/2019.md", "2019", "path"),
    ("政府工作报告\n", None, None, "unknown"),
])
def test_date(head, path, date, how):
    assert report_date(head + BODY, path) == Decided(date, how)


def test_the_body_never_names_the_jurisdiction():
    info = report_info("政府工作报告" + BODY * 3)
    assert info.jurisdiction == Decided(None, "unknown")


# Documents in general (issue 15): headers, speeches, notices, news datelines, date lines.

@pytest.mark.parametrize("head, place, how", [
    ("西山市东城区人民政府文件\n\n东政发〔2023〕1号\n", "西山市东城区", "header line 1"),
    ("西 山 市 人 民 政 府 文 件\n", "西山市", "header line 1"),
    ("**西山市人民政府关于印发某某办法的通知**\n", "西山市", "header line 1"),
    ("西山市人民政府办公室文件\n", "西山市", "header line 1"),
    ("政府工作报告\n\n各位代表：\n\n现在，我代表西山市东城区人民政府向大会报告工作。\n", "西山市东城区", "government line 5"),
    ("政府工作报告\n\n各位代表，我代表第九届省人民政府向大会报告工作。\n", None, "unknown"),
    ("——2005年1月在东川省十届人大三次会议上\n", "东川省", "meeting line 1"),
    ("——东川省第九届人民代表大会第四次会议\n", "东川省", "meeting line 1"),
    ("——1954年5月23日在中华人民共和国第一届全国人民代表大会第一次会议上\n", "中华人民共和国", "meeting line 1"),
    ("某某条例\n（2023年6月16日西山市第十六届人民代表大会常务委员会第五次会议通过）\n", "西山市", "adopted line 2"),
    ("西山市东城区2023年政府工作报告\n", "西山市东城区", "title line 1"),
    ("---\ntitle: 南岭省人民政府2010年工作报告\n---\n", "南岭省", "title"),
    ("---\ntitle: 2023年南岭省《政府工作报告》\n---\n", "南岭省", "title"),
    ("---\ntitle: 政府工作报告\n---\n\n代省长 某某\n", None, "unknown"),
    # the government's full name ranks above a title that abbreviates it
    ("---\ntitle: 北岭自治区2006年政府工作报告\n---\n现在，我代表北岭壮族自治区人民政府向大会作工作报告。\n",
     "北岭壮族自治区", "government line 4"),
])
def test_jurisdiction_of_documents(head, place, how):
    assert jurisdiction(head + BODY) == Decided(place, how)


@pytest.mark.parametrize("head, place, how", [
    ("某某会议召开\n\n本报西山市6月16日电（记者 某某）今天，……\n", "西山市", "dateline line 3"),
    ("新华社北京3月5日电 今天，……\n", None, "unknown"),  # 北京 is where it was filed, no jurisdiction
    ("西山日报讯（记者 某某）6月16日，……\n", None, "unknown"),  # 西山 is no place name
    ("某某活动举行\n\n6月16日，……\n\n（东城区融媒体中心）\n", "东城区", "dateline line 5"),
    ("某某活动举行\n\n东城区融媒体中心讯 6月16日，……\n", "东城区", "dateline line 3"),
    # a newspaper's place is weak evidence: the meeting line, the title, an official's line come first
    ("——2024年1月9日在西山市第十六届人民代表大会第三次会议上\n本报东城区1月9日电\n", "西山市", "meeting line 1"),
    ("---\ntitle: 南岭省2024年政府工作报告\n---\n本报西山市6月16日电\n", "南岭省", "title"),
    ("本报西山市6月16日电\n北岭市市长 某某\n", "北岭市", "official line 2"),
])
def test_jurisdiction_of_news(head, place, how):
    assert jurisdiction(head + BODY) == Decided(place, how)


@pytest.mark.parametrize("head, path, date, how", [
    ("标题\n\n2023-06-16\n", None, "2023-06-16", "date line 3"),
    ("标题\n2023.6.16\n", None, "2023-06-16", "date line 2"),
    ("**2023/06/16**\n", None, "2023-06-16", "date line 1"),
    ("政府工作报告\n（2006年1月16日 某某）\n", None, "2006-01-16", "date line 2"),
    ("标题\n发布时间：2023-06-16 10:30 来源：西山日报\n", None, "2023-06-16", "date line 2"),
    ("标题\n（二〇〇三年一月十日）\n", None, "2003-01-10", "date line 2"),
    ("标题\n2023年6月16日，市委召开会议，研究部署工作。\n", None, None, "unknown"),  # a sentence, not a date line
    ("关于某事的通知\n（2023年6月16日西山市人民政府第12次常务会议通过）\n", None, "2023-06-16", "adopted line 2"),
    ("新华社北京3月5日电 今天，……\n", "news/2024.md", "2024-03-05", "dateline line 1, year from path"),
    ("2024年3月6日\n\n新华社北京3月5日电\n", None, "2024-03-05", "dateline line 3, year from date line 1"),
    ("2024-01-02\n本报讯（记者 某某）12月31日，……\n", None, "2023-12-31", "dateline line 2, year from date line 1"),
    ("---\ntitle: 2023年某某活动\n---\n本报讯（记者 某某）六月十六日，……\n", None, "2023-06-16", "dateline line 4, year from title"),
    ("本报讯（记者 某某）6月16日，……\n", None, None, "unknown"),  # a month and day, no year anywhere
    ("本报讯 近日，……\n", "x/2023.md", "2023", "path"),
    ("---\ntitle: 2020年1月14日南岭省省长某某在南岭省第十三届\n---\n", None, "2020-01-14", "title"),
    ("正文\n", "news/2023-06-16-x.md", "2023-06-16", "path"),
    ("正文\n", "news/20230616.md", "2023-06-16", "path"),
    ("——2023年2月30日在西山市第十六届人民代表大会第三次会议上\n", None, "2023-02", "meeting line 1"),
    # a sentence of the body that recalls an earlier meeting is no meeting line
    ("各位代表：\n\n上次召开的省第五届人民代表大会第三次会议，在一九八一年五月。\n", "x/1982.md", "1982", "path"),
])
def test_date_of_documents(head, path, date, how):
    assert report_date(head + BODY, path) == Decided(date, how)


# Never raises; a date found is a real one.

_PIECES = ["年", "月", "日", "电", "讯", "本报", "新华社", "（", "）", "——", "在", "人民代表大会", "会议上", "通过",
           "人民政府", "文件", "关于", "我代表", "省", "市", "区", "长", "第", "届", "-", ".", "/", "\n", "---\n",
           "title: ", "二〇二三", "十二", "三十一", "2023", "13", "31", "02", "29", "0", "9", "融媒体中心", "西山", "*"]
_days = st.sampled_from([29, 30, 31]) | st.integers(0, 32)
_dates = st.builds("{}年{}月{}日{}".format, st.integers(1890, 2110), st.integers(0, 13), _days,
                   st.sampled_from(["在西山市第一届人民代表大会第一次会议上", "", "）", " 某某", "电"])) | st.builds(
    "{}-{}-{}".format, st.integers(1890, 2110), st.integers(0, 13), _days)
_texts = st.lists(st.sampled_from(_PIECES) | st.text(max_size=5) | _dates, max_size=40).map("".join)
_paths = st.none() | st.text(max_size=20) | st.lists(
    st.sampled_from(["a", "西山市", "2023", "-", "06", "16", "20230230", ".md", "/"]), max_size=8).map("".join)


@settings(max_examples=400, deadline=None)
@given(text=_texts, path=_paths)
def test_detection_never_raises_and_dates_are_real(text, path):
    info = report_info(text, path or None)
    date = info.date.value
    if date is not None:
        assert re.fullmatch(r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?", date)
        y, m, d = (list(map(int, date.split("-"))) + [1, 1])[:3]
        datetime.date(y, m, d)  # a real day of a real month
    assert info.jurisdiction.value is None or info.jurisdiction.value.strip()


# The shared corpus (aggregate figures only; skipped where it is absent).

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


def _corpus(folder):
    files = sorted(f for f in (CORPUS / folder).rglob("*.md") if not f.name.upper().startswith("README"))
    return [(f, f.relative_to(CORPUS).as_posix(), f.read_text(encoding="utf-8", errors="replace")) for f in files]


@pytest.mark.skipif(not (CORPUS / "provinces").is_dir(), reason="../shared/corpus is not here")
def test_the_provinces_of_the_shared_corpus():
    """Jurisdiction = the province folder; the year is the file's, or the next (a few name the year reviewed)."""
    docs = _corpus("provinces")
    with_path = [report_info(text, shown) for _, shown, text in docs]
    text_only = [report_info(text) for _, _, text in docs]
    place = [f.parent.name for f, _, _ in docs]
    year = [int(f.stem[:4]) for f, _, _ in docs]

    def share(infos, ok):
        return sum(map(ok, infos, place, year)) / len(docs)

    assert share(with_path, lambda i, p, y: i.jurisdiction.value == p) >= 0.95
    assert share(text_only, lambda i, p, y: i.jurisdiction.value == p) >= 0.90  # the rest name only 省
    assert share(with_path, lambda i, p, y: int(i.date.value[:4]) in (y, y + 1)) >= 0.95
    assert share(text_only, lambda i, p, y: bool(i.date.value) and int(i.date.value[:4]) in (y, y + 1)) >= 0.90


@pytest.mark.skipif(not (CORPUS / "state-council").is_dir(), reason="../shared/corpus is not here")
def test_the_state_council_reports_are_the_nations():
    infos = [report_info(text) for _, _, text in _corpus("state-council")]
    assert sum(i.jurisdiction.value == "中华人民共和国" for i in infos) >= 0.95 * len(infos)


def test_a_sentence_ending_in_a_province_word_is_no_place():
    """A meeting line's "place" must read as one: 大会听取了省人大常委会… names none."""
    text = "开幕\n\n大会听取了省人大常委会副主任作的关于某某条例的说明。\n大会审查了省人民政府关于计划的报告。\n"
    assert jurisdiction(text).value is None
    assert jurisdiction("——2024年1月9日在南岭市第十六届人民代表大会第三次会议上\n").value == "南岭市"


from termkit.corpus import documents  # noqa: E402
from termkit.text.patterns import Lazy  # noqa: E402

GUARDED = sorted(name for name, value in vars(documents).items() if isinstance(value, Lazy) and value.needs)


def test_the_patterns_that_say_what_they_need_are_many():
    assert len(GUARDED) >= 10, GUARDED


@pytest.mark.parametrize("name", GUARDED)
@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_what_a_pattern_needs_is_in_every_string_it_matches(name, data):
    """A Lazy's ``needs`` lets search() skip a string lacking them: every string
    the pattern matches (made from the pattern itself) must hold them, so the
    guarded search finds what the compiled pattern finds."""
    lazy = getattr(documents, name)
    compiled = re.compile(lazy.pattern)
    text = data.draw(st.from_regex(compiled))
    assert compiled.search(text) is not None
    assert not lazy._lacks(text)
    found = lazy.search(text)
    assert found is not None and found.span() == compiled.search(text).span()


@pytest.mark.parametrize("name", GUARDED)
@settings(max_examples=100, deadline=None)
@given(text=st.text("人民代表大会政府工作报告省市县区长主席年月日电讯（)】社报网台0１二 \n-—", max_size=40))
def test_guarded_patterns_equal_the_compiled_ones(name, text):
    lazy = getattr(documents, name)
    compiled = re.compile(lazy.pattern)
    for method in ("search", "match", "fullmatch"):
        ours, theirs = getattr(lazy, method)(text), getattr(compiled, method)(text)
        assert (ours and ours.span()) == (theirs and theirs.span())
