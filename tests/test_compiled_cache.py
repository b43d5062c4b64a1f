"""The compiled Annotator cached on disk: a second compile of the same
glossary loads the automaton and tables instead of building them, finds
exactly what a fresh compile finds, and anything amiss in the cache is a miss."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import full
from termkit import Annotator, Glossary, Normalization, cache
from termkit.match import annotator as annotator_module
from termkit.match.engine import available

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
TEXT = "\n".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt")))[:60_000]
EXTRA = "科学划定“三區三線”，G1236 和 １２３６，實現雙碳，两个维护。\n周四上午"
ENGINES = available()


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    d = tmp_path / "cache"
    monkeypatch.setenv("TERMKIT_CACHE_DIR", str(d))
    return d


def _glossary():
    return Glossary.load() + Glossary.from_keys(["ＧＤＰ", "1236", "雙碳", "三区", "两个"])


def _results(ann):
    return [full(ann.find(t, **kw)) for t in (TEXT, EXTRA)
            for kw in ({}, {"overlapping": True}, {"scope": "长治市上党区", "date": 2023})]


def _no_compiling(monkeypatch):
    def refuse(*args):
        raise AssertionError("compiled again")

    monkeypatch.setattr(annotator_module, "_plan", refuse)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("norm", [Normalization(), Normalization.none(), Normalization(traditional=False)])
def test_a_cached_compile_finds_what_a_fresh_one_finds(cache_dir, monkeypatch, engine, norm):
    fresh = Annotator(_glossary(), normalization=norm, engine=engine)
    assert len(list(cache_dir.glob("compiled-*.bin"))) == 1
    _no_compiling(monkeypatch)
    cached = Annotator(_glossary(), normalization=norm, engine=engine)
    assert _results(cached) == _results(fresh)
    assert cached.explain(EXTRA) == fresh.explain(EXTRA)
    assert cached._forms == fresh._forms


def test_another_glossary_or_option_misses(cache_dir, monkeypatch):
    Annotator(Glossary.from_keys(["双碳"]))
    _no_compiling(monkeypatch)
    with pytest.raises(AssertionError, match="compiled again"):
        Annotator(Glossary.from_keys(["双碳", "碳达峰"]))
    with pytest.raises(AssertionError, match="compiled again"):
        Annotator(Glossary.from_keys(["双碳"]), normalization=Normalization(width=False))


@pytest.mark.parametrize("damage", ["flip", "truncate", "junk automaton", "wrong shape", "a number for a string",
                                    "a string for a flag"])
def test_a_damaged_entry_is_compiled_again(cache_dir, damage):
    g = _glossary()
    fresh = _results(Annotator(g))
    [path] = cache_dir.glob("compiled-*.bin")
    name = path.name[: -len(".bin")]
    data = bytes(cache.load_bytes(name))
    size = int.from_bytes(data[:8], "little")
    if damage == "flip":
        raw = path.read_bytes()
        path.write_bytes(raw[:-100] + bytes([raw[-100] ^ 1]) + raw[-99:])
    elif damage == "truncate":
        path.write_bytes(path.read_bytes()[:-1])
    elif damage == "junk automaton":
        cache.store_bytes(name, data[: 8 + size] + b"\0" * 64)
    else:  # with its hash right: what termkit's reader must reject itself
        bad = {"wrong shape": (b'"steps":[', b'"steps":[3,'),
               "a number for a string": (b'"contexts":[', b'"contexts":[{"followed_by":[5]},'),
               "a string for a flag": (b'"contexts":[', b'"contexts":[{"quoted":"yes"},')}[damage]
        plan = data[8 : 8 + size].replace(*bad, 1)
        assert plan != data[8 : 8 + size]
        cache.store_bytes(name, len(plan).to_bytes(8, "little") + plan + data[8 + size :])
    assert cache.load_bytes(name) is None or damage not in ("flip", "truncate")
    assert _results(Annotator(g)) == fresh
    assert cache.load_bytes(name) == data  # written again


def test_the_entry_carries_no_code(cache_dir):
    Annotator(_glossary())
    [path] = cache_dir.glob("compiled-*.bin")
    raw = path.read_bytes()
    assert raw.startswith(b"termkit-cache\n") and b"\x80\x04\x95" not in raw  # a pickle's opening


def test_a_worker_loads_the_compiled_glossary(cache_dir, monkeypatch):
    import pickle

    ann = Annotator(_glossary())
    blob = pickle.dumps(ann)
    annotator_module._COMPILED.clear()
    _no_compiling(monkeypatch)
    assert _results(pickle.loads(blob)) == _results(ann)


def test_no_cache_still_compiles(monkeypatch, tmp_path):
    monkeypatch.setenv("TERMKIT_NO_CACHE", "1")
    monkeypatch.setenv("TERMKIT_CACHE_DIR", str(tmp_path / "c"))
    assert [m.text for m in Annotator(Glossary.from_keys(["双碳"])).find("实现双碳")] == ["双碳"]
    assert not (tmp_path / "c").exists()


@pytest.mark.parametrize("engine", ENGINES)
def test_a_glossary_from_the_cache_is_made_as_it_is_read(cache_dir, monkeypatch, engine):
    """The bundled glossary read back from the cache makes a term only when
    something reads it: compiling it (named by its files, not its terms)
    reads none, finding in a short text only those of the forms found and
    of the forms that depend on place; and all it finds, explains and lists
    is what the glossary read from its files gives."""
    from termkit.glossary.collection import _Terms

    fresh_glossary = Glossary.load()  # from the files: every term made and checked
    assert type(fresh_glossary._terms) is list and fresh_glossary._digest
    fresh = Annotator(fresh_glossary, engine=engine)
    _no_compiling(monkeypatch)
    glossary = Glossary.load()
    assert type(glossary._terms) is _Terms and glossary._digest == fresh_glossary._digest
    cached = Annotator(glossary, engine=engine)
    assert len(glossary._terms._made) <= len(cached._scoped)  # (forms of several terms: made for their payload)
    cached.find("两个确立")
    assert len(glossary._terms._made) < len(glossary) / 2
    assert glossary._checked is None
    assert _results(cached) == _results(fresh)
    assert cached.explain(EXTRA) == fresh.explain(EXTRA)
    assert cached._forms == fresh._forms
    assert list(glossary) == list(fresh_glossary)
    assert glossary[fresh_glossary._terms[0].id] == fresh_glossary._terms[0]
    assert [glossary.origin(t.id) for t in glossary] == [fresh_glossary.origin(t.id) for t in fresh_glossary]
    assert glossary.find_term("两个确立") == fresh_glossary.find_term("两个确立")
    # A worker's copy is named by its terms: the sender's code may read the same files otherwise.
    assert Glossary.unpacked(glossary.packed()[1])._digest is None


def test_a_cached_glossarys_terms_are_one_object_whatever_thread_reads_them(cache_dir):
    from concurrent.futures import ThreadPoolExecutor

    Glossary.load()
    glossary = Glossary.load()
    with ThreadPoolExecutor(4) as pool:
        seen = list(pool.map(lambda _: [id(t) for t in glossary], range(8)))
    assert all(ids == seen[0] for ids in seen)


def test_a_damaged_term_with_the_right_hash_is_one_clear_error(cache_dir):
    """A cache entry whose hash matches was written by termkit; were a term
    in it ever not a term, reading that term says so and what to do."""
    import json

    from termkit.glossary import GlossaryError

    Glossary.load()
    [p] = cache_dir.glob("glossary-*.bin")
    value = json.loads(bytes(cache.load_bytes(p.stem)))
    value["terms"][3]["aliases"] = 5
    cache.store_bytes(p.stem, json.dumps(value, ensure_ascii=False).encode())
    glossary = Glossary.load()
    assert glossary._terms[2].id == value["terms"][2]["id"]
    with pytest.raises(GlossaryError, match="damaged glossary .* delete .* to rebuild it"):
        glossary._terms[3]
