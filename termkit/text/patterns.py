"""Regular expressions compiled on first use.

Python's ``re`` takes about half a millisecond to compile a pattern with a
class of Chinese characters; a module of a dozen such patterns adds several
milliseconds to every start of ``termkit``, used or not. A :class:`Lazy`
pattern is compiled when first used (and kept by ``re``'s own cache).

>>> YEAR = Lazy(r"(19|20)[0-9]{2}")
>>> YEAR.search("于2023年").group(), YEAR.pattern
('2023', '(19|20)[0-9]{2}')
>>> import copy, pickle
>>> pickle.loads(pickle.dumps(YEAR)).match("2024").group(), copy.copy(YEAR).flags == re.compile("").flags
('2024', True)
"""

from __future__ import annotations

import re


class Lazy:
    """A pattern with the methods of a compiled one (``search``, ``match``,
    ``sub``, ``finditer``…), compiled on first use."""

    __slots__ = ("pattern", "_flags", "_compiled")

    def __init__(self, pattern: str, flags: int = 0):
        self.pattern, self._flags, self._compiled = pattern, flags, None

    def __getattr__(self, name: str):
        if name.startswith("_"):  # (copy and pickle ask for such names before __init__ ran)
            raise AttributeError(name)
        compiled = self._compiled
        if compiled is None:
            compiled = self._compiled = re.compile(self.pattern, self._flags)
        return getattr(compiled, name)

    def __reduce__(self):
        return (Lazy, (self.pattern, self._flags))

    def __repr__(self) -> str:
        return f"Lazy({self.pattern!r})"
