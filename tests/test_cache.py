"""The on-disk cache: JSON only, private, and never trusted when others could write it."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from conftest import full
from termkit import Annotator, Glossary, cache


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    d = tmp_path / "cache"
    monkeypatch.setenv("TERMKIT_CACHE_DIR", str(d))
    return d


def test_cached_glossary_equals_fresh(cache_dir):
    fresh = Glossary.load()
    assert [(p.name[:9], p.suffix) for p in cache_dir.iterdir()] == [("glossary-", ".bin")]
    cached = Glossary.load()
    assert list(cached) == list(fresh)
    assert cached.origin("shangdang/六九九六") == fresh.origin("shangdang/六九九六")
    t = (Path(__file__).resolve().parent.parent / "seeds" / "shangdang-2023-06-government-work-report.txt").read_text(
        encoding="utf-8")
    found = Annotator(cached).find(t)
    assert len(found) > 100 and full(found) == full(Annotator(fresh).find(t))
    assert oct(os.stat(cache_dir).st_mode & 0o777) == "0o700"


def test_writable_by_others_is_ignored(cache_dir):
    cache.store("x", {"a": 1})
    assert cache.load("x") == {"a": 1}
    os.chmod(cache_dir / "x.json", 0o666)
    assert cache.load("x") is None
    os.chmod(cache_dir / "x.json", 0o600)
    os.chmod(cache_dir, 0o777)
    assert cache.load("x") is None


def test_corrupt_cache_is_rebuilt(cache_dir):
    Glossary.load()
    for p in cache_dir.glob("glossary-*.bin"):
        p.write_text('{"terms": [{"nonsense": 1}], "origins": {}}', encoding="utf-8")
    assert len(Glossary.load()) >= 120


@pytest.mark.parametrize("value", [
    {"terms": [{"nonsense": 1}], "origins": {}},
    {"terms": [{"id": "x"}], "origins": {"x": "a.yaml"}},
    {"terms": "x", "origins": {}},
    [],
])
def test_a_cache_entry_of_the_right_hash_but_not_a_glossary_is_rebuilt(cache_dir, value):
    """Bytes that match their hash are what termkit wrote; were they ever
    not a glossary (a bug, another version's shape), the files are read again."""
    fresh = Glossary.load()
    p = _glossary_cache(cache_dir)
    good = p.read_bytes()
    cache.store_bytes(p.stem, json.dumps(value).encode())
    assert cache.load_bytes(p.stem) == json.dumps(value).encode()
    assert list(Glossary.load()) == list(fresh)
    assert p.read_bytes() == good


def test_no_cache(monkeypatch, tmp_path):
    monkeypatch.setenv("TERMKIT_NO_CACHE", "1")
    monkeypatch.setenv("TERMKIT_CACHE_DIR", str(tmp_path / "c"))
    Glossary.load()
    assert not (tmp_path / "c").exists()


def _glossary_cache(cache_dir):
    [p] = cache_dir.glob("glossary-*.bin")
    return p


def _edit(p, change):
    """Change the cached glossary's JSON, as an edit by hand or another
    program would: the hash in the entry's header is left as it was."""
    if p.suffix == ".json":  # a JSON entry: {"code": ..., "value": ...}
        entry = json.loads(p.read_text(encoding="utf-8"))
        p.write_text(json.dumps({**entry, "value": change(entry["value"])}, ensure_ascii=False), encoding="utf-8")
        return
    magic, code, sha, data = p.read_bytes().split(b"\n", 3)
    new = change(json.loads(data))
    p.write_bytes(b"\n".join([magic, code, sha, json.dumps(new, ensure_ascii=False).encode()]))


def _set(field, value, where=lambda t: t):
    """A change to the first cached term."""
    def change(v):
        where(v["terms"][0])[field] = value
        return v
    return change


@pytest.mark.parametrize(
    "change",
    [
        _set("followed_by", "x", lambda t: t.setdefault("context", {})),  # a string where a list belongs
        _set("key", ""),
        _set("aliases", ["", "甲"]),
        _set("kind", "slogan"),
        _set("line", "3", lambda t: t["sources"][0]),
        _set("quoted", 1, lambda t: t.setdefault("context", {})),
        _set("colour", "red"),
        lambda v: {**v, "terms": v["terms"] * 2},
        lambda v: {**v, "terms": {"a": 1}},
        lambda v: {**v, "origins": {k: "elsewhere.yaml" for k in v["origins"]}},
        lambda v: {"terms": v["terms"]},
        lambda v: [v],
        lambda v: None,
    ],
)
def test_an_edited_cache_entry_is_rebuilt(cache_dir, change):
    """Whatever the edit (a string for a list, an empty key, a stray field,
    the wrong shape), the entry no longer matches the hash in its header:
    it is a miss, and the files are read again. (An entry that matches it
    was written by termkit, and is built without checking each field once
    more: see the test of entries with the right hash below.)"""
    fresh = Glossary.load()
    p = _glossary_cache(cache_dir)
    good = p.read_bytes()
    _edit(p, change)
    assert list(Glossary.load()) == list(fresh)
    assert p.read_bytes() == good  # rebuilt and overwritten


def test_a_cache_nested_too_deeply_is_rebuilt(cache_dir):
    fresh = Glossary.load()
    p = _glossary_cache(cache_dir)
    p.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    assert list(Glossary.load()) == list(fresh)


def test_a_cache_written_by_other_code_misses(cache_dir, monkeypatch):
    """Each entry records the code that wrote it: a changed validation rule is not served stale data."""
    monkeypatch.setattr(cache, "code_version", lambda: "old")
    fresh = Glossary.load()
    p = _glossary_cache(cache_dir)
    value = _set("definition", "旧代码的定义。")(json.loads(p.read_bytes().split(b"\n", 3)[3]))
    cache.store_bytes(p.stem, json.dumps(value, ensure_ascii=False).encode())  # what the old code made of the files
    first = next(iter(fresh)).id
    assert Glossary.load()[first].definition == "旧代码的定义。"
    monkeypatch.setattr(cache, "code_version", lambda: "new")
    assert list(Glossary.load()) == list(fresh)
    assert p.read_bytes().split(b"\n")[1] == b"new"  # overwritten, not left beside


def test_a_changed_rule_in_the_code_misses(tmp_path):
    """End to end: edit the validation code of a copy of termkit, and the cached glossary is checked again."""
    import shutil
    import subprocess
    import sys

    pkg = tmp_path / "copy" / "termkit"
    shutil.copytree(Path(cache.__file__).parent, pkg, ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "g.yaml").write_text(
        "glossary: t\nterms:\n- {id: t/甲乙, key: 甲乙, headword: 甲乙, kind: other, scope: s, sources: [{document: d}]}\n",
        encoding="utf-8")
    code = ("import termkit\n"
            "try:\n    print(len(termkit.Glossary.from_files(['g.yaml'])))\n"
            "except termkit.GlossaryError as e:\n    print(e)\n")
    env = {**os.environ, "TERMKIT_CACHE_DIR": str(tmp_path / "cache"), "PYTHONPATH": str(pkg.parent)}
    env.pop("TERMKIT_NO_CACHE", None)

    def run():
        out = subprocess.run([sys.executable, "-c", code], env=env, cwd=tmp_path, capture_output=True, text=True)
        assert out.returncode == 0, out.stderr
        return out.stdout.strip()

    assert run() == run() == "1"
    model = pkg / "glossary" / "model.py"
    model.write_text(model.read_text(encoding="utf-8").replace(
        '    if not value.strip():\n        raise ValueError(f"{what} is empty")',
        '    if value == "甲乙":\n        raise ValueError(f"{what} 甲乙 is now refused")', 1), encoding="utf-8")
    assert "key 甲乙 is now refused" in run()


def test_traditional_table_shape():
    assert cache.is_table({"两个维护": ["兩個維護"], "双碳": []}, ["双碳", "两个维护"])
    for bad in ({"两个维护": "兩個維護", "双碳": []}, {"两个维护": [""], "双碳": []}, {"两个维护": []},
                {"两个维护": [1], "双碳": []}, ["两个维护"]):
        assert not cache.is_table(bad, ["双碳", "两个维护"])


def test_a_traditional_table_of_the_wrong_shape_is_rebuilt(cache_dir):
    text = "坚持“两个维护”，推进“双碳”工作。一個目標。"
    glossary = Glossary.from_keys(["两个维护", "双碳"])
    fresh = Annotator(glossary).find(text)
    [p] = cache_dir.glob("traditional-*.json")
    _edit(p, lambda v: {k: "".join(x) for k, x in v.items()})  # a string where a list belongs
    assert full(Annotator(glossary).find(text)) == full(fresh)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes")
def test_a_cache_entry_that_is_not_a_file_is_not_waited_on(cache_dir):
    """A FIFO where an entry belongs (or a link to /dev/zero) would block the start: it is a miss."""
    import subprocess
    import sys

    fresh = Glossary.load()
    p = _glossary_cache(cache_dir)
    p.unlink()
    os.mkfifo(p, 0o600)
    code = "import termkit; print(len(termkit.Glossary.load()))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                         env={**os.environ, "TERMKIT_CACHE_DIR": str(cache_dir)})
    assert out.stdout.strip() == str(len(fresh)), out.stderr
    assert p.is_file()  # rebuilt in its place
