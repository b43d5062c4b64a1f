"""Mentions as columns (termkit.columnar) and a picklable Annotator."""

from __future__ import annotations

import multiprocessing
import pickle
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import full
from termkit import Annotator, Glossary
from termkit.columnar import COLUMNS, mention_columns
from termkit.text.normalize import Normalization

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
ANNOTATOR = Annotator(Glossary.load())
texts = st.lists(st.sampled_from(["双碳", "两个维护", "三区\n三线", "六九六六", "兩個維護", "，", "推进", "G1236", "1236"]),
                 max_size=10).map("".join)


@settings(max_examples=200, deadline=None)
@given(docs=st.lists(texts, max_size=5), overlapping=st.booleans())
def test_columns_are_the_mentions_of_each_document(docs, overlapping):
    cols = mention_columns(ANNOTATOR, docs, overlapping=overlapping)
    assert set(cols) == set(COLUMNS) and len({len(v) for v in cols.values()}) == 1
    rows = list(zip(*(cols[c] for c in COLUMNS)))
    expected = []
    for n, text in enumerate(docs):
        for m in ANNOTATOR.find(text, overlapping=overlapping):
            expected.append((n, m.start, m.end, m.text, m.id, m.key, m.headword, m.definition, m.form,
                             list(m.normalizations), m.term.scope, m.term.period, m.ambiguous, list(m.candidates)))
            assert text[m.start:m.end] == m.text
    assert rows == expected


def test_keys_pairs_and_per_document_places():
    text = "推进项目建设“四全工作法”"
    cols = mention_columns(ANNOTATOR, [("a", text, "山西省", "2024"), ("b", text, "长治市上党区", "2024")])
    assert cols["doc"] == ["a", "b"] and cols["ambiguous"] == [True, False]
    assert cols["candidates"] == [["shangdang/四全工作法"], []] and cols["scope"] == [None, "长治市上党区"]
    assert mention_columns(ANNOTATOR, {7: text}, scope="山西省")["ambiguous"] == [True]
    with pytest.raises(TypeError, match="document 0: expected a str"):
        mention_columns(ANNOTATOR, [b"bytes"])


def test_arrow_and_pandas():
    pa = pytest.importorskip("pyarrow")
    pd = pytest.importorskip("pandas")
    from termkit.columnar import mentions_arrow, mentions_frame

    docs = {p.name: p.read_text(encoding="utf-8") for p in SEEDS}
    table = mentions_arrow(ANNOTATOR, docs)
    assert table.schema.names == list(COLUMNS) and table.schema.field("doc").type == pa.string()
    assert table.schema.field("normalizations").type == pa.list_(pa.string())
    assert table.num_rows == sum(len(ANNOTATOR.find(t)) for t in docs.values()) > 400
    frame = mentions_frame(ANNOTATOR, list(docs.values()))
    assert isinstance(frame, pd.DataFrame) and list(frame.columns) == list(COLUMNS)
    assert frame["doc"].max() == len(docs) - 1
    assert mentions_arrow(ANNOTATOR, [1, 2][:0]).num_rows == 0


# -- pickling ---------------------------------------------------------------------------

def test_a_pickled_annotator_finds_the_same_and_is_compiled_once_per_process():
    blob = pickle.dumps(ANNOTATOR)
    assert len(blob) < 100_000  # the glossary, compressed: not the automaton
    copy = pickle.loads(blob)
    assert copy is pickle.loads(blob)  # the second task's copy is the first one
    text = SEEDS[0].read_text(encoding="utf-8")
    assert full(copy.find(text)) == full(ANNOTATOR.find(text))
    assert list(copy.glossary) == list(ANNOTATOR.glossary)
    loose = Annotator(Glossary.load(), normalization=Normalization(traditional=False))
    assert pickle.loads(pickle.dumps(loose)).normalization == loose.normalization


def test_a_key_glossary_pickles_as_its_keys():
    keys = [f"术语{n}号" for n in range(20000)]
    ann = Annotator(Glossary.from_keys(keys))
    blob = pickle.dumps(ann)
    assert len(blob) < 100_000
    assert [t.key for t in pickle.loads(blob).glossary] == keys


def _find_in_child(args):
    ann, text = args
    return [tuple(m)[:9] for m in ann.find(text)]


def test_an_annotator_crosses_into_spawned_processes():
    texts = [p.read_text(encoding="utf-8")[:20000] for p in SEEDS]
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        got = pool.map(_find_in_child, [(ANNOTATOR, t) for t in texts])
    assert got == [[tuple(m)[:9] for m in ANNOTATOR.find(t)] for t in texts]


def test_csv_rows_are_the_jsonl_records(tmp_path):
    import csv
    import io
    import json

    from test_cli import run

    files = [str(p) for p in SEEDS]
    records = [json.loads(x) for x in run("annotate", *files, cwd=tmp_path).stdout.decode().splitlines()]
    proc = run("annotate", "-f", "csv", *files, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    rows = list(csv.DictReader(io.StringIO(proc.stdout.decode("utf-8"), newline="")))
    assert len(rows) == len(records) > 400
    for row, rec in zip(rows, records):
        assert (row["file"], int(row["start"]), int(row["end"]), row["text"], row["id"] or None) == (
            rec["file"], rec["start"], rec["end"], rec["text"], rec["id"])
        assert (row["normalizations"].split("|") if row["normalizations"] else []) == rec["normalizations"]
        assert row["ambiguous"] == ("true" if rec.get("ambiguous") else "false")


def test_csv_to_parquet_keeps_every_row(tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    from termkit.columnar import csv_to_parquet
    from test_cli import run

    source = tmp_path / "m.csv"
    source.write_bytes(run("annotate", "-f", "csv", "--scope", "山西省", *map(str, SEEDS), cwd=tmp_path).stdout)
    assert csv_to_parquet(str(source), str(tmp_path / "m.parquet"), block_size=4096) > 400
    table = pq.read_table(tmp_path / "m.parquet")
    expected = [m for p in SEEDS for m in ANNOTATOR.find(p.read_text(encoding="utf-8"), scope="山西省")]
    assert table.column("text").to_pylist() == [m.text for m in expected]
    assert table.column("candidates").to_pylist() == [list(m.candidates) for m in expected]
    assert table.column("normalizations").to_pylist() == [list(m.normalizations) for m in expected]
    assert table.column("id").to_pylist() == [m.id for m in expected]


def test_annotate_format_parquet(tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    import json

    from test_cli import run

    files = [str(p) for p in SEEDS]
    out = tmp_path / "m.parquet"
    proc = run("annotate", "-f", "parquet", "-j", "2", *files, "-o", str(out), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    records = [json.loads(x) for x in run("annotate", *files, cwd=tmp_path).stdout.decode().splitlines()]
    table = pq.read_table(out)
    assert table.column("start").to_pylist() == [r["start"] for r in records]
    assert table.column("file").to_pylist() == [r["file"] for r in records]
    assert table.column("definition").to_pylist() == [r["definition"] for r in records]
    piped = run("annotate", "-f", "parquet", files[0], cwd=tmp_path)  # standard output, not a terminal
    assert piped.returncode == 0 and piped.stdout[:4] == b"PAR1"
    bad = run("annotate", "-f", "parquet", str(tmp_path / "missing.txt"), "-o", str(out), cwd=tmp_path)
    assert bad.returncode == 1 and pq.read_table(out).num_rows == len(records)  # left as it was


def test_parquet_keeps_words_that_look_like_nulls(tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    from termkit.columnar import csv_to_parquet

    source = tmp_path / "m.csv"
    source.write_text("file,start,end,text,id,key,headword,definition,form,normalizations,scope,period,ambiguous,"
                      "candidates\r\nNA,0,4,NULL,t/NULL,NULL,N/A,nan,NULL,,national,,false,\r\n", encoding="utf-8")
    csv_to_parquet(str(source), str(tmp_path / "m.parquet"))
    row = pq.read_table(tmp_path / "m.parquet").to_pylist()[0]
    assert (row["file"], row["text"], row["headword"], row["definition"], row["period"]) == ("NA", "NULL", "N/A", "nan", None)
