"""Where and when a document is from: its jurisdiction and its date, each with how it was decided.

Documents are government work reports, notices, speeches and news items. Sources, most trusted
first; the body text beyond the head is never one (我代表省人民政府 names no place):

- jurisdiction: a place named in the file path (``provinces/四川省/2014.md``,
  ``长沙市-2024.md``); the meeting line (``——2024年1月9日在长沙市第十六届人民代表大会
  第三次会议上``, ``在甘肃省十届人大三次会议上``) or the adopted line of a notice
  (``（2023年6月16日长治市第十六届人民代表大会常务委员会第五次会议通过）``); the title
  (the front matter's ``title:``, else the first line); a 红头 header (``长治市人民政府文件``,
  ``长治市上党区人民政府关于…的通知``) or the line ``我代表长治市上党区人民政府``; an official's
  line (``云南省省长 李纪恒``); last, a news dateline (``本报长治市6月16日电``,
  ``（上党区融媒体中心）``): where a newspaper is published or a dispatch was filed is weak
  evidence, and only a place name counts (``新华社北京3月5日电`` names none).
  A meeting of the 全国人民代表大会 is 中华人民共和国.
- date: the meeting line or the adopted line (Arabic or Chinese numerals); a news dateline's
  month and day (``新华社北京3月5日电``, ``本报讯（记者 X）6月16日``) with the year from a
  date line, the title or the path; a date line in the head (``2023-06-16``, ``2023.6.16``,
  ``（2023年6月16日 某某）``, ``发布时间：2023/06/16 10:30``); a date or year in the title;
  a date or year in the file name. ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``: always a real date.

``how`` names the source and its line: ``path``, ``title``, ``meeting line 3``,
``adopted line 2``, ``title line 1``, ``header line 1``, ``government line 9``,
``official line 5``, ``dateline line 2``, ``date line 1``.

>>> info = report_info("——2024年1月9日在长沙市第十六届人民代表大会第三次会议上\\n正文", "reports/2023.md")
>>> info.jurisdiction, info.date
(Decided(value='长沙市', how='meeting line 1'), Decided(value='2024-01-09', how='meeting line 1'))
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache

from ..scope.places import known
from ..text.numerals import DIGITS, parse_numeral
from ..text.patterns import Lazy


@dataclass(frozen=True)
class Decided:
    """A value and how it was decided (``path``, ``meeting line 3``, ``title``, ``official line 5``); None if unknown."""

    value: str | None
    how: str


@dataclass(frozen=True)
class ReportInfo:
    jurisdiction: Decided
    date: Decided


_UNKNOWN = Decided(None, "unknown")
#: A letter that is not ASCII (CJK above all). A class of categories, not [\u4e00-\u9fff]:
#: re compiles a range of 21,000 characters bit by bit, 1 ms a pattern, 15 ms at start-up.
_HAN = r"[^\W\d_a-zA-Z]"
_PLACE = r"(?![年月日在])" + _HAN + r"{1,10}?(?:特别行政区|自治区|自治州|自治县|省|市|县|区|州|盟|旗)"
#: What every place of _PLACE ends in one of (a Lazy's ``needs``: no pattern compiled for a line without).
_SUFFIXES = ("省", "市", "县", "区", "州", "盟", "旗")
_BOUND = r"(?:^|(?<=[\s0-9年月日（(—\-_/*：:]))"
_MEETING = Lazy(
    r"(?:在|^[—\-－]*)(" + _PLACE + r"|全国|(?:中华人民共和国)?第[一二三四五六七八九十0-9]+届全国)第?[一二三四五六七八九十0-9]*届?(?:人民代表大会|人大)",
    needs=(("人民代表大会", "人大"),),
)
_OFFICIAL = Lazy(
    _BOUND + r"(" + _PLACE + r")(?:人民政府)?(?:代理|代)?(?:省长|市长|区长|县长|州长|主席|旗长|盟长)",
    needs=(_SUFFIXES, ("长", "主席")),
)
_REPORT = r"(?:人民政府)?(?:(?:19|20)[0-9]{2}年度?)?《?(?:政府)?工作报告"
_TITLE_PLACE = Lazy(_BOUND + r"(" + _PLACE + r")(?:" + _REPORT + r"|(?:人民政府)?.{0,4}长)",
                    needs=(_SUFFIXES, ("工作报告", "长")))
#: The first line as a title names a place only before 政府工作报告 (代省长 is no place).
_TITLE_LINE = Lazy(r"^(" + _PLACE + r")" + _REPORT, needs=(_SUFFIXES, "工作报告"))
#: A place in a path: a whole folder or file name, or one followed by a year, a separator or 政府工作报告.
_PATH_PLACE = Lazy(_BOUND + "(" + _PLACE + r")(?=$|[-_. 0-9（(]|年|人民政府|政府工作报告)", needs=(_SUFFIXES,))
#: A 红头 header (长治市人民政府文件, 长治市上党区人民政府关于…的通知), and a speech on a government's behalf.
_HEADER = Lazy(r"^(" + _PLACE + r")人民政府(?:办公室|办公厅)?(?:文件|关于|令|公告|通告|通知|决定)",
               needs=("人民政府",))
_ON_BEHALF = Lazy(r"(?:我代表|受)(" + _PLACE + r")人民政府", needs=("人民政府",))
#: Who adopted a notice: ``长治市第十六届人民代表大会常务委员会``, ``长治市人民政府``.
_ADOPTER = Lazy(r"^(" + _PLACE + r")(?:第?[一二三四五六七八九十0-9]*届?(?:人民代表大会|人大)|人民政府)",
                needs=(_SUFFIXES, ("人民代表大会", "人大", "人民政府")))
_GENERIC = {"省", "市", "县", "区", "州", "自治区", "全市", "全省", "全区", "全县", "本市", "我市", "我省", "我区"}
_CN_DIGIT = "〇零○0一二三四五六七八九"
_NUM = r"([0-9]{1,2}|[一二三四五六七八九十]{1,3})"
_DATE = Lazy(
    r"([0-9]{4}|[" + _CN_DIGIT + r"]{4})\s*年\s*" + _NUM + r"\s*月"
    r"\s*(?:" + _NUM + r"\s*[日号])?",
    needs=("年", "月"),
)
_ISO = Lazy(r"(?<![0-9])((?:19|20)[0-9]{2})([-./_])([0-9]{1,2})\2([0-9]{1,2})(?![0-9])")
_COMPACT = Lazy(r"(?<![0-9])((?:19|20)[0-9]{2})(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])(?![0-9])")
_YEAR = Lazy(r"(?<![0-9])((?:19|20)[0-9]{2})(?![0-9])")
_MONTH_DAY = _NUM + r"\s*月\s*" + _NUM + r"\s*日"
#: A newspaper, agency, site or station: 本报, 新华社, 长治日报, 上党区融媒体中心.
_ORG = _HAN + r"{0,12}?(?:社|报|网|台|融媒体中心|新闻中心)"
_DISPATCH = Lazy(r"^[（(【]?(" + _ORG + r")(" + _HAN + r"{0,10}?)\s*" + _MONTH_DAY + r"\s*电", needs=("月", "日", "电"))
_NEWS = Lazy(r"^[（(【]?(" + _ORG + r")讯\s*(?:[（(][^）)]{0,40}[）)])?\s*(?:" + _MONTH_DAY + r")?", needs=("讯",))
_CREDIT = Lazy(r"^[（(【](?:来源[：:])?(" + _ORG + r")[）)】]$", needs=(("）", ")", "】"),))
_ORG_PLACE = Lazy(r"(" + _PLACE + r")(?:日报|晚报|报|融媒体中心|新闻中心|广播电视台|电视台|台|网)", needs=(_SUFFIXES,))
_HEAD_LINES = 40
#: A meeting line is a heading: no longer than this, and no 。 in it (a sentence that mentions a meeting is not one).
_HEADING_CHARS = 80


#: What a place's name does not hold, where the table of places does not know it: 大会听取了省 is no place.
_NOT_A_PLACE = Lazy(r"[了的在与及对向为是听审议作由将把被从]")


def _place(name: str) -> str | None:
    if name in _GENERIC or name.startswith(("我", "全", "本", "第")):
        return None
    return name if known(name) or not _NOT_A_PLACE.search(name) else None


def _title(text: str) -> str | None:
    if not text.startswith("---"):
        return None
    m = re.search(r"^title:\s*['\"]?(.+?)['\"]?\s*$", text[:2000], re.M)
    return m.group(1) if m else None


def _year(s: str) -> int | None:
    if s.isdigit() and s.isascii():
        return int(s)
    digits = [DIGITS.get(c, 0 if c in "○0" else None) for c in s]
    return None if None in digits else int("".join(map(str, digits)))


def _format(y: int | None, m: int | None = None, d: int | None = None) -> str | None:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``, always a real date (a bad day is left out); None if the year or month is bad.

    >>> _format(2023, 6, 16), _format(2023, 2, 30), _format(2023), _format(2023, 13, 1), _format(1850)
    ('2023-06-16', '2023-02', '2023', None, None)
    """
    if y is None or not 1900 <= y <= 2100:
        return None
    if m is None:
        return f"{y:04d}"
    if not 1 <= m <= 12:
        return None
    import calendar  # (here: it imports datetime, not needed at every start)

    if d is None or not 1 <= d <= calendar.monthrange(y, m)[1]:
        return f"{y:04d}-{m:02d}"
    return f"{y:04d}-{m:02d}-{d:02d}"


def _date_of(m: re.Match) -> str | None:
    if m.re.pattern == _DATE.pattern:
        return _format(_year(m.group(1)), parse_numeral(m.group(2)), m.group(3) and parse_numeral(m.group(3)))
    if m.re.pattern == _ISO.pattern:
        return _format(int(m.group(1)), int(m.group(3)), int(m.group(4)))
    return _format(int(m.group(1)), int(m.group(2)), int(m.group(3)))


def _first_date(s: str) -> str | None:
    """The first valid date in ``s`` (2023年6月16日, 二〇二三年六月, 2023-06-16, 2023.6.16, 20230616).

    >>> _first_date("通知（2023.6.16）"), _first_date("二〇一三年一月二十五日"), _first_date("2023年13月，2024-02-29")
    ('2023-06-16', '2013-01-25', '2024-02-29')
    """
    found = sorted((m for p in (_DATE, _ISO, _COMPACT) for m in p.finditer(s)), key=lambda m: m.start())
    return next((d for d in map(_date_of, found) if d), None)


@lru_cache(maxsize=4)
def _head(text: str) -> tuple[tuple[int, str], ...]:
    """The first lines, numbered from 1, without Markdown bold marks, heading marks or surrounding spaces
    (kept for the few texts last asked about: each source of :func:`report_info` reads them)."""
    lines = text.split("\n", _HEAD_LINES)[:_HEAD_LINES]
    return tuple((i, line.replace("*", "").strip().lstrip("#> ").strip()) for i, line in enumerate(lines, 1))


def _meeting_lines(text: str, headings: bool = False):
    """Lines that name a meeting; with ``headings``, only those that are headings, not sentences
    (a sentence's date is often an earlier meeting's; its place is the same congress's)."""
    for i, line in _head(text):
        if "人民代表大会" in line or "会议上" in line:
            if not headings or (len(line) <= _HEADING_CHARS and "。" not in line):
                yield i, line


def _adopted_lines(text: str):
    """Lines such as ``（2023年6月16日长治市第十六届人民代表大会常务委员会第五次会议通过）``: (number, date, adopter)."""
    for i, line in _head(text):
        if line[:1] in "（(" and re.search(r"(?:通过|批准)[）)]$", line):
            m = _DATE.search(line) or _ISO.search(line)
            if m and _date_of(m):
                yield i, _date_of(m), line[m.end():].lstrip(" ，,")


def _title_line(text: str) -> tuple[int, str] | None:
    """The first line of the text that holds something, after any front matter."""
    head = _head(text)
    if head and head[0][1] == "---":
        end = next((k for k, (_, line) in enumerate(head[1:], 1) if line == "---"), len(head))
        head = head[end + 1:]
    return next(((i, line) for i, line in head if line and not line.startswith("<!--")), None)


def _dateline(text: str):
    """A news dateline in the head: (line number, month, day, place); month and day None when not given.

    >>> _dateline("标题\\n本报长治市6月16日电（记者 某某）"), _dateline("新华社北京3月5日电")
    ((2, 6, 16, '长治市'), (1, 3, 5, None))
    >>> _dateline("本报讯（记者 某某）六月十六日，"), _dateline("正文\\n（上党区融媒体中心）"), _dateline("正文")
    ((1, 6, 16, None), (2, None, None, '上党区'), None)
    """
    for i, line in _head(text):
        m = _DISPATCH.match(line)
        if m:
            place = m.group(2) if re.fullmatch(_PLACE, m.group(2)) and _place(m.group(2)) else _org_place(m.group(1))
            return i, parse_numeral(m.group(3)), parse_numeral(m.group(4)), place
        m = _NEWS.match(line)
        if m:
            month_day = (parse_numeral(m.group(2)), parse_numeral(m.group(3))) if m.group(2) else (None, None)
            return (i, *month_day, _org_place(m.group(1)))
        m = _CREDIT.match(line)
        if m and _org_place(m.group(1)):
            return i, None, None, _org_place(m.group(1))
    return None


def _org_place(org: str) -> str | None:
    m = _ORG_PLACE.fullmatch(org)
    return _place(m.group(1)) if m else None


def _in_head(text: str, pattern: re.Pattern, how: str) -> Decided | None:
    for i, line in _head(text):
        m = pattern.search(re.sub(r"\s", "", line) if pattern is _HEADER else line)
        if m and _place(m.group(1)):
            return Decided(m.group(1), f"{how} line {i}")
    return None


def _parts(path: str) -> list[str]:
    """The names in a path, the file's last (what ``PurePath(path).parts`` holds but the root)."""
    path = os.fspath(path)
    for sep in {os.sep, os.altsep or os.sep}:
        path = path.replace(sep, "/")
    return [p for p in path.split("/") if p] or [""]


def _stem(name: str) -> str:
    i = name.rfind(".")
    return name[:i] if 0 < i < len(name) - 1 else name


def jurisdiction(text: str, path: str | None = None) -> Decided:
    """The jurisdiction whose document this is, and how it was decided.

    >>> jurisdiction("我代表省人民政府", "provinces/四川省/2014.md")
    Decided(value='四川省', how='path')
    >>> jurisdiction("正文", "城区报告/长沙市政府工作报告2024.md")
    Decided(value='长沙市', how='path')
    >>> jurisdiction("---\\ntitle: 2020年1月14日广东省省长马兴瑞在广东省第十三届\\n---\\n")
    Decided(value='广东省', how='title')
    >>> jurisdiction("政府工作报告\\n\\n**东莞市市长 吕成蹊**\\n"), jurisdiction("我代表省人民政府")
    (Decided(value='东莞市', how='official line 3'), Decided(value=None, how='unknown'))
    >>> jurisdiction("长治市上党区人民政府文件\\n\\n上党政发〔2023〕1号\\n")
    Decided(value='长治市上党区', how='header line 1')
    >>> jurisdiction("政府工作报告\\n\\n各位代表：\\n\\n现在，我代表长治市上党区人民政府向大会报告工作。")
    Decided(value='长治市上党区', how='government line 5')
    >>> jurisdiction("某某会议召开\\n\\n本报长治市6月16日电 今天……"), jurisdiction("新华社北京3月5日电")
    (Decided(value='长治市', how='dateline line 3'), Decided(value=None, how='unknown'))
    """
    if path:
        for part in reversed(_parts(path)):
            m = _PATH_PLACE.search(_stem(part))
            if m and _place(m.group(1)):
                return Decided(m.group(1), "path")
    for i, line in _meeting_lines(text):
        m = _MEETING.search(line)
        if m:
            name = "中华人民共和国" if m.group(1).endswith("全国") else _place(m.group(1))
            if name:
                return Decided(name, f"meeting line {i}")
    for i, _, adopter in _adopted_lines(text):
        m = _ADOPTER.match(adopter)
        if m and _place(m.group(1)):
            return Decided(m.group(1), f"adopted line {i}")
    for pattern, how in ((_HEADER, "header"), (_ON_BEHALF, "government")):
        found = _in_head(text, pattern, how)
        if found:
            return found
    title = _title(text)
    if title:
        m = _MEETING.search(title) or _TITLE_PLACE.search(title)
        if m and _place(m.group(1)):
            return Decided(m.group(1), "title")
    first = _title_line(text)
    if first:
        m = _TITLE_LINE.search(first[1])
        if m and _place(m.group(1)):
            return Decided(m.group(1), f"title line {first[0]}")
    found = _in_head(text, _OFFICIAL, "official")
    if found:
        return found
    news = _dateline(text)
    if news and news[3]:
        return Decided(news[3], f"dateline line {news[0]}")
    return _UNKNOWN


def _date_line(line: str) -> str | None:
    """The date of a line that is a date and little else: ``2023-06-16``, ``（2006年1月16日 某某）``, ``发布时间：2023/06/16 10:30``."""
    s = re.sub(r"^" + _HAN + r"{2,6}\s*[：:]\s*", "", line.lstrip("（(【[—-－ "))
    m = _DATE.match(s) or _ISO.match(s)
    if not m:
        return None
    tail = s[m.end():]
    return None if len(tail) > 30 or re.search(r"[，。；,;、]", tail) else _date_of(m)


def _year_for(month: int, day: int, sources: list[tuple[str | None, str]]) -> tuple[int, str] | None:
    """The year of a dateline's month and day: from the first source that has one. A full date that
    comes before the month and day in its year (published 2024-01-02, datelined 12月31日) gives the year before."""
    for value, how in sources:
        if value:
            y = int(value[:4])
            if len(value) > 4 and (month, day) > (int(value[5:7]), int(value[8:10] or 31)):
                y -= 1
            return y, how
    return None


def report_date(text: str, path: str | None = None) -> Decided:
    """The date of the document (``YYYY-MM-DD``, or ``YYYY-MM``/``YYYY`` when that is all that is known).

    >>> report_date("——二〇一三年一月二十五日在云南省第十二届人民代表大会第一次会议上")
    Decided(value='2013-01-25', how='meeting line 1')
    >>> report_date("正文", "provinces/四川省/2014.md"), report_date("正文")
    (Decided(value='2014', how='path'), Decided(value=None, how='unknown'))
    >>> report_date("关于某事的通知\\n（2023年6月16日长治市人民政府第12次常务会议通过）")
    Decided(value='2023-06-16', how='adopted line 2')
    >>> report_date("标题\\n\\n2023.6.16\\n\\n正文"), report_date("新华社北京3月5日电", "news/2024-03-06.md")
    (Decided(value='2023-06-16', how='date line 3'), Decided(value='2024-03-05', how='dateline line 1, year from path'))
    """
    for i, line in _meeting_lines(text, headings=True):
        value = _first_date(line)
        if value:
            return Decided(value, f"meeting line {i}")
    for i, value, _ in _adopted_lines(text):
        return Decided(value, f"adopted line {i}")
    dated = next(((i, v) for i, line in _head(text) if (v := _date_line(line))), None)
    title = _title(text)
    in_title = title and (_first_date(title) or (_YEAR.search(title) and _YEAR.search(title).group(1)))
    name = _parts(path)[-1] if path else ""
    in_path = _first_date(name) or (_YEAR.search(name) and _YEAR.search(name).group(1))
    news = _dateline(text)
    if news and news[1]:
        i, month, day, _ = news
        year = _year_for(month, day, [(dated and dated[1], f"date line {dated and dated[0]}"),
                                      (in_title, "title"), (in_path, "path")])
        value = year and _format(year[0], month, day)
        if value:
            return Decided(value, f"dateline line {i}, year from {year[1]}")
    if dated:
        return Decided(dated[1], f"date line {dated[0]}")
    if in_title:
        return Decided(in_title, "title")
    if in_path:
        return Decided(in_path, "path")
    return _UNKNOWN


def report_info(text: str, path: str | None = None) -> ReportInfo:
    """The document's jurisdiction and date (see :func:`jurisdiction` and :func:`report_date`)."""
    return ReportInfo(jurisdiction(text, path), report_date(text, path))
