"""``termkit stats`` and ``termkit trend``: their options (:func:`add_parsers`) and runners (:func:`run`)."""

from __future__ import annotations

import argparse
import os
import sys

from ..cli import EXIT_INPUT, EXIT_OK, CLIError, _add_glossary_options, _AnnotatorSpec, _fail, _locator, _warn
from ..cli import HELP, usable_cpus

STATS_EXAMPLES = """\
examples:
  termkit stats ../shared/corpus/state-council                 # a summary on the terminal
  termkit stats reports/ -o tables/                            # + documents, counts, terms, years .csv
  termkit stats reports/ -o tables/ --format parquet --cooccur paragraph
  termkit stats 'provinces/**/*.md' --manifest reports.csv -j 2 --html report/
  termkit stats congress.jsonl                                 # one document per line ("content")
"""

TREND_EXAMPLES = """\
examples:
  termkit trend 高质量发展 新质生产力 共同富裕 改革开放 阶级斗争 --corpus ../shared/corpus/state-council -o trend
      # trend.png, trend.svg and trend.csv (the table behind the plot)
  termkit trend --top 5 --corpus reports/ --measure mentions -o top5
  termkit trend 乡村振兴 --corpus provinces/ --by scope --no-plot -o by-province   # the table alone
  termkit trend 共同富裕 --corpus reports/ --font /usr/share/fonts/truetype/wqy/wqy-microhei.ttc
"""


def _common(p: argparse.ArgumentParser) -> None:
    """The options both commands share: glossary, where and when, encoding, jobs."""
    _add_glossary_options(p)
    p.add_argument("--engine", default="auto", help="matching engine: auto (default), daachorse, pyahocorasick")
    p.add_argument("--encoding", metavar="ENC", help="decode the input with this encoding instead of detecting it")
    p.add_argument("--jobs", "-j", type=int, default=1, metavar="N", help="count in N processes")
    w = p.add_argument_group(
        "where and when", "Each document's place and date, as termkit annotate decides them: given, from a "
        "manifest, or detected from its path and first lines (and how is reported). Documents without a date "
        "are counted, and said so, but are in no year's series.")
    w.add_argument("--scope", metavar="PLACE", default="auto",
                   help="where every document is from, 'auto' to detect it (default), or 'none'")
    w.add_argument("--date", metavar="YYYY[-MM[-DD]]", help="when every document is from (default: detected)")
    w.add_argument("--manifest", metavar="CSV",
                   help="a CSV with a header row naming path, scope, date, type, title: each document's place, "
                   "date, type and title; with no FILE given, its paths are the corpus")
    from ..text.normalize import STEP_TABLE

    for name, _, text in STEP_TABLE:
        p.add_argument(f"--no-{name}", action="store_true", help=argparse.SUPPRESS)


def add_parsers(sub, command: str | None = None) -> None:
    """Add ``stats`` and ``trend`` (or only ``command``) to the ``termkit`` command's subparsers."""
    raw = argparse.RawDescriptionHelpFormatter
    if command in (None, "stats"):
        _add_stats(sub, raw)
    if command in (None, "trend"):
        _add_trend(sub, raw)


def _add_stats(sub, raw) -> None:
    s = sub.add_parser(
        "stats", help=HELP["stats"],
        description="Count the mentions of every glossary term in each document of a corpus (the counts "
        "termkit annotate gives), and sum them up: a term x document table (counts and per 10,000 characters, "
        "with each document's date, place, type and title), per term its documents, first and last appearance "
        "and counts per year, and which terms occur together. Prints a summary; -o writes the tables.",
        epilog=STATS_EXAMPLES, formatter_class=raw)
    s.add_argument("files", nargs="*", metavar="FILE",
                   help="documents: files, directories (their .md, .txt, .jsonl files), glob patterns, or "
                   "JSON-lines files of documents (one a line, its text in \"content\")")
    s.add_argument("--output", "-o", metavar="DIR",
                   help="write documents, counts (the term x document table), terms, years and (with --cooccur) "
                   "pairs tables into this directory")
    s.add_argument("--format", "-f", choices=("csv", "parquet", "json"), default="csv",
                   help="the tables' format (parquet needs pyarrow: termkit[arrow])")
    s.add_argument("--cooccur", choices=("document", "paragraph"),
                   help="count pairs of terms found in one document, or in one paragraph (a line)")
    s.add_argument("--html", metavar="DIR",
                   help="write an HTML corpus report here: documents with their top terms, a page per term "
                   "(timeline, examples in context), each document's annotated page")
    s.add_argument("--top", type=int, default=15, metavar="N", help="terms shown in the summary (default 15)")
    _common(s)


def _add_trend(sub, raw) -> None:
    t = sub.add_parser(
        "trend", help=HELP["trend"],
        description="How often each TERM (a key, alias or id) occurs in the corpus year by year, or the N "
        "terms mentioned most: a plot as PNG and SVG (needs matplotlib: termkit[plot], and a font with "
        "Chinese characters) and the table behind it as CSV.",
        epilog=TREND_EXAMPLES, formatter_class=raw)
    t.add_argument("trace", nargs="*", metavar="TERM", help="terms to trace: a key, alias or id each")
    t.add_argument("--top", type=int, metavar="N", help="instead of TERMs, the N terms with the most mentions")
    t.add_argument("--corpus", "-c", action="append", default=[], metavar="PATH",
                   help="the documents (repeatable): files, directories, glob patterns, JSON-lines files")
    t.add_argument("--output", "-o", metavar="PREFIX", default="trend",
                   help="write PREFIX.png, PREFIX.svg and PREFIX.csv (default: trend)")
    t.add_argument("--measure", choices=("per_10k", "mentions", "documents"), default="per_10k",
                   help="per year: mentions per 10,000 characters (default), mentions, or documents mentioning it")
    t.add_argument("--by", choices=("scope", "type"), help="one series per place (or document type) as well")
    t.add_argument("--font", metavar="PATH", help="a font file with Chinese characters for the labels")
    t.add_argument("--title", help="the plot's title")
    t.add_argument("--no-plot", action="store_true", help="write the CSV table only (no matplotlib needed)")
    _common(t)


def run(args) -> int:
    """Run ``termkit stats`` or ``termkit trend``."""
    return _stats(args) if args.command == "stats" else _trend(args)


def _count(args, files: list[str], *, within=None, examples=0, html_dir=None, annotator=None):
    """Count the corpus the options name: the Tally, the Annotator and the number of documents that failed."""
    from .counts import Counting, Tally, count_all
    from .corpus import sources

    if args.jobs < 1:
        raise CLIError("--jobs must be at least 1")
    if "-" in files:
        raise CLIError("standard input (-) cannot be a corpus: give files or directories")
    from ..cli import _check_encoding

    _check_encoding(args.encoding)
    locate = _locator(args)
    if not files and not locate.manifest:
        raise CLIError("no documents: give files, directories or patterns (or --manifest CSV)")
    found, problems = sources(files, locate.manifest)
    for p in problems:
        _fail(p)
    if not found:
        raise CLIError("no documents found in " + ", ".join(files or [args.manifest]), EXIT_INPUT)
    annotator = annotator or _AnnotatorSpec(args)()
    counting = Counting(annotator, locate, locate.manifest, args.encoding, paragraphs=within == "paragraph",
                        examples=examples, html_dir=html_dir)
    tally = Tally(within)
    jobs = min(args.jobs, usable_cpus(), len(found))
    for r in count_all(counting, found, jobs):
        if r["warning"]:
            _warn(r["warning"])
        if r["error"]:
            _fail(r["error"])
        tally.add(r)
    if not tally.documents:
        raise CLIError("no document could be read", EXIT_INPUT)
    return tally, annotator, len(tally.failed) + len(problems)


def _stats(args) -> int:
    from .tables import TableError, check_format, write_table

    try:
        check_format(args.format)
    except TableError as e:
        raise CLIError(str(e)) from None
    for d, option in ((args.output, "--output"), (args.html, "--html")):
        if d:
            try:
                os.makedirs(d, exist_ok=True)
            except OSError as e:
                raise CLIError(f"{d}: cannot create the {option} directory: {e.strerror or e}") from None
    tally, annotator, failures = _count(args, args.files, within=args.cooccur, examples=5 if args.html else 0,
                                        html_dir=args.html)
    terms = tally.terms()
    if args.output:
        tables = {"documents": tally.document_rows(), "counts": list(tally.count_rows()), "terms": terms,
                  "years": _years(tally, terms)}
        if args.cooccur:
            tables["pairs"] = tally.pair_rows()
        try:
            for name, rows in tables.items():
                write_table(rows, os.path.join(args.output, f"{name}.{args.format}"), args.format)
        except TableError as e:
            raise CLIError(str(e)) from None
    if args.html:
        from .report import write_report

        write_report(args.html, tally, annotator.glossary)
    print(summary(tally, terms, args.top))
    if args.output:
        print(f"tables: {', '.join(f'{n}.{args.format}' for n in tables)} in {args.output}")
    if args.html:
        print(f"report: {os.path.join(args.html, 'index.html')}")
    return EXIT_INPUT if failures else EXIT_OK


def _years(tally, terms: list[dict]) -> list[dict]:
    """Each term's mentions each year it occurs, with that year's characters and per 10,000."""
    from .counts import per_10k

    chars = {y: c for (y, _), (c, _) in tally.year_totals().items()}
    return [{"term": t["term"], "key": t["key"], "year": y, "mentions": n, "chars": chars[y],
             "per_10k": per_10k(n, chars[y])} for t in terms for y, n in t["per_year"].items()]


def summary(tally, terms: list[dict], top: int = 15) -> str:
    """The corpus in a few lines, for people."""
    from collections import Counter

    docs = tally.documents
    years = tally.years()
    chars = sum(d["chars"] for d in docs)
    lines = [f"{len(docs)} documents, {chars:,} characters, years {years[0]}–{years[-1]}" if years else
             f"{len(docs)} documents, {chars:,} characters, no dates"]
    if tally.undated():
        lines.append(f"{tally.undated()} documents without a date: counted, but in no year's series")
    if tally.failed:
        lines.append(f"{len(tally.failed)} documents could not be read")
    import re

    hows = Counter(re.sub(r" [0-9]+$", "", d.get("date_how") or "unknown") for d in docs)
    lines.append("dates from: " + ", ".join(f"{how} {n}" for how, n in hows.most_common()))
    total = sum(t["mentions"] for t in terms)
    ambiguous = sum(t["mentions"] for t in terms if t["ambiguous"])
    lines.append(f"{total:,} mentions of {len(terms)} terms ({ambiguous:,} ambiguous, counted under their form)")
    if terms:
        shown = [(t, t["key"] + (" (ambiguous)" if t["ambiguous"] else "")) for t in terms[:top]]
        width = max(_width(name) for _, name in shown)
        lines.append(f"\ntop {len(shown)} terms:\n  {'term'.ljust(width)}  mentions  documents  first  last")
        for t, name in shown:
            pad = " " * (width - _width(name))
            lines.append(f"  {name}{pad}  {t['mentions']:>8}  {t['documents']:>9}  {t['first_year'] or '-':>5}  "
                         f"{t['last_year'] or '-':>4}")
    pairs = tally.pair_rows(5) if tally.within else []
    if pairs:
        unit = "paragraphs" if tally.within == "paragraph" else "documents"
        lines.append(f"\nterms found together most often ({unit}):")
        lines += [f"  {p['key_a']} + {p['key_b']}: {p[unit]}" for p in pairs]
    return "\n".join(lines)


def _width(text: str) -> int:
    """Columns ``text`` takes on a terminal (wide characters take two).

    >>> _width("高质量ab")
    8
    """
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _resolve_terms(names: list[str], glossary) -> dict[str, list[str]]:
    """Each TERM's series: the term keys (ids, and the form's ambiguous count) it sums, by label."""
    from .counts import AMBIGUOUS

    out = {}
    for name in names:
        key = name.strip()
        found = [glossary[key]] if key in glossary else list(glossary.terms_with_form(key))
        if not found:
            raise CLIError(f"no term with key, alias or id {name!r}{_near(key, glossary)} "
                           "(see 'termkit glossary list')")
        label = found[0].key
        out[label] = sorted({t.id for t in found} | {AMBIGUOUS + key, AMBIGUOUS + label})
    return out


def _near(key: str, glossary) -> str:
    """``; near: a, b`` naming the glossary's forms most like ``key``, or ''."""
    import difflib

    forms = sorted({f for t in glossary for f in (t.key, *t.aliases)})
    near = [f for f in forms if key in f or f in key][:5]
    near += [f for f in difflib.get_close_matches(key, forms, n=5, cutoff=0.5) if f not in near]
    return f"; near: {', '.join(near[:5])}" if near else ""


def _trend(args) -> int:
    from .counts import AMBIGUOUS
    from .tables import TableError, write_table

    if bool(args.trace) == bool(args.top):
        raise CLIError("give TERMs to trace or --top N (not both)")
    if args.top is not None and args.top < 1:
        raise CLIError("--top must be at least 1")
    if not args.corpus and not args.manifest:
        raise CLIError("no documents: give --corpus PATH (files, directories, patterns) or --manifest CSV")
    annotator = _AnnotatorSpec(args)()
    series = _resolve_terms(args.trace, annotator.glossary) if args.trace else None
    measure = "documents_with_term" if args.measure == "documents" else args.measure
    labels = list(series) if series else []
    font = None
    if not args.no_plot:  # before counting: a missing font or matplotlib fails at once
        font = _font(args, labels)
    tally, annotator, failures = _count(args, args.corpus, annotator=annotator)
    if series is None:
        top = [t for t in tally.terms()][: args.top]
        keys = [t["key"] for t in top]
        series = {(t["key"] if keys.count(t["key"]) == 1 else f"{t['key']} ({t['term']})"): [t["term"]] for t in top}
        if not args.no_plot:
            font = _font(args, list(series))
    rows = tally.series(series, args.by)
    paths = [f"{args.output}.csv"]
    try:
        write_table(rows, paths[0], "csv")
    except TableError as e:
        raise CLIError(str(e)) from None
    if not args.no_plot:
        from .plot import PlotError, plot_trend

        out = [f"{args.output}.png", f"{args.output}.svg"]
        try:
            plot_trend(rows, measure, out, font, args.title or "", args.by)
        except PlotError as e:
            raise CLIError(str(e)) from None
        except OSError as e:
            raise CLIError(f"{args.output}: cannot write the plot: {e.strerror or e}") from None
        paths += out
    years = tally.years()
    span = f"{years[0]}–{years[-1]}" if years else "no dated documents"
    print(f"{len(tally.documents)} documents ({span}); wrote {', '.join(paths)}")
    if tally.undated():
        print(f"{tally.undated()} documents without a date: counted, but in no year's series")
    for label, keys in series.items():
        n = sum(t["mentions"] for t in tally.terms() if t["term"] in keys)
        first = min((r["year"] for r in rows if r["term"] == label and r["mentions"]), default=None)
        print(f"  {label}: {n} mentions" + (f", first in {first}" if first else "") +
              ("" if not any(k.startswith(AMBIGUOUS) and k in tally.labels for k in keys) else
               " (ambiguous mentions of the form included)"))
    return EXIT_INPUT if failures else EXIT_OK


def _font(args, labels: list[str]) -> str:
    from .plot import PlotError, find_font

    text = "".join(labels) + (args.title or "") + "年份每万字出现次数提及文件数" + "·"
    try:
        return find_font(text, args.font)
    except PlotError as e:
        raise CLIError(str(e)) from None
