"""`termkit discover`: candidates on synthetic reports written for these tests
(tests/cases/discover, with what must and must not be found in expected.yaml),
the parts one by one, a property, and the command as a real subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from termkit import Annotator, Glossary
from termkit.discover import discover_texts
from termkit.discover.candidates import numeral_runs, scan_text
from termkit.discover.collect import context
from termkit.discover.definitions import find_definitions

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "cases" / "discover"
EXPECTED = yaml.safe_load((CASES / "expected.yaml").read_text(encoding="utf-8"))
CORPUS = ROOT.parent / "shared" / "corpus"


def run(*args: str, stdin: bytes | None = None, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT))  # this checkout's termkit, not an installed one
    return subprocess.run([sys.executable, "-m", "termkit", "discover", *args], cwd=cwd, input=stdin,
                          capture_output=True, env=env, timeout=300)


@pytest.fixture(scope="module")
def records():
    proc = run("--top", "0", "-f", "jsonl", str(CASES))
    assert proc.returncode == 0, proc.stderr.decode()
    return {r["key"]: r for r in map(json.loads, proc.stdout.decode().splitlines())}


# -- data-driven: the fixtures ------------------------------------------------

@pytest.mark.parametrize("key", EXPECTED["found"])
def test_formula_is_found(records, key):
    assert key in records


@pytest.mark.parametrize("key", EXPECTED["not_found"])
def test_non_formula_and_covered_term_stay_out(records, key):
    assert key not in records


@pytest.mark.parametrize("key", EXPECTED["definitions"])
def test_definition_in_the_text_is_attached(records, key):
    want, got = EXPECTED["definitions"][key], records[key]["definition"]
    assert got is not None and (got["how"], got["line"]) == (want["how"], want["line"])
    assert got["file"] == "南岭市-2024.txt"
    assert len(records[key]["components"]) == want.get("components", 0)
    assert records[key]["count_check"] == want.get("check")


@pytest.mark.parametrize("key", EXPECTED["near_misses"])
def test_near_miss_is_proposed_as_a_form_of_the_known_term(records, key):
    assert [records[key]["variant_of"], records[key]["variant_how"]] == EXPECTED["near_misses"][key]


@pytest.mark.parametrize("key", EXPECTED["counts"])
def test_evidence_counts(records, key):
    r = records[key]
    assert {k: r[k] for k in EXPECTED["counts"][key]} == EXPECTED["counts"][key]
    assert (r["first"], r["last"]) == ("2024-01-10", "2025-01-12")


def test_examples_are_file_line_with_short_context(records):
    lines = {p.name: p.read_text(encoding="utf-8").split("\n") for p in CASES.glob("*.txt")}
    for key, r in records.items():
        assert 1 <= len(r["examples"]) <= 3
        for e in r["examples"]:
            assert len(e["context"]) <= max(30, len(key))
            assert e["context"] in lines[e["file"]][e["line"] - 1]


# -- the parts ----------------------------------------------------------------

def test_ordinary_numeral_phrases_start_no_run():
    assert list(numeral_runs("今后三年，增长十个百分点，两个月内，第三是，周五")) == []
    assert [n + t for _, n, t in numeral_runs("打好三大硬仗")] == ["三大硬仗"]


def test_a_run_led_by_one_needs_quotes_or_a_second_numeral():
    assert "一批企业" not in scan_text("培育一批企业，培育一批企业。")
    assert "一村一品" in scan_text("推进一村一品，推进一村一品。")
    assert scan_text("推进“一网通办”。")["一网通办"].quoted == 1


def test_definition_forms():
    defs = {d.key: d for d in find_definitions("“甲乙机制”是指一套办法。\n坚持“三个不变”：不变甲、不变乙、不变丙。")}
    assert defs["甲乙机制"].text == "一套办法" and defs["甲乙机制"].line == 1
    assert defs["三个不变"].components == ["不变甲", "不变乙", "不变丙"] and defs["三个不变"].check == "count-ok"


def test_enumeration_whose_count_disagrees_is_reported():
    d, = find_definitions("落实“四项任务”（任务甲、任务乙、任务丙）。")
    assert d.check == "count-mismatch"


def test_appendix_entry_is_a_definition():
    text = "正文推进“三零工程”。\n\n附件\n名词解释\n1. “三零工程”：零事故、零污染、零投诉。\n"
    d, = find_definitions(text)
    assert (d.key, d.how, d.line, d.components) == ("三零工程", "appendix", 5, ["零事故", "零污染", "零投诉"])


def test_context_is_at_most_30_characters_around_the_key():
    line = "甲" * 40 + "“三链融合”" + "乙" * 40
    shown = context(line, "三链融合")
    assert len(shown) == 30 and "“三链融合”" in shown


# -- a property -----------------------------------------------------------------

_PIECES = ["推进", "三链融合", "“四张清单”", "两个维护", "“双碳”", "三年", "，", "。", "\n", "做好", "“2+5+N”",
           "五心服务", "十个百分点", "“温度”", "全面", "三大硬仗"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=40), st.lists(st.sampled_from(_PIECES), max_size=40))
def test_candidates_are_in_their_lines_and_never_covered(a, b):
    texts = {"a.txt": "".join(a), "b.txt": "".join(b)}
    glossary = Glossary.from_keys(["两个维护", "双碳"])
    annotator = Annotator(glossary)
    for c in discover_texts(texts, glossary):
        assert not any(m.start == 0 for m in annotator.find(c.key)), c.key
        for e in c.shown:
            assert c.key in texts[e["file"]].split("\n")[e["line"] - 1]
        assert c.count >= c.quoted >= 0 and 1 <= len(c.docs) <= 2


# -- the command ------------------------------------------------------------------

def test_table_is_the_default_and_has_a_header():
    proc = run(str(CASES))
    assert proc.returncode == 0
    out = proc.stdout.decode().splitlines()
    assert out[0].startswith("rank") and "三链融合" in proc.stdout.decode()


def test_csv_has_a_header_and_a_row_per_candidate(records):
    proc = run("--top", "0", "-f", "csv", str(CASES))
    rows = proc.stdout.decode().splitlines()
    assert rows[0].startswith("rank,key,score") and len(rows) == len(records) + 1


def test_yaml_draft_passes_validate(tmp_path):
    draft = tmp_path / "draft.yaml"
    assert run("--yaml", "-o", str(draft), str(CASES)).returncode == 0
    data = yaml.safe_load(draft.read_text(encoding="utf-8"))
    terms = {t["id"]: t for t in data["terms"]}
    assert terms["discovered/五心服务"]["definition"] == "热心、耐心、细心、诚心、贴心"
    assert terms["discovered/三链融合"].get("definition") is None
    assert all(s.get("line") for t in terms.values() for s in t["sources"])
    assert "一件事、一次办" in terms["national/一件事一次办"]["aliases"]
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    check = subprocess.run([sys.executable, "-m", "termkit", "validate", "-q", str(draft)], capture_output=True, env=env)
    assert check.returncode == 0, check.stdout.decode()


def test_standard_input():
    text = (CASES / "南岭市-2025.txt").read_bytes()
    proc = run("-f", "jsonl", "-", stdin=text)
    assert proc.returncode == 0
    keys = [json.loads(x)["key"] for x in proc.stdout.decode().splitlines()]
    assert "三链融合" in keys


def test_unreadable_input_is_exit_1_and_one_line(tmp_path):
    proc = run(str(tmp_path / "missing.txt"), str(CASES / "南岭市-2025.txt"))
    assert proc.returncode == 1
    err = proc.stderr.decode().strip().splitlines()
    assert len(err) == 1 and "missing.txt" in err[0] and "Traceback" not in err[0]
    assert "三链融合" in proc.stdout.decode()  # the other file still counted


def test_usage_errors_are_exit_2():
    assert run("--jobs", "0", str(CASES)).returncode == 2
    assert run("-f", "xml", str(CASES)).returncode == 2
    assert run("-", "-").returncode == 2


def test_jobs_gives_the_same_output():
    one, two = run("-f", "jsonl", str(CASES)), run("-f", "jsonl", "-j", "2", str(CASES))
    assert one.stdout == two.stdout and one.returncode == two.returncode == 0


# -- the real corpus (skipped where it is absent) ---------------------------------

@pytest.mark.slow
@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not here")
def test_corpus_runs_in_under_a_minute_and_finds_known_formulas():
    start = time.monotonic()
    proc = run("--top", "200", "-f", "jsonl", "-j", "2", str(CORPUS))
    took = time.monotonic() - start
    assert proc.returncode == 0, proc.stderr.decode()
    keys = [json.loads(x)["key"] for x in proc.stdout.decode().splitlines()]
    assert took < 60
    assert {"五个一批", "三供一业", "1+N"} <= set(keys)
