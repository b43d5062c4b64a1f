"""Glossary files: loading, merging, and every way a hand-edited file goes wrong."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from termkit import Glossary, GlossaryError
from termkit.glossary import bundled_files, read_file
from termkit.glossary.model import json_schema
from termkit.text.chars import QUOTES

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

GOOD = """\
glossary: test
terms:
  - id: t/清化收
    key: 清化收
    headword: "“清化收”"
    kind: abbreviation
    definition: 农村集体经济合同专项清理、村级债务化解、新增资源收费。
    scope: 长治市上党区
    sources: [{document: report.txt, item: 名词解释 8, line: 180}]
"""


def write(tmp_path: Path, text: str, name: str = "g.yaml") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_from_files_loads(tmp_path):
    g = Glossary.from_files([write(tmp_path, GOOD)])
    assert len(g) == 1
    t = g.find_term("清化收")
    assert t is g["t/清化收"] and t.sources[0].line == 180
    assert g.origin("t/清化收").endswith("g.yaml")


@pytest.mark.parametrize(
    "mutation, message",
    [
        (lambda s: s.replace("    kind: abbreviation\n", "    kind: abbreviation\n    colour: red\n"), "colour: unknown field"),
        (lambda s: s.replace("key: 清化收", "key: '   '"), "key is empty"),
        (lambda s: s.replace("key: 清化收", "key: '“”'"), "key"),
        (lambda s: s.replace("key: 清化收", "key: '!!!'"), "only punctuation"),
        (lambda s: s.replace("    key: 清化收\n", ""), "key: missing required field"),
        (lambda s: s.replace("kind: abbreviation", "kind: slogan"), "kind"),
        (lambda s: s.replace("sources: [{document: report.txt, item: 名词解释 8, line: 180}]", "sources: []"), "sources"),
        (lambda s: s.replace("headword: \"“清化收”\"", "headword: [unclosed"), "malformed YAML at line"),
        (lambda s: "just a string\n", "must be a mapping"),
        (lambda s: "- just\n- a list\n", "key 'a list' contains whitespace"),
    ],
)
def test_bad_files_give_one_readable_message(tmp_path, mutation, message):
    p = write(tmp_path, mutation(GOOD))
    with pytest.raises(GlossaryError) as e:
        Glossary.from_files([p])
    text = str(e.value)
    assert message in text
    assert text.startswith(str(p))
    assert "\n" not in text and "Traceback" not in text and "errors.pydantic.dev" not in text


def test_error_names_the_entry(tmp_path):
    p = write(tmp_path, GOOD.replace("kind: abbreviation", "kind: nonsense"))
    with pytest.raises(GlossaryError, match=r"term 1 \(t/清化收\), kind"):
        read_file(p)


def test_duplicate_id_and_form_across_files(tmp_path):
    a = write(tmp_path, GOOD, "a.yaml")
    b = write(tmp_path, GOOD, "b.yaml")
    with pytest.raises(GlossaryError, match="duplicate id"):
        Glossary.from_files([a, b])
    c = write(tmp_path, GOOD.replace("id: t/清化收", "id: t/other"), "c.yaml")
    with pytest.raises(GlossaryError, match=r"form '清化收' already belongs to term t/清化收 \(.*a.yaml\)"):
        Glossary.from_files([a, c])


def test_missing_ref_and_cycle(tmp_path):
    ref = GOOD.replace("    scope:", "    components: [{name: 清理, ref: t/nowhere}]\n    scope:")
    with pytest.raises(GlossaryError, match="missing term 't/nowhere'"):
        Glossary.from_files([write(tmp_path, ref)])
    two = GOOD + GOOD.split("terms:\n")[1].replace("t/清化收", "t/b").replace("key: 清化收", "key: 乙")
    cyc = two.replace("    scope: 长治市上党区\n", "    components: [{name: x, ref: REF}]\n    scope: 长治市上党区\n")
    cyc = cyc.replace("REF", "t/b", 1).replace("REF", "t/清化收", 1)
    with pytest.raises(GlossaryError, match="cycle"):
        Glossary.from_files([write(tmp_path, cyc)])


def test_unreadable_and_non_utf8(tmp_path):
    with pytest.raises(GlossaryError, match="cannot read glossary"):
        read_file(tmp_path / "missing.yaml")
    p = tmp_path / "gbk.yaml"
    p.write_bytes(GOOD.encode("gbk"))
    with pytest.raises(GlossaryError, match="not UTF-8"):
        read_file(p)


BAD = Path(__file__).resolve().parent / "cases" / "glossaries-bad"


def _one_line(e, path) -> str:
    text = str(e.value)
    assert text.startswith(str(path)) and "\n" not in text and "Traceback" not in text
    return text


@pytest.mark.parametrize(
    "text, message",
    [
        (GOOD.replace("    scope:", "    components: [&p {name: 清理}, {name: 化解, components: [*p, *p]}]\n    scope:"),
         "YAML anchor &p at line 8, column 18: glossary files do not allow anchors and aliases"),
        (GOOD.replace("glossary: test", "glossary: &name test"), "YAML anchor &name at line 1"),
        (GOOD.replace("    scope: 长治市上党区", "    scope: *nowhere"), "YAML alias *nowhere at line 8, column 12"),
    ],
)
def test_anchors_and_aliases_are_refused(tmp_path, text, message):
    p = write(tmp_path, text)
    with pytest.raises(GlossaryError) as e:
        Glossary.from_files([p])
    assert message in _one_line(e, p)


def test_an_alias_bomb_is_refused_before_it_expands(tmp_path, monkeypatch):
    """Nine levels of aliases stand for 10**8 components: refused at once, and nothing cached."""
    import time

    monkeypatch.setenv("TERMKIT_CACHE_DIR", str(tmp_path / "cache"))
    p = BAD / "alias-bomb.yaml"
    start = time.perf_counter()
    with pytest.raises(GlossaryError) as e:
        Glossary.from_files([p])
    assert time.perf_counter() - start < 1
    assert "YAML anchor &a at line 12, column 5" in _one_line(e, p)
    assert not list(tmp_path.glob("cache/*.json"))


@pytest.mark.parametrize(
    "mutation, message",
    [
        (lambda s: s.replace("    scope:", "    definition: 后一个定义。\n    scope:"),
         "duplicate key 'definition' at line 8, column 5 (first at line 7)"),
        (lambda s: s.replace("    headword:", "    key: 清化收\n    headword:"),
         "duplicate key 'key' at line 5, column 5 (first at line 4)"),
        (lambda s: s + "glossary: again\n", "duplicate key 'glossary' at line 10, column 1 (first at line 1)"),
        (lambda s: s.replace("item: 名词解释 8,", "item: 名词解释 8, item: 9,"), "duplicate key 'item' at line 9, column 52 (first at line 9)"),
    ],
)
def test_duplicate_keys_are_refused(tmp_path, mutation, message):
    p = write(tmp_path, mutation(GOOD))
    with pytest.raises(GlossaryError) as e:
        Glossary.from_files([p])
    assert message in _one_line(e, p)


def test_the_loader_parses_with_libyaml():
    """The checks are made on the C parser's events: not on PyYAML's pure-Python parser, 8 times slower."""
    import yaml

    from termkit.glossary.files import _loader

    if not yaml.__with_libyaml__:
        pytest.skip("PyYAML built without libyaml")
    assert yaml._yaml.CParser in _loader().__mro__


def test_validate_reports_aliases_and_duplicate_keys():
    from termkit.glossary.validate import validate_files

    for name, message in [("alias-bomb.yaml", "anchors and aliases"),
                          ("duplicate-keys.yaml", "duplicate key 'definition' at line 8, column 3")]:
        [f] = validate_files([BAD / name])
        assert f.severity == "error" and str(BAD / name) in f.message and message in f.message


def test_a_file_too_large_is_refused_unread(tmp_path, monkeypatch):
    """-g /dev/zero, or a file of gigabytes, is refused after MAX_BYTES, not read until memory runs out."""
    import termkit.glossary.files

    monkeypatch.setattr(termkit.glossary.files, "MAX_BYTES", 1000)
    p = write(tmp_path, GOOD + "#" * 1000)
    with pytest.raises(GlossaryError) as e:
        Glossary.from_files([p])
    assert "larger than" in _one_line(e, p)


def test_from_keys():
    g = Glossary.from_keys(["三区三线", " “双碳” ", "三区三线"])
    assert [t.key for t in g] == ["三区三线", "双碳"]
    with pytest.raises(GlossaryError):
        Glossary.from_keys(["。。"])


def test_merge_keeps_order():
    g = Glossary.from_keys(["甲"]) + Glossary.from_keys(["乙"])
    assert [t.key for t in g] == ["甲", "乙"]


def test_schema_accepts_what_termkit_reads_and_rejects_what_it_refuses():
    """An editor validating with the exported schema agrees with termkit."""
    import jsonschema
    import yaml

    validator = jsonschema.Draft202012Validator(json_schema())
    for path in bundled_files():
        validator.validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    validator.validate({"glossary": "mine", "terms": [{"key": "双碳", "definition": "碳达峰、碳中和"}, "两个维护"]})
    validator.validate(["双碳", {"key": "三区三线"}])
    for bad in ({"glossary": "mine", "terms": [{"key": "双碳", "colour": "red"}]},
                {"glossary": "mine", "terms": [{"definition": "no key"}]}, "just a string"):
        assert not validator.is_valid(bad), bad


# -- the bundled glossary ----------------------------------------------------

def test_bundled_glossary_loads_and_is_curated():
    g = Glossary.load()
    assert len(bundled_files()) >= 1
    assert len(g) >= 120
    seeds = {p.name for p in SEEDS.glob("*.txt")}
    for t in g:
        assert t.sources, t.id
        seed_sources = [s for s in t.sources if s.document in seeds]
        if t.scope != "national":
            # A local term is curated from a seed, and its definition (if any) from it.
            assert seed_sources, f"{t.id} names no seed document"


def test_bundled_sources_point_at_real_lines():
    """A seed source with a line number points at a line that mentions the term."""
    lines = {p.name: p.read_text(encoding="utf-8").splitlines() for p in SEEDS.glob("*.txt")}
    for t in Glossary.load():
        for s in t.sources:
            if s.document in lines and s.line:
                window = "".join(lines[s.document][s.line - 1 : s.line + 2]).replace(" ", "")
                forms = [t.key, *t.aliases, *t.variants]
                assert any(f in window for f in forms) or t.headword.replace(" ", "") in window, (
                    f"{t.id}: {s.document} line {s.line} does not mention it"
                )


def test_committed_schema_is_current():
    """glossaries/schema.json (for editors) is exactly what the models export."""
    committed = json.loads((SEEDS.parent / "glossaries" / "schema.json").read_text(encoding="utf-8"))
    assert committed == json_schema(), "run: termkit glossary schema > glossaries/schema.json"


def test_seed_definitions_and_items_are_the_seeds_own_words():
    """Curate, never invent: a definition or item taken from a seed stands in that seed
    (whitespace aside). Entries naming a non-seed source (standard official wording) are exempt."""
    import re

    def squeeze(s: str) -> str:
        return re.sub(r"\s+", "", s)

    seeds = {p.name: squeeze(p.read_text(encoding="utf-8")) for p in SEEDS.glob("*.txt")}

    def parts(components):
        for c in components:
            yield c
            yield from parts(c.components)

    for t in Glossary.load():
        if any(s.document not in seeds for s in t.sources):
            continue
        texts = [seeds[s.document] for s in t.sources]
        claims = [t.definition] if t.definition else []
        for c in parts(t.components):
            claims += [*c.items, *([c.definition] if c.definition else [])]
        for claim in claims:
            assert any(squeeze(claim) in text for text in texts), f"{t.id}: {claim[:40]!r} is not in its seed"


# -- the classes of the format: validated on construction, pydantic only when needed ----

def _term_data(**kw) -> dict:
    return {"id": "t/清化收", "key": "清化收", "headword": "“清化收”", "kind": "abbreviation", "scope": "s",
            "sources": [{"document": "r.txt", "line": 3}], **kw}


def test_constructing_an_entry_validates_it():
    from dataclasses import FrozenInstanceError

    from pydantic import ValidationError

    from termkit.glossary.model import Component, Kind, Source, Term

    t = Term(**{**_term_data(definition="  "), "sources": [Source(document="r.txt", line=3)]})
    assert t.kind is Kind.abbreviation and t.definition is None  # coerced and cleaned, as from a file
    assert t.context.constrained is False and t.aliases == ()
    for bad in (dict(kind="slogan"), dict(key="清 化收"), dict(aliases=["清化收"]), dict(sources=[])):
        with pytest.raises(ValidationError):
            Term(**{**_term_data(**bad), "sources": bad.get("sources", [Source(document="r.txt")])})
    with pytest.raises(TypeError):  # an unknown argument, as for any Python class
        Term(**{**_term_data(colour="red"), "sources": [Source(document="r.txt")]})
    with pytest.raises(ValidationError):
        Source(document="r.txt", line=0)
    with pytest.raises(ValidationError):
        Component(name="")
    with pytest.raises(FrozenInstanceError):
        t.key = "x"


def test_trusted_construction_skips_validation_but_not_the_cross_checks():
    from termkit.glossary.model import Kind, Source, Term, trusted

    with trusted():
        t = Term(**{**_term_data(kind=Kind.other), "sources": [Source(document="r.txt")], "key": "清 化收"})
        assert t.key == "清 化收"  # not checked: the caller vouches for it
        with pytest.raises(ValueError, match="listed twice"):
            Term(**{**_term_data(kind=Kind.other, aliases=["清化收"]), "sources": [Source(document="r.txt")]})


@settings(max_examples=150, deadline=None)
@given(
    key=st.sampled_from(["清化收", "", " ", "清 化收", "“双碳”", "!!", "1+2+15", "中\ufffd文"]),
    aliases=st.lists(st.sampled_from(["清化收", "双碳", "", "a b"]), max_size=2),
    kind=st.sampled_from(["abbreviation", "other", "slogan", 3]),
    definition=st.sampled_from([None, "", "  ", "碳达峰、碳中和。", 5]),
    line=st.sampled_from([None, 0, 1, "2", -4]),
    extra=st.booleans(),
)
def test_constructor_and_file_validation_agree(key, aliases, kind, definition, line, extra):
    """``Term(**data)`` and validating ``data`` as a glossary file's entry accept
    and refuse the same inputs, and build equal terms. (An unknown field is a
    ValidationError in a file, a TypeError in a call.)"""
    from pydantic import ValidationError

    from termkit.glossary.model import GlossaryFile, Source, Term, validate

    data = _term_data(key=key, aliases=aliases, kind=kind, definition=definition,
                      sources=[{"document": "r.txt", "line": line}], **({"colour": "red"} if extra else {}))
    try:
        from_file = validate(GlossaryFile, {"glossary": "g", "terms": [data]}).terms[0]
    except ValidationError:
        from_file = None
    try:
        built = Term(**{**data, "sources": [Source(document="r.txt", line=line)]})
    except (ValidationError, TypeError):
        built = None
    assert built == from_file


def test_cache_round_trip_and_json():
    from termkit.glossary.model import term_from_json, to_json

    for t in Glossary.load():
        assert term_from_json(json.loads(json.dumps(to_json(t), ensure_ascii=False))) == t
    t = Glossary.load()["shangdang/六九九六"]
    assert "context" not in to_json(t, exclude_defaults=True) and to_json(t)["kind"] == "mechanism"


def test_annotating_from_the_cache_does_not_import_pydantic(tmp_path):
    """Start-up: with the glossary cached, annotating needs neither pydantic nor YAML."""
    import os
    import subprocess
    import sys

    code = ("import sys, termkit\n"
            "ann = termkit.Annotator(termkit.Glossary.load())\n"
            "assert ann.find('三区三线')\n"
            "print(sorted(m for m in ('pydantic', 'yaml') if m in sys.modules))\n")
    env = {**os.environ, "TERMKIT_CACHE_DIR": str(tmp_path / "cache")}
    env.pop("TERMKIT_NO_CACHE", None)
    first = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    second = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert first.returncode == second.returncode == 0, first.stderr + second.stderr
    assert first.stdout.strip() == "['pydantic', 'yaml']"  # the first run reads and validates the files
    assert second.stdout.strip() == "[]"


def test_entries_cannot_be_changed_after_the_fact():
    """An entry's lists are tuples: nothing can desynchronize a compiled
    Annotator by appending to a term's aliases."""
    import dataclasses

    t = Glossary.from_keys(["双碳"]).find_term("双碳")
    for name in ("aliases", "variants", "components", "sources"):
        assert isinstance(getattr(t, name), tuple)
    with pytest.raises(AttributeError):
        t.aliases.append("碳达峰")
    with pytest.raises(dataclasses.FrozenInstanceError):
        t.key = "碳达峰"
    loaded = Glossary.load().find_term("六九九六")
    assert isinstance(loaded.components, tuple) and isinstance(loaded.components[0].items, tuple)


def test_minimal_entries_and_bare_lists(tmp_path):
    """An entry needs only its key (and may have a definition): the rest is
    defaulted; a file may be a bare list of keys or entries."""
    p = write(tmp_path, "glossary: mine\nterms:\n  - key: 双碳\n    definition: 碳达峰、碳中和\n  - 两个维护\n")
    t, u = Glossary.from_files([p])
    assert (t.id, t.headword, t.kind.value, t.scope, t.definition) == ("mine/双碳", "双碳", "other", "unknown", "碳达峰、碳中和")
    assert t.sources[0].document == p.name and u.id == "mine/两个维护"
    bare = tmp_path / "list.yaml"
    bare.write_text("- 双碳\n- key: 三区三线\n  definition: 城镇、农业、生态空间\n", encoding="utf-8")
    assert [(t.id, t.definition) for t in Glossary.from_files([bare])] == [
        ("list/双碳", None), ("list/三区三线", "城镇、农业、生态空间")]


def test_a_plain_list_of_terms(tmp_path):
    p = tmp_path / "terms.txt"
    p.write_text("# my terms\n双碳\t碳达峰、碳中和\n\n  “两个 维护”  \n", encoding="utf-8")
    g = Glossary.from_term_lists([p])
    assert [(t.id, t.key, t.definition, t.sources[0].line) for t in g] == [
        ("terms/双碳", "双碳", "碳达峰、碳中和", 2), ("terms/两个维护", "两个维护", None, 4)]
    p.write_text("双碳\n!!!\n", encoding="utf-8")
    with pytest.raises(GlossaryError, match=r"terms.txt: term 2 \(terms/!!!\), key: .*only punctuation"):
        Glossary.from_term_lists([p])


CORPUS = SEEDS.parent.parent / "shared" / "corpus"


def corpus_lines(document: str) -> list[str] | None:
    """The lines of a ``corpus:`` source (see glossaries/README.md), or None."""
    ref = document.removeprefix("corpus:")
    if ref.startswith("cpc-congress/") and ref.removeprefix("cpc-congress/").isdigit():
        number = int(ref.removeprefix("cpc-congress/"))
        with open(CORPUS / "cpc-congress" / "cpc_congress_reports.jsonl", encoding="utf-8") as f:
            reports = [json.loads(line) for line in f]
        found = [r["content"] for r in reports if r["congress"] == number]
        return found[-1].splitlines() if found else None
    path = CORPUS / ref
    return path.read_text(encoding="utf-8").splitlines() if path.is_file() else None


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the real corpus (../shared/corpus) is not here")
def test_corpus_sources_point_at_real_lines():
    """A source in the real corpus names a document that exists and a line
    that (with the two after it) mentions the term."""
    for t in Glossary.load():
        for s in t.sources:
            if not s.document.startswith("corpus:"):
                continue
            lines = corpus_lines(s.document)
            assert lines is not None, f"{t.id}: no corpus document {s.document}"
            assert s.line, f"{t.id}: {s.document} names no line"
            window = "".join(lines[s.line - 1 : s.line + 2])
            window = "".join(c for c in window if c not in QUOTES + " *")  # as the matcher skips them
            forms = [t.key, *t.aliases, *t.variants]
            assert any(f in window for f in forms), f"{t.id}: {s.document} line {s.line} does not mention it"


def test_kinds_follow_the_curation_rules():
    """glossaries/README.md: a formula whose numerals count its parts is a
    numeric-slogan, not an abbreviation; only national terms have national ids."""
    from termkit.glossary.validate import check_counts

    for t in Glossary.load():
        checked = check_counts(t)
        if checked is not None and checked[0] == "count-ok":
            assert t.kind.value != "abbreviation", f"{t.id}: its numerals count its parts"
        assert (t.id.split("/")[0] == "national") == (t.scope == "national"), f"{t.id}: scope {t.scope}"
