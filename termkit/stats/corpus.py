"""The documents of a corpus, as the command line names them.

Inputs are files, directories (their ``.md``, ``.txt`` and ``.jsonl`` files,
README files left out, sorted), glob patterns (``'reports/**/*.md'``, for
shells that do not expand them) or, with none of these, the paths a manifest
lists. A JSON-lines file is a file of documents, one JSON object a line whose
``content`` holds the text (``title``, ``type``, ``date`` and ``congress``
are used where present): each line is a document named ``path#LINE``.

>>> import os, tempfile
>>> d = tempfile.mkdtemp()
>>> for name in ("b.md", "a.txt", "README.md", "x.csv"):
...     open(os.path.join(d, name), "w").close()
>>> [os.path.basename(s.name) for s in sources([d])[0]]
['a.txt', 'b.md']
>>> sources([os.path.join(d, "*.txt")])[0][0].name.endswith("a.txt")
True
"""

from __future__ import annotations

import glob
import json
import os
from dataclasses import dataclass
from pathlib import Path

#: The files a directory contributes.
SUFFIXES = (".md", ".txt", ".jsonl")

#: The year of each national congress of the CPC (一大 … 二十大), for JSON-lines
#: records with a ``congress`` number and no date.
CONGRESS_YEARS = {1: 1921, 2: 1922, 3: 1923, 4: 1925, 5: 1927, 6: 1928, 7: 1945, 8: 1956, 9: 1969, 10: 1973,
                  11: 1977, 12: 1982, 13: 1987, 14: 1992, 15: 1997, 16: 2002, 17: 2007, 18: 2012, 19: 2017,
                  20: 2022}


@dataclass(frozen=True)
class Source:
    """One document: ``path`` the file, ``name`` how tables name it (the path
    as given, or ``path#LINE`` for a record of a JSON-lines file), ``line``
    the record's line (0 for a whole file)."""

    path: str
    name: str
    line: int = 0


def _is_pattern(p: str) -> bool:
    return any(c in p for c in "*?[") and not os.path.exists(p)


def sources(inputs: list[str], manifest: dict | None = None) -> tuple[list[Source], list[str]]:
    """The documents the inputs name, in order, and a one-line problem for
    each input that names none (a pattern matching nothing, a missing path).
    With no inputs, the manifest's documents."""
    if not inputs and manifest:
        inputs = list(manifest)
    out: list[Source] = []
    problems: list[str] = []
    for p in inputs:
        if _is_pattern(p):
            found = sorted(glob.glob(p, recursive=True))
            if not found:
                problems.append(f"{p}: no file matches this pattern")
            files = [f for f in found if os.path.isfile(f)]
        elif os.path.isdir(p):
            files = [str(f) for f in sorted(Path(p).rglob("*"))
                     if f.suffix.lower() in SUFFIXES and f.is_file() and not f.stem.upper().startswith("README")]
            if not files:
                problems.append(f"{p}: no .md, .txt or .jsonl files in this directory")
        else:
            files = [p]
        for f in files:
            out.extend(_records(f) if f.lower().endswith(".jsonl") else [Source(f, f)])
    return out, problems


def _records(path: str) -> list[Source]:
    """One Source per non-blank line of a JSON-lines file (a file that cannot
    be read is one Source, which then fails with the reason)."""
    try:
        with open(path, "rb") as f:
            lines = [n for n, line in enumerate(f, 1) if line.strip()]
    except OSError:
        return [Source(path, path)]
    return [Source(path, f"{path}#{n}", n) for n in lines]


class RecordError(ValueError):
    """A JSON-lines record that holds no text; ``str()`` is one line naming the file and line."""


def read_record(source: Source) -> dict:
    """The JSON object on ``source.line`` of its file, with a ``content`` string.

    >>> import tempfile
    >>> f = tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8")
    >>> _ = f.write('{"content": "正文", "congress": 19}\\n\\n{"title": "x"}\\n'); f.close()
    >>> read_record(Source(f.name, f.name + "#1", 1))["congress"]
    19
    >>> read_record(Source(f.name, f.name + "#3", 3))
    Traceback (most recent call last):
    termkit.stats.corpus.RecordError: ...#3: no "content" text in this record
    """
    with open(source.path, "rb") as f:
        for n, line in enumerate(f, 1):
            if n == source.line:
                break
        else:
            raise RecordError(f"{source.name}: no such line")
    try:
        record = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise RecordError(f"{source.name}: not a JSON object: {e}") from None
    if not isinstance(record, dict) or not isinstance(record.get("content"), str):
        raise RecordError(f'{source.name}: no "content" text in this record')
    return record


def record_meta(record: dict, where: dict) -> dict:
    """Where and when a JSON-lines record is from: what ``where`` (the
    locator's answer) says, unless the record's own ``date`` or ``congress``
    field says when (a congress is national), and its ``type`` and ``title``.

    >>> record_meta({"congress": 19, "title": "报告"}, {"scope": None, "scope_how": "unknown", "date": None,
    ...             "date_how": "unknown"})["date"]
    '2017'
    """
    where = dict(where)
    given = ("given", "manifest")
    congress = record.get("congress")
    if where["date_how"] not in given:
        if isinstance(record.get("date"), str) and record["date"][:4].isdigit():
            where["date"], where["date_how"] = record["date"], "record date"
        elif congress in CONGRESS_YEARS:
            where["date"], where["date_how"] = str(CONGRESS_YEARS[congress]), f"congress {congress}"
    if congress in CONGRESS_YEARS and where["scope_how"] not in given:
        where["scope"], where["scope_how"] = "national", f"congress {congress}"
    where["type"] = record.get("type") if isinstance(record.get("type"), str) else None
    where["title"] = record.get("title") if isinstance(record.get("title"), str) else None
    return where
