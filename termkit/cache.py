"""A small on-disk cache of compiled glossary data, so that start-up stays fast.

What is cached is plain JSON — validated terms, the Traditional spellings of
their forms, a compiled Annotator's tables — and the automaton its engine
wrote as bytes of its own format, never a pickle or anything else that
carries code. Entries
are named by a hash of everything they were computed from, so a changed
glossary, termkit or OpenCC version simply misses; and each holds a hash of
the code that computed it (:func:`code_version`), so an entry written by other
code — a changed validation rule — misses too, and is overwritten. A binary
entry (:func:`store_bytes`: the glossary, a compiled Annotator) also holds the
BLAKE2b hash of its data, and one that does not match it is a miss; what is read
back is then checked by its reader for its shape, and anything unexpected is a
miss as well.

The cache lives in ``$TERMKIT_CACHE_DIR``, else ``$XDG_CACHE_HOME/termkit``,
else ``~/.cache/termkit``. It is created private (mode 0700); a directory or
file that belongs to another user, or that others may write to, is never
read. ``TERMKIT_NO_CACHE=1`` switches the cache off. Any failure to read or
write it is silent: the data is then computed as if there were no cache.
"""

from __future__ import annotations

import json
import os
import stat
from functools import lru_cache
from typing import Any, Callable, Optional

# BLAKE2b from CPython's own module: hashlib would load OpenSSL first (2 ms at
# every start), and on the few hundred kB a start hashes it is twice as fast as
# CPython's SHA-256.
try:
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - a Python built without it (the same hash)
    from hashlib import blake2b

#: The modules whose code decides what is cached (how a glossary file is read
#: and validated, in any format, what a term holds, the Traditional spellings,
#: the normalization steps, which scopes apply everywhere, this format).
CODE = ("cache.py", "glossary/model.py", "glossary/files.py", "glossary/checks.py", "glossary/collection.py",
        "glossary/interchange.py", "text/chars.py", "text/normalize.py", "text/traditional.py", "match/annotator.py",
        "match/engine.py", "scope/resolve.py", "scope/places.py")


def cache_dir() -> Optional[str]:
    """The folder of the cache, or None where nothing is cached."""
    if os.environ.get("TERMKIT_NO_CACHE") or code_version() is None:
        return None
    explicit = os.environ.get("TERMKIT_CACHE_DIR")
    if explicit:
        return explicit
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "termkit")


def digest(*parts: bytes | str) -> str:
    """A hash of the parts, each length-prefixed so that boundaries count."""
    h = blake2b(digest_size=16)
    for p in parts:
        b = p.encode("utf-8") if isinstance(p, str) else p
        h.update(len(b).to_bytes(8, "little"))
        h.update(b)
    return h.hexdigest()


@lru_cache(maxsize=None)
def code_version() -> Optional[str]:
    """A hash of the :data:`CODE` files' bytes (about 60 kB: well under a
    millisecond), or None when they cannot be read: then nothing is cached."""
    here = os.path.dirname(os.path.abspath(__file__))
    try:
        return digest(*(_read_file(os.path.join(here, name)) for name in CODE))
    except OSError:
        return None


def _read_file(path: str) -> bytes:
    with open(path, "rb") as f:
        return f.read()


def _private(st: os.stat_result) -> bool:
    owner_ok = not hasattr(os, "getuid") or st.st_uid == os.getuid()
    return owner_ok and not (st.st_mode & (stat.S_IWGRP | stat.S_IWOTH))


def load(name: str, valid: Optional[Callable[[Any], bool]] = None) -> Optional[Any]:
    """The cached JSON value called ``name``, or None: None too when it was
    stored by other code, or when ``valid`` (if given) does not accept it."""
    data = _read(f"{name}.json")
    try:
        entry = None if data is None else json.loads(data)
    except (ValueError, RecursionError):
        return None
    if type(entry) is not dict or entry.keys() != {"code", "value"} or entry["code"] != code_version():
        return None
    value = entry["value"]
    return value if valid is None or valid(value) else None


def _read(filename: str) -> Optional[bytes]:
    """The bytes of a private regular file of the cache, or None."""
    d = cache_dir()
    if d is None:
        return None
    try:
        if not _private(os.stat(d)):
            return None
        # Non-blocking, and only a regular file: a FIFO or /dev/zero put there would hang the start.
        with open(os.open(os.path.join(d, filename), os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)), "rb") as f:
            st = os.fstat(f.fileno())
            if not (stat.S_ISREG(st.st_mode) and _private(st)):
                return None
            return f.read()
    except OSError:
        return None


def _header(parts: tuple) -> bytes:
    """What a binary entry holds before its data (the parts, joined): magic,
    code version, and the data's hash, as :func:`digest` of it would be
    (hashed part by part: a compiled automaton is not copied to be joined)."""
    h = blake2b(digest_size=16)
    h.update(sum(map(len, parts)).to_bytes(8, "little"))
    for p in parts:
        h.update(p)
    return b"termkit-cache\n" + f"{code_version()}\n{h.hexdigest()}\n".encode()


def load_bytes(name: str) -> Optional[memoryview]:
    """The bytes stored as ``name`` by :func:`store_bytes` (a view of the
    file's bytes, not a copy: a compiled automaton runs to tens of MB), or
    None: None too when they were stored by other code or do not match their
    hash."""
    data = _read(f"{name}.bin")
    if data is None:
        return None
    ends = [-1]
    for _ in range(3):
        ends.append(data.find(b"\n", ends[-1] + 1))
        if ends[-1] < 0:
            return None
    magic, code, hashed = (data[a + 1 : b] for a, b in zip(ends, ends[1:]))
    if magic != b"termkit-cache" or code != str(code_version()).encode():
        return None
    body = memoryview(data)[ends[-1] + 1 :]
    return body if hashed == digest(body).encode() else None


def is_table(value: Any, keys: list[str]) -> bool:
    """Whether ``value`` maps exactly ``keys`` to lists of non-empty strings
    (the shape of the Traditional spellings), for :func:`load`'s ``valid``.

    >>> is_table({"两个": ["兩個"], "十四五": []}, ["十四五", "两个"])
    True
    >>> is_table({"两个": "兩個", "十四五": []}, ["十四五", "两个"])
    False
    """
    return (
        type(value) is dict
        and value.keys() == set(keys)
        and all(type(v) is list and all(type(s) is str and s for s in v) for v in value.values())
    )


def store(name: str, value: Any) -> None:
    """Cache ``value`` (JSON-serialisable) as ``name``; failures are ignored."""
    try:
        data = json.dumps({"code": code_version(), "value": value}, ensure_ascii=False).encode("utf-8")
    except (TypeError, ValueError):
        return
    _write(f"{name}.json", data)


def store_bytes(name: str, *parts: bytes) -> None:
    """Cache the data ``parts`` make, one after another, as ``name`` (see
    :func:`load_bytes`); failures are ignored."""
    _write(f"{name}.bin", _header(parts), *parts)


def _write(filename: str, *chunks: bytes) -> None:
    """Write a cache file of these chunks atomically; failures are ignored."""
    import tempfile  # only when writing: keeps start-up lean

    d = cache_dir()
    if d is None:
        return
    try:
        os.makedirs(d, mode=0o700, exist_ok=True)
        if not _private(os.stat(d)):
            return
        fd, tmp = tempfile.mkstemp(dir=d, prefix=f".{filename}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                for chunk in chunks:
                    f.write(chunk)
            os.replace(tmp, os.path.join(d, filename))
        except BaseException:
            os.unlink(tmp)
            raise
    except (OSError, TypeError, ValueError):
        pass
