"""Reading input files and writing output files safely.

Reading: :func:`read_document`
------------------------------
The raw bytes of a file (or of binary stdin for ``-``) are decoded by these
rules, in order (one routine, ``_detect``, for whole files and streams):

1. **A byte-order mark decides.** ``EF BB BF`` is UTF-8, ``FF FE 00 00`` /
   ``00 00 FE FF`` are UTF-32 LE/BE, ``FF FE`` / ``FE FF`` are UTF-16 LE/BE.
   The rest of the file must then decode strictly in that encoding.
2. **Strict UTF-8** if the whole file decodes as UTF-8, unless the file is
   mostly control bytes (then it is binary; stray NULs in text are kept), or
   rule 3 applies.
3. **Short GBK or Big5 that happens to be valid UTF-8.** UTF-8 takes three
   bytes for a Han character; a GBK or Big5 pair can pass for a two-byte
   UTF-8 sequence (U+0080 to U+07FF: Latin-1, IPA, combining marks, Greek,
   Cyrillic...), and now and then two pairs for a three-byte one and ASCII.
   So a file under :data:`SHORT_TEXT` (256) bytes that is valid UTF-8 but
   does not read as Chinese in it (no character from U+0800 on, or a
   :func:`plausibility` under 0.75) is read as gb18030 (or else big5) if that
   gives only common Han characters besides ASCII while the UTF-8 reading is
   not alphabetic text either (outside ASCII only Latin-1 signs and everyday
   letters of one script, and two such letters or more, or an ASCII letter
   or digit). GBK ``双碳`` (valid UTF-8 ``˫̼``) reads as 双碳; ``café``,
   ``και`` and ``25°C`` stay UTF-8. Either way the encoding is a guess and
   gets a warning.
4. **Binary**: a file that is not UTF-8 and has a NUL byte, or is more than a
   quarter control bytes, "looks like a binary file, not text".
5. **Chinese legacy encodings**: of ``gb18030`` (a superset of GBK and
   GB2312, so it reads all three) and ``big5``, those that decode the start
   of the file are ranked by how Chinese their reading is
   (:func:`plausibility` of its first 4000 characters: the share of common
   Han characters and punctuation among the non-ASCII ones), gb18030 on a
   tie. The first that decodes the whole file strictly is chosen; if none
   does, the file is rejected, naming the byte where UTF-8 failed.

UTF-16 and UTF-32 files are recognised only by their BOM. ``encoding=``
(the CLI's ``--encoding``) skips detection: the file is decoded strictly in
that encoding (a BOM of that same encoding is still stripped; ``utf-16`` or
``utf-32`` without a BOM means little-endian) and the first undecodable byte
is reported by offset.

Every problem is an :class:`InputError` whose message is one line naming the
file: ``a.txt: cannot decode as gbk at byte 1234 (use --encoding or fix the
file)``.

Warnings
--------
A detected encoding that may be wrong is not an error: the file is decoded,
and ``Document.warning`` (``TextStream.warning``) holds one line naming it,
for the caller to show (the CLI prints it on stderr). Otherwise it is None:
always for ``encoding=``, a BOM, ASCII and UTF-8 text (but rule 3).

* ``a.txt: decoded as gb18030 but it does not read as Chinese (Japanese or
  Korean?); give --encoding``: the reading's :func:`plausibility` is under
  :data:`MIN_PLAUSIBILITY` (0.75), or, given :data:`SURE_HAN` (20) Han
  characters or more, charset-normalizer finds that ``shift_jis``,
  ``euc_jp`` or ``cp949`` (EUC-KR) reads better (then the words in
  parentheses). termkit still decodes only as the rules above say.
* ``a.txt: the encoding is a guess (gb18030, from only 6 bytes); check it or
  give --encoding``: rule 3 decided, or a legacy encoding was chosen from
  fewer than 20 Han characters or with the other one scoring within
  :data:`CLOSE_SCORE` (0.2) of it.

Offsets
-------
``Document.text`` is the decoded text **without the BOM and without newline
translation**: a CRLF line end stays ``"\\r\\n"`` (two code points) and a lone
``"\\r"`` stays ``"\\r"``. So code-point offsets (what termkit reports by
default) index ``Document.text`` exactly, and offset 0 is the first character
after the BOM. :func:`byte_offsets` converts them to byte offsets into the raw
file, which *do* count the BOM: ``raw[b0:b1].decode(doc.encoding) ==
doc.text[s:e]``.

Writing: :func:`atomic_write`
-----------------------------
Output goes to a temporary file in the target's directory, which is renamed
over the target only when writing succeeded; on any error the temporary file
is removed and an existing target is left byte-identical. termkit refuses to
write over one of its own inputs.

Streaming: :class:`TextStream`
------------------------------
A large file is decoded block by block, its encoding (and warning) decided
from its first MiB by the same routine; see its docstring.
"""

from __future__ import annotations

import codecs
import contextlib
import errno
import io
import os
import re
import stat
import sys
import unicodedata
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache
from typing import IO, Iterable, Iterator, Optional, Sequence

#: BOMs in the order they must be tested (UTF-32 LE starts like UTF-16 LE).
BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

#: The legacy encodings termkit detects, preferred in this order on a tie.
LEGACY_ENCODINGS = ("gb18030", "big5")

#: Encodings charset-normalizer is asked about for the warning only: termkit
#: never decodes in them unless told (cp949 reads all of EUC-KR).
OTHER_CJK_ENCODINGS = ("shift_jis", "euc_jp", "cp949")

#: A file of fewer bytes is short: its encoding may be a guess, and one that
#: is valid UTF-8 may still be GB18030 or Big5 (rule 3 of the module docstring).
SHORT_TEXT = 256

#: How many bytes (and then characters) of a text the measures look at.
SCORE_BYTES = 16384
SCORE_CHARS = 4000

#: With fewer Han characters than this, a legacy encoding is a guess.
SURE_HAN = 20

#: A runner-up scoring within this of the chosen reading makes it a guess.
CLOSE_SCORE = 0.2

#: A reading scoring below this (see :func:`plausibility`) is not Chinese.
MIN_PLAUSIBILITY = 0.75

#: How many bytes charset-normalizer sees when asked about Japanese and Korean.
OTHER_CJK_BYTES = 1 << 16

#: How much less "chaos" a Japanese or Korean reading in which it recognises
#: no language must have for charset-normalizer's preference to count.
OTHER_CJK_CHAOS = 0.15

#: Control bytes that do not occur in text (tab, LF, VT, FF, CR and ESC do).
_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\v\f\r\x1b") + b"\x7f"

#: A file with a larger share of control bytes is binary.
MAX_CONTROL_SHARE = 0.25


class InputError(Exception):
    """A file that cannot be read or written; ``str()`` is one line:
    ``"<file>: <problem>"``."""


@dataclass(frozen=True)
class Document:
    """A decoded input file.

    ``name`` is the path as given (``"-"`` for stdin); ``text`` the decoded
    text without BOM and without newline translation; ``encoding`` the Python
    codec that decodes the bytes after the BOM; ``bom`` the BOM bytes that
    preceded them (``b""`` if none); ``warning`` a one-line message naming
    the file if the encoding was detected but may be wrong (a guess, or text
    that does not read as Chinese), else None.
    """

    name: str
    text: str
    encoding: str
    bom: bytes = b""
    warning: Optional[str] = None


def display_name(path: str) -> str:
    """How a path is named in messages.

    >>> display_name("-"), display_name("a.txt")
    ('<stdin>', 'a.txt')
    """
    return "<stdin>" if path == "-" else path


def split_bom(data: bytes) -> tuple[bytes, Optional[str]]:
    """The BOM at the start of ``data`` and the encoding it announces.

    >>> split_bom(b"\\xef\\xbb\\xbfabc")
    (b'\\xef\\xbb\\xbf', 'utf-8')
    >>> split_bom(b"\\xff\\xfea\\x00")
    (b'\\xff\\xfe', 'utf-16-le')
    >>> split_bom(b"abc")
    (b'', None)
    """
    for bom, enc in BOMS:
        if data.startswith(bom):
            return bom, enc
    return b"", None


def looks_binary(data: bytes, *, nul_is_binary: bool = True) -> bool:
    """Whether ``data`` looks like a binary file rather than text.

    >>> looks_binary(b"\\x89PNG\\r\\n\\x1a\\n\\x00\\x00\\x00\\rIHDR")
    True
    >>> looks_binary("两个维护\\r\\n".encode("gb18030"))
    False
    >>> looks_binary(b"text with one \\x00 NUL", nul_is_binary=False)
    False
    >>> looks_binary(b"\\x00" * 10, nul_is_binary=False)
    True
    """
    if not data:
        return False
    if nul_is_binary and b"\x00" in data:
        return True
    control = len(data) - len(data.translate(None, _CONTROL_BYTES))
    return control > MAX_CONTROL_SHARE * len(data)


@lru_cache(maxsize=1)
def _common_hanzi() -> frozenset:
    """GB2312 level 1: the 3755 most used hanzi."""
    rows = bytes(b for lead in range(0xB0, 0xD8) for trail in range(0xA1, 0xFF) for b in (lead, trail))
    return frozenset(rows[:-10].decode("gb2312"))  # D7FA-D7FE are empty


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def _is_han(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff"


def commonness(text: str, sample: int = SCORE_CHARS) -> float:
    """The share of the Han characters in (the start of) ``text`` that are
    common ones: in GB2312 level 1 once converted to Simplified script.

    Text decoded with the right encoding scores high; the same bytes decoded
    with the wrong one give rare characters.

    >>> commonness("中国"), commonness("笢弊")   # GB18030 bytes read as Big5
    (1.0, 0.5)
    >>> commonness("發展"), commonness("abc")
    (1.0, 0.0)
    """
    han = "".join(filter(_is_han, text[:sample]))
    return _common_count(_t2s().convert(han)) / len(han) if han else 0.0


def _common_count(han: str) -> int:
    return sum(map(_common_hanzi().__contains__, han))


@dataclass(frozen=True)
class _Reading:
    """The start of some bytes decoded in one encoding, and how Chinese it reads."""

    encoding: str
    han: int  #: Han characters
    score: float  #: see plausibility
    pure: bool  #: every character outside ASCII is a common Han character (as is, for gb18030)

    @classmethod
    def of(cls, text: str, encoding: str) -> "_Reading":
        sample = text[:SCORE_CHARS]
        han = "".join(filter(_is_han, sample))
        simplified = _t2s().convert(han) if han else ""
        common = min(len(han), _common_count(simplified))
        punct = other = 0
        if not sample.isascii():
            for ch in sample:
                if ch > "\x7f" and not _is_han(ch) and not ch.isspace():
                    kind = unicodedata.category(ch)[0]
                    punct += kind == "P"
                    other += kind not in "PN"
        judged = len(han) + punct + other
        score = (common + punct) / judged if judged else 0.0
        # GB18030 text is Simplified: traditional forms there are a bad sign.
        pure = bool(han) and common == judged and (encoding != "gb18030" or simplified == han)
        return cls(encoding, len(han), score, pure)


def plausibility(text: str) -> float:
    """How much (the start of) ``text`` reads as Chinese: the share of its
    characters outside ASCII (whitespace and numbers aside) that are common Han
    characters (see :func:`commonness`) or punctuation. Mojibake scores low:
    kana, Hangul, box drawing, private-use and rare characters count against.

    >>> plausibility("前言：落实“清化收”。"), plausibility("發展 2024")
    (1.0, 1.0)
    >>> round(plausibility("搶嫗偺揤婥偼"), 2)   # Shift-JIS read as GB18030
    0.17
    >>> plausibility("ascii only")
    0.0
    """
    return _Reading.of(text, "").score


def _decode(data: bytes, encoding: str, name: str, skip: int = 0, hint: str = "") -> str:
    """Strictly decode; on failure an InputError naming the byte offset
    (``skip`` bytes, e.g. a BOM, preceded ``data`` in the file)."""
    try:
        return check_surrogates(data.decode(encoding), encoding, name)
    except UnicodeDecodeError as e:
        raise InputError(
            f"{name}: cannot decode as {encoding} at byte {e.start + skip}"
            f"{hint} (use --encoding or fix the file)"
        ) from None
    except UnicodeError as e:  # a codec that does not say where (punycode, idna)
        raise InputError(f"{name}: cannot decode as {encoding}: {e} (use --encoding or fix the file)") from None


def resolve_encoding(encoding: str, name: str = "--encoding") -> str:
    """The codec name of an encoding a user gave, or :class:`InputError`
    (``"<name>: ..."``) if it is unknown, not a text encoding (rot13,
    base64, zlib) or decodes nothing (undefined).

    >>> resolve_encoding("GBK")
    'gbk'
    >>> resolve_encoding("base64")
    Traceback (most recent call last):
    ...
    termkit.textio.InputError: --encoding: 'base64' is not a text encoding
    """
    try:
        info = codecs.lookup(encoding)
    except LookupError:
        raise InputError(f"{name}: unknown encoding {encoding!r}") from None
    if not getattr(info, "_is_text_encoding", True):
        raise InputError(f"{name}: {encoding!r} is not a text encoding")
    try:
        codecs.getincrementaldecoder(info.name)().decode(b"", final=True)
    except Exception:
        raise InputError(f"{name}: {encoding!r} cannot decode files") from None
    return info.name


#: Codecs whose strict decoding never gives a lone surrogate; text decoded
#: with any other (unicode_escape, utf-7, ...) is checked for them.
SURROGATE_FREE = frozenset({"utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be", "gb18030", "gbk",
                            "gb2312", "big5", "big5hkscs", "cp950", "cp936", "ascii", "latin-1", "iso8859-1"})

_LONE_SURROGATE = "[\ud800-\udfff]"  # (patterns here are compiled on first use: re keeps them)


def check_surrogates(text: str, encoding: str, name: str, offset: int = 0) -> str:
    """``text`` as it is, or :class:`InputError` where decoding it with
    ``encoding`` gave a lone surrogate: that is not text, and no UTF-8
    output could hold it. ``offset``: where ``text`` starts in the file's
    text (code points)."""
    if encoding not in SURROGATE_FREE:
        m = re.search(_LONE_SURROGATE, text)
        if m:
            raise InputError(
                f"{name}: decoding as {encoding} gives a lone surrogate (U+{ord(m.group()):04X}) at "
                f"character {offset + m.start()}, which is not text (use another --encoding)"
            )
    return text


def _forced(data: bytes, encoding: str, name: str) -> tuple[str, str, bytes]:
    codec = resolve_encoding(encoding, name)
    bom, bom_enc = split_bom(data)
    family = codec.replace("-sig", "")
    if bom_enc is not None and (bom_enc == family or bom_enc.startswith(family + "-")):
        codec = bom_enc  # e.g. utf-16 with FF FE -> utf-16-le
    else:
        bom = b""
        if family in ("utf-16", "utf-32"):
            codec = family + "-le"  # no BOM: little-endian, as Windows writes
        elif codec == "utf-8-sig":
            codec = "utf-8"
    return _decode(data[len(bom):], codec, name, len(bom)), codec, bom


@dataclass(frozen=True)
class _Detected:
    """What :func:`_detect` decided; ``text`` is the decoded data if it was
    decoded whole (``final``), else None."""

    encoding: str
    bom: bytes = b""
    warning: Optional[str] = None
    text: Optional[str] = None


def _decode_start(data: bytes, encoding: str, final: bool) -> str:
    """Strictly decode ``data``, or if not ``final`` all but a character cut
    at its end (incremental decoders accept a cut character, not a wrong
    one). Raises UnicodeDecodeError."""
    if final:
        return data.decode(encoding)
    return codecs.getincrementaldecoder(encoding)().decode(data, final=False)


def _detect(data: bytes, name: str, final: bool = True) -> _Detected:
    """The encoding of a file by the rules of the module docstring: the one
    routine for whole files and streams. ``data`` is the whole file if
    ``final``, else its first bytes, the last character possibly cut."""
    bom, bom_enc = split_bom(data)
    if bom_enc is not None:
        text = _decode(data[len(bom):], bom_enc, name, len(bom), " after its BOM") if final else None
        return _Detected(bom_enc, bom, text=text)
    try:
        text = _decode_start(data, "utf-8", final)
    except UnicodeDecodeError as e:
        utf8_error = e.start
    else:
        if looks_binary(data, nul_is_binary=False):
            raise InputError(f"{name}: looks like a binary file, not text")
        if final and len(data) < SHORT_TEXT and not text.isascii():
            if not _has_wide(text) or not _reads_as_chinese(text):
                return _short_utf8(data, text, name)
        return _Detected("utf-8", text=text if final else None)
    if looks_binary(data):
        raise InputError(f"{name}: looks like a binary file, not text")
    readings = _legacy_readings(data, final)
    for i, reading in enumerate(readings):
        try:
            text = _decode_start(data, reading.encoding, final)
        except UnicodeDecodeError:
            continue
        others = readings[:i] + readings[i + 1 :]
        warning = _legacy_warning(data, reading, others, name, final)
        return _Detected(reading.encoding, warning=warning, text=text if final else None)
    raise InputError(
        f"{name}: cannot detect the encoding (not UTF-8 at byte {utf8_error}, "
        f"nor GB18030 or Big5); use --encoding"
    )


def _legacy_readings(data: bytes, final: bool) -> list[_Reading]:
    """The legacy encodings that decode the start of ``data``, best first."""
    start = data[:SCORE_BYTES]
    readings = []
    for enc in LEGACY_ENCODINGS:
        try:
            text = _decode_start(start, enc, final and len(data) <= SCORE_BYTES)
        except UnicodeDecodeError:
            continue
        readings.append(_Reading.of(text, enc))
    return sorted(readings, key=lambda r: -r.score)  # stable: gb18030 wins ties


def rank_legacy(data: bytes) -> list[str]:
    """The legacy Chinese encodings that decode ``data``, best first: the
    one whose reading is more plausibly Chinese (see :func:`plausibility`),
    gb18030 on a tie.

    >>> rank_legacy("中国".encode("gb18030")), rank_legacy("發展".encode("big5"))
    (['gb18030', 'big5'], ['big5', 'gb18030'])
    >>> rank_legacy("“”。".encode("gb18030")), rank_legacy(b"\\xff")
    (['gb18030', 'big5'], [])
    """
    return [r.encoding for r in _legacy_readings(data, True)]


def _short_utf8(data: bytes, text: str, name: str) -> _Detected:
    """Rule 3: a short file valid as UTF-8 that does not read as Chinese in
    it is read as GB18030 or Big5 if that gives nothing but common Han
    characters (and ASCII) where UTF-8 gives no alphabetic text either.
    Either way the encoding is a guess."""
    legacy = [r for r in _legacy_readings(data, True) if r.pure]
    if not legacy:
        return _Detected("utf-8", text=text)
    if _alphabetic(text):
        return _Detected("utf-8", text=text, warning=_guess(name, "utf-8", f"from only {len(data)} bytes"))
    enc = legacy[0].encoding
    return _Detected(enc, text=data.decode(enc), warning=_guess(name, enc, f"from only {len(data)} bytes"))


#: The everyday letters of alphabets UTF-8 writes in two bytes: Latin-1,
#: Latin Extended-A, pinyin's ǎ ǐ ǒ ǔ ǖ ǘ ǚ ǜ, Romanian's ș ț, Greek,
#: Cyrillic, Armenian, Hebrew, Arabic.
_LETTERS = (
    "[\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u017f\u01cd-\u01dc\u0218-\u021b\u0386-\u03ce"
    "\u0400-\u045f\u0531-\u0556\u0561-\u0587\u05d0-\u05ea\u0621-\u064a]"
)


def _reads_as_chinese(text: str) -> bool:
    """Whether :func:`plausibility` of a short ``text`` is high enough; at
    once (no OpenCC) if it is common Simplified hanzi, GB2312 punctuation
    and ASCII.

    >>> _reads_as_chinese("两个维护，a"), _reads_as_chinese("發展"), _reads_as_chinese("屴o")
    (True, True, False)
    """
    return _plain_chinese().issuperset(text) or plausibility(text) >= MIN_PLAUSIBILITY


@lru_cache(maxsize=1)
def _plain_chinese() -> frozenset:
    """ASCII, GB2312 punctuation and the common hanzi. (A set, not a
    character class: compiling one of 4,000 characters took milliseconds at
    every start.)"""
    symbols = bytes(b for lead in (0xA1, 0xA3) for trail in range(0xA1, 0xFF) for b in (lead, trail))
    return _common_hanzi() | set(symbols.decode("gb2312", "ignore")) | set(map(chr, range(128)))


def _has_wide(text: str) -> bool:
    """Whether ``text`` has a character UTF-8 writes in three bytes or four,
    as it does Han characters. (Not a regular expression: one of that range
    takes milliseconds to compile, at every start.)

    >>> _has_wide("café"), _has_wide("两")
    (False, True)
    """
    return bool(text) and max(text) >= "\u0800"


def _alphabetic(text: str) -> bool:
    """Whether ``text`` reads as alphabetic text: outside ASCII only Latin-1
    signs and everyday letters of one script (:data:`_LETTERS`), and two
    such letters or more, or an ASCII letter or digit. What GBK or Big5
    bytes give when read as UTF-8 mixes scripts, IPA, modifier letters,
    combining marks and archaic letters.

    >>> _alphabetic("café"), _alphabetic("και"), _alphabetic("© 2024"), _alphabetic("Zhōngguó")
    (True, True, True, True)
    >>> _alphabetic("˫̼"), _alphabetic("װզ"), _alphabetic("ϵͳ"), _alphabetic("é")  # GBK 双碳 装咋 系统 茅
    (False, False, False, False)
    """
    scripts, letters, letter = set(), 0, re.compile(_LETTERS)
    for ch in text:
        if ch.isascii() or "\u00a0" <= ch <= "\u00bf":
            continue
        if not letter.match(ch):
            return False
        scripts.add(unicodedata.name(ch, "").split(" ")[0])
        letters += 1
    return len(scripts) <= 1 and (letters >= 2 or any(c.isascii() and c.isalnum() for c in text))


def _guess(name: str, encoding: str, why: str) -> str:
    return f"{name}: the encoding is a guess ({encoding}, {why}); check it or give --encoding"


def _legacy_warning(data: bytes, reading: _Reading, others: list[_Reading], name: str, final: bool) -> Optional[str]:
    """The warning for text decoded as ``reading``: if it reads better in a
    Japanese or Korean encoding, or not as Chinese, or the choice was close."""
    # charset-normalizer's verdict on a few characters is noise.
    other_cjk = reading.han >= SURE_HAN and _other_cjk_fits(data, reading.encoding, final)
    if other_cjk or reading.score < MIN_PLAUSIBILITY:
        hint = " (Japanese or Korean?)" if other_cjk else ""
        return f"{name}: decoded as {reading.encoding} but it does not read as Chinese{hint}; give --encoding"
    close = [r.encoding for r in others if r.score >= reading.score - CLOSE_SCORE]
    if final and len(data) < SHORT_TEXT and (close or reading.han < SURE_HAN):
        return _guess(name, reading.encoding, f"from only {len(data)} bytes")
    if close:
        return _guess(name, reading.encoding, f"{close[0]} reads almost as well")
    if reading.han < SURE_HAN:
        return _guess(name, reading.encoding, f"from only {reading.han} Han characters")
    return None


def _other_cjk_fits(data: bytes, encoding: str, final: bool) -> bool:
    """Whether charset-normalizer finds that (the start of) ``data`` reads
    better in a Japanese or Korean encoding than in ``encoding``."""
    from charset_normalizer import from_bytes

    start = data[:OTHER_CJK_BYTES]
    if not final or len(start) < len(data):
        # A cut character would rule the encodings out; none has LF inside one.
        start = start[: start.rindex(b"\n") + 1] if b"\n" in start else _trim(start, encoding)
    results = from_bytes(start, cp_isolation=[encoding, *OTHER_CJK_ENCODINGS], threshold=1.0)
    best = results.best()
    chosen = next((m for m in results if m.encoding == encoding), None)
    if best is None or best.encoding == encoding:
        return False
    # On short texts it often prefers shift_jis by a hair, recognising no language.
    return chosen is None or best.coherence > 0 or chosen.chaos - best.chaos >= OTHER_CJK_CHAOS


def _read_bytes(path: str) -> bytes:
    name = display_name(path)
    if path == "-":
        try:
            stream = _stdin(name)
            data = stream.read()
            return data.encode("utf-8") if isinstance(data, str) else data
        except OSError as e:
            raise InputError(f"{name}: cannot read: {_reason(e)}") from None
    if os.path.isdir(path):
        raise InputError(f"{name}: is a directory, not a file")
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError as e:
        raise InputError(f"{name}: cannot read: {_reason(e)}") from None


def _stdin(name: str):
    """Standard input as a binary stream; InputError if it is closed (``<&-``)."""
    if sys.stdin is None:
        raise InputError(f"{name}: cannot read: standard input is closed")
    return getattr(sys.stdin, "buffer", sys.stdin)


def _reason(e: OSError) -> str:
    """An OSError's reason, lower-cased, without the path.

    >>> _reason(FileNotFoundError(2, "No such file or directory", "x"))
    'no such file or directory'
    """
    reason = e.strerror or str(e) or type(e).__name__
    return reason[:1].lower() + reason[1:]


def read_document(path: str, encoding: Optional[str] = None) -> Document:
    """Read and decode a file (``"-"``: binary stdin) by the rules above.

    Raises :class:`InputError` with a one-line message for anything that
    cannot be read or decoded.
    """
    return decode(_read_bytes(path), path, encoding)


def decode(data: bytes, path: str = "<bytes>", encoding: Optional[str] = None) -> Document:
    """Decode the bytes of a file by the rules above; ``path`` names it.

    >>> decode("两个维护".encode("gb18030")).encoding
    'gb18030'
    """
    name = display_name(path)
    if encoding:
        text, codec, bom = _forced(data, encoding, name)
        return Document(path, text, codec, bom)
    found = _detect(data, name)
    return Document(path, found.text, found.encoding, found.bom, found.warning)


def byte_offsets(doc: Document, offsets: Sequence[int]) -> list[int]:
    """Byte offsets into the raw file (BOM included) of code-point offsets
    into ``doc.text``, in the order given.

    Each distinct offset is visited once in sorted order and only the text
    between consecutive offsets is encoded: O(n + k log k).

    >>> doc = Document("a", "两个\\r\\n维护", "gb18030", b"")
    >>> byte_offsets(doc, [6, 0, 2, 4])
    [10, 0, 4, 6]
    >>> byte_offsets(Document("b", "a两", "utf-8", b"\\xef\\xbb\\xbf"), [0, 1, 2])
    [3, 4, 7]
    """
    text = doc.text
    wanted = sorted(set(offsets))
    if wanted and (wanted[0] < 0 or wanted[-1] > len(text)):
        bad = wanted[0] if wanted[0] < 0 else wanted[-1]
        raise ValueError(f"offset {bad} is outside the text (length {len(text)})")
    encoder = codecs.getincrementalencoder(doc.encoding)()
    result = []
    pos, nbytes = 0, len(doc.bom)
    for off in wanted:
        nbytes += len(encoder.encode(text[pos:off]))
        pos = off
        result.append(nbytes)
    return [result[bisect_left(wanted, off)] for off in offsets]


class ByteMapper:
    """Passes a file's text, in pieces, through to
    :meth:`~termkit.match.annotator.Annotator.find_stream`, and maps the code-point
    offsets of the mentions it yields, in order, to byte offsets of the raw
    file (``encoding``, after ``bom``): :func:`byte_offsets` for a stream.

    It holds only the text a coming mention can start in: ``find_stream``
    (with the same ``context``) asks for the next piece only once every
    mention starting before ``2 * context`` characters from the end of what
    it has read has been yielded.
    """

    def __init__(self, pieces: Iterable[str], encoding: str, bom: bytes, context: int):
        self._pieces = pieces
        self._context = context
        self._encoding = encoding
        self._encoder = codecs.getincrementalencoder(encoding)()
        self._held: list[str] = []  # pieces not yet passed by the cursor
        self._held_start = 0  # code-point offset of the first held piece
        self._total = 0  # code points passed on so far
        self._char = 0  # the cursor: a code-point offset ...
        self._byte = len(bom)  # ... and its byte offset

    def __iter__(self):
        for piece in self._pieces:
            self._to(max(self._char, self._total - 2 * self._context))  # drops what no mention can need
            self._held.append(piece)
            self._total += len(piece)
            yield piece

    def _to(self, offset: int) -> int:
        while self._char < offset:
            piece = self._held[0]
            local = self._char - self._held_start
            take = min(len(piece), local + offset - self._char)
            self._byte += len(self._encoder.encode(piece[local:take]))
            self._char += take - local
            if take == len(piece):
                self._held.pop(0)
                self._held_start += len(piece)
        return self._byte

    def span(self, m) -> tuple[int, int]:
        """Byte offsets of a mention; mentions must come in order of their
        starts (overlapping ones too), each as it is yielded."""
        start = self._to(m.start)
        return start, start + len(m.text.encode(self._encoding))


@contextlib.contextmanager
def atomic_write(path: str, *, inputs: Sequence[str] = ()) -> Iterator[IO[str]]:
    """Write a UTF-8 text file (no newline translation) atomically.

    Yields a text stream on a new, nameless file in ``path``'s directory
    (``O_TMPFILE``; a named temporary file where the system has none); when
    the ``with`` block ends normally the file is flushed, synced and renamed
    over ``path``, keeping an existing file's permission bits (a symlink's
    target is replaced; other hard links to it keep the old content). If
    anything fails, or the process is killed, nothing is left behind and an
    existing ``path`` is untouched.

    Not every path is a file to replace. ``"-"``, ``/dev/stdout``,
    ``/dev/stderr``, ``/dev/fd/N`` and ``/proc/self/fd/N`` write to that open
    file descriptor as it is (so ``-o /dev/stdout >> log`` appends to the
    log); a path that exists and is not a regular file (a FIFO, a terminal,
    ``/dev/null``) is opened and written to.

    Raises :class:`InputError` (one line) if ``path`` is one of ``inputs``;
    is read-only; is reached through a symlink that another user owns in a
    sticky world-writable directory such as /tmp (which the kernel's
    ``protected_symlinks`` rule would refuse to follow); or cannot be
    written. Every write is complete: see :func:`text_writer`.
    """
    fd = _descriptor_path(path)
    if fd is not None:
        yield from _write_to_descriptor(path, fd)
        return
    for other in inputs:
        if same_file(path, other):
            raise InputError(f"{path}: refusing to overwrite an input file")
    _refuse_foreign_symlinks(path)
    target = os.path.realpath(path)
    directory = os.path.dirname(target)
    try:
        st = os.stat(target)
        mode = st.st_mode & 0o7777
    except FileNotFoundError:
        st, mode = None, 0o666 & ~_umask()
    except OSError as e:
        raise InputError(f"{path}: cannot write: {_reason(e)}") from None
    if st is not None and not stat.S_ISREG(st.st_mode):
        # A pipe, a terminal or /dev/null: nothing to replace, write to it.
        try:
            with open(path, "wb") as raw, text_writer(raw) as f:
                yield f
        except BrokenPipeError:
            raise  # the reader left: as for standard output
        except OSError as e:
            raise InputError(f"{path}: cannot write: {_reason(e)}") from None
        return
    if st is not None and (not st.st_mode & 0o222 or not os.access(target, os.W_OK)):
        raise InputError(f"{path}: is read-only; not replacing it (make it writable or remove it first)")
    with _new_file(path, directory) as (raw, commit):
        f = text_writer(raw)
        try:
            yield f
            f.flush()
            os.fsync(raw.fileno())
            os.fchmod(raw.fileno(), mode)
            commit(target)
        except OSError as e:
            raise InputError(f"{path}: cannot write: {_reason(e)}") from None
        finally:
            f.detach()


def text_writer(raw: IO[bytes]) -> io.TextIOWrapper:
    """A UTF-8 text stream (no newline translation) over the binary stream
    ``raw``, through a buffer that loops until every byte is written.

    A raw stream may write less than it is given — a single write(2) stops
    short of 2 GiB, and a signal can cut one short — and an unbuffered text
    stream (``sys.stdout`` under ``PYTHONUNBUFFERED=1``) ignores that and
    loses the rest. A buffered one does not.
    """
    if not isinstance(raw, io.BufferedIOBase):
        raw = io.BufferedWriter(raw, 1 << 16)
    return io.TextIOWrapper(raw, encoding="utf-8", newline="")


#: Paths that name an open file descriptor rather than a file to replace.
_FD_PATH = r"/dev/(?:(stdout)|(stderr)|fd/(\d+))|/proc/(?:self|thread-self|(\d+))/fd/(\d+)"


def _descriptor_path(path: str) -> Optional[int]:
    """The file descriptor that ``path`` names (``"-"`` is standard output),
    or None for an ordinary path.

    >>> [_descriptor_path(p) for p in ("-", "/dev/stdout", "/dev/fd/63", "/proc/self/fd/3", "out.txt")]
    [1, 1, 63, 3, None]
    """
    if path == "-":
        return 1
    m = re.fullmatch(_FD_PATH, path)
    if m is None or (m.group(4) and int(m.group(4)) != os.getpid()):
        return None
    stdout, stderr, fd, _, proc_fd = m.groups()
    return 1 if stdout else 2 if stderr else int(fd or proc_fd)


def _write_to_descriptor(path: str, fd: int) -> Iterator[IO[str]]:
    """Yield a text stream that writes to ``fd`` at its own offset and flags."""
    label = "<stdout>" if path == "-" else path
    std = {1: sys.stdout, 2: sys.stderr}.get(fd)
    if fd in (1, 2):
        if std is None:  # closed when Python started
            raise InputError(f"{label}: cannot write: the file descriptor is closed")
        try:
            std.flush()
            std.fileno()
        except (AttributeError, OSError, ValueError):
            yield std  # a stream with no descriptor (tests capture output so)
            return
    try:
        os.fstat(fd)
        raw = io.FileIO(fd, "w", closefd=False)
    except (OSError, ValueError) as e:
        reason = _reason(e) if isinstance(e, OSError) else str(e)
        raise InputError(f"{label}: cannot write: {reason}") from None
    f = text_writer(raw)
    try:
        yield f
        f.flush()
    except OSError as e:
        if isinstance(e, BrokenPipeError):
            raise
        raise InputError(f"{label}: cannot write: {_reason(e)}") from None
    finally:
        with contextlib.suppress(OSError, ValueError):
            f.detach()


def _refuse_foreign_symlinks(path: str) -> None:
    """Refuse a path through a symlink, in a sticky world-writable directory,
    that neither this user nor the directory's owner owns: the kernel's
    ``protected_symlinks`` rule, which root is not held to, applied anyway
    (otherwise another user's link in /tmp could make termkit replace any
    file the caller may write). The path is resolved one link at a time, so
    a link of one's own pointing at such a link is caught too."""
    pending = os.path.abspath(path).split("/")[1:]
    done = "/"
    for _ in range(256):  # links followed, at most (as the kernel's 40, with room)
        if not pending:
            return
        part = pending.pop(0)
        here = os.path.join(done, part)
        try:
            link = os.lstat(here)
        except OSError:
            return  # missing: nothing more to follow
        if not stat.S_ISLNK(link.st_mode):
            done = here
            continue
        parent = os.stat(done)
        sticky = parent.st_mode & stat.S_ISVTX and parent.st_mode & stat.S_IWOTH
        if sticky and link.st_uid not in (os.geteuid(), parent.st_uid):
            raise InputError(
                f"{path}: refusing to follow {here}, a symlink another user owns in a "
                "sticky world-writable directory"
            )
        target = os.readlink(here)
        if target.startswith("/"):
            done = "/"
        pending = [p for p in target.split("/") if p] + pending
        while pending and pending[0] in (".", ".."):
            if pending.pop(0) == "..":
                done = os.path.dirname(done)
    raise InputError(f"{path}: too many levels of symbolic links")


@contextlib.contextmanager
def _new_file(path: str, directory: str):
    """A new file in ``directory`` that appears under a name only when
    committed: yields ``(raw, commit)``, ``commit(target)`` renaming it over
    ``target``. With ``O_TMPFILE`` the file has no name until then, so a
    killed process leaves nothing behind; elsewhere it is a hidden temporary
    file, removed on any failure."""
    try:
        fd = os.open(directory, os.O_TMPFILE | os.O_RDWR | os.O_CLOEXEC, 0o600)
    except (AttributeError, OSError) as e:  # no O_TMPFILE here, or not on this file system
        if isinstance(e, OSError) and e.errno in (errno.ENOENT, errno.EACCES, errno.EROFS, errno.ENOSPC):
            raise InputError(f"{path}: cannot write: {_reason(e)}") from None
        fd = None
    if fd is not None:
        with open(fd, "wb") as raw:
            yield raw, lambda target: _link_and_rename(raw, directory, target)
        return
    try:
        import tempfile
        fd, tmp = tempfile.mkstemp(dir=directory, prefix="." + os.path.basename(path) + ".", suffix=".tmp")
    except OSError as e:
        raise InputError(f"{path}: cannot write: {_reason(e)}") from None
    try:
        with open(fd, "wb") as raw:
            yield raw, lambda target: os.replace(tmp, target)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def _link_and_rename(raw: IO[bytes], directory: str, target: str) -> None:
    """Give the nameless file ``raw`` a temporary name, then rename it over
    ``target``. Where /proc is not mounted it cannot be linked: its bytes are
    copied to a named temporary file instead."""
    name = f".termkit-{os.getpid()}-{os.urandom(6).hex()}.tmp"
    tmp = os.path.join(directory, name)
    try:
        # linkat(AT_SYMLINK_FOLLOW): os.link uses it only given a directory fd.
        dir_fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        try:
            os.link(f"/proc/self/fd/{raw.fileno()}", name, dst_dir_fd=dir_fd, follow_symlinks=True)
        finally:
            os.close(dir_fd)
    except OSError:
        with open(tmp, "xb") as copy:
            raw.seek(0)
            import shutil
            shutil.copyfileobj(raw, copy, 1 << 20)
            copy.flush()
            os.fsync(copy.fileno())
        os.chmod(tmp, os.fstat(raw.fileno()).st_mode & 0o7777)
    try:
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def same_file(a: str, b: str) -> bool:
    """Whether two paths name the same file (resolved paths if either is
    missing); ``"-"`` names the file behind standard input, if any.

    >>> same_file("/no/such/dir/../x", "/no/such/x")
    True
    """
    try:
        if "-" in (a, b):
            other = os.stat(b if a == "-" else a)
            stdin = os.fstat(0)
            return stat.S_ISREG(stdin.st_mode) and (stdin.st_dev, stdin.st_ino) == (other.st_dev, other.st_ino)
        return os.path.samefile(a, b)
    except OSError:
        return "-" not in (a, b) and os.path.realpath(a) == os.path.realpath(b)


#: How much of a file decides its encoding when it is streamed.
SAMPLE_BYTES = 1 << 20


class TextStream:
    """A file decoded block by block: for files too large to hold in memory.

    The encoding is decided by the rules of :func:`read_document`, applied to
    the first ``sample`` bytes of the file (all of it, if it is smaller —
    then the result is exactly :func:`read_document`'s); the rest is decoded
    with an incremental decoder. A decoding error further on raises
    :class:`InputError` with its byte offset when iteration reaches it.

    Iterating yields consecutive pieces of the text, each about ``block``
    bytes' worth; ``encoding``, ``bom`` and ``warning`` (as in
    :class:`Document`, from the sample) are known once the stream is open.
    Use it as a context manager to close the file.
    """

    def __init__(
        self, path: str, encoding: Optional[str] = None, *, block: int = SAMPLE_BYTES, sample: int = SAMPLE_BYTES
    ):
        self.name = path
        self.bytes_read = 0  #: how far into the file reading has got, for progress
        self._label = display_name(path)
        self._block = block
        if path == "-":
            self._file = _stdin(self._label)
            self._owned = False
        else:
            if os.path.isdir(path):
                raise InputError(f"{self._label}: is a directory, not a file")
            try:
                self._file = open(path, "rb")
            except OSError as e:
                raise InputError(f"{self._label}: cannot read: {_reason(e)}") from None
            self._owned = True
        self._sample = sample
        try:
            self._head = self._read(sample)
            complete = len(self._head) < sample
            self.encoding, self.bom, self.warning = self._choose(encoding, complete)
        except BaseException:
            self.close()
            raise

    def _read(self, n: int) -> bytes:
        try:
            data = self._file.read(n)
        except OSError as e:
            raise InputError(f"{self._label}: cannot read: {_reason(e)}") from None
        data = data.encode("utf-8") if isinstance(data, str) else data
        self.bytes_read += len(data)
        return data

    def _choose(self, encoding: Optional[str], complete: bool) -> tuple[str, bytes, Optional[str]]:
        head, name = self._head, self._label
        if encoding:
            _, codec, bom = _forced(head if complete else _trim(head, encoding), encoding, name)
            return codec, bom, None
        found = _detect(head, name, final=complete)
        return found.encoding, found.bom, found.warning

    def __iter__(self) -> Iterator[str]:
        head, self._head = self._head, b""
        return self._decode(head, self._read)

    def _decode(self, head: bytes, read) -> Iterator[str]:
        """The text of ``head`` (the file's first bytes) and of the blocks
        ``read(n)`` returns after it, piece by piece."""
        decoder = codecs.getincrementaldecoder(self.encoding)()
        consumed = len(self.bom)  # bytes handed to the decoder so far
        chars = 0  # code points yielded so far
        data = head[len(self.bom):]
        while True:
            final = not data
            pending = len(decoder.getstate()[0])  # bytes held back from earlier blocks
            try:
                piece = decoder.decode(data, final=final)
            except UnicodeDecodeError as e:
                at = consumed - pending + e.start
                raise InputError(
                    f"{self._label}: cannot decode as {self.encoding} at byte {at} "
                    "(use --encoding or fix the file)"
                ) from None
            except UnicodeError as e:  # a codec that does not say where (punycode, idna)
                raise InputError(
                    f"{self._label}: cannot decode as {self.encoding}: {e} (use --encoding or fix the file)"
                ) from None
            consumed += len(data)
            if piece:
                yield check_surrogates(piece, self.encoding, self._label, chars)
                chars += len(piece)
            if final:
                return
            data = read(self._block)

    def verify(self) -> bool:
        """Decode the whole file once, keeping nothing, before it is read:
        raises the :class:`InputError` that iterating would raise half-way,
        so that a caller can write output as it goes. True when done; False
        where the file cannot be read twice (standard input, a pipe). A file
        no larger than the sample was decoded whole when it was opened."""
        if len(self._head) < self._sample:
            return True
        if self._owned and self._file.seekable():
            with open(self.name, "rb") as f:
                f.seek(len(self._head))
                for _ in self._decode(self._head, f.read):
                    pass
            return True
        return False

    def close(self) -> None:
        if self._owned:
            self._file.close()

    def __enter__(self) -> "TextStream":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _trim(data: bytes, encoding: str) -> bytes:
    """``data`` cut after its last complete character in ``encoding`` (at
    most a few bytes go), so that a sample cut mid-character decodes."""
    for cut in range(0, 4):
        chunk = data[: len(data) - cut] if cut else data
        try:
            chunk.decode(encoding)
            return chunk
        except UnicodeDecodeError as e:
            if e.start < len(chunk) - 4:
                return data  # a real error, not a cut character: let it show
        except LookupError:
            return data
    return data
