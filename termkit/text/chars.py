"""Character data: the quotation marks, full-width forms and character
classes that normalization, the glossary format, numerals and extraction
share. One table for each kind of character, here and only here."""

from __future__ import annotations

import re

# Quotation marks that may surround a term. A key never contains them: they
# are matched around it (see ``Context.quoted``) or skipped inside it.
QUOTES = "“”「」『』\"‘’'〝〞﹁﹂﹃﹄＂＇"

#: Every full-width form U+FF01..U+FF5E to its ASCII twin, punctuation too:
#: for reading numbers and numbering (１２．, （３）).
FULLWIDTH_TO_ASCII = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}

# Matching folds the same forms except the punctuation that Chinese text uses
# as its own (，：；！？（）［］｛｝ and the full-width quotes), which no key
# contains and which stays as it is.
FULLWIDTH_KEPT = "！＂＇（），：；？［］｛｝"
_WIDTH_TABLE = {c: a for c, a in FULLWIDTH_TO_ASCII.items() if chr(c) not in FULLWIDTH_KEPT}
_FULLWIDTH = re.compile("[" + "".join(re.escape(chr(c)) for c in _WIDTH_TABLE) + "]")


def fold_width(text: str) -> str:
    """Full-width letters, digits and signs to ASCII, one character for one.

    >>> fold_width("“１＋２＋１５”，ＧＤＰ")
    '“1+2+15”，GDP'
    """
    if not _FULLWIDTH.search(text):
        return text
    return text.translate(_WIDTH_TABLE)


#: Classifiers that may stand between a numeral and what it counts: 两个共同体.
CLASSIFIERS = "个张项条位套种类家所件批支名個張項條種類"
#: What may follow a numeral when a list states its total (三大工程 as well as 三种类型).
COUNT_SUFFIXES = CLASSIFIERS + "大"


def ascii_alnum(ch: str) -> bool:
    """Whether ``ch`` is an ASCII letter or digit (the boundary rule of keys)."""
    return ch.isascii() and ch.isalnum()


def is_quote(ch: str) -> bool:
    """Whether ``ch`` is one quotation mark ('' is not).

    >>> is_quote("“"), is_quote(""), is_quote("“”")
    (True, False, False)
    """
    return len(ch) == 1 and ch in QUOTES
