"""What the glossary already has: covered candidates, and near misses of known terms.

A candidate is **covered** when the Annotator (with all its normalizations:
Traditional script, width, breaks, quotes, known variants) tags it: a mention
that starts where it starts (十四五规划 is 十四五's), or mentions that cover
at least 60% of its characters (四个全面战略布局).

A **near miss** is a candidate that is a known form written otherwise, and
that no single mention tags whole (it may hold a shorter known term, as
一件事、一次办 holds 一件事); it is kept whatever its count (:class:`NearMisses`):

- ``punctuation``: the same with 、，· or spaces inside (一件事、一次办 for 一件事一次办): an alias;
- ``traditional``: a Simplified/Traditional mix whose Simplified reading is a
  known form (兩个维护): a variant;
- ``misprint``: one numeral replaced by another numeral of the same form
  (六九六六 for 六九九六; but 五个一批 is no misprint of 三个一批): a variant.
"""

from __future__ import annotations

import re

from ..text.numerals import CJK_NUMERAL_CHARS

_PUNCT = re.compile(r"[、，,·•・\s]")
COVERED_SHARE = 0.6


def covered(annotator, key: str) -> bool:
    """Whether the Annotator tags ``key`` (quoted, so that a rule asking for quotes holds).

    >>> from termkit import Annotator, Glossary
    >>> ann = Annotator(Glossary.from_keys(["十四五", "四个全面"]))
    >>> [covered(ann, k) for k in ["十四五规划", "四个全面战略布局", "五个必须", "四個全面"]]
    [True, True, False, True]
    """
    mentions = annotator.find(f"“{key}”")
    if any(m.start == 1 and m.end - m.start >= 2 for m in mentions):
        return True
    inside = sum(min(m.end, len(key) + 1) - max(m.start, 1) for m in mentions)
    return inside >= COVERED_SHARE * len(key)


def tagged_whole(annotator, key: str) -> bool:
    """Whether one mention is the whole of ``key`` (a near miss the glossary already lists).

    >>> from termkit import Annotator, Glossary
    >>> ann = Annotator(Glossary.from_keys(["一件事"]))
    >>> tagged_whole(ann, "一件事"), tagged_whole(ann, "一件事、一次办")
    (True, False)
    """
    return any(m.start == 1 and m.end == len(key) + 1 for m in annotator.find(f"“{key}”"))


def within_mention(annotator, line: str, key: str) -> bool:
    """Whether every occurrence of ``key`` in ``line`` lies inside a mention."""
    spans = [(m.start, m.end) for m in annotator.find(line)]
    found = [i for i in range(len(line)) if line.startswith(key, i)]
    return bool(found) and all(any(a <= i and i + len(key) <= b for a, b in spans) for i in found)


class NearMisses:
    """Known forms of a glossary, indexed for near-miss lookup.

    >>> from termkit import Glossary
    >>> near = NearMisses(Glossary.from_keys(["六九九六", "一件事一次办", "两个维护"]))
    >>> near("六九六六"), near("一件事、一次办"), near("兩个维护"), near("三个代表")
    (('adhoc/六九九六', 'misprint'), ('adhoc/一件事一次办', 'punctuation'), ('adhoc/两个维护', 'traditional'), None)
    """

    def __init__(self, glossary):
        self.forms: dict[str, str] = {}
        self.masks: dict[str, set] = {}
        for t in glossary:
            for f in (t.key, *t.aliases, *t.variants):
                self.forms.setdefault(f, t.id)
                if len(f) >= 4:
                    for i in range(len(f)):
                        self.masks.setdefault(f[:i] + "\0" + f[i + 1:], set()).add(f)

    def __call__(self, key: str) -> tuple[str, str] | None:
        bare = _PUNCT.sub("", key)
        if bare != key and bare in self.forms:
            return self.forms[bare], "punctuation"
        simple = _t2s(key)
        if simple != key and simple in self.forms:
            return self.forms[simple], "traditional"
        if len(key) >= 4:
            for i in range(len(key)):
                for f in sorted(self.masks.get(key[:i] + "\0" + key[i + 1:], ())):
                    if f != key and key[i] in CJK_NUMERAL_CHARS and f[i] in CJK_NUMERAL_CHARS and key[i] in f:
                        return self.forms[f], "misprint"
        return None


def _t2s(s: str) -> str:
    from ..text.traditional import _converter

    return _converter("t2s").convert(s)
