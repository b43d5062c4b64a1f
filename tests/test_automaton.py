"""termkit's own automaton (``NativeEngine``, in ``termkit/_native.c``) against
daachorse and a brute-force reference, alone and inside the Annotator, where
it selects among the valid candidates as it scans (``_native.find``)."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import termkit.native
from conftest import full, with_contexts
from termkit import Annotator, Glossary, Normalization
from termkit.match.engine import DaachorseEngine, NativeEngine, available, engine_class, select_longest

native = termkit.native.module
needs_native = pytest.mark.skipif(native is None, reason="termkit._native was not built here")

# Keys over a small alphabet: CJK, an astral character, U+FFFD (what a lone
# surrogate reads as); texts add a lone surrogate and a character in no key.
KEY_CHARS = "ab中文\U0001F600\ufffd"
keys_st = st.lists(st.text(KEY_CHARS, min_size=1, max_size=4), max_size=8, unique=True)
engine_texts = st.text(KEY_CHARS + "x\ud800\udfff", max_size=30)


def brute(keys: list[str], text: str) -> list[tuple[int, int, int]]:
    """Every occurrence of every key, by start then end (a surrogate read as U+FFFD)."""
    text = "".join("\ufffd" if "\ud800" <= c <= "\udfff" else c for c in text)
    return sorted((s, s + len(k), i) for i, k in enumerate(keys) for s in range(len(text)) if text.startswith(k, s))


@needs_native
@settings(max_examples=500, deadline=None)
@given(keys=keys_st, text=engine_texts)
def test_engine_equals_daachorse_and_brute_force(keys, text):
    ours, theirs = NativeEngine(keys), DaachorseEngine(keys)
    assert ours.overlapping(text) == sorted(theirs.overlapping(text)) == brute(keys, text)
    assert ours.longest(text) == theirs.longest(text) == select_longest(brute(keys, text))


@needs_native
@pytest.mark.parametrize("keys", [[], ["中"], ["中文", "文", "中"], ["a" * 300, "a"]])
def test_engine_on_edge_cases(keys):
    text = "中文" + "a" * 301 + "中"
    assert NativeEngine(keys).overlapping(text) == brute(keys, text)
    assert NativeEngine(keys).longest(text) == select_longest(brute(keys, text))
    assert NativeEngine(keys).longest("") == []


@needs_native
def test_automaton_refuses_bad_keys_with_one_line():
    for keys, message in (([""], "non-empty"), ([1], "non-empty"), (["双碳", "双碳"], "distinct")):
        with pytest.raises(ValueError, match=message):
            native.automaton(keys)
    with pytest.raises(TypeError):
        native.automaton("双碳")


# Terms with contexts, so that the scan calls back into Python (the rules of tests/test_native.py).
KEYS = ["两个维护", "三区三线", "1+2+15", "1236", "十大平台", "六九九六", "维护", "12", "G1", "区三", "三区"]
GLOSSARY = Glossary.from_keys(KEYS)
CONSTRAINED = with_contexts(GLOSSARY, loose=("三区", "1236"))
PIECES = ["两个", "维护", "三区", "三线", "1+2", "+15", "１２３６", "十大平臺", "六九", "九六", " ", "\n",
          "\n— 7 —\n", "“", "”", "a", "1", "12", "区三", "的", "G", "\ud800", "\U0001F600"]
texts = st.lists(st.sampled_from(PIECES), max_size=20).map("".join) | st.text(max_size=30)
NATIVE = {g: Annotator(g, engine="native") for g in (GLOSSARY, CONSTRAINED)} if native else {}
DAACHORSE = {g: Annotator(g, engine="daachorse") for g in (GLOSSARY, CONSTRAINED)}


@contextlib.contextmanager
def pure_python():
    saved = termkit.native.module
    termkit.native.module = None
    try:
        yield
    finally:
        termkit.native.module = saved


def _everything(ann, text, start, stop):
    """What find, find_spans and find_stream say of text, with and without overlapping."""
    out = []
    for overlapping in (False, True):
        out.append(full(ann.find(text, overlapping=overlapping)))
        out.append(full(ann.find(text, overlapping=overlapping, start=start, stop=stop, offset=3)))
        out.append(tuple(map(list, ann.find_spans(text, overlapping=overlapping, start=start, stop=stop))))
        out.append(full(ann.find_stream([text[:start], text[start:]], context=9, overlapping=overlapping)))
    return out


@needs_native
@settings(max_examples=400, deadline=None)
@given(text=texts, start=st.integers(0, 40), stop=st.integers(0, 40), constrained=st.booleans())
def test_annotator_equals_daachorse_and_the_pure_python_twin(text, start, stop, constrained):
    g = CONSTRAINED if constrained else GLOSSARY
    start, stop = min(start, len(text)), min(stop, len(text))
    ours = _everything(NATIVE[g], text, start, stop)
    assert ours == _everything(DAACHORSE[g], text, start, stop)
    with pure_python():
        assert ours == _everything(DAACHORSE[g], text, start, stop)


@needs_native
@settings(max_examples=200, deadline=None)
@given(text=texts, norm=st.builds(Normalization, *[st.booleans()] * 5))
def test_annotator_equals_daachorse_with_any_normalization(text, norm):
    ours, theirs = (Annotator(CONSTRAINED, normalization=norm, engine=e) for e in ("native", "daachorse"))
    for overlapping in (False, True):
        assert full(ours.find(text, overlapping=overlapping)) == full(theirs.find(text, overlapping=overlapping))


@needs_native
def test_auto_is_native_where_the_c_module_is():
    assert available()[0] == "native" and engine_class("auto") is NativeEngine
    assert type(Annotator(GLOSSARY).engine) is NativeEngine


def test_without_the_c_module_auto_is_daachorse():
    code = """from termkit.match.engine import available, engine_class
print(available()[0], engine_class("auto").name, "native" in available())
try:
    engine_class("native")
except ValueError as e:
    print(e)
"""
    env = dict(os.environ, TERMKIT_PURE_PYTHON="1")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    first, error = out.stdout.splitlines()
    assert first.split() == ["daachorse", "daachorse", "False"]
    assert error == ("engine 'native' is not installed "
                     "(termkit's C module was not built here, or TERMKIT_PURE_PYTHON is set)")


@needs_native
def test_packed_matches_are_checked():
    ann = NATIVE[GLOSSARY]
    from termkit.text.normalize import View

    view = View("坚持两个维护", ann.normalization)
    packed = native.find(ann.engine.automaton, view, 0, len(view.text), False, ann._rules, True)
    assert full(ann._mentions(view, packed)) == full(ann._mentions(view, [(2, 6, 0)]))
    with pytest.raises(ValueError, match="malformed packed"):
        ann._mentions(view, packed[:-1])
    bad = (99).to_bytes(8, sys.byteorder) * 3  # a match past the text's end
    with pytest.raises(ValueError, match="out of range"):
        ann._mentions(view, bad)
    with pytest.raises(ValueError, match="out of range"):
        native.spans(bad, view.starts, view.shifts, 0, ann._term_index(ann._payload))
    with pytest.raises(TypeError):
        native.find(ann.engine.automaton, view, 0, 6, False, None, True)
    with pytest.raises(ValueError, match="fewer checks"):
        native.find(ann.engine.automaton, view, 0, 6, False, (b"", []), 1)


@needs_native
@settings(max_examples=300, deadline=None)
@given(keys=keys_st, text=engine_texts)
def test_a_dumped_automaton_reads_back_the_same(keys, text):
    built = native.automaton(keys)
    data = built.dump()
    loaded = native.load(keys, data)
    assert loaded.dump() == data
    assert loaded.overlapping(text) == built.overlapping(text) == brute(keys, text)
    assert loaded.longest(text) == built.longest(text)


@needs_native
@settings(max_examples=300, deadline=None)
@given(keys=keys_st.filter(bool), text=engine_texts, data=st.data())
def test_damaged_automaton_bytes_are_refused_or_harmless(keys, text, data):
    """Whatever bytes change, load() refuses them (ValueError) or gives an
    automaton whose matches are spans of keys of the right lengths: never a
    crash, a read out of bounds or an endless loop (the checks of load())."""
    raw = bytearray(native.automaton(keys).dump())
    for _ in range(data.draw(st.integers(1, 4))):
        # (mostly past the header and the page table, where the automaton itself lies)
        at = data.draw(st.integers(min(40 + 17408, len(raw) - 1) if data.draw(st.booleans()) else 0, len(raw) - 1))
        raw[at] = data.draw(st.integers(0, 255))
    try:
        loaded = native.load(keys, bytes(raw))
    except ValueError:
        return
    for s, e, k in loaded.overlapping(text) + loaded.longest(text):
        assert 0 <= s < e <= len(text) and e - s == len(keys[k])


@needs_native
def test_load_refuses_bytes_of_other_keys():
    data = native.automaton(["中文", "文"]).dump()
    for keys, blob in ((["中文"], data), (["中文", "文文"], data), (["中文", "文"], data[:-1]),
                       (["中文", "文"], b"junk"), (["中文", "文"], data + b"\0")):
        with pytest.raises(ValueError, match="not an automaton"):
            native.load(keys, blob)
    assert NativeEngine.load(["中文"], data) is None


@needs_native
def test_large_glossaries_cache_the_automaton(monkeypatch, tmp_path):
    """Of DUMP_FROM keys or more, the compiled cache holds the automaton and
    the next Annotator reads it back instead of building it."""
    monkeypatch.setenv("TERMKIT_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(NativeEngine, "DUMP_FROM", 3)
    glossary = Glossary.from_keys(["三区三线", "两个确立", "双碳", "1236"])
    first = Annotator(glossary, engine="native")
    assert first.engine.dump() is not None
    built = []
    monkeypatch.setattr(native, "automaton", lambda keys: built.append(keys))  # no build allowed now
    second = Annotator(glossary, engine="native")
    assert built == []
    text = "“三区三线”和两个确立，双碳；G1236"
    assert full(second.find(text)) == full(first.find(text))
    monkeypatch.setattr(NativeEngine, "DUMP_FROM", 10_000)
    assert NativeEngine(["双碳"]).dump() is None
