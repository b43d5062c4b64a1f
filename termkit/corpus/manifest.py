"""A manifest: where and when each document is from, given rather than detected.

A CSV file (UTF-8, with or without BOM; a ``.tsv`` file is tab-separated) whose header row names
its columns among ``path``, ``scope``, ``date``, ``type`` and ``title``, in any order (``path``
is required). A path is relative to the manifest's folder, unless absolute; a date is ``YYYY``,
``YYYY-MM`` or ``YYYY-MM-DD``. Blank cells are None. ``type`` and ``title`` are for the
statistics of a corpus (``termkit stats``); ``scope`` and ``date`` override detection
(:mod:`termkit.corpus.documents`).

>>> import os, tempfile
>>> folder = tempfile.mkdtemp()
>>> with open(os.path.join(folder, "manifest.csv"), "w", encoding="utf-8") as f:
...     _ = f.write("path,scope,date\\n./a/b.md,西山市,2023-06\\n")
>>> m = read_manifest(os.path.join(folder, "manifest.csv"))
>>> lookup(m, os.path.join(folder, "a", "b.md"))
Entry(scope='西山市', date='2023-06', type=None, title=None)
"""

from __future__ import annotations

import csv
import datetime
import io
import os
import re
from dataclasses import dataclass

COLUMNS = ("path", "scope", "date", "type", "title")
_DATE = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")


class ManifestError(ValueError):
    """A manifest that cannot be used; ``str()`` is one line: ``"<file>:<line>: <problem>"``."""


@dataclass(frozen=True)
class Entry:
    """What a manifest says of one document; None where its cell is blank."""

    scope: str | None = None
    date: str | None = None
    type: str | None = None
    title: str | None = None


def valid_date(value: str) -> bool:
    """Whether ``value`` is ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``, and a real date.

    >>> [valid_date(v) for v in ["2023", "2023-06", "2024-02-29", "2023-02-29", "2023-13", "2023-6-1", "23"]]
    [True, True, True, False, False, False, False]
    """
    m = _DATE.fullmatch(value)
    if not m:
        return False
    y, mo, d = (int(g) if g else 1 for g in m.groups())
    try:
        datetime.date(y, mo, d)
    except ValueError:
        return False
    return y >= 1


def _key(path: str) -> str:
    return os.path.normcase(os.path.normpath(path))


def read_manifest(path: str) -> dict[str, Entry]:
    """The manifest at ``path``: each document's path (joined to the manifest's folder, normalized) → its Entry.

    Raises :class:`ManifestError` naming the file and line: an unknown or repeated column, no
    ``path`` column, a row with more cells than the header, a blank path, a path listed twice,
    a bad date.
    """
    rows = _rows(path)
    header = [cell.strip().lower() for cell in next(rows, (1, []))[1]]
    if not any(header):
        raise ManifestError(f"{path}: empty: the first row must name the columns ({', '.join(COLUMNS)}; path is required)")
    unknown = [c for c in header if c not in COLUMNS]
    if unknown:
        raise ManifestError(f"{path}:1: unknown column{'s' * (len(unknown) > 1)} {', '.join(map(repr, unknown))}"
                            f" (the columns are {', '.join(COLUMNS)})")
    repeated = sorted({c for c in header if header.count(c) > 1})
    if repeated:
        raise ManifestError(f"{path}:1: column {', '.join(map(repr, repeated))} named twice")
    if "path" not in header:
        raise ManifestError(f"{path}:1: no 'path' column (the columns are {', '.join(COLUMNS)})")
    folder = os.path.dirname(path)
    out: dict[str, Entry] = {}
    first_line: dict[str, int] = {}
    for line, cells in rows:
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(header):
            raise ManifestError(f"{path}:{line}: {len(cells)} cells, but the header names {len(header)} columns")
        row = {c: (v.strip() or None) for c, v in zip(header, cells)}
        doc = row.get("path")
        if doc is None:
            raise ManifestError(f"{path}:{line}: no path")
        date = row.get("date")
        if date is not None and not valid_date(date):
            raise ManifestError(f"{path}:{line}: bad date {date!r} (YYYY, YYYY-MM or YYYY-MM-DD)")
        key = _key(os.path.join(folder, doc))
        if key in out:
            raise ManifestError(f"{path}:{line}: {doc!r} is listed twice (first on line {first_line[key]})")
        first_line[key] = line
        out[key] = Entry(row.get("scope"), date, row.get("type"), row.get("title"))
    return out


def _rows(path: str):
    """(line number, cells) of each row of the file."""
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as e:
        raise ManifestError(f"{path}: cannot read manifest: {e.strerror or e}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw.count(b"\n", 0, e.start) + 1
        raise ManifestError(f"{path}:{line}: not UTF-8 text (byte {e.start}); save the manifest as UTF-8") from None
    delimiter = "\t" if path.lower().endswith(".tsv") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        for cells in reader:
            yield reader.line_num, cells
    except csv.Error as e:
        raise ManifestError(f"{path}:{reader.line_num}: {e}") from None


def lookup(manifest: dict[str, Entry], path: str) -> Entry | None:
    """The entry of a document given as the command line gives it (``a/b.md``, ``./a/b.md``, absolute), or None.

    >>> lookup({"a/b.md": Entry("西山市")}, "./a/../a/b.md"), lookup({"a/b.md": Entry("西山市")}, "b.md")
    (Entry(scope='西山市', date=None, type=None, title=None), None)
    """
    entry = manifest.get(_key(path))
    if entry is None:
        wanted = os.path.abspath(path)
        entry = next((e for k, e in manifest.items() if os.path.abspath(k) == _key(wanted)), None)
    return entry
