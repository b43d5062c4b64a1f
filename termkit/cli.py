"""The ``termkit`` command.

Exit status: 0 success; 1 some input file could not be read or decoded (the
others were still processed); 2 usage error, bad glossary, or output that
could not be written; 3 ``validate`` found errors.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence

from . import __version__

EXIT_OK, EXIT_INPUT, EXIT_USAGE, EXIT_INVALID = 0, 1, 2, 3


class CLIError(Exception):
    """A one-line error for stderr, with an exit status."""

    def __init__(self, message: str, status: int = EXIT_USAGE):
        super().__init__(message)
        self.status = status


def _fail(message: str) -> None:
    print(f"termkit: {message}", file=sys.stderr)


_ANNOTATE_EXAMPLES = """\
examples:
  termkit annotate report.txt                     # one JSON line per mention
  termkit annotate --format inline report.txt     # definitions in （…） after first mentions
  termkit annotate --format html -o report.html report.txt
  cat report.txt | termkit annotate -             # read standard input
  termkit annotate --glossary my-terms.yaml *.txt # add your own terms to the bundled ones
  termkit annotate --encoding gb18030 --offsets bytes old-report.txt
  termkit annotate -j 2 -o corpus.jsonl reports/*.txt   # two processes
"""

_NORMALIZATION_FLAGS = {
    "traditional": "match Traditional script (Taiwan, Hong Kong, plain Traditional)",
    "width": "fold full-width letters, digits and signs (１＋２ = 1+2)",
    "breaks": "skip spaces, line and page breaks inside terms",
    "quotes": "skip quotation marks inside terms",
    "variants": "match known misprints listed in the glossary",
}


def _add_glossary_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--glossary", "-g", action="append", default=[], metavar="PATH",
        help="a glossary YAML file to add to the bundled glossary (repeatable)",
    )
    p.add_argument(
        "--no-default-glossary", action="store_true",
        help="do not load the bundled glossary (use only --glossary files)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="termkit",
        description="Tag and expand the slogans and abbreviations of Chinese government documents.",
        epilog="examples:\n"
        "  termkit annotate --format inline report.txt    # definitions after first mentions\n"
        "  termkit glossary show 六九九六                   # one term in full\n"
        "  termkit extract report.txt -o terms.yaml       # a report's 名词解释 as a glossary\n"
        "  termkit validate terms.yaml                    # check it\n\n"
        "Run 'termkit COMMAND --help' for the options and examples of a command.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"termkit {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    a = sub.add_parser(
        "annotate", help="tag every glossary term in text files",
        description="Find every glossary term in the files and write them out as JSON lines, "
        "expanded text or an HTML page.",
        epilog=_ANNOTATE_EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    a.add_argument("files", nargs="+", metavar="FILE", help="text files to annotate, or - for standard input")
    a.add_argument("--format", "-f", choices=("jsonl", "inline", "footnotes", "html"), default="jsonl",
                   help="jsonl: one JSON object per mention (default); inline: definitions after first "
                   "mentions; footnotes: numbered notes and a 名词解释 list; html: a standalone page")
    a.add_argument("--output", "-o", metavar="PATH", default="-",
                   help="write here (atomically) instead of standard output")
    _add_glossary_options(a)
    a.add_argument("--engine", default="auto", help="matching engine: auto (default), daachorse, pyahocorasick")
    a.add_argument("--encoding", metavar="ENC", help="decode the input with this encoding instead of detecting it")
    a.add_argument("--offsets", choices=("chars", "bytes"), default="chars",
                   help="jsonl offsets in code points of the decoded text (default) or bytes of the raw file")
    a.add_argument("--overlapping", action="store_true",
                   help="jsonl: report every occurrence, not only the leftmost-longest ones")
    a.add_argument("--jobs", "-j", type=int, default=1, metavar="N",
                   help="annotate files in N processes (output stays in input order)")
    for name, text in _NORMALIZATION_FLAGS.items():
        a.add_argument(f"--no-{name}", action="store_true", help=f"do not {text}")

    x = sub.add_parser(
        "extract", help="turn reports' 名词解释 appendices into glossary YAML",
        description="Find the 名词解释 (名词注解, 注释, 有关名词解释) appendix of each report and write "
        "its entries as a glossary file in termkit's own format, with provenance. Review it, then use "
        "it with 'termkit annotate --glossary'.",
        epilog="examples:\n  termkit extract report.txt -o report-terms.yaml\n"
        "  termkit validate report-terms.yaml\n"
        "  termkit annotate --glossary report-terms.yaml other-report.txt",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    x.add_argument("files", nargs="+", metavar="FILE", help="report text files, or - for standard input")
    x.add_argument("--output", "-o", metavar="PATH", default="-", help="write the YAML here (atomically)")
    x.add_argument("--name", help="the glossary's name (default: from the first file name)")
    x.add_argument("--encoding", metavar="ENC", help="decode the input with this encoding instead of detecting it")

    v = sub.add_parser(
        "validate", help="check glossary files: schema, duplicates, numerals against parts",
        description="Check glossary files: schema errors with file and entry, duplicate ids and keys, "
        "references between terms, and whether the numerals of keys like 六九九六 or 1+2+15 agree "
        "with the counts of their components and items. Exits 3 when there are errors.",
        epilog="examples:\n  termkit validate glossaries/*.yaml\n  termkit validate --format json my.yaml | jq '.[] | select(.code == \"count-mismatch\")'",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    v.add_argument("files", nargs="+", metavar="GLOSSARY", help="glossary YAML files")
    v.add_argument("--format", choices=("text", "json"), default="text")
    v.add_argument("--quiet", "-q", action="store_true", help="text: show only errors and warnings")

    g = sub.add_parser("glossary", help="list, show or describe glossary terms")
    gsub = g.add_subparsers(dest="glossary_command", metavar="SUBCOMMAND")
    gl = gsub.add_parser("list", help="list the terms, one per line",
                         epilog="example:\n  termkit glossary list | grep 区",
                         formatter_class=argparse.RawDescriptionHelpFormatter)
    gl.add_argument("--format", choices=("text", "jsonl"), default="text")
    _add_glossary_options(gl)
    gs = gsub.add_parser("show", help="show one term in full",
                         epilog="examples:\n  termkit glossary show 六九九六\n  termkit glossary show shangdang/清化收",
                         formatter_class=argparse.RawDescriptionHelpFormatter)
    gs.add_argument("key", help="the term's key, alias, variant or id")
    gs.add_argument("--format", choices=("text", "json"), default="text")
    _add_glossary_options(gs)
    gsub.add_parser("schema", help="print the JSON Schema of glossary files (for editors)")
    return parser


# -- commands ---------------------------------------------------------------

def _load_glossary(no_default: bool, paths: list[str]):
    from .glossary import Glossary, GlossaryError

    try:
        glossary = Glossary([]) if no_default else Glossary.load()
        if paths:
            glossary = glossary + Glossary.from_files(paths)
    except GlossaryError as e:
        raise CLIError(str(e)) from None
    if not len(glossary):
        raise CLIError("the glossary is empty: give --glossary PATH or drop --no-default-glossary")
    return glossary


class _Job:
    """Everything needed to annotate one file, picklable for worker processes."""

    def __init__(self, args):
        self.glossary_paths = list(args.glossary)
        self.no_default = args.no_default_glossary
        self.normalization = {k: not getattr(args, f"no_{k}") for k in _NORMALIZATION_FLAGS}
        self.engine = args.engine
        self.format = args.format
        self.encoding = args.encoding
        self.offsets = args.offsets
        self.overlapping = args.overlapping
        self.headers = len(args.files) > 1
        self._annotator = None

    def __getstate__(self):
        return {**self.__dict__, "_annotator": None}

    @property
    def annotator(self):
        if self._annotator is None:
            from .annotate import Annotator
            from .normalize import Normalization

            glossary = _load_glossary(self.no_default, self.glossary_paths)
            try:
                self._annotator = Annotator(
                    glossary, normalization=Normalization(**self.normalization), engine=self.engine
                )
            except ValueError as e:
                raise CLIError(str(e)) from None
        return self._annotator

    def run(self, path: str, index: int, out, progress=None) -> None:
        """Annotate one file into ``out``. Raises InputError if it cannot be read."""
        from .render import html_section, jsonl_records
        from .textio import TextStream, read_document

        if self.format == "jsonl" and not self.overlapping:
            # Streamed: memory stays bounded however large the file is.
            with TextStream(path, self.encoding) as stream:
                pieces = _Progressed(stream, progress)
                mapper = _ByteMapper(pieces, stream) if self.offsets == "bytes" else None
                batch = []
                for m in self.annotator.find_stream(mapper or pieces):
                    batch.append(m)
                    if len(batch) >= 1000:
                        out.write(jsonl_records(path, batch, mapper and mapper.spans(batch)))
                        batch = []
                out.write(jsonl_records(path, batch, mapper and mapper.spans(batch)))
            return
        doc = read_document(path, self.encoding)
        if progress is not None:
            progress.update(len(doc.text))
        if self.format == "jsonl":
            from .textio import byte_offsets

            mentions = self.annotator.find(doc.text, overlapping=self.overlapping)
            spans = None
            if self.offsets == "bytes":
                flat = byte_offsets(doc, [x for m in mentions for x in (m.start, m.end)])
                spans = list(zip(flat[::2], flat[1::2]))
            out.write(jsonl_records(doc.name, mentions, spans))
        elif self.format == "html":
            out.write(html_section(doc.name, doc.text, self.annotator.find(doc.text), index))
        else:
            if self.headers:
                out.write(f"==> {doc.name} <==\n")
            out.write(self.annotator.expand(doc.text, style=self.format))
            out.write("\n")


class _Progressed:
    """Pieces of a stream, counted on a progress bar (if any)."""

    def __init__(self, pieces, progress):
        self._pieces, self._progress = pieces, progress

    def __iter__(self):
        for piece in self._pieces:
            if self._progress is not None:
                self._progress.update(len(piece))
            yield piece


class _ByteMapper:
    """Passes a stream's pieces through, and maps the (ascending) code-point
    offsets of the mentions found in them to byte offsets of the raw file."""

    def __init__(self, pieces, stream):
        import codecs

        self._pieces = pieces
        self._encoder = codecs.getincrementalencoder(stream.encoding)()
        self._held: list[str] = []  # pieces not yet passed by the cursor
        self._held_start = 0  # code-point offset of the first held piece
        self._char = 0  # the cursor: a code-point offset ...
        self._byte = len(stream.bom)  # ... and its byte offset

    def __iter__(self):
        for piece in self._pieces:
            self._held.append(piece)
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

    def spans(self, mentions) -> list[tuple[int, int]]:
        return [(self._to(m.start), self._to(m.end)) for m in mentions]


def _progress_bar(total: int, unit: str):
    """A progress bar on stderr for long runs, only when stderr is a terminal."""
    if not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    return tqdm(total=total, unit=unit, unit_scale=True, file=sys.stderr, leave=False, mininterval=0.5)


_WORKER_JOB: "_Job | None" = None


def _worker_init(job: _Job) -> None:
    global _WORKER_JOB
    _WORKER_JOB = job


def _worker_run(task: tuple[str, int, str]) -> tuple[str | None, str | None]:
    """Annotate one file in a worker process into a temporary file."""
    from .textio import InputError

    path, index, tmpdir = task
    out_path = os.path.join(tmpdir, f"{index}.part")
    try:
        with open(out_path, "w", encoding="utf-8", newline="") as out:
            _WORKER_JOB.run(path, index, out)
    except InputError as e:
        return None, str(e)
    except CLIError as e:
        return None, str(e)
    return out_path, None


def _annotate(args) -> int:
    from .render import HTML_TAIL, html_head
    from .textio import InputError, atomic_write

    if args.files.count("-") > 1:
        raise CLIError("standard input (-) can be read only once")
    if args.jobs < 1:
        raise CLIError("--jobs must be at least 1")
    job = _Job(args)
    job.annotator  # compile once up front: a bad glossary fails before any output
    # The compiled glossary lives as long as the process: keep it out of the
    # garbage collector's full passes, which otherwise rescan it again and
    # again while millions of mentions are made (about 30% of matching time).
    import gc

    gc.freeze()
    failures = 0
    try:
        with atomic_write(args.output, inputs=[f for f in args.files if f != "-"]) as out:
            if args.format == "html":
                title = args.files[0] if len(args.files) == 1 else f"{len(args.files)} documents"
                out.write(html_head(f"termkit: {title}"))
            if args.jobs == 1 or len(args.files) == 1 or "-" in args.files:
                failures = _run_serial(job, args.files, out)
            else:
                failures = _run_parallel(job, args.files, out, args.jobs)
            if args.format == "html":
                out.write(HTML_TAIL)
            if failures == len(args.files):
                raise CLIError("no input could be read; nothing written", EXIT_INPUT)
    except InputError as e:  # refusing to overwrite an input, or the output failed
        raise CLIError(str(e)) from None
    except OSError as e:
        raise CLIError(f"{args.output}: cannot write output: {e.strerror or e}") from None
    return EXIT_INPUT if failures else EXIT_OK


def _run_serial(job: _Job, files: list[str], out) -> int:
    from .textio import InputError

    failures = 0
    sizes = [os.path.getsize(f) if f != "-" and os.path.isfile(f) else 0 for f in files]
    progress = _progress_bar(sum(sizes), "B") if sum(sizes) > 50_000_000 else None
    for index, path in enumerate(files):
        try:
            job.run(path, index, out, progress)
        except InputError as e:
            _fail(str(e))
            failures += 1
    if progress is not None:
        progress.close()
    return failures


def _run_parallel(job: _Job, files: list[str], out, jobs: int) -> int:
    """Files annotated by a pool of processes; output in input order."""
    import shutil
    import tempfile
    from concurrent.futures import ProcessPoolExecutor

    import codecs

    failures = 0
    progress = _progress_bar(len(files), "file") if len(files) > 20 else None
    # The parts are UTF-8: copy them as bytes where the output is UTF-8 too.
    utf8 = codecs.lookup(getattr(out, "encoding", None) or "ascii").name == "utf-8"
    raw = getattr(out, "buffer", None) if utf8 else None
    with tempfile.TemporaryDirectory(prefix="termkit-") as tmpdir:
        tasks = [(path, i, tmpdir) for i, path in enumerate(files)]
        with ProcessPoolExecutor(max_workers=jobs, initializer=_worker_init, initargs=(job,)) as pool:
            for part, error in pool.map(_worker_run, tasks, chunksize=max(1, min(8, len(files) // (jobs * 16)))):
                if error is not None:
                    _fail(error)
                    failures += 1
                else:
                    if raw is not None:  # bytes to bytes: no decode and re-encode
                        out.flush()
                        with open(part, "rb") as f:
                            shutil.copyfileobj(f, raw, 1 << 20)
                    else:
                        with open(part, encoding="utf-8", newline="") as f:
                            shutil.copyfileobj(f, out)
                    os.unlink(part)
                if progress is not None:
                    progress.update(1)
    if progress is not None:
        progress.close()
    return failures


def _extract(args) -> int:
    from pathlib import Path

    from .extract import extract_terms, to_yaml
    from .textio import InputError, atomic_write, read_document

    if args.files.count("-") > 1:
        raise CLIError("standard input (-) can be read only once")
    terms, seen, failures = [], set(), 0
    for path in args.files:
        try:
            doc = read_document(path, args.encoding)
        except InputError as e:
            _fail(str(e))
            failures += 1
            continue
        document = "stdin" if path == "-" else Path(path).name
        found = extract_terms(doc.text, document)
        if not found:
            _fail(f"{doc.name}: no 名词解释 appendix found")
            failures += 1
            continue
        for t in found:
            forms = {f for f, _ in t.forms}
            if t.id in seen or forms & seen:
                _fail(f"{doc.name}: skipping {t.key!r}: an earlier file already has it")
                continue
            seen |= forms | {t.id}
            terms.append(t)
    if not terms:
        raise CLIError("no entries extracted; nothing written", EXIT_INPUT)
    name = args.name or ("stdin" if args.files[0] == "-" else Path(args.files[0]).stem)
    sources = ", ".join("standard input" if f == "-" else Path(f).name for f in args.files)
    try:
        with atomic_write(args.output, inputs=[f for f in args.files if f != "-"]) as out:
            out.write(to_yaml(terms, name, f"Extracted by termkit from the 名词解释 of {sources}; review before use."))
    except InputError as e:
        raise CLIError(str(e)) from None
    return EXIT_INPUT if failures else EXIT_OK


def _validate(args) -> int:
    from .validate import format_json, format_text, has_errors, validate_files

    findings = validate_files(args.files)
    if args.format == "json":
        print(format_json(findings))
    else:
        shown = [f for f in findings if f.severity != "info"] if args.quiet else findings
        print(format_text(shown))
    return EXIT_INVALID if has_errors(findings) else EXIT_OK


def _term_text(term, origin: str | None) -> str:
    lines = [f"{term.headword}", f"  id:         {term.id}", f"  key:        {term.key}"]
    if term.aliases:
        lines.append(f"  aliases:    {'、'.join(term.aliases)}")
    if term.variants:
        lines.append(f"  variants:   {'、'.join(term.variants)}")
    lines += [f"  kind:       {term.kind.value}", f"  scope:      {term.scope}"]
    if term.en:
        lines.append(f"  en:         {term.en}")
    lines.append(f"  definition: {term.definition if term.definition else '(none in the sources)'}")

    def walk(components, depth):
        for c in components:
            pad = "  " * depth
            lines.append(f"{pad}- {c.name}" + (f"：{c.definition}" if c.definition else ""))
            for n, item in enumerate(c.items, 1):
                lines.append(f"{pad}    {n}. {item}")
            walk(c.components, depth + 1)

    if term.components:
        lines.append("  components:")
        walk(term.components, 2)
    lines.append("  sources:")
    for s in term.sources:
        where = ", ".join(x for x in (s.item, f"line {s.line}" if s.line else None, s.note) if x)
        lines.append(f"    - {s.document}" + (f" ({where})" if where else ""))
    if origin:
        lines.append(f"  file:       {origin}")
    return "\n".join(lines)


def _glossary(args) -> int:
    if args.glossary_command == "schema":
        from .model import json_schema

        print(json.dumps(json_schema(), ensure_ascii=False, indent=2))
        return EXIT_OK
    glossary = _load_glossary(args.no_default_glossary, args.glossary)
    if args.glossary_command == "list":
        for t in glossary:
            if args.format == "jsonl":
                print(json.dumps(t.model_dump(mode="json", exclude_defaults=True), ensure_ascii=False))
            else:
                gloss = (t.definition or "").replace("\n", " ")
                gloss = gloss[:40] + "…" if len(gloss) > 40 else gloss
                print(f"{t.key}\t{t.scope}\t{t.id}\t{gloss}")
        return EXIT_OK
    term = glossary.find_term(args.key)
    if term is None:
        raise CLIError(f"no term with key, alias or id {args.key!r} (see 'termkit glossary list')", EXIT_INPUT)
    if args.format == "json":
        print(json.dumps(term.model_dump(mode="json"), ensure_ascii=False, indent=2))
    else:
        print(_term_text(term, glossary.origin(term.id)))
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "annotate":
            return _annotate(args)
        if args.command == "extract":
            return _extract(args)
        if args.command == "validate":
            return _validate(args)
        if args.command == "glossary":
            if not args.glossary_command:
                parser.parse_args(["glossary", "--help"])
            return _glossary(args)
        parser.print_help()
        return EXIT_USAGE
    except CLIError as e:
        _fail(str(e))
        return e.status
    except KeyboardInterrupt:
        _fail("interrupted")
        return 130
    except BrokenPipeError:
        sys.stderr.close()  # e.g. piped into head: not an error
        return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
