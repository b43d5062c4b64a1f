"""The spaCy component: spans equal termkit's mentions, with spaCy's
character segmenter (``spacy.blank("zh")``) and with a word-level tokenizer
whose tokens a term boundary cuts; config, serialization, processes."""

from __future__ import annotations

import pickle
import re
import shutil
import sys
import tomllib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

spacy = pytest.importorskip("spacy")

from spacy.tokens import Doc, DocBin, Span  # noqa: E402
from spacy.util import get_words_and_spaces  # noqa: E402

import termkit  # noqa: E402
from termkit.integrations.spacy import AMBIGUOUS, make_component  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))


class ChunkTokenizer:
    """A word-level tokenizer: each run of non-space characters cut into
    tokens of ``size`` characters, so that term boundaries fall inside tokens."""

    def __init__(self, vocab, size: int = 3):
        self.vocab, self.size = vocab, size

    def __call__(self, text: str) -> Doc:
        words = [run[i:i + self.size] for run in re.findall(r"\S+", text) for i in range(0, len(run), self.size)]
        words, spaces = get_words_and_spaces(words, text)
        return Doc(self.vocab, words=words, spaces=spaces)


def pipeline(config: dict | None = None, words: int = 0):
    nlp = spacy.blank("zh")
    if words:
        nlp.tokenizer = ChunkTokenizer(nlp.vocab, words)
    nlp.add_pipe("termkit", config=config or {})
    return nlp


def spans(doc: Doc, key: str = "termkit") -> list[tuple]:
    return [(s.start_char, s.end_char, s.text, s.label_, s._.termkit) for s in doc.spans[key]]


def expected(mentions) -> list[tuple]:
    return [(m.start, m.end, m.text, AMBIGUOUS if m.id is None else m.id, m.to_dict()) for m in mentions]


@pytest.fixture(scope="module")
def annotator():
    return termkit.Annotator(termkit.Glossary.load())


@pytest.fixture(scope="module")
def zh():
    return pipeline()


@pytest.fixture(scope="module")
def words():
    return pipeline(words=3)


# -- spans are mentions -------------------------------------------------------

@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_the_spans_are_the_mentions_with_the_character_segmenter(zh, annotator, seed):
    text = seed.read_text(encoding="utf-8")
    doc = zh(text)
    assert doc.text == text
    assert spans(doc) == expected(annotator.find(text)) != []


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_the_spans_are_the_mentions_when_a_term_boundary_falls_inside_a_word(words, annotator, seed):
    text = seed.read_text(encoding="utf-8")
    before = len(words.tokenizer(text))
    doc = words(text)
    assert doc.text == text
    assert len(doc) > before  # tokens were split: the case is exercised
    assert spans(doc) == expected(annotator.find(text)) != []


def test_without_split_tokens_a_span_covers_whole_tokens_and_the_record_keeps_the_mention():
    nlp = pipeline({"split_tokens": False}, words=3)
    text = "科学划定“三区三线”，坚决做到两个维护。"
    doc = nlp(text)
    assert [t.text for t in doc] == [t.text for t in nlp.tokenizer(text)]  # tokens left alone
    s1, s2 = list(doc.spans["termkit"])
    assert (s1.text, s1._.termkit["text"], s1._.termkit["start"]) == ("定“三区三线", "三区三线", 5)
    assert (s2.text, s2._.termkit["text"], s2._.termkit["start"]) == ("两个维护。", "两个维护", 15)


def test_two_mentions_in_one_token_give_one_expanded_span():
    nlp = pipeline({"split_tokens": False, "keys": ["双碳"], "default_glossary": False})
    nlp.tokenizer = ChunkTokenizer(nlp.vocab, 10)
    doc = nlp("双碳双碳和双碳")
    assert [(s.text, s._.termkit["start"]) for s in doc.spans["termkit"]] == [("双碳双碳和双碳", 0)]


FORMS = ["三区三线", "三區三線", "两个维护", "兩個維護", "1+2+15", "１＋２＋１５", "六九九六", "六九六六", "4句话32字",
         "“12345”项目推进机制", "清化收", "双碳"]
FILLER = ["，", "。", " ", "\n", "“", "”", "科学", "划定", "1", "G", "4 句话 32 字", "三区", "两个", "六九"]


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pieces=st.lists(st.sampled_from(FORMS + FILLER), max_size=25), size=st.integers(1, 5),
       overlapping=st.booleans())
def test_span_text_is_mention_text_for_every_mention(annotator, pieces, size, overlapping):
    text = "".join(pieces)
    nlp = _word_pipelines(size, overlapping)
    doc = nlp(text)
    mentions = annotator.find(text, overlapping=overlapping)
    assert [(s.start_char, s.end_char, s.text) for s in doc.spans["termkit"]] == \
        [(m.start, m.end, m.text) for m in mentions]


_PIPELINES: dict = {}


def _word_pipelines(size: int, overlapping: bool):
    if (size, overlapping) not in _PIPELINES:
        _PIPELINES[size, overlapping] = pipeline({"overlapping": overlapping}, words=size)
    return _PIPELINES[size, overlapping]


def test_other_components_spans_are_laid_again_on_split_tokens():
    nlp = spacy.blank("zh")
    nlp.tokenizer = ChunkTokenizer(nlp.vocab, 3)

    @spacy.Language.component("mark_first_word")
    def mark(doc):
        doc.spans["mine"] = [Span(doc, 0, 2, label="X")]  # 科学划定三区: six characters
        return doc

    nlp.add_pipe("mark_first_word")
    nlp.add_pipe("termkit")
    doc = nlp("科学划定三区三线")
    assert [(s.text, s.label_) for s in doc.spans["mine"]] == [("科学划定三区", "X")]
    assert [s.text for s in doc.spans["termkit"]] == ["三区三线"]


def test_tokens_annotated_before_termkit_are_split_in_place():
    nlp = spacy.blank("zh")
    nlp.tokenizer = ChunkTokenizer(nlp.vocab, 3)

    @spacy.Language.component("tag_and_mark")
    def tag(doc):
        for t in doc:
            t.tag_ = "W"
        doc.ents = [Span(doc, 0, 1, label="ORG")]  # 科学划
        return doc

    nlp.add_pipe("tag_and_mark")
    nlp.add_pipe("termkit")
    doc = nlp("科学划定三区三线")
    assert [(t.text, t.tag_) for t in doc] == [("科学划", "W"), ("定", "W"), ("三区", "W"), ("三线", "W")]
    assert [(e.text, e.label_) for e in doc.ents] == [("科学划", "ORG")]
    assert [s.text for s in doc.spans["termkit"]] == ["三区三线"]


def test_a_split_doc_keeps_its_user_data():
    nlp = pipeline(words=3)
    doc = nlp.make_doc("推进项目建设“四全工作法”")
    doc._.termkit_scope = "山西省"
    doc._.termkit_date = 2024
    doc.cats = {"report": 1.0}
    new = nlp.get_pipe("termkit")(doc)
    assert new is not doc  # made in one pass: use the Doc the component returns
    doc = new
    assert [s.label_ for s in doc.spans["termkit"]] == [AMBIGUOUS]
    assert (doc._.termkit_scope, doc._.termkit_date, doc.cats) == ("山西省", 2024, {"report": 1.0})


# -- config -------------------------------------------------------------------

def test_normalization_off_finds_fewer_mentions():
    text = "科学划定“三區三線”，落实“１＋２＋１５”，两个维护"
    steps = ("traditional", "width", "breaks", "quotes", "variants")
    on, off = pipeline()(text), pipeline({k: False for k in steps})(text)
    assert [s.text for s in on.spans["termkit"]] == ["三區三線", "１＋２＋１５", "两个维护"]
    assert [s.text for s in off.spans["termkit"]] == ["两个维护"]


def test_overlapping_gives_every_valid_candidate():
    config = {"keys": ["三区", "三区三线"], "default_glossary": False}
    def texts(nlp):
        doc = nlp("三区三线")
        return [s.text for s in doc.spans["termkit"]]

    assert texts(pipeline(config)) == ["三区三线"]
    assert texts(pipeline({**config, "overlapping": True})) == ["三区", "三区三线"]


def test_glossary_terms_keys_and_spans_key(tmp_path):
    (tmp_path / "mine.yaml").write_text("- key: 清化收\n  definition: 我的定义\n", encoding="utf-8")
    (tmp_path / "words.txt").write_text("双碳\t碳达峰、碳中和\n", encoding="utf-8")
    nlp = pipeline({"glossary": [str(tmp_path / "mine.yaml")], "terms": [str(tmp_path / "words.txt")],
                    "keys": ["绿色转型"], "default_glossary": False, "spans_key": "terms"})
    doc = nlp("清化收、双碳、绿色转型、两个维护")
    assert [(s.label_, s._.termkit["definition"]) for s in doc.spans["terms"]] == [
        ("mine/清化收", "我的定义"), ("words/双碳", "碳达峰、碳中和"), ("adhoc/绿色转型", None)]
    assert nlp.get_pipe("termkit").term(doc.spans["terms"][0]).definition == "我的定义"


def test_scope_and_date_from_the_config_or_the_doc():
    text = "推进项目建设“四全工作法”"
    nlp = pipeline({"scope": "山西省", "date": 2024})
    doc = nlp(text)
    (span,) = doc.spans["termkit"]
    assert (span.label_, span._.termkit["ambiguous"], span._.termkit["candidates"]) == (
        AMBIGUOUS, True, ["shangdang/四全工作法"])
    assert nlp.get_pipe("termkit").term(span) is None
    doc = nlp.make_doc(text)
    doc._.termkit_scope = "长治市上党区"
    (span,) = nlp.get_pipe("termkit")(doc).spans["termkit"]
    assert span.label_ == "shangdang/四全工作法"


def test_an_empty_glossary_is_one_clear_error():
    with pytest.raises(termkit.GlossaryError, match=r"^spaCy component 'termkit': the glossary is empty: .*$"):
        pipeline({"default_glossary": False})


def test_a_missing_glossary_file_is_named_when_the_component_is_used(tmp_path):
    nlp = pipeline({"glossary": [str(tmp_path / "nope.yaml")]})
    with pytest.raises(termkit.GlossaryError, match=r"nope\.yaml: cannot read glossary"):
        nlp("两个维护")


# -- serialization ------------------------------------------------------------

TEXT = "坚决做到“兩個維護”，落实“１＋２＋１５”，清化收，双碳，六九六六"


def _own_files(tmp_path):
    d = tmp_path / "src"
    d.mkdir()
    (d / "mine.yaml").write_text("- key: 清化收\n  definition: 我的定义\n", encoding="utf-8")
    (d / "words.txt").write_text("双碳\t碳达峰、碳中和\n", encoding="utf-8")
    return {"glossary": [str(d / "mine.yaml")], "terms": [str(d / "words.txt")], "keys": ["落实"]}, d


def test_to_disk_and_load_give_identical_spans_without_the_original_files(tmp_path):
    config, src = _own_files(tmp_path)
    nlp = pipeline(config)
    before = spans(nlp(TEXT))
    assert ("mine/清化收", "我的定义") in [(s[3], s[4]["definition"]) for s in before]
    nlp.to_disk(tmp_path / "pipeline")
    shutil.rmtree(src)
    loaded = spacy.load(tmp_path / "pipeline")
    assert spans(loaded(TEXT)) == before
    loaded.to_disk(tmp_path / "again")  # and once more, from the copies
    assert spans(spacy.load(tmp_path / "again")(TEXT)) == before


def test_to_bytes_and_from_bytes_give_identical_spans(tmp_path):
    config, src = _own_files(tmp_path)
    nlp = pipeline(config)
    data, before = nlp.to_bytes(), spans(nlp(TEXT))
    shutil.rmtree(src)
    other = spacy.blank("zh")
    other.add_pipe("termkit", config=config)
    assert spans(other.from_bytes(data)(TEXT)) == before


def test_the_records_travel_with_the_doc(zh):
    doc = zh(TEXT)
    before = spans(doc)
    again = Doc(zh.vocab).from_bytes(doc.to_bytes())
    assert spans(again) == before
    bin_ = DocBin(store_user_data=True, docs=[doc])
    assert spans(next(DocBin().from_bytes(bin_.to_bytes()).get_docs(zh.vocab))) == before
    assert spans(pickle.loads(pickle.dumps(doc))) == before


def test_the_component_pickles_without_its_automaton(tmp_path):
    config, _ = _own_files(tmp_path)
    component = pipeline(config).get_pipe("termkit")
    data = pickle.dumps(component)
    assert len(data) < 2000  # its config and two small files: not the compiled glossary
    copy = pickle.loads(data)
    doc = spacy.blank("zh")(TEXT)
    assert spans(copy(doc)) == spans(component(spacy.blank("zh")(TEXT)))


@pytest.mark.slow
def test_nlp_pipe_in_two_processes(zh):
    texts = [p.read_text(encoding="utf-8") for p in SEEDS] * 2
    one = [spans(d) for d in zh.pipe(texts)]
    two = [spans(d) for d in zh.pipe(texts, n_process=2, batch_size=2)]
    assert two == one


# -- registration -------------------------------------------------------------

def test_the_entry_point_names_the_factory():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    target = project["entry-points"]["spacy_factories"]["termkit"]
    module, _, name = target.partition(":")
    assert getattr(sys.modules[module], name) is make_component
    assert spacy.Language.has_factory("termkit")
    assert project["optional-dependencies"]["spacy"] == ["spacy>=3.7"]
