"""The C module ``termkit._native`` against its pure-Python twins.

termkit runs the C loops where they were built and the Python ones elsewhere;
both must give the same results on any input. Each twin pair is compared
directly, and whole Annotators are compared with the C module switched off.
"""

from __future__ import annotations

import contextlib
import gc
import os
import shutil
import struct
import sys
import sysconfig
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import termkit.native
from conftest import full, with_contexts
from termkit import Annotator, Glossary, Mention, Normalization
from termkit.glossary.model import trusted
from termkit.text.normalize import View, _view_python

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
native = termkit.native.module
EMPTY = memoryview(b"").cast("n")
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


@contextlib.contextmanager
def pure_python():
    """termkit with its C module switched off."""
    saved = termkit.native.module
    termkit.native.module = None  # the one switch
    try:
        yield
    finally:
        termkit.native.module = saved


def as_lists(view):
    """A view as the Python twin gives it (the C one gives memoryviews)."""
    text, starts, shifts, folded = view
    return text, list(starts), list(shifts), folded


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


@pytest.mark.slow
@needs_native
@settings(max_examples=3000, deadline=None)
@given(text=texts, flags=flags)
def test_view_twins_agree(text, flags):
    assert as_lists(native.view(text, *flags)) == _view_python(text, *flags)


@needs_native
def test_view_twins_agree_on_the_seeds():
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        for w in (False, True):
            for b in (False, True):
                for q in (False, True):
                    assert as_lists(native.view(text, w, b, q)) == _view_python(text, w, b, q)


KEYS = ["两个维护", "三区三线", "1+2+15", "1236", "十大平台", "六九九六", "维护", "12", "G1", "区三"]
GLOSSARY = Glossary.from_keys(KEYS)
ANNOTATOR = Annotator(GLOSSARY)
# The same terms with contexts, so that the C loops call back into Python.
CONSTRAINED = Annotator(with_contexts(GLOSSARY, loose=("三区", "1")))
FIND_PIECES = ["两个", "维护", "三区", "三线", "1+2", "+15", "１２３６", "十大平臺", "六九", "九六", " ", "\n",
               "\n— 7 —\n", "“", "”", "「", "a", "1", "12", "区三", "的", "G"]
find_texts = st.lists(st.sampled_from(FIND_PIECES), max_size=20).map("".join) | st.text(max_size=30)


@pytest.mark.slow
@needs_native
@settings(max_examples=1500, deadline=None)
@given(text=find_texts, lo=st.integers(0, 30), hi=st.integers(0, 30), constrained=st.booleans())
def test_select_twins_agree(text, lo, hi, constrained):
    ann = CONSTRAINED if constrained else ANNOTATOR
    view = View(text, ann.normalization)
    greedy = ann.engine.longest(view.text)
    lo, hi = min(lo, len(view.text)), min(hi, len(view.text))
    expected = ann._select_python(view, greedy, lo, hi)
    got = native.select(greedy, lo, hi, view, ann._rules, ann.engine.overlapping, ann._maxlen)
    assert got == expected


@pytest.mark.slow
@needs_native
@settings(max_examples=1500, deadline=None)
@given(text=find_texts, overlapping=st.booleans(), shift=st.integers(0, 5), constrained=st.booleans())
def test_mentions_twins_agree(text, overlapping, shift, constrained):
    ann = CONSTRAINED if constrained else ANNOTATOR
    view = View(text, ann.normalization)
    matches = ann._select(view, overlapping)
    assert full(ann._mentions(view, matches, shift)) == full(ann._mentions_python(view, matches, shift, ann._payload))


@pytest.mark.slow
@needs_native
@settings(max_examples=500, deadline=None)
@given(text=find_texts, norm=st.builds(Normalization, *[st.booleans()] * 5))
def test_annotators_agree_with_and_without_the_c_module(text, norm):
    ann = Annotator(GLOSSARY if text.count("1") % 2 else CONSTRAINED.glossary, normalization=norm)
    fast = (ann.find(text), ann.find(text, overlapping=True), list(ann.find_stream([text[:7], text[7:]], context=8)))
    with pure_python():
        slow = (ann.find(text), ann.find(text, overlapping=True), list(ann.find_stream([text[:7], text[7:]], context=8)))
    assert [full(x) for x in fast] == [full(x) for x in slow]


@needs_native
def test_native_mentions_are_ordinary_mentions():
    (m,) = ANNOTATOR.find("坚决做到两个维护。")
    assert type(m) is Mention and tuple(m) == tuple(Mention(*m)) and m[:3] == (4, 8, "两个维护")
    assert m._replace(start=0).start == 0 and m.to_dict()["key"] == "两个维护"
    # They hold no cycle, so the cyclic collector does not follow them (as for
    # a tuple of plain values): keeping millions of them costs a collection nothing.
    assert not gc.is_tracked(m)


@needs_native
def test_native_rejects_malformed_input_with_an_error():
    steps = ANNOTATOR._steps
    payload = [(1, 2, 3, 4, 5, (), 7)]
    none = memoryview(b"").cast("n")
    with pytest.raises(TypeError):
        native.mentions([(0, 1)], "x", none, none, 0, False, payload, Mention, steps)
    with pytest.raises(ValueError):
        native.mentions([(0, 9, 0)], "x", none, none, 0, False, payload, Mention, steps)
    with pytest.raises(ValueError):
        native.mentions([(0, 1, 5)], "x", none, none, 0, False, payload, Mention, steps)
    with pytest.raises(ValueError):
        native.mentions([(0, 1, 0)], "x", none, none, 0, False, [(1,)], Mention, steps)
    with pytest.raises(ValueError):
        native.mentions([(0, 1, 0)], "x", memoryview(b"\0"), none, 0, False, payload, Mention, steps)
    with pytest.raises(TypeError):
        native.mentions([(0, 1, 0)], "x", [], [], 0, False, payload, Mention, steps)
    with pytest.raises(TypeError):
        native.mentions([], "x", none, none, 0, False, [], dict, steps)
    with pytest.raises(TypeError):
        native.view(5, True, True, True)
    view = View("xa", Normalization())
    with pytest.raises(ValueError):
        native.select([(0, 1, 3)], 0, 1, view, (b"\0", [None]), None, 1)
    with pytest.raises(TypeError):  # the engine's window search returns no list
        native.select([(0, 1, 0)], 0, 1, view, (b"\2", [None]), lambda text: None, 1)
    with pytest.raises(ZeroDivisionError):  # an error in it comes through
        native.select([(0, 1, 0)], 0, 1, view, (b"\2", [None]), lambda text: 1 / 0, 1)
    with pytest.raises(ValueError):  # a context flag without its context
        native.select([(0, 1, 0)], 0, 1, view, (b"\4", [None]), None, 1)
    with pytest.raises(ValueError):  # a context of the old shape
        native.select([(0, 1, 0)], 0, 1, view, (b"\4", [(True, ("x",), ())]), None, 1)
    with pytest.raises(TypeError):
        native.select([(0, 1, 0)], 0, 1, view, (b"\4", [(True, True, ["x"], (), (), ())]), None, 1)
    with pytest.raises(TypeError):  # a veto list that is no tuple
        native.select([(0, 1, 0)], 0, 1, view, (b"\4", [(False, False, (), (), ["x"], ())]), None, 1)
    with pytest.raises(AttributeError):
        native.select([(0, 1, 0)], 0, 1, "not a view", (b"\0", [None]), None, 1)


# -- found in review: each of these once crashed, read out of bounds or disagreed --

@needs_native
def test_mention_text_is_the_original_even_where_the_key_differs():
    # The engine reads a lone surrogate as U+FFFD; a mention's text is still the original's.
    payload = [(1, 2, 3, 4, 5, (), 7)]
    steps = (b"\0", ANNOTATOR._steps[1], 5, None, True)
    (m,) = native.mentions([(0, 2, 0)], "ab", EMPTY, EMPTY, 0, False, payload, Mention, steps)
    assert m.text == "ab"
    # A form holding U+FFFD gets past validation only when trusted; even so:
    with trusted():
        forms = Glossary([replace(t, key="中\ufffd文") for t in Glossary.from_keys(["中文"])])
    ann = Annotator(forms, normalization=Normalization.none())
    assert [m.text for m in ann.find("中\ud800文")] in ([], ["中\ud800文"])


def test_keys_with_u_fffd_are_refused():
    from termkit.glossary import GlossaryError

    with pytest.raises(GlossaryError, match="U\\+FFFD"):
        Glossary.from_keys(["中\ufffd文"])


@needs_native
def test_select_survives_a_callback_that_changes_the_matches():
    greedy = [(0, 1, 0), (2, 3, 0), (4, 5, 0)]
    view = View("xaxaxa", Normalization())
    out = native.select(greedy, 0, 6, view, (b"\x01", [None]), lambda w: (greedy.clear(), [])[1], 1)
    assert isinstance(out, list)


@needs_native
def test_out_of_range_offsets_raise():
    mv = lambda xs: memoryview(struct.pack(f"{len(xs)}n", *xs)).cast("n")  # noqa: E731
    ann = ANNOTATOR
    with pytest.raises(ValueError):
        native.mentions([(0, 2, 0)], "ab", mv([0, 1]), mv([-100000, 0]), 0, False, ann._payload, Mention, ann._steps)
    with pytest.raises(ValueError):
        native.mentions([(0, 1, 0)], "ab", EMPTY, EMPTY, sys.maxsize, False, ann._payload, Mention, ann._steps)

    class Fake:
        text, original = "xa", "xa"
        starts, shifts = mv([0]), mv([10**12])

    with pytest.raises(ValueError):
        native.select([(0, 1, 0)], 0, 2, Fake(), (b"\x04", [(True, (), ())]), lambda w: [], 1)
    for maxlen in (sys.maxsize, 0, -1):
        with pytest.raises(ValueError):
            native.select([(0, 1, 0)], 0, 2, View("xa", Normalization()), (b"\x02", [None]), lambda w: [], maxlen)


@needs_native
def test_a_failed_configure_changes_nothing():
    from termkit.text.chars import FULLWIDTH_KEPT

    with pytest.raises(ValueError):
        native.configure(FULLWIDTH_KEPT, "“\U0001F600")
    assert as_lists(native.view("两「维」护", True, True, True)) == _view_python("两「维」护", True, True, True)


@pytest.mark.parametrize("c_module", [True, False] if native is not None else [False])
def test_width_is_not_reported_with_width_off(c_module):
    ann = Annotator(Glossary.from_keys(["ＡＢ测试"]), normalization=Normalization(width=False))
    with (contextlib.nullcontext() if c_module else pure_python()):
        (m,) = ann.find("ＡＢ\n测试")
    assert m.normalizations == ("break",)


_fields = st.text(st.characters(min_codepoint=0, max_codepoint=0x10FFFF), max_size=6)
_mentions = st.lists(
    st.builds(
        lambda start, length, text, tid, form, steps, cands, amb: Mention(
            start, start + length, text, tid, form, form, None if tid is None else text, form, steps, None,
            cands, amb),
        st.integers(0, 10**12), st.integers(0, 50), _fields, st.one_of(st.none(), _fields), _fields,
        st.sampled_from([(), ("break",), ("quote", "width")]), st.sampled_from([(), ("a/x", "b/x")]),
        st.booleans()),
    max_size=12)


@needs_native
@settings(max_examples=300, deadline=None)
@given(name=_fields, mentions=_mentions, bytes_=st.booleans())
def test_jsonl_twins_agree(name, mentions, bytes_):
    """Every field (lone surrogates, astral characters and quotes too), char
    or byte offsets: the C records are the Python ones, and JSON of the
    mentions' own values."""
    import json

    from termkit import render

    spans = [(m.start * 3, m.end * 3) for m in mentions] if bytes_ else None
    head = '{"file": ' + render._json(name) + ', "start": '
    expected = render._jsonl_records_python(head, mentions, spans, {})
    rests: dict = {}
    make = render._rest_of_bytes if bytes_ else render._rest_of_chars
    assert native.jsonl(list(mentions), head, rests, make, spans) == expected
    assert native.jsonl(list(mentions), head, rests, make, spans) == expected  # from what it kept
    for line, m in zip(expected.split("\n"), mentions):  # (not splitlines: U+2028 and the like stay raw)
        record = json.loads(line)
        assert (record["start"], record["text"], record["id"]) == (m.start * (3 if bytes_ else 1), m.text, m.id)


@needs_native
def test_jsonl_refuses_what_is_not_mentions():
    from termkit import render

    m = Mention(0, 2, "双碳", "t/1", "双碳", "双碳", None, "双碳")
    with pytest.raises(TypeError, match="tuple of 12"):
        native.jsonl([("x",)], "", {}, render._rest_of_chars, None)
    with pytest.raises(TypeError, match="one pair per mention"):
        native.jsonl([m], "", {}, render._rest_of_chars, [])
    with pytest.raises(ValueError, match="negative"):
        native.jsonl([m._replace(start=-1)], "", {}, render._rest_of_chars, None)
    with pytest.raises(TypeError, match="must return a str"):
        native.jsonl([m], "", {}, lambda shared: 1, None)


@needs_native
@pytest.mark.parametrize("change", ["keys", "by_mask", "payload"])
def test_mentions_survive_a_make_that_changes_the_tables(change):
    """make() is Python: were it to empty a table mentions() reads, the
    result is an error, never a crash (the C code re-reads what it holds)."""
    ann = Annotator(Glossary.from_keys(["双碳", "两个维护"]), engine="native")
    view = View("双碳两个维护" * 3, ann.normalization)
    matches = ann._select(view, False, 0, None, True)
    static, by_mask, at, keys, width = ann._steps
    keys, by_mask, payload = list(keys), list(by_mask), [None, None]

    def make(i):
        {"keys": keys, "by_mask": by_mask, "payload": payload}[change].clear()
        return ann._form_payload(i)

    steps = (static, by_mask, at, keys, width)
    with pytest.raises(ValueError, match="changed"):
        # (folded: the steps from by_mask; else the text from keys)
        native.mentions(matches, view.original, view.starts, view.shifts, 0, change == "by_mask", payload, Mention,
                        steps, make)


@needs_native
def test_jsonl_survives_a_rest_that_empties_the_spans():
    ms = Annotator(Glossary.from_keys(["双碳"])).find("双碳" * 50)
    spans = [(i, i + 1) for i in range(len(ms))]

    def rest(shared):
        spans.clear()
        return '"x": 1}\n'

    out = native.jsonl(ms, '{"start": ', {}, rest, spans)
    assert out.count("\n") == 50 and out.startswith('{"start": 0, "end": 1, "x": 1}')


@needs_native
def test_jsonl_twins_agree_on_offsets_that_are_not_ints():
    """numpy's integers (and anything with __index__) are offsets; negative ones are errors, in both twins."""
    from termkit import render

    class Index:
        def __init__(self, v):
            self.v = v

        def __index__(self):
            return self.v

    m = Mention(0, 2, "双碳", "t/1", "双碳", "双碳", None, "双碳")
    head = '{"file": "a", "start": '
    spans = [(Index(3), Index(9))]
    assert native.jsonl([m], head, {}, render._rest_of_bytes, spans) == \
        render._jsonl_records_python(head, [m], spans, {})
    for twin in (lambda: native.jsonl([m], head, {}, render._rest_of_bytes, [(-1, 2)]),
                 lambda: render._jsonl_records_python(head, [m], [(-1, 2)], {})):
        with pytest.raises(ValueError, match="negative"):
            twin()
