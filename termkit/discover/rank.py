"""Candidates across documents, and the score that ranks them.

A :class:`Candidate` gathers one string's observations over all documents:
its count, how many of those were quoted, the documents, places and years
it occurs in, and up to three example lines.

Which strings become candidates (:func:`select`):

- a quoted string, or a prefix of a numeral-led run that is **closed**: no
  single next character follows it in more than half of its occurrences
  (三大攻坚 is always followed by 战, so 三大攻坚战 is the candidate), and it
  does not end in a function word; an unquoted run must occur at least twice;
- not a bare numeral and classifier (三大, 两个), not a plan period or
  congress session name with more appended (十四五规划, 第四次会议), and not
  covered by the glossary (decided later, by :mod:`termkit.discover.near`).

**The score** (higher is more formula-like) is the product of

- ``shape``: how formula-like the string is by itself (:func:`shape`): 1.0 for
  a digit formula or a key with two or more numerals (1+3+N, 三区三线,
  六九九六), 0.5 for one led by a lone 一 (一站式: often a plain word), 0.9 for numeral, classifier and word (五个必须, 三大攻坚战), 0.8
  for a numeral and a word (三农, 两新), 0.5 for another quoted string of
  3 to 8 characters (放管服), 0.15 for a quoted string of 2 characters or of
  more than 8 without a numeral (“温度”, a quoted motto); +0.3 (at most 1.2)
  when the text defines it (以下简称“X”, “X”，即…, an appendix entry);
- ``quotation``: 0.2 + the share of its occurrences that are quoted (a
  formula is set off by quotes where it is introduced);
- ``frequency``: log2(1 + count);
- ``spread``: 1 + log2(documents) + 0.5·log2(places) + 0.5·log2(years): used
  in many documents, places and years.

>>> c = Candidate("三大攻坚战", count=6, quoted=3, docs={"a", "b"}, places={"x"}, years={"2019", "2020"})
>>> round(score(c), 2)
4.42
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from ..text.chars import COUNT_SUFFIXES
from ..text.numerals import numerals_in_key
from .candidates import LEADS, STOPS

_DIGITS = re.compile(r"[0-9]")
_QUOTED_ONLY_BAD = re.compile(r"^[0-9.%]+$|[，。；：、！？\s]")
_ALL_NUMERALS = set(LEADS) | set("零〇百千万")


@dataclass
class Candidate:
    """One string's evidence over all documents."""

    key: str
    count: int = 0
    quoted: int = 0
    docs: set = field(default_factory=set)
    places: set = field(default_factory=set)
    years: set = field(default_factory=set)
    dates: list = field(default_factory=list)
    examples: list = field(default_factory=list)  #: (file, line) pairs, at most 3
    definition: dict | None = None  #: {"text", "file", "line", "how"} where the text defines it
    components: list = field(default_factory=list)
    count_check: str | None = None  #: "count-ok" or "count-mismatch" where components were found
    variant_of: str | None = None  #: the id of a known term this is a near miss of
    variant_how: str | None = None
    numeral: bool = False

    @property
    def quote_rate(self) -> float:
        return self.quoted / self.count if self.count else 0.0


def numeral_count(key: str) -> int:
    """How many numerals (counts) a key holds.

    >>> numeral_count("三区三线"), numeral_count("五个必须"), numeral_count("放管服")
    (2, 1, 0)
    """
    try:
        return len(numerals_in_key(key))
    except Exception:  # pragma: no cover - a key numerals cannot read
        return 0


def shape(c: Candidate) -> float:
    """How formula-like a candidate's string is by itself (see the module docstring)."""
    key = c.key
    n = numeral_count(key)
    if "+" in key or n >= 2 or (_DIGITS.search(key) and c.quoted):
        base = 1.0
    elif key[:1] == "一":
        base = 0.5
    elif key[:1] in LEADS and n == 1:
        base = 0.9 if len(key) > 2 and key[1] in COUNT_SUFFIXES else 0.8
    elif 3 <= len(key) <= 8:
        base = 0.5
    else:
        base = 0.15
    if c.definition:
        base = min(1.2, base + 0.3)
    return base


def score(c: Candidate) -> float:
    """The ranking score of a candidate (see the module docstring)."""
    spread = 1 + math.log2(max(1, len(c.docs))) + 0.5 * math.log2(max(1, len(c.places))) \
        + 0.5 * math.log2(max(1, len(c.years)))
    return shape(c) * (0.2 + c.quote_rate) * math.log2(1 + c.count) * spread


def closed(key: str, counts: dict[str, int], quoted: int) -> bool:
    """Whether a numeral-led prefix ends where a formula would: no single next
    character follows it in more than half of its unquoted occurrences.

    >>> counts = {"三大": 9, "三大攻": 4, "三大攻坚": 4, "三大攻坚战": 4, "三大攻坚战取": 1, "三大任": 3}
    >>> [k for k in counts if closed(k, counts, 0)]
    ['三大', '三大攻坚战', '三大攻坚战取', '三大任']
    """
    n = counts.get(key, 0) - quoted
    if n <= 0:
        return True
    longest = max((counts.get(k, 0) for k in _extensions(key, counts)), default=0)
    return longest * 2 <= n


def _extensions(key: str, counts: dict[str, int]):
    ext = _EXT.get(id(counts))
    if ext is None or ext[0] is not counts:
        table: dict[str, list[str]] = {}
        for k in counts:
            table.setdefault(k[:-1], []).append(k)
        ext = _EXT[id(counts)] = (counts, table)
    return ext[1].get(key, ())


_EXT: dict = {}


def plausible(key: str, quoted_any: bool) -> bool:
    """Whether a string may be a formula at all: not a bare numeral and classifier
    (三大, 两个), not ending in a function word, not punctuation or a number.

    >>> [plausible(k, False) for k in ["三大", "两个", "两个维护", "三大攻坚战取", "两新", "1+3+N", "七一"]]
    [False, False, True, True, True, True, False]
    """
    if _QUOTED_ONLY_BAD.search(key) or len(key) < 2:
        return False
    if key[-1] in STOPS:
        return False
    if key[:1] in LEADS:
        if len(key) == 2 and key[1] in _ALL_NUMERALS:
            return False  # 七一, 三五: a date or a plan period
        if not key[1:].lstrip(COUNT_SUFFIXES):
            return False
    return True
