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
