"""termkit in pandas and Polars (termkit.integrations.pandas, .polars), on the real libraries."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from termkit import Annotator, Glossary

pd = pytest.importorskip("pandas")
pl = pytest.importorskip("polars")
import termkit.integrations.pandas  # noqa: E402,F401  (registers .termkit)
from termkit.integrations.polars import find as polars_find  # noqa: E402
from termkit.integrations.polars import mentions  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
ANNOTATOR = Annotator(Glossary.load())
# Astral characters before a term: code points and UTF-8 bytes part ways there.
texts = st.lists(st.sampled_from(["双碳", "两个维护", "三区\n三线", "𠀀", "😀", "兩個維護", "，", "推进", "“四全工作法”"]),
                 max_size=8).map("".join)
rows = st.lists(st.one_of(texts, st.none()), max_size=6)


def expected(values, keys):
    out = []
    for key, text in zip(keys, values):
        if text is not None:
            out += [(key, m.start, m.end, m.text, m.id, m.ambiguous) for m in ANNOTATOR.find(text)]
    return out


@settings(max_examples=100, deadline=None)
@given(values=rows)
def test_the_pandas_accessor_is_find_on_each_row(values):
    index = pd.Index([f"r{n}" for n in range(len(values))], name="doc_id")
    series = pd.Series(values, index=index, dtype=object)
    found = series.termkit.find(ANNOTATOR)
    assert found.index.name == "doc_id"
    got = [(k, r.start, r.end, r.text, None if pd.isna(r.id) else r.id, r.ambiguous)
           for k, r in zip(found.index, found.itertuples())]
    assert got == expected(values, list(index))
    for key, r in zip(found.index, found.itertuples()):
        assert series[key][r.start:r.end] == r.text


def test_pandas_keeps_the_row_index_for_a_join():
    df = pd.DataFrame({"text": ["实现双碳目标", None, "推进项目建设“四全工作法”"]}, index=[10, 20, 30])
    found = df["text"].termkit.find()  # the bundled glossary by default
    joined = df.join(found[["id"]])
    assert list(joined.dropna(subset=["id"]).index) == [10, 30]
    places = df["text"].termkit.find(scope="山西省", date=2024)
    assert places.loc[30, "ambiguous"] and list(places.loc[30, "candidates"]) == ["shangdang/四全工作法"]
    with pytest.raises(TypeError, match="expected a str"):
        pd.Series([b"bytes"]).termkit.find()


@settings(max_examples=100, deadline=None)
@given(values=rows)
def test_polars_offsets_are_code_points(values):
    df = pl.DataFrame({"k": list(range(len(values))), "text": values}, schema={"k": pl.Int64, "text": pl.String})
    found = polars_find(df, "text", key="k", annotator=ANNOTATOR)
    got = [(r["doc"], r["start"], r["end"], r["text"], r["id"], r["ambiguous"]) for r in found.iter_rows(named=True)]
    assert got == expected(values, list(range(len(values))))
    lazy = df.lazy().with_columns(m=mentions(pl.col("text"), ANNOTATOR)).collect()
    assert [None if v is None else len(v) for v in lazy["m"].to_list()] == [
        None if t is None else len(ANNOTATOR.find(t)) for t in values]


def test_polars_on_the_seeds_equals_find():
    texts = [p.read_text(encoding="utf-8") for p in SEEDS]
    found = polars_find(pl.DataFrame({"text": texts}), "text")
    assert found.columns[0] == "doc" and found.height == sum(len(ANNOTATOR.find(t)) for t in texts)
    assert found["text"].to_list() == [m.text for t in texts for m in ANNOTATOR.find(t)]
