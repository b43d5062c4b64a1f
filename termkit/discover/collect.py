"""Discovery over many documents: scan each file (in worker processes with
``jobs``), gather the observations, choose and rank the candidates that the
glossary does not cover, and attach their evidence.

:func:`scan_file` is what a worker runs on one file; :func:`discover` does the
rest in the calling process.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..textio import InputError, read_document
from .candidates import LEADS, scan_text
from .definitions import find_definitions
from .near import NearMisses, covered, tagged_whole, within_mention
from .rank import Candidate, closed, plausible, score

#: A two-character quoted string without a numeral (“温度”, “鹿鸣”: emphasis, brands)
#: is a candidate only when the text defines it, or it is quoted in this many documents.
MIN_DOCS_SHORT = 3
_HEAD_CHARS = 4000


@dataclass(frozen=True)
class ScanTask:
    path: str
    shown: str
    encoding: str | None
    locator: object  #: a termkit.corpus.locate.Locator, or None
    text: str | None = None  #: the text, already read (standard input)


def scan_file(task: ScanTask) -> dict:
    """One file's observations, definitions, place and date (or its error), as plain data."""
    warning = None
    if task.text is not None:
        text = task.text
    else:
        try:
            doc = read_document(task.path, task.encoding)
        except InputError as e:
            return {"file": task.shown, "path": task.path, "error": str(e)}
        text, warning = doc.text.replace("\r\n", "\n"), doc.warning
    where = task.locator(task.path, text[:_HEAD_CHARS]) if task.locator else {"scope": None, "date": None}
    obs = scan_text(text)
    out = {}
    for key, o in obs.items():
        count = o.count
        if o.quoted == o.count and key[:1] not in LEADS:
            count = max(count, text.count(key))  # its unquoted uses too
        out[key] = (count, o.quoted, o.lines)
    defs = [tuple(d) for d in find_definitions(text)]
    return {"file": task.shown, "path": task.path, "error": None, "warning": warning,
            "scope": where["scope"], "date": where["date"], "obs": out, "defs": defs}


def gather(results) -> dict[str, Candidate]:
    """Every observed string's :class:`Candidate`, over all scanned files."""
    found: dict[str, Candidate] = {}
    for r in results:
        year = r["date"][:4] if r.get("date") else None
        for key, (count, quoted, lines) in r["obs"].items():
            c = found.get(key)
            if c is None:
                c = found[key] = Candidate(key, numeral=key[:1] in LEADS)
            c.count += count
            c.quoted += quoted
            c.docs.add(r["file"])
            if r["scope"]:
                c.places.add(r["scope"])
            if year:
                c.years.add(year)
            if r["date"]:
                c.dates.append(r["date"])
            if len(c.examples) < 3:
                c.examples.append((r["path"], r["file"], lines[0]))
        for key, text, line, how, components, check in r["defs"]:
            c = found.get(key)
            if c is None:
                c = found[key] = Candidate(key, count=1, numeral=key[:1] in LEADS)
                c.docs.add(r["file"])
                c.examples.append((r["path"], r["file"], line))
            if c.definition is None or (how == "appendix" and c.definition["how"] != "appendix"):
                c.definition = {"text": text, "file": r["file"], "path": r["path"], "line": line, "how": how}
            if components and not c.components:
                c.components, c.count_check = list(components), check
    return found


def select(found: dict[str, Candidate], annotator, near: NearMisses | None = None) -> list[Candidate]:
    """The candidates worth showing, best first (see :mod:`termkit.discover.rank`)."""
    counts = {k: c.count for k, c in found.items() if c.numeral}
    out = []
    for key, c in found.items():
        hit = near(key) if near is not None and len(key) >= 3 else None
        if hit and not tagged_whole(annotator, key):
            c.variant_of, c.variant_how = hit
            out.append(c)
            continue
        if not plausible(key, c.quoted > 0):
            continue
        if c.definition is None:
            if c.numeral and not c.quoted and (c.count < 2 or not closed(key, counts, c.quoted)):
                continue
            if not c.numeral and not c.quoted:
                continue
            if not c.numeral and len(key) == 2 and not re.search("[0-9]", key) \
                    and (len(c.docs) < MIN_DOCS_SHORT or c.quote_rate < 0.5):
                continue
        if covered(annotator, key):
            continue
        out.append(c)
    out.sort(key=lambda c: (-score(c), c.key))
    return out


def _lines_of(path: str, encoding: str | None, cache: dict) -> list[str]:
    if path not in cache:
        try:
            cache[path] = read_document(path, encoding).text.replace("\r\n", "\n").split("\n")
        except InputError:
            cache[path] = []
    return cache[path]


def attach_examples(cands: list[Candidate], annotator, encoding: str | None, stdin_lines: list[str] | None,
                    width: int = 30, cache: dict | None = None) -> list[Candidate]:
    """Give each candidate its example lines' context (at most ``width`` characters
    around it); drop a candidate whose every example lies inside a glossary mention.
    ``cache`` maps paths to their lines where they are already known."""
    cache = dict(cache or {})
    if stdin_lines is not None:
        cache["-"] = stdin_lines
    kept = []
    for c in cands:
        shown, inside = [], 0
        for path, file, line in c.examples:
            lines = _lines_of(path, encoding, cache)
            text = lines[line - 1] if 0 < line <= len(lines) else ""
            if text and within_mention(annotator, text, c.key):
                inside += 1
            shown.append({"file": file, "line": line, "context": context(text, c.key, width)})
        if c.examples and inside == len(c.examples) and c.definition is None:
            continue
        c.shown = shown
        kept.append(c)
    return kept


def context(line: str, key: str, width: int = 30) -> str:
    """At most ``width`` characters of ``line`` around the first occurrence of ``key``.

    >>> context("甲乙丙丁“三大攻坚战”戊己庚辛", "三大攻坚战", 11)
    '丙丁“三大攻坚战”戊己'
    """
    line = line.strip()
    i = line.find(key)
    if i < 0:
        return line[:width]
    room = max(0, width - len(key))
    a = max(0, i - room // 2)
    b = min(len(line), a + max(width, len(key)))
    a = max(0, b - max(width, len(key)))
    return line[a:b]


def dates(c: Candidate) -> tuple[str | None, str | None]:
    """The first and last date of a candidate's documents, where known."""
    return (min(c.dates), max(c.dates)) if c.dates else (None, None)
