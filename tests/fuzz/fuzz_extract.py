"""atheris fuzz target: the appendix extractor never raises, and what it
extracts always loads as a glossary and tags without error.

Run: python tests/fuzz/fuzz_extract.py -max_total_time=60 tests/fuzz/corpus/extract
"""

import os
import sys

import atheris

os.environ["TERMKIT_NO_CACHE"] = "1"  # a glossary per input: keep them off the disk

with atheris.instrument_imports():
    from termkit import Annotator, Glossary, Normalization
    from termkit.corpus.extract import extract_terms, to_yaml
    from termkit.glossary import parse_file


def test_one_input(data: bytes) -> None:
    text = data.decode("utf-8", "replace")
    terms = extract_terms(text, "fuzz.txt")
    if not terms:
        return
    loaded = parse_file("fuzz.yaml", to_yaml(terms, "fuzz").encode("utf-8"))
    assert [t.key for t in loaded.terms] == [t.key for t in terms]
    for m in Annotator(Glossary(loaded.terms), engine="pyahocorasick", normalization=Normalization(traditional=False)).find(text):
        assert text[m.start : m.end] == m.text


if __name__ == "__main__":
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
