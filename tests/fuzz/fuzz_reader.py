"""atheris fuzz target: the file reader decodes any bytes or raises InputError.

Run: python tests/fuzz/fuzz_reader.py -max_total_time=60 tests/fuzz/corpus/reader
(libFuzzer flags; the corpus directory is the committed seed corpus).
"""

import sys

import atheris

with atheris.instrument_imports():
    from termkit.textio import InputError, byte_offsets, decode


def test_one_input(data: bytes) -> None:
    try:
        doc = decode(data, "fuzz.txt")
    except InputError as e:
        message = str(e)
        assert message.startswith("fuzz.txt: ") and "\n" not in message, message
        return
    raw = data
    offsets = [0, len(doc.text) // 2, len(doc.text)]
    b = byte_offsets(doc, offsets)
    assert raw[b[0] : b[2]].decode(doc.encoding) == doc.text


if __name__ == "__main__":
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
