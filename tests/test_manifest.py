"""A manifest of where and when documents are from (termkit.corpus.manifest): synthetic files only."""

import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from termkit.corpus.manifest import Entry, ManifestError, lookup, read_manifest, valid_date


def write(folder, name, text, encoding="utf-8"):
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return str(path)


def test_columns_in_any_order_with_blanks_as_none(tmp_path):
    m = read_manifest(write(tmp_path, "manifest.csv",
                            "title,date,path,type,scope\n某某通知,2023-06-16,a/b.md,notice,西山市\n,,c.md,,\n"))
    assert m[os.path.join(str(tmp_path), "a", "b.md")] == Entry("西山市", "2023-06-16", "notice", "某某通知")
    assert m[os.path.join(str(tmp_path), "c.md")] == Entry(None, None, None, None)


@pytest.mark.parametrize("encoding, name, sep", [
    ("utf-8-sig", "manifest.csv", ","), ("utf-8", "manifest.csv", ","), ("utf-8", "m.tsv", "\t"), ("utf-8-sig", "m.TSV", "\t"),
])
def test_a_bom_and_tabs(tmp_path, encoding, name, sep):
    m = read_manifest(write(tmp_path, name, sep.join(["path", "scope"]) + "\r\n" + sep.join(["a.md", "西山市"]) + "\r\n", encoding))
    assert lookup(m, str(tmp_path / "a.md")) == Entry("西山市")


def test_quoted_cells_and_blank_lines(tmp_path):
    m = read_manifest(write(tmp_path, "m.csv", 'path,title\n\n"a,b.md","某某, 通知"\n\n'))
    assert lookup(m, str(tmp_path / "a,b.md")).title == "某某, 通知"


def test_paths_are_relative_to_the_manifest_and_found_as_the_command_line_gives_them(tmp_path, monkeypatch):
    write(tmp_path, "corpus/manifest.csv", f"path,scope\n./a/b.md,西山市\n{tmp_path}/elsewhere/c.md,北岭市\n")
    monkeypatch.chdir(tmp_path)
    m = read_manifest("corpus/manifest.csv")
    for given in ["corpus/a/b.md", "./corpus/a/b.md", "corpus//a/./b.md", str(tmp_path / "corpus/a/b.md")]:
        assert lookup(m, given) == Entry("西山市"), given
    assert lookup(m, "elsewhere/c.md") == Entry("北岭市")  # an absolute path is kept
    assert lookup(m, "a/b.md") is None  # relative to the manifest, not to where the command runs


def test_a_manifest_in_the_working_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "manifest.csv", "path,date\na/b.md,2023\n")
    m = read_manifest("manifest.csv")
    assert lookup(m, "a/b.md") == lookup(m, "./a/b.md") == Entry(date="2023")


@pytest.mark.parametrize("text, message", [
    ("path,date\na.md,2023-06\nb.md,2023-13\n", "manifest.csv:3: bad date '2023-13' (YYYY, YYYY-MM or YYYY-MM-DD)"),
    ("path,date\na.md,2023-02-29\n", "manifest.csv:2: bad date '2023-02-29' (YYYY, YYYY-MM or YYYY-MM-DD)"),
    ("path,date\na.md,2023/06/16\n", "manifest.csv:2: bad date '2023/06/16' (YYYY, YYYY-MM or YYYY-MM-DD)"),
    ("path,place,year\n", "manifest.csv:1: unknown columns 'place', 'year' (the columns are path, scope, date, type, title)"),
    ("scope,date\n", "manifest.csv:1: no 'path' column (the columns are path, scope, date, type, title)"),
    ("path,scope,Scope\n", "manifest.csv:1: column 'scope' named twice"),
    ("", "manifest.csv: empty: the first row must name the columns (path, scope, date, type, title; path is required)"),
    ("path,scope\na.md,西山市,多余\n", "manifest.csv:2: 3 cells, but the header names 2 columns"),
    ("path,scope\n,西山市\n", "manifest.csv:2: no path"),
    ("path\na.md\n./a.md\n", "manifest.csv:3: './a.md' is listed twice (first on line 2)"),
    ('path\n"a.md\n', "manifest.csv:2: unexpected end of data"),
])
def test_errors_are_one_line_naming_file_and_line(tmp_path, monkeypatch, text, message):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "manifest.csv", text)
    with pytest.raises(ManifestError) as e:
        read_manifest("manifest.csv")
    assert str(e.value) == message
    assert isinstance(e.value, ValueError)


def test_unreadable_and_undecodable(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ManifestError, match=r"^missing.csv: cannot read manifest: No such file or directory$"):
        read_manifest("missing.csv")
    (tmp_path / "gbk.csv").write_bytes("path,scope\na.md,西山市\n".encode("gbk"))
    with pytest.raises(ManifestError, match=r"^gbk.csv:2: not UTF-8 text \(byte 16\); save the manifest as UTF-8$"):
        read_manifest("gbk.csv")


def test_an_entry_is_frozen():
    with pytest.raises(AttributeError):
        Entry("西山市").scope = "北岭市"


@pytest.mark.parametrize("value, ok", [
    ("2023", True), ("2023-06", True), ("2023-06-16", True), ("2024-02-29", True),
    ("2023-02-29", False), ("2023-00", False), ("2023-6", False), ("0000", False), (" 2023", False), ("二〇二三", False),
])
def test_valid_date(value, ok):
    assert valid_date(value) is ok


@settings(max_examples=500, deadline=None)
@given(st.integers(0, 9999), st.one_of(st.none(), st.integers(0, 13)), st.one_of(st.none(), st.integers(0, 32)))
def test_check_date_accepts_exactly_the_calendar_dates(year, month, day):
    import datetime

    from termkit.corpus.locate import check_date

    text = f"{year:04d}" + (f"-{month:02d}" if month is not None else "") + \
        (f"-{day:02d}" if month is not None and day is not None else "")
    try:
        datetime.date(year, 1 if month is None else month, 1 if month is None or day is None else day)
        real = True
    except ValueError:
        real = False
    try:
        ok = check_date(text) == text
    except ValueError:
        ok = False
    assert ok == real
