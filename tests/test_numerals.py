"""Counts read out of slogan keys (termkit.text.numerals)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from termkit.text.numerals import is_ordinal_key, key_parts, numerals_in_key, parse_numeral, summary_count

KEYS = [
    # the 上党 appendix
    ("六九九六", [6, 9, 9, 6]),
    ("两匹配一服从", [2, 1]),
    ("三区三线", [3, 3]),
    ("1236", [1, 2, 3, 6]),
    ("12345", [1, 2, 3, 4, 5]),
    ("4句话32字", [4, 32]),
    ("154+50", [154, 50]),
    ("一重点三同步", [1, 3]),
    ("1+17", [1, 17]),
    ("1+2+15", [1, 2, 15]),
    ("十大平台", [10]),
    ("煤八条", [8]),
    ("两大两小", [2, 2]),
    ("一链一镇", [1, 1]),
    ("清四乱", [4]),
    ("六定", [6]),
    # other shapes
    ("双碳", [2]),
    ("3+3", [3, 3]),
    ("1+3+N", [1, 3]),
    ("二十三条", [23]),
    ("百日攻坚", [100]),
    ("三个一批", [3]),
    ("六个一体化", [6]),
    ("三零", [3]),
    ("五臺合一", [5]),
    ("三個不動搖", [3]),
    ("４句话３２字", [4, 32]),
    # not counts
    ("十四五", []),
    ("十五五", []),
    ("八五普法", []),
    ("二十大", []),
    ("十九届四中全会", []),
    ("第一书记", []),
    ("全国统一大市场", []),
    ("鸿雁归巢", []),
    ("清化收", []),
    ("", []),
]


@pytest.mark.parametrize("key, counts", KEYS)
def test_numerals_in_key(key, counts):
    assert numerals_in_key(key) == counts


@pytest.mark.parametrize(
    "key, parts",
    [
        ("两匹配一服从", [(2, "匹配"), (1, "服从")]),
        ("4句话32字", [(4, "句话"), (32, "字")]),
        ("两个共同体", [(2, "共同体")]),
        ("六九九六", [(6, ""), (9, ""), (9, ""), (6, "")]),
        ("154+50", [(154, ""), (50, "")]),
    ],
)
def test_key_parts_labels(key, parts):
    assert [tuple(p) for p in key_parts(key)] == parts


@pytest.mark.parametrize(
    "text, value",
    [("一", 1), ("两", 2), ("双", 2), ("十", 10), ("十五", 15), ("二十", 20), ("二十三", 23),
     ("一百", 100), ("百", 100), ("一百零八", 108), ("三百二十", 320), ("两千", 2000), ("15", 15),
     ("１５", 15), ("六九", None), ("十四五", None), ("零零", None), ("", None), ("区", None)],
)
def test_parse_numeral(text, value):
    assert parse_numeral(text) == value


_D = "零一二三四五六七八九"


def _chinese(n: int) -> str:
    """A reference writer of Chinese numbers 1..9999 (一千零五, 三百二十, 十五)."""
    out, zero = "", False
    for unit, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d, n = divmod(n, unit)
        if d:
            if zero and out:
                out += "零"
            out += ("" if (unit == 10 and not out and d == 1) else _D[d]) + name
            zero = False
        elif out:
            zero = True
    return out


@given(st.integers(min_value=1, max_value=9999))
def test_parse_numeral_reads_every_written_number(n):
    assert parse_numeral(_chinese(n)) == n
    assert parse_numeral(str(n)) == n


@given(st.text())
def test_reading_keys_never_raises(text):
    counts = numerals_in_key(text)
    assert all(isinstance(c, int) and c >= 0 for c in counts)
    summary_count(text)
    is_ordinal_key(text)


@given(st.lists(st.integers(min_value=1, max_value=9), min_size=1, max_size=5), st.integers(1, 9999))
def test_counts_of_composed_keys(digits, n):
    """Keys made from known numbers give those numbers back: 1+2+6 and 1236
    (a run of digits counts digit by digit), 三个中心."""
    assert numerals_in_key("+".join(map(str, digits))) == digits
    assert numerals_in_key("".join(map(str, digits))) == digits
    assert numerals_in_key(_chinese(n) + "个中心") == [n]


@given(st.text(alphabet="一二两三四五六七八九十百千零双0123456789+个大区线", max_size=12))
def test_reading_numeral_soup_never_raises(text):
    numerals_in_key(text)


def test_absurdly_long_numbers_are_no_counts():
    digits = "1" * 5000  # more digits than Python reads as an int
    assert parse_numeral(digits) is None and parse_numeral("9" * 18) == 10**18 - 1
    assert numerals_in_key(digits) == [] and numerals_in_key(digits + "条") == []
    assert numerals_in_key(f"3+{digits}+2") == [3, 2]
    assert summary_count(f"生态空间{digits}种类型") is None


def test_a_long_run_of_units_is_read_in_linear_time():
    import time

    start = time.perf_counter()
    assert numerals_in_key("十" * 3000) == [10] * 3000  # was cubic: 27 s at 1,000
    assert numerals_in_key("一百" * 3000) == [100] * 3000
    assert time.perf_counter() - start < 2
