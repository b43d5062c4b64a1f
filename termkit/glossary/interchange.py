r"""Glossaries in the formats other tools exchange: TBX, CSV, TSV and JSON lines.

:func:`dump` writes terms in one of :data:`FORMATS`; :func:`parse` reads such
a file back into a :class:`~termkit.glossary.model.GlossaryFile`, and
``Glossary.from_files`` uses it for the extensions in :data:`EXTENSIONS`.
Every field of a term survives a round trip through every format:

- **TBX** (ISO 30042, the TBX-Basic dialect, DCA style): one ``conceptEntry``
  a term. Its ``zh`` ``langSec`` holds the definition and the key (the
  preferred term), the aliases (admitted terms) and the variants (deprecated
  terms); an ``en`` ``langSec`` holds the English rendering. TBX-Basic has no
  data category for the rest (id, headword, kind, scope, period, components,
  context, sources), so it goes into the entry's ``note``, as JSON after the
  prefix ``termkit:``; the sources are also given as ``admin`` ``source``
  lines for people. A TBX file from another tool, without that note, reads
  with the defaults of a minimal entry (see
  :func:`~termkit.glossary.files.complete_entry`).
- **CSV** and **TSV**: a header row naming the columns (in any order, any
  case; only ``key`` is needed), then one term a row. Lists are joined by
  ``|`` (``；`` is read as well); sources, components and context are JSON
  (sources that are only document names may be joined by ``|``). CSV is
  quoted as spreadsheets quote it; TSV is plain, as OmegaT writes it, with
  ``\t``, ``\n``, ``\r`` and ``\\`` escaped. With ``omegat=True`` the columns
  are OmegaT's: source (the key), target (the English rendering) and comment
  (the definition), under a header that starts with ``#`` so that OmegaT
  skips it; that is for translators, and keeps only those three fields.
- **JSON lines**: one term a line, as ``termkit glossary list --format jsonl``
  prints it.

>>> from termkit.glossary import Glossary
>>> terms = list(Glossary.from_keys(["双碳"]))
>>> dump(terms, "csv").splitlines()
['key,definition,aliases,variants,kind,scope,period,en,headword,id,sources,components,context', '双碳,,,,other,unknown,,,双碳,adhoc/双碳,ad hoc,,']
>>> parse("mine.csv", dump(terms, "csv").encode()).terms == tuple(terms)
True
>>> parse("mine.csv", b"key,definition\n\xe5\x8f\x8c\xe7\xa2\xb3,\n").terms[0].id
'mine/双碳'
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any, Iterable

from .files import GlossaryError, _format_validation, complete_entry
from .model import GlossaryFile, Term, to_json, validate

FORMATS = ("tbx", "csv", "tsv", "jsonl")
#: The file extensions :func:`parse` reads, and their format.
EXTENSIONS = {".tbx": "tbx", ".csv": "csv", ".tsv": "tsv", ".jsonl": "jsonl"}

TBX_NS = "urn:iso:std:iso:30042:ed-2"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
NOTE_PREFIX = "termkit:"
#: The fields a TBX entry keeps in its ``termkit:`` note.
_NOTE_FIELDS = ("id", "headword", "kind", "scope", "period", "components", "context", "sources")

COLUMNS = ("key", "definition", "aliases", "variants", "kind", "scope", "period", "en", "headword", "id",
           "sources", "components", "context")
OMEGAT_COLUMNS = {"source": "key", "target": "en", "comment": "definition"}
_LISTS = ("aliases", "variants")
_JSON_CELLS = ("components", "context")
_STRIPPED = ("key", "id", "kind", "period", *_LISTS)


def format_of(path: str | Path) -> str | None:
    """The interchange format a file name's extension says, or None (YAML, JSON).

    >>> format_of("terms.TBX"), format_of("terms.yaml")
    ('tbx', None)
    """
    return EXTENSIONS.get(Path(path).suffix.lower())


def dump(terms: Iterable[Term], fmt: str, *, omegat: bool = False) -> str:
    """The terms as the text of a file in format ``fmt`` (one of :data:`FORMATS`);
    ``omegat`` (csv or tsv) writes OmegaT's three columns. A value the format
    cannot hold (a control character in XML) is a :class:`GlossaryError`."""
    terms = list(terms)
    if fmt == "jsonl":
        return "".join(json.dumps(to_json(t, exclude_defaults=True), ensure_ascii=False) + "\n" for t in terms)
    if fmt == "tbx":
        return _dump_tbx(terms)
    if fmt in ("csv", "tsv"):
        header = list(OMEGAT_COLUMNS) if omegat else list(COLUMNS)
        fields = list(OMEGAT_COLUMNS.values()) if omegat else list(COLUMNS)
        rows = [[_cell(t, f) for f in fields] for t in terms]
        if omegat:
            header[0] = "# " + header[0]  # OmegaT skips lines that start with #
        return _write_table(header, rows, fmt)
    raise ValueError(f"unknown format {fmt!r} (known: {', '.join(FORMATS)})")


def parse(path: str, raw: bytes, fmt: str | None = None) -> GlossaryFile:
    """Read a file in an interchange format (by default, the one its
    extension says); ``path`` names it in errors. Raises :class:`GlossaryError`."""
    fmt = fmt or format_of(path)
    name = Path(path).stem
    if fmt == "tbx":
        entries = _read_tbx(path, raw)
    else:
        text = _decode(path, raw)
        if fmt == "jsonl":
            entries = _read_jsonl(path, text)
        elif fmt in ("csv", "tsv"):
            entries = _read_table(path, text, fmt)
        else:
            raise ValueError(f"unknown format {fmt!r} (known: {', '.join(FORMATS)})")
    terms = []
    for where, line, entry in entries:
        entry = complete_entry(entry, name, Path(path).name, line)
        terms.append(_valid_term(where, entry))
    return GlossaryFile(glossary=name, terms=tuple(terms))


def _valid_term(where: str, entry: Any) -> Term:
    from pydantic import ValidationError

    try:
        return validate(Term, entry)
    except ValidationError as e:
        raise GlossaryError(_format_validation(where, entry, e)) from None


def _decode(path: str, raw: bytes) -> str:
    try:
        if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):  # Excel's "Unicode text" is UTF-16
            return raw.decode("utf-16")
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise GlossaryError(f"{path}: not UTF-8 text (byte {e.start}); save the glossary as UTF-8") from None


# -- JSON lines ---------------------------------------------------------------

def _read_jsonl(path: str, text: str):
    for n, line in enumerate(re.split(r"\r\n|\n|\r", text), 1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
        except (json.JSONDecodeError, RecursionError) as e:
            raise GlossaryError(f"{path}:{n}: not a JSON line: {getattr(e, 'msg', 'nested too deeply')}") from None
        yield f"{path}:{n}", n, entry


# -- CSV and TSV ----------------------------------------------------------------

def _cell(term: Term, field: str) -> str:
    value = getattr(term, field)
    if field in _LISTS:
        return _join(list(value))
    if field == "sources":
        docs = [s.document for s in value]
        if _joinable(docs) and all(s.item is None and s.line is None and s.note is None for s in value):
            return "|".join(docs)
        return json.dumps(to_json(value, exclude_defaults=True), ensure_ascii=False)
    if field in _JSON_CELLS:
        data = to_json(value, exclude_defaults=True)
        return json.dumps(data, ensure_ascii=False) if data else ""
    if field == "kind":
        return value.value
    return "" if value is None else value


def _join(items: list[str]) -> str:
    """Items joined by |, or as a JSON list where that would not read back."""
    return "|".join(items) if _joinable(items) else json.dumps(items, ensure_ascii=False)


def _joinable(items: list[str]) -> bool:
    """Whether ``|`` joins these items so that :func:`_split` gives them back."""
    return all(x and x == x.strip() and "|" not in x and "；" not in x for x in items) and not (
        items and items[0].startswith("["))


def _split(cell: str, where: str, column: str) -> list:
    if cell.startswith("["):
        return _json_cell(cell, where, column)
    return [x.strip() for x in re.split(r"[|；]", cell) if x.strip()]


def _json_cell(cell: str, where: str, column: str) -> Any:
    try:
        return json.loads(cell)
    except (json.JSONDecodeError, RecursionError):
        raise GlossaryError(f"{where}: column {column}: not valid JSON: {cell[:40]!r}") from None


_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}
_UNESCAPES = {v[1]: k for k, v in _ESCAPES.items()}


def _write_table(header: list[str], rows: list[list[str]], fmt: str) -> str:
    if fmt == "tsv":
        esc = re.compile(r"[\\\t\n\r]")
        lines = [header] + [[esc.sub(lambda m: _ESCAPES[m.group()], c) for c in row] for row in rows]
        return "".join("\t".join(row) + "\n" for row in lines)
    out = io.StringIO()
    writer = csv.writer(out)  # Excel's dialect: CRLF, and a field with a CR or LF quoted
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def _table_rows(text: str, fmt: str):
    """(line number, cells) of each row."""
    if fmt == "tsv":
        unesc = re.compile(r"\\([\\tnr])")
        for n, line in enumerate(re.split(r"\r\n|\n|\r", text), 1):
            yield n, [unesc.sub(lambda m: _UNESCAPES[m.group(1)], c) for c in line.split("\t")]
        return
    reader = csv.reader(io.StringIO(text, newline=""))
    start = 1
    try:
        for row in reader:
            yield start, row
            start = reader.line_num + 1
    except csv.Error as e:
        raise _TableError(reader.line_num, str(e)) from None


class _TableError(Exception):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line


def _read_table(path: str, text: str, fmt: str):
    try:
        rows = [(n, cells) for n, cells in _table_rows(text, fmt) if any(c.strip() for c in cells)]
    except _TableError as e:
        raise GlossaryError(f"{path}:{e.line}: malformed CSV: {e}") from None
    if not rows:
        return
    line, header = rows[0]
    columns = _columns(f"{path}:{line}", header)
    for n, cells in rows[1:]:
        where = f"{path}:{n}"
        if len(cells) > len(columns) and any(c.strip() for c in cells[len(columns):]):
            raise GlossaryError(f"{where}: {len(cells)} cells, but the header names {len(columns)} columns")
        entry: dict[str, Any] = {}
        for column, cell in zip(columns, cells):
            if column is None or not cell.strip():
                continue
            entry[column] = _value(column, cell, where)
        if "key" not in entry:
            raise GlossaryError(f"{where}: no key (the {_key_column(header)} column is empty)")
        yield where, n, entry


def _key_column(header: list[str]) -> str:
    return "source" if any(h.strip().lstrip("#").strip().lower() == "source" for h in header) else "key"


def _columns(where: str, header: list[str]) -> list[str | None]:
    """The field each column holds (None: an unnamed, empty column), from the header row."""
    names = [h.strip().lstrip("#").strip().lower() if i == 0 else h.strip().lower() for i, h in enumerate(header)]
    if "key" not in names and "source" not in names:
        raise GlossaryError(f"{where}: the first row must name the columns, with a 'key' (or 'source') column; "
                            f"it is {','.join(header)[:60]!r}")
    columns: list[str | None] = []
    for h, name in zip(header, names):
        field = OMEGAT_COLUMNS.get(name, name)
        if not name:
            columns.append(None)
            continue
        if field not in COLUMNS:
            raise GlossaryError(f"{where}: unknown column {h.strip()!r} in the header row "
                                f"(known: {', '.join(COLUMNS)}; or OmegaT's source, target, comment)")
        if field in columns:
            raise GlossaryError(f"{where}: column {h.strip()!r} given twice in the header row")
        columns.append(field)
    return columns


def _value(column: str, cell: str, where: str) -> Any:
    if column in _STRIPPED:
        cell = cell.strip()
    if column in _LISTS:
        return _split(cell, where, column)
    if column == "sources":
        cell = cell.strip()
        if cell.startswith("["):
            return _json_cell(cell, where, column)
        return [{"document": d} for d in _split(cell, where, column)]
    if column in _JSON_CELLS:
        return _json_cell(cell.strip(), where, column)
    return cell


# -- TBX ----------------------------------------------------------------------------

_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _tbx_text(value: str, what: str) -> str:
    bad = _XML_ILLEGAL.search(value)
    if bad:
        raise GlossaryError(f"{what}: contains U+{ord(bad.group()):04X}, which XML (TBX) cannot hold")
    return value


def _dump_tbx(terms: list[Term]) -> str:
    from xml.etree import ElementTree as ET

    def el(parent, tag, text=None, **attrib):
        e = ET.SubElement(parent, tag, attrib)  # in TBX_NS: the root declares it the default
        e.text = text
        return e

    root = ET.Element("tbx", {"type": "TBX-Basic", "style": "dca", _XML_LANG: "zh", "xmlns": TBX_NS})
    desc = el(el(el(root, "tbxHeader"), "fileDesc"), "sourceDesc")
    el(desc, "p", f"a termkit glossary of {len(terms)} terms")
    body = el(el(root, "text"), "body")
    for n, t in enumerate(terms, 1):
        what = f"term {t.id}"
        entry = el(body, "conceptEntry", id=f"c{n}")
        for s in t.sources:
            el(entry, "admin", _tbx_text(_source_line(s), f"{what}: source"), type="source")
        data = {k: v for k, v in to_json(t, exclude_defaults=True).items() if k in _NOTE_FIELDS}
        el(entry, "note", NOTE_PREFIX + json.dumps(data, ensure_ascii=False))
        zh = el(entry, "langSec", **{_XML_LANG: "zh"})
        if t.definition is not None:
            el(zh, "descrip", _tbx_text(t.definition, f"{what}: definition"), type="definition")
        for form, status in [(t.key, "preferred"), *((a, "admitted") for a in t.aliases),
                             *((v, "deprecated") for v in t.variants)]:
            sec = el(zh, "termSec")
            el(sec, "term", _tbx_text(form, what))
            el(sec, "termNote", f"{status}Term-admn-sts", type="administrativeStatus")
        if t.en is not None:
            sec = el(el(entry, "langSec", **{_XML_LANG: "en"}), "termSec")
            el(sec, "term", _tbx_text(t.en, f"{what}: en"))
    ET.indent(root)
    text = ET.tostring(root, encoding="unicode")
    # A bare CR in XML text reads back as LF: write it as a character reference.
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + text.replace("\r", "&#13;") + "\n"


def _source_line(s) -> str:
    """A source for people: document, item, line N, note."""
    parts = [s.document, s.item, f"line {s.line}" if s.line is not None else None, s.note]
    return ", ".join(p for p in parts if p is not None)


def _read_tbx(path: str, raw: bytes):
    from xml.etree import ElementTree as ET

    if b"<!ENTITY" in raw:
        raise GlossaryError(f"{path}: the TBX declares XML entities; termkit does not read them")
    try:
        root = ET.fromstring(raw)
    except ET.ParseError as e:
        line, column = e.position
        raise GlossaryError(f"{path}:{line}: malformed XML at column {column + 1}: "
                            f"{str(e).split(':')[0]}") from None
    if root.tag != f"{{{TBX_NS}}}tbx":
        raise GlossaryError(f"{path}: not TBX (ISO 30042:2019): the root element is {_local(root.tag)!r}, "
                            f"not 'tbx' in the namespace {TBX_NS}")
    for n, entry in enumerate(root.iter(f"{{{TBX_NS}}}conceptEntry"), 1):
        where = f"{path}: conceptEntry {entry.get('id') or n}"
        yield where, None, _tbx_entry(entry, where)


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _tbx_entry(entry, where: str) -> dict:
    q = lambda tag: f"{{{TBX_NS}}}{tag}"  # noqa: E731
    data: dict[str, Any] = {}
    for note in entry.findall(q("note")):
        if (note.text or "").startswith(NOTE_PREFIX):
            try:
                data = json.loads(note.text[len(NOTE_PREFIX):])
            except (json.JSONDecodeError, RecursionError):
                raise GlossaryError(f"{where}: the {NOTE_PREFIX} note is not valid JSON") from None
            if not isinstance(data, dict):
                raise GlossaryError(f"{where}: the {NOTE_PREFIX} note is not a JSON object")
            data = {k: v for k, v in data.items()}
    if "sources" not in data:
        docs = [a.text.strip() for a in entry.findall(q("admin")) if a.get("type") == "source" and (a.text or "").strip()]
        if docs:
            data["sources"] = [{"document": d} for d in docs]
    langs = entry.findall(q("langSec"))
    main = next((s for s in langs if (s.get(_XML_LANG) or "").lower().startswith("zh")), None)
    main = main if main is not None else next((s for s in langs if s.get(_XML_LANG) != "en"), None)
    if main is None:
        raise GlossaryError(f"{where}: no langSec for the terms (xml:lang 'zh')")
    definition = next((d.text or "" for d in [*main.iter(q("descrip")), *entry.findall(q("descrip"))]
                       if d.get("type") == "definition"), None)
    if definition is not None:
        data["definition"] = definition
    forms: dict[str, list[str]] = {"preferred": [], "admitted": [], "deprecated": []}
    for sec in main.findall(q("termSec")):
        status = next((n.text or "" for n in sec.findall(q("termNote")) if n.get("type") == "administrativeStatus"), "")
        kind = status.split("Term-")[0]
        forms["deprecated" if kind in ("deprecated", "superseded") else
              "preferred" if kind == "preferred" else "admitted"].append((sec.findtext(q("term")) or "").strip())
    ordered = forms["preferred"] + forms["admitted"]
    if not ordered:
        raise GlossaryError(f"{where}: no term in its {main.get(_XML_LANG)} langSec")
    data["key"], data["aliases"], data["variants"] = ordered[0], ordered[1:], forms["deprecated"]
    en = next((s for s in langs if s.get(_XML_LANG) == "en"), None)
    if en is not None and en.find(q("termSec")) is not None:
        data["en"] = en.find(q("termSec")).findtext(q("term")) or ""
    return data
