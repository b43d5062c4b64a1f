"""Annotator.find_spans: the mentions of find() as columns, in C and in Python alike."""

from __future__ import annotations

from array import array
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import termkit.native
from termkit import Annotator, Glossary
from termkit.match.annotator import Spans
from test_native import CONSTRAINED, GLOSSARY, find_texts, pure_python

CASES = yaml.safe_load((Path(__file__).resolve().parent / "cases/scopes.yaml").read_text(encoding="utf-8"))
native = termkit.native.module


def columns_of(ann: Annotator, mentions) -> tuple[list, list, list]:
    """find()'s mentions as find_spans() should give them."""
    where = {id(t): j for j, t in enumerate(ann.glossary)}
    return ([m.start for m in mentions], [m.end for m in mentions],
            [-1 if m.term is None else where[id(m.term)] for m in mentions])


def as_lists(spans: Spans) -> tuple[list, list, list]:
    assert type(spans) is Spans and all(type(c) is array and c.typecode == "q" for c in spans)
    return tuple(c.tolist() for c in spans)


@settings(max_examples=600, deadline=None)
@given(text=find_texts, overlapping=st.booleans(), constrained=st.booleans(),
       start=st.integers(0, 12), stop=st.one_of(st.none(), st.integers(0, 30)), offset=st.integers(0, 5))
def test_find_spans_are_find_as_columns_in_both_twins(text, overlapping, constrained, start, stop, offset):
    ann = CONSTRAINED if constrained else Annotator(GLOSSARY)
    args = dict(overlapping=overlapping, start=start, stop=stop, offset=offset)
    expected = columns_of(ann, ann.find(text, **args))
    assert as_lists(ann.find_spans(text, **args)) == expected
    with pure_python():
        assert as_lists(ann.find_spans(text, **args)) == expected


@pytest.fixture(scope="module")
def scoped(tmp_path_factory) -> Annotator:
    path = tmp_path_factory.mktemp("spans") / "scopes.yaml"
    path.write_text(yaml.safe_dump({"glossary": "spans-fixture", "terms": CASES["terms"]}, allow_unicode=True),
                    encoding="utf-8")
    return Annotator(Glossary.from_files([path]))


@settings(max_examples=200, deadline=None)
@given(text=st.lists(st.sampled_from(["三个一批", "十大平台", "一区两城", "四全工作法", "“", "\n", "推进"]),
                     max_size=10).map("".join),
       scope=st.sampled_from([None, "national", "长治市", "上党区", "长治市潞州区", "unknown"]),
       date=st.sampled_from([None, "2019", "2023-06-16"]))
def test_find_spans_resolve_scopes_as_find_does(scoped, text, scope, date):
    expected = columns_of(scoped, scoped.find(text, scope=scope, date=date))
    assert as_lists(scoped.find_spans(text, scope=scope, date=date)) == expected
    with pure_python():
        assert as_lists(scoped.find_spans(text, scope=scope, date=date)) == expected


def test_an_ambiguous_mention_has_no_term(scoped):
    mentions = scoped.find("三个一批")
    assert [m.ambiguous for m in mentions] == [True]  # (the fixture's form of three places' terms)
    assert as_lists(scoped.find_spans("三个一批")) == ([0], [4], [-1])


def test_find_spans_takes_a_str():
    with pytest.raises(TypeError, match="find_spans\\(\\) takes a str, not bytes"):
        Annotator(GLOSSARY).find_spans(b"x")


@pytest.mark.skipif(native is None, reason="termkit._native was not built here")
def test_native_spans_rejects_malformed_input_with_an_error():
    none = memoryview(b"").cast("n")
    index = array("q", [0]).tobytes()
    with pytest.raises(ValueError, match="match out of range"):
        native.spans([(0, 1, 1)], none, none, 0, index)
    with pytest.raises(TypeError, match="a match is a"):
        native.spans([(0, 1)], none, none, 0, index)
    with pytest.raises(ValueError, match="malformed"):
        native.spans([], memoryview(b"\0"), none, 0, index)
