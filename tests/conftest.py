"""Shared test set-up: nothing a test run writes goes outside a temporary
directory — not the glossary cache (``TERMKIT_CACHE_DIR``, also inherited by
the commands the CLI tests run), not Hypothesis's example database — and
that directory is removed when the run ends, however it ends."""

import atexit
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings
from hypothesis.configuration import set_hypothesis_home_dir

_CACHE = tempfile.mkdtemp(prefix="termkit-test-cache-")
atexit.register(shutil.rmtree, _CACHE, ignore_errors=True)
os.environ["TERMKIT_CACHE_DIR"] = _CACHE
set_hypothesis_home_dir(os.path.join(_CACHE, "hypothesis"))
settings.register_profile("termkit", database=None)
settings.load_profile("termkit")


def full(mentions) -> list[tuple]:
    """Mentions with every field, for comparing them (a Mention compares
    equal to another on start, end and id alone)."""
    return [tuple(m) for m in mentions]


# -- what the pipeline tests (tests/test_dask.py, tests/test_spark.py) compare -----------------

ROOT = Path(__file__).resolve().parent.parent
SEEDS = [str(p) for p in sorted((ROOT / "seeds").glob("*.txt"))]
CORPUS = ROOT.parent / "shared" / "corpus"
#: A form that resolves among the candidates of several places (detected from the text).
ON_PLACE = "——2024年1月20日在山西省第十四届人民代表大会第二次会议上\n推进项目建设“四全工作法”，坚持“两个维护”。\n"


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> list[str]:
    """The seeds and a GB18030 file whose form resolves among places: what the
    Dask and Spark tests annotate on their clusters."""
    path = tmp_path_factory.mktemp("docs") / "shanxi-gb18030.txt"
    path.write_bytes(ON_PLACE.encode("gb18030"))
    return [*SEEDS, str(path)]


def with_contexts(glossary, loose: tuple[str, ...]):
    """``glossary`` with context rules on some terms, so that the C loops call
    back into Python: 维护, 12 and 区三 must follow 两个, precede 线 and be
    quoted; the terms ``loose`` must not precede 线 or + nor follow 的."""
    from dataclasses import replace

    from termkit import Glossary
    from termkit.glossary.model import Context

    return Glossary([
        replace(t, context=Context(followed_by=["线"], preceded_by=["两个"], quoted=True))
        if t.key in ("维护", "12", "区三")
        else replace(t, context=Context(not_followed_by=["线", "+"], not_preceded_by=["的"]))
        if t.key in loose
        else t
        for t in glossary
    ])


def corpus_sample() -> list[str]:
    """Every 20th report of ../shared/corpus (40), and one whose forms resolve among candidates."""
    files = sorted(str(p) for p in CORPUS.rglob("*.md") if p.name != "README.md")
    return files[::20] + [str(CORPUS / "provinces" / "山西省" / "2023.md")]


def serial_rows(paths: list[str]) -> list[tuple]:
    """The rows of ``termkit annotate`` (jsonl, its default place detection) on ``paths``."""
    run = subprocess.run([sys.executable, "-m", "termkit", "annotate", *paths], capture_output=True,
                         text=True, encoding="utf-8", timeout=120)
    assert run.returncode == 0, run.stderr
    rows = []
    for line in run.stdout.splitlines():
        r = json.loads(line)
        rows.append((r["file"], r["start"], r["end"], r["text"], r["id"], r.get("ambiguous", False),
                     r.get("candidates", [])))
    return rows
