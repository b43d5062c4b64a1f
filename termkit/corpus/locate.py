"""Where and when each document of a run is from: given, from a manifest, or detected.

The sources, first that knows wins, each for the place and the date apart:

1. given for every file (``--scope``, ``--date``);
2. the file's row in a manifest CSV (``--manifest``, see :mod:`termkit.corpus.manifest`);
3. detected from the file's path and the start of its text (see
   :mod:`termkit.corpus.documents`), unless detection is off.

A place is written in full, as :func:`termkit.scope.places.place` completes
it (上党区 is 山西省长治市上党区).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..scope.places import place
from .documents import jurisdiction, report_date


@dataclass(frozen=True)
class Locator:
    """``locator(path, head)``: the scope and date of a file, with how each
    was decided, as the fields of :class:`termkit.render.Doc`. Picklable, for
    worker processes.

    >>> Locator(scope="上党区")("a.txt", "正文")["scope"]
    '山西省长治市上党区'
    >>> Locator()("provinces/四川省/2014.md", "正文")
    {'scope': '四川省', 'scope_how': 'path', 'date': '2014', 'date_how': 'path'}
    >>> found = Locator(detect=False)("provinces/四川省/2014.md", "正文")  # --scope none: the date still detected
    >>> found["scope"], found["date"]
    (None, '2014')
    """

    scope: str | None = None
    date: str | None = None
    manifest: dict | None = None
    detect: bool = True  #: detect the place where neither given nor in the manifest
    detect_date: bool = True  #: the same for the date

    def __post_init__(self):
        if self.date is not None:
            check_date(self.date)  # a ValueError now, not in every file

    def __call__(self, path: str, head: str) -> dict:
        scope = (self.scope, "given") if self.scope else None
        date = (self.date, "given") if self.date else None
        if self.manifest is not None and (scope is None or date is None):
            from .manifest import lookup

            entry = lookup(self.manifest, path)
            if entry is not None:
                scope = scope or ((entry.scope, "manifest") if entry.scope else None)
                date = date or ((entry.date, "manifest") if entry.date else None)
        named = path if path != "-" else None
        if self.detect and scope is None:
            found = jurisdiction(head, named)
            scope = (found.value, found.how) if found.value else None
        if self.detect_date and date is None:
            found = report_date(head, named)
            date = (found.value, found.how) if found.value else None
        if scope is not None:
            p = place(scope[0])
            scope = (p.name if p is not None else scope[0], scope[1])
        scope, scope_how = scope or (None, "unknown")
        date, date_how = date or (None, "unknown")
        return {"scope": scope, "scope_how": scope_how, "date": date, "date_how": date_how}


def check_date(date: str) -> str:
    """A date as YYYY, YYYY-MM or YYYY-MM-DD, or a ValueError.

    >>> check_date("2023-06")
    '2023-06'
    >>> check_date("2023-13")
    Traceback (most recent call last):
    ValueError: '2023-13' is not a date: YYYY, YYYY-MM or YYYY-MM-DD
    """
    from .manifest import valid_date  # (here: its datetime is not needed at every start)

    if not valid_date(date):
        raise ValueError(f"{date!r} is not a date: YYYY, YYYY-MM or YYYY-MM-DD")
    return date
