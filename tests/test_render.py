"""The jsonl writer against its specification: json.dumps of each record."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from termkit import Mention
from termkit.text.normalize import STEPS
from termkit.render import jsonl_records


def reference(name, mentions, byte_spans=None) -> str:
    """The jsonl contract, written the obvious way."""
    lines = []
    for n, m in enumerate(mentions):
        record = {"file": name, **m.to_dict()}
        if byte_spans is not None:
            record["start"], record["end"] = byte_spans[n]
            record["offsets"] = "bytes"
        line = json.dumps(record, ensure_ascii=False)
        # Lone surrogates (a file name that is not UTF-8) escaped: the output is UTF-8.
        lines.append("".join(f"\\u{ord(c):04x}" if "\ud800" <= c <= "\udfff" else c for c in line) + "\n")
    return "".join(lines)


# Few distinct values, so that mentions share (or almost share) their fields.
words = st.sampled_from(["两个维护", "t/1", "a\"b", "\\", "\n", "\ud800", "“清化收”", "", "<x>"]) | st.text(max_size=6)
mentions = st.builds(
    Mention,
    start=st.integers(0, 10**12),
    end=st.integers(0, 10**12),
    text=words,
    id=st.sampled_from(["t/1", "t/2"]),
    key=words,
    headword=words,
    definition=st.none() | words,
    form=words,
    normalizations=st.lists(st.sampled_from(STEPS), unique=True, max_size=3).map(tuple),
    term=st.none(),
)


@pytest.mark.slow
@settings(max_examples=500, deadline=None)
@given(name=words, ms=st.lists(mentions, max_size=8), data=st.data())
def test_jsonl_records_equal_json_dumps(name, ms, data):
    assert jsonl_records(name, ms) == reference(name, ms)
    spans = data.draw(st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 10**6)),
                               min_size=len(ms), max_size=len(ms)))
    assert jsonl_records(name, ms, spans) == reference(name, ms, spans)
    jsonl_records(name, ms, spans).encode("utf-8")  # never a lone surrogate


def test_a_file_name_that_is_not_utf8_round_trips():
    import os

    name = os.fsdecode("报告".encode("gbk") + b".txt")  # as Python gives a GBK name on Linux
    m = Mention(0, 2, "双碳", "t/1", "双碳", "双碳", None, "双碳")
    line = jsonl_records(name, [m])
    assert os.fsencode(json.loads(line)["file"]) == "报告".encode("gbk") + b".txt"
