"""Normalization: terms are found however the text mangles them, at spans of the original."""

from __future__ import annotations

import opencc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from termkit import Annotator, Glossary, Normalization, Term
from termkit.text.normalize import View, fold_width

KEYS = ["六九九六", "三区三线", "1+2+15", "两个维护", "十大平台", "煤八条", "4句话32字", "清化收", "1236", "双碳"]
VARIANTS = {"六九九六": ["六九六六"]}
GLOSSARY = Glossary(
    [
        Term(id=f"t/{k}", key=k, headword=k, kind="other", scope="test", variants=VARIANTS.get(k, []),
             sources=[{"document": "test"}])
        for k in KEYS
    ]
)
ANNOTATOR = Annotator(GLOSSARY)
CONVERTERS = {c: opencc.OpenCC(c) for c in ("s2t", "s2tw", "s2hk", "s2twp")}

# Filler never shares a character with a key, so it cannot create a match.
FILLER = "的是在和对于我们年月日推进工作，。；、 \n\u3000abcxyz"
FILLER_EDGE = "的是在和推进工作"  # always next to a term: not ASCII, not a quote
QUOTE_PAIRS = ["“”", "「」", "『』", '""', "‘’"]
BREAKS = [" ", "\n", "\n\n", "\u3000", "\u00a0", "\n\n— 7 —\n\n", " \n "]


def _ascii_alnum(c: str) -> bool:
    return c.isascii() and c.isalnum()


def to_fullwidth(s: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in s)


@st.composite
def mangled(draw):
    """A key, mangled by a random combination of the normalizations."""
    key = draw(st.sampled_from(KEYS))
    form = key
    if key in VARIANTS and draw(st.booleans()):
        form = VARIANTS[key][0]
    if draw(st.booleans()):
        form = CONVERTERS[draw(st.sampled_from(sorted(CONVERTERS)))].convert(form)
    if draw(st.booleans()):
        form = to_fullwidth(form)
    if draw(st.booleans()):  # breaks, never between two ASCII letters or digits
        out = [form[0]]
        for a, b in zip(form, form[1:]):
            if not (_ascii_alnum(fold_width(a)) and _ascii_alnum(fold_width(b))) and draw(st.booleans()):
                out.append(draw(st.sampled_from(BREAKS)))
            out.append(b)
        form = "".join(out)
    quote = draw(st.sampled_from(["", *QUOTE_PAIRS]))
    return key, form, quote


@settings(max_examples=400, deadline=None)
@given(parts=st.lists(st.tuples(st.text(FILLER, max_size=8), mangled()), min_size=1, max_size=5),
       tail=st.text(FILLER, max_size=8), edge=st.sampled_from(FILLER_EDGE))
@pytest.mark.slow
def test_mangled_terms_are_found_at_their_spans(parts, tail, edge):
    text = ""
    expected = []
    for filler, (key, form, quote) in parts:
        text += filler + edge + quote[:1]
        expected.append((len(text), len(text) + len(form), key))
        text += form + quote[1:] + edge
    text += tail
    found = ANNOTATOR.find(text)
    assert [(m.start, m.end, m.key) for m in found] == expected
    for m in found:
        assert text[m.start : m.end] == m.text


def test_view_maps_back():
    v = View("三区 \n 三线，G 12", Normalization())
    assert v.text == "三区三线，G 12"
    assert [fold_width(v.original[v.to_original(i)]) for i in range(len(v.text))] == list(v.text)


@given(st.text(max_size=50))
def test_view_characters_come_from_the_original(text):
    v = View(text, Normalization())
    for i, ch in enumerate(v.text):
        assert fold_width(v.original[v.to_original(i)]) == ch


def test_no_normalization_is_the_identity():
    text = "三区\n三线 “１”"
    assert View(text, Normalization.none()).text == text


# -- data-driven cases (tests/cases/normalization.yaml) --------------------------

import pytest  # noqa: E402
import yaml  # noqa: E402
from pathlib import Path  # noqa: E402

_CASES = yaml.safe_load((Path(__file__).parent / "cases" / "normalization.yaml").read_text(encoding="utf-8"))["cases"]
_BUNDLED = Annotator(Glossary.load())


@pytest.mark.parametrize(
    "case",
    [pytest.param(c, marks=pytest.mark.xfail(reason=c["known_failure"], strict=True)) if "known_failure" in c else c
     for c in _CASES],
    ids=[c["name"] for c in _CASES],
)
def test_real_world_case(case):
    text = case["text"]
    found = _BUNDLED.find(text)
    for m in found:
        assert text[m.start : m.end] == m.text
    expected = [] if case.get("negative") else [(t, tuple(steps)) for t, steps in case["mentions"]]
    assert [(m.text, m.normalizations) for m in found] == expected
