"""Checking glossaries (termkit.glossary.validate): schema, duplicates, and the numeric count check."""

import json
from pathlib import Path

import pytest

from termkit.corpus.extract import extract_terms, to_yaml
from termkit.glossary.validate import Finding, check_counts, format_json, format_text, has_errors, validate_files

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "shangdang-2023-06-government-work-report.txt"
CASES = Path(__file__).resolve().parent / "cases"
BAD = CASES / "glossaries-bad"
BUNDLED = ROOT / "glossaries" / "shangdang-2023.yaml"

#: The numerals of these appendix keys agree with their parts (the issue's list).
AGREE = ["六九九六", "两匹配一服从", "三区三线", "1236", "12345", "4句话32字", "154+50", "一重点三同步", "1+17"]


def _extract_to(tmp_path, source: Path, name="out") -> Path:
    out = tmp_path / f"{name}.yaml"
    out.write_text(to_yaml(extract_terms(source.read_text(encoding="utf-8"), source.name), name), encoding="utf-8")
    return out


def _by_code(findings):
    out = {}
    for f in findings:
        out.setdefault(f.code, []).append(f.key)
    return out


@pytest.fixture(scope="module")
def seed_findings(tmp_path_factory):
    return validate_files([_extract_to(tmp_path_factory.mktemp("seed"), SEED)])


def test_seed_extraction_counts_agree(seed_findings):
    codes = _by_code(seed_findings)
    assert "count-mismatch" not in codes
    for key in AGREE:
        assert key in codes["count-ok"], key
    assert not has_errors(seed_findings)


def test_seed_extraction_checks_every_count_it_can(seed_findings):
    codes = _by_code(seed_findings)
    # 五有套餐's five clauses are prose, not a list: honestly not checkable.
    assert codes["not-checkable"] == ["五有套餐"]
    assert sorted(codes["count-ok"]) == sorted(
        AGREE + ["十大平台", "煤八条", "六大产业链", "九大专业镇", "三个务必", "1+2+15", "一链一镇", "清四乱", "两大两小", "六定"]
    )


def test_bundled_glossary_counts_agree():
    findings = [f for f in validate_files([BUNDLED]) if f.code == "count-mismatch"]
    assert findings == []
    ok = {f.key for f in validate_files([BUNDLED]) if f.code == "count-ok"}
    assert set(AGREE) <= ok


FIXTURES = sorted((CASES / "appendices").glob("*.expected.json"))


@pytest.mark.parametrize("path", FIXTURES, ids=[p.name.split(".")[0] for p in FIXTURES])
def test_fixture_mismatches_are_exactly_the_disagreeing_entries(path, tmp_path):
    spec = json.loads(path.read_text(encoding="utf-8"))
    findings = validate_files([_extract_to(tmp_path, CASES / "appendices" / spec["document"])])
    codes = _by_code(findings)
    assert codes.get("count-mismatch", []) == spec["count_mismatch"]
    assert set(spec["count_ok"]) <= set(codes.get("count-ok", []))
    assert has_errors(findings) == bool(spec["count_mismatch"])


def test_hand_made_bad_counts():
    findings = validate_files([BAD / "bad-counts.yaml"])
    codes = _by_code(findings)
    assert codes["count-mismatch"] == ["六九九六", "4句话32字", "三区三线", "1236"]
    assert codes["count-ok"] == ["两匹配一服从"]
    assert codes["not-checkable"] == ["两山", "十四五"]
    assert all(f.severity == "error" for f in findings if f.code == "count-mismatch")
    assert all(f.severity == "info" for f in findings if f.code != "count-mismatch")
    messages = {f.key: f.message for f in findings}
    assert messages["4句话32字"] == "4句话32字: 32字 (31 characters)"
    assert messages["三区三线"] == "三区三线: 3 ↔ 三线 (3 in its name; 2 items)"


def test_schema_error_names_file_and_entry():
    [f] = validate_files([BAD / "broken-schema.yaml"])
    assert (f.code, f.severity, f.id, f.key) == ("schema", "error", None, None)
    assert str(BAD / "broken-schema.yaml") in f.message and "term 1 (broken/甲)" in f.message and "kind" in f.message


def test_missing_file_is_unreadable(tmp_path):
    [f] = validate_files([tmp_path / "nope.yaml"])
    assert f.code == "unreadable" and f.severity == "error" and "cannot read" in f.message


def test_duplicates_across_files():
    findings = validate_files([BAD / "dup-a.yaml", BAD / "dup-b.yaml"])
    dups = [(f.code, f.id, Path(f.file).name) for f in findings if f.code.startswith("duplicate")]
    assert dups == [("duplicate-id", "dup/三区三线", "dup-b.yaml"), ("duplicate-key", "other/清化收", "dup-b.yaml")]
    assert has_errors(findings)


def test_duplicate_key_within_one_file(tmp_path):
    p = tmp_path / "g.yaml"
    p.write_text(
        "glossary: g\nterms:\n"
        "- {id: a/双碳, key: 双碳, headword: 双碳, kind: abbreviation, scope: t, sources: [{document: x}]}\n"
        "- {id: b/双碳, key: 碳达峰, aliases: [双碳], headword: 双碳, kind: abbreviation, scope: t, sources: [{document: x}]}\n",
        encoding="utf-8",
    )
    assert [(f.code, f.id) for f in validate_files([p]) if f.severity == "error"] == [("duplicate-key", "b/双碳")]


def test_json_findings_have_the_contract_fields(seed_findings):
    data = json.loads(format_json(seed_findings))
    assert isinstance(data, list) and data
    for d in data:
        assert {"key", "code", "severity", "message", "file", "id"} <= set(d)
        assert d["severity"] in ("error", "warning", "info")


def test_format_text_summary():
    text = format_text([
        Finding("g.yaml", "x/a", "三个转变", "count-mismatch", "error", "三个转变: 3 (4 items)"),
        Finding("g.yaml", None, None, "schema", "error", "g.yaml: malformed YAML"),
    ])
    assert text.splitlines() == [
        "g.yaml: error count-mismatch [x/a]: 三个转变: 3 (4 items)",
        "g.yaml: error schema: g.yaml: malformed YAML",
        "2 findings: 2 errors, 0 warnings, 0 info",
    ]


def test_keys_without_numerals_are_not_reported(seed_findings):
    keys = {f.key for f in seed_findings}
    assert not keys & {"清化收", "区实验中学", "鸿雁归巢"}


def test_check_counts_on_a_term_with_no_numerals():
    [term] = extract_terms("名词解释\n1. “清化收”：是指清理、化解、收费。", "x.txt")
    assert check_counts(term) is None


def test_references_missing_and_cyclic(tmp_path):
    def term(tid, key, ref):
        return (f"  - id: {tid}\n    key: {key}\n    headword: {key}\n    kind: other\n    scope: test\n"
                f"    sources: [{{document: test}}]\n    components: [{{name: part, ref: {ref}}}]\n")
    a = tmp_path / "a.yaml"
    a.write_text("glossary: a\nterms:\n" + term("t/甲", "甲甲", "t/乙") + term("t/乙", "乙乙", "t/甲")
                 + term("t/丙", "丙丙", "t/nowhere"), encoding="utf-8")
    codes = {(f.id, f.code) for f in validate_files([a])}
    assert ("t/丙", "missing-ref") in codes
    assert any(code == "ref-cycle" for _, code in codes)


def test_absurdly_long_numbers_are_not_checkable(tmp_path):
    digits = "1" * 5000  # more digits than Python reads as an int
    p = tmp_path / "g.yaml"
    p.write_text(
        "glossary: g\nterms:\n"
        f"- {{id: a/long, key: '{digits}条', headword: h, kind: other, scope: t, sources: [{{document: x}}],\n"
        f"   components: [{{name: '{digits}', definition: '甲、乙、丙丙{digits}种类型'}}, {{name: '2', items: [甲]}}]}}\n"
        f"- {{id: a/plus, key: '2+{digits}', headword: h, kind: other, scope: t, sources: [{{document: x}}],\n"
        f"   definition: '甲、乙、丙丙{digits}种类型'}}\n",
        encoding="utf-8",
    )
    findings = validate_files([p])
    assert [(f.id, f.code) for f in findings] == [("a/long", "not-checkable"), ("a/plus", "not-checkable")]
    assert findings[0].message.endswith("a number of more than 18 digits is not a count")


def test_a_key_with_very_many_counts_is_not_checked_item_by_item(tmp_path):
    import time

    n = 20_000  # each count scanned every item: 16 s at this n
    p = tmp_path / "g.yaml"
    p.write_text(
        "glossary: g\nterms:\n"
        f"- {{id: a/x, key: '{'一甲' * n}', headword: h, kind: other, scope: t, sources: [{{document: x}}],\n"
        f"   components: [{{name: '{'一甲' * n}', items: [{', '.join(['甲乙'] * n)}]}}]}}\n",
        encoding="utf-8",
    )
    start = time.perf_counter()
    [f] = validate_files([p])
    assert time.perf_counter() - start < 3
    assert f.code == "not-checkable" and f.message.endswith("20000 counts are more than 100 to check")


# -- forms of real appendices (issue 13): no false count-mismatch, more counts recognized --------

REAL_FORMS = [
    # (entry as written in an appendix, expected code)
    ("“四风”：即形式主义、官僚主义、享乐主义和奢靡之风。", "count-ok"),
    ("轨道交通“四网融合”：干线铁路、城际铁路、市域（郊）铁路和城市轨道交通的融合。", "count-ok"),
    ("“四早”：对确诊病例做到“早发现、早报告、早隔离、早治疗”。", "count-ok"),
    ("“清四乱”：清理整治危及行洪安全、影响河湖健康的乱占、乱采、乱堆、乱建现象。", "count-ok"),
    ("“双一流”：中国特色、世界一流的大学和优势学科。", "count-ok"),
    ("“五个一工程奖”：一部好戏剧、一部好电视剧、一部好图书、一篇好文章、一首好歌。", "count-ok"),
    ("“1+1+9”：“1”指一个中心；“1”指一个平台；“9”指九大产业集群。", "count-ok"),
    ("“三重一大”：重大事项决策、重要干部任免、重大项目安排和大额度资金使用。", "not-checkable"),
    ("“六稳六保”：稳就业、稳金融、稳外贸、稳外资、稳投资、稳预期；保居民就业、保基本民生、保市场主体。", "not-checkable"),
    ("“工业新十七条”：省政府联合十一个部门出台的政策措施。", "not-checkable"),
    ("“一揽子计划”：包括财政、金融、就业、消费四方面措施。", "not-checkable"),
    ("“千企行丝路”：每年组织企业到东南亚、南亚、中亚、中东欧开展活动。", "not-checkable"),
    ("服务业“三百工程”：建设100个重大项目、培育100个重点企业、打造100个重点品牌。", "not-checkable"),
    ("学前教育三年行动计划：新建、改建、扩建幼儿园1200所。", "not-checkable"),
    ("“1+N”政策体系：“1”指实施意见，“N”指若干配套政策。", "count-ok"),
    ("“两个15%”所得税：人才个税超过15%的部分免征；鼓励类企业减按15%征收。", "not-checkable"),
    ("稳增长“18条”：省政府印发政策措施，提出强化财税、扩大投资、提振消费、稳定就业四方面。", "not-checkable"),
    # a real disagreement in a flat list is still one
    ("“五个统一”：统一规划、统一标准、统一建设、统一管理。", "count-mismatch"),
    ("“三个转变”：由速度向质量转变、由要素驱动向创新驱动转变、由粗放向精细转变、由单一向协同转变。", "count-mismatch"),
]


@pytest.mark.parametrize("entry, code", REAL_FORMS)
def test_real_count_forms(entry, code):
    terms = extract_terms(f"名词解释\n1. {entry}", "x.txt")
    assert [check_counts(t)[0] for t in terms] == [code], [check_counts(t) for t in terms]


def test_several_terms_sharing_a_definition_are_not_refuted_by_its_groups():
    terms = extract_terms("名词解释\n1. 四早、四集中：“四早”即早发现、早报告、早隔离、早治疗；“四集中”即集中患者、集中专家、集中资源、集中救治。", "x.txt")
    assert [(t.key, check_counts(t)[0]) for t in terms] == [("四早", "count-ok"), ("四集中", "count-ok")]
