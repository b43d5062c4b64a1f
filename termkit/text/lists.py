"""Enumerations in definitions: the items of a list such as
城镇空间、农业空间、生态空间三种类型的国土空间, where it ends, and the total it
states after itself. Pure text functions: the extractor builds components
from them, and ``termkit validate`` checks counts against them."""

from __future__ import annotations

import re

from .chars import COUNT_SUFFIXES
from .numerals import CJK_NUMERAL_CHARS, parse_numeral, summary_count

_OPEN = {"“": "”", "「": "」", "『": "』", "《": "》", "（": "）", "(": ")", "〝": "〞",
         "‘": "’", "﹁": "﹂", "﹃": "﹄", "【": "】", "[": "]"}
_SYMMETRIC = "\"'＂＇"


def depth_map(text: str) -> list[int]:
    """For each character, how deep it sits in quotes and brackets (0 = outside)."""
    stack: list[str] = []
    out = []
    for c in text:
        if stack and c == stack[-1]:
            out.append(len(stack))
            stack.pop()
            continue
        if c in _SYMMETRIC:
            if stack and stack[-1] == c:
                stack.pop()
            else:
                stack.append(c)
            out.append(len(stack))
            continue
        if c in _OPEN:
            stack.append(_OPEN[c])
            out.append(len(stack))
            continue
        out.append(len(stack))
    if stack:  # unbalanced marks: no nesting can be trusted
        return [0] * len(text)
    return out


TRAIL = "。；;，,、：: "

_ORDINAL = re.compile(r"(?:^|(?<=[。；;，,：:]))\s*([一二三四五六七八九十]{1,3})是")
_SPLIT_AND = re.compile(r"以及|和|及")


def split_top(text: str, seps: str) -> list[str]:
    depth = depth_map(text)
    parts, last = [], 0
    for i, c in enumerate(text):
        if c in seps and depth[i] == 0:
            parts.append(text[last:i])
            last = i + 1
    parts.append(text[last:])
    return [p.strip(TRAIL) for p in parts]


def split_items(text: str) -> list[str]:
    """The items of an enumeration, or [] when the text is not one.

    An enumeration is (a) 一是…；二是…, numbered from 一 in order; or (b) a single
    sentence that is a flat list: parts separated by ；, or parts separated
    by ， that all begin with the same two characters (务必…，务必…), or parts
    separated by 、 (the last part split once at 和/及 when both halves are
    two characters or more). A 、-list may end in a stated total (…三种类型的国土空间):
    the total must equal the number of parts, or the text is not taken as a list.

    >>> split_items("一是巩固成果；二是做好文章；三是守住底线。")
    ['巩固成果', '做好文章', '守住底线']
    >>> split_items("就业服务联合体、养老托育联合体和文化体育联合体")
    ['就业服务联合体', '养老托育联合体', '文化体育联合体']
    >>> split_items("务必不忘初心、牢记使命,务必谦虚谨慎、艰苦奋斗,务必敢于斗争")
    ['务必不忘初心、牢记使命', '务必谦虚谨慎、艰苦奋斗', '务必敢于斗争']
    >>> split_items("城乡学校共同体和医疗卫生共同体"), split_items("加快发展六大产业链和九大专业镇")
    (['城乡学校共同体', '医疗卫生共同体'], [])
    >>> split_items("城镇、农业、生态空间划定的开发边界、基本农田、保护红线三条控制线")
    []
    >>> split_items("为全面推进产业转型,加快锻长补短,促进产业集聚。"), split_items("特色产业支撑网")
    ([], [])
    """
    text = text.strip().rstrip(TRAIL)
    if not text:
        return []
    marks = list(_ORDINAL.finditer(text))
    if len(marks) >= 2 and [parse_numeral(m.group(1)) for m in marks] == list(range(1, len(marks) + 1)):
        ends = [m.start() for m in marks[1:]] + [len(text)]
        items = [text[m.end() : e].strip(TRAIL) for m, e in zip(marks, ends)]
        return items if all(items) else []
    for m in re.finditer(r"^(?:主要)?(?:包括|分别是|分别为|有)[：:]?", text):
        text = text[m.end():]
    if len(split_top(text, "。")) > 1:
        return []
    parts = split_top(text, "；;")
    if len(parts) > 1:
        return parts if all(parts) else []
    parts = split_top(text, "，,")
    if len(parts) > 1:
        heads = {p[:2] for p in parts}
        return parts if len(heads) == 1 and all(len(p) > 2 for p in parts) else []
    parts = split_top(text, "、")
    if len(parts) == 1:
        pair = _SPLIT_AND.split(text, maxsplit=1)
        if len(pair) == 2 and all(len(p) >= 2 for p in pair) and pair[0][-1] == pair[1][-1]:
            return pair  # 城乡学校共同体和医疗卫生共同体: two parallel names
        return []
    if not all(parts):
        return []
    summary = _summary(parts)
    if summary is not None:
        if summary[1] != len(parts):
            return []
        parts[-1] = summary[0]
        return _trim_intro(parts)
    parts = _end_of_list(parts)
    last = parts[-1]
    pieces = _SPLIT_AND.split(last, maxsplit=1)
    if len(pieces) == 2 and all(len(p) >= 2 for p in pieces) and "和" not in parts[0]:
        parts[-1:] = pieces
    m = re.search(r"等[^、，,等]{0,8}$", parts[-1])
    if m and m.start() >= 2 and parts[-1][m.start() - 1] not in "平同高中初对均相优上下次超劣":
        parts[-1] = parts[-1][: m.start()]
    parts = [p.strip(TRAIL) for p in parts]
    if not all(parts):
        return []
    return _trim_intro(parts)


# Each run of numerals is tried from its first character only: trying it from
# every character would make a long run cost its length squared.
_COUNT_WORD = re.compile(
    "(?:(?<![0-9])[0-9]+|(?<![" + CJK_NUMERAL_CHARS + "])[" + CJK_NUMERAL_CHARS + "]+)"
    "[" + COUNT_SUFFIXES + "]"
)


def _summary(parts: list[str]) -> tuple[str, int] | None:
    """A total stated at the end of a 、-list (…生态空间三种类型的国土空间), when no other part counts."""
    found = summary_count(parts[-1])
    if found is None or any(_COUNT_WORD.search(p) for p in parts[:-1]):
        return None
    return found


def stated_total(text: str | None) -> int | None:
    """The total a 、-list states after itself, or None.

    >>> stated_total("城镇空间、农业空间、生态空间三种类型的国土空间。")
    3
    >>> stated_total("引进十个重大项目、培育十家龙头企业"), stated_total("特色产业支撑网")
    (None, None)
    """
    if not text:
        return None
    parts = split_top(text.strip().rstrip(TRAIL), "、")
    if len(parts) < 2 or not all(parts):
        return None
    found = _summary(parts)
    return found[1] if found else None


def _end_of_list(parts: list[str]) -> list[str]:
    """Where a 、-list runs into the rest of its sentence, cut it there.

    The list ends at a last part ``X的Y`` with a short Y (…优化服务的简称), or
    where the parts so far share an ending that a later part continues past
    (产业链、创新链、人才链同步构建、相互融合 → the list is the three 链).

    >>> _end_of_list(["产业链", "创新链", "人才链同步构建", "相互融合"])
    ['产业链', '创新链', '人才链']
    >>> _end_of_list(["简政放权", "放管结合", "优化服务的简称"])
    ['简政放权', '放管结合', '优化服务']
    >>> _end_of_list(["绿色煤炭产业链", "数字装备制造产业链", "现代医药产业链"])
    ['绿色煤炭产业链', '数字装备制造产业链', '现代医药产业链']
    >>> _end_of_list(["形式主义", "官僚主义", "享乐主义和奢靡之风"])
    ['形式主义', '官僚主义', '享乐主义和奢靡之风']
    """
    last = parts[-1]
    i = last.rfind("的")
    if i >= 2 and len(last) - i - 1 <= 6 and not any("的" in p for p in parts[:-1]):
        parts = [*parts[:-1], last[:i]]
    common = _common_suffix(parts[:2])
    if common:
        pieces = _SPLIT_AND.split(parts[-1], maxsplit=1)
        if len(parts) > 2 and len(pieces) == 2 and pieces[0].endswith(common) and all(p.endswith(common) for p in parts[:-1]):
            return parts  # 形式主义、官僚主义、享乐主义和奢靡之风: the 和 part is split later
        run = 2
        while run < len(parts) and parts[run].endswith(common):
            run += 1
        if run < len(parts):
            k = parts[run].find(common)
            if k >= 1:
                return [*parts[:run], parts[run][: k + len(common)]]
    return parts


def _common_suffix(parts: list[str]) -> str:
    out = ""
    for chars in zip(*(p[::-1] for p in parts)):
        if len(set(chars)) != 1:
            break
        out = chars[0] + out
    return out


def _trim_intro(parts: list[str]) -> list[str]:
    """Cut the lead-in off the first item when the others are short and parallel.

    >>> _trim_intro(["清理整治河道内乱占", "乱采", "乱堆", "乱建"])
    ['乱占', '乱采', '乱堆', '乱建']
    >>> _trim_intro(["城镇空间", "农业空间"])
    ['城镇空间', '农业空间']
    """
    rest = parts[1:]
    n = len(rest[0])
    if n <= 4 and len(rest) >= 2 and all(len(p) == n and p[0] == rest[0][0] for p in rest):
        tail = parts[0][-n:]
        if len(parts[0]) > n and tail[0] == rest[0][0]:
            return [tail, *rest]
    return parts


_QUOTED_LIST = re.compile(r"[“「『]([^“”「」『』]{2,200})[”」』]")


def list_readings(text: str | None) -> set[int]:
    """Every plausible number of items the text lists, read several ways.

    The :func:`split_items` reading; each quoted 、-list inside it (做到“早发现、早报告、
    早隔离、早治疗”); each ；-group's 、-list, with a last 和/及/以及 item split off; and
    the whole 、-list so read. A count that agrees with none of these disagrees with
    the text; one that agrees with any may be right.

    >>> sorted(list_readings("对确诊病例做到“早发现、早报告、早隔离、早治疗”。"))
    [4]
    >>> sorted(list_readings("早立项、早审批、早开工、早投产；集中用地、集中资金、集中人才、集中服务。"))
    [2, 4]
    >>> sorted(list_readings("干线铁路、城际铁路、市域（郊）铁路和城市轨道交通的融合。"))
    [3, 4]
    """
    if not text:
        return set()
    text = text.strip().rstrip(TRAIL)
    out = set()
    items = split_items(text)
    if items:
        out.add(len(items))
    for m in _QUOTED_LIST.finditer(text):
        n = len(split_top(m.group(1), "、"))
        if n >= 2:
            out.add(n)
    for group in split_top(text, "；;"):
        for sentence in split_top(group, "。，,：:"):
            parts = split_top(sentence, "、")
            if len(parts) < 2:
                continue
            last = _SPLIT_AND.split(parts[-1], maxsplit=1)
            out.add(len(parts))
            out.add(len(parts) + (len(last) == 2 and all(len(x) >= 2 for x in last)))
            lead = max((i for i, x in enumerate(parts[:-1]) if "的" in x), default=0)
            out.add(len(parts) - lead)  # 危及行洪安全、影响河湖健康的乱占、乱采 …: a lead-in clause
            if re.search(r"[与和]", parts[0]):
                out.add(len(parts) + 1)  # 社区与社会组织、社会工作者 …
        tail = group.rsplit("的", 1)[-1] if "的" in group else ""
        if len(_SPLIT_AND.split(tail, maxsplit=1)) == 2 and "、" not in tail:
            out.add(2)  # 中国特色、世界一流的大学和优势学科
    return out


def is_plain_list(text: str | None) -> bool:
    """Whether a definition is one flat 、-list (not groups or sentences): its items can refute a count.

    >>> is_plain_list("形式主义、官僚主义、享乐主义和奢靡之风。"), is_plain_list("甲、乙；丙、丁。")
    (True, False)
    """
    if not text:
        return True
    text = text.strip().rstrip(TRAIL)
    return len(split_top(text, "。；;")) == 1 and len(split_top(text, "、")) > 1 and len(split_top(text, "，,")) == 1
