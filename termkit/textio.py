"""Reading input files and writing output files safely.

Reading: :func:`read_document`
------------------------------
The raw bytes of a file (or of binary stdin for ``-``) are decoded by these
rules, in order:

1. **A byte-order mark decides.** ``EF BB BF`` is UTF-8, ``FF FE 00 00`` /
   ``00 00 FE FF`` are UTF-32 LE/BE, ``FF FE`` / ``FE FF`` are UTF-16 LE/BE.
   The rest of the file must then decode strictly in that encoding.
2. **Strict UTF-8** if the whole file decodes as UTF-8, unless the file is
   mostly control bytes (then it is binary; stray NULs in text are kept).
3. **Binary**: a file that is not UTF-8 and has a NUL byte, or is more than a
   quarter control bytes, "looks like a binary file, not text".
4. **Chinese legacy encodings**: charset-normalizer, restricted to
   ``gb18030`` (a superset of GBK and GB2312, so it reads all three) and
   ``big5``, ranks the candidates by its "chaos" and "coherence" measures.
   Its default chaos limit of 0.2 is raised to 1.0 (short real texts dense
   with punctuation score about 0.3). Ties, common in very short texts, go
   to the candidate whose Han characters are more often common ones (see
   :func:`commonness`), then to gb18030. A text under 256 bytes that it
   finds no candidate for (only punctuation, say) is tried as gb18030, then
   big5. The chosen encoding must decode the whole file strictly; if none
   does, the file is rejected, naming the byte where UTF-8 failed.

UTF-16 and UTF-32 files are recognised only by their BOM. ``encoding=``
(the CLI's ``--encoding``) skips detection: the file is decoded strictly in
that encoding (a BOM of that same encoding is still stripped; ``utf-16`` or
``utf-32`` without a BOM means little-endian) and the first undecodable byte
is reported by offset.

Every problem is an :class:`InputError` whose message is one line naming the
file: ``a.txt: cannot decode as gbk at byte 1234 (use --encoding or fix the
file)``.

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
A large file is decoded block by block, its encoding decided from its first
MiB by the same rules; see its docstring.
"""

from __future__ import annotations

import codecs
import contextlib
import errno
import io
import os
import re
import shutil
import stat
import sys
import tempfile
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache
from typing import IO, Iterator, Optional, Sequence

#: BOMs in the order they must be tested (UTF-32 LE starts like UTF-16 LE).
BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

#: The legacy encodings charset-normalizer may choose between.
LEGACY_ENCODINGS = ("gb18030", "big5")

#: charset-normalizer's "chaos" above which a legacy candidate is dropped.
MAX_CHAOS = 1.0

#: Below this many bytes, a text charset-normalizer rejects may still be
#: gb18030 or big5 if it decodes strictly (statistics need some text).
SHORT_TEXT = 256

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
    preceded them (``b""`` if none).
    """

    name: str
    text: str
    encoding: str
    bom: bytes = b""


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


def _is_common_hanzi(ch: str) -> bool:
    try:
        lead = ch.encode("gb2312")[0]
    except UnicodeEncodeError:
        return False
    return 0xB0 <= lead <= 0xD7  # GB2312 level 1: the 3755 most used hanzi


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def commonness(text: str, sample: int = 4000) -> float:
    """The share of the Han characters in (the start of) ``text`` that are
    common ones: in GB2312 level 1 once converted to Simplified script.

    Text decoded with the right encoding scores high; the same bytes decoded
    with the wrong one give rare characters.

    >>> commonness("中国"), commonness("笢弊")   # GB18030 bytes read as Big5
    (1.0, 0.5)
    >>> commonness("發展"), commonness("abc")
    (1.0, 0.0)
    """
    han = [c for c in text[:sample] if "\u3400" <= c <= "\u9fff"]
    if not han:
        return 0.0
    simplified = _t2s().convert("".join(han))
    return sum(map(_is_common_hanzi, simplified)) / len(simplified)


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

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def check_surrogates(text: str, encoding: str, name: str, offset: int = 0) -> str:
    """``text`` as it is, or :class:`InputError` where decoding it with
    ``encoding`` gave a lone surrogate: that is not text, and no UTF-8
    output could hold it. ``offset``: where ``text`` starts in the file's
    text (code points)."""
    if encoding not in SURROGATE_FREE:
        m = _LONE_SURROGATE.search(text)
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


def _detect(data: bytes, name: str) -> tuple[str, str, bytes]:
    bom, bom_enc = split_bom(data)
    if bom_enc is not None:
        text = _decode(data[len(bom):], bom_enc, name, len(bom), " after its BOM")
        return text, bom_enc, bom
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        utf8_error = e.start
    else:
        if looks_binary(data, nul_is_binary=False):
            raise InputError(f"{name}: looks like a binary file, not text")
        return text, "utf-8", b""
    if looks_binary(data):
        raise InputError(f"{name}: looks like a binary file, not text")
    for enc in rank_legacy(data):
        try:
            return data.decode(enc), enc, b""
        except UnicodeDecodeError:
            continue
    raise InputError(
        f"{name}: cannot detect the encoding (not UTF-8 at byte {utf8_error}, "
        f"nor GB18030 or Big5); use --encoding"
    )


def rank_legacy(data: bytes) -> list[str]:
    """The legacy Chinese encodings that plausibly decode ``data``, best first.

    >>> rank_legacy("中国".encode("gb18030")), rank_legacy("發展".encode("big5"))
    (['gb18030', 'big5'], ['big5', 'gb18030'])

    Texts shorter than :data:`SHORT_TEXT` bytes that charset-normalizer finds
    no candidate for (only punctuation, say) get all of them, gb18030 first:

    >>> rank_legacy("“”。".encode("gb18030"))
    ['gb18030', 'big5']
    """
    from charset_normalizer import from_bytes

    # The default threshold (0.2) rejects genuine short texts dense with
    # punctuation; the strict decode that follows is the real test.
    results = from_bytes(data, cp_isolation=list(LEGACY_ENCODINGS), threshold=MAX_CHAOS)

    def key(m):
        return (
            round(m.chaos, 3),
            -round(m.coherence, 3),
            -commonness(str(m)),
            m.encoding != "gb18030",
        )

    ranked = [m.encoding for m in sorted(results, key=key) if m.encoding in LEGACY_ENCODINGS]
    if not ranked and len(data) < SHORT_TEXT:
        return list(LEGACY_ENCODINGS)
    return ranked


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
    elif not data:
        return Document(path, "", "utf-8", b"")
    else:
        text, codec, bom = _detect(data, name)
    return Document(path, text, codec, bom)


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
        if other != "-" and same_file(path, other):
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
_FD_PATH = re.compile(r"/dev/(?:(stdout)|(stderr)|fd/(\d+))|/proc/(?:self|thread-self|(\d+))/fd/(\d+)")


def _descriptor_path(path: str) -> Optional[int]:
    """The file descriptor that ``path`` names (``"-"`` is standard output),
    or None for an ordinary path.

    >>> [_descriptor_path(p) for p in ("-", "/dev/stdout", "/dev/fd/63", "/proc/self/fd/3", "out.txt")]
    [1, 1, 63, 3, None]
    """
    if path == "-":
        return 1
    m = _FD_PATH.fullmatch(path)
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
    file the caller may write)."""
    parts = path.split("/")
    for n in range(1, len(parts) + 1):
        prefix = "/".join(parts[:n]) or "/"
        try:
            link = os.lstat(prefix)
            if not stat.S_ISLNK(link.st_mode):
                continue
            parent = os.stat(os.path.dirname(prefix) or ".")
        except OSError:
            return  # missing: nothing more to follow
        sticky = parent.st_mode & stat.S_ISVTX and parent.st_mode & stat.S_IWOTH
        if sticky and link.st_uid not in (os.geteuid(), parent.st_uid):
            raise InputError(
                f"{path}: refusing to follow {prefix}, a symlink another user owns in a "
                "sticky world-writable directory"
            )


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
    """Whether two paths name the same file (resolved paths if either is missing).

    >>> same_file("/no/such/dir/../x", "/no/such/x")
    True
    """
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.realpath(a) == os.path.realpath(b)


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
    bytes' worth; ``encoding`` and ``bom`` are known once the stream is open.
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
            self.encoding, self.bom = self._choose(encoding, complete)
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

    def _choose(self, encoding: Optional[str], complete: bool) -> tuple[str, bytes]:
        head, name = self._head, self._label
        if encoding:
            _, codec, bom = _forced(head if complete else _trim(head, encoding), encoding, name)
            return codec, bom
        if not head:
            return "utf-8", b""
        if complete:
            _, codec, bom = _detect(head, name)
            return codec, bom
        bom, bom_enc = split_bom(head)
        if bom_enc is not None:
            return bom_enc, bom
        # The rules of _detect, on a sample whose last character may be cut:
        # incremental decoders accept a cut character, not a wrong one.
        try:
            codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        except UnicodeDecodeError as e:
            utf8_error = e.start
        else:
            if looks_binary(head, nul_is_binary=False):
                raise InputError(f"{name}: looks like a binary file, not text")
            return "utf-8", b""
        if looks_binary(head):
            raise InputError(f"{name}: looks like a binary file, not text")
        # The ranking needs text that decodes: drop a character cut at the end.
        ranked = rank_legacy(_trim(head, "gb18030")) or rank_legacy(_trim(head, "big5")) or list(LEGACY_ENCODINGS)
        for enc in ranked:
            try:
                codecs.getincrementaldecoder(enc)().decode(head, final=False)
                return enc, b""
            except UnicodeDecodeError:
                continue
        raise InputError(
            f"{name}: cannot detect the encoding (not UTF-8 at byte {utf8_error}, nor GB18030 or Big5); use --encoding"
        )

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
