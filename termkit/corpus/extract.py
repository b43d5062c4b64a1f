"""Reading a report's 名词解释 appendix into glossary terms.

The steps, each a small function:

1. :func:`find_appendix` finds the header line — 名词解释, 名 词 解 释, 名词注解,
   有关名词解释, 附件：名词解释, 《政府工作报告》名词解释 … — and takes the
   appendix to run from it to the end of the text (Traditional 名詞解釋 too), or to the next heading
   (a Markdown ``#`` line or a 附件 line).
2. :func:`split_entries` cuts the appendix into numbered entries. The first
   numbered line fixes the style (``1.`` ``1、`` ``1．`` ``（1）`` ``(1)`` ``①``
   ``（一）`` ``一、``); after it, only a line numbered in the same style with the
   next number starts an entry, so a continuation line that happens to begin
   ``5.5亿元`` or ``二、`` stays in its entry. Page-number lines (``— 23 —``,
   ``- 23 -``, ``第 23 页``) belong to no entry and are dropped. Without any
   numbered line, every line of the form ``headword：definition`` starts an entry.
3. :func:`clean` joins an entry's lines and removes PDF whitespace: every run of
   whitespace goes, except a run between two ASCII letters or digits, which
   becomes one space.
4. :func:`split_entry` divides an entry into headword and definition at the first
   ``：`` or ``:`` outside quotes and brackets, else the first ``，``, else
   before a lead word; :func:`strip_lead` drops the lead word (即指, 是指, 即, 指, 是).
5. :func:`key_of` takes the key: the quoted core where there is one
   (“六九九六”工作机制 → 六九九六, 河湖“清四乱” → 清四乱); several quoted cores
   joined only by + 、 和 are kept together (“承诺制”+“标准地” → 承诺制+标准地);
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
from pathlib import Path

import yaml
from pydantic import ValidationError

from ..glossary.model import Component, Context, GlossaryFile, Kind, Source, Term, to_json
from ..text.chars import FULLWIDTH_TO_ASCII, QUOTES, ascii_alnum
from ..text.lists import TRAIL, depth_map, split_items
from ..text.numerals import has_numeral_chars, key_parts, parse_numeral


#: A header line, matched with its whitespace removed (see :func:`_squeeze`):
#: no quantifier here can run into another over the same characters.
_HEADER = re.compile(
    r"[#*]*(?:附件[0-9一二三四五六七八九十]*[:：、.．]?)?"
    r"(?:《[^》]{1,30}》|[^，。,：:；;“”\"]{0,16}?)?"
    r"(?:有[关關]|相[关關])?"
    r"名[词詞](?:解[释釋]|[注註]解|[注註][释釋]|[释釋]义|解[读讀]|[说說]明)"
    r"[*#:：]*"
)
_NEXT_HEADING = re.compile(r"#|附件[0-9一二三四五六七八九十]*[:：]?$")
_PAGE_NUMBER = re.compile(
    r"^\s*(?:[—–\-－~～_]+\s*[0-9０-９]{1,4}\s*[—–\-－~～_]+|第\s*[0-9]{1,4}\s*页(?:\s*(?:[/，,]\s*)?共\s*[0-9]{1,4}\s*页)?|[0-9]{1,4})\s*$"
)


def _squeeze(line: str) -> str:
    """The line without whitespace (PDF text spaces out 名 词 解 释)."""
    return "".join(line.split())


def _header_lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of each header line; only lines with a 名 are looked at, each once."""
    out = []
    i = text.find("名")
    while i >= 0:
        start = text.rfind("\n", 0, i) + 1
        end = text.find("\n", i)
        end = len(text) if end < 0 else end
        if _HEADER.fullmatch(_squeeze(text[start:end])):
            out.append((start, end))
        i = text.find("名", end)
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
        line = text[start:pos]
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

_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳㉑㉒㉓㉔㉕㉖㉗㉘㉙㉚㉛㉜㉝㉞㉟㊱㊲㊳㊴㊵㊶㊷㊸㊹㊺㊻㊼㊽㊾㊿"
_CN = "[一二三四五六七八九十百千零〇]{1,7}"
#: Numbering styles: (name, pattern). Matched on the width-folded line.
NUMBERING = (
    ("arabic-dot", re.compile(r"^\s*([0-9]+)\s*[.](?![0-9])\s*")),
    ("arabic-comma", re.compile(r"^\s*([0-9]+)\s*[、,，]\s*")),
    ("paren-arabic", re.compile(r"^\s*[(（]\s*([0-9]+)\s*[)）]\s*")),
    ("circled", re.compile(r"^\s*([" + _CIRCLED + r"])\s*")),
    ("paren-chinese", re.compile(r"^\s*[(（]\s*(" + _CN + r")\s*[)）]\s*")),
    ("chinese-comma", re.compile(r"^\s*(" + _CN + r")\s*[、.](?!是)\s*")),
)


def _numbering(line: str) -> tuple[str, int, int] | None:
    """The numbering at the start of a line: (style, number, length of the prefix).

    >>> _numbering("12. “1+2+15”主导"), _numbering("（3）河长制"), _numbering("②三化三制")
    (('arabic-dot', 12, 4), ('paren-arabic', 3, 3), ('circled', 2, 1))
    >>> _numbering("5.5亿元"), _numbering("二十一、“三个务必”")
    (None, ('chinese-comma', 21, 4))
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


def _entry_lines(lines: list[str]) -> list[tuple[int, int, str]]:
    """The lines that start entries: (line index, item number, prefix length)."""
    starts = []
    style = None
    expected = 1
    for i, line in enumerate(lines):
        nb = _numbering(line)
        if nb is None:
            continue
        if style is None and nb[1] == 1:
            style = nb[0]
        if nb[0] == style and nb[1] == expected:
            starts.append((i, expected, nb[2]))
            expected += 1
    if starts:
        return starts
    return [(i, n, 0) for n, i in enumerate(
        (i for i, line in enumerate(lines) if _UNNUMBERED.match(line) and not _PAGE_NUMBER.match(line)), 1)]


def split_entries(text: str) -> list[tuple[int, int, str]]:
    """The entries of an appendix text: (item number, 1-based line, raw entry text).

    Page-number lines are dropped; the header line is not part of any entry.

    >>> split_entries("名词解释\\n1. 甲：一\\n\\n— 2 —\\n\\n二\\n2. 乙：三")
    [(1, 2, '甲：一\\n\\n\\n\\n二'), (2, 7, '乙：三')]
    """
    lines = text.split("\n")
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
    >>> key_of("「１＋２＋１５」体系")
    ('1+2+15', [], '', '体系')
    """
    aliases: list[str] = []
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
        if joined:
            key = _strip_quotes(headword)
        else:
            key = next(g for g in first.groups() if g is not None)
            before, after = headword[: first.start()], headword[first.end() :]
    else:
        key = headword
    key = _strip_quotes("".join(key.split())).translate(FULLWIDTH_TO_ASCII)
    aliases = [a for a in aliases if a and a != key]
    return key, aliases, _strip_quotes(before), _strip_quotes(after)


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


def entry_term(number: int, line: int, raw: str, document: str, scope: str = "unknown") -> Term | None:
    """One appendix entry as a Term, or None when it has no usable key."""
    entry = clean(raw)
    headword, definition = split_entry(entry)
    headword = headword.strip(TRAIL) or headword
    key, aliases, before, after = key_of(headword)
    if not key or len(key) > _HEADWORD_MAX:
        return None
    definition = strip_lead(definition).strip() if definition else None
    components = components_of(definition, key) if definition else []
    items = [] if components or not definition else split_items(definition)
    if items and not components:
        components = []
    quoted = _QUOTED.search(headword) is not None
    try:
        return Term(
            id=f"{Path(document).stem or document}/{key}",
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
    text = _SURROGATE.sub("\ufffd", text)
    span = find_appendix(text)
    if span is None:
        return []
    start, end = span
    first_line = text.count("\n", 0, start) + 1
    scope = guess_scope(text)
    terms: list[Term] = []
    seen_ids: set[str] = set()
    seen_forms: set[str] = set()
    for number, line, raw in split_entries(text[start:end]):
        term = entry_term(number, first_line + line - 1, raw, document, scope)
        if term is None or term.id in seen_ids:
            continue
        forms = [f for f, _ in term.forms]
        if any(f in seen_forms for f in forms):
            continue
        seen_ids.add(term.id)
        seen_forms.update(forms)
        terms.append(term)
    return terms


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
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
