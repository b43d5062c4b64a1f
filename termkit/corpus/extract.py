"""Reading a report's 名词解释 appendix into glossary terms.

The steps, each a small function:

1. :func:`find_appendix` finds the header line — 名词解释, 名 词 解 释, 名词注解,
   有关名词解释, 名词解释和说明, 附件：名词解释, 附：名词解释, 《政府工作报告》名词解释,
   and, after such a prefix or alone, 注释, 注 释, 附注, 缩略语, 词语解释; in ``**bold**``
   or after ``##`` — and takes the appendix to run from it to the end of the text
   (Traditional 名詞解釋 too), or to the next heading (a Markdown ``#`` line or a 附件 line).
2. :func:`split_entries` removes Markdown (:func:`demark`: ``**``, list marks, HTML
   comments) and cuts the appendix into numbered entries. The first
   numbered line fixes the style (``1.`` ``1、`` ``1．`` ``（1）`` ``(1)`` ``[1]``
   ``［1］`` ``〔1〕`` ``①`` ``（一）`` ``一、``); after it, only a line numbered in the
   same style with the next number starts an entry, so a continuation line that
   happens to begin ``5.5亿元`` or ``二、`` stays in its entry — but the next
   number itself starts one even before a digit (``7.4E级``) or a quote
   (``24“五证合一”``), one skipped number is passed over before a ``headword：``
   line, and ⑳-style circles may run on as （21）. Page-number lines (``— 23 —``,
   ``- 23 -``, ``第 23 页``) belong to no entry and are dropped. Without any
   numbered line, every line of the form ``headword：definition`` starts an entry.
3. :func:`clean` joins an entry's lines and removes PDF whitespace: every run of
   whitespace goes, except a run between two ASCII letters or digits, which
   becomes one space.
4. :func:`split_entry` divides an entry into headword and definition at the first
   ``：`` or ``:`` outside quotes and brackets, else the first ``，``, else
   before a lead word, else after a short headword set off by a space (``三旧 城市…``)
   or a quoted one run into its definition; :func:`strip_lead` drops the lead word
   (即指, 是指, 即, 指, 是). A page reference in a headword (（《报告》第1页第13行）) goes.
5. :func:`headword_keys` splits a headword that names several terms (“四早”“四集中”,
   增强“八项本领”、提高“七种能力”; 六稳、六保 when the definition names each);
   :func:`key_of` takes each key: the quoted core where there is one (not a
   one-character core or a plan period: “丰”字型 → 丰字型)
   (“六九九六”工作机制 → 六九九六, 河湖“清四乱” → 清四乱); several quoted cores
   joined by + are kept together (“承诺制”+“标准地” → 承诺制+标准地);
   a trailing parenthesised abbreviation becomes an alias (地区生产总值(GDP)).
6. :func:`components_of` finds sub-definitions — a quoted name at the start of
   a clause followed by a lead word (“六项制度”，即…；“九条铁规”，即…; “2”即…)
   — and :func:`split_items` finds enumerations (一是…；二是…, or a flat list
   separated by ； or 、).

Cost: :func:`extract_terms` takes time linear in the length of the text (each
line is looked at a fixed number of times; no pattern has two quantifiers that
can trade the same characters, so none backtracks over a long run), and
``tests/test_extract.py`` holds it there by doubling hostile inputs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml
from pydantic import ValidationError

from ..glossary.model import Component, Context, GlossaryFile, Kind, Source, Term, to_json
from .documents import ReportInfo, report_info
from ..text.chars import FULLWIDTH_TO_ASCII, QUOTES, ascii_alnum
from ..text.lists import TRAIL, depth_map, list_readings, split_items, split_top
from ..text.numerals import has_numeral_chars, is_ordinal_key, key_parts, numerals_in_key, parse_numeral


#: A header line, matched with its whitespace and Markdown marks removed (see :func:`_squeeze`):
#: no quantifier here can run into another over the same characters. 注释, 附注, 缩略语 and
#: 词语解释 count only after a structured prefix (附：, 附件, 《政府工作报告》, 有关 …);
#: 名词… may follow a short free prefix (政府工作报告专业术语名词解释).
_HEAD_PREFIX = (
    r"(?:资料[:：])?(?:附件[0-9一二三四五六七八九十]*[:：、.．]?)?(?:附[:：])?"
)
_HEAD_TAIL = r"(?:[(（][^()（）]{0,24}[)）])?[:：]*"
_HEADER = re.compile(
    _HEAD_PREFIX
    + r"(?:《[^》]{1,30}》|[^，。,：:；;“”\"]{0,16}?)?"
    r"(?:有[关關]|相[关關]|主要|部分)?(?:内容)?(?:专业)?"
    r"名[词詞](?:术语)?(?:解[释釋](?:和[说說]明)?|[注註]解|[注註][释釋]|[释釋]义|解[读讀]|[说說]明)"
    + _HEAD_TAIL
)
_HEADER_SHORT = re.compile(
    _HEAD_PREFIX
    + r"(?:《[^》]{1,30}》)?(?:有[关關]|相[关關]|主要|部分)?(?:内容)?"
    r"(?:[注註][释釋]|附[注註]|[词詞]语解[释釋]|缩略语|縮略語)"
    + _HEAD_TAIL
)
_HEADER_CHARS = re.compile("[名释釋注註略]")
_NEXT_HEADING = re.compile(r"#|附件[0-9一二三四五六七八九十]*[:：]?$")
_PAGE_NUMBER = re.compile(
    r"^\s*(?:[—–\-－~～_]+\s*[0-9０-９]{1,4}\s*[—–\-－~～_]+|第\s*[0-9]{1,4}\s*页(?:\s*(?:[/，,]\s*)?共\s*[0-9]{1,4}\s*页)?|[0-9]{1,4})\s*$"
)
_COMMENT = re.compile(r"^\s*<!--.*-->\s*$")


def _squeeze(line: str) -> str:
    """The line without whitespace (PDF text spaces out 名 词 解 释), ``**`` and a leading ``#``/``-``."""
    s = "".join(line.split()).replace("**", "")
    return s.lstrip("#").removeprefix("-")


def _is_header(line: str) -> bool:
    """Whether a line is an appendix heading (名词解释, 注 释, ## 附注：, 附：名词解释 …)."""
    if len(line) > 120 or not _HEADER_CHARS.search(line):
        return False
    s = _squeeze(line)
    return bool(_HEADER.fullmatch(s) or _HEADER_SHORT.fullmatch(s))


def _header_lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of each header line; each line is looked at once."""
    out = []
    start = 0
    for line in text.split("\n"):
        if _is_header(line):
            out.append((start, start + len(line)))
        start += len(line) + 1
    return out


def find_appendix(text: str) -> tuple[int, int] | None:
    """The character span of the 名词解释 appendix: from its header line to its end.

    The last header followed, within six non-blank lines, by an entry numbered 1
    (or a ``headword：`` line) counts: a table of contents may name the appendix
    earlier. Each line is looked at once, and each header's next 4,000 characters
    once, so the cost stays linear in the text.

    >>> text = "正文。\\n\\n附件\\n名 词 解 释\\n1. “双碳”：碳达峰、碳中和。\\n"
    >>> a, b = find_appendix(text); text[a:b].splitlines()[0]
    '名 词 解 释'
    >>> find_appendix("没有附录的文本") is None
    True
    """
    for start, end in reversed(_header_lines(text)):
        if _entry_follows(text, end):
            return start, _appendix_end(text, end)
    return None


_NON_BLANK = re.compile(r"\S")


def _entry_follows(text: str, pos: int, within: int = 6) -> bool:
    """Whether one of the first few non-blank lines after ``pos`` starts an entry."""
    stop = min(len(text), pos + 4000)
    for _ in range(within):
        m = _NON_BLANK.search(text, pos, stop)  # blank lines skipped in one step
        if m is None:
            return False
        start = max(pos, text.rfind("\n", pos, m.start()) + 1)
        end = text.find("\n", m.start(), stop)
        pos = stop if end < 0 else end
        line = demark(text[start:pos])
        nb = _numbering(line)
        if (nb is not None and nb[1] == 1) or _UNNUMBERED.match(line):
            return True
    return False


def _appendix_end(text: str, pos: int) -> int:
    """Where the appendix starting at ``pos`` ends: at the next heading line, else at the end."""
    offset = pos
    for line in text[pos:].split("\n"):
        if offset > pos and line.lstrip()[:1] in ("#", "附") and _NEXT_HEADING.match(_squeeze(line)):
            return offset
        offset += len(line) + 1
    return len(text)


# -- entries ------------------------------------------------------------------

_BOLD_HEAD = re.compile(r"^(\s*)\*\*([^*：:]{1,60}?)\*\*[ \u3000]*(?=[^\W_]|[“「『\"(（])")
_BOLD_LINE = re.compile(r"^\s*\*\*([^*：:]{1,80})\*\*\s*$")
_LIST_MARK = re.compile(r"^\s*[-*+][ \u3000]+")


def demark(line: str) -> str:
    """A line without its Markdown: ``**`` bold, a leading ``-`` list mark, an HTML comment.

    A bold headword with no colon gets one (``**LED** 即…`` → ``LED：即…``), and so
    does a whole bold numbered line (the headword of a definition that follows in
    the next paragraph).

    >>> demark("**1.“四上”企业：**指规模以上企业"), demark("**LED** 即发光二极管")
    ('1.“四上”企业：指规模以上企业', 'LED：即发光二极管')
    >>> demark("**3.“两重”“两新”**"), demark("<!-- （来源：网站） -->"), demark("- 资料：名词解释")
    ('3.“两重”“两新”：', '', '资料：名词解释')
    """
    if "<!--" in line and _COMMENT.match(line):
        return ""
    if "**" in line:
        m = _BOLD_LINE.match(line)
        if m and _numbering(m.group(1)) is not None:
            return m.group(1).strip() + "："
        m = _BOLD_HEAD.match(line)
        if m:
            line = m.group(1) + m.group(2).rstrip() + "：" + line[m.end():]
        line = line.replace("**", "")
    if line[:1] in "-*+ \u3000" and _LIST_MARK.match(line) and not _PAGE_NUMBER.match(line):
        line = line[_LIST_MARK.match(line).end():]
    return line


_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳㉑㉒㉓㉔㉕㉖㉗㉘㉙㉚㉛㉜㉝㉞㉟㊱㊲㊳㊴㊵㊶㊷㊸㊹㊺㊻㊼㊽㊾㊿"
_CN = "[一二三四五六七八九十百千零〇]{1,7}"
#: Numbering styles: (name, pattern). Matched on the width-folded line.
NUMBERING = (
    ("arabic-dot", re.compile(r"^\s*([0-9]+)\s*[.](?![0-9])\s*")),
    ("arabic-comma", re.compile(r"^\s*([0-9]+)\s*[、,，]\s*")),
    ("paren-arabic", re.compile(r"^\s*[(（]\s*([0-9]+)\s*[)）]\s*")),
    ("bracket", re.compile(r"^\s*\[\s*([0-9]+)\s*\]\s*")),
    ("tortoise", re.compile(r"^\s*〔\s*([0-9]+)\s*〕\s*")),
    ("circled", re.compile(r"^\s*([" + _CIRCLED + r"])\s*")),
    ("paren-chinese", re.compile(r"^\s*[(（]\s*(" + _CN + r")\s*[)）]\s*")),
    ("chinese-comma", re.compile(r"^\s*(" + _CN + r")\s*[、.](?!是)\s*")),
)
#: The expected number followed by a digit (``7.4E级``, ``14.2025年``) or by a quote
#: with no mark at all (``24“五证合一”``): taken only when it is the next number.
_LOOSE = re.compile(r"^\s*([0-9]+)\s*(?:[.、]\s*|(?=[“「『\"]))")


def _numbering(line: str) -> tuple[str, int, int] | None:
    """The numbering at the start of a line: (style, number, length of the prefix).

    >>> _numbering("12. “1+2+15”主导"), _numbering("（3）河长制"), _numbering("②三化三制")
    (('arabic-dot', 12, 4), ('paren-arabic', 3, 3), ('circled', 2, 1))
    >>> _numbering("5.5亿元"), _numbering("二十一、“三个务必”"), _numbering("［4］ 六稳")
    (None, ('chinese-comma', 21, 4), ('bracket', 4, 4))
    """
    if not line or line.isspace():
        return None
    folded = line.translate(FULLWIDTH_TO_ASCII).replace("．", ".")
    for style, pattern in NUMBERING:
        m = pattern.match(folded)
        if m:
            g = m.group(1)
            n = _CIRCLED.index(g) + 1 if style == "circled" else parse_numeral(g)
            if n is not None:
                return style, n, m.end()
    return None


_UNNUMBERED = re.compile(r"^\s*[^\s：:，,。；]{1,30}(?:[：:]|[，,](?:即|是指|系指))")
_HEADWORD_COLON = re.compile(r"^[^。；]{1,40}[：:]")


def _loose(line: str, style: str | None, expected: int) -> tuple[str, int, int] | None:
    """The expected arabic number where the strict styles refuse it (``7.4E级``, ``24“五证合一”``)."""
    if style not in (None, "arabic-dot", "arabic-comma"):
        return None
    m = _LOOSE.match(line.translate(FULLWIDTH_TO_ASCII).replace("．", "."))
    if m and int(m.group(1)[:6]) == expected:
        return style or "arabic-dot", expected, m.end()
    return None


def _entry_lines(lines: list[str]) -> list[tuple[int, int, str]]:
    """The lines that start entries: (line index, item number, prefix length).

    After the first entry only the next number in the same style starts one —
    or, for a line that reads ``headword：…``, the number after it (the source
    skipped one) — and ⑳-style circles may run on as （21）.
    """
    starts = []
    style = None
    expected = 1
    for i, line in enumerate(lines):
        nb = _numbering(line)
        if nb is None or nb[1] != expected:
            nb = _loose(line, style, expected) or nb
        if nb is None:
            continue
        if style is None and nb[1] == 1:
            style = nb[0]
        same = nb[0] == style or (style == "circled" and expected > 10 and nb[0] == "paren-arabic")
        if same and nb[1] == expected + 1 and starts and _HEADWORD_COLON.match(line[nb[2]:]):
            expected += 1  # a number skipped in the source
        if same and nb[1] == expected:
            starts.append((i, expected, nb[2]))
            expected += 1
    if starts:
        return starts
    return [(i, n, 0) for n, i in enumerate(
        (i for i, line in enumerate(lines) if _UNNUMBERED.match(line) and not _PAGE_NUMBER.match(line)), 1)]


def split_entries(text: str) -> list[tuple[int, int, str]]:
    """The entries of an appendix text: (item number, 1-based line, raw entry text).

    Page-number lines and HTML comments are dropped, Markdown marks removed
    (:func:`demark`); the header line is not part of any entry.

    >>> split_entries("名词解释\\n1. 甲：一\\n\\n— 2 —\\n\\n二\\n2. 乙：三")
    [(1, 2, '甲：一\\n\\n\\n\\n二'), (2, 7, '乙：三')]
    """
    lines = [demark(x) for x in text.split("\n")]
    if lines and _is_header(lines[0]):
        lines[0] = ""
    starts = _entry_lines(lines)
    out = []
    for k, (i, n, prefix) in enumerate(starts):
        stop = starts[k + 1][0] if k + 1 < len(starts) else len(lines)
        body = [lines[i][prefix:]] + [
            "" if _PAGE_NUMBER.match(x) else x for x in lines[i + 1 : stop]
        ]
        out.append((n, i + 1, "\n".join(body)))
    return out


_WS = re.compile(r"\s+")


def clean(text: str) -> str:
    """Join broken lines and drop PDF whitespace, keeping one space between ASCII words.

    >>> clean("“4 句话 32 字”要求：一是主强\\n\\n辅优")
    '“4句话32字”要求：一是主强辅优'
    >>> clean("  Made in\\nChina 2025 计划 ")
    'Made in China 2025计划'
    """
    text = text.strip()

    def repl(m: re.Match) -> str:
        a, b = m.start(), m.end()
        if a > 0 and b < len(text) and ascii_alnum(text[a - 1]) and ascii_alnum(text[b]):
            return " "
        return ""

    return _WS.sub(repl, text)


# -- headword and definition ----------------------------------------------------

LEADS = ("即指", "是指", "系指", "意指", "即", "指", "是")
#: A lead word is not one when followed by these: 指导, 是否, 即时.
_NOT_LEAD = {"指": "导挥标引南出示令数導揮標", "是": "否", "即": "时使便時"}
_HEADWORD_MAX = 40


def strip_lead(definition: str) -> str:
    """The definition without its lead word (and any punctuation after it).

    >>> strip_lead("是指定机构、定职数"), strip_lead("即：甲、乙"), strip_lead("务必不忘初心")
    ('定机构、定职数', '甲、乙', '务必不忘初心')
    >>> strip_lead("指导思想")
    '指导思想'
    """
    for lead in LEADS:
        if definition.startswith(lead):
            rest = definition[len(lead):]
            if rest and rest[0] in _NOT_LEAD.get(lead, ""):
                continue
            return rest.lstrip("：:，,")
    return definition


def _lead_at(text: str, i: int) -> bool:
    """Whether :func:`strip_lead` would strip a lead word at ``text[i]`` (without copying the text)."""
    for lead in LEADS:
        if text.startswith(lead, i):
            after = text[i + len(lead) : i + len(lead) + 1]
            if not (after and after in _NOT_LEAD.get(lead, "")):
                return True
    return False


def split_entry(entry: str) -> tuple[str, str | None]:
    """An entry's (headword, definition), the definition with its lead word.

    >>> split_entry("“六定”方案：是指定机构。")
    ('“六定”方案', '是指定机构。')
    >>> split_entry("三化三制，即任期制、聘任制。")
    ('三化三制', '即任期制、聘任制。')
    >>> split_entry("“两个维护”即坚决维护核心。")
    ('“两个维护”', '即坚决维护核心。')
    >>> split_entry("区实验中学即指新建高中。")
    ('区实验中学', '即指新建高中。')
    >>> split_entry("双碳")
    ('双碳', None)
    """
    depth = depth_map(entry)
    for seps in ("：:", "，,"):
        for i, c in enumerate(entry[: _HEADWORD_MAX + 1]):
            if c in seps and depth[i] == 0 and i > 0:
                return entry[:i], entry[i + 1 :] or None
    # No separator: the definition starts at a lead word outside quotes.
    for leads in (("即指", "是指", "系指"), ("即",), ("指", "是")):
        for i in range(1, min(len(entry), _HEADWORD_MAX + 1)):
            if depth[i] == 0 and depth[i - 1] == 0 or (i > 0 and entry[i - 1] in "”」』\"'’"):
                for lead in leads:
                    if entry.startswith(lead, i) and _lead_at(entry, i):
                        if lead in ("指", "是") and entry[i - 1] not in "”」』\"'’":
                            continue  # a bare 指/是 only leads after a quoted headword
                        return entry[:i], entry[i:]
    return entry, None


_QUOTED = re.compile(r"“([^“”]+)”|「([^「」]+)」|『([^『』]+)』|\"([^\"]+)\"|‘([^‘’]+)’|〝([^〝〞]+)〞|﹁([^﹁﹂]+)﹂")
_ABBREV = re.compile(r"^(?P<name>.+?)[(（](?:简称|英文简称|英文缩写|缩写)?[:：]?(?P<abbr>[^()（）]{1,20})[)）]$")
_CONNECTORS = set("+＋、和与及")
_MID_ABBREV = re.compile(r"^(?P<name>[^（(“”]{2,30})[(（](?P<abbr>[A-Za-zＡ-Ｚａ-ｚ0-9]{2,12})[)）](?P<rest>[^（()）“”]{1,6})$")


def _strip_quotes(s: str) -> str:
    return "".join(c for c in s if c not in QUOTES)


def key_of(headword: str) -> tuple[str, list[str], str, str]:
    """The key of a headword, its aliases, and the text before and after the quoted core.

    >>> key_of("“六九九六”工作机制")
    ('六九九六', [], '', '工作机制')
    >>> key_of("国有企业“六定”方案")
    ('六定', [], '国有企业', '方案')
    >>> key_of("“承诺制”+“标准地”+“全代办”")
    ('承诺制+标准地+全代办', [], '', '')
    >>> key_of("地区生产总值（GDP）")
    ('地区生产总值', ['GDP'], '', '')
    >>> key_of("政府与社会资本合作（PPP）模式")
    ('政府与社会资本合作模式', ['PPP模式'], '', '')
    >>> key_of("「１＋２＋１５」体系")
    ('1+2+15', [], '', '体系')
    """
    aliases: list[str] = []
    m = _MID_ABBREV.match(headword)
    if m:  # 政府与社会资本合作（PPP）模式 → 政府与社会资本合作模式, alias PPP模式
        aliases.append(m.group("abbr").translate(FULLWIDTH_TO_ASCII) + m.group("rest"))
        headword = m.group("name") + m.group("rest")
    m = _ABBREV.match(headword)
    if m and _QUOTED.search(m.group("abbr")) is None:
        headword = m.group("name")
        aliases.append("".join(m.group("abbr").split()).translate(FULLWIDTH_TO_ASCII).strip(QUOTES))
    quoted = list(_QUOTED.finditer(headword))
    before = after = ""
    if quoted:
        first, last = quoted[0], quoted[-1]
        between = [headword[a.end() : b.start()] for a, b in zip(quoted, quoted[1:])]
        joined = (
            len(quoted) > 1
            and first.start() == 0
            and last.end() == len(headword)
            and all(x and set(x) <= _CONNECTORS for x in between)
        )
        core = next((q for q in quoted if not _suspect(_core(q))), None)
        if joined:
            key = _strip_quotes(headword)
        elif core is None:
            key = headword  # “丰”字型+环线, “十三五”规划未达标指标: the core alone is no name
        else:
            key = _core(core)
            before, after = headword[: core.start()], headword[core.end() :]
    else:
        key = headword
    key = _strip_quotes("".join(key.split())).translate(FULLWIDTH_TO_ASCII)
    aliases = [a for a in aliases if a and a != key]
    return key, aliases, _strip_quotes(before), _strip_quotes(after)


def _core(m: re.Match) -> str:
    return next(g for g in m.groups() if g is not None)


_YEAR = re.compile(r"^(?:19|20)[0-9]{2}年?")
_ASCII_SPACE = re.compile(r"[0-9A-Za-z] [0-9A-Za-z]")


def _suspect(key: str) -> str:
    """Why a key is no name a reader would use ('' when it is one).

    >>> _suspect("丰"), _suspect("十三五规划未达标指标5项"), _suspect("2026年10件民生实事"), _suspect("双碳")
    ('one character', 'a plan period or year with something appended', 'a plan period or year with something appended', '')
    >>> _suspect("十三五")
    'a plan period or year'
    """
    key = "".join(key.split())
    if len(key) <= 1:
        return "one character"
    for n in range(min(len(key), 6), 1, -1):
        head = key[:n]
        if is_ordinal_key(head) and head[-1] == "五" or _YEAR.fullmatch(head):
            return "a plan period or year" + (" with something appended" if n < len(key) else "")
    return ""


def headword_keys(headword: str, definition: str | None = None) -> list[str]:
    """The headwords of the several terms one entry defines, or [headword] for one term.

    Two or more quoted cores joined only by 、 和 与 及 (or nothing), with an
    affix or a short verb around them, are separate terms; so are unquoted
    ``A、B`` parts when the definition names each (“A”…, or A，即…).

    >>> headword_keys("“公转铁”、“散改集”"), headword_keys("增强“八项本领”、提高“七种能力”")
    (['“公转铁”', '“散改集”'], ['“八项本领”', '“七种能力”'])
    >>> headword_keys("“承诺制”+“标准地”"), headword_keys("提前实现“十三五”规划的“两个翻番”目标")
    (['“承诺制”+“标准地”'], ['提前实现“十三五”规划的“两个翻番”目标'])
    >>> headword_keys("六稳、六保", "“六稳”即稳就业；“六保”即保居民就业"), headword_keys("两集中、两到位", "集中审批")
    (['六稳', '六保'], ['两集中、两到位'])
    """
    quoted = list(_QUOTED.finditer(headword))
    if len(quoted) >= 2:
        between = [headword[x.end() : y.start()] for x, y in zip(quoted, quoted[1:])]
        if all(_MULTI_BETWEEN.fullmatch(x) for x in between):
            return [q.group() for q in quoted]
        return [headword]
    if quoted or not definition:
        return [headword]
    parts = split_top(headword, "、")
    if 2 <= len(parts) <= 6 and all(2 <= len(p) <= 10 for p in parts) and all(
        f"“{p}”" in definition or re.search(r"(?:^|[。；;，,])" + re.escape(p) + r"[，,：:]?(?:即|指|是指)", definition)
        for p in parts
    ):
        return parts
    if 2 <= len(parts) <= 6 and _counted_groups(parts, definition):
        return parts
    return [headword]


def _counted_groups(parts: list[str], definition: str) -> bool:
    """Whether each numeric part (六稳、六保) has its own ；-group listing as many items as it counts.

    >>> _counted_groups(["六稳", "两保"], "稳就业、稳金融、稳外贸、稳外资、稳投资、稳预期；保居民就业、保基本民生。")
    True
    >>> _counted_groups(["严管入口", "放活岛内"], "严格把控入口；放活岛内要素。")
    False
    """
    groups = split_top(definition.rstrip("。；;"), "；;")
    if len(groups) != len(parts):
        return False
    for part, group in zip(parts, groups):
        counts = numerals_in_key(part)
        if len(counts) != 1 or counts[0] not in list_readings(group):
            return False
    return True


_MULTI_BETWEEN = re.compile(r"[、和与及]?(?:[和与及]|[、，][\u4e00-\u9fff]{0,3})?|")


# -- structure: components and items ------------------------------------------------

_SUB_LEADS = ("分别对应", "分别是", "分别指", "分别为", "即指", "是指", "即", "指", "是")
_SUBDEF = re.compile(
    r"(?:^|(?<=[。；;，,：:]))\s*(?:其中[，,]?)?"
    r"(?:“([^“”]{1,24})”|「([^「」]{1,24})」|『([^『』]{1,24})』|\"([^\"]{1,24})\")"
    r"\s*(?:[，,：:]\s*)?(" + "|".join(_SUB_LEADS) + ")"
)

def components_of(definition: str, key: str = "") -> list[Component]:
    """The sub-definitions of a definition, as components (at least two, or none).

    >>> cs = components_of("“1”指总指挥部，“17”指17个专项指挥部。")
    >>> [(c.name, c.definition) for c in cs]
    [('1', '总指挥部'), ('17', '17个专项指挥部')]
    >>> [(c.name, c.items) for c in components_of("“三区”是指城镇、农业、生态三种空间。“三线”即三条线。")]
    [('三区', ('城镇', '农业', '生态')), ('三线', ())]
    """
    found = []
    for m in _SUBDEF.finditer(definition):
        name = next(g for g in m.groups()[:4] if g is not None)
        lead = m.group(5)
        after = definition[m.end(5) : m.end(5) + 1]  # one character: not a copy of the rest
        if lead in _NOT_LEAD and after and after in _NOT_LEAD[lead]:
            continue
        found.append((m.start(), m.end(5), "".join(name.split()).translate(FULLWIDTH_TO_ASCII), lead))
    if len(found) < 2 or any(f[2] == key for f in found):
        return []
    out = []
    for k, (_, body_start, name, lead) in enumerate(found):
        stop = found[k + 1][0] if k + 1 < len(found) else len(definition)
        body = definition[body_start:stop].lstrip("：:，, ").rstrip(TRAIL)
        if lead == "分别对应":  # not a lead word: part of what the sub-definition says
            body = lead + body
        try:
            out.append(Component(name=name, definition=body or None, items=split_items(body)))
        except ValidationError:
            return []
    return out


_INSTITUTION = re.compile(r"(学校|中学|小学|大学|学院|医院|中心|园区|开发区|馆|站|所|委员会|办公室)$")


def guess_kind(key: str, headword: str, quoted: bool) -> Kind:
    """A sensible kind for an extracted term, from its key and headword.

    >>> [guess_kind(*a).value for a in [("区实验中学", "区实验中学", False), ("十四五", "“十四五”规划", True),
    ...  ("六九九六", "“六九九六”工作机制", True), ("鸿雁归巢", "“鸿雁归巢”行动", True),
    ...  ("清化收", "“清化收”", True), ("三化三制", "三化三制", False)]]
    ['institution', 'plan', 'mechanism', 'programme', 'abbreviation', 'mechanism']
    """
    if _INSTITUTION.search(key):
        return Kind.institution
    parts = key_parts(key)
    if not parts and (("规划" in headword) or (has_numeral_chars(key) and key.endswith("五"))):
        return Kind.plan
    if re.search("机制|制度", headword) or key.endswith("制"):
        return Kind.mechanism
    if re.search("工程|行动|活动|计划|攻坚|专项", headword):
        return Kind.programme
    if parts:
        return Kind.numeric_slogan
    if quoted:
        return Kind.abbreviation
    return Kind.other


_SCOPE = re.compile(
    r"([\u4e00-\u9fff]{2,3}(?:省|自治区|市)(?:[\u4e00-\u9fff]{1,4}?(?:区|县|市|旗))?)"
    r"(?=第?[一二三四五六七八九十0-9]+届|人民政府|人民代表大会|人大)"
)


def guess_scope(text: str) -> str:
    """Who coined the terms: the jurisdiction named at the head of the report, else "unknown".

    >>> guess_scope("长治市上党区二届人大四次会议文件\\n政府工作报告")
    '长治市上党区'
    >>> guess_scope("一篇文章")
    'unknown'
    """
    m = _SCOPE.search(text[:600])
    return m.group(1) if m else "unknown"


def _context(key: str, quoted: bool, before: str, after: str) -> Context:
    """Short or all-ASCII keys from a quoted headword count only quoted, or with their affixes."""
    if not quoted or (len(key) > 2 and not key.isascii()):
        return Context()
    return Context(
        quoted=True,
        followed_by=[after] if after else [],
        preceded_by=[before] if before else [],
    )


_PAGE_REF = re.compile(r"[(（]《[^》]{1,20}》第[^()（）]{1,20}[)）]")
_SPACE_HEAD = re.compile(r"^\s*([^\s：:，,。；、“”]{2,12})[ \u3000]+(?=[^\s：:])")
_QUOTE_HEAD = re.compile(r"^“[^“”]{1,20}”(?=[\u4e00-\u9fff])")


def _head_and_definition(raw: str) -> tuple[str, str | None]:
    """An entry's headword and definition (lead word kept), from its raw text.

    Without a colon, a short headword set off by a space (``三旧 城市旧厂区…``) or
    a quoted headword followed directly by its definition (“六个稳”稳就业、…) counts.
    """
    entry = clean(raw)
    headword, definition = split_entry(entry)
    if definition is None or (headword is entry[: len(headword)] and entry[len(headword) : len(headword) + 1] in "，,"):
        m = _SPACE_HEAD.match(raw)
        q = _QUOTE_HEAD.match(entry)
        if m and not _HEADWORD_COLON.match(entry):
            return m.group(1), clean(raw[m.end():])
        if definition is None and q and len(entry) - q.end() >= 6:
            return q.group(), entry[q.end():]
    return headword, definition


def entry_terms(number: int, line: int, raw: str, document: str, scope: str = "unknown",
                name: str | None = None) -> list[Term]:
    """One appendix entry as Terms: one for each term it defines ([] when it has no usable key).

    >>> [(t.key, t.definition) for t in entry_terms(1, 1, "“四早”“四集中”：“四早”指早发现；“四集中”指集中救治。", "x")]
    [('四早', '早发现'), ('四集中', '集中救治')]
    >>> [(t.key, t.definition) for t in entry_terms(1, 1, "三旧 城市旧厂区、旧住宅区和城中村。", "x")]
    [('三旧', '城市旧厂区、旧住宅区和城中村。')]
    """
    headword, definition = _head_and_definition(raw)
    headword = _PAGE_REF.sub("", headword).strip(TRAIL) or headword
    definition = strip_lead(definition).strip() if definition else None
    heads = headword_keys(headword, definition)
    subdefs = {}
    if len(heads) > 1 and definition:
        subdefs = {c.name: c.definition for c in components_of(definition)}
        keys = [key_of(h)[0] for h in heads]
        if not set(keys) <= set(subdefs):
            subdefs = _parallel_groups(definition, keys)
    out = []
    for head in heads:
        key = key_of(head)[0]
        own = subdefs.get(key) if len(heads) > 1 else None
        term = _term(number, line, head if len(heads) > 1 else headword, own or definition, document, scope, name)
        if term is not None:
            out.append(term)
    return out


def _parallel_groups(definition: str, keys: list[str]) -> dict[str, str]:
    """The ；-groups (or sentences) of a definition, one per term, when there are as many as terms.

    >>> _parallel_groups("早发现、早报告；集中患者、集中专家。", ["四早", "四集中"])
    {'四早': '早发现、早报告', '四集中': '集中患者、集中专家。'}
    >>> _parallel_groups("一句话。", ["甲", "乙"])
    {}
    """
    for seps in ("；;", "。"):
        groups = [g for g in split_top(definition.rstrip("。；;"), seps) if g]
        if len(groups) == len(keys):
            if seps == "。" and not all(k in g for k, g in zip(keys, groups)):
                continue
            tail = definition[len(definition.rstrip("。；;")):]
            return {k: g + (tail if i == len(keys) - 1 else "") for i, (k, g) in enumerate(zip(keys, groups))}
    return {}


def entry_term(number: int, line: int, raw: str, document: str, scope: str = "unknown") -> Term | None:
    """One appendix entry as a Term (the first it defines), or None when it has no usable key."""
    terms = entry_terms(number, line, raw, document, scope)
    return terms[0] if terms else None


def _term(number: int, line: int, headword: str, definition: str | None, document: str, scope: str,
          name: str | None = None) -> Term | None:
    key, aliases, before, after = key_of(headword)
    if not key or len(key) > _HEADWORD_MAX:
        return None
    components = components_of(definition, key) if definition else []
    items = [] if components or not definition else split_items(definition)
    quoted = _QUOTED.search(headword) is not None
    try:
        return Term(
            id=f"{name or Path(document).stem or document}/{key}",
            key=key,
            headword=headword,
            aliases=aliases,
            kind=guess_kind(key, headword, quoted),
            definition=definition or None,
            components=components or ([Component(name=key, items=items)] if items else []),
            scope=scope,
            sources=[Source(document=document, item=f"名词解释 {number}", line=line)],
            context=_context(key, quoted, before, after),
        )
    except ValidationError:
        return None


_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class Extraction:
    """What :func:`extract_report` found in one report.

    ``problem`` is None when entries were recognized, else one line saying which
    part failed; ``warnings`` are lines about suspect keys and repeated entries.
    """

    terms: list[Term]
    entries: int = 0
    heading_line: int | None = None
    warnings: list[str] = field(default_factory=list)
    problem: str | None = None
    info: ReportInfo | None = None


def extract_terms(text: str, document: str) -> list[Term]:
    """The entries of the text's 名词解释 appendix as Terms, in order ([] when there is none).

    Ids are ``<document stem>/<key>``; an entry whose key or alias repeats an
    earlier entry's is left out, so the result always loads as one glossary.
    Lone surrogates in ``text`` read as U+FFFD, as termkit reads them from a file
    (YAML has no way to write them).

    The cost is linear in the length of the text: each line is looked at a
    fixed number of times, and no pattern runs twice over the same characters.

    >>> text = "报告正文。\\n\\n名词解释\\n\\n1. “双碳”：即碳达峰、碳中和。\\n2. 区实验中学：即指新建高中。\\n"
    >>> [(t.id, t.key, t.definition, t.sources[0].line) for t in extract_terms(text, "r.txt")]
    [('r/双碳', '双碳', '碳达峰、碳中和。', 5), ('r/区实验中学', '区实验中学', '新建高中。', 6)]
    """
    return extract_report(text, document).terms


def _scope(text: str, info: ReportInfo) -> str:
    if info.jurisdiction.value:
        return info.jurisdiction.value
    guess = guess_scope(text)
    return "unknown" if guess[:1] in "我在日表年代" else guess


def extract_report(text: str, document: str, path: str | None = None, name: str | None = None) -> Extraction:
    """The appendix of one report as an :class:`Extraction`: terms, warnings, or the part that failed.

    ``name`` (default: the document's stem) starts every id.
    ``path`` (default: ``document``) is where the jurisdiction and year are read
    from first (see :mod:`termkit.corpus.documents`); each term's scope is the
    jurisdiction, and its period starts in the report's year (``2023-``).
    An entry whose key repeats an earlier one's is keyed by its whole headword
    (电子商务“单一窗口” after 国际贸易“单一窗口”), or left out with a warning.

    >>> r = extract_report("名词解释\\n1. “丰”字型：指主干道。\\n2. “双百”：甲。\\n3. 某地“双百”：乙。", "x.md")
    >>> [t.key for t in r.terms], r.warnings
    (['丰字型', '双百', '某地双百'], [])
    >>> extract_report("名词解释\\n\\n1. " + "没有冒号" * 12 + "\\n", "x.md").problem
    'x.md: a 名词解释 heading at line 1, but none of its 1 entries has a usable headword'
    """
    text = _SURROGATE.sub("\ufffd", text)
    info = report_info(text, path or document)
    span = find_appendix(text)
    if span is None:
        heads = _header_lines(text)
        if heads:
            line = text.count("\n", 0, heads[-1][0]) + 1
            return Extraction([], heading_line=line, info=info, problem=(
                f"{document}: a 名词解释 heading at line {line}, but no numbered entry or "
                "'headword：definition' line follows it"))
        return Extraction([], info=info, problem=f"{document}: no 名词解释 appendix found")
    start, end = span
    first_line = text.count("\n", 0, start) + 1
    scope = _scope(text, info)
    terms: list[Term] = []
    warnings: list[str] = []
    seen_ids: set[str] = set()
    seen_forms: set[str] = set()
    entries = split_entries(text[start:end])
    for number, line, raw in entries:
        at = f"{document}:{first_line + line - 1}: item {number}"
        for term in entry_terms(number, first_line + line - 1, raw, document, scope, name):
            forms = [f for f, _ in term.forms]
            if term.id in seen_ids or any(f in seen_forms for f in forms):
                whole = _strip_quotes(clean(term.headword)).translate(FULLWIDTH_TO_ASCII)
                again = _term(number, first_line + line - 1, whole, term.definition, document, scope, name)
                if again is None or again.id in seen_ids or again.key in seen_forms:
                    warnings.append(f"{at}: left out {term.key!r}: an earlier entry has the same key")
                    continue
                term = again
                forms = [f for f, _ in term.forms]
            why = _suspect(term.key)
            if not why and _ASCII_SPACE.search(clean(term.headword)):
                why = "the source writes it with a space between ASCII characters, which a key cannot hold"
            if why:
                warnings.append(f"{at}: suspect key {term.key!r}: {why}")
            seen_ids.add(term.id)
            seen_forms.update(forms)
            terms.append(term)
    if info.date.value:  # the definitions hold from the report's year on (until a later report's)
        terms = [replace(t, period=f"{info.date.value[:4]}-") for t in terms]
    problem = None
    if not terms:
        problem = (f"{document}: a 名词解释 heading at line {first_line}, but none of its "
                   f"{len(entries)} entries has a usable headword")
    return Extraction(terms, len(entries), first_line, warnings, problem, info)


def _dump(model) -> dict:
    return to_json(model, exclude_defaults=True)


def to_yaml(terms: list[Term], name: str, description: str | None = None) -> str:
    """A glossary file holding ``terms``, as YAML that :func:`termkit.glossary.read_file` reads back.

    Defaults (empty lists, nulls, the unconstrained context) are left out.

    >>> t = Term(id="r/双碳", key="双碳", headword="“双碳”", kind="abbreviation",
    ...          definition="碳达峰、碳中和。", scope="unknown", sources=[Source(document="r.txt")])
    >>> print(to_yaml([t], "r"), end="")
    glossary: r
    terms:
    - id: r/双碳
      key: 双碳
      headword: “双碳”
      kind: abbreviation
      definition: 碳达峰、碳中和。
      scope: unknown
      sources:
      - document: r.txt
    """
    data = _dump(GlossaryFile(glossary=name, description=description, terms=list(terms)))
    if "version" in data:  # pragma: no cover - default is left out
        del data["version"]
    return _yaml_text(data)


def _yaml_text(data: dict) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


# -- many reports: corpus mode ------------------------------------------------------

REPORT_SUFFIXES = (".md", ".txt", ".markdown", ".text")


def report_files(paths: list[str]) -> list[tuple[str, str]]:
    """The report files under the given files and directories: (path, name to show), in order.

    A directory contributes its ``.md`` and ``.txt`` files (README files left out),
    sorted, each named by its path below the directory's parent
    (``corpus/provinces/四川省/2014.md`` → ``provinces/四川省/2014.md`` for ``corpus``).
    """
    out = []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            for f in sorted(path.rglob("*")):
                if f.suffix.lower() in REPORT_SUFFIXES and f.is_file() and not f.stem.upper().startswith("README"):
                    out.append((str(f), f.relative_to(path).as_posix()))
        else:
            out.append((p, path.name))
    return out


def output_stem(info: ReportInfo | None, shown: str) -> str:
    """The glossary file's name for a report: jurisdiction and year, else the file's path.

    >>> from termkit.corpus.documents import Decided
    >>> output_stem(ReportInfo(Decided("南岭省", "path"), Decided("2020-05-09", "meeting line 3")), "a/2019.md")
    '南岭省-2020'
    >>> output_stem(ReportInfo(Decided(None, "unknown"), Decided(None, "unknown")), "x/报告.md")
    'x-报告'
    """
    if info and info.jurisdiction.value:
        year = info.date.value[:4] if info.date.value else "unknown"
        return f"{info.jurisdiction.value}-{year}"
    return re.sub(r"[\\/:\s]+", "-", str(Path(shown).with_suffix("")))


def renamed(yaml_text: str, old: str, new: str) -> str:
    """A glossary file that :func:`to_yaml` wrote under the name ``old``, named
    ``new``: its ``glossary:`` and the ``old/`` that starts every id.

    >>> t = Term(id="南岭省-2020/双碳", key="双碳", headword="双碳", kind="other", scope="南岭省",
    ...          sources=[Source(document="r.txt")])
    >>> print(renamed(to_yaml([t], "南岭省-2020"), "南岭省-2020", "南岭省-2020-2"), end="")
    glossary: 南岭省-2020-2
    terms:
    - id: 南岭省-2020-2/双碳
      key: 双碳
      headword: 双碳
      kind: other
      scope: 南岭省
      sources:
      - document: r.txt
    """
    data = yaml.safe_load(yaml_text)
    data["glossary"] = new
    for term in data["terms"]:
        if term["id"].startswith(old + "/"):
            term["id"] = new + term["id"][len(old):]
    return _yaml_text(data)


def extract_file(task: tuple[str, str, str | None]) -> dict:
    """One report of a corpus run: read, extracted, as YAML (a worker's task; picklable both ways).

    Returns a dict: ``file``, ``stem``, ``jurisdiction``/``date`` (value and how),
    ``entries``, ``terms``, ``warnings``, ``error`` (could not be read), ``problem``
    (no appendix, or one whose entries were not recognized), ``yaml``.
    """
    from ..textio import InputError, read_document

    path, shown, encoding = task
    out: dict = {"file": shown, "path": path, "entries": 0, "terms": 0, "warnings": [], "yaml": None,
                 "error": None, "problem": None, "appendix": False}
    try:
        doc = read_document(path, encoding)
    except InputError as e:
        out["error"] = str(e)
        return out
    if doc.warning:
        out["warnings"].append(doc.warning)
    stem = output_stem(report_info(doc.text, path), shown)
    r = extract_report(doc.text, shown, path, name=stem)
    out.update(
        stem=stem, entries=r.entries, terms=len(r.terms), problem=r.problem,
        appendix=r.heading_line is not None, heading_line=r.heading_line,
        jurisdiction=[r.info.jurisdiction.value, r.info.jurisdiction.how],
        date=[r.info.date.value, r.info.date.how],
    )
    out["warnings"] += r.warnings
    if r.terms:
        out["yaml"] = to_yaml(r.terms, stem, f"Extracted by termkit from the 名词解释 of {shown}; review before use.")
    return out
