"""Whose term is it? Forms shared by terms of several places and years, resolved
by where and when a document is from (termkit.scope.resolve), end to end."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import termkit
from conftest import full
from termkit import Annotator, Glossary
from termkit.glossary.files import GlossaryError
from termkit.scope.places import NATIONAL, contains, place
from termkit.scope.resolve import clean_period, resolve

ROOT = Path(__file__).resolve().parent.parent
CASES = yaml.safe_load((ROOT / "tests/cases/scopes.yaml").read_text(encoding="utf-8"))
CORPUS = ROOT.parent / "shared" / "corpus"


def write_glossary(tmp: Path, terms: list[dict], name: str = "scopes-fixture") -> Path:
    path = tmp / f"{name}.yaml"
    path.write_text(yaml.safe_dump({"glossary": name, "terms": terms}, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def fixture_annotator(tmp_path_factory) -> Annotator:
    path = write_glossary(tmp_path_factory.mktemp("scopes"), CASES["terms"])
    return Annotator(Glossary.from_files([path]))


# -- the fixture: two districts, two years, a city, a province and the nation --------------------

@pytest.mark.parametrize("case", CASES["cases"], ids=lambda c: f"{c['text']}@{c['scope']}/{c['date']}")
def test_each_document_gets_its_own_places_term(fixture_annotator, case):
    date = case["date"] if case["date"] is None else str(case["date"])
    found = fixture_annotator.find(case["text"], scope=case["scope"], date=date)
    got = [{"ambiguous": list(m.candidates)} if m.ambiguous else m.id for m in found]
    assert got == case["expect"], case.get("why")


def test_the_fixture_through_the_command_line(tmp_path):
    from test_cli import run

    glossary = write_glossary(tmp_path, CASES["terms"])
    doc = tmp_path / "report.txt"
    doc.write_text("——2024年1月9日在长治市上党区第三届人民代表大会第二次会议上\n推进三个一批，落实四全工作法。\n",
                   encoding="utf-8")
    proc = run("annotate", "--no-default-glossary", "-g", str(glossary), "--documents", str(doc), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    first, *records = [json.loads(x) for x in proc.stdout.decode().splitlines()]
    assert first["document"] == {"scope": "山西省长治市上党区", "scope_how": "meeting line 1",
                                 "date": "2024-01-09", "date_how": "meeting line 1"}
    assert [(r["id"], r.get("ambiguous")) for r in records] == [("shangdang-2023/三个一批", False),
                                                                ("shangdang/四全工作法", None)]
    given = run("annotate", "--no-default-glossary", "-g", str(glossary), "--scope", "山西省", str(doc), cwd=tmp_path)
    records = [json.loads(x) for x in given.stdout.decode().splitlines()]
    assert [(r["id"], r["ambiguous"], r["candidates"]) for r in records] == [
        (None, True, ["shangdang/三个一批", "shangdang-2023/三个一批", "luzhou/三个一批"]),
        (None, True, ["shangdang/四全工作法"])]
    none = run("annotate", "--no-default-glossary", "-g", str(glossary), "--scope", "none", "-f", "inline", str(doc),
               cwd=tmp_path)
    assert "四全工作法（上党区的四全工作法）" in none.stdout.decode()
    assert "三个一批（ambiguous: shangdang/三个一批, shangdang-2023/三个一批, luzhou/三个一批）" in none.stdout.decode()


def test_same_form_scope_and_period_is_still_an_error(tmp_path):
    twice = [{"id": "a/双百", "key": "双百", "scope": "长治市上党区", "period": 2023},
             {"id": "b/双百", "key": "双百", "scope": "山西省长治市上党区", "period": "2023"}]
    with pytest.raises(GlossaryError, match=r"form '双百' already belongs to term a/双百 .*both of scope "
                                            r"山西省长治市上党区, period 2023"):
        Glossary.from_files([write_glossary(tmp_path, twice)])
    other_year = [twice[0], {**twice[1], "period": "2024-"}]
    assert len(Glossary.from_files([write_glossary(tmp_path, other_year, "b")])) == 2
    with pytest.raises(GlossaryError, match="duplicate id"):
        Glossary.from_files([write_glossary(tmp_path, [twice[0], {**twice[1], "id": "a/双百"}], "c")])


def test_a_users_unscoped_entry_still_replaces_the_bundled_one():
    mine = Glossary.from_keys(["六九九六"])
    merged = Glossary.load().overlay(mine)
    assert [t.id for t in merged.terms_with_form("六九九六")] == ["adhoc/六九九六"]


def test_a_places_term_stands_beside_the_national_one(tmp_path):
    local = write_glossary(tmp_path, [{"id": "x/放管服", "key": "放管服", "scope": "四川省", "definition": "四川的"}])
    merged = Glossary.load().overlay(Glossary.from_files([local]))
    assert [t.scope for t in merged.terms_with_form("放管服")] == ["national", "四川省"]
    ann = Annotator(merged)
    assert ann.find("深化放管服改革", scope="四川省")[0].id == "x/放管服"
    assert ann.find("深化放管服改革", scope="广东省")[0].id != "x/放管服"


def test_periods():
    assert [clean_period(p) for p in ("2021–2025", "2023 -", "-2020", "2023")] == ["2021-2025", "2023-", "-2020", "2023"]
    for bad in ("2025-2021", "23", "2021-25", "十四五", ""):
        with pytest.raises(ValueError):
            clean_period(bad)


# -- the rule, against a reference written another way ------------------------------------------

PLACES = [None, NATIONAL, place("山西省"), place("长治市"), place("长治市上党区"), place("长治市潞州区"),
          place("四川省"), place("成都市")]
periods = st.one_of(st.none(), st.builds(lambda a, n, lo, hi: (a if lo else None, a + n if hi else None),
                                         st.integers(2015, 2025), st.integers(0, 4), st.booleans(), st.booleans()))
candidates = st.lists(st.tuples(st.sampled_from([p for p in PLACES if p != NATIONAL]), periods), min_size=1,
                      max_size=5)


def reference(cands, where, year):
    """The rule said as a preference: the winner is the one candidate that applies
    and is better than every other that applies; None where there is none such."""
    def applies(c):
        return c[0] is None or (where is not None and where != NATIONAL and contains(c[0], where))

    def depth(c):
        return 0 if c[0] is None else c[0].depth

    def better(a, b):  # a strictly preferred to b
        if depth(a) != depth(b):
            return depth(a) > depth(b)
        if year is None:
            return False
        lo = lambda c: -10**9 if c[1] is None or c[1][0] is None else c[1][0]  # noqa: E731
        hi = lambda c: 10**9 if c[1] is None or c[1][1] is None else c[1][1]  # noqa: E731
        holds = lambda c: lo(c) <= year <= hi(c)  # noqa: E731
        if holds(a) != holds(b):
            return holds(a)
        if holds(a):
            return lo(a) > lo(b)
        ended = lambda c: hi(c) < year  # noqa: E731
        if ended(a) != ended(b):
            return ended(a)
        return hi(a) > hi(b) if ended(a) else lo(a) < lo(b)

    live = [i for i, c in enumerate(cands) if applies(c)]
    if not live and where is None and len(cands) == 1:
        return 0
    best = [i for i in live if all(better(cands[i], cands[j]) for j in live if j != i)]
    return best[0] if best else None


@settings(max_examples=2000, deadline=None)
@given(cands=candidates, where=st.sampled_from(PLACES), year=st.one_of(st.none(), st.integers(2012, 2028)),
       data=st.data())
def test_resolution_equals_the_reference_and_ignores_order(cands, where, year, data):
    got = resolve(cands, where, year)
    assert got == reference(cands, where, year)
    order = data.draw(st.permutations(range(len(cands))))
    again = resolve([cands[i] for i in order], where, year)
    assert (None if again is None else order[again]) == got
    if got is not None and where is not None:  # another place's term never wins
        assert cands[got][0] is None or contains(cands[got][0], where)


# -- the Annotator: resolution changes what a mention stands for, never where it is --------------

GLOSSARY_TERMS = CASES["terms"] + [{"id": "nation/双碳", "key": "双碳", "scope": "national"}]
words = st.lists(st.sampled_from(["三个一批", "十大平台", "一区两城", "四全工作法", "双碳", "“", "”", "，", "推进", "\n", "三个"]),
                 max_size=12).map("".join)
scopes = st.sampled_from([None, "national", "山西省", "长治市", "上党区", "长治市潞州区", "四川省", "unknown"])
dates = st.sampled_from([None, "2019", "2022", "2023-06-16", "2030"])


@pytest.fixture(scope="module")
def annotator(tmp_path_factory) -> Annotator:
    return Annotator(Glossary.from_files([write_glossary(tmp_path_factory.mktemp("g"), GLOSSARY_TERMS)]))


@settings(max_examples=300, deadline=None)
@given(text=words, scope=scopes, date=dates)
def test_resolution_moves_no_mention(annotator, text, scope, date):
    plain = annotator.find(text)
    found = annotator.find(text, scope=scope, date=date)
    assert [(m.start, m.end, m.text) for m in found] == [(m.start, m.end, m.text) for m in plain]
    where = place(scope) if scope else None
    for m in found:
        assert text[m.start:m.end] == m.text
        if m.ambiguous:
            assert m.id is None and m.term is None and m.candidates
            continue
        assert m.term is not None and m.id == m.term.id
        own = place(m.term.scope)
        if where is not None and own not in (None, NATIONAL):
            assert contains(own, where), (m.id, scope)
    stream = list(annotator.find_stream([text[:5], text[5:]], context=8, scope=scope, date=date))
    assert full(stream) == full(found)


@settings(max_examples=200, deadline=None)
@given(text=words, scope=scopes, date=dates)
def test_the_twins_resolve_alike(annotator, text, scope, date):
    fast = annotator.find(text, scope=scope, date=date)
    saved = termkit.native.module
    termkit.native.module = None
    try:
        slow = annotator.find(text, scope=scope, date=date)
    finally:
        termkit.native.module = saved
    assert full(fast) == full(slow)


def test_without_scopes_nothing_changes():
    """The bundled glossary has one term per form: with no place and no date
    given, every mention is as it always was (no candidates)."""
    ann = Annotator(Glossary.load())
    text = (ROOT / "seeds" / "shangdang-2023-06-government-work-report.txt").read_text(encoding="utf-8")
    found = ann.find(text)
    assert found and not any(m.candidates for m in found)
    assert full(ann.find(text, scope="长治市上党区", date="2023-06-16")) == full(found)


# -- the corpus: every provincial appendix loaded at once ---------------------------------------

@pytest.mark.skipif(not (CORPUS / "provinces").is_dir(), reason="../shared/corpus is not here")
def test_the_provinces_appendices_together(tmp_path):
    """The glossaries `termkit extract` makes from the provincial reports'
    appendices, loaded with the bundled one: in each of those reports, a form
    several of them define stands for its own province's term (or the
    national one), and is ambiguous only where neither defines it."""
    from test_cli import termkit_command

    out = tmp_path / "gl"
    proc = subprocess.run([*termkit_command(), "extract", str(CORPUS / "provinces"), "-o", f"{out}/"],
                          capture_output=True, env={**os.environ}, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    # Two 四川 reports are dated to one year by the corpus (2007.md and 2008.md, 2019.md and
    # 2020.md): extract warns, and their glossaries clash as designed. Load the first of each.
    assert b"is also of" in proc.stderr
    files = sorted(p for p in out.glob("*.yaml") if not p.stem.endswith("-2"))
    glossary = Glossary.load().overlay(Glossary.from_files(files))
    ann = Annotator(glossary)
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    from termkit.corpus.locate import Locator

    locate = Locator()
    seen = {"own": 0, "national": 0, "ambiguous": 0}
    for report in (r for r in summary["files"] if r.get("output")):
        text = Path(report["path"]).read_text(encoding="utf-8")
        info = locate(report["path"], text[:16384])
        where = place(info["scope"])
        assert where is not None and where.depth == 1, info  # a province, from the path
        for m in ann.find(text, scope=info["scope"], date=info["date"]):
            if not m.candidates:
                continue
            terms = [glossary[c] for c in m.candidates]
            applying = [t for t in terms if place(t.scope) in (None, NATIONAL) or contains(place(t.scope), where)]
            if m.ambiguous:
                assert not applying, (report["file"], m.text, [t.id for t in applying])
                seen["ambiguous"] += 1
            else:
                assert m.term in applying and m.term.scope in ("national", where.name), (report["file"], m.id)
                if any(t.scope == where.name for t in applying):
                    assert m.term.scope == where.name
                seen["own" if m.term.scope == where.name else "national"] += 1
    assert all(n > 100 for n in seen.values()), seen


def test_overlay_keeps_other_years_of_a_place_and_replaces_the_timeless(tmp_path):
    base = [{"id": "old/双百", "key": "双百", "scope": "长治市上党区", "period": "2021-2022"},
            {"id": "any/双百", "key": "双百", "scope": "长治市潞州区"}]
    mine = [{"id": "new/双百", "key": "双百", "scope": "上党区", "period": "2023-"},
            {"id": "mine/双百", "key": "双百", "scope": "长治市潞州区", "period": "2024-"}]
    merged = Glossary.from_files([write_glossary(tmp_path, base, "base")]).overlay(
        Glossary.from_files([write_glossary(tmp_path, mine, "mine")]))
    assert [t.id for t in merged.terms_with_form("双百")] == ["old/双百", "new/双百", "mine/双百"]


def test_glossary_show_lists_every_term_of_a_form(tmp_path):
    from test_cli import run

    glossary = write_glossary(tmp_path, CASES["terms"])
    proc = run("glossary", "show", "三个一批", "--no-default-glossary", "-g", str(glossary), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout.decode()
    assert out.count("  id:") == 3 and "period:     2023-" in out and "scope:      长治市潞州区" in out
    one = run("glossary", "show", "luzhou/三个一批", "--format", "json", "--no-default-glossary", "-g", str(glossary),
              cwd=tmp_path)
    assert json.loads(one.stdout)["id"] == "luzhou/三个一批"


def test_scope_none_still_detects_the_date_and_documents_needs_a_format_that_says_it(tmp_path):
    from test_cli import run

    doc = tmp_path / "2014.md"
    doc.write_text("——2014年1月20日在山西省第十二届人民代表大会第二次会议上\n正文\n", encoding="utf-8")
    record = json.loads(run("annotate", "--documents", "--scope", "none", str(doc), cwd=tmp_path).stdout.decode()
                        .splitlines()[0])
    assert record["document"] == {"scope": None, "scope_how": "unknown", "date": "2014-01-20",
                                  "date_how": "meeting line 1"}
    refused = run("annotate", "-f", "csv", "--documents", str(doc), cwd=tmp_path)
    assert refused.returncode == 2 and b"--documents applies to --format" in refused.stderr
    assert b"place unknown, 2014-01-20" in run("annotate", "-f", "html", "--documents", "--scope", "none", str(doc),
                                               cwd=tmp_path).stdout
