"""Normalization: how text as it really arrives is matched against clean keys.

termkit never rewrites the caller's text for good. It builds a *view*: a
normalized copy plus a map from every view position back to the original, so
that a mention found in the view reports offsets into the original string.

The steps, each switched on or off in :class:`Normalization`:

``width``
    Full-width ASCII forms (``１２３``, ``＋``, ``Ａ``) read as their half-width
    forms. One character for one, so offsets are unchanged.
``breaks``
    A run of whitespace (spaces, U+3000, no-break space, line and page breaks,
    blank lines) is skipped when it stands between CJK characters, or between a
    CJK character and a digit or sign — never between two ASCII letters or
    digits, so ``12\\n36`` is not ``1236``. A break may also hold a page-number
    line of the form ``— 12 —`` (a line holding only a number between dashes),
    as PDF copies put one at every page break.
``quotes``
    Quotation marks (“” 「」 『』 "" ‘’ and their kin) inside a term are skipped,
    so ``“承诺制”+“标准地”`` still reads ``承诺制+标准地``. Whether a term stands
    *between* quotes is judged on the original text (``Context.quoted``).
``traditional``
    Traditional script (OpenCC's t, tw, hk and Taiwan-phrase standards) is
    matched by adding the Traditional forms of every key to the automaton, so
    the text itself is never converted.
``variants``
    Known misprints listed in the glossary (六九六六 for 六九九六) are matched
    and reported as the canonical term.

Skipping is the only step that changes lengths; a view keeps a sorted list of
the places where it removed a run, and maps a view offset back with one binary
search. Its cost is proportional to the number of whitespace and quote runs,
not to the length of the text.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, fields

from .model import QUOTES

#: The normalization steps a Mention can report, in a fixed order.
STEPS = ("traditional", "width", "break", "quote", "variant")


@dataclass(frozen=True)
class Normalization:
    """Which normalization steps run. All are on by default.

    >>> Normalization(traditional=False)
    Normalization(traditional=False, width=True, breaks=True, quotes=True, variants=True)
    """

    traditional: bool = True
    width: bool = True
    breaks: bool = True
    quotes: bool = True
    variants: bool = True

    @classmethod
    def none(cls) -> "Normalization":
        """Exact matching only."""
        return cls(**{f.name: False for f in fields(cls)})


# Full-width ASCII block U+FF01..U+FF5E -> U+0021..U+007E.
_WIDTH_TABLE = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
_FULLWIDTH = re.compile("[\uff01-\uff5e]")


def fold_width(text: str) -> str:
    """Full-width ASCII to half-width, one character for one.

    >>> fold_width("“１＋２＋１５”")
    '“1+2+15”'
    """
    if not _FULLWIDTH.search(text):
        return text
    return text.translate(_WIDTH_TABLE)


_Q = re.escape(QUOTES)
_HSPACE = r"[^\S\n]"  # whitespace other than a line feed
_PAGE_NUMBER_LINE = rf"(?<=\n){_HSPACE}*[—–\-－]{{1,2}}{_HSPACE}*\d{{1,4}}{_HSPACE}*[—–\-－]{{1,2}}{_HSPACE}*(?=\r?\n)"
_RUNS = {
    (True, True): re.compile(rf"(?:\s|[{_Q}]|{_PAGE_NUMBER_LINE})+"),
    (True, False): re.compile(rf"(?:\s|{_PAGE_NUMBER_LINE})+"),
    (False, True): re.compile(rf"[{_Q}]+"),
}


def _ascii_alnum(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def is_quote(ch: str) -> bool:
    return ch in QUOTES


class View:
    """A normalized view of a text, with offsets back into the original.

    >>> v = View("两个\\n\\n维护 and 12\\n36", Normalization())
    >>> v.text
    '两个维护and 12\\n36'
    >>> v.to_original(2), v.span(0, 4)
    (4, (0, 6))
    """

    __slots__ = ("original", "text", "_starts", "_shifts", "width_changed")

    def __init__(self, original: str, norm: Normalization):
        self.original = original
        folded = fold_width(original) if norm.width else original
        self.width_changed = folded is not original
        self._starts: list[int] = []  # view positions where a run was removed
        self._shifts: list[int] = []  # characters removed up to and including that run
        pattern = _RUNS.get((norm.breaks, norm.quotes))
        if pattern is None:
            self.text = folded
            return
        pieces = []
        last = 0
        removed = 0
        n = len(folded)
        for m in pattern.finditer(folded):
            a, b = m.span()
            if a > 0 and b < n and _ascii_alnum(folded[a - 1]) and _ascii_alnum(folded[b]):
                continue  # never join two ASCII letters or digits
            pieces.append(folded[last:a])
            last = b
            self._starts.append(a - removed)  # where folded[b] lands in the view
            removed += b - a
            self._shifts.append(removed)
        if not self._starts:
            self.text = folded
            return
        pieces.append(folded[last:])
        self.text = "".join(pieces)

    def to_original(self, i: int) -> int:
        """The original offset of view character ``i``."""
        k = bisect_right(self._starts, i) - 1
        return i + self._shifts[k] if k >= 0 else i

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span of view span ``[start, end)`` (``end > start``)."""
        return self.to_original(start), self.to_original(end - 1) + 1

    def skipped_inside(self, start: int, end: int) -> bool:
        """Whether any run was skipped strictly inside view span ``[start, end)``."""
        k = bisect_right(self._starts, start)
        return k < len(self._starts) and self._starts[k] < end
