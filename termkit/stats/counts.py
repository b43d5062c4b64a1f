"""Counting: one document's mentions by term, and the corpus summed up.

A mention counts under its term's id. A mention that no rule decides (a form
of several terms, none of them the document's place or period: see
:class:`termkit.match.Mention`) counts under its form with the marker
``ambiguous:`` (``ambiguous:一区两园``): never silently under one of its
candidates. The counts are those of ``termkit annotate`` on the same files
with the same options: each file's place and date are decided the same way
(from the start of its text), and its mentions found the same way.

A document's length is its characters (code points of the decoded text, line
breaks included); ``per_10k`` is mentions per 10,000 of them. A paragraph is
a line. Documents without a date are counted (in the term × document table
and the totals) but are in no year's series.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from itertools import chain, combinations

from ..batch import HEAD_CHARS, progress_bar
from ..textio import InputError, TextStream
from .corpus import RecordError, Source, read_record, record_meta

#: The marker before the form of an ambiguous mention's count.
AMBIGUOUS = "ambiguous:"
#: Characters of context on either side of an example.
EXAMPLE_CHARS = 15


def term_key(m) -> str:
    """What a mention counts under: its term's id, or ``ambiguous:FORM``."""
    return AMBIGUOUS + m.form if m.ambiguous else m.id


def year_of(date: str | None) -> int | None:
    """The year of a date, or None.

    >>> year_of("2023-06-16"), year_of(None)
    (2023, None)
    """
    return int(date[:4]) if date else None


def per_10k(count: int, chars: int) -> float:
    """Mentions per 10,000 characters, to three decimals (0 for an empty text).

    >>> per_10k(3, 12000), per_10k(1, 0)
    (2.5, 0.0)
    """
    return round(count * 10000 / chars, 3) if chars else 0.0


# -- one document -------------------------------------------------------------------

class Counting:
    """How to count a document: the Annotator, the locator (where and when a
    file is from), the manifest (for ``type`` and ``title``), the encoding,
    whether to count co-occurrence in paragraphs and how many examples of
    each term to keep. Picklable, for worker processes."""

    def __init__(self, annotator, locate: Callable[[str, str], dict], manifest: dict | None = None,
                 encoding: str | None = None, paragraphs: bool = False, examples: int = 0,
                 html_dir: str | None = None):
        self.annotator = annotator
        self.html_dir = html_dir  # where to write each document's page, if anywhere
        self.locate = locate
        self.manifest = manifest
        self.encoding = encoding
        self.paragraphs = paragraphs
        self.examples = examples

    def __call__(self, task: tuple[int, Source]) -> dict:
        """What document ``task`` (its number among the inputs, its Source) holds: its metadata, ``chars``, ``counts`` by term
        key, ``labels`` (key, headword, whether ambiguous) of those keys,
        ``pairs`` (paragraphs holding both of two terms, where asked),
        ``examples``; or its ``error``."""
        number, source = task
        out = {"number": number, "name": source.name, "path": source.path, "error": None, "warning": None}
        try:
            if source.line:
                record = read_record(source)
                pieces, warning = [record["content"]], None
                where = record_meta(record, self.locate(source.name, record["content"][:HEAD_CHARS]))
                out.update(where)
                self._count(pieces, where, out)
            else:
                with TextStream(source.path, self.encoding) as stream:
                    out["warning"] = stream.warning
                    self._count(stream, None, out, source)
            if self.html_dir is not None:
                from .report import write_doc_page

                write_doc_page(self, source, out)
        except (InputError, RecordError, OSError) as e:
            out["error"] = str(e) if not isinstance(e, OSError) else f"{source.name}: cannot read: {e.strerror}"
        return out

    def _count(self, stream: Iterable[str], where: dict | None, out: dict, source: Source | None = None) -> None:
        pieces = iter(stream)
        if where is None:  # as termkit annotate decides it: from the path and the start of the text
            head: list[str] = []
            for piece in pieces:
                head.append(piece)
                if sum(map(len, head)) >= HEAD_CHARS:
                    break
            where = self.locate(source.path, "".join(head)[:HEAD_CHARS])
            entry = _entry(self.manifest, source.path)
            where = {**where, "type": entry.type if entry else None, "title": entry.title if entry else None}
            out.update(where)
            pieces = chain(head, pieces)
        counts: Counter = Counter()
        labels: dict[str, tuple] = {}
        pairs: Counter = Counter()
        examples: dict[str, list] = defaultdict(list)
        line, cursor, ordinal = 1, 0, 0
        para: set[str] = set()
        para_line = 1
        w = None
        for w in self.annotator.scan(pieces, scope=where["scope"], date=where["date"]):
            for m in w.mentions:
                line += w.text.count("\n", cursor - w.start, m.start - w.start)
                cursor = m.start
                key = term_key(m)
                counts[key] += 1
                if key not in labels:
                    labels[key] = (m.key, m.headword, m.ambiguous)
                if self.paragraphs:
                    if line != para_line:
                        _pairs(para, pairs)
                        para, para_line = set(), line
                    para.add(key)
                if self.examples and len(examples[key]) < self.examples:
                    a = max(w.start, m.start - EXAMPLE_CHARS) - w.start
                    b = m.end + EXAMPLE_CHARS - w.start
                    context = w.text[a:b].replace("\r", " ").replace("\n", " ")
                    examples[key].append((line, context, m.start - w.start - a, len(m.text), ordinal))
                ordinal += 1
            if w.settled > cursor:
                line += w.text.count("\n", cursor - w.start, w.settled - w.start)
                cursor = w.settled
        _pairs(para, pairs)
        out.update(chars=cursor if w is None else max(cursor, w.settled), lines=line, counts=dict(counts),
                   labels=labels, pairs=dict(pairs), examples=dict(examples))


def _pairs(keys: set[str], into: Counter) -> None:
    for pair in combinations(sorted(keys), 2):
        into[pair] += 1


def _entry(manifest, path):
    if manifest is None:
        return None
    from ..corpus.manifest import lookup

    return lookup(manifest, path)


# -- many documents ------------------------------------------------------------------

_COUNTING: Counting | None = None


def _init(counting: Counting) -> None:
    import signal

    global _COUNTING
    _COUNTING = counting
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _count_one(task: tuple[int, Source]) -> dict:
    return _COUNTING(task)


def count_all(counting: Counting, sources: list[Source], jobs: int = 1) -> Iterator[dict]:
    """Each document counted, in input order: in ``jobs`` worker processes
    (spawned: each compiles the glossary once), with a progress bar on a
    terminal. Only one document's text is held at a time in each process."""
    bar = progress_bar(len(sources), "doc") if len(sources) > 20 else None
    pool = multiprocessing.get_context("spawn").Pool(jobs, _init, (counting,)) if jobs > 1 else None
    try:
        tasks = list(enumerate(sources))
        results = pool.imap(_count_one, tasks, chunksize=2) if pool else map(counting, tasks)
        for r in results:
            if bar is not None:
                bar.update(1)
            yield r
    finally:
        if pool is not None:
            pool.terminate()
        if bar is not None:
            bar.close()


# -- the corpus summed up --------------------------------------------------------------

class Tally:
    """The documents counted, summed up: add each result with :meth:`add`.

    >>> t = Tally()
    >>> t.add({"name": "a.md", "date": "2020-03", "chars": 20000, "counts": {"x/1": 3},
    ...        "labels": {"x/1": ("甲", "甲", False)}, "error": None})
    >>> t.add({"name": "b.md", "date": None, "chars": 10000, "counts": {"x/1": 1},
    ...        "labels": {"x/1": ("甲", "甲", False)}, "error": None})
    >>> [(r["term"], r["documents"], r["first_year"], r["per_year"]) for r in t.terms()]
    [('x/1', 2, 2020, {2020: 3})]
    >>> t.undated()
    1
    """

    def __init__(self, within: str | None = None):
        self.within = within  # co-occurrence: None, "document" or "paragraph"
        self.documents: list[dict] = []  # metadata and counts of each document read
        self.failed: list[dict] = []
        self.labels: dict[str, tuple] = {}
        self.pairs: Counter = Counter()
        self.examples: dict[str, list] = defaultdict(list)
        self.max_examples = 10

    def add(self, r: dict) -> None:
        if r.get("error"):
            self.failed.append(r)
            return
        r["year"] = year_of(r.get("date"))
        r["index"] = len(self.documents)
        self.labels.update(r["labels"])
        if self.within == "document":
            _pairs(set(r["counts"]), self.pairs)
        elif self.within == "paragraph":
            self.pairs.update(r.get("pairs", {}))
        for key, found in (r.pop("examples", None) or {}).items():
            kept = self.examples[key]
            for e in found:
                if len(kept) < self.max_examples:
                    kept.append((r["index"], *e))
        r.pop("pairs", None)
        self.documents.append(r)

    def undated(self) -> int:
        """How many documents have no date."""
        return sum(d["year"] is None for d in self.documents)

    def years(self) -> list[int]:
        return sorted({d["year"] for d in self.documents if d["year"] is not None})

    def count_rows(self) -> Iterator[dict]:
        """The term × document table, one row per document and term found in it."""
        for d in self.documents:
            for key, n in sorted(d["counts"].items(), key=lambda kv: (-kv[1], kv[0])):
                k, headword, ambiguous = self.labels[key]
                yield {"document": d["name"], "date": d.get("date"), "year": d["year"], "scope": d.get("scope"),
                       "type": d.get("type"), "term": key, "key": k, "ambiguous": ambiguous, "count": n,
                       "per_10k": per_10k(n, d["chars"])}

    def document_rows(self) -> list[dict]:
        """Each document with its metadata (and how its place and date were decided), length and totals."""
        fields = ("name", "scope", "scope_how", "date", "date_how", "year", "type", "title", "chars")
        return [{**{f: d.get(f) for f in fields}, "mentions": sum(d["counts"].values()), "terms": len(d["counts"])}
                for d in self.documents]

    def terms(self) -> list[dict]:
        """Per term: mentions, documents, first and last appearance (year and
        document, dated documents only), mentions without a date, per year;
        most mentioned first."""
        acc: dict[str, dict] = {}
        for d in self.documents:
            for key, n in d["counts"].items():
                a = acc.get(key)
                if a is None:
                    a = acc[key] = {"mentions": 0, "documents": 0, "undated": 0, "first": None, "last": None,
                                    "per_year": Counter()}
                a["mentions"] += n
                a["documents"] += 1
                if d["year"] is None:
                    a["undated"] += n
                    continue
                a["per_year"][d["year"]] += n
                when = (d["date"], d["index"])
                if a["first"] is None or when < a["first"][0]:
                    a["first"] = (when, d)
                if a["last"] is None or when > a["last"][0]:
                    a["last"] = (when, d)
        rows = []
        for key, a in acc.items():
            k, headword, ambiguous = self.labels[key]
            first, last = a["first"], a["last"]
            rows.append({"term": key, "key": k, "headword": headword, "ambiguous": ambiguous,
                         "mentions": a["mentions"], "documents": a["documents"],
                         "first_year": first[1]["year"] if first else None,
                         "first_document": first[1]["name"] if first else None,
                         "last_year": last[1]["year"] if last else None,
                         "last_document": last[1]["name"] if last else None,
                         "undated_mentions": a["undated"], "per_year": dict(sorted(a["per_year"].items()))})
        rows.sort(key=lambda r: (-r["mentions"], r["term"]))
        return rows

    def year_totals(self, by: str | None = None) -> dict:
        """Characters and documents of each (year, group): the denominators of per-year rates."""
        out: dict = defaultdict(lambda: [0, 0])
        for d in self.documents:
            if d["year"] is not None:
                t = out[d["year"], d.get(by) if by else None]
                t[0] += d["chars"]
                t[1] += 1
        return out

    def series(self, keys: dict[str, list[str]], by: str | None = None) -> list[dict]:
        """The table behind a trend plot: for each label (a series summing the
        term keys it lists), each year (and group, ``by`` a document field such
        as ``scope``) that has dated documents: mentions, documents mentioning
        it, documents and characters that year, and mentions per 10,000
        characters. Years where the term is absent are rows of 0."""
        totals = self.year_totals(by)
        found: dict = defaultdict(lambda: [0, 0])
        for d in self.documents:
            if d["year"] is None:
                continue
            for label, ks in keys.items():
                n = sum(d["counts"].get(k, 0) for k in ks)
                if n:
                    f = found[label, d["year"], d.get(by) if by else None]
                    f[0] += n
                    f[1] += 1
        rows = []
        for label in keys:
            for (year, group), (chars, docs) in sorted(totals.items(), key=lambda kv: (kv[0][0], str(kv[0][1]))):
                n, with_term = found.get((label, year, group), (0, 0))
                row = {"term": label, "year": year}
                if by:
                    row[by] = group
                row.update(mentions=n, documents_with_term=with_term, documents=docs, chars=chars,
                           per_10k=per_10k(n, chars))
                rows.append(row)
        return rows

    def pair_rows(self, limit: int | None = None) -> list[dict]:
        """Co-occurrence: two terms and the documents (or paragraphs) holding both, most first."""
        unit = "paragraphs" if self.within == "paragraph" else "documents"
        items = sorted(self.pairs.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
        return [{"term_a": a, "key_a": self.labels[a][0], "term_b": b, "key_b": self.labels[b][0], unit: n}
                for (a, b), n in items]
