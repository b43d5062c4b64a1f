"""Hostile and arbitrary input: nothing raises, every invariant holds, threads agree."""

from __future__ import annotations

import html
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from termkit import Annotator, Glossary
from termkit.match.engine import available
from termkit.render import html_document

ROOT = Path(__file__).resolve().parent.parent
GLOSSARY = Glossary.load()
ANNOTATORS = {e: Annotator(GLOSSARY, engine=e) for e in available()}
SEED_TEXT = "".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt")))

# Any code point at all, lone surrogates and NUL included, mixed with pieces of real text.
anything = st.text(st.characters(codec=None, exclude_categories=()), max_size=80)
realistic = st.lists(
    st.sampled_from([SEED_TEXT[i : i + 40] for i in range(0, 4000, 40)]) | anything, max_size=6
).map("".join)


def check_invariants(text, mentions, overlapping=False):
    last = 0
    for m in mentions:
        assert 0 <= m.start < m.end <= len(text)
        assert text[m.start : m.end] == m.text
        if not overlapping:
            assert m.start >= last
            last = m.end


@pytest.mark.parametrize("engine", available())
@settings(max_examples=300, deadline=None)
@given(text=realistic)
def test_find_never_raises_and_keeps_invariants(engine, text):
    ann = ANNOTATORS[engine]
    check_invariants(text, ann.find(text))
    check_invariants(text, ann.find(text, overlapping=True), overlapping=True)


@settings(max_examples=200, deadline=None)
@given(text=realistic)
def test_expand_never_raises_and_keeps_the_text(text):
    ann = ANNOTATORS["pyahocorasick"]
    inline = ann.expand(text)
    foot = ann.expand(text, style="footnotes")
    # expand only inserts: the text is a subsequence of what it returns.
    for expanded in (inline, foot):
        rest = iter(expanded)
        assert all(ch in rest for ch in text)
    if not ann.find(text):
        assert inline == foot == text


@settings(max_examples=100, deadline=None)
@given(text=realistic)
def test_engines_agree_on_hostile_text(text):
    results = [a.find(text) for a in ANNOTATORS.values()]
    assert all(r == results[0] for r in results)


def test_edge_texts():
    ann = ANNOTATORS[available()[0]]
    assert ann.find("") == []
    assert ann.expand("") == ""
    nul = "两个\x00维护，两个维护\x00"
    assert [m.start for m in ann.find(nul)] == [6]
    assert [m.start for m in ann.find("\ud800两个维护\udfff")] == [1]


@pytest.mark.slow
def test_ten_million_character_line():
    line = ("科学划定三区三线，推进清化收工作" * 700_000)[:10_000_000]
    found = ANNOTATORS[available()[0]].find(line)
    assert len(found) == line.count("三区三线") + line.count("清化收")
    long_run = "三区" + " " * 1_000_000 + "三线"
    (m,) = ANNOTATORS[available()[0]].find(long_run)
    assert (m.start, m.end) == (0, len(long_run))


def test_one_annotator_shared_by_threads():
    texts = [SEED_TEXT[i:] + SEED_TEXT[:i] for i in range(0, len(SEED_TEXT), len(SEED_TEXT) // 16)]
    for ann in ANNOTATORS.values():
        alone = [ann.find(t) for t in texts]
        with ThreadPoolExecutor(max_workers=4) as pool:
            shared = list(pool.map(ann.find, texts))
        assert shared == alone


def test_html_escapes_text_and_glossary():
    evil = Glossary.from_keys(["甲乙"])
    payload = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'
    text = payload + "甲乙" + payload
    page = html_document(payload, [(payload, text, Annotator(evil).find(text))])
    assert "<script>" not in page and "<img" not in page
    assert page.count(html.escape(payload)) >= 3
