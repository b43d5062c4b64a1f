"""The C module ``termkit._native`` against its pure-Python twins.

termkit runs the C loops where they were built and the Python ones elsewhere;
both must give the same results on any input. Each twin pair is compared
directly, and whole Annotators are compared with the C module switched off.
"""

from __future__ import annotations

import gc
import os
import shutil
import sysconfig
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import termkit.annotate as annotate_mod
import termkit.normalize as normalize_mod
from termkit import Annotator, Glossary, Mention, Normalization
from termkit.annotate import _accept_python
from termkit.normalize import View, _view_python

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
native = normalize_mod._native
needs_native = pytest.mark.skipif(native is None, reason="termkit._native was not built here")


def _compiler() -> str | None:
    cc = (sysconfig.get_config_var("CC") or "").split()
    return shutil.which(cc[0]) if cc else None


def test_native_is_built_where_a_compiler_is():
    if _compiler() is None:
        pytest.skip("no C compiler: termkit runs its pure-Python twins")
    if os.environ.get("TERMKIT_PURE_PYTHON"):
        pytest.skip("TERMKIT_PURE_PYTHON is set")
    assert native is not None, "a C compiler is here but termkit._native was not built (pip install -e .)"


@contextmanager
def pure_python():
    """termkit with its C module switched off."""
    saved = normalize_mod._build, annotate_mod._accept, annotate_mod._native
    normalize_mod._build, annotate_mod._accept, annotate_mod._native = _view_python, _accept_python, None
    try:
        yield
    finally:
        normalize_mod._build, annotate_mod._accept, annotate_mod._native = saved


# Pieces that exercise every branch of the skip rule: breaks of every kind,
# page-number lines (well- and ill-formed), dashes, Unicode digits, full-width
# forms, quotes, ASCII letters and digits next to runs, CJK text.
PIECES = [
    "\n", "\r\n", " ", "\t", "\u3000", "\xa0", "\x0c", "—", "–", "-", "－", "1", "12", "12345", "１２",
    "٣", "两个", "维护", "a", "Z", "“", "”", "「", "'", '"', "＂", "＋", "，", "\n— 12 —\n",
    "\n  - 3 -  \r\n", "\n—— 1234 ——\n", "\n--- 1 ---\n", "\n－ ７ －\n", "\ud800", "😀",
]
DASHES = st.text("—–-－", min_size=1, max_size=3)
SPACES = st.text(" \t\u3000\r", max_size=2)
# Lines of the page-number shape, with every part sometimes out of bounds.
page_lines = st.tuples(
    st.sampled_from(["\n", "\r\n", "", "a"]), SPACES, DASHES, SPACES, st.text("0123٣１", min_size=0, max_size=5),
    SPACES, DASHES, SPACES, st.sampled_from(["\n", "\r\n", "", "a", "两"]),
).map("".join)
texts = st.lists(st.sampled_from(PIECES) | page_lines, max_size=16).map("".join) | st.text(max_size=40)
flags = st.tuples(st.booleans(), st.booleans(), st.booleans())


@needs_native
@settings(max_examples=3000, deadline=None)
@given(text=texts, flags=flags)
def test_view_twins_agree(text, flags):
    assert normalize_mod._view_native(text, *flags) == _view_python(text, *flags)


@needs_native
def test_view_twins_agree_on_the_seeds():
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        for w in (False, True):
            for b in (False, True):
                for q in (False, True):
                    assert normalize_mod._view_native(text, w, b, q) == _view_python(text, w, b, q)


@st.composite
def accept_inputs(draw):
    text = draw(st.text("两个维护ab12", max_size=30))
    nforms = draw(st.integers(1, 6))
    checks = bytes(draw(st.lists(st.integers(0, 7), min_size=nforms, max_size=nforms)))
    cuts = sorted(draw(st.lists(st.integers(0, len(text)), max_size=12, unique=True)))
    matches = [(a, b, draw(st.integers(0, nforms - 1))) for a, b in zip(cuts[0::2], cuts[1::2]) if a < b]
    k = draw(st.integers(0, len(matches)))
    p = draw(st.integers(0, len(text)))
    hi = draw(st.integers(0, len(text) + 1))
    return matches, k, p, hi, checks, text


@needs_native
@settings(max_examples=2000, deadline=None)
@given(args=accept_inputs())
def test_accept_twins_agree(args):
    assert native.accept(*args) == _accept_python(*args)


KEYS = ["两个维护", "三区三线", "1+2+15", "1236", "十大平台", "六九九六", "维护", "12"]
ANNOTATOR = Annotator(Glossary.from_keys(KEYS))
FIND_PIECES = ["两个", "维护", "三区", "三线", "1+2", "+15", "１２３６", "十大平臺", "六九", "九六", " ", "\n",
               "\n— 7 —\n", "“", "”", "a", "1", "的", "G"]
find_texts = st.lists(st.sampled_from(FIND_PIECES), max_size=20).map("".join) | st.text(max_size=30)


@needs_native
@settings(max_examples=1000, deadline=None)
@given(text=find_texts, overlapping=st.booleans(), shift=st.integers(0, 5))
def test_mentions_twins_agree(text, overlapping, shift):
    view = View(text, ANNOTATOR.normalization)
    matches = ANNOTATOR._select(view, overlapping)
    assert ANNOTATOR._mentions(view, matches, shift) == ANNOTATOR._mentions_python(view, matches, shift)


@needs_native
@settings(max_examples=500, deadline=None)
@given(text=find_texts, norm=st.builds(Normalization, *[st.booleans()] * 5))
def test_annotators_agree_with_and_without_the_c_module(text, norm):
    ann = Annotator(Glossary.from_keys(KEYS), normalization=norm)
    fast = (ann.find(text), ann.find(text, overlapping=True), list(ann.find_stream([text[:7], text[7:]], context=8)))
    with pure_python():
        slow = (ann.find(text), ann.find(text, overlapping=True), list(ann.find_stream([text[:7], text[7:]], context=8)))
    assert fast == slow


@needs_native
def test_native_mentions_are_ordinary_mentions():
    (m,) = ANNOTATOR.find("坚决做到两个维护。")
    assert type(m) is Mention and m == Mention(*m) and m[:3] == (4, 8, "两个维护")
    assert m._replace(start=0).start == 0 and m.to_dict()["key"] == "两个维护"
    # They hold no cycle, so the cyclic collector does not follow them (as for
    # a tuple of plain values): keeping millions of them costs a collection nothing.
    assert not gc.is_tracked(m)


@needs_native
def test_native_rejects_malformed_input_with_an_error():
    with pytest.raises(TypeError):
        native.mentions([(0, 1)], "x", [], [], 0, False, [()], Mention, None)
    with pytest.raises(ValueError):
        native.mentions([(0, 9, 0)], "x", [], [], 0, False, [()], Mention, None)
    with pytest.raises(ValueError):
        native.mentions([(0, 1, 5)], "x", [], [], 0, False, [()], Mention, None)
    with pytest.raises(TypeError):
        native.mentions([], "x", [], [], 0, False, [], dict, None)
    with pytest.raises(TypeError):
        native.view("x", 5, True, "")
