"""Reading glossary files: the one YAML loader they go through (no anchors,
aliases or repeated keys), validation into the model with errors that name
the file and the entry, and where the bundled glossary lives."""

from __future__ import annotations

import os
from functools import lru_cache
from typing import TYPE_CHECKING

from .model import GlossaryFile, validate

if TYPE_CHECKING:
    from pathlib import Path


class GlossaryError(ValueError):
    """A glossary file or a set of terms is not valid. The message is one readable paragraph."""


def bundled_dir() -> Path:
    """The folder of the bundled glossary files (installed package data, or the source tree)."""
    from pathlib import Path

    return Path(_bundled_dir())


def bundled_files() -> list[Path]:
    """The bundled glossary files, in order."""
    from pathlib import Path

    return [Path(p) for p in bundled_paths()]


def _bundled_dir() -> str:
    # Installed, the files are package data beside this package; in the source
    # tree, the repository's glossaries/ folder. (No importlib.resources or
    # pathlib here: this runs at every start.)
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    installed = os.path.join(package, "glossaries")
    return installed if os.path.isdir(installed) else os.path.join(os.path.dirname(os.path.realpath(package)), "glossaries")


def bundled_paths() -> list[str]:
    """The bundled glossary files as paths (str), in the order of their names."""
    folder = _bundled_dir()
    return sorted(os.path.join(folder, name) for name in os.listdir(folder) if name.endswith(".yaml"))


def _stem(path: str | Path) -> str:
    """A file name without its last extension (``Path(path).stem``)."""
    name = os.path.basename(os.fspath(path))
    i = name.rfind(".")
    return name[:i] if 0 < i < len(name) - 1 else name


def _describe_entry(data: object, index: int) -> str:
    if isinstance(data, dict):
        terms = data.get("terms")
        if isinstance(terms, list) and index < len(terms) and isinstance(terms[index], dict):
            term = terms[index]
            label = term.get("id") or term.get("key")
            if label:
                return f"term {index + 1} ({label})"
    return f"term {index + 1}"


def _format_validation(path: str, data: object, err) -> str:
    problems = []
    for e in err.errors():
        loc = list(e["loc"])
        where = ""
        if len(loc) >= 2 and loc[0] == "terms" and isinstance(loc[1], int):
            where = _describe_entry(data, loc[1])
            loc = loc[2:]
        field = ".".join(str(x) for x in loc)
        msg = e["msg"].removeprefix("Value error, ")
        if e["type"] in ("extra_forbidden", "unexpected_keyword_argument"):
            msg = "unknown field"
        elif e["type"] == "missing":
            msg = "missing required field"
        parts = [p for p in (where, field) if p]
        problems.append(f"{', '.join(parts) or 'top level'}: {msg}")
    shown = problems[:5]
    more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
    return f"{path}: " + "; ".join(shown) + more


def read_file(path: str | Path) -> GlossaryFile:
    """Read and validate one glossary file (YAML or JSON). Raises :class:`GlossaryError`."""
    return parse_file(str(path), _read_bytes(str(path)))


#: A glossary file larger than this is refused (100,000 terms take about 15 MB).
MAX_BYTES = 64 * 2**20


def _read_bytes(path: str) -> bytes:
    try:
        with open(path, "rb") as f:
            raw = f.read(MAX_BYTES + 1)  # not all of /dev/zero
    except OSError as e:
        raise GlossaryError(f"{path}: cannot read glossary: {e.strerror or e}") from None
    if len(raw) > MAX_BYTES:
        raise GlossaryError(f"{path}: larger than {MAX_BYTES // 2**20} MB: not a glossary file")
    return raw


def parse_file(path: str, raw: bytes) -> GlossaryFile:
    r"""Validate the bytes of a glossary file; ``path`` names it in errors.

    YAML anchors and aliases, and a key given twice in one mapping, are errors:

    >>> parse_file("g.yaml", b"glossary: g\nterms: &t []\nx: *t\n")
    Traceback (most recent call last):
    termkit.glossary.files.GlossaryError: g.yaml: YAML anchor &t at line 2, column 8: glossary files do not allow anchors and aliases
    >>> parse_file("g.yaml", b"glossary: g\nterms: []\nglossary: h\n")
    Traceback (most recent call last):
    termkit.glossary.files.GlossaryError: g.yaml: duplicate key 'glossary' at line 3, column 1 (first at line 1)
    """
    import yaml

    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise GlossaryError(f"{path}: not UTF-8 text (byte {e.start}); save the glossary as UTF-8") from None
    loader = _loader()
    try:
        data = yaml.load(text, Loader=loader)
    except _Refused as e:
        raise GlossaryError(f"{path}: {e}") from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(e, "problem", None) or str(e).splitlines()[0]
        raise GlossaryError(f"{path}: malformed YAML{where}: {problem}") from None
    except RecursionError:
        raise GlossaryError(f"{path}: the YAML is nested too deeply") from None
    except ValueError as e:  # a value PyYAML cannot build, such as an integer of 5,000 digits
        raise GlossaryError(f"{path}: malformed YAML: {str(e).splitlines()[0]}") from None
    if isinstance(data, list):  # a bare list of entries or keys
        data = {"glossary": _stem(path), "terms": data}
    if not isinstance(data, dict):
        raise GlossaryError(f"{path}: a glossary file must be a mapping with 'glossary' and 'terms', or a list")
    if isinstance(data.get("terms"), list):
        name = data.get("glossary") if isinstance(data.get("glossary"), str) else _stem(path)
        data["terms"] = [complete_entry(t, name, os.path.basename(path)) for t in data["terms"]]
    return _validated(path, data)


def _validated(path: str, data: dict) -> GlossaryFile:
    from pydantic import ValidationError

    try:
        return validate(GlossaryFile, data)
    except ValidationError as e:
        raise GlossaryError(_format_validation(path, data, e)) from None


def complete_entry(entry: object, glossary: str, document: str, line: int | None = None) -> object:
    """A glossary entry with what a minimal one leaves out filled in. Only
    ``key`` is needed (a bare string is a key); the rest defaults to ``id``
    ``<glossary>/<key>``, ``headword`` the key, ``kind`` other, ``scope``
    unknown, and ``sources`` the file it stands in. Anything that is not an
    entry is returned as it is, for validation to name.

    >>> complete_entry({"key": "双碳", "definition": "碳达峰、碳中和"}, "mine", "my.yaml")["id"]
    'mine/双碳'
    >>> complete_entry("双碳", "mine", "my.txt", 3)["sources"]
    [{'document': 'my.txt', 'line': 3}]
    """
    if isinstance(entry, str):
        entry = {"key": entry}
    if not isinstance(entry, dict) or not isinstance(entry.get("key"), str):
        return entry
    source = {"document": document, **({"line": line} if line else {})}
    defaults = {"id": f"{glossary}/{entry['key']}", "headword": entry["key"], "kind": "other", "scope": "unknown",
                "sources": [source]}
    entry = {**defaults, **entry}
    if type(entry.get("period")) is int:  # period: 2023 in YAML is a number
        entry["period"] = str(entry["period"])
    return entry


def read_terms_list(path: str | Path) -> GlossaryFile:
    r"""Read a plain list of terms (``--terms``): one a line, optionally
    followed by a tab and its definition; blank lines and lines starting
    with ``#`` are skipped. Raises :class:`GlossaryError`.

    >>> import tempfile, os
    >>> with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as f:
    ...     _ = f.write("# mine\n双碳\t碳达峰、碳中和\n“两个维护”\n")
    >>> [(t.key, t.definition) for t in read_terms_list(f.name).terms]
    [('双碳', '碳达峰、碳中和'), ('两个维护', None)]
    >>> os.unlink(f.name)
    """
    from ..text.chars import QUOTES

    path = str(path)
    try:
        text = _read_bytes(path).decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise GlossaryError(f"{path}: not UTF-8 text (byte {e.start}); save the list as UTF-8") from None
    name, terms = _stem(path), []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, _, definition = line.partition("\t")
        entry = {"key": "".join(key.split()).strip(QUOTES), "definition": definition.strip() or None}
        terms.append(complete_entry(entry, name, os.path.basename(path), n))
    return _validated(path, {"glossary": name, "terms": terms})


class _Refused(Exception):
    """YAML that glossary files do not allow (an anchor, a repeated key); the message says where."""


@lru_cache(maxsize=None)
def _loader():
    """PyYAML's safe loader, refusing anchors, aliases and repeated keys.

    An alias repeats a whole subtree without repeating its text, so a few
    hundred bytes of nested aliases (a "billion laughs") would stand for
    billions of entries; glossary files have no need for them, and they are
    refused as the document is composed, before anything is expanded. A key
    given twice in a mapping would silently lose the first value. The events
    come from the C parser; composing them in Python costs little.
    """
    from yaml import AliasEvent, SafeLoader
    from yaml.composer import Composer
    from yaml.constructor import SafeConstructor
    from yaml.resolver import Resolver

    try:
        from yaml._yaml import CParser  # libyaml's parser, as CSafeLoader uses

        class Base(Composer, CParser, SafeConstructor, Resolver):
            def __init__(self, stream):
                CParser.__init__(self, stream)
                Composer.__init__(self)
                SafeConstructor.__init__(self)
                Resolver.__init__(self)
    except ImportError:  # pragma: no cover - PyYAML built without libyaml
        Base = SafeLoader

    class Loader(Base):
        def compose_node(self, parent, index):
            event = self.peek_event()
            if event.anchor is not None:
                what = "alias *" if isinstance(event, AliasEvent) else "anchor &"
                raise _Refused(f"YAML {what}{event.anchor} at {_at(event.start_mark)}: "
                               "glossary files do not allow anchors and aliases")
            return super().compose_node(parent, index)

        def construct_mapping(self, node, deep=False):
            mapping = super().construct_mapping(node, deep=deep)
            if len(mapping) < len(node.value):  # a key came twice: find it
                first = {}
                for key_node, _ in node.value:
                    key = self.construct_object(key_node)
                    if key in first:
                        raise _Refused(f"duplicate key {key!r} at {_at(key_node.start_mark)} "
                                       f"(first at line {first[key].line + 1})")
                    first[key] = key_node.start_mark
            return mapping

    return Loader


def _at(mark) -> str:
    return f"line {mark.line + 1}, column {mark.column + 1}"
