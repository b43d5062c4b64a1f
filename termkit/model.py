"""The glossary format, as pydantic models.

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
JSON Schema exported from these same models.
"""

from __future__ import annotations

import re
from enum import Enum
from typing import Annotated, Optional

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

# Quotation marks that may surround a term. A key never contains them: they
# are matched around it (see ``Context.quoted``) or skipped inside it.
QUOTES = "“”「」『』\"‘’'〝〞﹁﹂﹃﹄＂＇"

_PUNCT_ONLY = re.compile(r"^[\W_]+$")


class _Strict(BaseModel):
    # defer_build: validators are built on first validation, not at import,
    # which keeps start-up fast when the glossary comes from the cache.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


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


NonEmpty = Annotated[str, Field(min_length=1)]


class Component(_Strict):
    """A named part of a term, in the source's order, possibly with parts of its own.

    六九九六 has four components (六项制度, 九条铁规, 九化举措, 六项措施), each with its items;
    三区三线 has two (三区, 三线).
    """

    name: NonEmpty
    definition: Optional[str] = None
    items: list[NonEmpty] = []
    components: list["Component"] = []
    ref: Optional[str] = None  #: the id of another term this part stands for


class Source(_Strict):
    """Where an entry comes from."""

    document: NonEmpty  #: a seed file name, or the title of an official document
    item: Optional[str] = None  #: e.g. "名词解释 2", or the section
    line: Optional[int] = Field(default=None, ge=1)  #: 1-based line in the document
    note: Optional[str] = None  #: e.g. "standard official wording"


class Context(_Strict):
    """Constraints on where a key counts as a mention.

    With no constraint set, every occurrence counts. Otherwise an occurrence
    counts when *any* of the set constraints holds:

    - ``quoted``: the occurrence stands between quotation marks of any style;
    - ``followed_by``: one of these strings follows it (breaks between allowed);
    - ``preceded_by``: one of these strings precedes it.

    So ``"12345"项目推进机制`` is the term, and ``12345 政务热线`` is not.
    """

    quoted: bool = False
    followed_by: list[NonEmpty] = []
    preceded_by: list[NonEmpty] = []

    @property
    def constrained(self) -> bool:
        return self.quoted or bool(self.followed_by) or bool(self.preceded_by)


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


class Term(_Strict):
    """One glossary entry."""

    id: Annotated[str, Field(pattern=r"^[^\s]+$")]  #: stable and human-readable
    key: str  #: the core surface form, clean: 4句话32字
    headword: NonEmpty  #: as the source writes it: “六九九六”工作机制
    aliases: list[str] = []  #: other forms that mean the same term
    variants: list[str] = []  #: known misprints or variant spellings (六九六六)
    kind: Kind
    definition: Optional[str] = None  #: the source's own text, or null
    components: list[Component] = []
    scope: NonEmpty  #: who coined it: national, 山西省, 长治市上党区
    sources: list[Source] = Field(min_length=1)
    en: Optional[str] = None  #: an established English rendering
    context: Context = Context()

    @field_validator("key")
    @classmethod
    def _key(cls, v: str) -> str:
        return check_surface(v, "key")

    @field_validator("aliases", "variants")
    @classmethod
    def _forms(cls, v: list[str]) -> list[str]:
        return [check_surface(x, "alias or variant") for x in v]

    @field_validator("definition")
    @classmethod
    def _definition(cls, v: Optional[str]) -> Optional[str]:
        if v is not None and not v.strip():
            return None
        return v

    @model_validator(mode="after")
    def _distinct_forms(self) -> "Term":
        forms = [self.key, *self.aliases, *self.variants]
        seen = set()
        for f in forms:
            if f in seen:
                raise ValueError(f"form {f!r} is listed twice")
            seen.add(f)
        return self

    @property
    def forms(self) -> list[tuple[str, bool]]:
        """Every surface form to match, with whether it is a variant (misprint)."""
        return [(self.key, False)] + [(a, False) for a in self.aliases] + [
            (v, True) for v in self.variants
        ]


class GlossaryFile(_Strict):
    """The top level of one glossary file."""

    glossary: NonEmpty  #: a name for this file's collection
    version: NonEmpty = "1"
    description: Optional[str] = None
    terms: list[Term] = []


def term_from_json(data: dict) -> Term:
    """A Term from ``Term.model_dump(mode="json")`` output, *without* validation.

    Only for data that was validated when it was dumped (the cache).
    """

    def component(c: dict) -> Component:
        return Component.model_construct(**{**c, "components": [component(x) for x in c["components"]]})

    return Term.model_construct(
        **{
            **data,
            "kind": Kind(data["kind"]),
            "components": [component(c) for c in data["components"]],
            "sources": [Source.model_construct(**s) for s in data["sources"]],
            "context": Context.model_construct(**data["context"]),
        }
    )


def json_schema() -> dict:
    """The JSON Schema of a glossary file, for editors that validate YAML."""
    return GlossaryFile.model_json_schema()
