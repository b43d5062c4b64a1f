"""Glossaries in and out: TBX (validated against the TBX-Basic schemas), CSV,
TSV and JSON lines, each giving back the terms it was given."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from termkit import Glossary, GlossaryError
from termkit.cli import main
from termkit.glossary.interchange import FORMATS, dump, parse
from termkit.glossary.model import Component, Context, Kind, Source, Term, check_surface

CASES = Path(__file__).resolve().parent / "cases" / "interchange"
SCHEMAS = Path(__file__).resolve().parents[1].parent / "shared" / "schemas" / "tbx"


# -- the validators: RELAX NG (lxml) and Schematron (the ISO skeleton, run by Saxon-HE) --

def _rng_errors(path: Path) -> list[str]:
    etree = pytest.importorskip("lxml.etree")
    schema = etree.RelaxNG(etree.parse(str(SCHEMAS / "TBXcoreStructV03.rng")))
    return [] if schema.validate(etree.parse(str(path))) else [str(e) for e in schema.error_log]


_SCHEMATRON = {}


def _schematron():
    """TBX-Basic_DCA.sch compiled to XSLT by the ISO Schematron skeleton that lxml
    ships, run by Saxon-HE (saxonche) as XSLT 2.0: the schema's queryBinding is xslt2
    (it uses matches() and paths like ./local-name()). The skeleton lxml ships is the
    XSLT 1 one, which refuses a queryBinding it was not written for: it compiles the
    schema with queryBinding="xslt", and the stylesheet it makes is then run as 2.0."""
    if "xslt" not in _SCHEMATRON:
        saxonche = pytest.importorskip("saxonche")
        isoschematron = pytest.importorskip("lxml.isoschematron")
        steps = Path(isoschematron.__file__).parent / "resources" / "xsl" / "iso-schematron-xslt1"
        sch = (SCHEMAS / "TBX-Basic_DCA.sch").read_text(encoding="utf-8-sig")
        assert 'queryBinding="xslt2"' in sch
        proc = saxonche.PySaxonProcessor(license=False)
        xslt = proc.new_xslt30_processor()
        text = sch.replace('queryBinding="xslt2"', 'queryBinding="xslt"')
        for step in ("iso_dsdl_include.xsl", "iso_abstract_expand.xsl", "iso_svrl_for_xslt1.xsl"):
            text = xslt.compile_stylesheet(stylesheet_file=str(steps / step)).transform_to_string(
                xdm_node=proc.parse_xml(xml_text=text))
        assert text.count('version="1.0">') >= 1
        text = text.replace('version="1.0">', 'version="2.0">', 1)
        _SCHEMATRON.update(proc=proc, xslt=xslt.compile_stylesheet(stylesheet_text=text))
    return _SCHEMATRON["xslt"]


def _schematron_errors(path: Path) -> list[str]:
    report = _schematron().transform_to_string(source_file=str(path))
    assert "schematron-output" in report  # a report was made at all
    return re.findall(r"<svrl:failed-assert.*?<svrl:text>(.*?)</svrl:text>", report, re.S)


needs_schemas = pytest.mark.skipif(not (SCHEMAS / "TBX-Basic_DCA.sch").is_file(),
                                   reason="../shared/schemas/tbx is not here")


@needs_schemas
def test_the_validators_pass_the_example_and_fail_a_broken_copy(tmp_path):
    example = SCHEMAS / "Example_Astronomy_DCA_VALID.tbx"
    assert _rng_errors(example) == [] and _schematron_errors(example) == []
    text = example.read_text(encoding="utf-8")
    broken = tmp_path / "broken.tbx"
    # a data category TBX-Basic does not have: the core structure allows it, the dialect does not
    broken.write_text(text.replace('type="definition"', 'type="meaning"', 1), encoding="utf-8")
    assert _rng_errors(broken) == []
    assert _schematron_errors(broken) == ["Permitted type value(s): subjectField, context, definition"]
    # a conceptEntry without its id: the core structure refuses it
    broken.write_text(text.replace('<conceptEntry id="c1">', "<conceptEntry>", 1), encoding="utf-8")
    assert _rng_errors(broken)


@needs_schemas
def test_the_bundled_glossary_as_tbx_passes_both_schemas_and_reads_back_equal(tmp_path):
    glossary = Glossary.load()
    path = tmp_path / "bundled.tbx"
    path.write_text(dump(glossary, "tbx"), encoding="utf-8")
    assert _rng_errors(path) == []
    assert _schematron_errors(path) == []
    assert list(Glossary.from_files([path])) == list(glossary)


# -- every format gives back the terms it was given --------------------------------

@pytest.mark.parametrize("fmt", FORMATS)
def test_the_bundled_glossary_reads_back_equal(fmt, tmp_path):
    glossary = Glossary.load()
    path = tmp_path / f"bundled.{fmt}"
    path.write_text(dump(glossary, fmt), encoding="utf-8", newline="")
    back = Glossary.from_files([path])
    assert list(back) == list(glossary)
    assert list(Glossary.from_files([path])) == list(glossary)  # again, from the cache


_FORM_CHARS = "三区线清化收兩個維護體制两个维护abcXYZ0123+-|；[],.·/#\\"
_TEXT = st.text(st.one_of(st.characters(exclude_categories=("Cs", "Cc", "Cn")),
                          st.sampled_from('\n\t\r"\',|；“”\\[]#')), max_size=30)
_NON_BLANK = _TEXT.filter(lambda s: s.strip() != "")


def _surface(s: str) -> bool:
    try:
        check_surface(s, "form")
        return True
    except ValueError:
        return False


_FORM = st.text(st.sampled_from(_FORM_CHARS), min_size=1, max_size=6).filter(_surface)
_SOURCES = st.lists(st.builds(Source, document=_NON_BLANK, item=st.none() | _TEXT,
                              line=st.none() | st.integers(1, 10**6), note=st.none() | _TEXT), min_size=1, max_size=3)
_ONLY_DOCUMENTS = st.lists(st.builds(Source, document=_NON_BLANK), min_size=1, max_size=3)
_COMPONENTS = st.recursive(
    st.builds(Component, name=_NON_BLANK, definition=st.none() | _TEXT, items=st.lists(_NON_BLANK, max_size=2).map(tuple),
              ref=st.none() | _FORM),
    lambda inner: st.builds(Component, name=_NON_BLANK, components=st.lists(inner, max_size=2).map(tuple)),
    max_leaves=4)
_CONTEXT = st.builds(Context, quoted=st.booleans(), followed_by=st.lists(_NON_BLANK, max_size=2).map(tuple),
                     not_preceded_by=st.lists(_NON_BLANK, max_size=2).map(tuple))


@st.composite
def _terms(draw):
    n = draw(st.integers(1, 4))
    forms = draw(st.lists(_FORM, min_size=n * 3, max_size=n * 3, unique=True))
    terms = []
    for i in range(n):
        key, *others = forms[i * 3:i * 3 + 3]
        split = draw(st.integers(0, 2))
        terms.append(Term(
            id=f"g{i}/" + draw(st.text(st.sampled_from(_FORM_CHARS + "甲乙"), max_size=5)),
            key=key, headword=draw(_NON_BLANK), aliases=tuple(others[:split]), variants=tuple(others[split:]),
            kind=draw(st.sampled_from(list(Kind))), definition=draw(st.none() | _NON_BLANK),
            components=tuple(draw(st.lists(_COMPONENTS, max_size=2))),
            scope=draw(st.sampled_from(["national", "长治市上党区", "unknown"]) | _NON_BLANK),
            period=draw(st.sampled_from([None, "2021-2025", "2023-", "-2020", "2023"])),
            sources=tuple(draw(_SOURCES | _ONLY_DOCUMENTS)), en=draw(st.none() | _NON_BLANK),
            context=draw(_CONTEXT)))
    return terms


@pytest.mark.parametrize("fmt", FORMATS)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(terms=_terms())
def test_export_then_import_gives_back_the_terms(fmt, terms):
    text = dump(terms, fmt)
    assert list(parse(f"g.{fmt}", text.encode("utf-8")).terms) == terms


def test_tsv_escapes_tabs_and_line_breaks_one_term_a_row():
    [term] = parse("g.jsonl", '{"key": "双碳", "definition": "一\\t二\\r\\n三\\\\四"}'.encode()).terms
    text = dump([term], "tsv")
    assert text.count("\n") == 2 and text.splitlines()[1].startswith("双碳\t一\\t二\\r\\n三\\\\四\t")
    assert parse("g.tsv", text.encode()).terms == (term,)


def test_xml_cannot_hold_a_control_character_and_says_so():
    [term] = parse("g.jsonl", '{"key": "双碳", "definition": "一\\u0001二"}'.encode()).terms
    with pytest.raises(GlossaryError, match=r"^term g/双碳: definition: contains U\+0001, which XML"):
        dump([term], "tbx")


# -- files made by people and by other tools -------------------------------------------

def test_a_csv_saved_by_a_spreadsheet():
    path = CASES / "spreadsheet.csv"
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw  # as saved, not normalized by a checkout
    terms = list(Glossary.from_files([path]))
    assert [(t.key, t.aliases, t.kind.value, t.scope) for t in terms] == [
        ("测试甲", ("测甲", "試驗甲"), "abbreviation", "national"),
        ("示例乙", (), "programme", "示例县"),
        ("示例丙", (), "other", "unknown"),
    ]
    assert terms[0].definition == '测试术语甲的定义，含逗号, 和 "引号"'
    assert terms[1].definition == "第一行\r\n第二行" and terms[2].definition is None
    assert terms[0].id == "spreadsheet/测试甲"
    assert [(s.document, s.line) for s in terms[1].sources] == [("spreadsheet.csv", 4)]


def test_a_minimal_csv_and_an_omegat_glossary():
    assert [t.key for t in Glossary.from_files([CASES / "minimal.csv"])] == ["测试甲", "示例乙"]
    terms = list(Glossary.from_files([CASES / "omegat.tsv"]))
    assert [(t.key, t.en, t.definition) for t in terms] == [
        ("测试甲", "Test Term A", "测试术语甲的定义"), ("示例乙", None, None)]


def test_omegat_columns_are_source_target_comment_under_a_comment_header():
    terms = Glossary.from_files([CASES / "omegat.tsv"])
    assert dump(terms, "tsv", omegat=True) == (CASES / "omegat.tsv").read_text(encoding="utf-8")


def test_a_tbx_from_another_tool():
    [term] = Glossary.from_files([CASES / "foreign.tbx"])
    assert (term.id, term.key, term.aliases, term.variants, term.definition, term.en) == (
        "foreign/测试甲", "测试甲", ("测甲",), ("测试申",), "测试术语甲的定义", "Test Term A")
    assert [s.document for s in term.sources] == ["示例文件"]


@pytest.mark.parametrize("name, content, message", [
    ("g.csv", "key,meaning\n双碳,x\n", r"^g\.csv:1: unknown column 'meaning' in the header row"),
    ("g.csv", "定义\n双碳\n", r"^g\.csv:1: the first row must name the columns, with a 'key'"),
    ("g.csv", "key,definition\n\n双碳,x\n,y\n", r"^g\.csv:4: no key \(the key column is empty\)"),
    ("g.csv", "key,kind\n双碳,slogan\n", r"^g\.csv:2: kind: Input should be 'numeric-slogan'"),
    ("g.csv", "key,aliases\n双碳,碳 达峰\n", r"^g\.csv:2: aliases\.0: alias or variant '碳 达峰' contains whitespace"),
    ("g.csv", "key,context\n双碳,{quoted\n", r"^g\.csv:2: column context: not valid JSON"),
    ("g.csv", "key\n双碳,x\n", r"^g\.csv:2: 2 cells, but the header names 1 columns"),
    ("g.csv", "key,key\n双碳,x\n", r"^g\.csv:1: column 'key' given twice in the header row"),
    ("g.tsv", "key\tdefinition\n双碳\tx\n“两个维护”\t\n", r"^g\.tsv:3: key: key '“两个维护”' contains quotation marks"),
    ("g.jsonl", '{"key": "双碳"}\n{"key": "x", "colour": 1}\n', r"^g\.jsonl:2: colour: unknown field"),
    ("g.jsonl", '{"key": "双碳"\n', r"^g\.jsonl:1: not a JSON line"),
    ("g.tbx", "<tbx><text>", r"^g\.tbx:1: malformed XML at column 12"),
    ("g.tbx", "<martif/>", r"^g\.tbx: not TBX \(ISO 30042:2019\): the root element is 'martif'"),
    ("g.tbx", '<!DOCTYPE t [<!ENTITY a "x">]><tbx/>', r"^g\.tbx: the TBX declares XML entities"),
    ("g.tbx", '<tbx xmlns="urn:iso:std:iso:30042:ed-2"><text><body><conceptEntry id="c9"><langSec xml:lang="zh">'
              '<termSec><term>两 个</term></termSec></langSec></conceptEntry></body></text></tbx>',
     r"^g\.tbx: conceptEntry c9: .*key: key '两 个' contains whitespace"),
    ("g.tbx", '<tbx xmlns="urn:iso:std:iso:30042:ed-2"><text><body><conceptEntry id="c9"><note>termkit:{</note>'
              '</conceptEntry></body></text></tbx>', r"^g\.tbx: conceptEntry c9: the termkit: note is not valid JSON"),
])
def test_a_bad_file_is_one_line_naming_the_file_and_where(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(GlossaryError) as e:
        Glossary.from_files([path])
    text = str(e.value).replace(str(tmp_path) + "/", "")
    assert re.search(message, text) and "\n" not in text


# -- the command --------------------------------------------------------------

@pytest.mark.parametrize("fmt", FORMATS)
def test_glossary_export_then_glossary_reads_it(fmt, tmp_path, capsys):
    out = tmp_path / f"mine.{fmt}"
    assert main(["glossary", "export", "--format", fmt, "--no-default-glossary",
                 "-g", str(CASES / "spreadsheet.csv"), "-o", str(out)]) == 0
    assert list(Glossary.from_files([out])) == list(Glossary.from_files([CASES / "spreadsheet.csv"]))
    assert main(["glossary", "show", "测甲", "--no-default-glossary", "-g", str(out)]) == 0
    assert "测试术语甲的定义" in capsys.readouterr().out


def test_glossary_export_errors_exit_2(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("key,colour\n双碳,red\n", encoding="utf-8")
    assert main(["glossary", "export", "--format", "tbx", "-g", str(bad)]) == 2
    assert capsys.readouterr().err == (f"termkit: {bad}:1: unknown column 'colour' in the header row (known: key, "
                                       "definition, aliases, variants, kind, scope, period, en, headword, id, sources, "
                                       "components, context; or OmegaT's source, target, comment)\n")
    mine = tmp_path / "mine.csv"
    mine.write_text("key\n双碳\n", encoding="utf-8")
    assert main(["glossary", "export", "--format", "csv", "-g", str(mine), "-o", str(mine)]) == 2
    assert "refusing to overwrite an input file" in capsys.readouterr().err
    assert mine.read_text(encoding="utf-8") == "key\n双碳\n"
    assert main(["glossary", "export", "--format", "tbx", "--omegat"]) == 2
    assert capsys.readouterr().err == "termkit: --omegat goes with --format csv or tsv\n"
