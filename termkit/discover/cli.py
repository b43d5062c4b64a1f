"""The ``termkit discover`` subcommand: :func:`add_parser` and :func:`run`.

The glossary options and their loading are ``annotate``'s own
(``termkit.cli._add_glossary_options``, ``_load_glossary``), imported when
called: ``termkit.cli`` imports this module only inside ``build_parser``.
"""

from __future__ import annotations

import argparse

EXAMPLES = """\
examples:
  termkit discover reports/                       # a table of the top 50 candidates
  termkit discover --top 0 -f jsonl reports/ > candidates.jsonl   # all of them, with evidence
  termkit discover -f csv -o candidates.csv a.txt b.txt
  termkit discover --yaml -o draft.yaml reports/  # draft glossary entries; then: termkit validate draft.yaml
  termkit discover -g my-terms.yaml -j 2 reports/ # what neither glossary has, in two processes
  cat report.txt | termkit discover -             # standard input
"""


def add_parser(sub) -> argparse.ArgumentParser:
    """Add the ``discover`` subparser to ``termkit``'s subparsers."""
    from ..cli import HELP, _add_glossary_options

    d = sub.add_parser(
        "discover", help=HELP["discover"],
        description="Find formula-shaped strings (两个确立, 三大攻坚战, 1+3+N, “放管服”) in report files that the "
        "glossary (bundled and yours) does not cover, ranked by how formula-like, frequent, quoted and widely "
        "used they are, each with its evidence: count, documents, first and last date, example lines, a "
        "definition where the text gives one, and near misses of known terms (misprints, variants).",
        epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    d.add_argument("files", nargs="+", metavar="FILE_OR_DIR",
                   help="report files, directories of them (.md, .txt), or - for standard input")
    d.add_argument("--format", "-f", choices=("table", "jsonl", "csv"), default="table",
                   help="table (default), jsonl (one record per candidate with its evidence) or csv")
    d.add_argument("--yaml", action="store_true",
                   help="write draft glossary entries (YAML that 'termkit validate' accepts) instead")
    d.add_argument("--top", type=int, default=50, metavar="N", help="show the best N candidates (0: all; default 50)")
    d.add_argument("--output", "-o", metavar="PATH", default="-", help="write here (atomically)")
    _add_glossary_options(d)
    d.add_argument("--encoding", metavar="ENC", help="decode the input with this encoding instead of detecting it")
    d.add_argument("--jobs", "-j", type=int, default=1, metavar="N", help="scan files in N processes")
    return d


def run(args) -> int:
    """Run ``termkit discover``; the exit status (raises ``termkit.cli.CLIError`` for errors)."""
    import multiprocessing

    from ..batch import progress_bar
    from ..cli import EXIT_INPUT, EXIT_OK, CLIError, _check_encoding, _fail, _load_glossary, _warn, usable_cpus
    from ..corpus.extract import report_files
    from ..corpus.locate import Locator
    from ..match import Annotator
    from ..textio import InputError, atomic_write, read_document
    from .collect import ScanTask, attach_examples, gather, scan_file, select
    from .near import NearMisses
    from .report import render

    if args.files.count("-") > 1:
        raise CLIError("standard input (-) can be read only once")
    if args.jobs < 1:
        raise CLIError("--jobs must be at least 1")
    if args.top < 0:
        raise CLIError("--top must be 0 (all) or more")
    _check_encoding(args.encoding)
    glossary = _load_glossary(args.no_default_glossary, args.glossary, args.terms)
    locator = Locator()
    tasks, stdin_lines = [], None
    for path, shown in report_files([f for f in args.files]):
        text = None
        if path == "-":
            try:
                doc = read_document("-", args.encoding)
            except InputError as e:
                raise CLIError(str(e), EXIT_INPUT) from None
            text, shown = doc.text.replace("\r\n", "\n"), "-"
            stdin_lines = text.split("\n")
        tasks.append(ScanTask(path, shown, args.encoding, locator, text))
    if not tasks:
        raise CLIError("no report files (.md, .txt) found in " + ", ".join(args.files), EXIT_INPUT)
    jobs = min(args.jobs, usable_cpus(), len(tasks))
    bar = progress_bar(len(tasks), "file") if len(tasks) > 1 else None
    results, failures = [], 0
    pool = multiprocessing.get_context("spawn").Pool(jobs) if jobs > 1 else None
    try:
        scanned = pool.imap(scan_file, tasks, chunksize=8) if pool else map(scan_file, tasks)
        for r in scanned:
            if bar is not None:
                bar.update(1)
            if r["error"]:
                _fail(r["error"])
                failures += 1
                continue
            if r.get("warning"):
                _warn(r["warning"])
            results.append(r)
    finally:
        if pool is not None:
            pool.terminate()
        if bar is not None:
            bar.close()
    if not results:
        raise CLIError("no input file could be read; nothing written", EXIT_INPUT)
    annotator = Annotator(glossary)
    cands = select(gather(results), annotator, NearMisses(glossary))
    top = args.top or None
    cands = attach_examples(cands[: top * 2 if top else None], annotator, args.encoding, stdin_lines)[:top]
    try:
        with atomic_write(args.output, inputs=[f for f in args.files if f != "-"]) as out:
            render(cands, "yaml" if args.yaml else args.format, glossary, out)
    except InputError as e:
        raise CLIError(str(e)) from None
    return EXIT_INPUT if failures else EXIT_OK
