"""The ``termkit`` command.

Exit status: 0 success; 1 some input file could not be read or decoded (the
others were still processed); 2 usage error, bad glossary, output that could
not be written, or a worker process that died; 3 ``validate`` found errors.
"""

from __future__ import annotations

import argparse
import contextlib
import io
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


def _warn(message: str) -> None:
    _fail(f"warning: {message}")


def _fail(message: str) -> None:
    # With stderr closed (2>&-) Python's print(file=None) would write to
    # stdout, into the output: say nothing rather than that.
    if sys.stderr is not None:
        print(f"termkit: {message}", file=sys.stderr)


class Terminated(KeyboardInterrupt):
    """SIGTERM (a job scheduler, Kubernetes, a subprocess timeout): handled
    like Ctrl-C — output files left as they were, worker processes ended,
    temporary files removed — and exit status 143."""


def _terminate(signum, frame):
    raise Terminated()


_ANNOTATE_EXAMPLES = """\
examples:
  termkit annotate report.txt                     # one JSON line per mention
  termkit annotate --format inline report.txt     # definitions in （…） after first mentions
  termkit annotate --format html -o report.html report.txt
  termkit annotate -f html -o pages/ *.txt         # a page per file, and pages/index.html
  cat report.txt | termkit annotate -             # read standard input
  termkit annotate --glossary my-terms.yaml *.txt # add your own terms to the bundled ones
  termkit annotate --terms words.txt report.txt   # a plain list: one term a line, optional TAB definition
  termkit annotate --encoding gb18030 --offsets bytes old-report.txt
  termkit annotate -j 2 -o corpus.jsonl reports/*.txt   # two processes
  termkit annotate --scope 长治市上党区 --date 2023 report.txt   # say where and when it is from
  termkit annotate --manifest reports.csv --documents reports/*.md   # each file's place and date
  termkit annotate --explain report.txt | grep 三区三线   # why each occurrence was tagged or not
"""

def _add_glossary_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--glossary", "-g", action="append", default=[], metavar="PATH",
        help="a glossary file to add to the bundled glossary (repeatable): YAML, or by its extension TBX, "
        "CSV, TSV or JSON lines; its entries "
        "replace bundled ones with the same id or form",
    )
    p.add_argument(
        "--terms", action="append", default=[], metavar="FILE",
        help="a plain list of terms to add, one a line, optionally 'term<TAB>definition' (repeatable)",
    )
    p.add_argument(
        "--no-default-glossary", action="store_true",
        help="do not load the bundled glossary (use only --glossary and --terms files)",
    )


#: Each command's one line in ``termkit --help``.
HELP = {
    "annotate": "tag every glossary term in text files",
    "extract": "turn reports' 名词解释 appendices into glossary YAML",
    "validate": "check glossary files: schema, duplicates, numerals against parts",
    "glossary": "list, show or describe glossary terms",
    "discover": "find candidate formulas that the glossary does not cover yet",
    "stats": "count every glossary term across a corpus: tables, summary, HTML report",
    "trend": "plot how often terms occur, year by year",
}


def _columns() -> int:
    """The terminal's width as ``shutil.get_terminal_size`` tells it ($COLUMNS,
    else standard output's terminal, else 80), without importing shutil."""
    try:
        columns = int(os.environ.get("COLUMNS", ""))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80


class _Width:
    """argparse's help formatters import shutil (and with it zlib, bz2 and
    lzma: 2 ms at every start) for the terminal's width: told it here."""

    def __init__(self, prog, indent_increment=2, max_help_position=24, width=None):
        super().__init__(prog, indent_increment, max_help_position, _columns() - 2 if width is None else width)


class _Plain(_Width, argparse.HelpFormatter):
    pass


class _Raw(_Width, argparse.RawDescriptionHelpFormatter):
    pass


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose help is formatted by :class:`_Plain` unless told
    otherwise (and so are its commands': their parsers are of this class)."""

    def __init__(self, *args, formatter_class=_Plain, **kwargs):
        super().__init__(*args, formatter_class=formatter_class, **kwargs)


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The ``termkit`` command's parser; with ``command``, only that
    command's options are added (the others are named, with their help):
    what a run needs, for a quicker start."""
    parser = _Parser(
        prog="termkit",
        description="Tag and expand the slogans and abbreviations of Chinese government documents.",
        epilog="examples:\n"
        "  termkit annotate --format inline report.txt    # definitions after first mentions\n"
        "  termkit glossary show 六九九六                   # one term in full\n"
        "  termkit extract report.txt -o terms.yaml       # a report's 名词解释 as a glossary\n"
        "  termkit validate terms.yaml                    # check it\n"
        "  termkit discover reports/                      # formulas the glossary does not have yet\n"
        "  termkit stats reports/ -o tables/              # count every term across a corpus\n"
        "  termkit trend 新质生产力 --corpus reports/       # a plot of it, year by year\n"
        "  termkit glossary export --format tbx -o g.tbx  # for CAT tools (also csv, tsv, jsonl)\n\n"
        "Run 'termkit COMMAND --help' for the options and examples of a command.",
        formatter_class=_Raw,
    )
    parser.add_argument("--version", action="version", version=f"termkit {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    for name, text in HELP.items():
        if command in HELP and name != command:
            sub.add_parser(name, help=text)  # named only: this run is another command's
        else:
            _add_command(sub, name)
    return parser


def _add_command(sub, command: str) -> None:
    """Add the whole parser of ``command`` to ``sub``."""
    if command == "annotate":
        _add_annotate(sub)
    elif command == "extract":
        _add_extract(sub)
    elif command == "validate":
        _add_validate(sub)
    elif command == "glossary":
        _add_glossary(sub)
    elif command == "discover":
        from .discover.cli import add_parser

        add_parser(sub)
    else:
        from .stats.cli import add_parsers

        add_parsers(sub, command)


def _add_annotate(sub) -> None:
    a = sub.add_parser(
        "annotate", help=HELP["annotate"],
        description="Find every glossary term in the files and write them out as JSON lines, "
        "expanded text or an HTML page.",
        epilog=_ANNOTATE_EXAMPLES, formatter_class=_Raw,
    )
    a.add_argument("files", nargs="+", metavar="FILE", help="text files to annotate, or - for standard input")
    from .render import FORMATS

    a.add_argument("--format", "-f", choices=(*FORMATS, "parquet"), default="jsonl",
                   help="; ".join(f"{f.name}: {f.help}" for f in FORMATS.values())
                   + "; parquet: the csv's rows as a Parquet file, typed (needs pyarrow: termkit[arrow])")
    a.add_argument("--output", "-o", metavar="PATH", default="-",
                   help="write here (atomically) instead of standard output; with --format html, a directory "
                   "(DIR/) gets a page per file and an index.html linking them")
    _add_glossary_options(a)
    a.add_argument("--engine", default="auto", help="matching engine: auto (default: native where termkit's C module is built), native, daachorse, "
                   "pyahocorasick")
    a.add_argument("--encoding", metavar="ENC", help="decode the input with this encoding instead of detecting it")
    a.add_argument("--offsets", choices=("chars", "bytes"), default="chars",
                   help="jsonl offsets in code points of the decoded text (default) or bytes of the raw file")
    a.add_argument("--overlapping", action="store_true",
                   help="jsonl: report every occurrence, not only the leftmost-longest ones")
    a.add_argument("--explain", action="store_true",
                   help="instead of the mentions, every candidate occurrence with its verdict (kept, ambiguous, "
                   "ascii-boundary, context, overlap, scope), the reason and the mention that won, as jsonl: to "
                   "find out why a term was or was not tagged. Reads each file whole, in one process: for looking "
                   "into a document (at most 64 MiB), not for corpora")
    a.add_argument("--jobs", "-j", type=int, default=1, metavar="N",
                   help="annotate in N processes: many files at once, or one large file in segments "
                   "(output stays in input order); at most as many as the processors termkit may use")
    w = a.add_argument_group(
        "where and when", "A form that terms of several places or years share (or a term of one place) "
        "stands for the term of the document's own place, the most specific that contains it, and year; "
        "where none applies the mention is ambiguous and lists its candidates. Each file's place and "
        "date are given, read from a manifest, or detected from its path and first lines.")
    w.add_argument("--scope", metavar="PLACE", default="auto",
                   help="where every file is from (长治市上党区, 山西省, national), 'auto' to detect it for "
                   "each file (default), or 'none' for no place")
    w.add_argument("--date", metavar="YYYY[-MM[-DD]]", help="when every file is from (default: detected)")
    w.add_argument("--manifest", metavar="CSV",
                   help="a CSV with a header row naming path, scope, date (and type, title): each file's place "
                   "and date, before detection")
    w.add_argument("--documents", action="store_true",
                   help="say where and when each file is from, and how that was decided: a jsonl record "
                   '{"file", "document"} before its mentions, a line under its name for inline and footnotes '
                   "(html always says it)")
    from .text.normalize import STEP_TABLE

    for name, _, text in STEP_TABLE:
        a.add_argument(f"--no-{name}", action="store_true", help=f"do not {text}")


def _add_extract(sub) -> None:
    x = sub.add_parser(
        "extract", help=HELP["extract"],
        description="Find the 名词解释 (名词注解, 注释, 附注, 有关名词解释, 名词解释和说明) appendix of each "
        "report and write its entries as a glossary file in termkit's own format, with provenance. "
        "With -o OUTDIR/ (a directory, or a path ending in /) or a directory among the inputs, every "
        "report gets its own glossary file, named by jurisdiction and year, and OUTDIR/summary.json "
        "sums it up. Review the result, then use it with 'termkit annotate --glossary'.",
        epilog="examples:\n  termkit extract report.txt -o report-terms.yaml\n"
        "  termkit extract reports/ -o glossaries/ --jobs 4\n"
        "  termkit validate report-terms.yaml\n"
        "  termkit annotate --glossary report-terms.yaml other-report.txt",
        formatter_class=_Raw,
    )
    x.add_argument("files", nargs="+", metavar="FILE_OR_DIR",
                   help="report text files, directories of them (.md, .txt), or - for standard input")
    x.add_argument("--output", "-o", metavar="PATH", default="-",
                   help="write the YAML here (atomically); a directory (or PATH/) for one file per report")
    x.add_argument("--name", help="the glossary's name (default: from the first file name)")
    x.add_argument("--encoding", metavar="ENC", help="decode the input with this encoding instead of detecting it")
    x.add_argument("--jobs", "-j", type=int, default=1, metavar="N",
                   help="with an output directory: read reports in N processes (output stays in input order)")


def _add_validate(sub) -> None:
    v = sub.add_parser(
        "validate", help=HELP["validate"],
        description="Check glossary files: schema errors with file and entry, duplicate ids and keys, "
        "references between terms, and whether the numerals of keys like 六九九六 or 1+2+15 agree "
        "with the counts of their components and items. Exits 3 when there are errors.",
        epilog="examples:\n  termkit validate glossaries/*.yaml\n  termkit validate --format json my.yaml | jq '.[] | select(.code == \"count-mismatch\")'",
        formatter_class=_Raw,
    )
    v.add_argument("files", nargs="+", metavar="GLOSSARY", help="glossary YAML files")
    v.add_argument("--format", choices=("text", "json"), default="text")
    v.add_argument("--quiet", "-q", action="store_true", help="text: show only errors and warnings")


def _add_glossary(sub) -> None:
    g = sub.add_parser(
        "glossary", help=HELP["glossary"],
        epilog="examples:\n  termkit glossary list | grep 上党\n  termkit glossary show 六九九六\n"
        "  termkit glossary schema > glossary.schema.json",
        formatter_class=_Raw,
    )
    g.set_defaults(print_glossary_help=g.print_help)
    gsub = g.add_subparsers(dest="glossary_command", metavar="SUBCOMMAND")
    gl = gsub.add_parser("list", help="list the terms, one per line",
                         epilog="example:\n  termkit glossary list | grep 区",
                         formatter_class=_Raw)
    gl.add_argument("--format", choices=("text", "jsonl"), default="text")
    _add_glossary_options(gl)
    gs = gsub.add_parser("show", help="show a term in full (every term of a form that several places or years define)",
                         epilog="examples:\n  termkit glossary show 六九九六\n  termkit glossary show shangdang/清化收",
                         formatter_class=_Raw)
    gs.add_argument("key", help="the term's key, alias, variant or id")
    gs.add_argument("--format", choices=("text", "json"), default="text")
    _add_glossary_options(gs)
    ge = gsub.add_parser(
        "export", help="write the glossary as TBX, CSV, TSV or JSON lines (for CAT tools and spreadsheets)",
        description="Write the glossary (the bundled one and any --glossary files) in an exchange format. "
        "Every format reads back with --glossary FILE (by its extension: .tbx, .csv, .tsv, .jsonl) into "
        "the same terms. TBX is TBX-Basic, DCA style (ISO 30042).",
        epilog="examples:\n  termkit glossary export --format tbx -o terms.tbx\n"
        "  termkit glossary export --format csv -o terms.csv       # edit in a spreadsheet, then:\n"
        "  termkit annotate --glossary terms.csv report.txt\n"
        "  termkit glossary export --format tsv --omegat -o glossary.txt   # OmegaT: source, target, comment",
        formatter_class=_Raw)
    ge.add_argument("--format", choices=("tbx", "csv", "tsv", "jsonl"), required=True)
    ge.add_argument("--omegat", action="store_true",
                    help="csv/tsv: only OmegaT's columns: source (key), target (en), comment (definition)")
    ge.add_argument("--output", "-o", default="-", metavar="PATH", help="the file to write (default: stdout)")
    _add_glossary_options(ge)
    gsub.add_parser("schema", help="print the JSON Schema of glossary files (for editors)",
                    epilog="example:\n  termkit glossary schema > glossary.schema.json   "
                    "# then point your editor's YAML schema setting at it",
                    formatter_class=_Raw)


# -- commands ---------------------------------------------------------------

def _load_glossary(no_default: bool, paths: list[str], term_lists: list[str] = ()):
    from .glossary import Glossary, GlossaryError

    try:
        glossary = Glossary([]) if no_default else Glossary.load()
        if paths:  # the user's files win where they define a bundled term again
            glossary = glossary.overlay(Glossary.from_files(paths))
        if term_lists:
            glossary = glossary.overlay(Glossary.from_term_lists(term_lists))
    except GlossaryError as e:
        raise CLIError(str(e)) from None
    except OSError as e:  # (the user's files are GlossaryErrors: this is the bundled folder)
        raise CLIError(f"{e.filename}: cannot read the bundled glossary: {e.strerror}; "
                       "reinstall termkit, or give --no-default-glossary") from None
    if not len(glossary):
        raise CLIError("the glossary is empty: give --glossary PATH or --terms FILE, or drop --no-default-glossary")
    return glossary


class _AnnotatorSpec:
    """Builds the Annotator the options ask for; picklable, for worker processes
    that do not inherit the parent's compiled one."""

    def __init__(self, args):
        self.no_default = args.no_default_glossary
        self.glossary_paths = list(args.glossary)
        self.term_lists = list(args.terms)
        from .text.normalize import STEP_TABLE

        self.normalization = {k: not getattr(args, f"no_{k}") for k, _, _ in STEP_TABLE}
        self.engine = args.engine

    def __call__(self):
        from .match import Annotator
        from .text.normalize import Normalization

        glossary = _load_glossary(self.no_default, self.glossary_paths, self.term_lists)
        try:
            return Annotator(glossary, normalization=Normalization(**self.normalization), engine=self.engine)
        except ValueError as e:
            raise CLIError(str(e)) from None


def _locator(args):
    """Where and when each file is from, by the where-and-when options."""
    from .corpus.locate import Locator

    manifest = None
    if args.manifest:
        from .corpus.manifest import ManifestError, read_manifest

        try:
            manifest = read_manifest(args.manifest)
        except (ManifestError, OSError) as e:
            raise CLIError(str(e) if isinstance(e, ManifestError) else f"{args.manifest}: {e.strerror}") from None
    scope = None if args.scope in ("auto", "none") else args.scope
    try:
        return Locator(scope=scope, date=args.date, manifest=manifest, detect=args.scope != "none")
    except ValueError as e:
        raise CLIError(f"--date: {e}") from None


def _annotate(args) -> int:
    from .batch import AnnotateJob, WorkerError, run_parallel, run_segments, run_serial, segmentable
    from .render import FORMATS, printable
    from .textio import InputError, atomic_write

    if args.files.count("-") > 1:
        raise CLIError("standard input (-) can be read only once")
    if args.jobs < 1:
        raise CLIError("--jobs must be at least 1")
    parquet = args.format == "parquet"
    if parquet:
        _check_parquet(args)
    fmt = FORMATS["csv" if parquet else args.format]
    too_large: tuple = ()  # (--explain's error: its module is imported only for it)
    if args.explain:
        fmt = _explain_format(args)
        from .match.explain import TooLarge

        too_large = (TooLarge,)
    for option, given in (("offsets", args.offsets != "chars"), ("overlapping", args.overlapping),
                          ("documents", args.documents)):
        if given and option not in fmt.options:
            takes = ", ".join(f.name for f in FORMATS.values() if option in f.options)
            raise CLIError(f"--{option} applies to --format {takes} only")
    _check_encoding(args.encoding)
    jobs = 1 if args.explain else min(args.jobs, usable_cpus())
    job = AnnotateJob(_AnnotatorSpec(args), format=fmt.name, encoding=args.encoding, offsets=args.offsets,
                      overlapping=args.overlapping, headers=len(args.files) > 1, locate=_locator(args),
                      documents=args.documents)
    job.compile()  # once, up front: a bad glossary fails before any output
    # The compiled glossary lives as long as the process: keep it out of the
    # garbage collector's full passes, which otherwise rescan it again and
    # again while millions of mentions are made (without the C module, whose
    # mentions it does not track, about a quarter of matching time).
    import gc

    gc.freeze()
    if fmt.name == "html" and (args.output.endswith(("/", os.sep)) or os.path.isdir(args.output)):
        return _annotate_pages(args, job)
    files = args.files
    failures = 0
    try:
        # Inputs include the glossary files: -o must never overwrite either.
        with atomic_write(args.output, inputs=[*files, *args.glossary, *args.terms]) as final:
            # Parquet is made from the csv, written first to a temporary file.
            out = _temporary_text() if parquet else final
            title = printable(files[0]) if len(files) == 1 else f"{len(files)} documents"
            out.write(fmt.head(f"termkit: {title}"))
            if jobs > 1 and len(files) == 1 and segmentable(job, files[0]):
                failures = run_segments(job, files[0], out, jobs, _fail, _warn)
            elif jobs == 1 or len(files) == 1 or "-" in files:
                failures = run_serial(job, files, out, _fail, _warn)
            else:
                failures = run_parallel(job, files, out, min(jobs, len(files)), _fail, _warn)
            out.write(fmt.tail)
            if failures == len(files):
                left = "" if args.output == "-" else f"; {args.output} left as it was"
                raise CLIError(f"no input could be read{left}", EXIT_INPUT)
            if parquet:
                from .columnar import csv_to_parquet

                out.flush()
                out.buffer.seek(0)
                final.flush()
                csv_to_parquet(out.buffer, final.buffer)
    except (InputError, WorkerError, *too_large) as e:
        # refusing to overwrite an input, the output failed, a worker died, a document too large for --explain
        raise CLIError(str(e)) from None
    except BrokenPipeError:
        raise
    except OSError as e:
        from .textio import _reason

        raise CLIError(f"{args.output}: cannot write: {_reason(e)}") from None
    return EXIT_INPUT if failures else EXIT_OK


class _Unreadable(Exception):
    """A file could not be read: its page is not written."""


def _annotate_pages(args, job) -> int:
    """``--format html -o DIR/``: a page per document (named after it) and
    DIR/index.html linking them with their counts of mentions and terms."""
    from .batch import run_serial
    from .render import FORMATS, html_index, page_counts, printable
    from .textio import InputError, atomic_write

    fmt = FORMATS["html"]
    os.makedirs(args.output, exist_ok=True)
    inputs = [*args.files, *args.glossary, *args.terms]
    taken = {"index"}
    pages = []
    for path in args.files:
        stem = "stdin" if path == "-" else os.path.splitext(os.path.basename(path))[0] or "document"
        name, n = stem, 1
        while name in taken:
            n += 1
            name = f"{stem}-{n}"
        taken.add(name)
        page = os.path.join(args.output, name + ".html")
        try:
            with atomic_write(page, inputs=inputs) as out:
                out.write(fmt.head(f"termkit: {printable(path)}"))
                if run_serial(job, [path], out, _fail, _warn):
                    raise _Unreadable
                out.write(fmt.tail)
        except _Unreadable:
            continue
        except InputError as e:
            raise CLIError(str(e)) from None
        pages.append((name + ".html", path, page_counts(page)))
    if not pages:
        raise CLIError(f"no input could be read; nothing written to {args.output}", EXIT_INPUT)
    with atomic_write(os.path.join(args.output, "index.html"), inputs=inputs) as out:
        out.write(html_index(f"termkit: {len(pages)} documents", pages))
    return EXIT_INPUT if len(pages) < len(args.files) else EXIT_OK


def _check_parquet(args) -> None:
    """Usage errors of --format parquet: pyarrow missing, binary output to a terminal."""
    import importlib.util

    if importlib.util.find_spec("pyarrow") is None:
        raise CLIError("--format parquet needs pyarrow: pip install 'termkit[arrow]'")
    if args.output == "-" and sys.stdout is not None and sys.stdout.isatty():
        raise CLIError("--format parquet writes binary data: give -o FILE.parquet (or redirect the output)")


def _temporary_text():
    """A UTF-8 text stream on a nameless temporary file, its bytes at ``.buffer``."""
    import tempfile

    return io.TextIOWrapper(tempfile.TemporaryFile("w+b"), encoding="utf-8", newline="")


def _explain_format(args):
    """The format --explain writes: jsonl of verdicts, of files small enough to read whole."""
    from .match.explain import MAX_BYTES, explain_format, too_large

    if args.format != "jsonl":
        raise CLIError(f"--explain writes jsonl: it cannot be used with --format {args.format}")
    for path in args.files:
        if path != "-" and os.path.isfile(path) and os.path.getsize(path) > MAX_BYTES:
            raise CLIError(too_large(path))
    return explain_format()


def _check_encoding(encoding: str | None) -> None:
    """A usage error (exit 2) for an --encoding that cannot decode files."""
    from .textio import InputError, resolve_encoding

    if encoding:
        try:
            resolve_encoding(encoding)
        except InputError as e:
            raise CLIError(str(e)) from None


def usable_cpus() -> int:
    """How many processors this process may run on: more --jobs than that
    only slow termkit down (each process competes for the same cores)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _extract(args) -> int:
    from pathlib import Path

    from .corpus.extract import extract_report, to_yaml
    from .textio import InputError, atomic_write, read_document

    if args.files.count("-") > 1:
        raise CLIError("standard input (-) can be read only once")
    _check_encoding(args.encoding)
    to_dir = args.output.endswith(("/", os.sep)) or Path(args.output).is_dir()
    if to_dir or any(Path(f).is_dir() for f in args.files if f != "-"):
        return _extract_corpus(args)
    terms, seen, failures = [], set(), 0
    for path in args.files:
        try:
            doc = read_document(path, args.encoding)
        except InputError as e:
            _fail(str(e))
            failures += 1
            continue
        if doc.warning:
            _warn(doc.warning)
        document = "stdin" if path == "-" else Path(path).name
        result = extract_report(doc.text, document, None if path == "-" else path)
        for w in result.warnings:
            _warn(w)
        if result.problem:
            _fail(result.problem.replace(document, doc.name, 1))
            failures += 1
            continue
        for t in result.terms:
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
        with atomic_write(args.output, inputs=args.files) as out:
            out.write(to_yaml(terms, name, f"Extracted by termkit from the 名词解释 of {sources}; review before use."))
    except InputError as e:
        raise CLIError(str(e)) from None
    return EXIT_INPUT if failures else EXIT_OK


def _extract_corpus(args) -> int:
    """Corpus mode: one glossary file per report in the output directory, and summary.json."""
    import json
    import multiprocessing
    from pathlib import Path

    from .batch import progress_bar
    from .corpus.extract import extract_file, renamed, report_files
    from .textio import InputError, atomic_write

    if "-" in args.files:
        raise CLIError("standard input (-) cannot be read with an output directory; give files")
    if args.output in ("-", "/dev/stdout"):
        raise CLIError("a directory among the inputs needs an output directory: give -o OUTDIR/")
    if args.jobs < 1:
        raise CLIError("--jobs must be at least 1")
    outdir = Path(args.output)
    try:
        outdir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise CLIError(f"{outdir}: cannot create the output directory: {e.strerror or e}") from None
    tasks = [(path, shown, args.encoding) for path, shown in report_files(args.files)]
    if not tasks:
        raise CLIError("no report files (.md, .txt) found in " + ", ".join(args.files), EXIT_INPUT)
    jobs = min(args.jobs, usable_cpus(), len(tasks))
    bar = progress_bar(len(tasks), "report")
    reports, used, failures = [], set(), 0
    first_of: dict[str, str] = {}  # the report each glossary name was first given to
    pool = multiprocessing.get_context("spawn").Pool(jobs) if jobs > 1 else None
    try:
        results = pool.imap(extract_file, tasks, chunksize=4) if pool else map(extract_file, tasks)
        for r in results:
            if bar is not None:
                bar.update(1)
            failures += _report_one(r)
            if r["yaml"] is not None:
                stem, k = r["stem"], 2
                while stem in used:
                    stem, k = f"{r['stem']}-{k}", k + 1
                used.add(stem)
                if stem != r["stem"]:  # two reports of one place and year: ids name the file
                    _warn(f"{r['file']}: another report ({first_of[r['stem']]}) is also of {r['stem']}: "
                          f"written as {stem}.yaml; where both define a term, load only one of them")
                    r["yaml"] = renamed(r["yaml"], r["stem"], stem)
                    r["stem"] = stem
                first_of.setdefault(stem, r["file"])
                r["output"] = f"{stem}.yaml"
                try:
                    with atomic_write(str(outdir / r["output"]), inputs=[r["path"]]) as out:
                        out.write(r["yaml"])
                except InputError as e:
                    raise CLIError(str(e)) from None
            del r["yaml"]
            reports.append(r)
    finally:
        if pool is not None:
            pool.terminate()
        if bar is not None:
            bar.close()
    summary = {
        "reports": len(reports),
        "unreadable": sum(r["error"] is not None for r in reports),
        "appendices": sum(r["appendix"] for r in reports),
        "glossaries": sum("output" in r for r in reports),
        "entries": sum(r["entries"] for r in reports),
        "terms": sum(r["terms"] for r in reports),
        "warnings": sum(len(r["warnings"]) for r in reports),
        "failed": failures,
        "files": reports,
    }
    try:
        with atomic_write(str(outdir / "summary.json")) as out:
            out.write(json.dumps(summary, ensure_ascii=False, indent=1) + "\n")
    except InputError as e:
        raise CLIError(str(e)) from None
    print(f"{summary['reports']} reports read, {summary['appendices']} appendices found, "
          f"{summary['entries']} entries, {summary['terms']} terms in {summary['glossaries']} glossary files, "
          f"{summary['warnings']} warnings; summary in {outdir / 'summary.json'}")
    if not summary["glossaries"]:
        raise CLIError("no entries extracted from any report; only summary.json written", EXIT_INPUT)
    return EXIT_INPUT if failures else EXIT_OK


def _report_one(r: dict) -> int:
    """Print a report's errors and warnings (one line each); 1 if it failed, else 0.

    A report without any appendix is no failure here: most reports of a corpus have none.
    """
    for w in r["warnings"]:
        _warn(w)
    if r["error"]:
        _fail(r["error"])
        return 1
    if r["appendix"] and r["problem"]:
        _fail(r["problem"])
        return 1
    return 0


def _validate(args) -> int:
    from .glossary.validate import format_json, format_text, has_errors, validate_files

    findings = validate_files(args.files)
    if args.format == "json":
        print(format_json(findings))
    else:
        shown = [f for f in findings if f.severity != "info"] if args.quiet else findings
        print(format_text(shown))
    if any(f.code == "unreadable" for f in findings):
        return EXIT_INPUT
    return EXIT_INVALID if has_errors(findings) else EXIT_OK


def _term_text(term, origin: str | None) -> str:
    lines = [f"{term.headword}", f"  id:         {term.id}", f"  key:        {term.key}"]
    if term.aliases:
        lines.append(f"  aliases:    {'、'.join(term.aliases)}")
    if term.variants:
        lines.append(f"  variants:   {'、'.join(term.variants)}")
    lines += [f"  kind:       {term.kind.value}", f"  scope:      {term.scope}"]
    if term.period:
        lines.append(f"  period:     {term.period}")
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
        from .glossary.model import json_schema

        print(json.dumps(json_schema(), ensure_ascii=False, indent=2))
        return EXIT_OK
    from .glossary.model import to_json

    glossary = _load_glossary(args.no_default_glossary, args.glossary, args.terms)
    if args.glossary_command == "export":
        return _export(args, glossary)
    if args.glossary_command == "list":
        for t in glossary:
            if args.format == "jsonl":
                print(json.dumps(to_json(t, exclude_defaults=True), ensure_ascii=False))
            else:
                gloss = (t.definition or "").replace("\n", " ")
                gloss = gloss[:40] + "…" if len(gloss) > 40 else gloss
                print(f"{t.key}\t{t.scope}\t{t.id}\t{gloss}")
        return EXIT_OK
    key = args.key.strip()
    terms = [glossary[key]] if key in glossary else list(glossary.terms_with_form(key))
    if not terms:
        raise CLIError(f"no term with key, alias or id {args.key!r} (see 'termkit glossary list')", EXIT_INPUT)
    if args.format == "json":  # one term: the term; several of one form (places, years): a list
        data = to_json(terms[0]) if len(terms) == 1 else [to_json(t) for t in terms]
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print("\n\n".join(_term_text(t, glossary.origin(t.id)) for t in terms))
    return EXIT_OK


def _export(args, glossary) -> int:
    from .glossary import GlossaryError
    from .glossary.interchange import dump
    from .textio import InputError, atomic_write

    if args.omegat and args.format not in ("csv", "tsv"):
        raise CLIError("--omegat goes with --format csv or tsv")
    try:
        text = dump(glossary, args.format, omegat=args.omegat)
        # -o never overwrites a glossary file it was read from.
        with atomic_write(args.output, inputs=[*args.glossary, *args.terms]) as out:
            out.write(text)
    except (GlossaryError, InputError) as e:
        raise CLIError(str(e)) from None
    return EXIT_OK


def _hold_closed_descriptors() -> None:
    """Open /dev/null on standard input, output or error where the caller
    closed them (``<&-``, ``>&-``, ``2>&-``): otherwise the next file termkit
    opens would get that number, and a stray write to "standard output" would
    land in it. (``sys.stdout`` stays None: writing to it is still refused.)"""
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            os.open(os.devnull, os.O_RDWR)  # takes the lowest free number: fd


def _run(parser: argparse.ArgumentParser, args) -> int:
    if args.command == "annotate":
        return _annotate(args)
    if args.command == "extract":
        return _extract(args)
    if args.command == "validate":
        return _validate(args)
    if args.command == "discover":
        from .discover.cli import run as discover

        return discover(args)
    if args.command == "glossary":
        if not args.glossary_command:
            args.print_glossary_help()
            return EXIT_USAGE
        return _glossary(args)
    if args.command in ("stats", "trend"):
        from .stats.cli import run

        return run(args)
    parser.print_help()
    return EXIT_USAGE


def main(argv: Sequence[str] | None = None) -> int:
    import signal

    _hold_closed_descriptors()
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(next((a for a in argv if not a.startswith("-")), None))
    args = parser.parse_args(argv)
    if sys.stdout is None and getattr(args, "output", "-") in ("-", "/dev/stdout"):
        hint = "; give -o PATH" if hasattr(args, "output") else ""
        _fail(f"<stdout>: cannot write: standard output is closed{hint}")
        return EXIT_USAGE
    # Output is UTF-8 whatever the locale says: jsonl and YAML are UTF-8 formats.
    if hasattr(sys.stdout, "reconfigure") and (sys.stdout.encoding or "").lower().replace("-", "") != "utf8":
        sys.stdout.reconfigure(encoding="utf-8")
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        status = _run(parser, args)
        if sys.stdout is not None:
            sys.stdout.flush()  # here, not at exit, so that a full disk is one line and exit 2
        return status
    except CLIError as e:
        _fail(str(e))
        return e.status
    except Terminated:
        _fail("terminated")
        return 143
    except KeyboardInterrupt:
        _fail("interrupted")
        return 130
    except BrokenPipeError:
        # Piped into head and the reader left: not an error.
        _drop_stdout()
        return EXIT_OK
    except OSError as e:  # standard output could not be written (> /dev/full)
        from .textio import _reason

        _fail(f"<stdout>: cannot write: {_reason(e)}")
        _drop_stdout()
        return EXIT_USAGE
    finally:
        signal.signal(signal.SIGTERM, previous)


def _drop_stdout() -> None:
    """Point standard output at /dev/null, so that the interpreter's last
    flush of what is still buffered does not fail once more at exit."""
    with contextlib.suppress(AttributeError, OSError, ValueError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
