"""termkit on a real dask.distributed LocalCluster of two worker processes:
the mentions of files equal those of ``termkit annotate`` on them, the
mentions of a column those of ``Annotator.find``, and the Annotator is
compiled once per worker however many tasks carry it."""

from __future__ import annotations


import pytest

pytest.importorskip("pandas")
pytest.importorskip("pyarrow")
distributed = pytest.importorskip("dask.distributed")

import pandas as pd  # noqa: E402
from dask import dataframe as dd  # noqa: E402

from termkit import Annotator, Glossary  # noqa: E402
from termkit.columnar import COLUMNS, mention_columns  # noqa: E402
from termkit.integrations.dask import find_column, find_files  # noqa: E402
from termkit.textio import InputError  # noqa: E402

from conftest import CORPUS, SEEDS, corpus_sample, serial_rows  # noqa: E402


def frame_rows(df) -> list[tuple]:
    return [(doc, start, end, text, None if pd.isna(id_) else id_, bool(amb), list(cands))
            for doc, start, end, text, id_, amb, cands in
            zip(*(df[c].tolist() for c in ("doc", "start", "end", "text", "id", "ambiguous", "candidates")))]


@pytest.fixture(scope="module")
def client():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        with distributed.Client(cluster) as c:
            yield c


def test_files_give_the_mentions_of_termkit_annotate(client, files):
    df = find_files(files, npartitions=3).compute()
    assert list(df.columns) == list(COLUMNS)
    rows = frame_rows(df)
    assert rows == serial_rows(files)
    assert any(r[5] and r[6] for r in rows)  # the synthetic file's form: ambiguous in 山西省


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is absent")
def test_corpus_files_give_the_mentions_of_termkit_annotate(client):
    paths = corpus_sample()
    rows = frame_rows(find_files(paths, npartitions=8).compute())
    assert rows == serial_rows(paths)
    assert {r[0] for r in rows} >= set(paths[:-1:4]) and any(r[6] for r in rows)


def test_files_without_place_detection(client, files):
    df = find_files(files[-1:], locate=False).compute()
    assert frame_rows(df) == [(files[-1], 40, 45, "四全工作法", "shangdang/四全工作法", False, []),
                              (files[-1], 50, 54, "两个维护", "national/两个维护", False, [])]


def _count_compilations():
    """In a worker: count the Annotators made from now on."""
    from termkit.match import annotator

    cls = annotator.Annotator
    init = getattr(cls, "_counted", cls.__init__)

    def counted(self, *args, **kwargs):
        annotator.COMPILATIONS = getattr(annotator, "COMPILATIONS", 0) + 1
        init(self, *args, **kwargs)

    cls._counted, cls.__init__, annotator.COMPILATIONS = init, counted, 0


def _compilations():
    from termkit.match import annotator

    return annotator.COMPILATIONS


def test_the_annotator_is_compiled_once_per_worker(client, files):
    client.run(_count_compilations)
    ann = Annotator(Glossary.from_keys(["两个维护", "四全工作法", "compiled once"]))  # not yet on a worker
    df = find_files(files * 4, ann, npartitions=12).compute()
    assert df[df["doc"] == files[-1]]["text"].tolist() == ["四全工作法", "两个维护"] * 4
    per_worker = client.run(_compilations)
    assert sorted(per_worker.values()) == [1, 1], per_worker  # 12 tasks, two workers, one compilation each


def test_a_column_gives_the_mentions_of_find(client):
    ann = Annotator(Glossary.load())
    texts = ["实现双碳目标", None, pd.NA, "坚决做到“兩個維護”", "", "三区\n三线和双碳", float("nan"), "推进“四全工作法”"] * 5
    pdf = pd.DataFrame({"body": texts, "n": range(len(texts))}, index=range(100, 100 + len(texts)))
    df = find_column(dd.from_pandas(pdf, npartitions=4), "body", ann, scope="长治市上党区", date="2024").compute()
    expected = mention_columns(ann, [(k, t) for k, t in pdf["body"].items() if isinstance(t, str)],
                               scope="长治市上党区", date="2024")
    assert {c: df[c].tolist() for c in ("doc", "start", "end", "text", "id")} == \
        {c: expected[c] for c in ("doc", "start", "end", "text", "id")}
    assert str(df["doc"].dtype) == "int64[pyarrow]" and len(df) == len(expected["doc"]) > 20


def test_a_column_of_other_things_fails_naming_the_row(client):
    pdf = pd.DataFrame({"body": [12, 13]}, index=["a", "b"])
    with pytest.raises(TypeError, match="^document 'a': expected a str, not int$"):
        find_column(dd.from_pandas(pdf, npartitions=1), "body").compute()


def test_an_unreadable_file_fails_naming_it(client, tmp_path):
    missing = str(tmp_path / "missing.txt")
    with pytest.raises(InputError, match=f"^{missing}: cannot read: no such file or directory$"):
        find_files([missing, *SEEDS[:1]]).compute()


def test_a_bag_of_paths_and_the_default_partitions(client, files):
    import dask.bag as db

    expected = frame_rows(find_files(files).compute())
    assert frame_rows(find_files(db.from_sequence(files, npartitions=2)).compute()) == expected
    # the default: four partitions for each of the client's two worker threads
    assert find_files(files * 10).npartitions == 8 and find_files(files, npartitions=99).npartitions == len(files)
    empty = find_files([]).compute()
    assert list(empty.columns) == list(COLUMNS) and len(empty) == 0
