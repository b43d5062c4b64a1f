"""Normalization: how text as it really arrives is matched against clean keys.

termkit never rewrites the caller's text for good. It builds a *view*: a
normalized copy plus a map from every view position back to the original, so
that a mention found in the view reports offsets into the original string.

The steps, each switched on or off in :class:`Normalization`:

``width``
    Full-width letters, digits and signs (``１２３``, ``＋``, ``Ａ``) read as
    ASCII. One character for one, so offsets are unchanged. The full-width
    punctuation of Chinese text (，：；！？（）) is left alone.
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
search. Building a view is one regular-expression split, or one pass of the
optional C module where it was built (see :mod:`termkit.native`; the two
agree on any text, the tests hold them to it).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, fields
from functools import lru_cache
from itertools import accumulate

from .. import native
from .chars import FULLWIDTH_KEPT, QUOTES, fold_width

#: The normalization steps, in a fixed order, each as (the field of
#: :class:`Normalization` and of its ``--no-`` flag, the name a mention
#: reports, what it does). The one table that the class, the command line
#: and mentions read.
STEP_TABLE = (
    ("traditional", "traditional", "match Traditional script (Taiwan, Hong Kong, plain Traditional)"),
    ("width", "width", "fold full-width letters, digits and signs (１＋２ = 1+2)"),
    ("breaks", "break", "skip spaces, line and page breaks inside terms"),
    ("quotes", "quote", "skip quotation marks inside terms"),
    ("variants", "variant", "match known misprints listed in the glossary"),
)

#: The normalization steps a Mention can report, in a fixed order.
STEPS = tuple(reported for _, reported, _ in STEP_TABLE)


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


@lru_cache(maxsize=None)  # compiled on first use: with the C module, never
def _run_pattern(breaks: bool, quotes: bool) -> re.Pattern:
    """The runs a view skips: maximal runs of whitespace (with page-number
    lines) and/or quotation marks, except those between two ASCII letters or
    digits. The whole decision is made by the regular expression, so that
    building a view is a single pass in C."""
    alnum = "A-Za-z0-9"
    cls = (r"\s" if breaks else "") + (re.escape(QUOTES) if quotes else "")
    page = r"(?<=\n)[^\S\n]*[—–\-－]{1,2}[^\S\n]*\d{1,4}[^\S\n]*[—–\-－]{1,2}(?=[^\S\n]*\r?\n)"
    run = f"(?:[{cls}]|{page})+" if breaks else f"[{cls}]+"
    # (?=(X))\N is X matched atomically (no backtracking), in any Python.
    return re.compile(
        f"(?=[{cls}])(?:(?<![{alnum}{cls}])(?=({run}))\\1|(?<=[{alnum}])(?=({run}))\\2(?![{alnum}]))"
    )


def _view_python(original: str, width: bool, breaks: bool, quotes: bool):
    """The view of ``original``: ``(text, starts, shifts, width_changed)``.

    The reference implementation; ``termkit._native.view`` is its twin in C.
    """
    folded = fold_width(original) if width else original
    changed = folded is not original
    parts = _run_pattern(breaks, quotes).split(folded) if breaks or quotes else [folded]
    if len(parts) == 1:
        return folded, [], [], changed
    # split() gives: kept text, then the run (as group 1 or 2), and again.
    kept = parts[0::3]
    starts = list(accumulate(map(len, kept[:-1])))
    shifts = list(accumulate(len(a or b) for a, b in zip(parts[1::3], parts[2::3])))
    return "".join(kept), starts, shifts, changed


if native.module is not None:
    native.module.configure(FULLWIDTH_KEPT, QUOTES)  # the character classes, set once


def _build(original: str, width: bool, breaks: bool, quotes: bool):
    """:func:`_view_python`, or its twin in C (one pass, no intermediate strings)."""
    if native.module is None:
        return _view_python(original, width, breaks, quotes)
    return native.module.view(original, width, breaks, quotes)


class View:
    """A normalized view of a text, with offsets back into the original.

    >>> v = View("两个\\n\\n维护 and 12\\n36", Normalization())
    >>> v.text
    '两个维护and 12\\n36'
    >>> v.to_original(2), v.span(0, 4)
    (4, (0, 6))
    """

    __slots__ = ("original", "text", "starts", "shifts", "width_changed")

    def __init__(self, original: str, norm: Normalization):
        self.original = original
        # starts: view positions where a run was removed; shifts: characters
        # removed up to and including that run (lists, or buffers of
        # Py_ssize_t from the C module).
        self.text, self.starts, self.shifts, self.width_changed = _build(
            original, norm.width, norm.breaks, norm.quotes
        )

    def from_original(self, o: int) -> int:
        """The view offset of original offset ``o`` (of the next kept
        character, if ``o`` falls in a skipped run).

        >>> v = View("两个  维护", Normalization())
        >>> [v.from_original(o) for o in range(7)]
        [0, 1, 2, 2, 2, 3, 4]
        """
        starts, shifts = self.starts, self.shifts
        if not starts:
            return o
        # The last run that began at or before o in the original (run k began at starts[k] plus
        # what the runs before it removed).
        k = bisect_right(range(len(starts)), o, key=lambda k: starts[k] + (shifts[k - 1] if k else 0)) - 1
        if k < 0:
            return o
        if o < self.starts[k] + self.shifts[k]:  # inside run k
            return self.starts[k]
        return o - self.shifts[k]

    def to_original(self, i: int) -> int:
        """The original offset of view character ``i``."""
        k = bisect_right(self.starts, i) - 1
        return i + self.shifts[k] if k >= 0 else i

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span of view span ``[start, end)`` (``end > start``)."""
        return self.to_original(start), self.to_original(end - 1) + 1
