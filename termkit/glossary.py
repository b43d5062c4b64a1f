"""Loading, merging and checking glossaries; the bundled default.

A :class:`Glossary` is an ordered, immutable collection of :class:`~termkit.model.Term`.
It is checked as a whole when it is built: ids are unique, no surface form
(key, alias or variant) belongs to two terms, component ``ref`` s name terms
that exist, and refs form no cycle. Every problem is reported as a
:class:`GlossaryError` whose message names the file, the entry and the reason.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache
from importlib import resources
from pathlib import Path

from . import cache
from .cache import digest
from .model import Component, GlossaryFile, Kind, Source, Term, term_from_json, to_json, trusted, validate


class GlossaryError(ValueError):
    """A glossary file or a set of terms is not valid. The message is one readable paragraph."""


def bundled_dir() -> Path:
    """The folder of the bundled glossary files (installed package data, or the source tree)."""
    try:
        installed = resources.files("termkit") / "glossaries"
        if installed.is_dir():
            return Path(str(installed))
    except (ModuleNotFoundError, TypeError):  # pragma: no cover
        pass
    return Path(__file__).resolve().parent.parent / "glossaries"


def bundled_files() -> list[Path]:
    return sorted(bundled_dir().glob("*.yaml"))


def _describe_entry(data: object, index: int) -> str:
    if isinstance(data, dict):
        terms = data.get("terms")
        if isinstance(terms, list) and index < len(terms) and isinstance(terms[index], dict):
            term = terms[index]
            label = term.get("id") or term.get("key")
            if label:
                return f"term {index + 1} ({label})"
    return f"term {index + 1}"


def _format_validation(path: str, data: object, err) -> str:
    problems = []
    for e in err.errors():
        loc = list(e["loc"])
        where = ""
        if len(loc) >= 2 and loc[0] == "terms" and isinstance(loc[1], int):
            where = _describe_entry(data, loc[1])
            loc = loc[2:]
        field = ".".join(str(x) for x in loc)
        msg = e["msg"].removeprefix("Value error, ")
        if e["type"] in ("extra_forbidden", "unexpected_keyword_argument"):
            msg = "unknown field"
        elif e["type"] == "missing":
            msg = "missing required field"
        parts = [p for p in (where, field) if p]
        problems.append(f"{', '.join(parts) or 'top level'}: {msg}")
    shown = problems[:5]
    more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
    return f"{path}: " + "; ".join(shown) + more


def read_file(path: str | Path) -> GlossaryFile:
    """Read and validate one glossary file (YAML or JSON). Raises :class:`GlossaryError`."""
    return parse_file(str(path), _read_bytes(str(path)))


#: A glossary file larger than this is refused (100,000 terms take about 15 MB).
MAX_BYTES = 64 * 2**20


def _read_bytes(path: str) -> bytes:
    try:
        with open(path, "rb") as f:
            raw = f.read(MAX_BYTES + 1)  # not all of /dev/zero
    except OSError as e:
        raise GlossaryError(f"{path}: cannot read glossary: {e.strerror or e}") from None
    if len(raw) > MAX_BYTES:
        raise GlossaryError(f"{path}: larger than {MAX_BYTES // 2**20} MB: not a glossary file")
    return raw


def parse_file(path: str, raw: bytes) -> GlossaryFile:
    r"""Validate the bytes of a glossary file; ``path`` names it in errors.

    YAML anchors and aliases, and a key given twice in one mapping, are errors:

    >>> parse_file("g.yaml", b"glossary: g\nterms: &t []\nx: *t\n")
    Traceback (most recent call last):
    termkit.glossary.GlossaryError: g.yaml: YAML anchor &t at line 2, column 8: glossary files do not allow anchors and aliases
    >>> parse_file("g.yaml", b"glossary: g\nterms: []\nglossary: h\n")
    Traceback (most recent call last):
    termkit.glossary.GlossaryError: g.yaml: duplicate key 'glossary' at line 3, column 1 (first at line 1)
    """
    import yaml

    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise GlossaryError(f"{path}: not UTF-8 text (byte {e.start}); save the glossary as UTF-8") from None
    loader = _loader()
    try:
        data = yaml.load(text, Loader=loader)
    except _Refused as e:
        raise GlossaryError(f"{path}: {e}") from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(e, "problem", None) or str(e).splitlines()[0]
        raise GlossaryError(f"{path}: malformed YAML{where}: {problem}") from None
    except RecursionError:
        raise GlossaryError(f"{path}: the YAML is nested too deeply") from None
    except ValueError as e:  # a value PyYAML cannot build, such as an integer of 5,000 digits
        raise GlossaryError(f"{path}: malformed YAML: {str(e).splitlines()[0]}") from None
    if not isinstance(data, dict):
        raise GlossaryError(f"{path}: a glossary file must be a mapping with 'glossary' and 'terms'")
    from pydantic import ValidationError

    try:
        return validate(GlossaryFile, data)
    except ValidationError as e:
        raise GlossaryError(_format_validation(path, data, e)) from None


class _Refused(Exception):
    """YAML that glossary files do not allow (an anchor, a repeated key); the message says where."""


@lru_cache(maxsize=None)
def _loader():
    """PyYAML's safe loader, refusing anchors, aliases and repeated keys.

    An alias repeats a whole subtree without repeating its text, so a few
    hundred bytes of nested aliases (a "billion laughs") would stand for
    billions of entries; glossary files have no need for them, and they are
    refused as the document is composed, before anything is expanded. A key
    given twice in a mapping would silently lose the first value. The events
    come from the C parser; composing them in Python costs little.
    """
    from yaml import AliasEvent, SafeLoader
    from yaml.composer import Composer
    from yaml.constructor import SafeConstructor
    from yaml.resolver import Resolver

    try:
        from yaml._yaml import CParser  # libyaml's parser, as CSafeLoader uses

        class Base(Composer, CParser, SafeConstructor, Resolver):
            def __init__(self, stream):
                CParser.__init__(self, stream)
                Composer.__init__(self)
                SafeConstructor.__init__(self)
                Resolver.__init__(self)
    except ImportError:  # pragma: no cover - PyYAML built without libyaml
        Base = SafeLoader

    class Loader(Base):
        def compose_node(self, parent, index):
            event = self.peek_event()
            if event.anchor is not None:
                what = "alias *" if isinstance(event, AliasEvent) else "anchor &"
                raise _Refused(f"YAML {what}{event.anchor} at {_at(event.start_mark)}: "
                               "glossary files do not allow anchors and aliases")
            return super().compose_node(parent, index)

        def construct_mapping(self, node, deep=False):
            mapping = super().construct_mapping(node, deep=deep)
            if len(mapping) < len(node.value):  # a key came twice: find it
                first = {}
                for key_node, _ in node.value:
                    key = self.construct_object(key_node)
                    if key in first:
                        raise _Refused(f"duplicate key {key!r} at {_at(key_node.start_mark)} "
                                       f"(first at line {first[key].line + 1})")
                    first[key] = key_node.start_mark
            return mapping

    return Loader


def _at(mark) -> str:
    return f"line {mark.line + 1}, column {mark.column + 1}"


class Glossary:
    """An ordered collection of terms, checked as a whole.

    >>> g = Glossary.from_keys(["三区三线", "清化收"])
    >>> len(g), [t.key for t in g]
    (2, ['三区三线', '清化收'])
    """

    def __init__(self, terms: Iterable[Term], *, origins: dict[str, str] | None = None):
        self._terms: list[Term] = list(terms)
        self._origins = dict(origins or {})
        self._by_id: dict[str, Term] = {}
        self._by_form: dict[str, Term] = {}
        self._check()

    def _where(self, term: Term) -> str:
        origin = self._origins.get(term.id)
        return f"{origin}: " if origin else ""

    def _check(self) -> None:
        for term in self._terms:
            if term.id in self._by_id:
                raise GlossaryError(f"{self._where(term)}term {term.id}: duplicate id")
            self._by_id[term.id] = term
        for term in self._terms:
            for form, _ in term.forms:
                other = self._by_form.get(form)
                if other is not None and other.id != term.id:
                    raise GlossaryError(
                        f"{self._where(term)}term {term.id}: form {form!r} already belongs to "
                        f"{self._where(other)}term {other.id}"
                    )
                self._by_form[form] = term
        refs = {t.id: sorted(component_refs(t.components)) for t in self._terms}
        for tid, targets in refs.items():
            for target in targets:
                if target not in self._by_id:
                    raise GlossaryError(
                        f"{self._where(self._by_id[tid])}term {tid}: component refers to missing term {target!r}"
                    )
        cycle = find_cycle(refs)
        if cycle:
            raise GlossaryError(
                f"{self._where(self._by_id[cycle[0]])}term {cycle[0]}: components refer in a cycle: "
                + " -> ".join(cycle)
            )

    # -- construction -------------------------------------------------
    @classmethod
    def from_files(cls, paths: Iterable[str | Path]) -> "Glossary":
        """Load and merge glossary files, in order.

        Validated files are cached as JSON keyed by their content (see
        :mod:`termkit.cache`), so a second load skips YAML and validation.
        """
        from . import __version__

        files = [(str(p), _read_bytes(str(p))) for p in paths]
        name = "glossary-" + digest(__version__, *(x for f in files for x in f))
        cached = cls._from_cache(cache.load(name), [path for path, _ in files])
        if cached is not None:
            return cached
        terms: list[Term] = []
        origins: dict[str, str] = {}
        for path, raw in files:
            for t in parse_file(path, raw).terms:
                origins.setdefault(t.id, path)
                terms.append(t)
        glossary = cls(terms, origins=origins)
        cache.store(name, {"terms": [to_json(t) for t in terms], "origins": origins})
        return glossary

    @classmethod
    def _from_cache(cls, cached: object, paths: list[str]) -> "Glossary | None":
        """The glossary :meth:`from_files` cached for these files, or None if
        ``cached`` is not exactly what it stores (then the files are read again)."""
        if type(cached) is not dict or cached.keys() != {"terms", "origins"} or type(cached["terms"]) is not list:
            return None
        origins = cached["origins"]
        try:
            terms = [term_from_json(t) for t in cached["terms"]]
            if (type(origins) is not dict or origins.keys() != {t.id for t in terms}
                    or not set(origins.values()) <= set(paths)):
                return None
            return cls(terms, origins=origins)
        except (TypeError, ValueError, RecursionError):  # a GlossaryError is a ValueError
            return None

    @classmethod
    def load(cls) -> "Glossary":
        """The bundled glossary, curated from the seed documents."""
        return cls.from_files(bundled_files())

    @classmethod
    def from_keys(cls, keys: Iterable[str]) -> "Glossary":
        """An ad-hoc glossary from bare surface forms, with no definitions.

        All whitespace is removed from a key (a key is stored clean: ``"4 句话"``
        becomes ``4句话``) and surrounding quotation marks are stripped; ids are
        ``adhoc/<key>``. Repeated keys are kept once.
        """
        from .model import QUOTES, Context, check_surface

        # Every field is known valid here (the key checked below): skip pydantic's
        # per-term validation, which dominates building a glossary of 100,000 keys.
        with trusted():
            source = [Source(document="ad hoc")]
            context = Context()
            terms = []
            seen = set()
            for raw in keys:
                key = "".join(str(raw).split()).strip(QUOTES)
                if key in seen:
                    continue
                seen.add(key)
                try:
                    check_surface(key, "key")
                except ValueError as e:
                    raise GlossaryError(f"keys: {key!r}: {e}") from None
                terms.append(
                    Term(id=f"adhoc/{key}", key=key, headword=key, aliases=[], variants=[], kind=Kind.other,
                         definition=None, components=[], scope="unknown", sources=source, en=None,
                         context=context)
                )
        return cls(terms)

    def overlay(self, other: "Glossary") -> "Glossary":
        """This glossary with ``other`` laid over it: a term of this one that
        shares an id or a surface form with a term of ``other`` gives way to it.

        This is how ``--glossary`` files add to the bundled glossary: a user's
        own entry for 六九九六 replaces the bundled one instead of clashing.

        >>> base = Glossary.from_keys(["双碳", "三区三线"])
        >>> [t.id for t in base.overlay(Glossary.from_keys(["三区三线"]))]
        ['adhoc/双碳', 'adhoc/三区三线']
        """
        taken_ids = {t.id for t in other}
        taken_forms = {f for t in other for f, _ in t.forms}
        kept = [t for t in self if t.id not in taken_ids and not any(f in taken_forms for f, _ in t.forms)]
        origins = {**{t.id: self._origins[t.id] for t in kept if t.id in self._origins}, **other._origins}
        return Glossary([*kept, *other], origins=origins)

    def __add__(self, other: "Glossary") -> "Glossary":
        return Glossary([*self._terms, *other._terms], origins={**other._origins, **self._origins})

    # -- access -------------------------------------------------------
    def __len__(self) -> int:
        return len(self._terms)

    def __iter__(self) -> Iterator[Term]:
        return iter(self._terms)

    def __getitem__(self, term_id: str) -> Term:
        return self._by_id[term_id]

    def __contains__(self, term_id: object) -> bool:
        return term_id in self._by_id

    def find_term(self, query: str) -> Term | None:
        """The term with this id, or whose key, alias or variant is ``query``."""
        q = query.strip()
        return self._by_id.get(q) or self._by_form.get(q)

    def origin(self, term_id: str) -> str | None:
        """The file a term was loaded from, if any."""
        return self._origins.get(term_id)

    def __repr__(self) -> str:
        return f"<Glossary of {len(self)} terms>"


def component_refs(components: list[Component]) -> set[str]:
    out = set()
    for c in components:
        if c.ref:
            out.add(c.ref)
        out |= component_refs(c.components)
    return out


def find_cycle(graph: dict[str, list[str]]) -> list[str] | None:
    WHITE, GREY, BLACK = 0, 1, 2
    color = dict.fromkeys(graph, WHITE)
    for root in graph:
        if color[root] != WHITE:
            continue
        stack = [(root, iter(graph[root]))]
        path = [root]
        color[root] = GREY
        while stack:
            node, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                color[node] = BLACK
                stack.pop()
                path.pop()
            elif color.get(nxt) == GREY:
                return path[path.index(nxt):] + [nxt]
            elif color.get(nxt) == WHITE:
                color[nxt] = GREY
                stack.append((nxt, iter(graph[nxt])))
                path.append(nxt)
    return None
