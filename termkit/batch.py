"""Running ``termkit annotate`` over files: one by one, in worker processes, or
one large file cut into segments for several processes.

Nothing here matches text itself: it reads files (:mod:`termkit.textio`),
hands text to an :class:`~termkit.match.annotator.Annotator` and writes what the
renderers (:mod:`termkit.render`) make of the mentions. Output always comes in
input order. Errors reading an input are reported through a callback and
counted; the other inputs go on.
"""

from __future__ import annotations

import codecs
import errno
import io
import os
import sys
from collections.abc import Callable
from contextlib import contextmanager
from typing import TYPE_CHECKING
from itertools import chain

from .match import Annotator
from .textio import InputError

if TYPE_CHECKING:
    from .render import Doc

#: A large file is cut into segments of about this many bytes for ``--jobs``.
SEGMENT_BYTES = 4 << 20

#: Where and when a file is from is read from its path and this many characters of its start.
HEAD_CHARS = 16384
#: Encodings in which a line feed byte is always a whole character, so that a
#: file can be cut after any b"\n" (no GB18030 or Big5 trail byte is 0x0A).
_LINE_SAFE = {"utf-8", "gb18030", "big5"}


class AnnotateJob:
    """How to annotate a file (format, encoding, offsets), with the compiled
    Annotator. Picklable for worker processes: the Annotator is rebuilt from
    ``make_annotator`` where it is not inherited (a fork inherits it)."""

    def __init__(self, make_annotator: Callable[[], Annotator], *, format: str = "jsonl",
                 encoding: str | None = None, offsets: str = "chars", overlapping: bool = False,
                 headers: bool = False, locate: Callable[[str, str], dict] | None = None,
                 documents: bool = False):
        self.make_annotator = make_annotator
        self.format = format
        self.encoding = encoding
        self.offsets = offsets
        self.overlapping = overlapping
        self.headers = headers
        #: ``locate(path, head)``: where and when a file is from, as the Doc
        #: fields scope, scope_how, date, date_how, from its path and the
        #: start of its text (None: unknown, as for a text without scopes).
        self.locate = locate
        self.documents = documents  # write where and when each file is from
        self._annotator: Annotator | None = None

    def __getstate__(self):
        return {**self.__dict__, "_annotator": None}

    def compile(self) -> Annotator:
        """The compiled Annotator, built on first use."""
        return self.annotator

    @property
    def annotator(self) -> Annotator:
        if self._annotator is None:
            self._annotator = self.make_annotator()
        return self._annotator

    def run(self, path: str, index: int, out, progress=None) -> str | None:
        """Annotate one file into ``out``; the warning about its encoding, if
        any (see :attr:`TextStream.warning`). Raises InputError if it cannot
        be read.

        Every format is streamed: the file is decoded block by block and
        matched in windows, so memory stays bounded however large the file
        is. A file that fails to decode half-way adds nothing to the output:
        a file is decoded once beforehand (:meth:`TextStream.verify`) and its
        output then written as it comes, while what is read from standard
        input or a pipe is held back (in memory up to 32 MB, then on disk)
        until it is done."""
        from .textio import TextStream

        with TextStream(path, self.encoding) as stream:
            if stream.verify():
                self._write(stream, path, index, out, progress, out)
                return stream.warning
            import shutil
            import tempfile

            with tempfile.SpooledTemporaryFile(32 << 20, "w+", encoding="utf-8", newline="") as held:
                self._write(stream, path, index, held, progress, out)
                held.seek(0)
                shutil.copyfileobj(held, out, 1 << 20)
            return stream.warning

    def _write(self, stream, path: str, index: int, part, progress, out) -> None:
        """Annotate ``stream`` into ``part`` (``out``, or a buffer for it)."""
        from .render import FORMATS

        fmt = FORMATS[self.format]
        pieces = iter(_Progressed(stream, progress, out))
        head: list[str] = []
        if self.locate is not None:  # read the start of the text to see where it is from
            for piece in pieces:
                head.append(piece)
                if sum(map(len, head)) >= HEAD_CHARS:
                    break
        doc = self.doc(path, index, stream.encoding, stream.bom, "".join(head)[:HEAD_CHARS])
        options = {"overlapping": self.overlapping, "offsets": self.offsets, "documents": self.documents}
        for piece in fmt.write(self.annotator, chain(head, pieces), doc, **{k: options[k] for k in fmt.options}):
            part.write(piece)

    def doc(self, path: str, index: int, encoding: str, bom: bytes, head: str) -> Doc:
        """What the formats know of a file (:class:`~termkit.render.Doc`), where
        and when it is from included (from ``locate`` and ``head``, the
        start of its text)."""
        from .render import Doc

        where = self.locate(path, head) if self.locate is not None else {}
        return Doc(path, index, self.headers, encoding, bom, **where)


class _Progressed:
    """A stream's pieces, with the bytes read counted on a progress bar (if
    any); stops with BrokenPipeError as soon as ``out`` is a pipe whose
    reader has gone (``| head -1``), rather than reading the rest of a large
    file for nobody."""

    def __init__(self, stream, progress, out=None):
        self._stream, self._progress = stream, progress
        self._pipe = _pipe_of(out)

    def __iter__(self):
        seen = 0
        for piece in self._stream:
            if self._progress is not None:
                self._progress.update(self._stream.bytes_read - seen)
                seen = self._stream.bytes_read
            if self._pipe is not None and _reader_gone(self._pipe):
                raise BrokenPipeError(errno.EPIPE, "the reader of the output has gone")
            yield piece


def _pipe_of(out) -> int | None:
    """The file descriptor under ``out`` if it is a pipe, else None."""
    import stat

    try:
        fd = out.fileno()
        return fd if stat.S_ISFIFO(os.fstat(fd).st_mode) else None
    except (AttributeError, OSError, ValueError):
        return None


def _reader_gone(fd: int) -> bool:
    """Whether nobody reads the pipe ``fd`` any more (poll says POLLERR)."""
    import select

    if not hasattr(select, "poll"):
        return False
    poller = select.poll()
    poller.register(fd, select.POLLOUT)
    return any(event & select.POLLERR for _, event in poller.poll(0))


def progress_bar(total: int, unit: str):
    """A progress bar on stderr for long runs, only when stderr is a terminal."""
    if not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    return tqdm(total=total, unit=unit, unit_scale=True, file=sys.stderr, leave=False, mininterval=0.5)


def _copy_part(part: str, out, raw) -> None:
    """Append a worker's UTF-8 part file to ``out`` and delete it."""
    with open(part, "rb") as f:
        _append(f, out, raw, kernel=True)
    os.unlink(part)


def _append(src, out, raw, kernel: bool) -> None:
    """Append the UTF-8 bytes of binary file ``src`` to ``out``: bytes to bytes
    where ``raw`` (the byte stream under ``out``) is given, in the kernel if
    ``kernel`` and both are real files; else decoded and written as text."""
    import shutil

    if raw is None:
        shutil.copyfileobj(io.TextIOWrapper(src, encoding="utf-8", newline=""), out, 1 << 20)
        return
    out.flush()
    if not (kernel and _send(src, raw)):
        shutil.copyfileobj(src, raw, 1 << 20)


def _send(f, raw) -> bool:
    """Copy file ``f`` to ``raw`` in the kernel (os.sendfile), where both are
    real files: the main process then spends next to no time copying while
    the workers run. False where it cannot (nothing was copied)."""
    try:
        src, dst = f.fileno(), raw.fileno()
    except (AttributeError, OSError):  # io.BytesIO and the like
        return False
    raw.flush()
    sent = 0
    try:
        while n := os.sendfile(dst, src, sent, 1 << 30):
            sent += n
    except OSError as e:
        if sent or e.errno not in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
            raise
        return False
    return True


def _raw_output(out):
    """The byte stream under ``out`` if ``out`` writes UTF-8, else None."""
    utf8 = codecs.lookup(getattr(out, "encoding", None) or "ascii").name == "utf-8"
    return getattr(out, "buffer", None) if utf8 else None


# -- serial and per-file parallel ------------------------------------------------

def run_serial(job: AnnotateJob, files: list[str], out, fail: Callable[[str], None],
               warn: Callable[[str], None] | None = None) -> int:
    """Annotate the files one after the other; the number that failed. Why a
    file failed goes to ``fail``, a warning about a file to ``warn``."""
    failures = 0
    sizes = [os.path.getsize(f) if f != "-" and os.path.isfile(f) else 0 for f in files]
    progress = progress_bar(sum(sizes), "B") if sum(sizes) > 50_000_000 else None
    for index, path in enumerate(files):
        error, warning = _run_one(job, path, index, out, progress)
        failures += _report(error, warning, fail, warn)
    if progress is not None:
        progress.close()
    return failures


def _run_one(job: AnnotateJob, path: str, index: int, out, progress=None) -> tuple[str | None, str | None]:
    """Annotate one file into ``out``: ``(why it could not be read, a
    warning)``, each None if there is none."""
    try:
        return None, job.run(path, index, out, progress)
    except InputError as e:
        return str(e), None


def _report(error: str | None, warning: str | None, fail, warn) -> int:
    """Hand on what became of one file; 1 if it failed, else 0. (Without a
    ``warn``, a warning goes to stderr: never dropped silently.)"""
    if warning is not None:
        if warn is None:
            print(f"termkit: warning: {warning}", file=sys.stderr)
        else:
            warn(warning)
    if error is not None:
        fail(error)
        return 1
    return 0


class WorkerError(Exception):
    """A worker process died (killed, or out of memory) before it finished."""


_WORKER_JOB: AnnotateJob | None = None
_CLAIMS = None  # run_parallel's claims on chunks, shared with the workers


def _worker_init(job: AnnotateJob, claims, tmpdir: str, parent: int) -> None:
    """Set up a worker process: the job, the shared claims, and a watch on
    the parent. A worker ignores Ctrl-C and SIGTERM (the parent ends the
    pool) but exits, removing the run's temporary directory, as soon as its
    parent is gone — killed with SIGKILL, say — instead of running on and
    holding the output pipe."""
    import signal
    import threading

    global _WORKER_JOB, _CLAIMS
    _WORKER_JOB, _CLAIMS = job, claims
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    threading.Thread(target=_watch_parent, args=(parent, tmpdir), daemon=True).start()


#: How often a worker checks that its parent is still there (seconds).
PARENT_CHECK = 0.2


def _watch_parent(parent: int, tmpdir: str) -> None:
    import time

    while os.getppid() == parent:
        time.sleep(PARENT_CHECK)
    import shutil
    shutil.rmtree(tmpdir, ignore_errors=True)
    os._exit(1)


@contextmanager
def _pool(jobs: int, job: "AnnotateJob", tmpdir: str, claims=None):
    """A pool of ``jobs`` worker processes, each holding the compiled job.

    If the block fails (an error, Ctrl-C, SIGTERM, a closed pipe), the work
    not yet started is dropped rather than waited for; a worker that died is
    a :class:`WorkerError`. Workers exit by themselves if this process dies
    (see :func:`_worker_init`). (concurrent.futures is imported here: a
    single-job run need not pay for it at start-up.)"""
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    pool = ProcessPoolExecutor(
        max_workers=jobs, initializer=_worker_init, initargs=(job, claims, tmpdir, os.getpid())
    )
    try:
        yield pool
    except BrokenProcessPool:
        pool.shutdown(wait=True)
        raise WorkerError("a worker process died before it finished (killed, or out of memory?)") from None
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)


def _claim(claims, c: int, pool=None) -> bool:
    """Claim chunk ``c`` for this process: False if another process has it.

    A worker killed while it held the claims' lock (the OOM killer, or the
    pool ending the others once one died) never releases it: this process
    (which passes its ``pool``) waits for the lock only while the pool is
    whole, and raises WorkerError once it is broken, instead of hanging."""
    lock = claims.get_lock()
    while not lock.acquire(timeout=0.2):
        if pool is not None and getattr(pool, "_broken", False):
            raise WorkerError("a worker process died before it finished (killed, or out of memory?)")
    try:
        if claims[c]:
            return False
        claims[c] = 1
        return True
    finally:
        lock.release()


def _worker_files(c: int, tasks: list[tuple[str, int, str]]) -> list[tuple] | None:
    """Chunk ``c``, one :func:`_worker_file` per file; None if the main process
    claimed the chunk first."""
    if not _claim(_CLAIMS, c):
        return None
    return [_worker_file(t) for t in tasks]


def _worker_file(task: tuple[str, int, str]) -> tuple[str | None, str | None, str | None]:
    """Annotate one file in a worker process into a temporary part file:
    ``(the part file, or None; the error; the warning)``."""
    path, index, tmpdir = task
    part = os.path.join(tmpdir, f"{index}.part")
    with open(part, "w", encoding="utf-8", newline="") as out:
        error, warning = _run_one(_WORKER_JOB, path, index, out)
    return (None if error is not None else part, error, warning)


def _chunks(count: int, jobs: int) -> list[range]:
    """Consecutive files in chunks of up to 8, shrinking to single files
    towards the end, so that no process is left with much to do alone."""
    chunks, i = [], 0
    while i < count:
        size = max(1, min(8, (count - i) // (jobs * 8)))
        chunks.append(range(i, i + size))
        i += size
    return chunks


#: How many chunks this process may annotate ahead of the one it must write
#: next, holding their output back, while that one is under way in a worker
#: (each held in memory up to 1 MB, then on disk).
HELD_CHUNKS = 64


def run_parallel(job: AnnotateJob, files: list[str], out, jobs: int, fail: Callable[[str], None],
                 warn: Callable[[str], None] | None = None) -> int:
    """Files annotated by ``jobs`` processes — this one and ``jobs - 1`` workers —
    in chunks of consecutive files; the number that failed.

    Every ``jobs``-th chunk is this process's, the others the workers'. All are
    queued for the workers: theirs first, in order, then this process's from
    the last back. Whoever starts a chunk first claims it (a flag shared by all
    the processes); a worker skips a chunk already claimed. This process writes
    the output in order: it claims and annotates the next chunk straight into
    ``out`` if no worker has claimed it yet, or copies the worker's part file
    once it is done. So the workers, which need not copy anything, go on to
    take this process's chunks from the end until the two meet. While a
    worker still has the next chunk to write, this process claims later ones
    and holds their output back (up to HELD_CHUNKS of them)."""
    import multiprocessing

    failures = 0
    progress = progress_bar(len(files), "file") if len(files) > 20 else None
    raw = _raw_output(out)
    chunks = _chunks(len(files), jobs)
    claims = multiprocessing.Array("b", len(chunks))
    mine: set[int] = set()  # chunks this process claimed

    def claim(c: int) -> bool:
        if c in mine or _claim(claims, c, pool):
            mine.add(c)
            return True
        return False

    held: dict[int, tuple] = {}  # chunk -> (buffer, results) annotated here ahead of its turn
    ahead = 0  # the next chunk this process might take ahead
    import tempfile
    with tempfile.TemporaryDirectory(prefix="termkit-") as tmpdir, _pool(jobs - 1, job, tmpdir, claims) as pool:
        try:
            order = [c for c in range(len(chunks)) if c % jobs]
            order += [c for c in reversed(range(len(chunks))) if not c % jobs]
            futures: dict[int, object] = {}
            for c in order:
                futures[c] = pool.submit(_worker_files, c, [(files[i], i, tmpdir) for i in chunks[c]])
            for c, chunk in enumerate(chunks):
                while c not in held and not claim(c) and not futures[c].done() and len(held) < HELD_CHUNKS:
                    # Chunk c is under way in a worker: take a later one meanwhile.
                    ahead = max(ahead, c + 1)
                    while ahead < len(chunks) and not claim(ahead):
                        ahead += 1
                    if ahead == len(chunks):
                        break
                    held[ahead] = _hold(job, files, chunks[ahead])
                    ahead += 1
                if c in held:
                    buffer, results = held.pop(c)
                    _copy_held(buffer, out, raw)
                elif c in mine:  # straight into out
                    results = [(None, *_run_one(job, files[i], i, out)) for i in chunk]
                else:
                    results = futures[c].result()
                for part, error, warning in results:
                    failures += _report(error, warning, fail, warn)
                    if part is not None:
                        _copy_part(part, out, raw)
                    if progress is not None:
                        progress.update(1)
        except BaseException:
            lock = claims.get_lock()
            if lock.acquire(timeout=1):  # the workers skip whatever is left (unless one died holding it)
                try:
                    claims[:] = b"\x01" * len(chunks)
                finally:
                    lock.release()
            for buffer, _ in held.values():
                buffer.close()
            raise
    if progress is not None:
        progress.close()
    return failures


def _hold(job: AnnotateJob, files: list[str], chunk: range):
    """Annotate a chunk here into a UTF-8 buffer (memory, then disk), for later."""
    import tempfile
    buffer = tempfile.SpooledTemporaryFile(1 << 20)
    text = io.TextIOWrapper(buffer, encoding="utf-8", newline="", write_through=True)
    results = [(None, *_run_one(job, files[i], i, text)) for i in chunk]
    text.detach()
    return buffer, results


def _copy_held(buffer, out, raw) -> None:
    """Append a held UTF-8 buffer to ``out`` and close it. (Not through the
    kernel: asking a spooled buffer for its file descriptor writes it to disk.)"""
    with buffer:
        buffer.seek(0)
        _append(buffer, out, raw, kernel=False)


# -- one large file in segments --------------------------------------------------

def segmentable(job: AnnotateJob, path: str, segment_bytes: int = SEGMENT_BYTES) -> bool:
    """Whether ``path`` is worth cutting into segments (and can be): a regular
    file of at least two segments, jsonl without --overlapping."""
    return (
        job.format == "jsonl"
        and not job.overlapping
        and path != "-"
        and os.path.isfile(path)
        and os.path.getsize(path) >= 2 * segment_bytes
    )


def _cuts(path: str, start: int, size: int, segment_bytes: int, encoding: str) -> list[int] | None:
    """Byte offsets cutting ``[start, size)`` about every ``segment_bytes``:
    just after a line feed within 1 MiB of that, or else, in UTF-8, before
    any character. None where a stretch of a GB18030 or Big5 file has no
    line feed (no other byte is surely a character boundary there)."""
    cuts = [start]
    with open(path, "rb") as f:
        pos = start + segment_bytes
        while pos < size:
            f.seek(pos)
            probe = f.read(1 << 20)
            nl = probe.find(b"\n")
            if nl >= 0:
                cut = pos + nl + 1
            elif encoding == "utf-8":
                cut = pos + _utf8_boundary(probe)
            else:
                return None
            if cut < size:
                cuts.append(cut)
            pos = cut + segment_bytes
    return cuts + [size]


def _utf8_boundary(data: bytes, at: int = 0) -> int:
    """The first offset from ``at`` in UTF-8 ``data`` where a character
    starts (not a continuation byte), or ``len(data)``.

    >>> _utf8_boundary("两".encode(), 1), _utf8_boundary(b"ab", 1)
    (3, 1)
    """
    while at < len(data) and data[at] & 0xC0 == 0x80:
        at += 1
    return at


def _read(path: str, a: int, b: int) -> bytes:
    with open(path, "rb") as f:
        f.seek(a)
        return f.read(b - a)


def _decode(path: str, data: bytes, encoding: str, at: int) -> str:
    """Decode a segment read from byte ``at`` of ``path`` (errors as textio's)."""
    from .textio import _decode

    return _decode(data, encoding, path, at)


def _worker_count(task: tuple[str, str, int, int]) -> tuple[int | None, str | None]:
    """Phase 1: the code points in a segment (which also checks it decodes)."""
    path, encoding, a, b = task
    try:
        return len(_decode(path, _read(path, a, b), encoding, a)), None
    except (InputError, OSError) as e:
        return None, str(e)


def _annotate_segment(job: AnnotateJob, path: str, encoding: str, cuts: list[int], i: int, char_base: int,
                      tmpdir: str, min_start: int | None = None, context: int = 1 << 16, where: tuple = (None, None)):
    """Phase 2: the mentions that start in segment ``i``, written as jsonl to a
    part file; returns ``(part, end of the last mention)`` (code points).

    The segment is read with up to ``context`` bytes of whole lines on either
    side, so that context constraints and terms running past its end are
    seen. Mentions are selected as if the text began at ``min_start`` (default:
    the segment's start): :meth:`Annotator.find` with ``start``; ``where``
    is the file's scope and date.
    """
    from .render import jsonl_records
    from .textio import Document, byte_offsets

    a, b = cuts[i], cuts[i + 1]
    # The contexts must start and end on character boundaries: after a line
    # feed near the cut, or else at the neighbouring segment's far end (every
    # cut is a boundary), however long its lines are.
    prev = cuts[i - 1] if i > 0 else a
    left_at = max(prev, a - context)
    left = _read(path, left_at, a)
    if left_at > prev:
        nl = left.find(b"\n")
        if nl >= 0 or encoding == "utf-8":
            skip = nl + 1 if nl >= 0 else _utf8_boundary(left)
            left, left_at = left[skip:], left_at + skip
        else:
            left, left_at = _read(path, prev, a), prev
    nxt = cuts[i + 2] if i + 2 < len(cuts) else b
    right = _read(path, b, min(nxt, b + context))
    if b + len(right) < nxt:
        nl = right.rfind(b"\n")
        if nl >= 0:
            right = right[: nl + 1]
        elif encoding == "utf-8":  # without the character cut at its end
            right = right[: len(right) - 4 + _utf8_boundary(right[-4:])] if len(right) > 4 else b""
        else:
            right = _read(path, b, nxt)
    left_text = _decode(path, left, encoding, left_at)
    seg_text = _decode(path, _read(path, a, b), encoding, a)
    text = left_text + seg_text + _decode(path, right, encoding, b)
    lo = len(left_text)
    shift = char_base - lo  # window offset -> file offset
    begin = lo if min_start is None else max(lo, min_start - shift)
    mentions = job.annotator.find(text, start=begin, stop=lo + len(seg_text), offset=shift,
                                  scope=where[0], date=where[1])
    spans = None
    if job.offsets == "bytes":
        window = Document(path, text, encoding, b"")
        flat = byte_offsets(window, [x - shift for m in mentions for x in (m.start, m.end)])
        spans = [(s + left_at, e + left_at) for s, e in zip(flat[::2], flat[1::2])]
    part = os.path.join(tmpdir, f"{i}{'' if min_start is None else '.redo'}.part")
    with open(part, "w", encoding="utf-8", newline="") as out:
        out.write(jsonl_records(path, mentions, spans))
    return part, (mentions[-1].end if mentions else None)


def _worker_segment(task):
    path, encoding, cuts, i, char_base, tmpdir, where = task
    return _annotate_segment(_WORKER_JOB, path, encoding, cuts, i, char_base, tmpdir, where=where)


def run_segments(job: AnnotateJob, path: str, out, jobs: int, fail: Callable[[str], None],
                 warn: Callable[[str], None] | None = None, segment_bytes: int = SEGMENT_BYTES) -> int:
    """One large file annotated by ``jobs`` processes, segment by segment.

    The file is cut after line feeds; phase 1 counts each segment's code points
    (so every segment knows its offset in the file), phase 2 annotates the
    segments. A segment whose first mentions were chosen while the previous
    segment's last mention still ran past its start is redone from that
    mention's end, so the result equals annotating the file in one piece.
    Returns 1 if the file could not be read, else 0.
    """
    from .textio import TextStream

    try:
        with TextStream(path, job.encoding) as stream:
            encoding, bom, warning = stream.encoding, stream.bom, stream.warning
            head = next(iter(stream), "")[:HEAD_CHARS] if job.locate is not None else ""
    except InputError as e:
        fail(str(e))
        return 1
    doc = job.doc(path, 0, encoding, bom, head)
    cuts = None
    if encoding in _LINE_SAFE:  # not e.g. UTF-16
        cuts = _cuts(path, len(bom), os.path.getsize(path), segment_bytes, encoding)
    if cuts is None:  # read it as one stream, in bounded memory
        return run_serial(job, [path], out, fail, warn)
    _report(None, warning, fail, warn)
    if job.documents:
        from .render import document_record

        out.write(document_record(doc))
    n = len(cuts) - 1
    raw = _raw_output(out)
    progress = progress_bar(n, "segment")
    import tempfile
    with tempfile.TemporaryDirectory(prefix="termkit-") as tmpdir, _pool(jobs, job, tmpdir) as pool:
        counts = list(pool.map(_worker_count, [(path, encoding, cuts[i], cuts[i + 1]) for i in range(n)]))
        errors = [e for _, e in counts if e is not None]
        if errors:
            fail(errors[0])
            return 1
        bases = [0]
        for c, _ in counts[:-1]:
            bases.append(bases[-1] + c)
        tasks = [(path, encoding, cuts, i, bases[i], tmpdir, (doc.scope, doc.date)) for i in range(n)]
        last_end = 0
        for i, (part, end) in enumerate(pool.map(_worker_segment, tasks)):
            if last_end > bases[i]:  # the previous segment's last mention reaches in: redo
                os.unlink(part)
                part, end = _annotate_segment(job, path, encoding, cuts, i, bases[i], tmpdir, min_start=last_end,
                                              where=(doc.scope, doc.date))
            _copy_part(part, out, raw)
            if end is not None:
                last_end = max(last_end, end)
            if progress is not None:
                progress.update(1)
    if progress is not None:
        progress.close()
    return 0
