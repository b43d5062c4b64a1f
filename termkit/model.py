"""The glossary format: frozen dataclasses, validated by pydantic.

A glossary file is YAML (or JSON) with this shape::

    glossary: shangdang-2023          # a name for the file
    version: "1"
    description: ...
    terms:
      - id: shangdang/六九九六
        key: 六九九六
        headword: "“六九九六”工作机制"
        kind: mechanism
        definition: null
        components:
          - name: 六项制度
            items: [...]
        scope: 长治市上党区
        sources:
          - document: shangdang-2023-06-government-work-report.txt
            item: "名词解释 2"
            line: 174

Unknown fields are rejected everywhere, so a typo in a hand-edited file is an
error, not a silently ignored field. ``termkit glossary schema`` prints the
JSON Schema exported from these same classes.

The classes are plain frozen dataclasses, and pydantic is imported only when
something is validated: constructing an entry (``Term(...)`` validates its
values and raises ``pydantic.ValidationError``, as a pydantic model would;
an unknown or missing argument is a ``TypeError``, as for any class), or
reading a glossary file. Entries read back from termkit's own cache,
validated when they were stored, are built without it: start-up stays fast.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import MISSING, dataclass, field, fields, is_dataclass
from enum import Enum
from functools import lru_cache
from typing import Annotated, Any, Optional

# Quotation marks that may surround a term. A key never contains them: they
# are matched around it (see ``Context.quoted``) or skipped inside it.
QUOTES = "“”「」『』\"‘’'〝〞﹁﹂﹃﹄＂＇"

_PUNCT_ONLY = re.compile(r"^[\W_]+$")


def check_surface(value: str, what: str) -> str:
    """A key, alias or variant as it must be: clean, unquoted, not only punctuation."""
    if not value.strip():
        raise ValueError(f"{what} is empty")
    if value != value.strip() or any(c.isspace() for c in value):
        raise ValueError(f"{what} {value!r} contains whitespace; store it clean")
    if any(c in QUOTES for c in value):
        raise ValueError(f"{what} {value!r} contains quotation marks; store the bare form")
    if _PUNCT_ONLY.match(value):
        raise ValueError(f"{what} {value!r} is only punctuation")
    if any("\ud800" <= c <= "\udfff" or c in "\x00\ufffd" for c in value):
        # (U+FFFD marks a character lost in decoding; termkit reads lone surrogates as it)
        raise ValueError(f"{what} {value!r} contains a NUL, a lone surrogate or U+FFFD")
    return value


def _blank_to_none(value: Optional[str]) -> Optional[str]:
    return None if value is not None and not value.strip() else value


class _Rule:
    """A constraint on a field, for pydantic, written without importing it:
    pydantic calls ``__get_pydantic_core_schema__`` when it builds a validator,
    and a core schema is a plain dict. ``constraints`` go into the field's
    schema (``min_length=1``); ``after`` checks or cleans the value after that."""

    def __init__(self, after=None, **constraints):
        self.after, self.constraints = after, constraints

    def __get_pydantic_core_schema__(self, source, handler):
        schema = {**handler(source), **self.constraints}
        if self.after is not None:
            schema = {"type": "function-after", "function": {"type": "no-info", "function": self.after},
                      "schema": schema}
        return schema


NonEmpty = Annotated[str, _Rule(min_length=1)]
Key = Annotated[str, _Rule(lambda v: check_surface(v, "key"))]
Form = Annotated[str, _Rule(lambda v: check_surface(v, "alias or variant"))]
Definition = Annotated[Optional[str], _Rule(_blank_to_none)]

# Set while pydantic validates, and while termkit builds entries it knows are
# valid (its cache, ad-hoc keys): construction then skips validation.
_VALID = ContextVar("termkit_valid", default=False)


@contextmanager
def trusted():
    """Build entries without validating them, inside this block: only for data
    known to be valid (termkit's cache, already-checked ad-hoc keys)."""
    token = _VALID.set(True)
    try:
        yield
    finally:
        _VALID.reset(token)


class _Entry:
    """What every class of the format shares: unknown fields are rejected, and
    constructing one validates it (see the module's docstring)."""

    __pydantic_config__ = {"extra": "forbid"}

    def __post_init__(self) -> None:
        if _VALID.get():
            self._check()
            return
        with trusted():  # pydantic's own instances skip this branch
            valid = _adapter(type(self)).validate_python({f.name: getattr(self, f.name) for f in fields(self)})
        for f in fields(self):
            object.__setattr__(self, f.name, getattr(valid, f.name))

    def _check(self) -> None:
        """Checks across fields, run on every construction."""


@lru_cache(maxsize=None)
def _adapter(cls):
    from pydantic import TypeAdapter

    return TypeAdapter(cls)


class Kind(str, Enum):
    """What sort of term an entry is."""

    numeric_slogan = "numeric-slogan"  #: 六九九六, 三区三线, 1+2+15, 两个维护
    abbreviation = "abbreviation"  #: 清化收, 双碳, 四风
    programme = "programme"  #: a named campaign, project or action: 鸿雁归巢
    mechanism = "mechanism"  #: a named working mechanism or system
    formulation = "formulation"  #: a fixed political formulation: 枫桥经验
    plan = "plan"  #: a plan period or named plan: 十四五
    institution = "institution"  #: a named body or place: 区实验中学
    other = "other"


@dataclass(frozen=True, kw_only=True)
class Component(_Entry):
    """A named part of a term, in the source's order, possibly with parts of its own.

    六九九六 has four components (六项制度, 九条铁规, 九化举措, 六项措施), each with its items;
    三区三线 has two (三区, 三线).
    """

    name: NonEmpty
    definition: Optional[str] = None
    items: list[NonEmpty] = field(default_factory=list)
    components: list[Component] = field(default_factory=list)
    ref: Optional[str] = None  #: the id of another term this part stands for


@dataclass(frozen=True, kw_only=True)
class Source(_Entry):
    """Where an entry comes from."""

    document: NonEmpty  #: a seed file name, or the title of an official document
    item: Optional[str] = None  #: e.g. "名词解释 2", or the section
    line: Optional[Annotated[int, _Rule(ge=1)]] = None  #: 1-based line in the document
    note: Optional[str] = None  #: e.g. "standard official wording"


@dataclass(frozen=True, kw_only=True)
class Context(_Entry):
    """Constraints on where a key counts as a mention.

    With no constraint set, every occurrence counts. Otherwise an occurrence
    counts when *any* of the set constraints holds:

    - ``quoted``: the occurrence stands between quotation marks of any style;
    - ``followed_by``: one of these strings follows it (breaks between allowed);
    - ``preceded_by``: one of these strings precedes it.

    So ``"12345"项目推进机制`` is the term, and ``12345 政务热线`` is not.
    """

    quoted: bool = False
    followed_by: list[NonEmpty] = field(default_factory=list)
    preceded_by: list[NonEmpty] = field(default_factory=list)

    @property
    def constrained(self) -> bool:
        return self.quoted or bool(self.followed_by) or bool(self.preceded_by)


@dataclass(frozen=True, kw_only=True)
class Term(_Entry):
    """One glossary entry."""

    id: Annotated[str, _Rule(pattern=r"^[^\s]+$")]  #: stable and human-readable
    key: Key  #: the core surface form, clean: 4句话32字
    headword: NonEmpty  #: as the source writes it: “六九九六”工作机制
    aliases: list[Form] = field(default_factory=list)  #: other forms that mean the same term
    variants: list[Form] = field(default_factory=list)  #: known misprints or variant spellings (六九六六)
    kind: Kind
    definition: Definition = None  #: the source's own text, or null
    components: list[Component] = field(default_factory=list)
    scope: NonEmpty  #: who coined it: national, 山西省, 长治市上党区
    sources: Annotated[list[Source], _Rule(min_length=1)]
    en: Optional[str] = None  #: an established English rendering
    context: Context = field(default_factory=Context)

    def _check(self) -> None:
        seen = set()
        for f in [self.key, *self.aliases, *self.variants]:
            if f in seen:
                raise ValueError(f"form {f!r} is listed twice")
            seen.add(f)

    @property
    def forms(self) -> list[tuple[str, bool]]:
        """Every surface form to match, with whether it is a variant (misprint)."""
        return [(self.key, False)] + [(a, False) for a in self.aliases] + [
            (v, True) for v in self.variants
        ]


@dataclass(frozen=True, kw_only=True)
class GlossaryFile(_Entry):
    """The top level of one glossary file."""

    glossary: NonEmpty  #: a name for this file's collection
    version: NonEmpty = "1"
    description: Optional[str] = None
    terms: list[Term] = field(default_factory=list)


def validate(cls: type, data: Any):
    """``data`` (parsed YAML or JSON) validated as ``cls``: a GlossaryFile,
    Term, ... Raises ``pydantic.ValidationError``."""
    with trusted():
        return _adapter(cls).validate_python(data)


def to_json(obj: Any, *, exclude_defaults: bool = False) -> Any:
    """An entry (or a list of them) as plain JSON data; with
    ``exclude_defaults``, fields holding their default value are left out."""
    if is_dataclass(obj):
        out = {}
        for f in fields(obj):
            value = getattr(obj, f.name)
            if exclude_defaults and value == _default(f):
                continue
            out[f.name] = to_json(value, exclude_defaults=exclude_defaults)
        return out
    if isinstance(obj, Enum):
        return obj.value
    if isinstance(obj, (list, tuple)):
        return [to_json(x, exclude_defaults=exclude_defaults) for x in obj]
    return obj


def term_from_json(data: dict) -> Term:
    """A Term from :func:`to_json` output, *without* validation.

    Only for data that was validated when it was dumped (the cache).
    """

    def component(c: dict) -> Component:
        return Component(**{**c, "components": [component(x) for x in c["components"]]})

    with trusted():
        return Term(
            **{
                **data,
                "kind": Kind(data["kind"]),
                "components": [component(c) for c in data["components"]],
                "sources": [Source(**s) for s in data["sources"]],
                "context": Context(**data["context"]),
            }
        )


def json_schema() -> dict:
    """The JSON Schema of a glossary file, for editors that validate YAML."""
    schema = _adapter(GlossaryFile).json_schema()
    # pydantic leaves out the defaults made by a factory (an empty list): put them in.
    for cls in (GlossaryFile, Term, Component, Source, Context):
        properties = (schema if cls is GlossaryFile else schema["$defs"][cls.__name__])["properties"]
        for f in fields(cls):
            if f.default_factory is not MISSING:
                properties[f.name]["default"] = to_json(_default(f))
    return schema


def _default(f):
    """A field's default value (MISSING if it has none), built without validating."""
    if f.default_factory is MISSING:
        return f.default
    with trusted():
        return f.default_factory()
