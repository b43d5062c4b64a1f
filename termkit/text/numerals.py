"""Numerals in slogan keys: reading 六九九六, 1+2+15, 4句话32字 as counts.

A numeric slogan abbreviates a list by its counts: 六九九六 is six rules, nine
iron rules, nine measures and six measures; 三区三线 is three zones and three
lines. This module reads those counts out of a key. The rules, in order:

1. **Arabic digits.** A run of digits is one number when it is a term of a
   ``+`` expression (``154+50`` → 154, 50) or is followed by a label
   (``4句话32字`` → 4, 32). A bare run that is the whole key, or the whole of a
   key's numeral part, is read digit by digit, each digit a count:
   ``1236`` → 1, 2, 3, 6; ``12345`` → 1, 2, 3, 4, 5. Full-width digits and
   signs read as half-width.
2. **Chinese numerals** (一 二 两 三 … 九 十 百 千 零 〇, and 双 = 2). A run
   of digit characters without 十/百/千 is read character by character, each a
   count: 六九九六 → 6, 9, 9, 6. A run with 十/百/千 is one number when it is
   well formed (十五 → 15, 二十三 → 23, 一百 → 100); otherwise it is split
   into the longest well-formed numbers from the left.
3. **Plan periods and congresses are not counts.** 十四五, 十五五, 八五普法 are
   the ordinal of a five-year plan (十 + digit + 五, or 六…九 + 五), not 14 and 5;
   十八大, 二十大, 十九届… are party congresses. Such a key has no counts
   (:func:`is_ordinal_key`). Neither has a numeral after 第 (第一).
4. **零 is a word** (三零: three zeros) unless it stands inside a number (一百零八).
5. **N个一X** (三个一批, 五个一) is N things of the form 一X: one count, N.
6. **A run of more than** :data:`MAX_DIGITS` **Arabic digits is not a count**
   (nor are its digits): no slogan counts that high, and reading it would cost
   time for nothing (Python refuses to read more than 4,300 digits at all).
7. **Words that only look numeric** — 一体化, 统一, 百姓, 十分, 一般, 一些 … (see
   :data:`NOT_NUMERALS`) — are not numerals.

>>> numerals_in_key("六九九六"), numerals_in_key("1+2+15"), numerals_in_key("4句话32字")
([6, 9, 9, 6], [1, 2, 15], [4, 32])
>>> numerals_in_key("十四五"), numerals_in_key("三区三线")
([], [3, 3])
"""

from __future__ import annotations

import re
from typing import NamedTuple

from .chars import CLASSIFIERS, COUNT_SUFFIXES, FULLWIDTH_TO_ASCII
from .patterns import Lazy

DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
          "六": 6, "七": 7, "八": 8, "九": 9}
UNITS = {"十": 10, "百": 100, "千": 1000}
CJK_NUMERAL_CHARS = "".join(DIGITS) + "".join(UNITS)

#: Words whose numeral character is not a count. Matched before numerals, so
#: 六个一体化 reads 6 (label 一体化), not 6 and 1.
NOT_NUMERALS = (
    "一体", "统一", "唯一", "同一", "单一", "专一", "万一", "一般", "一些", "一样", "一起",
    "一致", "一切", "一流", "一线", "一直", "一旦", "一律", "进一步", "百姓", "百货", "十分",
    "千万", "千家万户", "双方", "双向", "双赢", "三明", "九江", "一带一路", "合一", "归一", "划一",
    "統一", "一體", "一樣", "進一步",
)


#: The longest run of Arabic digits read as a count, or as counts (rule 6).
MAX_DIGITS = 18
#: The longest well-formed Chinese number with units is 7 characters (九千九百九十九).
_LONGEST_CJK = 7

_OVERLONG = Lazy("[0-9]{%d}" % (MAX_DIGITS + 1))
_NONZERO = CJK_NUMERAL_CHARS.replace("零", "").replace("〇", "")
_TOKEN = Lazy(
    "(?P<skip>" + "|".join(map(re.escape, sorted(NOT_NUMERALS, key=len, reverse=True)))
    + "|(?<=[0-9" + CJK_NUMERAL_CHARS + "]个)一)"
    r"|(?P<ord>第[0-9" + CJK_NUMERAL_CHARS + "]+)"
    r"|(?P<arabic>[0-9]+)"
    r"|(?P<cjk>[" + _NONZERO + "]+(?:[零〇][" + _NONZERO + "]+)*)"
    r"|(?P<shuang>双)"
)
_PLAN = Lazy("^(?:十[一二三四五六七八九]?|[六七八九])五(?:普法|规划|计划|时期|期间)?$")
_CONGRESS = Lazy("^(?:十[一二三四五六七八九]|二十[一二三四五六七八九]?)(?:大|届.*)$")


def is_ordinal_key(key: str) -> bool:
    """Whether a key names a plan period or a party congress, not counts (rule 3).

    >>> [is_ordinal_key(k) for k in ["十四五", "十五五", "八五普法", "二十大", "十九届四中全会", "十大平台", "三区三线"]]
    [True, True, True, True, True, False, False]
    """
    key = key.translate(FULLWIDTH_TO_ASCII)
    return bool(_PLAN.match(key) or _CONGRESS.match(key))


def parse_numeral(s: str) -> int | None:
    """The value of one numeral, Chinese or Arabic; None if ``s`` is not one.

    >>> [parse_numeral(x) for x in ["三", "十", "十五", "二十三", "一百零八", "两", "双", "32", "３２"]]
    [3, 10, 15, 23, 108, 2, 2, 32, 32]
    >>> parse_numeral("百"), parse_numeral("千")
    (100, 1000)
    >>> parse_numeral("六九"), parse_numeral("十四五"), parse_numeral("区"), parse_numeral("")
    (None, None, None, None)
    >>> parse_numeral("9" * 19) is None  # more than MAX_DIGITS: not a count
    True
    """
    s = s.strip().translate(FULLWIDTH_TO_ASCII)
    if not s:
        return None
    if s.isascii() and s.isdigit():
        return int(s) if len(s) <= MAX_DIGITS else None
    if s == "双":
        return 2
    if len(s) == 1 and s in DIGITS:
        return DIGITS[s]
    return _parse_cjk(s)


def _parse_cjk(s: str) -> int | None:
    """A well-formed Chinese number with units (十五, 三百二十, 一百零八), else None."""
    if not s or any(c not in DIGITS and c not in UNITS for c in s):
        return None
    total, digit, last_unit, zero_ok = 0, None, 10_000, False
    for c in s:
        if c in DIGITS:
            if digit is not None and not (digit == 0):
                return None  # two digits in a row: 六九
            if DIGITS[c] == 0:
                if last_unit == 10_000 or zero_ok:
                    return None
                zero_ok = True
            digit = DIGITS[c]
        else:
            unit = UNITS[c]
            if unit >= last_unit:
                return None
            if digit is None:
                if total:
                    return None  # a unit after another unit without a digit
                digit = 1  # 十五, 百日, 千村: a leading unit is one of it
            if digit == 0:
                return None
            total += digit * unit
            digit, last_unit, zero_ok = None, unit, False
    if digit:
        if last_unit < 10_000 and not zero_ok and last_unit != 10:
            return None  # 三百五 (colloquial) is not accepted
        total += digit
    elif digit == 0:
        return None
    return total


def _read_cjk_run(run: str) -> list[int]:
    """A run of Chinese numeral characters as counts (rule 2).

    >>> _read_cjk_run("六九九六"), _read_cjk_run("十五"), _read_cjk_run("二十三")
    ([6, 9, 9, 6], [15], [23])
    >>> _read_cjk_run("十二十")
    [12, 10]
    """
    if not any(c in UNITS for c in run):
        return [DIGITS[c] for c in run]
    out = []
    i = 0
    while i < len(run):
        for j in range(min(len(run), i + _LONGEST_CJK), i, -1):  # longer is never well formed
            v = _parse_cjk(run[i:j])
            if v is not None:
                out.append(v)
                i = j
                break
        else:  # a lone unit we cannot read (百 on its own): skip it
            i += 1
    return out


class KeyPart(NamedTuple):
    """One count in a key and the label that follows it: 两个共同体 → (2, '共同体')."""

    count: int
    label: str


def key_parts(key: str) -> list[KeyPart]:
    """The counts of a key, each with the label that follows it (up to the next count).

    A leading classifier is dropped from a label (两个共同体 → 共同体) unless
    nothing else would be left. Counts read from one run of digits have empty
    labels except the last.

    >>> key_parts("两匹配一服从")
    [KeyPart(count=2, label='匹配'), KeyPart(count=1, label='服从')]
    >>> key_parts("4句话32字")
    [KeyPart(count=4, label='句话'), KeyPart(count=32, label='字')]
    >>> key_parts("六个一体化")
    [KeyPart(count=6, label='一体化')]
    >>> [p.count for p in key_parts("六九九六")], key_parts("十五五"), key_parts("清化收")
    ([6, 9, 9, 6], [], [])
    """
    key = key.translate(FULLWIDTH_TO_ASCII)
    if is_ordinal_key(key):
        return []
    plus = "+" in key
    tokens: list[tuple[int, int, list[int]]] = []  # start, end, counts
    for m in _TOKEN.finditer(key):
        if m.lastgroup == "arabic":
            run = m.group()
            if len(run) > MAX_DIGITS:
                continue
            label_follows = m.end() < len(key) and not key[m.end()].isdigit() and key[m.end()] != "+"
            if plus or label_follows or len(run) == 1:
                tokens.append((m.start(), m.end(), [int(run)]))
            else:
                tokens.append((m.start(), m.end(), [int(c) for c in run]))
        elif m.lastgroup == "cjk":
            tokens.append((m.start(), m.end(), _read_cjk_run(m.group())))
        elif m.lastgroup == "shuang":
            tokens.append((m.start(), m.end(), [2]))
    parts: list[KeyPart] = []
    tokens = [t for t in tokens if t[2]]
    for i, (start, end, counts) in enumerate(tokens):
        stop = tokens[i + 1][0] if i + 1 < len(tokens) else len(key)
        label = key[end:stop].strip("+")
        if len(label) > 1 and label[0] in CLASSIFIERS:
            label = label[1:]
        parts += [KeyPart(c, "") for c in counts[:-1]] + [KeyPart(counts[-1], label)]
    return parts


def numerals_in_key(key: str) -> list[int]:
    """The counts a key is built from, in order (see the module's rules).

    >>> numerals_in_key("六九九六"), numerals_in_key("1236"), numerals_in_key("12345")
    ([6, 9, 9, 6], [1, 2, 3, 6], [1, 2, 3, 4, 5])
    >>> numerals_in_key("154+50"), numerals_in_key("1+17"), numerals_in_key("3+3")
    ([154, 50], [1, 17], [3, 3])
    >>> numerals_in_key("一重点三同步"), numerals_in_key("两匹配一服从"), numerals_in_key("双碳")
    ([1, 3], [2, 1], [2])
    >>> numerals_in_key("十大平台"), numerals_in_key("二十三条"), numerals_in_key("十四五")
    ([10], [23], [])
    >>> numerals_in_key("三个一批"), numerals_in_key("三零"), numerals_in_key("一体化"), numerals_in_key("第一书记")
    ([3], [3], [], [])
    """
    return [p.count for p in key_parts(key)]


def has_numeral_chars(key: str) -> bool:
    """Whether a key contains numeral characters at all (counts or not).

    >>> has_numeral_chars("十四五"), has_numeral_chars("清化收")
    (True, False)
    """
    return any(c.isdigit() or c in CJK_NUMERAL_CHARS or c == "双" for c in key.translate(FULLWIDTH_TO_ASCII))


def summary_count(part: str) -> tuple[str, int] | None:
    """A list's last part that ends in a stated total: (the part without it, the total).

    ``A、B、生态空间三种类型的国土空间`` states that the list has three members:
    a numeral, after at least two characters, followed by a classifier.

    >>> summary_count("生态空间三种类型的国土空间")
    ('生态空间', 3)
    >>> summary_count("生态保护红线等三条控制线")
    ('生态保护红线', 3)
    >>> summary_count("六项措施"), summary_count("快递物流一体化"), summary_count("加快5G智慧矿山")
    (None, None, None)
    """
    part = part.translate(FULLWIDTH_TO_ASCII)
    for m in _TOKEN.finditer(part):
        if m.lastgroup not in ("arabic", "cjk", "shuang") or m.start() < 2:
            continue
        if m.end() < len(part) and part[m.end()] in COUNT_SUFFIXES:
            n = parse_numeral(m.group())
            if n is not None and m.start() - (part[m.start() - 1] == "等") >= 2:
                return part[: m.start()].removesuffix("等"), n
    return None


def has_overlong_numeral(key: str) -> bool:
    """Whether a key holds a run of more than :data:`MAX_DIGITS` Arabic digits (rule 6).

    >>> has_overlong_numeral("1" * 19 + "条"), has_overlong_numeral("154+50")
    (True, False)
    """
    return _OVERLONG.search(key.translate(FULLWIDTH_TO_ASCII)) is not None
