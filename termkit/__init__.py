"""termkit: tag and expand the slogans and abbreviations of Chinese government documents.

>>> import termkit
>>> ann = termkit.Annotator(termkit.Glossary.from_keys(["三区三线"]))
>>> [(m.start, m.end, m.key) for m in ann.find("科学划定“三區三線”")]
[(5, 9, '三区三线')]
"""

from .glossary import Glossary, GlossaryError
from .glossary.model import Component, Context, GlossaryFile, Source, Term
from .match import Annotator, Mention
from .text.normalize import Normalization

__all__ = [
    "Annotator",
    "Component",
    "Context",
    "Glossary",
    "GlossaryError",
    "GlossaryFile",
    "Mention",
    "Normalization",
    "Source",
    "Term",
]
__version__ = "0.1.0"
