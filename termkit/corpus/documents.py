"""Where and when a report is from: its jurisdiction and its date, each with how it was decided.

Sources, most trusted first (the body text is never one: 我代表省人民政府 names no place):

- jurisdiction: a place named in the file path (``provinces/四川省/2014.md``,
  ``长沙市-2024.md``); the meeting line (``——2024年1月9日在长沙市第十六届人民代表大会
  第三次会议上``); the front matter's ``title:``; an official's line (``云南省省长 李纪恒``).
  A meeting of the 全国人民代表大会 is 中华人民共和国.
- date: the meeting line (the day the report was delivered, Arabic or Chinese
  numerals); a year in the title; a year in the path.

>>> info = report_info("——2024年1月9日在长沙市第十六届人民代表大会第三次会议上\\n正文", "reports/2023.md")
>>> info.jurisdiction, info.date
(Decided(value='长沙市', how='meeting line 1'), Decided(value='2024-01-09', how='meeting line 1'))
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePath

from ..text.numerals import DIGITS, parse_numeral


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
_PLACE = r"(?![年月日在])[\u4e00-\u9fff]{1,10}?(?:特别行政区|自治区|自治州|自治县|省|市|县|区|州|盟|旗)"
_BOUND = r"(?:^|(?<=[\s0-9年月日（(—\-_/*：:]))"
_MEETING = re.compile(r"在(" + _PLACE + r"|全国|第[一二三四五六七八九十0-9]+届全国)第?[一二三四五六七八九十0-9]*届?人民代表大会")
_OFFICIAL = re.compile(
    _BOUND + r"(" + _PLACE + r")(?:人民政府)?(?:代理|代)?(?:省长|市长|区长|县长|州长|主席|旗长|盟长)"
)
_TITLE_PLACE = re.compile(_BOUND + r"(" + _PLACE + r")(?:人民政府)?(?:政府工作报告|.{0,4}长)")
#: A place in a path: a whole folder or file name, or one followed by a year, a separator or 政府工作报告.
_PATH_PLACE = re.compile(_BOUND + "(" + _PLACE + r")(?=$|[-_. 0-9（(]|年|人民政府|政府工作报告)")
_GENERIC = {"省", "市", "县", "区", "州", "自治区", "全市", "全省", "全区", "全县", "本市", "我市", "我省", "我区"}
_CN_DIGIT = "〇零○0一二三四五六七八九"
_DATE = re.compile(
    r"([0-9]{4}|[" + _CN_DIGIT + r"]{4})\s*年\s*([0-9]{1,2}|[一二三四五六七八九十]{1,3})\s*月"
    r"\s*(?:([0-9]{1,2}|[一二三四五六七八九十]{1,3})\s*日)?"
)
_YEAR = re.compile(r"(?<![0-9])((?:19|20)[0-9]{2})(?![0-9])")
_HEAD_LINES = 40


def _place(name: str) -> str | None:
    return None if name in _GENERIC or name.startswith(("我", "全", "本")) else name


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


def _meeting_lines(text: str):
    for i, line in enumerate(text.split("\n", _HEAD_LINES)[:_HEAD_LINES], 1):
        if "人民代表大会" in line or "会议上" in line:
            yield i, line


def jurisdiction(text: str, path: str | None = None) -> Decided:
    """The jurisdiction whose report this is, and how it was decided.

    >>> jurisdiction("我代表省人民政府", "provinces/四川省/2014.md")
    Decided(value='四川省', how='path')
    >>> jurisdiction("正文", "城区报告/长沙市政府工作报告2024.md")
    Decided(value='长沙市', how='path')
    >>> jurisdiction("---\\ntitle: 2020年1月14日广东省省长马兴瑞在广东省第十三届\\n---\\n")
    Decided(value='广东省', how='title')
    >>> jurisdiction("政府工作报告\\n\\n**东莞市市长 吕成蹊**\\n"), jurisdiction("我代表省人民政府")
    (Decided(value='东莞市', how='official line 3'), Decided(value=None, how='unknown'))
    """
    if path:
        for part in reversed(PurePath(path).parts):
            m = _PATH_PLACE.search(PurePath(part).stem)
            if m and _place(m.group(1)):
                return Decided(m.group(1), "path")
    for i, line in _meeting_lines(text):
        m = _MEETING.search(line)
        if m:
            name = "中华人民共和国" if m.group(1).endswith("全国") else _place(m.group(1))
            if name:
                return Decided(name, f"meeting line {i}")
    title = _title(text)
    if title:
        m = _MEETING.search(title) or _TITLE_PLACE.search(title)
        if m and _place(m.group(1)):
            return Decided(m.group(1), "title")
    for i, line in enumerate(text.split("\n", _HEAD_LINES)[:_HEAD_LINES], 1):
        m = _OFFICIAL.search(line.replace("*", ""))
        if m and _place(m.group(1)):
            return Decided(m.group(1), f"official line {i}")
    return _UNKNOWN


def report_date(text: str, path: str | None = None) -> Decided:
    """The date the report was delivered (``YYYY-MM-DD``, or ``YYYY`` when only the year is known).

    >>> report_date("——二〇一三年一月二十五日在云南省第十二届人民代表大会第一次会议上")
    Decided(value='2013-01-25', how='meeting line 1')
    >>> report_date("正文", "provinces/四川省/2014.md"), report_date("正文")
    (Decided(value='2014', how='path'), Decided(value=None, how='unknown'))
    """
    for i, line in _meeting_lines(text):
        m = _DATE.search(line)
        if m:
            y, mo, d = _year(m.group(1)), parse_numeral(m.group(2)), m.group(3) and parse_numeral(m.group(3))
            if y and 1949 <= y <= 2100 and mo and 1 <= mo <= 12:
                value = f"{y:04d}-{mo:02d}" + (f"-{d:02d}" if d and 1 <= d <= 31 else "")
                return Decided(value, f"meeting line {i}")
    title = _title(text)
    if title and _YEAR.search(title):
        return Decided(_YEAR.search(title).group(1), "title")
    if path:
        m = _YEAR.search(PurePath(path).name)
        if m:
            return Decided(m.group(1), "path")
    return _UNKNOWN


def report_info(text: str, path: str | None = None) -> ReportInfo:
    """The report's jurisdiction and date (see :func:`jurisdiction` and :func:`report_date`)."""
    return ReportInfo(jurisdiction(text, path), report_date(text, path))
