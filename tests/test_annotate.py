"""The Annotator: semantics pinned against a brute-force reference, and unit cases."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import full
from termkit import Annotator, Glossary, Normalization, Term
from termkit.match.engine import available

EXACT = Normalization.none()

# A small alphabet makes overlaps, shared prefixes and ASCII boundaries common.
ALPHABET = "三区线两个维护12+G"
keys_st = st.lists(st.text(ALPHABET, min_size=1, max_size=5).filter(lambda k: k.strip("+")), min_size=1, max_size=8, unique=True)
text_st = st.text(ALPHABET + "，。 ", max_size=60)


def _ascii_alnum(c: str) -> bool:
    return c.isascii() and c.isalnum()


def reference(keys: list[str], text: str, overlapping: bool = False, suffixes=None,
              vetoes=None) -> list[tuple[int, int, str]]:
    """The specification, written the slow and obvious way.

    ``suffixes`` maps a key to the strings one of which must follow it;
    ``vetoes`` maps a key to (strings none of which may follow it, strings
    none of which may precede it)."""
    suffixes = suffixes or {}
    vetoes = vetoes or {}
    cands = []
    for i in range(len(text)):
        for k in keys:
            if not text.startswith(k, i):
                continue
            j = i + len(k)
            if _ascii_alnum(k[0]) and i > 0 and _ascii_alnum(text[i - 1]):
                continue
            if _ascii_alnum(k[-1]) and j < len(text) and _ascii_alnum(text[j]):
                continue
            if k in suffixes and not any(text.startswith(x, j) for x in suffixes[k]):
                continue
            not_after, not_before = vetoes.get(k, ((), ()))
            if any(text.startswith(x, j) for x in not_after) or any(text.endswith(x, 0, i) for x in not_before):
                continue
            cands.append((i, j, k))
    cands.sort(key=lambda c: (c[0], -(c[1] - c[0])))
    if overlapping:
        return sorted(cands)
    out, last = [], 0
    for c in cands:
        if c[0] >= last:
            out.append(c)
            last = c[1]
    return out


def spans(mentions):
    return [(m.start, m.end, m.key) for m in mentions]


@pytest.mark.parametrize("engine", available())
@settings(max_examples=300, deadline=None)
@given(keys=keys_st, text=text_st)
def test_find_equals_reference(engine, keys, text):
    ann = Annotator(Glossary.from_keys(keys), normalization=EXACT, engine=engine)
    assert spans(ann.find(text)) == reference(keys, text)
    assert spans(ann.find(text, overlapping=True)) == reference(keys, text, overlapping=True)


@settings(max_examples=200, deadline=None)
@given(keys=keys_st, text=text_st)
def test_engines_agree_with_all_normalizations(keys, text):
    g = Glossary.from_keys(keys)
    results = {e: Annotator(g, engine=e).find(text) for e in available()}
    first = next(iter(results.values()))
    for r in results.values():
        assert r == first


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(keys=keys_st, text=st.text(max_size=80) | text_st)
def test_offsets_index_the_original(keys, text):
    ann = Annotator(Glossary.from_keys(keys))
    found = ann.find(text)
    last = 0
    for m in found:
        assert 0 <= m.start < m.end <= len(text)
        assert text[m.start : m.end] == m.text
        assert m.start >= last  # ordered, non-overlapping
        last = m.end
    for m in ann.find(text, overlapping=True):
        assert text[m.start : m.end] == m.text


def random_rules(keys, data, alphabet, **fields) -> tuple[list, dict, dict]:
    """Terms of ``keys``, some constrained by random followed_by strings and
    some vetoed by random not_followed_by / not_preceded_by strings; with
    those strings, as :func:`reference` takes them."""
    strings = st.lists(st.text(alphabet, min_size=1, max_size=2), min_size=1, max_size=2)
    constrained = data.draw(st.lists(st.sampled_from(keys), unique=True))
    suffixes = {k: data.draw(strings) for k in constrained}
    vetoed = data.draw(st.lists(st.sampled_from(keys), unique=True))
    vetoes = {k: (data.draw(st.just([]) | strings), data.draw(st.just([]) | strings)) for k in vetoed}
    terms = []
    for k in keys:
        context = {"followed_by": suffixes[k]} if k in suffixes else {}
        if k in vetoes:
            context.update(not_followed_by=vetoes[k][0], not_preceded_by=vetoes[k][1])
        terms.append(make(key=k, context=context, **fields))
    return terms, suffixes, vetoes


def check_with_constraints(engine, keys, text, data, alphabet, overlapping=True):
    """find, with random keys constrained by followed_by and others vetoed by
    not_followed_by / not_preceded_by, against the reference."""
    terms, suffixes, vetoes = random_rules(keys, data, alphabet)
    ann = Annotator(Glossary(terms), normalization=EXACT, engine=engine)
    assert spans(ann.find(text)) == reference(keys, text, suffixes=suffixes, vetoes=vetoes)
    if overlapping:
        assert spans(ann.find(text, overlapping=True)) == reference(keys, text, True, suffixes, vetoes)


@pytest.mark.slow
@pytest.mark.parametrize("engine", available())
@settings(max_examples=300, deadline=None)
@given(keys=keys_st, text=text_st, data=st.data())
def test_find_with_constraints_equals_reference(engine, keys, text, data):
    """Rejected candidates (context, ASCII boundaries) are where selection is subtle."""
    check_with_constraints(engine, keys, text, data, ALPHABET)


CJK = "甲乙丙丁戊"


@pytest.mark.parametrize("engine", available())
@settings(max_examples=600, deadline=None)
@given(keys=st.lists(st.text(CJK, min_size=1, max_size=5), min_size=1, max_size=8, unique=True),
       text=st.text(CJK, max_size=40), data=st.data())
@pytest.mark.slow
def test_selection_with_rejections_equals_reference(engine, keys, text, data):
    """Dense overlaps of CJK keys, some rejected by context: the repair windows at work."""
    check_with_constraints(engine, keys, text, data, CJK, overlapping=False)


def test_engines_listed():
    assert "pyahocorasick" in available()


# -- unit cases ---------------------------------------------------------------

def make(**kw) -> Term:
    base = dict(id=f"t/{kw['key']}", headword=kw["key"], kind="other", scope="test",
                sources=[{"document": "test"}])
    return Term(**{**base, **kw})


def test_leftmost_longest_prefers_longer():
    ann = Annotator(Glossary.from_keys(["三区", "三区三线", "区三"]))
    assert spans(ann.find("划定三区三线")) == [(2, 6, "三区三线")]
    assert [m.key for m in ann.find("划定三区三线", overlapping=True)] == ["三区", "三区三线", "区三"]


def test_ascii_boundaries():
    ann = Annotator(Glossary.from_keys(["1236"]))
    text = "G1236 次列车 12360 热线 “1236”格局 1236格局"
    assert spans(ann.find(text)) == [(20, 24, "1236"), (28, 32, "1236")]
    assert text[20:24] == text[28:32] == "1236"


def test_break_between_digits_is_not_skipped():
    ann = Annotator(Glossary.from_keys(["1236"]))
    assert ann.find("编号 12\n36 号") == []


def test_context_quoted_or_followed_by():
    t = make(key="12345", context={"quoted": True, "followed_by": ["项目推进机制"]})
    ann = Annotator(Glossary([t]))
    text = "健全“12345”项目推进机制，拨打 12345 政务热线，落实12345项目推进机制。"
    found = ann.find(text)
    assert [text[m.start : m.end] for m in found] == ["12345", "12345"]
    assert found[0].start == text.index("12345")
    assert found[1].start == text.rindex("12345")


def test_rejected_candidate_does_not_hide_a_shorter_one():
    # 三区三线 is rejected (needs a suffix that is absent); 三区 is still found.
    long = make(key="三区三线", context={"followed_by": ["规划"]})
    short = make(key="三区")
    ann = Annotator(Glossary([long, short]))
    assert spans(ann.find("三区三线划定")) == [(0, 2, "三区")]
    assert spans(ann.find("三区三线规划")) == [(0, 4, "三区三线")]


def test_variant_reports_canonical_term():
    t = make(key="六九九六", variants=["六九六六"], definition="四套制度")
    m = Annotator(Glossary([t])).find("制定安全生产“六九六六”工作机制")[0]
    assert (m.key, m.text, m.form, m.normalizations) == ("六九九六", "六九六六", "六九六六", ("variant",))
    assert Annotator(Glossary([t]), normalization=Normalization(variants=False)).find("六九六六") == []


@pytest.mark.parametrize(
    "text, steps",
    [
        ("科学划定“三區三線”", ("traditional",)),
        ("“１＋２＋１５”体系", ("width",)),
        ("“1 + 2 + 15”体系", ("break",)),
        ("三区\n\n三线", ("break",)),
        ("三区\u3000三线", ("break",)),
        ("三区\n\n— 12 —\n\n三线", ("break",)),
    ],
)
def test_normalizations_are_reported(text, steps):
    ann = Annotator(Glossary.from_keys(["三区三线", "1+2+15"]))
    found = ann.find(text)
    assert len(found) == 1
    m = found[0]
    assert text[m.start : m.end] == m.text
    assert m.normalizations == steps


def test_quote_inside_term():
    ann = Annotator(Glossary.from_keys(["承诺制+标准地+全代办"]))
    text = "推进“承诺制”+“标准地”+“全代办”改革"
    (m,) = ann.find(text)
    assert m.text == "承诺制”+“标准地”+“全代办"
    assert m.normalizations == ("quote",)
    assert Annotator(Glossary.from_keys(["承诺制+标准地+全代办"]), normalization=Normalization(quotes=False)).find(text) == []


def test_each_normalization_can_be_switched_off():
    g = Glossary.from_keys(["三区三线"])
    assert Annotator(g, normalization=Normalization(traditional=False)).find("三區三線") == []
    assert Annotator(g, normalization=Normalization(breaks=False)).find("三区\n三线") == []
    g2 = Glossary.from_keys(["1+2+15"])
    assert Annotator(g2, normalization=Normalization(width=False)).find("１＋２＋１５") == []


def test_expand_inline_and_footnotes():
    t1 = make(key="清化收", headword="“清化收”", definition="合同清理、债务化解、新增资源收费。")
    t2 = make(key="三区三线", components=[{"name": "三区"}, {"name": "三线"}])
    t3 = make(key="双碳")
    ann = Annotator(Glossary([t1, t2, t3]))
    text = "推进清化收和三区三线，再推清化收，实现双碳。"
    assert ann.expand(text) == (
        "推进清化收（合同清理、债务化解、新增资源收费。）和三区三线（三区；三线），再推清化收，实现双碳。"
    )
    foot = ann.expand(text, style="footnotes")
    assert foot.startswith("推进清化收[1]和三区三线[2]，再推清化收[1]，实现双碳[3]。")
    assert foot.endswith("名词解释\n\n1. “清化收”：合同清理、债务化解、新增资源收费。\n2. 三区三线：三区；三线\n3. 双碳")
    with pytest.raises(ValueError):
        ann.expand(text, style="margin")


def test_find_rejects_non_str():
    with pytest.raises(TypeError):
        Annotator(Glossary.from_keys(["双碳"])).find(b"bytes")  # type: ignore[arg-type]


# -- streaming ----------------------------------------------------------------

@st.composite
def split(draw, text):
    cuts = sorted(draw(st.lists(st.integers(0, len(text)), max_size=12)))
    return [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)])]


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(keys=keys_st, data=st.data(), text=st.text(ALPHABET + "，。 \n“”", max_size=120))
def test_stream_equals_whole_text(keys, data, text):
    t = make(key="12", context={"quoted": True, "followed_by": ["区"]})
    g = Glossary.from_keys([k for k in keys if k != "12"]) + Glossary([t])
    ann = Annotator(g)
    whole = ann.find(text)
    context = 24
    # The documented precondition: no candidate (with its breaks) longer than the context.
    spans_ = [m.end - m.start for m in ann.find(text, overlapping=True)]
    if spans_ and max(spans_) > context // 2:
        return
    pieces = data.draw(split(text))
    assert full(ann.find_stream(pieces, context=context)) == full(whole)


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(keys=keys_st, data=st.data(), text=st.text(ALPHABET + "，。 \n“”", max_size=120))
def test_stream_overlapping_and_expanded_equals_whole_text(keys, data, text):
    """find_stream(overlapping=True) and expand_stream give what the whole-text
    calls give, wherever the pieces are cut (issue 11: streamed, not held)."""
    t = make(key="12", context={"quoted": True, "followed_by": ["区"]})
    g = Glossary.from_keys([k for k in keys if k != "12"]) + Glossary([t])
    ann = Annotator(g)
    context = 24
    spans_ = [m.end - m.start for m in ann.find(text, overlapping=True)]
    if spans_ and max(spans_) > context // 2:
        return
    pieces = data.draw(split(text))
    assert full(ann.find_stream(pieces, context=context, overlapping=True)) == full(ann.find(text, overlapping=True))
    for style in ("inline", "footnotes"):
        assert "".join(ann.expand_stream(pieces, style, context=context)) == ann.expand(text, style)


@settings(max_examples=200, deadline=None)
@given(keys=keys_st, text=st.text(ALPHABET + "，。 \n“”", max_size=80), data=st.data())
def test_a_window_of_find_is_the_whole_find_cut(keys, text, data):
    """find(start=, stop=, offset=) gives the whole text's mentions that start
    in the window, shifted, wherever no mention runs into the window."""
    ann = Annotator(Glossary.from_keys(keys))
    a = data.draw(st.integers(0, len(text)))
    b = data.draw(st.integers(a, len(text)))
    whole = ann.find(text)
    if any(m.start < a < m.end for m in whole):
        return
    got = ann.find(text, start=a, stop=b, offset=1000)
    assert [(m.start - 1000, m.end - 1000, m.id, m.text) for m in got] == [
        (m.start, m.end, m.id, m.text) for m in whole if a <= m.start < b]


def test_stream_context_must_be_positive():
    ann = Annotator(Glossary.from_keys(["双碳"]))
    for context in (0, -1):
        with pytest.raises(ValueError, match="context"):
            list(ann.find_stream(["双碳"], context=context))


def test_expanding_a_quoted_term_at_a_window_edge():
    """The note after a closing quote needs the character after the term,
    which a window may just hold: cut the text at every place."""
    ann = Annotator(Glossary.from_keys(["双碳"]))
    text = "实现“双碳”目标"
    for cut in range(len(text) + 1):
        assert "".join(ann.expand_stream([text[:cut], text[cut:]], context=3)) == ann.expand(text)


def test_stream_across_a_chunk_boundary():
    ann = Annotator(Glossary.from_keys(["三区三线", "三区"]))
    text = "的" * 50 + "三区\n\n三线" + "的" * 50 + "三区" + "的" * 10
    pieces = [text[i : i + 7] for i in range(0, len(text), 7)]
    assert full(ann.find_stream(pieces, context=8)) == full(ann.find(text))
    assert [m.key for m in ann.find_stream(pieces, context=8)] == ["三区三线", "三区"]


def test_repair_window_followed_by_a_crossing_last_match():
    """The engine's last match crosses the end of a repair window: what starts
    under it must still be found (a regression found by reading _select)."""
    # a b X c d e f g, in CJK so that the ASCII boundary rule stays out of it
    a, b, X, c, d, e, f, g = "甲乙丙丁戊己庚辛"
    keys = [a + b, b + X + c, c + d + e + f, f + g]
    terms = [make(key=k, context={"followed_by": ["Z"]} if k == a + b else {}) for k in keys]
    text = a + b + X + c + d + e + f + g
    for engine in available():
        ann = Annotator(Glossary(terms), normalization=EXACT, engine=engine)
        assert spans(ann.find(text)) == reference(keys, text, suffixes={a + b: ["Z"]})
        assert [m.key for m in ann.find(text)] == [b + X + c, f + g]


def test_a_terms_own_form_beats_another_terms_traditional_spelling():
    ann = Annotator(Glossary.from_keys(["发展", "發展"]))
    assert [(m.id, m.normalizations) for m in ann.find("推动發展和发展")] == [
        ("adhoc/發展", ()), ("adhoc/发展", ())]


def test_mentions_are_hashable_and_equal_on_start_end_and_id():
    ann = Annotator(Glossary.from_keys(["两个维护"]))
    (a,) = ann.find("两个维护")
    (b,) = ann.find("兩個維護")
    assert a == b and hash(a) == hash(b) and len({a, b}) == 1  # one term at one span
    assert tuple(a) != tuple(b)  # the text and steps differ
    assert a != a._replace(start=1) and a != a._replace(id="other") and a != tuple(a)
    assert a == a._replace(definition="changed")


def test_a_veto_keeps_look_alikes_out():
    t = make(key="四上", context={"not_preceded_by": ["周", "星期"], "not_followed_by": ["午"]})
    ann = Annotator(Glossary([t]))
    assert [m.text for m in ann.find("“四上”企业；每周四上午；星期四上班；四上午")] == ["四上"]
