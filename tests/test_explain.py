"""Annotator.explain and ``termkit annotate --explain``: every candidate with its
verdict, held to find() and to the brute-force reference of test_annotate, with
the C module and without it."""

from __future__ import annotations

import contextlib
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import termkit.native
from termkit import Annotator, Glossary, Normalization
from termkit.match import VERDICTS, Verdict
from termkit.match.explain import By, TooLarge, write_explain
from termkit.render import Doc
from termkit.text.normalize import View
from test_annotate import ALPHABET, CJK, EXACT, keys_st, make, random_rules, reference, text_st
from test_cli import lines, run
from test_native import pure_python

C_MODULE = [True, False] if termkit.native.module is not None else [False]


# Keys of a few characters, that overlap and nest often (ASCII among them, for the boundary rule).
dense_keys_st = st.lists(st.text("三区线1G", min_size=1, max_size=4), min_size=1, max_size=8, unique=True)


def texts(keys: list[str], extra: str = "") -> st.SearchStrategy[str]:
    """Random texts, or texts made of the keys themselves (so that candidates
    are dense and overlap) and some of the alphabet."""
    pieces = st.sampled_from(keys) | st.sampled_from([*ALPHABET, *"，。 " + extra])
    return text_st | st.lists(pieces, max_size=12).map("".join)


def twin(c_module: bool):
    return contextlib.nullcontext() if c_module else pure_python()


def check(ann: Annotator, text: str, *, scope=None, date=None, overlapping=False) -> list[Verdict]:
    """The invariants of explain(), whatever the glossary and text: the verdicts
    and what they return."""
    verdicts = ann.explain(text, scope=scope, date=date, overlapping=overlapping)
    found = ann.find(text, scope=scope, date=date, overlapping=overlapping)
    # What is kept or ambiguous is what find() returns (an ambiguous mention once, without id).
    shown = {(v.start, v.end, v.id if v.verdict == "kept" else None)
             for v in verdicts if v.verdict in ("kept", "ambiguous")}
    assert sorted(shown) == sorted((m.start, m.end, m.id) for m in found)
    assert len(shown) == len(found)
    # Every occurrence in the view of every key, once per term of its form.
    view = View(text, ann.normalization)
    expected = Counter()
    for s in range(len(view.text)):
        for key, form in zip(ann._keys, ann._forms):
            if view.text.startswith(key, s):
                a, b = view.span(s, s + len(key))
                expected.update((a, b, t.id) for t in form.terms)
    assert Counter((v.start, v.end, v.id) for v in verdicts) == expected
    assert [(v.start, -v.end) for v in verdicts] == sorted((v.start, -v.end) for v in verdicts)
    winners = {(m.start, m.end): m.id for m in found}
    for v in verdicts:
        assert text[v.start : v.end] == v.text
        assert v.verdict in VERDICTS and v.reason
        if v.verdict == "overlap":  # a longer or earlier mention that find() returns covers it
            assert not overlapping
            assert v.by is not None and winners[v.by.start, v.by.end] == v.by.id
            assert v.by.start < v.end and v.start < v.by.end
            assert v.by.start < v.start or (v.by.start == v.start and v.by.end > v.end)
        elif v.verdict == "scope":
            assert v.by == By(winners[v.start, v.end], v.start, v.end) and v.by.id not in (None, v.id)
        else:
            assert v.by is None
    return verdicts


def against_reference(c_module, keys, text, data, overlapping, alphabet):
    """Exact matching with random context rules and vetoes: what is rejected
    (ascii-boundary, context) is exactly what the reference finds invalid,
    and what is kept is the reference's selection."""
    terms, suffixes, vetoes = random_rules(keys, data, alphabet, scope="national")
    ann = Annotator(Glossary(terms), normalization=EXACT)
    with twin(c_module):
        verdicts = check(ann, text, overlapping=overlapping)
    valid = set(reference(keys, text, True, suffixes, vetoes))
    every = {(v.start, v.end, v.text) for v in verdicts}
    rejected = {(v.start, v.end, v.text) for v in verdicts if v.verdict in ("ascii-boundary", "context")}
    assert rejected == every - valid
    assert {(v.start, v.end, v.text) for v in verdicts if v.verdict == "kept"} == set(
        reference(keys, text, overlapping, suffixes, vetoes))
    for v in verdicts:
        if v.verdict == "ascii-boundary":
            assert any(c in "12G" for c in text[v.start - 1 : v.start] + text[v.end : v.end + 1])
    return verdicts


@pytest.mark.parametrize("c_module", C_MODULE)
@settings(max_examples=300, deadline=None)
@given(keys=keys_st | dense_keys_st, data=st.data(), overlapping=st.booleans())
def test_verdicts_against_the_reference(c_module, keys, data, overlapping):
    against_reference(c_module, keys, data.draw(texts(keys)), data, overlapping, ALPHABET)


@pytest.mark.parametrize("c_module", C_MODULE)
@settings(max_examples=300, deadline=None)
@given(keys=st.lists(st.text(CJK, min_size=1, max_size=3), min_size=2, max_size=8, unique=True), data=st.data())
def test_dense_overlaps_against_the_reference(c_module, keys, data):
    """Dense overlaps of CJK keys, some rejected by context: every loser names its winner."""
    text = data.draw(st.lists(st.sampled_from(keys) | st.sampled_from(CJK), max_size=12).map("".join))
    verdicts = against_reference(c_module, keys, text, data, False, CJK)
    every = {(v.start, v.end) for v in verdicts if v.verdict in ("kept", "overlap")}
    kept = {(v.start, v.end) for v in verdicts if v.verdict == "kept"}
    assert {(v.start, v.end) for v in verdicts if v.verdict == "overlap"} == every - kept


@pytest.mark.parametrize("c_module", C_MODULE)
@settings(max_examples=200, deadline=None)
@given(keys=keys_st | dense_keys_st, data=st.data(), overlapping=st.booleans())
def test_verdicts_with_every_normalization(c_module, keys, data, overlapping):
    """Breaks, quotes, Traditional script and full width: offsets still map
    back, and the kept ones are still find()'s."""
    text = data.draw(texts(keys, "\n“”區線１Ｇ") | st.text(ALPHABET + "，。 \n“”區線", max_size=80))
    ann = Annotator(Glossary.from_keys(keys))
    with twin(c_module):
        check(ann, text, overlapping=overlapping)


SCOPES = ["national", "长治市上党区", "长治市", "山西省", "四川省"]
PERIODS = [None, "2021-2025", "2023-", "-2020", "2023"]
PLACES = [None, "national", "上党区", "长治市", "四川省", "山西省太原市"]


@pytest.mark.parametrize("c_module", C_MODULE)
@settings(max_examples=300, deadline=None)
@given(data=st.data(), text=st.text("甲乙丙丁，", max_size=30), overlapping=st.booleans())
def test_verdicts_by_place_and_year(c_module, data, text, overlapping):
    """Forms that terms of several places and periods share: one verdict per
    term, the winner kept (or all ambiguous), the others lost by scope."""
    forms = data.draw(st.lists(st.sampled_from(["甲乙", "乙丙", "甲", "丙丁"]), min_size=1, max_size=6))
    seen, terms = set(), []
    for n, form in enumerate(forms):
        scope, period = data.draw(st.sampled_from(SCOPES)), data.draw(st.sampled_from(PERIODS))
        if (form, scope, period) in seen:
            continue
        seen.add((form, scope, period))
        terms.append(make(key=form, id=f"t{n}/{form}", scope=scope, period=period))
    ann = Annotator(Glossary(terms), normalization=EXACT)
    where, year = data.draw(st.sampled_from(PLACES)), data.draw(st.sampled_from([None, 2019, 2023, 2026]))
    with twin(c_module):
        verdicts = check(ann, text, scope=where, date=year, overlapping=overlapping)
    by_span: dict = {}
    for v in verdicts:
        by_span.setdefault((v.start, v.end), []).append(v.verdict)
    for span, vs in by_span.items():
        if "kept" in vs or "ambiguous" in vs or "scope" in vs:  # selected: one winner, or all ambiguous
            assert vs.count("kept") == 1 and set(vs) <= {"kept", "scope"} or set(vs) == {"ambiguous"}


# -- unit cases --------------------------------------------------------------------------

def explained(ann, text, **kw):
    return [(v.text, v.id, v.verdict, v.reason, v.by) for v in ann.explain(text, **kw)]


def test_each_verdict_names_its_specifics():
    ann = Annotator(Glossary([
        make(key="1236"),
        make(key="12345", context={"quoted": True, "followed_by": ["项目推进机制"]}),
        make(key="四上", context={"not_preceded_by": ["周"], "not_followed_by": ["午"]}),
        make(key="三区三线"), make(key="三区"), make(key="区三线"),
    ]))
    assert explained(ann, "G1236，12360，拨打12345热线，周四上班，四上午，三区三线") == [
        ("1236", "t/1236", "ascii-boundary", "ASCII letter 'G' right before it", None),
        ("1236", "t/1236", "ascii-boundary", "ASCII digit '0' right after it", None),
        ("12345", "t/12345", "context", "its context rule: not quoted, not followed by 项目推进机制", None),
        ("四上", "t/四上", "context", "vetoed by not_preceded_by '周'", None),
        ("四上", "t/四上", "context", "vetoed by not_followed_by '午'", None),
        ("三区三线", "t/三区三线", "kept", "valid, and the longest at its start", None),
        ("三区", "t/三区", "overlap", "三区三线 (t/三区三线) at 31-35 is longer", By("t/三区三线", 31, 35)),
        ("区三线", "t/区三线", "overlap", "三区三线 (t/三区三线) at 31-35 is earlier", By("t/三区三线", 31, 35)),
    ]


def test_a_rejected_longer_candidate_leaves_the_shorter_kept():
    ann = Annotator(Glossary([make(key="三区三线", context={"followed_by": ["规划"]}), make(key="三区")]))
    assert [(v.text, v.verdict) for v in ann.explain("三区三线划定")] == [("三区三线", "context"), ("三区", "kept")]


def test_normalizations_are_named_and_offsets_are_the_originals():
    ann = Annotator(Glossary.from_keys(["三区三线"]))
    text = "划定“三區\n三線”"
    (v,) = ann.explain(text)
    assert (v.start, v.end, v.text) == (3, 8, "三區\n三線") == (v.start, v.end, text[v.start : v.end])
    assert v.reason == "valid, and the longest at its start; read through traditional, break"


def test_scope_and_ambiguous_name_the_winner_and_the_document():
    local = make(key="清化收", id="sd/清化收", scope="长治市上党区")
    national = make(key="清化收", id="n/清化收", scope="national")
    early, late = (make(key="双碳", id=f"{p}/双碳", scope="national", period=p) for p in ("2021-2025", "2021-2030"))
    ann = Annotator(Glossary([local, national, early, late]))
    assert explained(ann, "清化收", scope="上党区", date=2023) == [
        ("清化收", "sd/清化收", "kept", "the term of this form for a document from 山西省长治市上党区, 2023", None),
        ("清化收", "n/清化收", "scope", "the form stands for sd/清化收 (长治市上党区) in a document from "
         "山西省长治市上党区, 2023; this term is of national", By("sd/清化收", 0, 3)),
    ]
    assert [v.verdict for v in ann.explain("清化收", scope="四川省")] == ["scope", "kept"]
    reason = "no rule decides between 2021-2025/双碳 (national, 2021-2025), 2021-2030/双碳 (national, 2021-2030)"
    assert explained(ann, "双碳", date=2023) == [
        ("双碳", t.id, "ambiguous", f"{reason} for a document from an unknown place, 2023", None) for t in (early, late)]
    assert [v.verdict for v in ann.explain("双碳", date=2028)] == ["scope", "kept"]
    only = Annotator(Glossary([local]))
    assert explained(only, "清化收", scope="四川省") == [
        ("清化收", "sd/清化收", "ambiguous", "a term of 长治市上党区 only, which does not apply to a document "
         "from 四川省, year unknown", None)]


def test_an_overlap_names_an_ambiguous_winner():
    ann = Annotator(Glossary([make(key="甲乙", id="a/甲乙", scope="四川省"), make(key="乙丙")]))
    assert explained(ann, "甲乙丙", scope="长治市") == [
        ("甲乙", "a/甲乙", "ambiguous", "a term of 四川省 only, which does not apply to a document from "
         "山西省长治市, year unknown", None),
        ("乙丙", "t/乙丙", "overlap", "甲乙 (ambiguous) at 0-2 is earlier", By(None, 0, 2)),
    ]


def test_overlapping_keeps_every_valid_candidate():
    ann = Annotator(Glossary.from_keys(["三区三线", "三区"]))
    assert [(v.text, v.verdict, v.reason) for v in ann.explain("三区三线", overlapping=True)] == [
        ("三区三线", "kept", "valid"), ("三区", "kept", "valid")]


def test_what_a_switched_off_step_would_match_is_no_candidate():
    t = make(key="六九九六", variants=["六九六六"])
    assert [v.verdict for v in Annotator(Glossary([t])).explain("六九六六")] == ["kept"]
    assert Annotator(Glossary([t]), normalization=Normalization(variants=False)).explain("六九六六") == []


def test_verdicts_are_json_ready():
    (v,) = Annotator(Glossary([make(key="甲乙")])).explain("甲乙")
    assert v.to_dict() == {"start": 0, "end": 2, "text": "甲乙", "form": "甲乙", "id": "t/甲乙", "verdict": "kept",
                           "reason": "valid, and the longest at its start", "by": None}
    (_, w) = Annotator(Glossary([make(key="甲乙"), make(key="乙丙")])).explain("甲乙丙")
    assert w.to_dict()["by"] == {"id": "t/甲乙", "start": 0, "end": 2}


def test_explain_rejects_non_str():
    with pytest.raises(TypeError, match="explain"):
        Annotator(Glossary.from_keys(["双碳"])).explain(b"bytes")  # type: ignore[arg-type]


def test_the_writer_refuses_a_document_too_large(monkeypatch):
    import termkit.match.explain as explain

    ann = Annotator(Glossary.from_keys(["双碳"]))
    monkeypatch.setattr(explain, "MAX_BYTES", 8)
    assert len(list(write_explain(ann, ["实现双碳", "目标"], Doc("a.txt")))) == 1
    with pytest.raises(TooLarge, match="a.txt: too large for --explain"):
        list(write_explain(ann, ["实现双碳", "目标", "。。。"], Doc("a.txt")))


# -- the command -----------------------------------------------------------------------------

GLOSSARY = """glossary: mine
terms:
  - {id: sd/清化收, key: 清化收, headword: 清化收, kind: abbreviation, scope: 长治市上党区, sources: [{document: notes}]}
  - {id: n/清化收, key: 清化收, headword: 清化收, kind: abbreviation, scope: national, sources: [{document: notes}]}
  - id: n/12345
    key: "12345"
    headword: "12345"
    kind: numeric-slogan
    scope: national
    context: {quoted: true}
    sources: [{document: notes}]
"""


def test_annotate_explain(tmp_path):
    g = tmp_path / "mine.yaml"
    g.write_text(GLOSSARY, encoding="utf-8")
    doc = tmp_path / "doc.txt"
    text = "推进清化收，拨打12345热线，落实“12345”机制"
    doc.write_text(text, encoding="utf-8")
    proc = run("annotate", "--explain", "--no-default-glossary", "-g", str(g), "--scope", "上党区", "--date", "2023",
               str(doc), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    records = lines(proc)
    assert [list(r)[0] for r in records] == ["file"] * 4
    assert [(r["text"], r["id"], r["verdict"]) for r in records] == [
        ("清化收", "sd/清化收", "kept"), ("清化收", "n/清化收", "scope"),
        ("12345", "n/12345", "context"), ("12345", "n/12345", "kept")]
    assert records[1]["by"] == {"id": "sd/清化收", "start": 2, "end": 5}
    assert "2023" in records[0]["reason"] and all(text[r["start"] : r["end"]] == r["text"] for r in records)
    # Detected from the first lines where not given, as for the mentions.
    doc.write_text("四川省某县政府工作报告\n" + text, encoding="utf-8")
    records = lines(run("annotate", "--explain", "--no-default-glossary", "-g", str(g), str(doc), cwd=tmp_path))
    assert [(r["id"], r["verdict"]) for r in records][:2] == [("sd/清化收", "scope"), ("n/清化收", "kept")]


def test_annotate_explain_errors(tmp_path):
    doc = tmp_path / "doc.txt"
    doc.write_text("实现双碳目标", encoding="utf-8")
    proc = run("annotate", "--explain", "--format", "html", str(doc), cwd=tmp_path)
    assert proc.returncode == 2 and proc.stdout == b""
    assert proc.stderr.decode() == "termkit: --explain writes jsonl: it cannot be used with --format html\n"
    big = tmp_path / "big.txt"
    with open(big, "wb") as f:
        f.truncate((64 << 20) + 1)  # sparse: nothing is written
    proc = run("annotate", "--explain", str(doc), str(big), cwd=tmp_path)
    assert proc.returncode == 2 and proc.stdout == b""
    err = proc.stderr.decode()
    assert err.startswith(f"termkit: {big}: too large for --explain (over 64 MiB)") and err.count("\n") == 1
