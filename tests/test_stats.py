"""termkit stats and termkit trend: counts equal annotate's, tables, dates, plots without empty boxes, the HTML report."""

from __future__ import annotations

import collections
import csv
import json
import os
import re
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from termkit.cli import main

ROOT = Path(__file__).resolve().parent.parent
CASES = Path(__file__).resolve().parent / "cases" / "stats"
CORPUS = CASES / "corpus"
SHARED = ROOT.parent / "shared" / "corpus"
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def termkit(*args, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "termkit", *map(str, args)], capture_output=True, text=True,
                          env=ENV, cwd=cwd)


def annotate_counts(files, *options) -> collections.Counter:
    """(file, term) -> mentions, from a real `termkit annotate` run (ambiguous ones under ambiguous:FORM)."""
    run = termkit("annotate", *options, *files)
    assert run.returncode == 0, run.stderr
    counts = collections.Counter()
    for line in run.stdout.splitlines():
        r = json.loads(line)
        counts[r["file"], "ambiguous:" + r["form"] if r.get("ambiguous") else r["id"]] += 1
    return counts


def stats_tables(tmp_path, *args, fmt="csv") -> dict:
    run = termkit("stats", *args, "-o", tmp_path / "t", "-f", fmt)
    assert run.returncode == 0, run.stderr
    out = {}
    for f in (tmp_path / "t").iterdir():
        out[f.stem] = (json.loads(f.read_text(encoding="utf-8")) if fmt == "json" else
                       list(csv.DictReader(f.open(encoding="utf-8"))))
    out["stdout"] = run.stdout
    return out


def files_of(folder: Path) -> list[str]:
    return sorted(str(p) for p in folder.rglob("*") if p.suffix in (".md", ".txt"))


def test_counts_equal_what_annotate_finds(tmp_path):
    files = files_of(CORPUS)
    expected = annotate_counts(files, "-g", CASES / "places.yaml")
    t = stats_tables(tmp_path, *files, "-g", CASES / "places.yaml", fmt="json")
    got = collections.Counter({(r["document"], r["term"]): r["count"] for r in t["counts"]})
    assert got == expected
    assert ("tests/cases/stats/corpus/2018.md", "ambiguous:两园一区") in {(os.path.relpath(f, ROOT), k) for f, k in got}
    assert any(k == "sc/两园一区" for _, k in got)  # the Sichuan document's own term


@pytest.mark.skipif(not (SHARED / "state-council").is_dir(), reason="../shared/corpus is not here")
def test_counts_equal_annotate_on_the_shared_corpus(tmp_path):
    files = sorted(str(p) for p in (SHARED / "state-council").glob("*.md"))
    files += sorted(str(p) for p in (SHARED / "provinces" / "四川省").glob("*.md"))
    expected = annotate_counts(files)
    t = stats_tables(tmp_path, *files, fmt="json")
    assert collections.Counter({(r["document"], r["term"]): r["count"] for r in t["counts"]}) == expected
    terms = {r["key"]: r for r in t["terms"]}
    # first appearances, checked by grep over the files (named by year): see the README
    assert {k: terms[k]["first_year"] for k in ("高质量发展", "新质生产力", "共同富裕")} == \
        {"高质量发展": 2018, "新质生产力": 2024, "共同富裕": 1987}


def test_documents_dates_undated_and_how(tmp_path):
    t = stats_tables(tmp_path, CORPUS, CASES / "congress.jsonl")
    docs = {os.path.relpath(r["name"], ROOT) if "#" not in r["name"] else r["name"].split("/")[-1]: r
            for r in t["documents"]}
    assert docs["tests/cases/stats/corpus/2018.md"]["date_how"] == "path"
    assert docs["tests/cases/stats/corpus/notes.txt"]["date"] == ""
    assert (docs["congress.jsonl#1"]["date"], docs["congress.jsonl#3"]["date"]) == ("2017", "2022")
    assert docs["congress.jsonl#3"]["title"] == "乙报告"
    assert "1 documents without a date: counted" in t["stdout"]
    terms = {r["key"]: r for r in t["terms"]}
    assert (terms["共同富裕"]["mentions"], terms["共同富裕"]["undated_mentions"]) == ("3", "1")
    assert json.loads(terms["共同富裕"]["per_year"]) == {"2017": 1, "2024": 1}  # not the undated one
    assert (terms["新质生产力"]["first_year"], terms["高质量发展"]["last_year"]) == ("2022", "2024")


def test_manifest_gives_date_type_title_and_is_the_corpus_without_files(tmp_path):
    t = stats_tables(tmp_path, "--manifest", CASES / "manifest.csv")
    docs = {Path(r["name"]).name: r for r in t["documents"]}
    assert set(docs) == {"2018.md", "notes.txt"}
    assert (docs["2018.md"]["date"], docs["2018.md"]["date_how"], docs["2018.md"]["title"]) == \
        ("2018-03-05", "manifest", "甲年报告")
    assert docs["notes.txt"]["type"] == "notes"


def test_per_10k_and_cooccurrence(tmp_path):
    t = stats_tables(tmp_path, CORPUS / "2024.md", "--cooccur", "paragraph")
    chars = len((CORPUS / "2024.md").read_text(encoding="utf-8"))
    row = next(r for r in t["counts"] if r["key"] == "新质生产力")
    assert (row["count"], float(row["per_10k"])) == ("2", round(2 * 10000 / chars, 3))
    pairs = {(r["key_a"], r["key_b"]): r["paragraphs"] for r in t["pairs"]}
    # 新质生产力 shares a paragraph with 高质量发展 and (another) with 共同富裕; those two share none
    assert pairs == {("新质生产力", "高质量发展"): "1", ("共同富裕", "新质生产力"): "1"}
    t = stats_tables(tmp_path / "d", CORPUS / "2024.md", "--cooccur", "document")
    assert len(t["pairs"]) == 3


def test_parquet_table(tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    run = termkit("stats", CORPUS, "-o", tmp_path, "-f", "parquet")
    assert run.returncode == 0, run.stderr
    table = pq.read_table(tmp_path / "counts.parquet")
    assert table.schema.field("count").type == "int64" and table.num_rows > 3


def test_parquet_without_pyarrow_is_one_clear_line(tmp_path, monkeypatch, capsys):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "pyarrow" else real(name, *a))
    assert main(["stats", str(CORPUS), "-o", str(tmp_path), "-f", "parquet"]) == 2
    assert capsys.readouterr().err == "termkit: --format parquet needs pyarrow: pip install 'termkit[arrow]'\n"


def test_jobs_give_the_same_tables(tmp_path):
    one = stats_tables(tmp_path / "1", CORPUS, CASES / "congress.jsonl", fmt="json")
    two = termkit("stats", CORPUS, CASES / "congress.jsonl", "-j", "2", "-o", tmp_path / "2", "-f", "json")
    assert two.returncode == 0, two.stderr
    assert json.loads((tmp_path / "2" / "counts.json").read_text(encoding="utf-8")) == one["counts"]


def test_bad_inputs_are_one_line_each(tmp_path):
    run = termkit("stats", tmp_path / "nothing-*.md")
    assert run.returncode == 1 and "nothing-*.md: no file matches this pattern" in run.stderr
    assert "Traceback" not in run.stderr
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"title": "x"}\n', encoding="utf-8")
    run = termkit("stats", bad, CORPUS / "2018.md")
    assert run.returncode == 1 and f'{bad}#1: no "content" text in this record' in run.stderr


def test_help_has_examples():
    for command in ("stats", "trend"):
        run = termkit(command, "--help")
        assert run.returncode == 0 and "examples:" in run.stdout and f"termkit {command} " in run.stdout


def test_trend_table_and_unknown_term(tmp_path):
    run = termkit("trend", "高质量发展", "新质生产力", "--corpus", CORPUS, "--no-plot", "-o", tmp_path / "t")
    assert run.returncode == 0, run.stderr
    rows = list(csv.DictReader((tmp_path / "t.csv").open(encoding="utf-8")))
    by = {(r["term"], r["year"]): int(r["mentions"]) for r in rows}
    assert by == {("高质量发展", "2018"): 2, ("高质量发展", "2020"): 1, ("高质量发展", "2024"): 1,
                  ("新质生产力", "2018"): 0, ("新质生产力", "2020"): 0, ("新质生产力", "2024"): 2}
    assert "1 documents without a date" in run.stdout
    run = termkit("trend", "高质量发", "--corpus", CORPUS, "--no-plot", "-o", tmp_path / "u")
    assert run.returncode == 2
    assert run.stderr.startswith("termkit: no term with key, alias or id '高质量发'; near: ") and "高质量发展" in run.stderr
    run = termkit("trend", "--top", "2", "--corpus", CORPUS, "--no-plot", "--by", "scope", "-o", tmp_path / "v")
    assert run.returncode == 0, run.stderr
    assert {r["term"] for r in csv.DictReader((tmp_path / "v.csv").open(encoding="utf-8"))} == {"高质量发展", "共同富裕"}


# -- plots --------------------------------------------------------------------------------

def test_a_font_without_chinese_is_refused(tmp_path):
    pytest.importorskip("matplotlib")
    from matplotlib import font_manager

    from termkit.stats.plot import PlotError, find_font, missing_glyphs

    dejavu = font_manager.findfont("DejaVu Sans", fallback_to_default=False)
    assert missing_glyphs(dejavu, "高质量 ab") == "质量高"  # the check sees empty boxes coming
    with pytest.raises(PlotError, match="has no glyphs for"):
        find_font("高质量", dejavu)
    run = termkit("trend", "高质量发展", "--corpus", CORPUS, "--font", dejavu, "-o", tmp_path / "t")
    assert run.returncode == 2 and not (tmp_path / "t.png").exists()
    assert run.stderr.startswith(f"termkit: --font {dejavu}: has no glyphs for ")


def test_no_chinese_font_at_all_says_what_to_install(monkeypatch):
    pytest.importorskip("matplotlib")
    from matplotlib import font_manager

    from termkit.stats.plot import PlotError, find_font

    only_latin = [f for f in font_manager.fontManager.ttflist if f.name.startswith("DejaVu")]
    monkeypatch.setattr(font_manager.fontManager, "ttflist", only_latin)
    monkeypatch.setattr(font_manager, "findSystemFonts", lambda *a, **k: [f.fname for f in only_latin])
    with pytest.raises(PlotError, match=r"apt install fonts-noto-cjk.*--font PATH"):
        find_font("高质量发展")


def test_no_matplotlib_says_what_to_install(monkeypatch, capsys, tmp_path):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    assert main(["trend", "高质量发展", "--corpus", str(CORPUS), "-o", str(tmp_path / "t")]) == 2
    assert "pip install 'termkit[plot]'" in capsys.readouterr().err


def test_the_plot_has_its_chinese_labels_not_empty_boxes(tmp_path):
    pytest.importorskip("matplotlib")
    from termkit.stats.plot import find_font, missing_glyphs

    try:
        font = find_font("高质量发展新质生产力年份")
    except Exception as e:  # no CJK font installed here: CI installs one (.ci/run)
        pytest.skip(str(e))
    assert missing_glyphs(font, "高质量发展新质生产力") == ""
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph ... missing from font(s)" for every empty box
        assert main(["trend", "高质量发展", "新质生产力", "--corpus", str(CORPUS), "-o", str(tmp_path / "t"),
                     "--title", "两个提法"]) == 0
    png = (tmp_path / "t.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000
    assert (tmp_path / "t.svg").read_text(encoding="utf-8").startswith("<?xml")


# -- the HTML report -------------------------------------------------------------------------

def test_html_report_links_terms_documents_and_examples(tmp_path):
    report = tmp_path / "r"
    run = termkit("stats", CORPUS, CASES / "congress.jsonl", "--html", report)
    assert run.returncode == 0, run.stderr
    index = (report / "index.html").read_text(encoding="utf-8")
    pages = sorted((report / "docs").iterdir())
    assert len(pages) == 6 and len(list((report / "terms").iterdir())) == 4
    for href in re.findall(r'href="([^"]+)"', index):
        assert (report / href).is_file(), href
    term = next(p for p in (report / "terms").iterdir() if "高质量发展</h1>" in p.read_text(encoding="utf-8"))
    text = term.read_text(encoding="utf-8")
    assert "<svg" in text and "<mark>高质量发展</mark>" in text
    for href in re.findall(r'href="\.\./(docs/[^"#]+)#([^"]+)"', text):
        page = (report / href[0]).read_text(encoding="utf-8")
        assert f'id="{href[1]}"' in page  # the example's mention, in the document's page
    assert re.search(r"2018\.md:3<", text)  # file:line
    for page in [report / "index.html", term, *pages]:
        assert not re.search(r'(src|href)="(https?:)?//', page.read_text(encoding="utf-8"))  # offline


def test_html_report_escapes(tmp_path):
    doc = tmp_path / "2020.md"
    doc.write_text("<script>alert(1)</script>推动高质量发展&amp;\n", encoding="utf-8")
    run = termkit("stats", doc, "--html", tmp_path / "r")
    assert run.returncode == 0, run.stderr
    for page in (tmp_path / "r").rglob("*.html"):
        assert "<script>" not in page.read_text(encoding="utf-8"), page
