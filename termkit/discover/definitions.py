"""Definitions a text gives of its own formulas, and the parts it lists.

Four places a report defines a formula, each kept with its line:

- an entry of its 名词解释 appendix (found as ``termkit extract`` finds it:
  :func:`termkit.corpus.extract.find_appendix`, ``split_entries``, ``key_of``);
- ``（以下简称“X”）``: X stands for the phrase before it;
- ``“X”，即…`` / ``“X”即…``;
- ``“X”是指…`` / ``“X”，是指…``.

And an enumeration that follows a formula — ``“X”（A、B、C）`` or
``“X”：A、B、C`` or a ``即`` definition that is a list — becomes its
components, with the number of parts checked against the formula's numeral
(:func:`count_check`).

>>> defs = find_definitions("推进“三个坚持”，即坚持甲、坚持乙、坚持丙。\\n建立某某机制（以下简称“两项机制”）。")
>>> [(d.key, d.how, d.line, d.text) for d in defs]
[('三个坚持', '即', 1, '坚持甲、坚持乙、坚持丙'), ('两项机制', '以下简称', 2, '建立某某机制')]
>>> defs[0].components, defs[0].check
(['坚持甲', '坚持乙', '坚持丙'], 'count-ok')
"""

from __future__ import annotations

import re
from typing import NamedTuple

from ..corpus.extract import find_appendix, key_of, split_entries, split_entry, strip_lead
from ..text.lists import split_items
from ..text.numerals import numerals_in_key


class Definition(NamedTuple):
    key: str
    text: str  #: the definition, as the text gives it (without its lead word)
    line: int  #: 1-based
    how: str  #: appendix, 以下简称, 即, 是指, enumeration
    components: list
    check: str | None  #: count-ok, count-mismatch, or None (nothing to check)


_Q = r"[“「『]([^“”「」『』\n，。；]{2,12})[”」』]"
_JI = re.compile(_Q + r"[，,]?(?:即|就是|是指|指的是)[：:，,]?([^。；\n]{2,200})")
_ABBR = re.compile(r"([^，。；：（(\n]{2,80})[（(]以下简称" + _Q + r"[）)]")
_ENUM = re.compile(_Q + r"(?:[（(]([^（）()\n]{4,200})[）)]|[：:]([^。；\n]{4,200}))")
MAX_TEXT = 200


def count_check(key: str, items: list[str]) -> str | None:
    """Whether the number of listed parts agrees with a one-numeral key.

    >>> count_check("三个坚持", ["甲", "乙", "丙"]), count_check("三个坚持", ["甲", "乙"])
    ('count-ok', 'count-mismatch')
    >>> count_check("三区三线", ["甲"]) is None
    True
    """
    try:
        counts = numerals_in_key(key)
    except Exception:  # pragma: no cover
        return None
    if len(counts) != 1 or not items:
        return None
    return "count-ok" if counts[0] == len(items) else "count-mismatch"


def _define(key: str, text: str, line: int, how: str) -> Definition:
    text = text.strip()[:MAX_TEXT]
    items = split_items(text) if how != "以下简称" else []
    return Definition(key, text, line, how, items, count_check(key, items))


def _line_at(starts: list[int], pos: int) -> int:
    import bisect

    return bisect.bisect_right(starts, pos)


def find_definitions(text: str) -> list[Definition]:
    """The definitions of formulas in ``text`` (see the module docstring), in text order;
    an appendix's entries first."""
    out: list[Definition] = []
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    span = find_appendix(text)
    if span is not None:
        first = _line_at(starts, span[0])
        for _, line, raw in split_entries(text[span[0]:span[1]]):
            head, definition = split_entry(raw)
            key = key_of(head.strip())[0]
            if definition and 2 <= len(key) <= 20:
                out.append(_define(key, strip_lead(" ".join(definition.split())), first + line - 1, "appendix"))
        body = text[: span[0]]
    else:
        body = text
    for m in _JI.finditer(body):
        out.append(_define(m.group(1), m.group(2), _line_at(starts, m.start()), "即"))
    for m in _ABBR.finditer(body):
        out.append(_define(m.group(2), m.group(1).lstrip("“”*# "), _line_at(starts, m.start()), "以下简称"))
    for m in _ENUM.finditer(body):
        items = split_items(m.group(2) or m.group(3))
        if len(items) >= 2 and count_check(m.group(1), items):
            out.append(Definition(m.group(1), (m.group(2) or m.group(3))[:MAX_TEXT],
                                  _line_at(starts, m.start()), "enumeration", items,
                                  count_check(m.group(1), items)))
    out.sort(key=lambda d: (d.how != "appendix", d.line))
    return out
