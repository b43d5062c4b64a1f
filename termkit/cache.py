"""A small on-disk cache of compiled glossary data, so that start-up stays fast.

What is cached is plain JSON — validated terms, and the Traditional spellings
of their forms — never a pickle or anything else that carries code. Entries
are named by a hash of everything they were computed from, so a changed
glossary, termkit or OpenCC version simply misses.

The cache lives in ``$TERMKIT_CACHE_DIR``, else ``$XDG_CACHE_HOME/termkit``,
else ``~/.cache/termkit``. It is created private (mode 0700); a directory or
file that belongs to another user, or that others may write to, is never
read. ``TERMKIT_NO_CACHE=1`` switches the cache off. Any failure to read or
write it is silent: the data is then computed as if there were no cache.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path
from typing import Any, Optional


def cache_dir() -> Optional[Path]:
    if os.environ.get("TERMKIT_NO_CACHE"):
        return None
    explicit = os.environ.get("TERMKIT_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "termkit"


def digest(*parts: bytes | str) -> str:
    """A hash of the parts, each length-prefixed so that boundaries count."""
    h = hashlib.sha256()
    for p in parts:
        b = p.encode("utf-8") if isinstance(p, str) else p
        h.update(len(b).to_bytes(8, "little"))
        h.update(b)
    return h.hexdigest()[:32]


def _private(st: os.stat_result) -> bool:
    owner_ok = not hasattr(os, "getuid") or st.st_uid == os.getuid()
    return owner_ok and not (st.st_mode & (stat.S_IWGRP | stat.S_IWOTH))


def load(name: str) -> Optional[Any]:
    """The cached JSON value called ``name``, or None."""
    d = cache_dir()
    if d is None:
        return None
    path = d / f"{name}.json"
    try:
        if not _private(os.stat(d)):
            return None
        with open(path, "rb") as f:
            if not _private(os.fstat(f.fileno())):
                return None
            return json.loads(f.read())
    except (OSError, ValueError):
        return None


def store(name: str, value: Any) -> None:
    """Cache ``value`` (JSON-serialisable) as ``name``; failures are ignored."""
    import tempfile  # only when writing: keeps start-up lean

    d = cache_dir()
    if d is None:
        return
    try:
        d.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _private(os.stat(d)):
            return
        fd, tmp = tempfile.mkstemp(dir=d, prefix=f".{name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(value, f, ensure_ascii=False)
            os.replace(tmp, d / f"{name}.json")
        except BaseException:
            os.unlink(tmp)
            raise
    except (OSError, TypeError, ValueError):
        pass
