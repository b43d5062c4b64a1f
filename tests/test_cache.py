"""The on-disk cache: JSON only, private, and never trusted when others could write it."""

from __future__ import annotations

import os

import pytest

from termkit import Annotator, Glossary, cache
from termkit.glossary import bundled_files


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    d = tmp_path / "cache"
    monkeypatch.setenv("TERMKIT_CACHE_DIR", str(d))
    return d


def test_cached_glossary_equals_fresh(cache_dir):
    fresh = Glossary.load()
    assert sorted(p.name.split("-")[0] for p in cache_dir.glob("*.json")) == ["glossary"]
    cached = Glossary.load()
    assert list(cached) == list(fresh)
    assert cached.origin("shangdang/六九九六") == fresh.origin("shangdang/六九九六")
    text = (bundled_files()[0].parent.parent / "seeds" / "shangdang-2023-06-government-work-report.txt")
    if text.exists():
        t = text.read_text(encoding="utf-8")
        assert Annotator(cached).find(t) == Annotator(fresh).find(t)
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
    for p in cache_dir.glob("glossary-*.json"):
        p.write_text('{"terms": [{"nonsense": 1}], "origins": {}}', encoding="utf-8")
    assert len(Glossary.load()) >= 120


def test_no_cache(monkeypatch, tmp_path):
    monkeypatch.setenv("TERMKIT_NO_CACHE", "1")
    monkeypatch.setenv("TERMKIT_CACHE_DIR", str(tmp_path / "c"))
    Glossary.load()
    assert not (tmp_path / "c").exists()
