"""Golden tests on the seeds: the hand count of the 上党 report, and Traditional editions."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import opencc
import pytest
import yaml

from termkit import Annotator, Glossary

ROOT = Path(__file__).resolve().parent.parent
CASE = yaml.safe_load((ROOT / "tests/cases/shangdang-mentions.yaml").read_text(encoding="utf-8"))
TEXT = (ROOT / "seeds" / CASE["document"]).read_text(encoding="utf-8")
ANNOTATOR = Annotator(Glossary.load())


def line_of(offset: int) -> int:
    return TEXT.count("\n", 0, offset) + 1


def body_mentions():
    return [m for m in ANNOTATOR.find(TEXT) if line_of(m.start) <= CASE["body_end_line"]]


@pytest.mark.parametrize("entry", CASE["terms"], ids=lambda e: e["id"])
def test_every_body_mention_of_an_appendix_term_is_tagged(entry):
    found = [(line_of(m.start), m.text) for m in body_mentions() if m.id == entry["id"]]
    expected = [(x["line"], x["text"]) for x in entry["mentions"]]
    assert found == expected


def test_the_hand_count_covers_the_23_appendix_terms():
    assert len(CASE["terms"]) == 23


def test_look_alikes_are_not_tagged():
    by_line = {}
    for m in ANNOTATOR.find(TEXT):
        by_line.setdefault(line_of(m.start), []).append(m)
    for neg in CASE["not_terms"]:
        line = TEXT.splitlines()[neg["line"] - 1]
        assert neg["text"] in line
        assert all(neg["text"] not in m.text for m in by_line.get(neg["line"], [])), neg


def test_misprint_is_reported_as_a_variant():
    (m,) = [m for m in body_mentions() if m.text == "六九六六"]
    assert m.id == "shangdang/六九九六" and m.normalizations == ("variant",)


SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
TRADITIONAL = yaml.safe_load((ROOT / "tests/cases/traditional.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(c, marks=pytest.mark.xfail(strict=True, reason=c["known_failure"])) if "known_failure" in c else c
        for cases in TRADITIONAL.values()
        for c in cases
    ],
    ids=lambda c: c["text"][:12],
)
def test_hand_typed_taiwan_and_hong_kong_text(case):
    """Text as Taiwan and Hong Kong write it, typed by hand rather than made
    with the OpenCC conversions the Annotator itself learns from."""
    found = ANNOTATOR.find(case["text"])
    assert [m.key for m in found] == case["keys"]
    assert all("traditional" in m.normalizations for m in found if m.text != m.key)


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name.split("-")[0])
def test_a_traditional_edition_gives_the_same_terms(seed):
    """A whole seed in Traditional script (OpenCC's plain s2t: the spellings
    of Taiwan and Hong Kong are the hand-typed cases above)."""
    text = seed.read_text(encoding="utf-8")
    converted = opencc.OpenCC("s2t").convert(text)
    original = Counter(m.id for m in ANNOTATOR.find(text))
    traditional = Counter(m.id for m in ANNOTATOR.find(converted))
    assert traditional == original
