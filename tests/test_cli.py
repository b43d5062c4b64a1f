"""The `termkit` command, run as a real subprocess from a directory outside the repo."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from termkit import Annotator, Glossary

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "shangdang-2023-06-government-work-report.txt"


def termkit_command() -> list[str]:
    """The installed `termkit` script next to this Python, else the module."""
    script = Path(sys.executable).with_name("termkit")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "termkit"]


def run(*args: str, cwd: Path, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    if not Path(sys.executable).with_name("termkit").exists():
        env["PYTHONPATH"] = str(ROOT)  # running from a source checkout
    return subprocess.run(
        [*termkit_command(), *args], cwd=cwd, input=stdin, capture_output=True, env=env, timeout=120
    )


def lines(proc) -> list[dict]:
    return [json.loads(x) for x in proc.stdout.decode().splitlines()]


def test_annotate_jsonl_contract(tmp_path):
    proc = run("annotate", str(SEED), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    records = lines(proc)
    text = SEED.read_text(encoding="utf-8")
    assert len(records) > 100
    for r in records:
        assert {"file", "start", "end", "text", "id", "key", "headword", "definition"} <= set(r)
        assert text[r["start"] : r["end"]] == r["text"]
        assert r["file"] == str(SEED)
    assert any(r["key"] == "六九九六" and r["text"] == "六九六六" and r["normalizations"] == ["variant"] for r in records)


def test_stdin_and_a_document_not_among_the_seeds(tmp_path):
    text = "會議強調，堅決做到“兩個維護”，落實“１＋２＋１５”主導產業體系，撥打12345政務熱線，乘G1236次列車。"
    proc = run("annotate", "-", cwd=tmp_path, stdin=text.encode())
    assert proc.returncode == 0, proc.stderr
    records = lines(proc)
    assert [(r["key"], r["text"]) for r in records] == [("两个维护", "兩個維護"), ("1+2+15", "１＋２＋１５")]
    for r in records:
        assert text[r["start"] : r["end"]] == r["text"]
        assert r["file"] == "-"
    assert records[1]["normalizations"] == ["width"]


def test_inline_footnotes_html(tmp_path):
    doc = tmp_path / "doc.txt"
    doc.write_text("全面推进“清化收”，科学划定“三区三线”。<script>alert(1)</script>", encoding="utf-8")
    inline = run("annotate", "--format", "inline", str(doc), cwd=tmp_path)
    assert inline.returncode == 0, inline.stderr
    assert "“清化收”（农村集体经济合同专项清理、村级债务化解、新增资源收费。）" in inline.stdout.decode()
    foot = run("annotate", "-f", "footnotes", str(doc), cwd=tmp_path).stdout.decode()
    assert "“清化收”[1]" in foot and "“三区三线”[2]" in foot and "\n名词解释\n" in foot
    page = run("annotate", "--format", "html", str(doc), cwd=tmp_path).stdout.decode()
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert page.count('<mark class="term" tabindex="0"') == 2


def test_html_escapes_glossary_content(tmp_path):
    g = tmp_path / "evil.yaml"
    g.write_text(
        'glossary: evil\nterms:\n  - id: x/甲乙\n    key: 甲乙\n    headword: "<img src=x onerror=alert(1)>"\n'
        '    kind: other\n    definition: "\\" onmouseover=\\"alert(2)<script>"\n    scope: test\n'
        "    sources: [{document: test}]\n",
        encoding="utf-8",
    )
    doc = tmp_path / "doc.txt"
    doc.write_text("甲乙丙", encoding="utf-8")
    page = run("annotate", "-f", "html", "--no-default-glossary", "-g", str(g), str(doc), cwd=tmp_path)
    assert page.returncode == 0, page.stderr
    html = page.stdout.decode()
    assert "<img" not in html and "<script>" not in html and '" onmouseover="' not in html


def test_output_file_and_refusing_to_overwrite_input(tmp_path):
    out = tmp_path / "out.jsonl"
    proc = run("annotate", str(SEED), "-o", str(out), cwd=tmp_path)
    assert proc.returncode == 0 and proc.stdout == b""
    assert len(out.read_text(encoding="utf-8").splitlines()) > 100
    doc = tmp_path / "doc.txt"
    doc.write_text("双碳", encoding="utf-8")
    proc = run("annotate", str(doc), "-o", str(doc), cwd=tmp_path)
    assert proc.returncode != 0
    assert doc.read_text(encoding="utf-8") == "双碳"
    assert b"refusing to overwrite" in proc.stderr


def test_bad_glossary_leaves_existing_output_untouched(tmp_path):
    out = tmp_path / "out.jsonl"
    out.write_text("previous results\n", encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text("glossary: x\nterms:\n  - id: a\n    key: 甲\n    colour: red\n", encoding="utf-8")
    proc = run("annotate", str(SEED), "-g", str(bad), "-o", str(out), cwd=tmp_path)
    assert proc.returncode == 2
    err = proc.stderr.decode().strip()
    assert len(err.splitlines()) == 1 and "bad.yaml" in err and "colour: unknown field" in err
    assert "Traceback" not in err
    assert out.read_text(encoding="utf-8") == "previous results\n"


def test_missing_file_does_not_stop_the_others(tmp_path):
    proc = run("annotate", str(tmp_path / "missing.txt"), str(SEED), cwd=tmp_path)
    assert proc.returncode == 1
    assert len(lines(proc)) > 100
    err = proc.stderr.decode().strip().splitlines()
    assert len(err) == 1 and "missing.txt" in err[0] and "Traceback" not in proc.stderr.decode()


def test_user_glossary_adds_to_the_bundled_one(tmp_path):
    g = tmp_path / "mine.yaml"
    g.write_text(
        "glossary: mine\nterms:\n  - id: mine/三个一号\n    key: 三个一号\n    headword: 三个一号\n"
        "    kind: numeric-slogan\n    scope: 某县\n    sources: [{document: notes}]\n",
        encoding="utf-8",
    )
    doc = tmp_path / "doc.txt"
    doc.write_text("落实三个一号和两个维护", encoding="utf-8")
    both = lines(run("annotate", "-g", str(g), str(doc), cwd=tmp_path))
    assert [r["key"] for r in both] == ["三个一号", "两个维护"]
    only = lines(run("annotate", "-g", str(g), "--no-default-glossary", str(doc), cwd=tmp_path))
    assert [r["key"] for r in only] == ["三个一号"]


def test_normalization_flags(tmp_path):
    assert lines(run("annotate", "-", cwd=tmp_path, stdin="三區三線".encode())) != []
    assert lines(run("annotate", "--no-traditional", "-", cwd=tmp_path, stdin="三區三線".encode())) == []


def test_byte_offsets_round_trip_gbk(tmp_path):
    text = "前言\r\n落实“清化收”，划定“三区三线”。\r\n"
    raw = text.encode("gb18030")
    doc = tmp_path / "gbk.txt"
    doc.write_bytes(raw)
    records = lines(run("annotate", "--offsets", "bytes", str(doc), cwd=tmp_path))
    assert [r["key"] for r in records] == ["清化收", "三区三线"]
    for r in records:
        assert r["offsets"] == "bytes"
        assert raw[r["start"] : r["end"]].decode("gb18030") == r["text"]


def test_glossary_commands(tmp_path):
    listing = run("glossary", "list", cwd=tmp_path).stdout.decode().splitlines()
    assert len(listing) >= 120
    show = run("glossary", "show", "六九九六", cwd=tmp_path)
    assert show.returncode == 0
    assert "六项制度" in show.stdout.decode() and "shangdang-2023-06-government-work-report.txt" in show.stdout.decode()
    missing = run("glossary", "show", "不存在的词", cwd=tmp_path)
    assert missing.returncode != 0 and b"no term" in missing.stderr
    schema = json.loads(run("glossary", "schema", cwd=tmp_path).stdout)
    assert schema["title"] == "GlossaryFile"


def test_help_has_examples(tmp_path):
    out = run("annotate", "--help", cwd=tmp_path).stdout.decode()
    assert "examples:" in out and "termkit annotate -" in out
    assert run("--version", cwd=tmp_path).returncode == 0


@pytest.mark.slow
def test_jobs_give_the_same_output_in_input_order(tmp_path):
    seeds = sorted((ROOT / "seeds").glob("*.txt"))
    bad = tmp_path / "junk.txt"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    # The unreadable file falls to a worker process, then to the main one (which annotates
    # chunks of files itself too).
    for files in ([*map(str, seeds), str(bad), str(seeds[0])], [str(bad), *map(str, seeds), str(bad)]):
        one = run("annotate", *files, cwd=tmp_path)
        two = run("annotate", "--jobs", "2", *files, cwd=tmp_path)
        three = run("annotate", "--jobs", "3", *files, cwd=tmp_path)
        assert one.returncode == two.returncode == three.returncode == 1
        assert one.stdout == two.stdout == three.stdout and len(one.stdout) > 10000
        assert one.stderr == two.stderr == three.stderr and b"junk.txt: looks like a binary file" in two.stderr
        html = run("annotate", "-j", "2", "-f", "html", *files, cwd=tmp_path).stdout.decode()
        assert html.count("<section>") == len(files) - files.count(str(bad)) and html.rstrip().endswith("</html>")


@pytest.mark.slow
def test_large_file_is_streamed_with_exact_offsets(tmp_path):
    """A multi-megabyte GB18030 file goes through the block-by-block reader."""
    text = "".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt")))
    text = "".join(c for c in text if c.encode("gb18030", "ignore")) * 30  # about 3 MB
    raw = text.encode("gb18030")
    big = tmp_path / "big.txt"
    big.write_bytes(raw)
    chars = lines(run("annotate", str(big), cwd=tmp_path))
    assert len(chars) > 5000
    whole = Annotator(Glossary.load()).find(text)
    assert [(r["start"], r["end"], r["id"]) for r in chars] == [(m.start, m.end, m.id) for m in whole]
    for r in chars:
        assert text[r["start"] : r["end"]] == r["text"]
    nbytes = lines(run("annotate", "--offsets", "bytes", str(big), cwd=tmp_path))
    assert [(r["id"], r["text"]) for r in nbytes] == [(r["id"], r["text"]) for r in chars]
    for r in nbytes:
        assert raw[r["start"] : r["end"]].decode("gb18030") == r["text"]


def test_nothing_readable_leaves_output_untouched(tmp_path):
    out = tmp_path / "out.jsonl"
    out.write_text("previous\n", encoding="utf-8")
    proc = run("annotate", str(tmp_path / "nope.txt"), "-o", str(out), cwd=tmp_path)
    assert proc.returncode == 1
    assert out.read_text(encoding="utf-8") == "previous\n"
    assert b"nope.txt" in proc.stderr


APPENDIX = ROOT / "tests" / "cases" / "appendices" / "nanshan-district-2023.txt"


def test_extract_then_annotate_with_the_result(tmp_path):
    out = tmp_path / "terms.yaml"
    proc = run("extract", str(APPENDIX), "-o", str(out), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    text = out.read_text(encoding="utf-8")
    assert "key: 三个转变" in text and "line: 10" in text
    doc = tmp_path / "other.txt"
    doc.write_text("会议要求深化“三个转变”，完善“1+3+N”产业体系，不是1+3+N2。", encoding="utf-8")
    found = lines(run("annotate", "--no-default-glossary", "-g", str(out), str(doc), cwd=tmp_path))
    assert [r["key"] for r in found] == ["三个转变", "1+3+N"]
    assert found[0]["definition"].startswith("由速度向质量转变")


def test_extract_without_appendix_fails_cleanly(tmp_path):
    doc = tmp_path / "plain.txt"
    doc.write_text("没有附录的文本。", encoding="utf-8")
    proc = run("extract", str(doc), cwd=tmp_path)
    assert proc.returncode == 1 and b"no \xe5\x90\x8d\xe8\xaf\x8d\xe8\xa7\xa3\xe9\x87\x8a appendix" in proc.stderr
    assert proc.stdout == b""


def test_validate_flags_count_mismatches(tmp_path):
    out = tmp_path / "terms.yaml"
    run("extract", str(APPENDIX), "-o", str(out), cwd=tmp_path)
    proc = run("validate", "--format", "json", str(out), cwd=tmp_path)
    assert proc.returncode == 3
    findings = json.loads(proc.stdout)
    bad = sorted(f["key"] for f in findings if f["code"] == "count-mismatch")
    assert bad == ["一核两翼", "三个转变"]
    for f in findings:
        assert {"key", "code", "severity", "message"} <= set(f)
    ok = run("validate", str(ROOT / "glossaries" / "shangdang-2023.yaml"), cwd=tmp_path)
    assert ok.returncode == 0 and b"0 errors" in ok.stdout
    broken = run("validate", str(ROOT / "tests/cases/glossaries-bad/broken-schema.yaml"), cwd=tmp_path)
    assert broken.returncode == 3 and b"schema" in broken.stdout


def test_extracted_seed_glossary_overrides_the_bundled_terms(tmp_path):
    """The 上党 appendix extracted and used as it is: its entries replace the bundled ones."""
    out = tmp_path / "sd.yaml"
    assert run("extract", str(SEED), "-o", str(out), cwd=tmp_path).returncode == 0
    records = lines(run("annotate", "-g", str(out), str(SEED), cwd=tmp_path))
    ids = {r["id"] for r in records}
    assert "shangdang-2023-06-government-work-report/六九九六" in ids and "shangdang/六九九六" not in ids
    assert "national/两个维护" in ids  # the rest of the bundled glossary still applies


def test_piped_into_head_is_not_an_error(tmp_path):
    proc = subprocess.Popen([*termkit_command(), "annotate", str(SEED), str(SEED), str(SEED)], cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    proc.stdout.readline()
    proc.stdout.close()  # what head does after one line
    assert proc.wait(timeout=60) == 0
    assert proc.stderr.read() == b""


def test_output_never_overwrites_a_glossary(tmp_path):
    g = tmp_path / "mine.yaml"
    g.write_text("glossary: mine\nterms: []\n", encoding="utf-8")
    doc = tmp_path / "doc.txt"
    doc.write_text("双碳", encoding="utf-8")
    proc = run("annotate", "-g", str(g), str(doc), "-o", str(g), cwd=tmp_path)
    assert proc.returncode == 2 and b"refusing to overwrite" in proc.stderr
    assert g.read_text(encoding="utf-8") == "glossary: mine\nterms: []\n"


def test_output_to_a_fifo(tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE)
    proc = run("annotate", str(SEED), "-o", str(fifo), cwd=tmp_path)
    out, _ = reader.communicate(timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert len(out.splitlines()) > 100 and fifo.is_fifo()


def test_a_file_failing_half_way_adds_nothing(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("双碳\n", encoding="utf-8")
    bad = tmp_path / "badtail.txt"
    body = ("两个维护\n" * 200_000).encode()  # fails after the first MiB
    bad.write_bytes(body + b"\xff\xfe")
    for jobs in ("1", "2"):
        proc = run("annotate", "-j", jobs, str(good), str(bad), str(good), cwd=tmp_path)
        assert proc.returncode == 1
        assert [r["file"] for r in lines(proc)] == [str(good), str(good)]
        assert f"badtail.txt: cannot decode as utf-8 at byte {len(body)} ".encode() in proc.stderr


def test_usage_errors(tmp_path):
    assert run("annotate", "--encoding", "nosuch", str(SEED), cwd=tmp_path).returncode == 2
    assert run("annotate", "-f", "html", "--offsets", "bytes", str(SEED), cwd=tmp_path).returncode == 2
    assert run("glossary", cwd=tmp_path).returncode == 2
    assert run("validate", str(tmp_path / "nope.yaml"), cwd=tmp_path).returncode == 1


def test_a_plain_list_of_terms_and_minimal_entries(tmp_path):
    words = tmp_path / "words.txt"
    words.write_text("双碳\t碳达峰、碳中和\n三区三线\n", encoding="utf-8")
    doc = tmp_path / "d.txt"
    doc.write_text("实现双碳目标，划定三区三线。\n", encoding="utf-8")
    proc = run("annotate", "--no-default-glossary", "--terms", str(words), str(doc), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert [(r["id"], r["definition"]) for r in lines(proc)] == [("words/双碳", "碳达峰、碳中和"), ("words/三区三线", None)]
    minimal = tmp_path / "mine.yaml"
    minimal.write_text("- 双碳\n- key: 三区三线\n  definition: 城镇空间、农业空间、生态空间\n", encoding="utf-8")
    proc = run("annotate", "-f", "inline", "-g", str(minimal), str(doc), cwd=tmp_path)
    assert proc.stdout.decode() == "实现双碳目标，划定三区三线（城镇空间、农业空间、生态空间）。\n\n"
    bad = tmp_path / "bad.txt"
    bad.write_text("!!!\n", encoding="utf-8")
    proc = run("annotate", "--terms", str(bad), str(doc), cwd=tmp_path)
    assert proc.returncode == 2 and proc.stderr.decode().count("\n") == 1 and "bad.txt: term 1" in proc.stderr.decode()


def test_missing_bundled_glossary_is_one_line(tmp_path):
    """A copy of termkit without its bundled glossaries (a broken install):
    one line naming the folder, exit status 2; no word of standard output."""
    import shutil

    shutil.copytree(ROOT / "termkit", tmp_path / "termkit", ignore=shutil.ignore_patterns("__pycache__", "*.c"))
    env = {**os.environ, "PYTHONPATH": str(tmp_path), "TERMKIT_NO_CACHE": "1"}
    proc = subprocess.run([sys.executable, "-S", "-m", "termkit", "annotate", str(SEED)], cwd=tmp_path,
                          capture_output=True, env=env, timeout=120)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.decode().splitlines() == [
        f"termkit: {tmp_path / 'glossaries'}: cannot read the bundled glossary: No such file or directory; "
        "reinstall termkit, or give --no-default-glossary"]
    assert proc.stdout == b""
