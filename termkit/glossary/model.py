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
:func:`term_from_json` checks their shape, types and field rules once more
(for data from elsewhere, such as a pickle); :func:`term_from_cache`, for
the cache's own bytes, verified by their hash, only builds.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import MISSING, dataclass, field, fields, is_dataclass
from enum import Enum
from functools import lru_cache
from typing import Annotated, Any, Optional, Union, get_args, get_origin, get_type_hints

from ..scope.resolve import clean_period
from ..text.chars import QUOTES


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

    def check(self, value) -> None:
        """The rule applied without pydantic, to a value that passed it before
        (termkit's cache): ValueError if it no longer holds, or ``after`` would change it."""
        c = self.constraints
        broken = c and (
            ("min_length" in c and len(value) < c["min_length"])
            or ("ge" in c and value < c["ge"])
            or ("pattern" in c and not re.search(c["pattern"], value))
        )
        if broken or (self.after is not None and self.after(value) != value):
            raise ValueError(f"{value!r:.40} breaks a rule of its field")

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
Period = Annotated[str, _Rule(clean_period)]

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
    items: tuple[NonEmpty, ...] = field(default_factory=tuple)
    components: tuple[Component, ...] = field(default_factory=tuple)
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

    An occurrence followed by one of ``not_followed_by``, or preceded by one
    of ``not_preceded_by``, never counts (周四上午 is not 四上). Otherwise,
    with no constraint set, every occurrence counts; else it counts when
    *any* of the set constraints holds:

    - ``quoted``: the occurrence stands between quotation marks of any style;
    - ``followed_by``: one of these strings follows it (breaks between allowed);
    - ``preceded_by``: one of these strings precedes it.

    So ``"12345"项目推进机制`` is the term, and ``12345 政务热线`` is not.
    """

    quoted: bool = False
    followed_by: tuple[NonEmpty, ...] = field(default_factory=tuple)
    preceded_by: tuple[NonEmpty, ...] = field(default_factory=tuple)
    not_followed_by: tuple[NonEmpty, ...] = field(default_factory=tuple)
    not_preceded_by: tuple[NonEmpty, ...] = field(default_factory=tuple)

    @property
    def constrained(self) -> bool:
        """Whether an occurrence must meet a constraint to count."""
        return self.quoted or bool(self.followed_by) or bool(self.preceded_by)

    @property
    def checked(self) -> bool:
        """Whether an occurrence is checked at all (a constraint or a veto)."""
        return self.constrained or bool(self.not_followed_by) or bool(self.not_preceded_by)


@dataclass(frozen=True, kw_only=True)
class Term(_Entry):
    """One glossary entry."""

    id: Annotated[str, _Rule(pattern=r"^[^\s]+$")]  #: stable and human-readable
    key: Key  #: the core surface form, clean: 4句话32字
    headword: NonEmpty  #: as the source writes it: “六九九六”工作机制
    aliases: tuple[Form, ...] = field(default_factory=tuple)  #: other forms that mean the same term
    variants: tuple[Form, ...] = field(default_factory=tuple)  #: known misprints or variant spellings (六九六六)
    kind: Kind
    definition: Definition = None  #: the source's own text, or null
    components: tuple[Component, ...] = field(default_factory=tuple)
    scope: NonEmpty  #: who coined it: national, 山西省, 长治市上党区
    period: Optional[Period] = None  #: the years this definition holds: 2021-2025, 2023-, -2020, 2023
    sources: Annotated[tuple[Source, ...], _Rule(min_length=1)]
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
    terms: tuple[Term, ...] = field(default_factory=tuple)


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


def term_from_json(data: Any) -> Term:
    """A Term from :func:`to_json` output, built without pydantic, for termkit's cache.

    The data must be exactly what :func:`to_json` writes for a valid term:
    every field present, of its type, keeping its field's rules, nothing to
    coerce. Anything else (a cache that parses but was not written so) is a
    ValueError, never a wrong term.

    >>> t = term_from_json({"id": "t/双碳", "key": "双碳", "headword": "双碳", "aliases": [], "variants": [],
    ...     "kind": "abbreviation", "definition": None, "components": [], "scope": "national", "period": None,
    ...     "sources": [{"document": "r.txt", "item": None, "line": 3, "note": None}], "en": None,
    ...     "context": {"quoted": False, "followed_by": [], "preceded_by": [], "not_followed_by": [],
    ...                 "not_preceded_by": []}})
    >>> t.kind, t.sources[0].line
    (<Kind.abbreviation: 'abbreviation'>, 3)
    >>> term_from_json({**to_json(t), "aliases": "碳达峰"})
    Traceback (most recent call last):
    ValueError: expected list, got '碳达峰'
    >>> term_from_json({**to_json(t), "key": ""})
    Traceback (most recent call last):
    ValueError: key is empty
    """
    try:
        with trusted():
            return _reader(Term)(data)
    except TypeError as e:  # e.g. an unhashable value where an enum's is expected
        raise ValueError(str(e)) from None



def term_from_cache(data: Any) -> Term:
    """A Term from :func:`to_json` output (with or without
    ``exclude_defaults``) that termkit wrote to its cache and has verified
    since by its hash (see :func:`termkit.cache.load_bytes`): built
    without checking each field once more, a third of the time of
    :func:`term_from_json`. Data of another shape raises KeyError,
    TypeError or ValueError.

    >>> t = term_from_json({"id": "t/双碳", "key": "双碳", "headword": "双碳", "aliases": [], "variants": [],
    ...     "kind": "abbreviation", "definition": None, "components": [], "scope": "national", "period": None,
    ...     "sources": [{"document": "r.txt", "item": None, "line": 3, "note": None}], "en": None,
    ...     "context": {"quoted": False, "followed_by": ["目标"], "preceded_by": [], "not_followed_by": [],
    ...                 "not_preceded_by": []}})
    >>> term_from_cache(to_json(t)) == term_from_cache(to_json(t, exclude_defaults=True)) == t
    True
    """
    return _builder(Term)(data)


def from_cache(cls: type, data: Any) -> Any:
    """An entry of type ``cls`` (a Context, a Source…) from :func:`to_json`
    output that termkit cached, as :func:`term_from_cache` builds a Term.

    >>> from_cache(Context, {"followed_by": ["目标"]}) == Context(followed_by=("目标",))
    True
    """
    return _builder(cls)(data)


@lru_cache(maxsize=None)
def _builder(tp) -> Any:
    """A function that builds a JSON value as type ``tp`` without checking
    it (see :func:`term_from_cache`); None where the value is kept as it is."""
    origin, args = get_origin(tp), get_args(tp)
    if origin is Annotated:
        return _builder(args[0])
    if origin is Union:  # Optional[X]
        inner = _builder(next(a for a in args if a is not type(None)))
        return None if inner is None else (lambda value: None if value is None else inner(value))
    if origin is tuple:  # tuple[X, ...], a JSON list
        inner = _builder(args[0])
        return tuple if inner is None else (lambda value: tuple(map(inner, value)))
    if is_dataclass(tp):
        new, set_dict = object.__new__, object.__setattr__

        def build(value):
            names, required, defaults, convert = _dataclass_plan(tp)
            keys = value.keys()
            if not required <= keys <= names:
                raise KeyError(f"{tp.__name__}: unknown or missing fields {sorted((keys - names) | (required - keys))}")
            fields = defaults | value   # (a default is one object, shared: entries are immutable)
            for name, b in convert:
                if name in value:
                    fields[name] = b(value[name])
            obj = new(tp)
            set_dict(obj, "__dict__", fields)
            return obj
        return build
    return None if _plain(tp) else tp  # an Enum: its value


@lru_cache(maxsize=None)
def _dataclass_plan(cls: type) -> tuple:
    """What :func:`_builder` needs of a dataclass: its fields' names, the
    required ones, the defaults, and the builders of fields not kept as read
    (made on first use: a Component holds Components)."""
    specs = _field_builders(cls)
    return (frozenset(name for name, _, _ in specs),
            frozenset(name for name, _, default in specs if default is MISSING),
            {name: default for name, _, default in specs if default is not MISSING},
            tuple((name, b) for name, b, _ in specs if b is not None))


@lru_cache(maxsize=None)
def _field_builders(cls: type) -> tuple:
    """Each field's name, builder and default (one object, shared: entries are immutable)."""
    hints = get_type_hints(cls, include_extras=True)
    return tuple((f.name, _builder(hints[f.name]), _default(f)) for f in fields(cls))


@lru_cache(maxsize=None)
def _reader(tp) -> Any:
    """A function that checks a JSON value as type ``tp`` and builds it (see
    :func:`term_from_json`). Plain types are checked inline: this runs at start-up."""
    origin, args = get_origin(tp), get_args(tp)
    if origin is Annotated:
        base, checks = args[0], tuple(rule.check for rule in args[1:])
        inner = None if _plain(base) else _reader(base)

        def read(value):
            if inner is not None:
                value = inner(value)
            elif type(value) is not base:
                raise _wrong(base, value)
            for check in checks:
                check(value)
            return value
    elif origin is Union:  # Optional[X]
        base = next(a for a in args if a is not type(None))
        inner = _reader(base)

        def read(value):
            return value if value is None or type(value) is base else inner(value)
    elif origin is tuple:  # tuple[X, ...], a JSON list
        base, inner = args[0], _reader(args[0])
        plain = _plain(base)

        def read(value):
            if type(value) is not list:
                raise _wrong(list, value)
            if plain and all(type(x) is base for x in value):
                return tuple(value)
            return tuple(inner(x) for x in value)
    elif is_dataclass(tp):
        new = object.__new__

        def read(value):
            readers = _field_readers(tp)  # looked up when called: a Component holds Components
            if type(value) is not dict or value.keys() != readers.keys():
                raise ValueError(f"expected the fields of {tp.__name__}, got {value!r:.60}")
            # what tp(**fields) makes inside trusted(), without the frozen __init__'s setattr per field
            obj = new(tp)
            obj.__dict__.update({name: r(value[name]) for name, r in readers.items()})
            obj._check()
            return obj
    elif _plain(tp):
        def read(value):
            if type(value) is not tp:
                raise _wrong(tp, value)
            return value
    else:  # an Enum
        read = tp
    return read


def _plain(tp) -> bool:
    return tp is str or tp is int or tp is bool


@lru_cache(maxsize=None)
def _field_readers(cls: type) -> dict:
    hints = get_type_hints(cls, include_extras=True)
    return {f.name: _reader(hints[f.name]) for f in fields(cls)}


def _wrong(tp: type, value: Any) -> ValueError:
    return ValueError(f"expected {tp.__name__}, got {value!r:.40}")


def json_schema() -> dict:
    """The JSON Schema of a glossary file, for editors that validate YAML."""
    schema = _adapter(GlossaryFile).json_schema()
    # pydantic leaves out the defaults made by a factory (an empty list): put them in.
    for cls in (GlossaryFile, Term, Component, Source, Context):
        properties = (schema if cls is GlossaryFile else schema["$defs"][cls.__name__])["properties"]
        for f in fields(cls):
            if f.default_factory is not MISSING:
                properties[f.name]["default"] = to_json(_default(f))
    # What a file may leave out of an entry (termkit.glossary.files.complete_entry
    # fills it in), and the bare keys and bare lists a file may hold.
    term = schema["$defs"]["Term"]
    term["required"] = ["key"]
    for name, default in FILLED_IN.items():
        term["properties"][name]["description"] = f"default: {default}"
    entry = {"anyOf": [{"$ref": "#/$defs/Term"}, {"type": "string", "description": "a bare key"}]}
    schema["properties"]["terms"]["items"] = entry
    defs = schema.pop("$defs")
    return {"$defs": defs, "title": schema["title"], "anyOf": [schema, {"type": "array", "items": entry}]}


#: What a glossary file may leave out of an entry, and what it becomes.
FILLED_IN = {
    "id": "<glossary>/<key>",
    "headword": "the key",
    "kind": "other",
    "scope": "unknown",
    "sources": "the file the entry stands in",
}


def _default(f):
    """A field's default value (MISSING if it has none), built without validating."""
    if f.default_factory is MISSING:
        return f.default
    with trusted():
        return f.default_factory()
