"""termkit as a spaCy pipeline component (``pip install 'termkit[spacy]'``).

``nlp.add_pipe("termkit", config={...})`` puts every mention that
:meth:`termkit.Annotator.find` returns for ``doc.text`` into
``doc.spans["termkit"]``: the span's label is the term id (``"ambiguous"``
where no rule decides whose term it is), and ``span._.termkit`` is the
mention's record, the one ``termkit annotate`` writes
(:meth:`~termkit.match.annotator.Mention.to_dict`).

Alignment. A term boundary may fall inside a token (a word segmenter's
``划定三区`` holds the start of 三区三线). With ``split_tokens`` (the default)
such a token is split with ``doc.retokenize()`` so that every term boundary
is a token boundary: then ``span.text == mention.text`` and
``span.start_char == mention.start`` for every mention. Other components'
``doc.spans`` are laid again on the new tokens; put termkit before a parser
(a split token's pieces get no dependency labels). With ``split_tokens:
false`` the tokens are left alone and a span covers every token the mention
touches (``char_span(..., alignment_mode="expand")``), so it may be longer
than the mention; the exact offsets and text stay in ``span._.termkit``.

Config keys (all optional): ``glossary`` (YAML glossary files, laid over the
bundled glossary as ``--glossary`` does), ``terms`` (plain term lists, one a
line, optionally a tab and a definition, as ``--terms``), ``keys`` (terms
given in the config itself), ``default_glossary`` (whether to start from the
bundled glossary), ``traditional``, ``width``, ``breaks``, ``quotes``,
``variants`` (the normalization steps), ``scope`` and ``date`` (where and
when the texts are from; ``doc._.termkit_scope`` and ``doc._.termkit_date``
override them per document), ``spans_key``, ``overlapping`` and
``split_tokens``.

The Annotator is built once per component. ``nlp.to_disk()`` copies the
content of the glossary and term-list files into the pipeline directory, so
``spacy.load()`` does not need the original files (the bundled glossary is
the installed termkit's). A pickled component carries its config and those
files, never the compiled automaton: it is rebuilt where it is unpickled.

This module is imported only when spaCy asks for the factory; termkit itself
is imported only when a component is built.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Optional, Union


try:
    import numpy
    import srsly
    from spacy.attrs import IDX, LENGTH
    from spacy.language import Language
    from spacy.tokens import Doc, Span, SpanGroup
except ImportError:
    raise ImportError("termkit.integrations.spacy needs spaCy: pip install 'termkit[spacy]'") from None

#: The label of a mention that no rule decides (its candidates are in ``span._.termkit``).
AMBIGUOUS = "ambiguous"

DEFAULT_CONFIG = {
    "glossary": [],
    "terms": [],
    "keys": [],
    "default_glossary": True,
    "traditional": True,
    "width": True,
    "breaks": True,
    "quotes": True,
    "variants": True,
    "scope": None,
    "date": None,
    "spans_key": "termkit",
    "overlapping": False,
    "split_tokens": True,
}


def _record_key(start: int, end: int, label: str) -> tuple:
    return ("termkit", start, end, label)


def _mention_record(span: Span) -> Optional[dict]:
    """``span._.termkit``: the record of the mention behind a span that termkit
    made, or None. Kept in ``doc.user_data`` as plain data, so it travels with
    ``doc.to_bytes()``, ``DocBin(store_user_data=True)`` and pickled docs."""
    record = span.doc.user_data.get(_record_key(span.start_char, span.end_char, span.label_))
    if record is None:
        return None
    return {k: list(v) if isinstance(v, tuple) else v for k, v in record.items()}  # tuples after msgpack


if not Span.has_extension("termkit"):
    Span.set_extension("termkit", getter=_mention_record)
for _name in ("termkit_scope", "termkit_date"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)


@Language.factory("termkit", default_config=DEFAULT_CONFIG)
def make_component(
    nlp: Language,
    name: str,
    glossary: list[str],
    terms: list[str],
    keys: list[str],
    default_glossary: bool,
    traditional: bool,
    width: bool,
    breaks: bool,
    quotes: bool,
    variants: bool,
    scope: Optional[str],
    date: Optional[Union[str, int]],
    spans_key: str,
    overlapping: bool,
    split_tokens: bool,
) -> "TermkitComponent":
    """The ``termkit`` factory (registered with spaCy by the entry point)."""
    config = dict(glossary=list(glossary), terms=list(terms), keys=list(keys), default_glossary=default_glossary,
                  traditional=traditional, width=width, breaks=breaks, quotes=quotes, variants=variants,
                  scope=scope, date=date, spans_key=spans_key, overlapping=overlapping, split_tokens=split_tokens)
    return TermkitComponent(name, config)


class TermkitComponent:
    """Finds glossary terms in ``doc.text`` and puts them in ``doc.spans``."""

    def __init__(self, name: str, config: dict, sources: list | None = None):
        self.name = name
        self.config = {**DEFAULT_CONFIG, **config}
        self._annotator = None
        # (kind, file name, content) of every glossary and term-list file
        self._sources = sources
        if sources is not None:
            self._build_from_bytes(sources)
        elif all(Path(p).exists() for p in self.config["glossary"] + self.config["terms"]):
            self._build([("glossary", p) for p in self.config["glossary"]] + [("terms", p) for p in self.config["terms"]])
        # else: a missing file is named when the component is first used, unless
        # from_disk() or from_bytes() brings its copy first (spacy.load() builds the
        # component from its config before it reads the pipeline directory).

    # -- the annotator --------------------------------------------------
    def _build(self, files: list[tuple[str, str]]) -> None:
        """Build the Annotator from files on disk, and keep their content."""
        import termkit

        cfg = self.config
        glossary = termkit.Glossary.load() if cfg["default_glossary"] else termkit.Glossary([])
        yaml_files = [p for kind, p in files if kind == "glossary"]
        lists = [p for kind, p in files if kind == "terms"]
        if yaml_files:
            glossary = glossary.overlay(termkit.Glossary.from_files(yaml_files))
        if lists:
            glossary = glossary.overlay(termkit.Glossary.from_term_lists(lists))
        if cfg["keys"]:
            glossary = glossary.overlay(termkit.Glossary.from_keys(cfg["keys"]))
        if not len(glossary):
            raise termkit.GlossaryError(f"spaCy component {self.name!r}: the glossary is empty: give glossary, "
                                        "terms or keys in its config, or set default_glossary to true")
        steps = {k: cfg[k] for k in ("traditional", "width", "breaks", "quotes", "variants")}
        self._annotator = termkit.Annotator(glossary, normalization=termkit.Normalization(**steps))
        self._sources = [(kind, Path(p).name, Path(p).read_bytes()) for kind, p in files]

    def _build_from_bytes(self, sources: list) -> None:
        with tempfile.TemporaryDirectory(prefix="termkit-spacy-") as tmp:
            self._build(_write_sources(Path(tmp), sources))

    @property
    def annotator(self):
        """The component's :class:`termkit.Annotator`, built once."""
        if self._annotator is None:
            self._build([("glossary", p) for p in self.config["glossary"]] + [("terms", p) for p in self.config["terms"]])
        return self._annotator

    def term(self, span: Span):
        """The glossary entry (a :class:`termkit.Term`) of a span's label, or
        None (an ambiguous span: see ``span._.termkit["candidates"]``)."""
        glossary = self.annotator.glossary
        return glossary[span.label_] if span.label_ in glossary else None

    # -- the pipeline step ----------------------------------------------
    def __call__(self, doc: Doc) -> Doc:
        cfg = self.config
        scope = doc._.termkit_scope if doc._.termkit_scope is not None else cfg["scope"]
        date = doc._.termkit_date if doc._.termkit_date is not None else cfg["date"]
        mentions = self.annotator.find(doc.text, overlapping=cfg["overlapping"], scope=scope, date=date)
        if cfg["split_tokens"]:
            doc = split_at(doc, [x for m in mentions for x in (m.start, m.end)])
        mode = "strict" if cfg["split_tokens"] else "expand"
        spans = []
        for m in mentions:
            label = AMBIGUOUS if m.id is None else m.id
            span = doc.char_span(m.start, m.end, label=label, alignment_mode=mode)
            key = _record_key(span.start_char, span.end_char, label)
            if key in doc.user_data:  # expanded to the tokens of an earlier mention of the term
                continue
            doc.user_data[key] = m.to_dict()
            spans.append(span)
        doc.spans[cfg["spans_key"]] = spans
        return doc

    # -- serialization --------------------------------------------------
    def __reduce__(self):
        self.annotator  # noqa: B018 (built, so that its files are read)
        return (TermkitComponent, (self.name, self.config, self._sources))

    def to_bytes(self, *, exclude=()) -> bytes:
        self.annotator  # noqa: B018
        return srsly.msgpack_dumps({"sources": [list(s) for s in self._sources]})

    def from_bytes(self, data: bytes, *, exclude=()) -> "TermkitComponent":
        sources = [tuple(s) for s in srsly.msgpack_loads(data)["sources"]]
        if sources != self._sources:
            self._build_from_bytes(sources)
        return self

    def to_disk(self, path, *, exclude=()) -> None:
        """Write the content of the glossary and term-list files under ``path``."""
        self.annotator  # noqa: B018
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        files = _write_sources(path, self._sources)
        srsly.write_json(path / "sources.json", [[kind, str(Path(p).relative_to(path))] for kind, p in files])

    def from_disk(self, path, *, exclude=()) -> "TermkitComponent":
        path = Path(path)
        files = [(kind, str(path / rel)) for kind, rel in srsly.read_json(path / "sources.json")]
        if [(kind, Path(p).name, Path(p).read_bytes()) for kind, p in files] != self._sources:
            self._build(files)
        return self


def _write_sources(root: Path, sources: list) -> list[tuple[str, str]]:
    """Write each source file as ``root/files/<n>/<its name>`` (its name gives
    the ids of a bare list's terms, so it is kept); their paths."""
    files = []
    for n, (kind, name, data) in enumerate(sources):
        target = root / "files" / str(n) / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        files.append((kind, str(target)))
    return files


#: Token annotations that a new Doc would not carry over: where a doc has any of
#: them, its tokens are split in place instead.
TOKEN_ANNOTATIONS = ("TAG", "POS", "MORPH", "LEMMA", "DEP", "SENT_START", "ENT_IOB")


def split_at(doc: Doc, offsets) -> Doc:
    """``doc`` with its tokens split so that every character offset in
    ``offsets`` is a token boundary; spans already in ``doc.spans`` are laid
    again on the new tokens.

    Right after the tokenizer (no token annotations yet) this makes a new
    Doc in one pass, with ``doc``'s user data, spans and categories. Where
    components have annotated the tokens, they are split in place with
    ``doc.retokenize()``, whose every split costs a pass over the doc.

    >>> import spacy
    >>> doc = Doc(spacy.blank("xx").vocab, words=["科学划定", "三区三线好"], spaces=[False, True])
    >>> [t.text for t in split_at(doc, [4, 8])]
    ['科学划定', '三区三线', '好']
    """
    cuts: dict[int, list[int]] = {}
    offsets = numpy.unique(numpy.asarray(offsets, dtype=numpy.int64))
    starts, lengths = doc.to_array([IDX, LENGTH]).T.astype(numpy.int64)
    at = numpy.searchsorted(starts, offsets, side="right") - 1  # the token each offset falls in
    inside = (at >= 0) & (offsets > starts[at]) & (offsets < starts[at] + lengths[at])
    for i, c in zip(at[inside].tolist(), offsets[inside].tolist()):
        cuts.setdefault(i, []).append(c - int(starts[i]))
    if not cuts:
        return doc
    groups = {key: (group.attrs, [(s.start_char, s.end_char, s.label, s.kb_id, s.id) for s in group])
              for key, group in doc.spans.items()}
    if any(doc.has_annotation(a) for a in TOKEN_ANNOTATIONS) or doc.tensor.size:
        _split_in_place(doc, cuts)
        new = doc
    else:
        new = _split_copy(doc, cuts)
    for key, (attrs, spans) in groups.items():
        new.spans[key] = SpanGroup(new, name=key, attrs=attrs, spans=[
            new.char_span(a, b, label=label, kb_id=kb_id, span_id=span_id) for a, b, label, kb_id, span_id in spans])
    return new


def _pieces(text: str, inner: list[int]) -> list[str]:
    bounds = [0, *inner, len(text)]
    return [text[a:b] for a, b in zip(bounds, bounds[1:])]


def _split_in_place(doc: Doc, cuts: dict[int, list[int]]) -> None:
    with doc.retokenize() as retokenizer:
        for i, inner in cuts.items():
            token = doc[i]
            pieces = _pieces(token.text, inner)
            retokenizer.split(token, pieces, heads=[(token, 0)] * len(pieces))


def _split_copy(doc: Doc, cuts: dict[int, list[int]]) -> Doc:
    words, spaces = [], []
    for token in doc:
        pieces = _pieces(token.text, cuts[token.i]) if token.i in cuts else [token.text]
        words += pieces
        spaces += [False] * (len(pieces) - 1) + [bool(token.whitespace_)]
    new = Doc(doc.vocab, words=words, spaces=spaces, user_data=dict(doc.user_data))
    new.cats, new._context = dict(doc.cats), doc._context
    new.user_hooks, new.user_token_hooks, new.user_span_hooks = (
        dict(doc.user_hooks), dict(doc.user_token_hooks), dict(doc.user_span_hooks))
    return new
