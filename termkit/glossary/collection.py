"""The :class:`Glossary`: an ordered, immutable collection of terms, checked
as a whole when it is built (see :mod:`termkit.glossary.checks`); loading
and merging glossary files, through the on-disk cache (a glossary read back
from it was checked before it was cached: its terms are made as they are
read); the bundled default."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

from .. import cache
from ..cache import digest
from .checks import Checked, check_terms, where_and_when
from .files import GlossaryError, _read_bytes, bundled_paths, parse_file, read_terms_list
from .model import Kind, Source, Term, term_from_cache, term_from_json, to_json, trusted

if TYPE_CHECKING:
    from pathlib import Path


class Glossary:
    """An ordered collection of terms, checked as a whole.

    >>> g = Glossary.from_keys(["三区三线", "清化收"])
    >>> len(g), [t.key for t in g]
    (2, ['三区三线', '清化收'])
    """

    def __init__(self, terms: Iterable[Term], *, origins: dict[str, str] | None = None):
        self._terms: list[Term] = list(terms)
        self._origins = dict(origins or {})
        checked = check_terms(self._terms, lambda t: self._origins.get(t.id))
        if checked.problems:
            term = checked.problems[0].term
            where = f"{self._origins[term.id]}: " if term.id in self._origins else ""
            raise GlossaryError(where + checked.problems[0].message)
        self._checked: Checked | None = checked  # the indexes by id and by form (see _indexes)
        self._keys: list[str] | None = None  # set by from_keys: all it takes to make it again
        self._packed: tuple[str, bytes] | None = None  # see packed()
        # What names this glossary's files and their contents (from_files): an
        # Annotator's cache entry is named by it, not by the terms read again.
        self._digest: str | None = None

    @classmethod
    def _lazy(cls, raw: list[dict], origins: dict[str, str], name: str) -> "Glossary":
        """The glossary of the cache entry ``name`` (:meth:`from_files`): its
        terms made from ``raw`` as they are first read (:class:`_Terms`), its
        indexes as they are first needed. A run that annotates a file reads
        a fraction of them: building all 577 bundled terms took 5 ms a start."""
        self = cls.__new__(cls)
        self._terms, self._origins, self._checked = _Terms(raw), origins, None
        self._keys, self._packed, self._digest = None, None, name
        return self

    def _indexes(self) -> Checked:
        """The terms by id, by form and the forms several share; of a glossary
        from the cache, made on first use (checking it again finds nothing:
        it was checked before it was cached)."""
        if self._checked is None:
            self._checked = check_terms(list(self._terms), lambda t: self._origins.get(t.id))
        return self._checked

    # -- construction -------------------------------------------------
    @classmethod
    def from_files(cls, paths: Iterable[str | Path]) -> "Glossary":
        """Load and merge glossary files, in order.

        A file is read by its extension: ``.tbx``, ``.csv``, ``.tsv`` and
        ``.jsonl`` as :mod:`~termkit.glossary.interchange` says, anything else
        as YAML (or JSON). Validated files are cached as JSON keyed by their
        name and content (see :mod:`termkit.cache`), whatever their format,
        so a second load skips parsing and validation.
        """
        from .. import __version__

        files = [(str(p), _read_bytes(str(p))) for p in paths]
        name = "glossary-" + digest(__version__, *(x for f in files for x in f))  # the path: its extension counts
        cached = cls._from_cache(cache.load_bytes(name), [path for path, _ in files], name)
        if cached is not None:
            return cached
        from .interchange import format_of, parse  # (only when the cache misses)

        terms: list[Term] = []
        origins: dict[str, str] = {}
        for path, raw in files:
            reader = parse if format_of(path) else parse_file
            for t in reader(path, raw).terms:
                origins.setdefault(t.id, path)
                terms.append(t)
        glossary = cls(terms, origins=origins)
        glossary._digest = name
        with contextlib.suppress(ValueError):  # (a lone surrogate in a definition: not cached)
            cache.store_bytes(name, json.dumps({"terms": [to_json(t, exclude_defaults=True) for t in terms],
                                                "origins": origins}, ensure_ascii=False).encode("utf-8"))
        return glossary

    @classmethod
    def from_term_lists(cls, paths: Iterable[str | Path]) -> "Glossary":
        """Plain lists of terms, one a line, optionally with a tab and a
        definition (see :func:`~termkit.glossary.files.read_terms_list`)."""
        terms: list[Term] = []
        origins: dict[str, str] = {}
        for path in paths:
            for t in read_terms_list(path).terms:
                origins.setdefault(t.id, str(path))
                terms.append(t)
        return cls(terms, origins=origins)

    @classmethod
    def _from_cache(cls, blob: memoryview | None, paths: list[str], name: str) -> "Glossary | None":
        """The glossary :meth:`from_files` cached for these files as ``name``,
        from the bytes of its cache entry (verified by their hash, see
        :func:`termkit.cache.load_bytes`), or None if they are not what it
        stores (then the files are read again). Its terms are made as they
        are first read (:meth:`_lazy`): their shape is checked then."""
        if blob is None:
            return None
        try:
            cached = json.loads(bytes(blob))
            if type(cached) is not dict or cached.keys() != {"terms", "origins"} or type(cached["terms"]) is not list:
                return None
            raw, origins = cached["terms"], cached["origins"]
            ids = [t["id"] for t in raw]
            if (type(origins) is not dict or not all(type(i) is str for i in ids) or len(set(ids)) != len(ids)
                    or origins.keys() != set(ids) or not set(origins.values()) <= set(paths)):
                return None
            return cls._lazy(raw, origins, name)
        except (TypeError, ValueError, KeyError, AttributeError, RecursionError):
            return None

    @classmethod
    def load(cls) -> "Glossary":
        """The bundled glossary, curated from the seed documents."""
        return cls.from_files(bundled_paths())

    @classmethod
    def from_keys(cls, keys: Iterable[str]) -> "Glossary":
        """An ad-hoc glossary from bare surface forms, with no definitions.

        All whitespace is removed from a key (a key is stored clean: ``"4 句话"``
        becomes ``4句话``) and surrounding quotation marks are stripped; ids are
        ``adhoc/<key>``. Repeated keys are kept once.
        """
        from ..text.chars import QUOTES
        from .model import Context, check_surface

        # Every field is known valid here (the key checked below): skip pydantic's
        # per-term validation, which dominates building a glossary of 100,000 keys.
        with trusted():
            source = (Source(document="ad hoc"),)
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
                    Term(id=f"adhoc/{key}", key=key, headword=key, aliases=(), variants=(), kind=Kind.other,
                         definition=None, components=(), scope="unknown", sources=source, en=None,
                         context=context)
                )
        glossary = cls(terms)
        glossary._keys = [t.key for t in terms]  # all it takes to make it again (see packed())
        return glossary

    def overlay(self, other: "Glossary") -> "Glossary":
        """This glossary with ``other`` laid over it: a term of this one gives
        way to a term of ``other`` with its id, or with one of its surface
        forms and no scope (``unknown``), or with one of its forms in the same
        scope and either the same period or no period on one side (a term
        without a period holds at every time).

        This is how ``--glossary`` files add to the bundled glossary: a user's
        own entry for 六九九六 replaces the bundled one instead of clashing,
        while a district's own 三个一批 stands beside the national one.

        >>> base = Glossary.from_keys(["双碳", "三区三线"])
        >>> [t.id for t in base.overlay(Glossary.from_keys(["三区三线"]))]
        ['adhoc/双碳', 'adhoc/三区三线']
        """
        taken_ids = {t.id for t in other}
        taken: dict[tuple[str, str], set] = {}  # (form, place) -> the periods of other's terms
        for t in other:
            scope, period = where_and_when(t)
            for f, _ in t.forms:
                taken.setdefault((f, scope), set()).add(period)
        unscoped = {f for t in other if t.scope == "unknown" for f, _ in t.forms}

        def gives_way(t: Term) -> bool:
            scope, period = where_and_when(t)
            for f, _ in t.forms:
                periods = taken.get((f, scope), ())
                if f in unscoped or period in periods or (periods and (period is None or None in periods)):
                    return True
            return t.id in taken_ids

        kept = [t for t in self if not gives_way(t)]
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
        return self._indexes().by_id[term_id]

    def __contains__(self, term_id: object) -> bool:
        return term_id in self._indexes().by_id

    def find_term(self, query: str) -> Term | None:
        """The term with this id, or whose key, alias or variant is ``query``."""
        q = query.strip()
        return self._indexes().by_id.get(q) or self._indexes().by_form.get(q)

    def terms_with_form(self, form: str) -> tuple[Term, ...]:
        """Every term whose key, alias or variant is ``form``, in entry order
        (several where terms of different scopes or periods share it).

        >>> Glossary.from_keys(["双碳"]).terms_with_form("双碳")[0].id
        'adhoc/双碳'
        """
        checked = self._indexes()
        if form in checked.shared:
            return checked.shared[form]
        term = checked.by_form.get(form)
        return () if term is None else (term,)

    def origin(self, term_id: str) -> str | None:
        """The file a term was loaded from, if any."""
        return self._origins.get(term_id)

    def __repr__(self) -> str:
        return f"<Glossary of {len(self)} terms>"

    # -- pickling: compact, and built without validating again ---------
    def packed(self) -> tuple[str, bytes]:
        """The glossary as compressed JSON (its terms and origins), with a
        digest of it: what a pickle of it, or of an Annotator, carries. Made
        once per glossary.

        >>> g = Glossary.from_keys(["双碳"])
        >>> Glossary.unpacked(g.packed()[1])["adhoc/双碳"].key
        '双碳'
        """
        if self._packed is None:
            import json
            import zlib

            content = ({"keys": self._keys} if self._keys is not None else
                       {"terms": [to_json(t) for t in self._terms], "origins": self._origins})
            data = json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass")
            self._packed = (digest(data), zlib.compress(data, 6))
        return self._packed

    @classmethod
    def unpacked(cls, blob: bytes) -> "Glossary":
        """The glossary :meth:`packed` made."""
        import json
        import zlib

        data = json.loads(zlib.decompress(blob).decode("utf-8", "surrogatepass"))
        if "keys" in data:
            return cls.from_keys(data["keys"])
        with trusted():
            terms = [term_from_json(t) for t in data["terms"]]
        # (Not the sender's _digest: its code may read the same files otherwise. An
        # Annotator of this copy is named by its terms.)
        return cls(terms, origins=data["origins"])

    def __reduce__(self):
        return (Glossary.unpacked, (self.packed()[1],))


class _Terms(Sequence):
    """The terms of a cached glossary (:meth:`Glossary._lazy`), each made from
    its JSON on first read and kept: one object per term, whichever thread
    reads it first. JSON that is not a term is a GlossaryError then: the
    cache entry was not what termkit writes."""

    __slots__ = ("_raw", "_made")

    def __init__(self, raw: list[dict]):
        self._raw, self._made = raw, {}

    def __len__(self) -> int:
        return len(self._raw)

    def __getitem__(self, i):
        if type(i) is slice:
            return [self[j] for j in range(*i.indices(len(self._raw)))]
        term = self._made.get(i)
        if term is None:
            if i < 0:
                i += len(self._raw)
            try:
                term = term_from_cache(self._raw[i])
            except (TypeError, ValueError, KeyError, AttributeError, RecursionError) as e:
                raise GlossaryError(f"termkit's cache holds a damaged glossary ({type(e).__name__}: {e}); "
                                    f"delete {cache.cache_dir()} to rebuild it") from None
            term = self._made.setdefault(i, term)  # (atomic: two threads keep the same one)
        return term

    def __iter__(self) -> Iterator[Term]:
        for i in range(len(self._raw)):
            yield self[i]
