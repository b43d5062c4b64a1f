"""Aho-Corasick back ends behind one small interface.

An engine is built once from a list of distinct keys and answers two
questions about a text, both with code-point offsets and the index of the key:

- :meth:`Engine.longest`: leftmost-longest, non-overlapping matches;
- :meth:`Engine.overlapping`: every occurrence of every key.

Nothing here knows about glossaries, normalization or files.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

Match = tuple[int, int, int]  # start, end, key index


def installed_copy(module: str) -> str | None:
    """Which installed copy of a module this is (its file, size and time),
    found as ``import`` would find it, without importing it (nor
    importlib.util, 0.5 ms at every start); None where there is none."""
    loaded = sys.modules.get(module)
    if loaded is not None:
        origin = getattr(loaded, "__file__", None)
    else:
        parent = module.rpartition(".")[0]
        path = getattr(sys.modules.get(parent), "__path__", None) if parent else None
        origin = None
        for finder in sys.meta_path if path is not None or not parent else ():
            try:
                spec = finder.find_spec(module, path)
            except (AttributeError, ImportError, TypeError, ValueError):
                continue
            if spec is not None:
                origin = spec.origin
                break
    try:
        st = os.stat(origin)
    except (OSError, TypeError, ValueError):
        return None
    return f"{origin}:{st.st_size}:{st.st_mtime_ns}"


class Engine:
    """The interface. ``name`` is what ``engine=`` and ``--engine`` accept;
    ``module`` the library it imports."""

    name = "abstract"
    module = ""
    missing = ""  # what to do where it is not installed (default: pip install it)

    def __init__(self, keys: Sequence[str]):  # pragma: no cover - interface
        raise NotImplementedError

    def longest(self, text: str) -> list[Match]:  # pragma: no cover - interface
        raise NotImplementedError

    def overlapping(self, text: str) -> list[Match]:  # pragma: no cover - interface
        raise NotImplementedError

    def dump(self) -> bytes | None:
        """The automaton as bytes that :meth:`load` reads back (no code in
        them), or None where this engine cannot say it so."""
        return None

    @classmethod
    def load(cls, keys: Sequence[str], data: bytes) -> "Engine | None":
        """The engine :meth:`dump` wrote for these keys, or None where ``data``
        is not one (then build it again)."""
        return None

    @classmethod
    def installed(cls) -> bool:
        """Whether this engine can be used here (its library importable)."""
        import importlib.util

        return importlib.util.find_spec(cls.module) is not None

    @classmethod
    def stamp(cls) -> str:
        """What identifies the installed library (its file, size and time):
        a dumped automaton is read back only by the library that wrote it."""
        copy = installed_copy(cls.module)
        return f"{cls.name}:{copy}" if copy else cls.name


def select_longest(matches: list[Match]) -> list[Match]:
    """Leftmost-longest, non-overlapping selection from any set of matches.

    >>> select_longest([(1, 3, 0), (0, 2, 1), (0, 1, 2), (2, 4, 3)])
    [(0, 2, 1), (2, 4, 3)]
    """
    out: list[Match] = []
    last = 0
    for s, e, i in sorted(matches, key=lambda m: (m[0], -m[1])):
        if s >= last:
            out.append((s, e, i))
            last = e
    return out


class NativeEngine(Engine):
    """termkit's own automaton, in its C module (``termkit/_native.c``): the
    Annotator reads it in C, selecting as it scans (``_native.find``), and
    makes no tuple of a match it does not keep. Of :data:`DUMP_FROM` keys
    or more it is cached (``dump()``; read back, checked and its cache
    entry's hash verified in a third of the time of building it at 1,000
    keys, a tenth at 100,000); below, building it is as quick.
    Not there where the C module is not (or ``TERMKIT_PURE_PYTHON`` is set),
    so its examples are in tests/test_automaton.py.
    """

    name = "native"
    module = "termkit._native"
    missing = "termkit's C module was not built here, or TERMKIT_PURE_PYTHON is set"
    #: The fewest keys whose automaton is cached.
    DUMP_FROM = 1_000

    def __init__(self, keys: Sequence[str]):
        from .. import native

        self.automaton = native.module.automaton(list(keys))
        self._nkeys = len(keys)

    def dump(self) -> bytes | None:
        return self.automaton.dump() if self._nkeys >= self.DUMP_FROM else None

    @classmethod
    def load(cls, keys: Sequence[str], data: bytes) -> "NativeEngine | None":
        from .. import native

        try:
            automaton = native.module.load(list(keys), data)
        except ValueError:  # not an automaton of keys like these
            return None
        engine = cls.__new__(cls)
        engine.automaton, engine._nkeys = automaton, len(keys)
        return engine

    @classmethod
    def installed(cls) -> bool:
        from .. import native

        return native.module is not None

    def longest(self, text: str) -> list[Match]:
        return self.automaton.longest(text)

    def overlapping(self, text: str) -> list[Match]:
        """Every match, sorted by start, then end."""
        return self.automaton.overlapping(text)


class PyAhoCorasickEngine(Engine):
    """pyahocorasick: the required engine, always installed."""

    name = "pyahocorasick"
    module = "ahocorasick"

    def __init__(self, keys: Sequence[str]):
        import ahocorasick

        self._empty = not keys
        self._a = ahocorasick.Automaton()
        for i, k in enumerate(keys):
            self._a.add_word(k, (i, len(k)))
        if not self._empty:
            self._a.make_automaton()

    def overlapping(self, text: str) -> list[Match]:
        if self._empty:
            return []
        return [(e - n + 1, e + 1, i) for e, (i, n) in self._a.iter(text)]

    def longest(self, text: str) -> list[Match]:
        # pyahocorasick's iter_long is not leftmost-longest in every case
        # (it commits to a match before seeing a longer one that starts
        # earlier), so the selection is made here from all occurrences.
        return select_longest(self.overlapping(text))


class DaachorseEngine(Engine):
    """daachorse: a Rust double-array automaton, several times faster."""

    name = "daachorse"
    module = "daachorse"

    def __init__(self, keys: Sequence[str], _long=None):
        import daachorse

        self._empty = not keys
        if self._empty:
            return
        self._long = _long or daachorse.CharwiseDoubleArrayAhoCorasick(
            list(keys), match_kind=daachorse.MATCH_KIND_LEFTMOST_LONGEST
        )
        self._all = None
        self._keys = keys

    def dump(self) -> bytes | None:
        return b"" if self._empty else self._long.serialize()

    @classmethod
    def load(cls, keys: Sequence[str], data: bytes) -> "DaachorseEngine | None":
        """>>> e = DaachorseEngine(["ab", "abc", "bcd"])
        >>> DaachorseEngine.load(e._keys, e.dump()).longest("abcd"), DaachorseEngine.load(["x"], b"junk")
        ([(0, 3, 1)], None)
        """
        import daachorse

        if not keys:
            return cls(keys)
        try:
            return cls(keys, daachorse.CharwiseDoubleArrayAhoCorasick.deserialize(bytes(data)))
        except ValueError:  # not an automaton daachorse wrote
            return None

    def overlapping(self, text: str) -> list[Match]:
        if self._empty:
            return []
        if self._all is None:  # built on first use: most texts never need it
            import daachorse

            self._all = daachorse.CharwiseDoubleArrayAhoCorasick(self._keys)
        try:
            return self._all.find_overlapping(text)
        except UnicodeEncodeError:
            return self._all.find_overlapping(_without_surrogates(text))

    def longest(self, text: str) -> list[Match]:
        if self._empty:
            return []
        try:
            return self._long.find(text)
        except UnicodeEncodeError:  # lone surrogates cannot cross into Rust
            return self._long.find(_without_surrogates(text))


_SURROGATE = None


def _without_surrogates(text: str) -> str:
    """Lone surrogates replaced by U+FFFD, one for one (no key contains either)."""
    global _SURROGATE
    if _SURROGATE is None:
        import re

        _SURROGATE = re.compile("[\ud800-\udfff]")
    return _SURROGATE.sub("\ufffd", text)


ENGINES: dict[str, type[Engine]] = {
    "native": NativeEngine,
    "daachorse": DaachorseEngine,
    "pyahocorasick": PyAhoCorasickEngine,
}


def available() -> list[str]:
    """The engines that can be used here, fastest first."""
    return [n for n, kind in ENGINES.items() if kind.installed()]


def engine_class(name: str) -> type[Engine]:
    """The named engine class, or the fastest installed one for ``"auto"``."""
    if name == "auto":
        name = available()[0]
    if name not in ENGINES:
        raise ValueError(f"unknown engine {name!r}; choose from: auto, {', '.join(ENGINES)}")
    if name not in available():
        raise ValueError(f"engine {name!r} is not installed ({ENGINES[name].missing or 'pip install ' + name})")
    return ENGINES[name]


def make_engine(name: str, keys: Sequence[str]) -> Engine:
    """Build the named engine, or the fastest installed one for ``"auto"``."""
    return engine_class(name)(keys)
