"""Output formats for annotated documents: jsonl, inline, footnotes, html.

Every format is a :class:`Format` in one registry, :data:`FORMATS`: the
command line offers what is registered there, and the job runner writes
through it. A format's ``write`` takes an Annotator, the text of one
document as consecutive pieces, and a :class:`Doc` describing it, and yields
the output as consecutive pieces; none of them reads files. Adding a format
touches this file alone.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import lru_cache
from operator import index
from typing import Literal, NamedTuple

from .glossary.model import Component, Term
from . import native
from .match import CONTEXT, Annotator, Mention, Window
from .text.chars import is_quote
from .textio import ByteMapper


class Doc(NamedTuple):
    """What a format knows of a document: its ``name`` (the path as given),
    its ``index`` among the inputs, whether there are ``several``, its
    ``encoding`` and ``bom`` (for byte offsets), and where and when it is
    from (``scope``, ``date``: None where unknown) with how each was decided
    (``scope_how``, ``date_how``: ``given``, ``manifest``, ``path``,
    ``meeting line 3``, …)."""

    name: str
    index: int = 0
    several: bool = False
    encoding: str = "utf-8"
    bom: bytes = b""
    scope: str | None = None
    date: str | None = None
    scope_how: str = "unknown"
    date_how: str = "unknown"

    def about(self) -> dict:
        """Where and when the document is from, as the ``document`` record says it."""
        return {"scope": self.scope, "scope_how": self.scope_how, "date": self.date, "date_how": self.date_how}

    def line(self) -> str:
        """Where and when the document is from, in one line for people.

        >>> Doc("a.txt", scope="长治市上党区", scope_how="meeting line 3").line()
        'from 长治市上党区 (meeting line 3), date unknown'
        """
        where = f"from {self.scope} ({self.scope_how})" if self.scope else "place unknown"
        when = f"{self.date} ({self.date_how})" if self.date else "date unknown"
        return f"{where}, {when}"


class Format(NamedTuple):
    """An output format: ``write(annotator, pieces, doc, **options)`` yields
    one document's output; ``options`` names the keyword options it takes
    (``overlapping``, ``offsets``); ``head(title)`` and ``tail`` wrap the
    output of all the documents (an HTML page)."""

    name: str
    help: str
    write: Callable[..., Iterator[str]]
    options: tuple[str, ...] = ()
    head: Callable[[str], str] = lambda title: ""
    tail: str = ""


#: The output formats, by name, in the order the command line lists them.
FORMATS: dict[str, Format] = {}


def register(fmt: Format) -> Format:
    """Add an output format to :data:`FORMATS`."""
    FORMATS[fmt.name] = fmt
    return fmt


# -- jsonl -----------------------------------------------------------------------

def write_jsonl(ann: Annotator, pieces: Iterable[str], doc: Doc, *, overlapping: bool = False,
                offsets: str = "chars", documents: bool = False) -> Iterator[str]:
    """The mentions of a document as jsonl (:func:`jsonl_records`), a window
    of :meth:`Annotator.scan` at a time; ``offsets="bytes"`` gives byte
    offsets into the raw file. With
    ``documents``, a first record ``{"file": ..., "document": {"scope": ...,
    "scope_how": ..., "date": ..., "date_how": ...}}`` says where and when
    the document is from."""
    if documents:
        yield document_record(doc)
    mapper = ByteMapper(pieces, doc.encoding, doc.bom, CONTEXT) if offsets == "bytes" else None
    for window in ann.scan(mapper or pieces, overlapping=overlapping, scope=doc.scope, date=doc.date):
        if window.mentions:
            spans = [mapper.span(m) for m in window.mentions] if mapper is not None else None
            yield jsonl_records(doc.name, window.mentions, spans)


def document_record(doc: Doc) -> str:
    """The jsonl record saying where and when a document is from.

    >>> document_record(Doc("a.txt", date="2023", date_how="path"))
    '{"file": "a.txt", "document": {"scope": null, "scope_how": "unknown", "date": "2023", "date_how": "path"}}\\n'
    """
    about = _SURROGATE.sub(_escape, json.dumps(doc.about(), ensure_ascii=False))
    return '{"file": ' + _json(doc.name) + ', "document": ' + about + "}\n"


def jsonl_records(
    name: str, mentions: Iterable[Mention], byte_spans: Sequence[tuple[int, int]] | None = None
) -> str:
    """One JSON object per mention per line: the jsonl contract.

    Fields: ``file``, ``start``, ``end`` (code points into the decoded text,
    or bytes into the raw file when ``byte_spans`` is given, with
    ``"offsets": "bytes"``), ``text``, ``id``, ``key``, ``headword``,
    ``definition``, ``form``, ``normalizations``; and, where the form has
    candidates (terms of several places or periods, or of another place),
    ``ambiguous`` and ``candidates`` (see :class:`~termkit.match.Mention`).

    Each line is what ``json.dumps(record, ensure_ascii=False)`` writes,
    except that lone surrogates are escaped (see :func:`_escape`), so that
    the output is always valid UTF-8 (a test holds it to that); the fields a term's mentions share are encoded
    once per form and set of steps, which makes output several times faster.

    >>> m = Mention(3, 7, "两个维护", "t/1", "两个维护", "两个维护", None, "两个维护")
    >>> line = jsonl_records("a.txt", [m])
    >>> line[:40], json.loads(line)["text"]
    ('{"file": "a.txt", "start": 3, "end": 7, ', '两个维护')
    """
    head = '{"file": ' + _json(name) + ', "start": '
    rests = _RESTS[byte_spans is not None]
    if len(rests) > 1 << 16:
        rests.clear()
    if native.module is not None:
        make = _rest_of_bytes if byte_spans is not None else _rest_of_chars
        return native.module.jsonl(list(mentions), head, rests, make, None if byte_spans is None else list(byte_spans))
    return _jsonl_records_python(head, mentions, byte_spans, rests)


def _jsonl_records_python(head: str, mentions: Iterable[Mention], byte_spans, rests: dict) -> str:
    """:func:`jsonl_records` in Python (``termkit._native.jsonl`` is its twin)."""
    lines = []
    for n, m in enumerate(mentions):
        # Everything after the offsets is the same for every mention of one text
        # of one form (its term, steps and candidates): encoded once, then looked up.
        shared = m[2:9] + m[10:12]  # text, id, key, headword, definition, form, normalizations, candidates, ambiguous
        rest = rests.get(shared)
        if rest is None:
            rest = rests[shared] = _rest(shared, byte_spans is not None)
        start, end = (m[0], m[1]) if byte_spans is None else byte_spans[n]
        start, end = index(start), index(end)  # (ints, or what says it is one, as numpy's)
        if start < 0 or end < 0:
            raise ValueError("a negative offset")
        lines.append(f"{head}{start}, \"end\": {end}, {rest}")
    return "".join(lines)


#: Per kind of offsets (chars, bytes): :func:`_rest` of the mentions seen, by what they share.
_RESTS: tuple[dict, dict] = ({}, {})


def _rest_of_chars(shared: tuple) -> str:
    return _rest(shared, False)


def _rest_of_bytes(shared: tuple) -> str:
    return _rest(shared, True)


def _rest(shared: tuple, byte_offsets: bool) -> str:
    """A jsonl record from its ``text`` on, for mentions that share these
    fields (see :func:`jsonl_records`)."""
    text, tid, key, headword, definition, form, steps, candidates, ambiguous = shared
    return (f'"text": {_json(text)}' + _tail((tid, key, headword, definition, form, steps, candidates, ambiguous))
            + (', "offsets": "bytes"}\n' if byte_offsets else "}\n"))


# -- csv -------------------------------------------------------------------------

#: The columns of ``--format csv`` (and of parquet, made from it), in order.
CSV_COLUMNS = ("file", "start", "end", "text", "id", "key", "headword", "definition", "form", "normalizations",
               "scope", "period", "ambiguous", "candidates")


def csv_header(title: str = "") -> str:
    """The header row of ``--format csv``."""
    return ",".join(CSV_COLUMNS) + "\r\n"


def write_csv(ann: Annotator, pieces: Iterable[str], doc: Doc, *, overlapping: bool = False,
              offsets: str = "chars") -> Iterator[str]:
    """The mentions of a document as CSV rows (RFC 4180, the header written
    once by :func:`csv_header`): the jsonl fields, plus the term's ``scope``
    and ``period``, ``ambiguous`` (``true``/``false``), and lists
    (``normalizations``, ``candidates``) joined by ``|``. Empty is null.

    >>> m = Mention(3, 7, "两个\\n维护", "t/1", "两个维护", "两个维护", None, "两个维护", ("break",))
    >>> "".join(write_csv(_Fixed([m]), ["..."], Doc("a.txt")))
    'a.txt,3,7,"两个\\n维护",t/1,两个维护,两个维护,,两个维护,break,,,false,\\r\\n'
    """
    import csv
    import io

    mapper = ByteMapper(pieces, doc.encoding, doc.bom, CONTEXT) if offsets == "bytes" else None
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    name = printable(doc.name)
    for n, m in enumerate(ann.find_stream(mapper or pieces, overlapping=overlapping, scope=doc.scope, date=doc.date)):
        start, end = mapper.span(m) if mapper is not None else (m.start, m.end)
        term = m.term
        writer.writerow((name, start, end, m.text, m.id, m.key, m.headword, m.definition, m.form,
                         "|".join(m.normalizations), term.scope if term else None, term.period if term else None,
                         "true" if m.ambiguous else "false", "|".join(m.candidates)))
        if n % 1000 == 999:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


class _Fixed:
    """An annotator that finds the given mentions, for examples."""

    def __init__(self, mentions):
        self.mentions = mentions

    def find_stream(self, pieces, **options):
        list(pieces)
        return iter(self.mentions)


def _json(value: str) -> str:
    """A str as a JSON string, lone surrogates escaped (see :func:`_escape`)."""
    out = _string(value)
    return _SURROGATE.sub(_escape, out) if _SURROGATE.search(out) else out



_string = json.encoder.encode_basestring  # a str as json.dumps(ensure_ascii=False) writes it

_SURROGATE = re.compile("[\ud800-\udfff]")


def _escape(m: re.Match) -> str:
    """A lone surrogate as a JSON escape. A file name that is not valid UTF-8
    (bytes that Python keeps as lone surrogates, such as a GBK name from a
    Windows zip file) is written as ``\\udcXX`` escapes: the output stays
    UTF-8, and ``os.fsencode(json.loads(line)["file"])`` gives back the
    name's bytes."""
    return f"\\u{ord(m.group()):04x}"


def printable(name: str) -> str:
    """A file name for text and HTML output: undecodable bytes (lone
    surrogates) shown as U+FFFD.

    >>> printable("\\udccb\\udcab.txt")
    '\ufffd\ufffd.txt'
    """
    return _SURROGATE.sub("\ufffd", name)


@lru_cache(maxsize=1 << 16)
def _tail(shared: tuple) -> str:
    """What the records of one form with one set of steps share, encoded once."""
    tid, key, headword, definition, form, steps, candidates, ambiguous = shared
    fields = {"id": tid, "key": key, "headword": headword, "definition": definition, "form": form,
              "normalizations": list(steps)}
    if candidates:
        fields.update(ambiguous=ambiguous, candidates=list(candidates))
    out = ", " + json.dumps(fields, ensure_ascii=False)[1:-1]
    return _SURROGATE.sub(_escape, out) if _SURROGATE.search(out) else out


_CSS = """
body { font-family: "Noto Serif CJK SC", "Source Han Serif SC", serif; max-width: 66em;
       margin: 1.5em auto; padding: 0 1em; line-height: 1.9; color: #222; background: #fff; }
section { display: grid; grid-template-columns: minmax(0, 1fr) 17em; column-gap: 2em;
             align-items: start; margin-bottom: 3em; }
section > * { grid-column: 1; min-width: 0; }
h1 { font-size: 1.1em; color: #555; border-bottom: 1px solid #ddd; overflow-wrap: anywhere; }
.doc { white-space: pre-wrap; overflow-wrap: anywhere; }
mark.term { background: #fff3b0; position: relative; border-bottom: 1px dotted #a80;
            cursor: help; color: inherit; }
mark.term:focus { outline: 2px solid #a80; }
mark.term[data-norm] { border-bottom: 2px dashed #c60; }
mark.term[data-norm]::after { content: "\\2248"; font-size: .7em; vertical-align: super; color: #c60; }
mark.term .tip { display: none; position: absolute; left: 0; top: 1.8em; z-index: 10;
                 width: 28em; max-width: 80vw; padding: .5em .7em; background: #fff;
                 border: 1px solid #aaa; box-shadow: 0 2px 6px rgba(0,0,0,.2);
                 font-size: .9em; line-height: 1.6; white-space: normal; color: #222;
                 text-align: left; font-weight: normal; }
mark.term:hover .tip, mark.term:focus .tip, mark.term:focus-within .tip { display: block; }
.tip b { display: block; }
.tip .none { color: #888; font-style: italic; }
.tip .cand { display: block; margin-top: .3em; }
.tip .meta { display: block; color: #777; font-size: .85em; }
mark.term.ambiguous { background: #e8e0ff; border-bottom-color: #64c; }
mark.term.off { background: none; border-bottom: none; cursor: auto; }
mark.term.off::after, mark.term.off .tip { display: none !important; }
.about { color: #666; font-size: .9em; }
table.index { border-collapse: collapse; }
table.index td, table.index th { padding: .2em .8em; border-bottom: 1px solid #eee; text-align: left; }
table.index .n { text-align: right; font-variant-numeric: tabular-nums; }
aside.panel { grid-column: 2; grid-row: 1 / span 3; position: sticky; top: 0; max-height: 100vh;
              font-family: system-ui, "Noto Sans CJK SC", sans-serif;
              overflow: auto; font-size: .85em; line-height: 1.5; border-left: 1px solid #ddd;
              padding: .5em 0 .5em 1em; box-sizing: border-box; }
aside.panel summary { font-weight: bold; cursor: pointer; margin-bottom: .4em; }
aside.panel fieldset { border: 0; margin: 0 0 .4em; padding: 0; }
aside.panel legend { padding: 0; color: #555; }
aside.panel fieldset label { display: inline-block; margin-right: .6em; white-space: nowrap; }
aside.panel select { max-width: 100%; font: inherit; }
aside.panel .legend { color: #555; margin: .4em 0; }
aside.panel .legend .k { padding: 0 .2em; background: #fff3b0; border-bottom: 1px dotted #a80; }
aside.panel .legend .k.amb { background: #e8e0ff; border-bottom-color: #64c; }
aside.panel ol { list-style: none; margin: .4em 0 0; padding: 0; }
aside.panel li { display: flex; gap: .4em; align-items: baseline; padding: .15em 0;
                 border-bottom: 1px solid #f0f0f0; }
aside.panel li a { flex: 1; color: #1a4d8f; text-decoration: none; overflow-wrap: anywhere; }
aside.panel li a:hover, aside.panel li a:focus { text-decoration: underline; }
aside.panel li.ambiguous a { color: #64c; }
aside.panel li[hidden] { display: none !important; }
aside.panel .count { color: #666; white-space: nowrap; font-variant-numeric: tabular-nums; }
aside.panel .def { display: none; }
@media (max-width: 52em) {
  body { margin: .5em auto; }
  section { display: flex; flex-direction: column; }
  section > .doc { order: 2; }
  aside.panel { order: 1; position: static; max-height: none; border: 1px solid #ddd;
                padding: .5em .7em; margin: .5em 0 1em; }
  mark.term .tip { position: fixed; left: .5em; right: .5em; top: auto; bottom: .5em;
                   width: auto; max-width: none; max-height: 45vh; overflow: auto; }
}
@media print {
  body { max-width: none; margin: 0; }
  section { display: block; break-after: page; }
  mark.term { background: none; border-bottom: 1px solid #888; }
  mark.term .tip, aside.panel .filters, aside.panel .legend { display: none !important; }
  aside.panel { position: static; max-height: none; overflow: visible; border: 0; padding: 0;
                break-before: page; font-size: .9em; }
  aside.panel li { display: block; break-inside: avoid; }
  aside.panel li a { color: #000; font-weight: bold; }
  aside.panel .def { display: block; margin-left: 1.5em; }
}
"""

# The page's only script: the panel's jumps and filters, and tooltips kept on
# screen. It reads the page and changes classes, never writes markup.
_SCRIPT = """
(function () {
  "use strict";
  function key(m) { return m.classList.contains("ambiguous") ? "?" + m.dataset.candidates : m.dataset.id; }
  function marks(sec) { return sec.querySelectorAll("mark.term"); }
  document.addEventListener("click", function (e) {
    var a = e.target.closest && e.target.closest("aside.panel a.jump");
    if (!a) return;
    e.preventDefault();
    var want = a.getAttribute("data-for"), found = [];
    marks(a.closest("section")).forEach(function (m) {
      if (key(m) === want && !m.classList.contains("off")) found.push(m);
    });
    if (!found.length) return;
    var at = (Number(a.getAttribute("data-at")) || 0) % found.length;
    a.setAttribute("data-at", at + 1);
    found[at].focus({preventScroll: true});
    found[at].scrollIntoView({block: "center"});
    a.parentNode.querySelector(".count").textContent = (at + 1) + "/" + found.length;
  });
  function filter(sec) {
    var kinds = {}, choice = sec.querySelector("aside.panel select[name=scope]"), scope = choice ? choice.value : "";
    sec.querySelectorAll("aside.panel input[name=kind]").forEach(function (c) { kinds[c.value] = c.checked; });
    function shown(el) {
      return kinds[el.getAttribute("data-kind")] !== false && (!scope || el.getAttribute("data-scope") === scope);
    }
    marks(sec).forEach(function (m) {
      var on = shown(m);
      m.classList.toggle("off", !on);
      m.tabIndex = on ? 0 : -1;
    });
    sec.querySelectorAll("aside.panel li").forEach(function (li) { li.hidden = !shown(li); });
  }
  document.addEventListener("change", function (e) {
    var f = e.target.closest && e.target.closest("aside.panel .filters");
    if (f) filter(f.closest("section"));
  });
  function place(m) {
    var tip = m.querySelector(".tip");
    if (!tip || getComputedStyle(tip).position !== "absolute") return;
    tip.style.left = "0px";
    var r = tip.getBoundingClientRect(), room = document.documentElement.clientWidth - 4;
    if (r.right > room) tip.style.left = Math.max(room - r.right, 4 - r.left) + "px";
  }
  function over(e) {
    var m = e.target.closest && e.target.closest("mark.term");
    if (m) place(m);
  }
  document.addEventListener("mouseover", over);
  document.addEventListener("focusin", over);
  document.addEventListener("keydown", function (e) {
    var a = document.activeElement;
    if (e.key === "Escape" && a && a.matches("mark.term")) a.blur();
  });
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("aside.panel details").forEach(function (d) { d.open = true; });
  });
  if (window.matchMedia("(max-width: 52em)").matches) {
    document.querySelectorAll("aside.panel details").forEach(function (d) { d.open = false; });
  }
})();
"""


def escape(text: str) -> str:
    """``html.escape`` (imported here, not at every start)."""
    import html

    return html.escape(text)


def _csp_hash(source: str) -> str:
    import base64
    import hashlib

    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode()).digest()).decode() + "'"


@lru_cache(maxsize=None)
def _csp() -> str:
    """No requests at all, and no script or style but the page's own (by
    hash): a definition that slipped through escaping still could not run."""
    return (f"default-src 'none'; style-src {_csp_hash(_CSS)}; script-src {_csp_hash(_SCRIPT)}; "
            "base-uri 'none'; form-action 'none'")


def _tip(m: Mention, glossary=None) -> str:
    extra = f' <small>({escape(", ".join(m.normalizations))})</small>' if m.normalizations else ""
    if m.ambiguous:
        return (f"<b>{escape(m.headword)}</b>{extra}<span class=\"none\">ambiguous: which place's term "
                f"this is is not known</span>" + "".join(
                    f"<span class=\"cand\">{escape(line)}</span>" for line in candidate_lines(m, glossary)))
    gloss = explanation(m.term) if m.term is not None else (m.definition or "")
    body = escape(gloss) if gloss else '<span class="none">no definition in the sources</span>'
    return f"<b>{escape(m.headword)}</b>{extra}{body}{_meta(m)}"


def _meta(m: Mention) -> str:
    """A tooltip's last line: the term's kind, place and period."""
    t = m.term
    bits = [t.kind.value, t.scope + (f", {t.period}" if t.period else "")] if t is not None else []
    return f'<span class="meta">{escape(" · ".join(bits))}</span>' if bits else ""


def candidate_lines(m: Mention, glossary=None) -> list[str]:
    """An ambiguous mention's candidates, one line each: id, scope, period and
    explanation (those ``glossary`` holds; else the id alone)."""
    out = []
    for tid in m.candidates:
        t = glossary[tid] if glossary is not None and tid in glossary else None
        if t is None:
            out.append(tid)
            continue
        when = f", {t.period}" if t.period else ""
        gloss = explanation(t)
        out.append(f"{tid} ({t.scope}{when})" + (f": {gloss}" if gloss else ""))
    return out


def html_head(title: str) -> str:
    """The start of a standalone HTML page, up to its first section: readable
    on a phone (viewport) and in print, allowed no requests (its
    Content-Security-Policy)."""
    return (
        "<!DOCTYPE html>\n<html lang=\"zh\">\n<head>\n<meta charset=\"utf-8\">\n"
        f"<meta http-equiv=\"Content-Security-Policy\" content=\"{_csp()}\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<meta name=\"referrer\" content=\"no-referrer\">\n"
        f"<title>{escape(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
    )


HTML_TAIL = f"<script id=\"termkit-viewer\">{_SCRIPT}</script>\n</body>\n</html>\n"


def html_section(name: str, text: str, mentions: Iterable[Mention], index: int = 0, glossary=None) -> str:
    """One document as a page section: every mention highlighted, its
    explanation shown on hover and on keyboard focus (each mention is
    focusable with Tab), and a panel of the terms used (see
    :func:`html_stream`). Everything from the text and the glossary is escaped.
    ``index`` (the section's number in the page) keeps element ids unique."""
    return "".join(html_stream(name, [Window(text, 0, list(mentions), len(text))], index, glossary))


class _Used:
    """What the panel says of one term (or one set of candidates) used in a document."""

    __slots__ = ("headword", "kind", "scope", "count", "first", "gloss", "ambiguous")

    def __init__(self, headword: str, kind: str, scope: str, first: int, gloss: str, ambiguous: bool):
        self.headword, self.kind, self.scope, self.first = headword, kind, scope, first
        self.gloss, self.ambiguous, self.count = gloss, ambiguous, 0


def _kind_scope(m: Mention, glossary=None) -> tuple[str, str]:
    """A mention's kind and place, for the markup (``data-kind``,
    ``data-scope``) and the panel's filters. An ambiguous mention's place is
    ``ambiguous``, its kind its first candidate's (where the glossary has it)."""
    if m.ambiguous:
        first = glossary[m.candidates[0]] if glossary is not None and m.candidates and m.candidates[0] in glossary else None
        return (first.kind.value if first is not None else "other"), "ambiguous"
    if m.term is not None:
        return m.term.kind.value, m.term.scope
    return "other", ""


def html_stream(name: str, windows: Iterable[Window], index: int = 0, glossary=None,
                about: str | None = None) -> Iterator[str]:
    """:func:`html_section` of a text read in windows
    (:meth:`~termkit.match.annotator.Annotator.scan`), as consecutive pieces;
    ``about`` says where and when the document is from; ``glossary`` gives
    ambiguous mentions' candidates their explanations.

    Each mention is a ``<mark>`` with ``data-kind`` and ``data-scope``,
    ``data-id`` (or, if ambiguous, class ``ambiguous`` and
    ``data-candidates``), ``data-norm`` where normalization found it, and
    its tooltip. The panel of the terms used, with their counts, is known
    only at the end: it follows the text (CSS shows it beside it), so that
    memory stays bounded by the number of distinct terms, not the text.
    """
    yield f"<section>\n<h1>{escape(printable(name))}</h1>\n"
    if about:
        yield f"<p class=\"about\">{escape(about)}</p>\n"
    yield "<div class=\"doc\">"
    last = 0  # the section holds the text up to here
    n = 0
    used: dict[str, _Used] = {}
    marks: dict[tuple, tuple[str, str, str]] = {}  # per term and steps: attributes, tooltip, panel key
    for w in windows:
        parts = []
        for m in w.mentions:
            shared = (m.id, m.candidates, m.headword, m.normalizations)
            if shared not in marks:
                marks[shared] = _mark_parts(m, glossary, used, n)
            attributes, tip, which = marks[shared]
            used[which].count += 1
            parts.append(escape(w.text[last - w.start : m.start - w.start]))
            parts.append(f'<mark {attributes} id="d{index}-m{n}" aria-describedby="d{index}-t{n}">'
                         f'{escape(m.text)}<span class="tip" role="tooltip" id="d{index}-t{n}">{tip}</span></mark>')
            n += 1
            last = m.end
        if w.settled > last:
            parts.append(escape(w.text[last - w.start : w.settled - w.start]))
            last = w.settled
        yield "".join(parts)
    yield "</div>\n"
    yield _panel(used, n, index)
    yield "</section>\n"


def _mark_parts(m: Mention, glossary, used: dict, n: int) -> tuple[str, str, str]:
    """A mention's ``<mark>`` attributes, its tooltip and its key in the
    panel, made once per term and set of steps (and the term added to
    ``used``, the panel's terms, at its first mention ``n``)."""
    kind, scope = _kind_scope(m, glossary)
    which = "?" + " ".join(m.candidates) if m.ambiguous else m.id
    if m.ambiguous:
        what = f'class="term ambiguous" tabindex="0" data-candidates="{escape(" ".join(m.candidates))}"'
    else:
        what = f'class="term" tabindex="0" data-id="{escape(m.id)}"'
    what += f' data-kind="{escape(kind)}" data-scope="{escape(scope)}"'
    if m.normalizations:
        what += f' data-norm="{escape(" ".join(m.normalizations))}"'
    if which not in used:
        gloss = ("ambiguous: " + "; ".join(candidate_lines(m, glossary)) if m.ambiguous
                 else explanation(m.term) if m.term is not None else (m.definition or ""))
        used[which] = _Used(m.headword, kind, scope, n, gloss, m.ambiguous)
    return what, _tip(m, glossary), which


def _panel(used: dict[str, _Used], mentions: int, index: int) -> str:
    """The side panel of a document's terms, most used first: each jumps to
    its first mention, then the next; filters by kind and place."""
    terms = sorted(used.items(), key=lambda kv: (-kv[1].count, kv[1].first))
    kinds: dict[str, int] = {}
    scopes: dict[str, int] = {}
    for _, u in terms:
        kinds[u.kind] = kinds.get(u.kind, 0) + u.count
        scopes[u.scope] = scopes.get(u.scope, 0) + u.count
    e = escape
    out = [f'<aside class="panel" aria-label="Terms used" data-mentions="{mentions}" data-terms="{len(terms)}">'
           f"<details open><summary>Terms used: {len(terms)} terms, {mentions} mentions</summary>\n"]
    if terms:
        out.append('<div class="filters"><fieldset><legend>Kind</legend>')
        out.extend(f'<label><input type="checkbox" name="kind" value="{e(k)}" checked> {e(k)} ({c})</label>'
                   for k, c in sorted(kinds.items(), key=lambda kc: -kc[1]))
        out.append('</fieldset><label>Place <select name="scope"><option value="">all places</option>')
        out.extend(f'<option value="{e(s)}">{e(s or "none")} ({c})</option>'
                   for s, c in sorted(scopes.items(), key=lambda sc: -sc[1]))
        out.append("</select></label></div>\n")
        out.append('<p class="legend"><span class="k">term</span> <span class="k amb">ambiguous</span> '
                   "\u2248 normalized · Tab or tap a term for its definition; a term here jumps to its mentions</p>\n")
    out.append("<ol>\n")
    for which, u in terms:
        amb = ' class="ambiguous"' if u.ambiguous else ""
        out.append(f'<li{amb} data-kind="{e(u.kind)}" data-scope="{e(u.scope)}"><a class="jump" '
                   f'href="#d{index}-m{u.first}" data-for="{e(which)}">{e(u.headword)}</a>'
                   f'<span class="count">{u.count}</span><span class="def">{e(u.gloss)}</span></li>\n')
    out.append("</ol></details></aside>\n")
    return "".join(out)


def html_document(title: str, docs: Iterable[tuple[str, str, list[Mention]]], glossary=None) -> str:
    """A standalone HTML page of one or more documents (see :func:`html_section`)."""
    return (html_head(title) + "".join(html_section(*d, index=i, glossary=glossary) for i, d in enumerate(docs))
            + HTML_TAIL)


_COUNTS = re.compile(r'<aside class="panel" aria-label="Terms used" data-mentions="(\d+)" data-terms="(\d+)"')


def page_counts(path: str) -> tuple[int, int] | None:
    """The mentions and distinct terms of the first document on an HTML page
    that :func:`html_stream` wrote (read from its panel, a block at a time),
    or None if it has none."""
    tail = ""
    with open(path, encoding="utf-8") as f:
        for block in iter(lambda: f.read(1 << 20), ""):
            found = _COUNTS.search(tail + block)
            if found:
                return int(found.group(1)), int(found.group(2))
            tail = block[-200:]
    return None


def html_index(title: str, pages: Iterable[tuple[str, str, tuple[int, int] | None]]) -> str:
    """An index page linking the pages of several documents: ``(href, name,
    (mentions, terms))`` each.

    >>> '<td class="n">3</td>' in html_index("t", [("a.html", "a.txt", (3, 2))])
    True
    """
    from urllib.parse import quote

    rows = []
    for href, name, counts in pages:
        mentions, terms = counts or ("?", "?")
        rows.append(f'<tr><td><a href="{escape(quote(href))}">{escape(printable(name))}</a></td>'
                    f'<td class="n">{mentions}</td><td class="n">{terms}</td></tr>\n')
    return (html_head(title) + f"<h1>{escape(title)}</h1>\n<table class=\"index\">\n"
            "<thead><tr><th>document</th><th>mentions</th><th>terms</th></tr></thead>\n<tbody>\n"
            + "".join(rows) + "</tbody></table>\n" + HTML_TAIL)


def write_html(ann: Annotator, pieces: Iterable[str], doc: Doc, *, documents: bool = False) -> Iterator[str]:
    """One document as a section of the page, saying where and when it is
    from where that is known (with or without ``documents``)."""
    about = doc.line() if doc.scope or doc.date or documents else None
    return html_stream(doc.name, ann.scan(pieces, scope=doc.scope, date=doc.date), doc.index, ann.glossary, about)


# -- inline and footnotes ----------------------------------------------------------

def explanation(term: Term) -> str:
    """A term's definition, or a list of its components where it has none, or ''."""
    if term.definition:
        return term.definition.strip()
    return _components_text(term.components)


def _components_text(components: Sequence[Component]) -> str:
    parts = []
    for c in components:
        inner = c.definition or "、".join(c.items) or _components_text(c.components)
        parts.append(f"{c.name}：{inner}" if inner else c.name)
    return "；".join(parts)


def expand(ann: Annotator, pieces: Iterable[str], style: Literal["inline", "footnotes"] = "inline", *,
           context: int = CONTEXT, scope: str | None = None, date: str | None = None) -> Iterator[str]:
    """A text, arriving in pieces, with its terms explained, as consecutive
    pieces (see :meth:`Annotator.expand`, which joins them). An ambiguous
    mention is explained as such, with its candidates' ids."""
    if style not in ("inline", "footnotes"):
        raise ValueError(f"unknown style {style!r}: choose inline or footnotes")
    last = 0  # the result holds the text up to here
    numbers: dict[str | tuple, int] = {}
    used: list[Term | Mention] = []
    for w in ann.scan(pieces, context=context, scope=scope, date=date):
        out = []
        for m in w.mentions:
            # After a quoted term, the note goes after its closing quote: “清化收”（…）
            end = m.end
            if is_quote(w.char(end)) and is_quote(w.char(m.start - 1)):
                end += 1
            out.append(w.text[last - w.start : end - w.start])
            last = end
            which = m.id if not m.ambiguous else (m.form, m.candidates)
            first = which not in numbers
            if first:
                numbers[which] = len(numbers) + 1
                used.append(m if m.ambiguous else m.term)
            if style == "footnotes":
                out.append(f"[{numbers[which]}]")
            elif first:
                gloss = _ambiguous(m) if m.ambiguous else explanation(m.term)
                if gloss:
                    out.append(f"（{gloss}）")
        if w.settled > last:
            out.append(w.text[last - w.start : w.settled - w.start])
            last = w.settled
        if out:
            yield "".join(out)
    if style == "footnotes" and used:
        notes = ["\n\n名词解释\n"]
        for n, t in enumerate(used, 1):
            gloss = _ambiguous(t) if isinstance(t, Mention) else explanation(t)
            notes.append(f"\n{n}. {t.headword}" + (f"：{gloss}" if gloss else ""))
        yield "".join(notes)


def _ambiguous(m: Mention) -> str:
    """What an inline note or a footnote says of an ambiguous mention."""
    return "ambiguous: " + ", ".join(m.candidates)


def _expanded(style: str) -> Callable[..., Iterator[str]]:
    def write(ann: Annotator, pieces: Iterable[str], doc: Doc, *, documents: bool = False) -> Iterator[str]:
        if doc.several:
            yield f"==> {printable(doc.name)} <==\n"
        if documents:
            yield f"[{doc.line()}]\n"
        yield from expand(ann, pieces, style, scope=doc.scope, date=doc.date)
        yield "\n"

    return write


register(Format("jsonl", "one JSON object per mention (default)", write_jsonl, ("overlapping", "offsets", "documents")))
register(Format("csv", "one CSV row per mention, with a header (the jsonl fields, scope, period)", write_csv,
                ("overlapping", "offsets"), csv_header))
register(Format("inline", "definitions in （…） after first mentions", _expanded("inline"), ("documents",)))
register(Format("footnotes", "numbered notes and a 名词解释 list", _expanded("footnotes"), ("documents",)))
register(Format("html", "a standalone page, definitions on hover and focus", write_html, ("documents",),
                lambda title: html_head(title), HTML_TAIL))
