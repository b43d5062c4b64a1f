"""Annotating one large file in segments gives exactly what one pass gives."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from termkit import Annotator, Glossary
from termkit.batch import AnnotateJob, run_segments, run_serial

ROOT = Path(__file__).resolve().parent.parent
SEEDS = "".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt")))
ANNOTATOR = Annotator(Glossary.load())


def make():
    return ANNOTATOR


class Out(io.StringIO):
    encoding = "utf-8"


def annotate(path: Path, jobs: int, offsets: str = "chars", segment_bytes: int | None = None) -> list[dict]:
    job = AnnotateJob(make, offsets=offsets)
    out, errors = Out(), []
    if segment_bytes:
        failures = run_segments(job, str(path), out, jobs, errors.append, segment_bytes=segment_bytes)
    else:
        failures = run_serial(job, [str(path)], out, errors.append)
    assert failures == 0 and errors == []
    return [json.loads(line) for line in out.getvalue().splitlines()]


@pytest.mark.parametrize("encoding, newline", [("utf-8", "\n"), ("gb18030", "\r\n"), ("utf-8-sig", "\n")])
def test_segments_equal_one_pass(tmp_path, encoding, newline):
    # Terms broken across lines sit right at many cut points: the redo path runs.
    text = (SEEDS[:20000] + "推进“鸿雁归\n巢”行动和“三区\n\n三线”划定。\n") * 3
    text = "".join(c for c in text if c.encode("gb18030", "ignore")).replace("\n", newline)
    path = tmp_path / "big.txt"
    path.write_bytes(text.encode(encoding))
    whole = annotate(path, 1)
    assert len(whole) > 300
    for segment in (997, 4096):
        assert annotate(path, 2, segment_bytes=segment) == whole
    assert annotate(path, 2, "bytes", segment_bytes=997) == annotate(path, 1, "bytes")


def test_a_term_across_every_cut(tmp_path):
    # Each line ends inside a term; with tiny segments every cut falls inside one.
    path = tmp_path / "cuts.txt"
    path.write_text("各地区科学划定三区\n三线，" * 400, encoding="utf-8")
    whole = annotate(path, 1)
    assert len(whole) == 400
    assert annotate(path, 2, segment_bytes=64) == whole


def test_undecodable_segment_is_one_error(tmp_path):
    path = tmp_path / "bad.txt"
    data = ("两个维护\n" * 2000).encode("utf-8")
    path.write_bytes(data[:10000] + b"\xff\n" + data[10000:])
    job = AnnotateJob(make)
    errors = []
    assert run_segments(job, str(path), Out(), 2, errors.append, segment_bytes=1000) == 1
    (error,) = errors
    assert error.startswith(f"{path}: ") and "at byte 10000" in error


SMALL = Annotator(Glossary.from_keys(["三区三线", "三线"]))


def make_small():
    return SMALL


def test_a_mention_reaching_into_the_next_segment_is_not_repeated(tmp_path):
    # “三区\n三线” starts before a cut and ends after it; the next segment alone
    # would begin with 三线. The segment is redone from the mention's end.
    path = tmp_path / "cuts.txt"
    path.write_text("各地区科学划定三区\n三线，" * 400, encoding="utf-8")
    out, errors = Out(), []
    run_serial(AnnotateJob(make_small), [str(path)], out, errors.append)
    whole = out.getvalue()
    keys = [json.loads(line)["key"] for line in whole.splitlines()]
    assert keys == ["三区三线"] * 400
    out = Out()
    assert run_segments(AnnotateJob(make_small), str(path), out, 2, errors.append, segment_bytes=64) == 0
    assert out.getvalue() == whole


def test_long_lines_at_a_cut(tmp_path):
    # No line feed within the 64 KiB contexts around a cut: the neighbouring
    # segments themselves are the context (found by review).
    path = tmp_path / "long.txt"
    filler = "的" * 30000
    text = filler + "划定三区\n三线" + filler + "健全12345\n项目推进机制" + filler + "\n"
    path.write_text(text, encoding="utf-8")
    expected = [(m.start, m.end, m.id) for m in ANNOTATOR.find(text)]
    assert len(expected) == 2
    for segment in (90_000, 100_000, 180_000):
        got = [(r["start"], r["end"], r["id"]) for r in annotate(path, 2, segment_bytes=segment)]
        assert got == expected


def test_segments_against_find_and_the_raw_bytes(tmp_path):
    text = (SEEDS[:30000] + "\n") * 2
    raw = text.encode("gb18030", "ignore")
    text = raw.decode("gb18030")
    path = tmp_path / "g.txt"
    path.write_bytes(raw)
    chars = annotate(path, 2, segment_bytes=5000)
    assert [(r["start"], r["end"]) for r in chars] == [(m.start, m.end) for m in ANNOTATOR.find(text)]
    for r in annotate(path, 2, "bytes", segment_bytes=5000):
        assert raw[r["start"] : r["end"]].decode("gb18030") == r["text"]


def test_byte_mapper_holds_only_what_a_mention_can_need(tmp_path):
    from termkit.match.annotator import CONTEXT
    from termkit.textio import ByteMapper, TextStream

    path = tmp_path / "plain.txt"
    path.write_text("的" * 2_000_000, encoding="utf-8")  # no mentions at all
    with TextStream(str(path), block=1 << 16, sample=1 << 16) as stream:
        mapper = ByteMapper(stream, stream.encoding, stream.bom, CONTEXT)
        assert list(ANNOTATOR.find_stream(mapper, context=CONTEXT)) == []
        assert sum(map(len, mapper._held)) < 3 * (1 << 16)


def test_parts_are_copied_by_the_kernel_or_else_by_python(tmp_path):
    from termkit.batch import _copy_part

    outputs = (lambda: open(tmp_path / "out", "w+", encoding="utf-8"), lambda: io.TextIOWrapper(io.BytesIO(), "utf-8"))
    for make_out in outputs:
        part = tmp_path / "0.part"
        part.write_bytes("两个维护\n".encode() * 1000)
        with make_out() as out:
            out.write("head\n")
            _copy_part(str(part), out, out.buffer)
            out.flush()
            out.buffer.seek(0)
            assert out.buffer.read() == b"head\n" + "两个维护\n".encode() * 1000
        assert not part.exists()


# -- many files: this process and the workers share the chunks ---------------------

class _Slow(AnnotateJob):
    """A job that dawdles over every file in one kind of process (this one or
    the workers), to push run_parallel down its rarer paths."""

    def __init__(self, where: str, main_pid: int):
        super().__init__(make)
        self.where, self.main_pid = where, main_pid

    def run(self, path, index, out, progress=None):
        import os
        import time

        if (os.getpid() == self.main_pid) == (self.where == "main"):
            time.sleep(0.02)
        super().run(path, index, out, progress)


def _many(tmp_path, count: int = 60) -> list[str]:
    files = []
    for i in range(count):
        path = tmp_path / f"doc-{i:03d}.txt"
        if i % 17 == 5:
            path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")  # unreadable
        else:
            path.write_text(SEEDS[i * 97 : i * 97 + 3000], encoding="utf-8")
        files.append(str(path))
    return files


def _parallel(job, files, jobs, binary: bool):
    from termkit.batch import run_parallel

    errors = []
    out = io.TextIOWrapper(io.BytesIO(), "utf-8", newline="") if binary else Out()
    failures = run_parallel(job, files, out, jobs, errors.append)
    out.flush()
    text = out.buffer.getvalue().decode() if binary else out.getvalue()
    return failures, errors, text


@pytest.mark.parametrize("jobs", [2, 3])
@pytest.mark.parametrize("binary", [True, False])
def test_parallel_equals_serial_whoever_is_slow(tmp_path, monkeypatch, jobs, binary):
    import os

    from termkit import batch as jobs_module

    files = _many(tmp_path)
    serial, errors = Out(), []
    assert run_serial(AnnotateJob(make), files, serial, errors.append) == 4 and len(errors) == 4
    held, parts = [], []
    hold, copy_part = jobs_module._hold, jobs_module._copy_part
    monkeypatch.setattr(jobs_module, "_hold", lambda *a: held.append(a[2]) or hold(*a))
    monkeypatch.setattr(jobs_module, "_copy_part", lambda *a: parts.append(a[0]) or copy_part(*a))
    chunks = jobs_module._chunks(len(files), jobs)
    mine = {i for n, c in enumerate(chunks) if n % jobs == 0 for i in c}
    reached = {
        "nowhere": lambda: True,
        # this process annotated later chunks while waiting, and held them
        "workers": lambda: bool(held),
        # the workers took some of this process's chunks, from the end
        "main": lambda: bool({int(Path(p).stem) for p in parts} & mine),
    }
    for where, path_taken in reached.items():
        # The output must always be right; whether the slow side really made
        # the other take the rarer path depends on the machine's load, so a
        # run that did not is tried again (a few times, then it fails).
        for _ in range(4):
            held.clear()
            parts.clear()
            job = _Slow(where, os.getpid())
            assert _parallel(job, files, jobs, binary) == (4, errors, serial.getvalue())
            if path_taken():
                break
        assert path_taken(), f"slow {where}: the rarer path was never taken"


@pytest.mark.parametrize("holding_the_lock", [False, True])
def test_a_dead_worker_is_an_error_not_a_hang(tmp_path, holding_the_lock):
    """A worker killed mid-run (by the OOM killer, say) ends the run at once
    with WorkerError; the main process must not wait for it forever, not even
    when the worker died holding the lock on the shared claims."""
    import subprocess
    import sys

    script = tmp_path / "die.py"
    grab = "            batch._CLAIMS.get_lock().acquire()\n" if holding_the_lock else ""
    script.write_text(
        "import os, signal, sys, time\n"
        "from termkit import Annotator, Glossary, batch\n"
        "from termkit.batch import AnnotateJob, WorkerError, run_parallel\n"
        "MAIN = os.getpid()\n"
        "class Dying(AnnotateJob):\n"
        "    def run(self, path, index, out, progress=None):\n"
        "        if os.getpid() != MAIN:\n"
        + grab +
        "            os.kill(os.getpid(), signal.SIGKILL)  # at a worker's first file\n"
        "        time.sleep(0.02)  # so that this process cannot do every file first\n"
        "        super().run(path, index, out, progress)\n"
        "files = sys.argv[2:]\n"
        "job = Dying(lambda: Annotator(Glossary.from_keys(['三区三线'])))\n"
        "try:\n"
        "    run_parallel(job, files, open(os.devnull, 'w'), int(sys.argv[1]), print)\n"
        "except WorkerError as e:\n"
        "    print('WorkerError:', e)\n",
        encoding="utf-8",
    )
    files = []
    for i in range(60):
        files.append(str(tmp_path / f"{i}.txt"))
        Path(files[-1]).write_text("科学划定三区三线。\n" * 50, encoding="utf-8")
    for jobs in (2, 3):
        proc = subprocess.run([sys.executable, str(script), str(jobs), *files], capture_output=True, text=True,
                              timeout=120)
        assert "WorkerError: a worker process died" in proc.stdout, proc.stdout + proc.stderr


def test_an_interrupted_run_drops_the_work_still_queued(tmp_path):
    """When the output breaks (a closed pipe, Ctrl-C), the workers skip the
    chunks not yet started instead of annotating all of them first."""
    done = tmp_path / "done.log"

    class Logged(AnnotateJob):
        def run(self, path, index, out, progress=None):
            import time

            time.sleep(0.005)
            with open(done, "a") as log:
                log.write(f"{index}\n")
            super().run(path, index, out, progress)

    class Closing(Out):
        def write(self, text):
            if self.tell() > 2000:
                raise BrokenPipeError
            return super().write(text)

    from termkit.batch import run_parallel

    files = _many(tmp_path, 400)
    with pytest.raises(BrokenPipeError):
        run_parallel(Logged(make), files, Closing(), 2, lambda e: None)
    assert len(done.read_text().split()) < 100  # of 400
