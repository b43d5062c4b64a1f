"""China's places as a scope hierarchy (termkit.scope.places)."""

import re
import subprocess
import sys
from functools import reduce
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from termkit.scope import NATIONAL, Place, contains, parent, place

ROOT = Path(__file__).resolve().parent.parent
TSV = ROOT / "termkit" / "scope" / "places.tsv"


def table_rows():
    """(code, name, former) of every row of places.tsv."""
    lines = TSV.read_text(encoding="utf-8").splitlines()
    return [(f[0], f[1], f[2:] == ["former"]) for f in (line.split("\t") for line in lines if not line.startswith("#"))]


def table_paths():
    """Each row's path, worked out from the codes: a province is XX0000; a
    prefecture XXYY00 below it; a county below its prefecture when that has a
    row, else directly below the province."""
    rows = table_rows()
    names = {}
    for code, name, former in rows:
        if not former or code not in names:
            names[code] = name
    paths = []
    for code, name, former in rows:
        province, prefecture = code[:2] + "0000", code[:4] + "00"
        chain = [province] + ([prefecture] if prefecture not in (province, code) and prefecture in names else [])
        paths.append((code, tuple(names[c] for c in chain if c != code) + (name,), former))
    return paths


PATHS = table_paths()
BY_NAME = {}
for _code, _path, _former in PATHS:
    BY_NAME.setdefault(_path[-1], set()).add(_path)
NAMES = sorted(BY_NAME)


def shared_ancestors(paths):
    def common(a, b):
        n = 0
        while n < min(len(a), len(b)) and a[n] == b[n]:
            n += 1
        return a[:n]
    return reduce(common, [p[:-1] for p in paths])


# --- the table ---

def test_the_table_is_small_names_its_source_and_holds_only_codes_and_names():
    assert TSV.stat().st_size < 150_000
    assert TSV.read_text(encoding="utf-8").startswith("# source: ")
    rows = table_rows()
    assert len(rows) > 3000
    for code, name, _ in rows:
        assert re.fullmatch(r"[1-8][0-9]{5}", code) and name and not name.isspace(), (code, name)
        assert name not in {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}
    assert ("140404", "上党区", False) in rows and ("140421", "长治县", True) in rows
    assert len({(c, n) for c, n, _ in rows}) == len(rows)


def test_no_two_places_have_the_same_path():
    paths = [p for _, p, _ in PATHS]
    assert len(set(paths)) == len(paths)


def test_the_table_is_read_on_the_first_call_not_on_import():
    script = ("import termkit.scope.places as m\n"
              "assert m._table.cache_info().currsize == 0\n"
              "m.place('上党区')\n"
              "assert m._table.cache_info().currsize == 1\n")
    subprocess.run([sys.executable, "-c", script], check=True)


# --- reading names ---

SHANGDANG = Place(("山西省", "长治市", "上党区"))


@pytest.mark.parametrize("name, path", [
    ("长治市上党区", SHANGDANG.path),
    ("上党区", SHANGDANG.path),
    ("山西省长治市上党区", SHANGDANG.path),
    ("山西长治市上党区", SHANGDANG.path),
    ("山西上党区", SHANGDANG.path),
    (" 山西省 长治市 上党区\n", SHANGDANG.path),
    ("山西", ("山西省",)),
    ("山西省", ("山西省",)),
    ("长治市", ("山西省", "长治市")),
    ("朔州市平鲁区", ("山西省", "朔州市", "平鲁区")),
    ("广西", ("广西壮族自治区",)),
    ("内蒙古自治区", ("内蒙古自治区",)),
    ("内蒙古", ("内蒙古自治区",)),
    ("新疆", ("新疆维吾尔自治区",)),
    ("宁夏", ("宁夏回族自治区",)),
    ("西藏", ("西藏自治区",)),
    ("香港", ("香港特别行政区",)),
    ("北京", ("北京市",)),
    ("北京市朝阳区", ("北京市", "朝阳区")),
    ("北京朝阳区", ("北京市", "朝阳区")),
    ("长春市朝阳区", ("吉林省", "长春市", "朝阳区")),
    ("朝阳区", ("朝阳区",)),                            # 北京's or 长春's: not placed
    ("江苏鼓楼区", ("江苏省", "鼓楼区")),               # 南京's or 徐州's: within 江苏省
    ("吉林市", ("吉林省", "吉林市")),                    # the longest name, not 吉林 + 市
    ("河南蒙古族自治县", ("青海省", "黄南藏族自治州", "河南蒙古族自治县")),
    ("济源市", ("河南省", "济源市")),                    # a county-level city below its province
    ("澳门大堂区", ("澳门特别行政区", "大堂区")),
    ("长治县", ("山西省", "长治市", "长治县")),           # former: its own place, not 上党区
    ("长治市高新区", ("山西省", "长治市", "高新区")),
    ("山西省人民政府", ("山西省", "人民政府")),
    ("山西省朝阳区", ("山西省", "朝阳区")),             # not below 山西省: the rest is one part
    ("上党区上党区", SHANGDANG.path + ("上党区",)),
    ("中共中央", ("中共中央",)),
    ("national", ()), ("全国", ()), ("中国", ()), ("中华人民共和国", ()), ("国家", ()), ("国务院", ()),
])
def test_a_name_reads_as_its_place(name, path):
    assert place(name) == Place(path)


def test_an_ambiguous_name_keeps_the_ancestors_its_candidates_share():
    within = [n for n in NAMES if len(BY_NAME[n]) > 1 and shared_ancestors(BY_NAME[n])]
    assert within, "the table has a name held twice within one province"
    for name in within:
        assert place(name).path == shared_ancestors(BY_NAME[name]) + (name,)


@pytest.mark.parametrize("name", ["unknown", "", " ", "\t\n", "UNKNOWN"])
def test_no_place(name):
    assert place(name) is None


def test_name_depth_parent_and_contains():
    assert SHANGDANG.name == "山西省长治市上党区" and SHANGDANG.depth == 3
    assert NATIONAL.name == "national" and NATIONAL.depth == 0
    assert parent(SHANGDANG) == place("长治市") and parent(place("山西")) == NATIONAL and parent(NATIONAL) is None
    assert contains(NATIONAL, SHANGDANG) and contains(place("山西"), SHANGDANG) and contains(SHANGDANG, SHANGDANG)
    assert not contains(SHANGDANG, place("长治市")) and not contains(place("长治县"), SHANGDANG)
    assert not contains(place("北京市"), place("朝阳区"))
    assert contains(place("长治市"), place("长治市人民政府办公室"))


def glossary_scopes():
    scopes = set()
    for path in sorted((ROOT / "glossaries").glob("*.yaml")):
        for term in yaml.safe_load(path.read_text(encoding="utf-8")).get("terms") or []:
            if "scope" in term:
                scopes.add(term["scope"])
    return sorted(scopes)


def test_the_bundled_glossaries_have_scopes():
    assert {"national", "长治市上党区", "朔州市平鲁区"} <= set(glossary_scopes())


@pytest.mark.parametrize("scope", glossary_scopes())
def test_every_scope_of_the_bundled_glossaries_places_fully(scope):
    assert scope == "unknown" or place(scope) == NATIONAL or place(scope).path in BY_NAME.get(place(scope).path[-1], ())


def test_every_province_and_prefecture_is_reachable():
    upper = [(code, path) for code, path, _ in PATHS if code.endswith("00")]
    assert len([p for _, p in upper if len(p) == 1]) == 34   # 23 provinces, 5 autonomous regions, 4 municipalities, 2 SARs
    assert len(upper) > 300
    for code, path in upper:
        assert place("".join(path)).path == path, code
        if len(BY_NAME[path[-1]]) == 1:
            assert place(path[-1]).path == path, code


# --- properties ---

def test_every_table_place_reads_back_from_its_full_name():
    for code, path, _ in PATHS:
        assert place("".join(path)).path == path, code


def test_every_table_name_places_to_its_path_or_below_its_candidates_shared_ancestors():
    """A name held once places to its own path; a name held more than once
    places to the ancestors all its holders share, then the name."""
    for name in NAMES:
        holders = BY_NAME[name]
        expected = next(iter(holders)) if len(holders) == 1 else shared_ancestors(holders) + (name,)
        assert place(name).path == expected, name


ANY_TEXT = st.text(st.characters(exclude_categories=()))
NAME_CHARS = st.sampled_from(sorted(set("".join(NAMES)) | set(" 市区县省\t")))
NAMEISH = st.one_of(
    st.sampled_from(NAMES),
    st.lists(st.one_of(st.sampled_from(NAMES), st.sampled_from(["山西", "广西", "内蒙古", " ", "高新区", "市"])),
             max_size=4).map("".join),
    st.text(NAME_CHARS, max_size=8),
    ANY_TEXT,
)


@given(NAMEISH)
def test_reading_never_raises_and_is_idempotent(name):
    p = place(name)
    assert p is None or (isinstance(p, Place) and place(p.name) == p)


@given(NAMEISH, NAMEISH, NAMEISH)
def test_contains_is_a_partial_order(a, b, c):
    a, b, c = (place(x) or NATIONAL for x in (a, b, c))
    assert contains(a, a)
    if contains(a, b) and contains(b, a):
        assert a == b
    if contains(a, b) and contains(b, c):
        assert contains(a, c)


@given(st.sampled_from(PATHS))
def test_contains_follows_the_chain_of_parents(row):
    p = place("".join(row[1]))
    chain = [p]
    while parent(chain[-1]) is not None:
        chain.append(parent(chain[-1]))
    assert chain[-1] == NATIONAL and len(chain) == p.depth + 1
    for i, outer in enumerate(chain):
        for inner in chain[:i + 1]:
            assert contains(outer, inner)
        for above in chain[i + 1:]:
            assert not contains(outer, above)
