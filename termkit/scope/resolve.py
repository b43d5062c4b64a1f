"""Whose term is it? Which of the terms sharing a surface form a document means.

A term has a ``scope`` (who coined it: ``national``, ``山西省``, ``长治市上党区``,
or ``unknown``) and an optional ``period`` (the years its definition holds:
``2021-2025``, ``2023-``, ``-2020``, ``2023``). A document is from a place
``where`` and a ``year``, either possibly unknown. The rule:

1. A term *applies* to a document when its scope contains the document's
   place (see :func:`termkit.scope.places.contains`). A ``national`` or
   ``unknown`` scope applies everywhere; where the document's place is
   unknown, only those apply.
2. Among the terms that apply, the one of the most specific scope wins.
3. Among several terms of that scope, the period decides: the terms whose
   period holds the document's year, and of those the one whose period starts
   latest (no start counts as the earliest); if none holds it, the one whose
   period ended last before the year, or else (all start after it) the one
   that starts first. Two terms still tied, or no known year, leave them tied.
4. Nothing is chosen by chance: a tie, or no term that applies, makes the
   mention *ambiguous*, and it lists the candidates. One exception keeps the
   behaviour of a glossary without scopes: a form of one term, in a document
   whose place is unknown, is that term.

>>> from termkit.scope.places import place
>>> local, national = (place("长治市上党区"), None), (place("national"), None)
>>> resolve([national, local], place("上党区"), 2023)
1
>>> resolve([national, local], place("四川省"), 2023)
0
>>> resolve([local], place("四川省"), 2023) is None, resolve([local], None, None)
(True, 0)
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Optional

from .places import NATIONAL, NATIONAL_NAMES, UNKNOWN_NAMES, Place, contains, place

#: A period as a glossary writes it: ``2023``, ``2021-2025``, ``2023-``, ``-2020``.
PERIOD_PATTERN = r"^(?:[0-9]{4}(?:-(?:[0-9]{4})?)?|-[0-9]{4})$"
_PERIOD = re.compile(PERIOD_PATTERN)
_DASHES = str.maketrans({"–": "-", "—": "-", "~": "-", "～": "-", "至": "-"})

Years = tuple[Optional[int], Optional[int]]
#: A candidate: the place of its scope (None: applies everywhere) and its years.
Candidate = tuple[Optional[Place], Optional[Years]]


def clean_period(value: str) -> str:
    """A period in its stored form (dashes made ``-``, spaces removed); a
    ValueError if it is not one, or ends before it starts.

    >>> clean_period("2021–2025"), clean_period(" 2023 - ")
    ('2021-2025', '2023-')
    >>> clean_period("2025-2021")
    Traceback (most recent call last):
    ValueError: period '2025-2021' ends before it starts
    """
    out = "".join(str(value).translate(_DASHES).split())
    if not _PERIOD.match(out):
        raise ValueError(f"period {value!r} is not YYYY, YYYY-YYYY, YYYY- or -YYYY")
    lo, hi = period_years(out)
    if lo is not None and hi is not None and hi < lo:
        raise ValueError(f"period {value!r} ends before it starts")
    return out


def period_years(period: str | None) -> Years | None:
    """The first and last year of a stored period (None where open); None for no period.

    >>> period_years("2023"), period_years("2023-"), period_years("-2020"), period_years(None)
    ((2023, 2023), (2023, None), (None, 2020), None)
    """
    if period is None:
        return None
    lo, sep, hi = period.partition("-")
    first = int(lo) if lo else None
    return first, (int(hi) if hi else None) if sep else first


def everywhere(scope: str) -> bool:
    """Whether a term of this scope applies everywhere (``national``, ``unknown``),
    told without reading the table of places (at start-up).

    >>> everywhere("national"), everywhere(" Unknown "), everywhere("长治市上党区")
    (True, True, False)
    """
    name = scope.strip().lower()
    return not name or name in NATIONAL_NAMES or name in UNKNOWN_NAMES


def scope_place(scope: str) -> Place | None:
    """The place of a term's scope; None where it applies everywhere (``national``, ``unknown``)."""
    if everywhere(scope):
        return None
    p = place(scope)
    return None if p is None or p == NATIONAL else p


def _holds(years: Years | None, year: int) -> bool:
    if years is None:
        return True
    lo, hi = years
    return (lo is None or lo <= year) and (hi is None or year <= hi)


def _by_period(tied: list[int], candidates: Sequence[Candidate], year: int | None) -> int | None:
    """Step 3 of the rule, among candidates of one scope."""
    if len(tied) == 1:
        return tied[0]
    if year is None:
        return None
    holding = [i for i in tied if _holds(candidates[i][1], year)]
    if holding:
        def start(i):
            years = candidates[i][1]
            return -1 if years is None or years[0] is None else years[0]
        best = max(map(start, holding))
        winners = [i for i in holding if start(i) == best]
    else:  # every period ended before the year or starts after it: the nearest in time
        ended = [i for i in tied if candidates[i][1][1] is not None and candidates[i][1][1] < year]
        if ended:
            best = max(candidates[i][1][1] for i in ended)
            winners = [i for i in ended if candidates[i][1][1] == best]
        else:
            best = min(candidates[i][1][0] for i in tied)
            winners = [i for i in tied if candidates[i][1][0] == best]
    return winners[0] if len(winners) == 1 else None


def resolve(candidates: Sequence[Candidate], where: Place | None, year: int | None) -> int | None:
    """The index of the candidate a document from ``where`` in ``year`` means,
    or None where the mention is ambiguous (see the module's rule).
    ``where`` NATIONAL is a document of the whole country."""
    if where is not None and where == NATIONAL:
        applying = [i for i, (p, _) in enumerate(candidates) if p is None]
    elif where is not None:
        applying = [i for i, (p, _) in enumerate(candidates) if p is None or contains(p, where)]
    else:
        applying = [i for i, (p, _) in enumerate(candidates) if p is None]
        if not applying and len(candidates) == 1:
            return 0
    if not applying:
        return None
    depth = max(0 if candidates[i][0] is None else candidates[i][0].depth for i in applying)
    tied = [i for i in applying if (0 if candidates[i][0] is None else candidates[i][0].depth) == depth]
    return _by_period(tied, candidates, year)


def document_year(date: str | int | None) -> int | None:
    """The year of a document's date (``2023``, ``2023-06``, ``2023-06-16``), or None.

    >>> document_year("2023-06-16"), document_year(2024), document_year(None)
    (2023, 2024, None)
    """
    if date is None:
        return None
    if isinstance(date, int):
        return date
    m = re.match(r"\s*([0-9]{4})", str(date))
    if not m:
        raise ValueError(f"date {date!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
    return int(m.group(1))
