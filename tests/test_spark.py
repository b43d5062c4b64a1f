"""termkit on a real SparkSession (``local[2]``, the running interpreter as
its Python): the mentions of files equal those of ``termkit annotate`` on
them, the mentions of a column those of ``Annotator.find``, with the declared
schema, and the Annotator is compiled once per Python worker. One session for
the module: Spark takes seconds to start."""

from __future__ import annotations

import os
import shutil
import sys

import pytest

pytest.importorskip("pandas")
pytest.importorskip("pyarrow")
pytest.importorskip("pyspark")
if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
    pytest.skip("Spark needs Java (17 for Spark 4)", allow_module_level=True)

from pyspark.sql import SparkSession  # noqa: E402

from termkit import Annotator, Glossary  # noqa: E402
from termkit.columnar import COLUMNS, mention_columns  # noqa: E402
from termkit.integrations.spark import find_column, find_files  # noqa: E402

from conftest import CORPUS, SEEDS, corpus_sample, serial_rows  # noqa: E402


def spark_rows(sdf) -> list[tuple]:
    return [(r.doc, r.start, r.end, r.text, r.id, r.ambiguous, list(r.candidates)) for r in sdf.collect()]


@pytest.fixture(scope="module")
def spark():
    os.environ["PYSPARK_PYTHON"] = sys.executable
    session = (SparkSession.builder.master("local[2]").appName("termkit-tests")
               .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2").getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def test_files_give_the_mentions_of_termkit_annotate(spark, files):
    sdf = find_files(spark, files, partitions=3)
    assert sdf.columns == list(COLUMNS)
    rows = spark_rows(sdf)
    assert rows == serial_rows(files)
    assert any(r[5] and r[6] for r in rows)  # the synthetic file's form: ambiguous in 山西省
    assert sdf.rdd.getNumPartitions() == 3
    assert find_files(spark, []).count() == 0


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is absent")
def test_corpus_files_give_the_mentions_of_termkit_annotate(spark):
    paths = corpus_sample()
    rows = spark_rows(find_files(spark, paths))
    assert rows == serial_rows(paths)
    assert {r[0] for r in rows} >= set(paths[:-1:4]) and any(r[6] for r in rows)


@pytest.mark.parametrize("keys", [range(100, 135), [f"k{n}" for n in range(35)]], ids=["bigint", "string"])
def test_a_column_gives_the_mentions_of_find(spark, keys):
    ann = Annotator(Glossary.load())
    texts = ["实现双碳目标", None, "坚决做到“兩個維護”", "", "三区\n三线和双碳", "推进“四全工作法”", "无"] * 5
    key_type = "bigint" if isinstance(keys, range) else "string"
    sdf = spark.createDataFrame(list(zip(keys, texts)), f"k {key_type}, body string").repartition(3)
    out = find_column(sdf, "body", "k", ann, scope="长治市上党区", date="2024")
    assert out.schema["doc"].dataType.simpleString() == key_type
    assert [f.dataType.simpleString() for f in out.schema][1:] == \
        ["bigint", "bigint", *["string"] * 6, "array<string>", "string", "string", "boolean", "array<string>"]
    expected = mention_columns(ann, [(k, t) for k, t in zip(keys, texts) if t is not None],
                               scope="长治市上党区", date="2024")
    got = sorted((r.doc, r.start, r.end, r.text, r.id, r.scope, r.ambiguous) for r in out.collect())
    assert got == sorted(zip(*(expected[c] for c in ("doc", "start", "end", "text", "id", "scope", "ambiguous"))))
    assert len(got) > 20


def test_the_annotator_is_compiled_once_per_python_worker(spark):
    ann = Annotator(Glossary.from_keys(["两个维护", "compiled once on spark"]))  # not yet in a worker

    def seen(batches):  # what find_column's function does: use the Annotator of its closure
        from termkit.match import annotator

        kept = annotator.__dict__.setdefault("_KEPT", [])  # so that no copy's id is reused
        kept.append(ann)
        for batch in batches:
            ann.find("两个维护")
            yield batch.assign(pid=os.getpid(), ann=id(ann)).drop(columns=["n"])

    df = spark.range(0, 8, 1, 8).withColumnRenamed("id", "n").mapInPandas(seen, "pid bigint, ann bigint").toPandas()
    assert df.groupby("pid")["ann"].nunique().tolist() == [1] * df["pid"].nunique()
    assert len(df) == 8 > df["pid"].nunique()  # 8 tasks, fewer processes


def test_an_unreadable_file_fails_naming_it(spark, tmp_path):
    missing = str(tmp_path / "missing.txt")
    with pytest.raises(Exception, match=f"InputError: {missing}: cannot read: no such file or directory"):
        find_files(spark, [missing, *SEEDS[:1]]).collect()
