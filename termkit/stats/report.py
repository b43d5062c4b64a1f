"""The HTML corpus report of ``termkit stats --html DIR``: offline pages, everything escaped.

- ``DIR/index.html``: the corpus in numbers, every term (mentions, documents,
  first and last year) and every document (date, place, how each was decided,
  length, its top terms);
- ``DIR/terms/N.html``: a term's timeline (an inline SVG: mentions per 10,000
  characters each year) and examples of it in context, each with its file and
  line, linked to the mention in the document's page;
- ``DIR/docs/N.html``: a document as ``termkit annotate --format html`` shows it.

No page loads anything from elsewhere: no scripts, fonts or images from the
network.
"""

from __future__ import annotations

import os
from html import escape

from ..render import HTML_TAIL, html_head
from ..textio import atomic_write

_CSS = """
body{font-family:system-ui,"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:2em;max-width:70em;line-height:1.5}
table{border-collapse:collapse}td,th{padding:.2em .6em;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}
td.n{text-align:right}mark{background:#ffe08a}.ctx{font-size:1.05em}svg text{font-size:10px}
"""


def _page(title: str, body: str) -> str:
    return html_head(title).replace("</style>", _CSS + "</style>", 1) + body + HTML_TAIL


def doc_page(number: int) -> str:
    return f"docs/{number}.html"


def term_page(n: int) -> str:
    return f"terms/{n}.html"


def timeline_svg(per_year: dict[int, float], years: list[int], width: int = 640, height: int = 160) -> str:
    """Bars of ``per_year`` (a value per year) over ``years``, as inline SVG.

    >>> svg = timeline_svg({2001: 2.0}, [2000, 2001])
    >>> svg.startswith("<svg") and svg.count("<rect") == 2
    True
    """
    if not years:
        return "<p>(no dated documents)</p>"
    top = max(per_year.values(), default=0) or 1
    lo, hi = years[0], years[-1]
    span = hi - lo + 1
    bar = (width - 40) / span
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height + 20}" '
             f'role="img" aria-label="mentions per 10,000 characters by year">']
    for y in years:
        v = per_year.get(y, 0)
        h = (height - 10) * v / top
        x = 30 + (y - lo) * bar
        parts.append(f'<rect x="{x:.1f}" y="{height - h:.1f}" width="{max(bar - 1, 1):.1f}" height="{h:.1f}" '
                     f'fill="#c0392b"><title>{y}: {v:g}</title></rect>')
    parts.append(f'<text x="30" y="{height + 15}">{lo}</text>'
                 f'<text x="{width - 40}" y="{height + 15}">{hi}</text>'
                 f'<text x="0" y="10">{top:g}</text></svg>')
    return "".join(parts)


def write_report(outdir: str, tally, glossary=None) -> int:
    """Write the index and the term pages (document pages are written as
    documents are counted); the number of pages written."""
    os.makedirs(os.path.join(outdir, "terms"), exist_ok=True)
    terms = tally.terms()
    number = {t["term"]: n for n, t in enumerate(terms)}
    years = tally.years()
    totals = {y: c for (y, _), (c, _) in tally.year_totals().items()}
    docs = {d["index"]: d for d in tally.documents}
    for n, t in enumerate(terms):
        rate = {y: round(c * 10000 / totals[y], 3) for y, c in t["per_year"].items() if totals.get(y)}
        _write(os.path.join(outdir, term_page(n)), _page(f"{t['key']} · termkit", _term_body(t, rate, years, tally,
                                                                                             docs, glossary)))
    _write(os.path.join(outdir, "index.html"), _page("termkit corpus report", _index_body(tally, terms, number)))
    return len(terms) + 1


def _write(path: str, text: str) -> None:
    with atomic_write(path) as out:
        out.write(text)


def _term_body(t: dict, rate: dict, years: list[int], tally, docs: dict, glossary) -> str:
    term = glossary[t["term"]] if glossary is not None and not t["ambiguous"] and t["term"] in glossary else None
    out = [f'<p><a href="../index.html">← corpus</a></p><h1>{escape(t["headword"])}</h1>']
    about = f"id {t['term']}" if not t["ambiguous"] else "ambiguous: this form of several terms, none decided"
    out.append(f"<p>{escape(about)}; {t['mentions']} mentions in {t['documents']} documents")
    if t["first_year"] is not None:
        out.append(f"; first {t['first_year']} ({escape(t['first_document'])}), last {t['last_year']} "
                   f"({escape(t['last_document'])})")
    if t["undated_mentions"]:
        out.append(f"; {t['undated_mentions']} mentions in documents without a date")
    out.append("</p>")
    if term is not None and term.definition:
        out.append(f"<blockquote>{escape(term.definition)}</blockquote>")
    out.append("<h2>Mentions per 10,000 characters, by year</h2>" + timeline_svg(rate, years))
    out.append("<h2>Examples</h2><ul>")
    for index, line, context, at, length, ordinal in tally.examples.get(t["term"], []):
        d = docs[index]
        link = f"../{doc_page(d['number'])}#d0-t{ordinal}"
        shown = (escape(context[:at]) + "<mark>" + escape(context[at:at + length]) + "</mark>"
                 + escape(context[at + length:]))
        out.append(f'<li><span class="ctx">…{shown}…</span> — <a href="{escape(link)}">'
                   f'{escape(d["name"])}:{line}</a></li>')
    out.append("</ul>")
    return "".join(out)


def _index_body(tally, terms: list[dict], number: dict) -> str:
    years = tally.years()
    span = f"{years[0]}–{years[-1]}" if years else "none"
    out = [f"<h1>Corpus report</h1><p>{len(tally.documents)} documents, years {span}; "
           f"{tally.undated()} documents without a date; {len(tally.failed)} could not be read; "
           f"{sum(t['mentions'] for t in terms)} mentions of {len(terms)} terms.</p>"]
    out.append("<h2>Terms</h2><table><tr><th>term</th><th>mentions</th><th>documents</th><th>first</th>"
               "<th>last</th></tr>")
    for t in terms:
        mark = " (ambiguous)" if t["ambiguous"] else ""
        out.append(f'<tr><td><a href="{term_page(number[t["term"]])}">{escape(t["key"])}</a>{mark}</td>'
                   f'<td class="n">{t["mentions"]}</td><td class="n">{t["documents"]}</td>'
                   f'<td>{t["first_year"] or ""}</td><td>{t["last_year"] or ""}</td></tr>')
    out.append("</table><h2>Documents</h2><table><tr><th>document</th><th>date</th><th>place</th>"
               "<th>characters</th><th>top terms</th></tr>")
    for d in tally.documents:
        top = sorted(d["counts"].items(), key=lambda kv: (-kv[1], kv[0]))[:5]
        links = "、".join(f'<a href="{term_page(number[k])}">{escape(tally.labels[k][0])}</a> {n}' for k, n in top)
        date = f"{d.get('date') or 'no date'} ({d.get('date_how')})"
        scope = f"{d.get('scope') or 'unknown'} ({d.get('scope_how')})"
        out.append(f'<tr><td><a href="{doc_page(d["number"])}">{escape(d["name"])}</a></td><td>{escape(date)}</td>'
                   f'<td>{escape(scope)}</td><td class="n">{d["chars"]}</td><td>{links}</td></tr>')
    out.append("</table>")
    return "".join(out)


def write_doc_page(counting, source, where: dict) -> None:
    """``DIR/docs/N.html`` for one document: ``termkit annotate --format html``'s page
    of it, with the place and date decided when it was counted."""
    from ..render import Doc, printable, write_html
    from ..textio import TextStream

    path = os.path.join(counting.html_dir, doc_page(where["number"]))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    about = {k: where.get(k) for k in ("scope", "scope_how", "date", "date_how")}
    with atomic_write(path) as out:
        out.write(html_head(f"termkit: {printable(source.name)}"))
        if source.line:
            from .corpus import read_record

            pieces = [read_record(source)["content"]]
            out.writelines(write_html(counting.annotator, pieces, Doc(source.name, **about)))
        else:
            with TextStream(source.path, counting.encoding) as stream:
                doc = Doc(source.name, encoding=stream.encoding, bom=stream.bom, **about)
                out.writelines(write_html(counting.annotator, stream, doc))
        out.write(HTML_TAIL)
