"""Nothing lost, no hang, no traceback: the failures of issue 11, each tried
again as a user would meet it, through the real `termkit` command."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from termkit.textio import text_writer
from test_cli import ROOT, SEED, lines, run, termkit_command

SEEDS = "".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt")))


def env(**extra) -> dict:
    e = dict(os.environ, **extra)
    if not Path(sys.executable).with_name("termkit").exists():
        e["PYTHONPATH"] = str(ROOT)
    return e


def one_line_error(proc) -> str:
    """The stderr of a run that failed cleanly: one line, no traceback."""
    err = proc.stderr.decode()
    assert "Traceback" not in err and err.count("\n") == 1 and err.startswith("termkit: "), err
    return err


# -- 1. every byte written --------------------------------------------------------

class ShortWrites(io.RawIOBase):
    """A raw stream that takes at most 1000 bytes a call, as write(2) may."""

    def __init__(self):
        self.data = bytearray()

    def writable(self):
        return True

    def write(self, b):
        n = min(len(b), 1000)
        self.data += bytes(b[:n])
        return n


def test_a_writer_over_short_writes_loses_nothing():
    text = "两个维护，" * 300_000
    raw = ShortWrites()
    with text_writer(raw) as out:
        out.write(text)
        out.write("end")
    assert bytes(raw.data).decode() == text + "end"
    # What sys.stdout does under PYTHONUNBUFFERED=1: the rest is silently lost.
    lossy = ShortWrites()
    io.TextIOWrapper(lossy, encoding="utf-8", write_through=True).write(text)
    assert len(lossy.data) < len(text.encode())


def test_unbuffered_stdout_gives_all_the_output(tmp_path):
    expected = run("annotate", "--overlapping", str(SEED), cwd=tmp_path).stdout
    proc = subprocess.run([*termkit_command(), "annotate", "--overlapping", str(SEED)], capture_output=True,
                          env=env(PYTHONUNBUFFERED="1"), timeout=120)
    assert proc.returncode == 0 and proc.stdout == expected


# -- 2. -o naming a file descriptor -------------------------------------------------

def test_output_to_dev_stdout_appends_to_a_log(tmp_path):
    expected = run("annotate", str(SEED), cwd=tmp_path).stdout
    log = tmp_path / "log"
    log.write_bytes(b"old line\n")
    cmd = " ".join(map(str, termkit_command()))
    for target in ("/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"):
        subprocess.run(["bash", "-c", f"{cmd} annotate '{SEED}' -o {target} >> '{log}'"], env=env(), check=True,
                       timeout=120)
    assert log.read_bytes() == b"old line\n" + expected * 3
    piped = subprocess.run(["bash", "-c", f"{cmd} annotate '{SEED}' -o /dev/stdout | cat"], env=env(),
                           capture_output=True, timeout=120)
    assert piped.returncode == 0 and piped.stdout == expected
    gz = tmp_path / "x.jsonl"
    subprocess.run(["bash", "-c", f"{cmd} annotate '{SEED}' -o >(cat > '{gz}'); wait"], env=env(), check=True,
                   timeout=120)
    for _ in range(100):  # the process substitution may finish just after bash
        if gz.exists() and gz.stat().st_size == len(expected):
            break
        time.sleep(0.05)
    assert gz.read_bytes() == expected


def test_output_to_a_closed_descriptor_is_an_error(tmp_path):
    proc = run("annotate", str(SEED), "-o", "/dev/fd/9", cwd=tmp_path)
    assert proc.returncode == 2 and "/dev/fd/9: cannot write" in one_line_error(proc)


# -- 3. another user's symlink in /tmp, a read-only target ------------------------------

needs_root = pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0,
                                reason="needs root to chown a symlink")


def foreign_link(tmp_path) -> tuple[Path, Path]:
    """A victim's file, and a link to it that nobody (uid 65534) owns in a
    sticky world-writable directory, as another user's link in /tmp."""
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    link = shared / "out.jsonl"
    link.symlink_to(victim)
    os.lchown(link, 65534, 65534)
    return victim, link


@needs_root
def test_a_foreign_symlink_in_a_sticky_directory_is_not_followed(tmp_path):
    victim, link = foreign_link(tmp_path)
    for command in (["annotate", str(SEED)], ["extract", str(SEED)]):
        proc = run(*command, "-o", str(link), cwd=tmp_path)
        assert proc.returncode == 2 and "symlink another user owns" in one_line_error(proc)
    assert victim.read_text() == "precious\n"
    os.lchown(link, 0, 0)  # one's own link is followed as before
    assert run("annotate", str(SEED), "-o", str(link), cwd=tmp_path).returncode == 0
    assert victim.read_text().startswith('{"file"')


def test_a_read_only_output_is_not_replaced(tmp_path):
    out = tmp_path / "out.jsonl"
    out.write_text("keep\n")
    out.chmod(0o444)
    proc = run("annotate", str(SEED), "-o", str(out), cwd=tmp_path)
    assert proc.returncode == 2 and "is read-only" in one_line_error(proc)
    assert out.read_text() == "keep\n"


# -- 4. killed from outside ------------------------------------------------------------

def _children(pid: int) -> set[int]:
    kids = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                kids.add(int(entry.name))
    return kids


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL])
def test_killing_the_main_process_leaves_nothing_running_or_behind(tmp_path, sig):
    docs = tmp_path / "docs"
    docs.mkdir()
    for i in range(600):  # about 10 s of work: killed long before the end
        (docs / f"{i:03d}.txt").write_text(SEEDS[:150_000], encoding="utf-8")
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    outdir = tmp_path / "out"
    outdir.mkdir()
    proc = subprocess.Popen(
        [*termkit_command(), "annotate", "-j", "2", *sorted(map(str, docs.iterdir())), "-o", str(outdir / "o")],
        env=env(TMPDIR=str(scratch)), stderr=subprocess.PIPE,
    )
    workers: set[int] = set()
    deadline = time.monotonic() + 60
    while not workers and time.monotonic() < deadline and proc.poll() is None:
        workers = _children(proc.pid)
        time.sleep(0.01)
    if not workers:
        pytest.skip("the machine has one processor: no worker to watch")
    time.sleep(0.2)  # under way
    assert proc.poll() is None
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    if sig == signal.SIGTERM:
        assert proc.returncode == 143 and err == b"termkit: terminated\n"
    deadline = time.monotonic() + 10
    while any(map(_alive, workers)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(map(_alive, workers)), "a worker outlived its parent"
    assert list(outdir.iterdir()) == [], "the output or a temporary file was left"
    assert list(scratch.iterdir()) == [], "a temporary directory was left"


# -- 7. memory bounded for every format ---------------------------------------------------

def _peak_kb(*args: str) -> tuple[int, int]:
    """(exit status, peak resident KB) of a termkit run, measured by a parent
    of its own (so earlier children of this test process do not count)."""
    probe = ("import resource, subprocess, sys; r = subprocess.run(sys.argv[1:]).returncode; "
             "print(r, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    out = subprocess.run([sys.executable, "-c", probe, *termkit_command(), *args], env=env(),
                         capture_output=True, timeout=600, check=True).stdout.split()
    return int(out[0]), int(out[1])


@pytest.mark.slow
def test_memory_stays_bounded_for_every_format(tmp_path):
    big = tmp_path / "big.txt"
    unit = SEEDS.encode()
    big.write_bytes(unit * (80_000_000 // len(unit)))
    flat = tmp_path / "flat.txt"  # no line feed to cut segments at
    flat.write_bytes(unit.replace(b"\n", b"") * (80_000_000 // len(unit)))
    runs = [
        ("--overlapping", str(big)),
        ("--format", "inline", str(big)),
        ("--format", "footnotes", str(big)),
        ("--format", "html", str(big)),
        ("-j", "2", str(flat)),
    ]
    for args in runs:
        status, peak = _peak_kb("annotate", *args, "-o", str(tmp_path / "out"))
        # Held whole, an 80 MB file takes 600 MB and more; streamed, about 50
        # MB; in segments, about 100 MB (each worker holds one 4 MiB segment,
        # which daachorse maps at 8 bytes a byte).
        assert status == 0 and peak < (250_000 if "-j" in args else 150_000), (args, peak)


# -- 8. names and text that are not UTF-8 ----------------------------------------------------

def test_file_names_that_are_not_utf8(tmp_path):
    name = os.fsencode(tmp_path) + b"/" + "报告".encode("gbk") + b".txt"
    with open(name, "w", encoding="utf-8") as f:
        f.write("实现“双碳”目标\n")
    other = tmp_path / "b.txt"
    other.write_text("两个维护\n", encoding="utf-8")
    args = [*termkit_command(), "annotate", name, str(other)]
    proc = subprocess.run(args, capture_output=True, env=env(), timeout=120)
    assert proc.returncode == 0, proc.stderr
    records = [json.loads(x) for x in proc.stdout.decode("utf-8").splitlines()]
    assert [os.fsencode(r["file"]) for r in records] == [name, os.fsencode(other)]
    for fmt in ("html", "inline", "footnotes"):
        proc = subprocess.run(args + ["--format", fmt], capture_output=True, env=env(), timeout=120)
        assert proc.returncode == 0, proc.stderr
        assert "\ufffd\ufffd.txt" in proc.stdout.decode("utf-8")  # valid UTF-8, the name shown


def test_a_lone_surrogate_from_a_forced_codec_is_an_input_error(tmp_path):
    doc = tmp_path / "esc.txt"
    doc.write_bytes(b"\\u53cc\\u78b3 \\ud800 end\n")
    good = tmp_path / "good.txt"
    good.write_bytes(b"\\u53cc\\u78b3\n")  # 双碳
    proc = run("annotate", "--encoding", "unicode_escape", str(doc), str(good), cwd=tmp_path)
    assert proc.returncode == 1 and "lone surrogate (U+D800) at character 3" in one_line_error(proc)
    assert [r["file"] for r in lines(proc)] == [str(good)]


# -- 11. closed streams, a full disk, encodings that are not text ------------------------------

def _shell(script: str, tmp_path) -> subprocess.CompletedProcess:
    cmd = " ".join(map(str, termkit_command()))
    return subprocess.run(["bash", "-c", script.replace("TERMKIT", cmd)], cwd=tmp_path, capture_output=True,
                          env=env(), timeout=120)


def test_closed_standard_streams(tmp_path):
    proc = _shell(f"TERMKIT annotate '{SEED}' >&-", tmp_path)
    assert proc.returncode == 2 and "standard output is closed" in one_line_error(proc)
    proc = _shell("TERMKIT annotate - <&-", tmp_path)
    assert proc.returncode == 1 and "<stdin>: cannot read: standard input is closed" in proc.stderr.decode()
    proc = _shell(f"TERMKIT annotate '{SEED}' missing.txt 2>&-", tmp_path)
    assert proc.returncode == 1 and proc.stdout and b"termkit" not in proc.stdout
    assert all(json.loads(x)["file"] == str(SEED) for x in proc.stdout.splitlines())


@pytest.mark.slow
@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full")
def test_a_full_disk_is_exit_2_with_one_line(tmp_path):
    for command in (f"annotate '{SEED}'", f"extract '{SEED}'", f"validate '{ROOT}/glossaries/shangdang-2023.yaml'",
                    "glossary list", "glossary show 六九九六", "glossary schema"):
        proc = _shell(f"TERMKIT {command} > /dev/full", tmp_path)
        assert proc.returncode == 2 and "no space left on device" in one_line_error(proc), command


@pytest.mark.slow
def test_encodings_that_cannot_decode_text_are_usage_errors(tmp_path):
    for encoding in ("undefined", "rot13", "base64", "zlib", "nosuch"):
        for command in ("annotate", "extract"):
            proc = run(command, "--encoding", encoding, str(SEED), cwd=tmp_path)
            assert proc.returncode == 2 and "--encoding" in one_line_error(proc), (command, encoding)


# -- 14. the smaller ones --------------------------------------------------------------

@pytest.mark.skipif(not Path("/proc/self/fdinfo").exists(), reason="reads /proc")
def test_piped_into_head_stops_early(tmp_path):
    big = tmp_path / "big.txt"
    big.write_bytes(SEEDS.encode() * (60_000_000 // len(SEEDS.encode())))
    proc = subprocess.Popen([*termkit_command(), "annotate", str(big)], stdout=subprocess.PIPE, env=env())
    first = proc.stdout.readline()
    # The first record comes while the file is still being read ...
    positions = []
    for fd in Path(f"/proc/{proc.pid}/fd").iterdir():
        try:
            if os.readlink(fd) == str(big):
                positions.append(int((Path(f"/proc/{proc.pid}/fdinfo") / fd.name).read_text().split()[1]))
        except OSError:
            continue
    proc.stdout.close()  # ... and the reader leaving ends the run, without an error.
    assert proc.wait(timeout=60) == 0
    assert json.loads(first)["file"] == str(big)
    assert positions and min(positions) < big.stat().st_size // 2


def test_many_more_jobs_than_processors(tmp_path):
    docs = []
    for i in range(6):
        doc = tmp_path / f"{i}.txt"
        doc.write_text(SEEDS[i * 5000 : i * 5000 + 20_000], encoding="utf-8")
        docs.append(str(doc))
    serial = run("annotate", *docs, cwd=tmp_path)
    many = run("annotate", "-j", "1000", *docs, cwd=tmp_path)
    assert many.returncode == 0 and many.stdout == serial.stdout


def test_jobs_are_capped_at_the_usable_processors(tmp_path, monkeypatch):
    import termkit.batch
    from termkit import cli

    docs = []
    for i in range(5):
        doc = tmp_path / f"{i}.txt"
        doc.write_text("双碳\n", encoding="utf-8")
        docs.append(str(doc))
    asked = []
    monkeypatch.setattr(termkit.batch, "run_parallel", lambda job, files, out, jobs, *a: asked.append(jobs) or 0)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2}, raising=False)
    assert cli.usable_cpus() == 3
    assert cli.main(["annotate", "-j", "1000", "-o", str(tmp_path / "out"), *docs]) == 0
    assert asked == [3]  # three processors: three processes, not 1,000
    assert cli.main(["annotate", "-j", "1000", "-o", str(tmp_path / "out"), *docs[:2]]) == 0
    assert asked == [3, 2]  # and no more than the files


# -- 12. an encoding that is a guess is said, not kept silent ----------------------------

def test_encoding_warnings_reach_stderr(tmp_path):
    japanese = tmp_path / "ja.txt"
    japanese.write_bytes(("日本の政府は、経済の安定と国民の生活を守るため、新しい政策を発表しました。" * 5).encode("shift_jis"))
    short = tmp_path / "short.txt"
    short.write_bytes("双碳".encode("gbk"))
    for jobs in ("1", "2"):
        proc = run("annotate", "-j", jobs, str(japanese), str(short), cwd=tmp_path)
        err = proc.stderr.decode()
        assert proc.returncode == 0 and "Traceback" not in err
        assert f"termkit: warning: {japanese}: decoded as" in err and "--encoding" in err
        assert f"termkit: warning: {short}: the encoding is a guess" in err
        assert [r["key"] for r in lines(proc)] == ["双碳"]  # GBK 双碳 read right, not as UTF-8
    proc = run("annotate", "--encoding", "gbk", str(short), cwd=tmp_path)
    assert proc.stderr == b""


def test_output_never_replaces_the_file_behind_standard_input(tmp_path):
    doc = tmp_path / "in.txt"
    doc.write_text("实现双碳目标。\n名词解释\n1. “双碳”：碳达峰、碳中和。\n", encoding="utf-8")
    for command in (["annotate"], ["extract"]):
        for target in (str(doc), "/dev/stdin"):
            with open(doc, "rb") as stdin:
                proc = subprocess.run([*termkit_command(), *command, "-", "-o", target], stdin=stdin,
                                      capture_output=True, env=env(), timeout=120)
            assert proc.returncode == 2 and "refusing to overwrite an input" in proc.stderr.decode(), (command, target)
            assert doc.read_text(encoding="utf-8").startswith("实现双碳目标。\n名词解释")


@needs_root
def test_a_chain_of_links_ending_in_a_foreign_one_is_not_followed(tmp_path):
    victim, foreign = foreign_link(tmp_path)
    mine = tmp_path / "mine"
    mine.symlink_to(foreign)
    proc = run("annotate", str(SEED), "-o", str(mine), cwd=tmp_path)
    assert proc.returncode == 2 and "symlink another user owns" in one_line_error(proc)
    assert victim.read_text() == "precious\n"


def test_a_fifo_whose_reader_leaves_is_not_an_error(tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    big = tmp_path / "big.txt"
    big.write_bytes(SEEDS.encode() * 100)
    reader = subprocess.Popen(["head", "-c", "100", str(fifo)], stdout=subprocess.DEVNULL)
    proc = run("annotate", str(big), "-o", str(fifo), cwd=tmp_path)
    reader.wait(timeout=60)
    assert proc.returncode == 0 and proc.stderr == b""
