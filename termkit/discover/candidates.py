"""Formula-shaped strings in a text, counted: the first pass of discovery.

Three shapes are looked for, line by line:

1. **Numeral-led runs** (两个确立, 三大攻坚战, 五个必须, 三区三线, 六九九六,
   两新): a numeral that starts a word (not after another numeral, 第, 周 …),
   then up to :data:`MAX_TAIL` characters up to the next punctuation or
   function word (的, 和, 在 …). Every prefix of the run is counted, so that
   the ranking can later choose where the formula ends (the prefix whose next
   character varies: :func:`termkit.discover.rank.closed`). Time and measure
   words right after the numeral (三年, 十个百分点, 两个月) and ordinals
   (一是, 二是) start no run; a run led by 一 counts only when quoted or
   holding another numeral (一件事一次办).
2. **Digit formulas**: ``1+3+N``, ``1+2+15``, and, when quoted, ``415X`` or
   ``12345``.
3. **Quoted strings** of 2 to :data:`MAX_QUOTED` characters: “放管服”, “双碳”.

Each occurrence is recorded with its line (1-based) and whether it is quoted
(an opening quote right before it and a closing one right after it).

>>> obs = scan_text("落实“三大攻坚战”，打好三大攻坚战。\\n今后三年，做好两个月的工作。")
>>> obs["三大攻坚战"].count, obs["三大攻坚战"].quoted, obs["三大攻坚战"].lines
(2, 1, [1])
>>> "三年" in obs or "两个月" in obs
False
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

#: How many characters after the numeral a run takes at most.
MAX_TAIL = 8
#: The longest quoted string taken.
MAX_QUOTED = 12
#: How many example lines an observation keeps.
MAX_LINES = 3

#: Numerals that lead a formula (一 only under conditions, see the module docstring).
LEADS = "一两二三四五六七八九十双"
_NUMERAL_CHARS = "零〇一二两三四五六七八九十百千万亿0123456789０１２３４５６７８９"
#: After these a numeral is part of something else: 第三, 周五, 星期三, 初五, 三分之一.
_NOT_AFTER = set(_NUMERAL_CHARS) | set("第周期初之每某几半廿卅元")

#: Time, measure and quantity words: a numeral followed by one is an ordinary numeral phrase.
MEASURES = (
    "个百分点", "个月", "个小时", "个工作日", "个季度", "个方面", "个问题", "个阶段", "个部分", "个环节",
    "个县", "个乡", "个镇", "个村", "个市", "个区", "个省", "个国家", "个城市", "个项目", "个重点", "个领域",
    "个人", "个百", "个千", "个万", "项目", "个多", "个以上", "大类", "倍", "成", "次", "届", "年", "月", "日",
    "天", "周", "季", "时", "分", "秒", "岁", "人", "名", "口", "户", "元", "角", "块", "米", "吨", "亩", "斤",
    "公", "千", "百", "万", "亿", "余", "多", "来", "是", "要", "则", "些", "者", "份", "期", "股", "轮", "遍",
    "趟", "场", "回", "的", "了", "也", "都", "就", "和", "与", "及", "或", "等", "点", "层", "批", "家",
    "所", "座", "台", "辆", "栋", "间", "把", "只", "头", "份", "篇", "种", "方面", "者",
    "审", "读", "中全会", "次会议", "号", "到", "至", "分之", "倍", "小时", "星", "审议",
)
_MEASURE = re.compile("|".join(sorted(map(re.escape, set(MEASURES)), key=len, reverse=True)))

#: Characters that end a run (function words).
STOPS = set("的了和与及等在是为把对从向将并而也都又就被让使给这那该各或即指要")
_HAN = re.compile(r"[\u3400-\u9fff\U00020000-\U0002ffff]+")

_OPEN_Q = "“「『\"‘"
_CLOSE_Q = "”」』\"’"
_QUOTED = re.compile("“([^“”\n]{2,%d})”|「([^「」\n]{2,%d})」|『([^『』\n]{2,%d})』" % ((MAX_QUOTED,) * 3))
_DIGIT_FORMULA = re.compile(r"(?<![0-9A-Za-z.+])[0-9]{1,3}(?:[+＋][0-9]{0,3}[0-9A-Za-z])+(?![0-9A-Za-z.%+])")
_QUOTED_DIGITS = re.compile(r"(?<=[“「])[0-9]{2,6}[A-Za-z]?(?=[”」])")
_LEAD_RUN = re.compile("[" + LEADS + "]+")
_WORD_CHAR = re.compile(r"[0-9A-Za-z\u3400-\u9fff+＋]")


@dataclass
class Observation:
    """How often a string occurs in one text, how often quoted, and its first lines."""

    count: int = 0
    quoted: int = 0
    lines: list[int] = field(default_factory=list)

    def add(self, line: int, quoted: bool) -> None:
        self.count += 1
        self.quoted += quoted
        if len(self.lines) < MAX_LINES and line not in self.lines:
            self.lines.append(line)


def _lead_ok(run: str) -> bool:
    """Whether a numeral run can lead a formula: one numeral, a digit-per-digit
    formula (六九九六), or a congress (二十大)."""
    if len(run) == 1:
        return True
    if "十" not in run and "二" not in run[:1]:
        return len(run) <= 6  # 六九九六, 三四
    return run in ("二十", "十一", "十二", "十三", "十四", "十五", "十六", "十七", "十八", "十九")


def numeral_runs(line: str):
    """(start, numeral, tail) for each numeral that can start a formula in ``line``.

    >>> [(s, n, t) for s, n, t in numeral_runs("打好三大攻坚战，实现两个维护的要求")]
    [(2, '三', '大攻坚战'), (10, '两', '个维护')]
    >>> list(numeral_runs("第三是十个百分点"))
    []
    """
    for m in _LEAD_RUN.finditer(line):
        s, run = m.start(), m.group()
        if s and line[s - 1] in _NOT_AFTER or not _lead_ok(run):
            continue
        h = _HAN.match(line, m.end())
        if h is None:
            continue
        tail = h.group()[:MAX_TAIL]
        if _MEASURE.match(tail):
            continue
        cut = next((i for i, c in enumerate(tail) if c in STOPS), len(tail))
        if cut:
            yield s, run, tail[:cut]


def _observe(obs: dict, key: str, line: int, quoted: bool) -> None:
    o = obs.get(key)
    if o is None:
        o = obs[key] = Observation()
    o.add(line, quoted)


def scan_line(line: str, n: int, obs: dict[str, Observation]) -> None:
    """Add the formula-shaped strings of one line (number ``n``) to ``obs``."""
    quoted_spans = set()
    for m in _QUOTED.finditer(line):
        g = next(x for x in m.groups() if x is not None)
        if g.strip() == g and not any(c in "，。；！？：,;!?" for c in g):
            quoted_spans.add((m.start() + 1, m.end() - 1))
    for s, run, tail in numeral_runs(line):
        opened = s > 0 and line[s - 1] in _OPEN_Q
        repeat = run[0] != "一" or len(run) > 1 or any(c in LEADS for c in tail)
        for k in range(0 if len(run) > 1 else 1, len(tail) + 1):
            key = run + tail[:k]
            e = s + len(key)
            quoted = opened and (s, e) in quoted_spans
            if run == "一" and not quoted and not any(c in LEADS for c in tail[:k]) or not repeat and not quoted:
                continue
            _observe(obs, key, n, quoted)
            quoted_spans.discard((s, e))
    for m in _DIGIT_FORMULA.finditer(line):
        key = m.group().replace("＋", "+")
        quoted = (m.start(), m.end()) in quoted_spans
        quoted_spans.discard((m.start(), m.end()))
        _observe(obs, key, n, quoted)
    for m in _QUOTED_DIGITS.finditer(line):
        if (m.start(), m.end()) in quoted_spans:
            quoted_spans.discard((m.start(), m.end()))
            _observe(obs, m.group(), n, True)
    for s, e in quoted_spans:
        _observe(obs, line[s:e], n, True)


def scan_text(text: str) -> dict[str, Observation]:
    """Every formula-shaped string of a text with its :class:`Observation`."""
    obs: dict[str, Observation] = {}
    for n, line in enumerate(text.split("\n"), 1):
        if line:
            scan_line(line, n, obs)
    return obs
