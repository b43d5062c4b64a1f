"""Regular expressions compiled on first use.

Python's ``re`` takes about half a millisecond to compile a pattern with a
class of Chinese characters; a module of a dozen such patterns adds several
milliseconds to every start of ``termkit``, used or not. A :class:`Lazy`
pattern is compiled when first used (and kept by ``re``'s own cache).

A pattern that cannot match without some literal text may say so
(``needs``): ``search``, ``match`` and ``fullmatch`` of a string that lacks
it are None at once, and the pattern is not compiled for them. Each entry
of ``needs`` is a string the pattern's every match holds, or a tuple of
strings of which every match holds one (tests/test_documents.py checks them
against strings made from the pattern).

>>> YEAR = Lazy(r"(19|20)[0-9]{2}")
>>> YEAR.search("于2023年").group(), YEAR.pattern
('2023', '(19|20)[0-9]{2}')
>>> DATE = Lazy(r"[0-9]{4}年[0-9]{1,2}月", needs=("年", "月"))
>>> DATE.search("无日期"), DATE._compiled
(None, None)
>>> DATE.search("2023年3月").group()
'2023年3月'
>>> import copy, pickle
>>> pickle.loads(pickle.dumps(YEAR)).match("2024").group(), copy.copy(YEAR).flags == re.compile("").flags
('2024', True)
"""

from __future__ import annotations

import re


class Lazy:
    """A pattern with the methods of a compiled one (``search``, ``match``,
    ``sub``, ``finditer``…), compiled on first use."""

    __slots__ = ("pattern", "_flags", "_compiled", "needs")

    def __init__(self, pattern: str, flags: int = 0, needs: tuple = ()):
        self.pattern, self._flags, self._compiled, self.needs = pattern, flags, None, needs

    def _lacks(self, string: str) -> bool:
        """Whether ``string`` lacks what every match holds (see ``needs``)."""
        for need in self.needs:
            if (need not in string) if type(need) is str else not any(n in string for n in need):
                return True
        return False

    def compiled(self) -> re.Pattern:
        """The pattern, compiled (on the first call)."""
        if self._compiled is None:
            self._compiled = re.compile(self.pattern, self._flags)
        return self._compiled

    def search(self, string: str, *args):
        return None if self._lacks(string) else self.compiled().search(string, *args)

    def match(self, string: str, *args):
        return None if self._lacks(string) else self.compiled().match(string, *args)

    def fullmatch(self, string: str, *args):
        return None if self._lacks(string) else self.compiled().fullmatch(string, *args)

    def __getattr__(self, name: str):
        if name.startswith("_"):  # (copy and pickle ask for such names before __init__ ran)
            raise AttributeError(name)
        return getattr(self.compiled(), name)

    def __reduce__(self):
        return (Lazy, (self.pattern, self._flags, self.needs))

    def __repr__(self) -> str:
        return f"Lazy({self.pattern!r})"
