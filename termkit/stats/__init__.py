"""Counting and tracing terms across a corpus: ``termkit stats`` and ``termkit trend``.

Where things are:

- :mod:`termkit.stats.corpus`: the input documents (files, directories, globs,
  a manifest, JSON-lines files of reports) and where and when each is from;
- :mod:`termkit.stats.counts`: one document counted (mentions by term,
  characters, paragraphs, examples) and the corpus summed up: the term ×
  document table, per-term summaries, counts per year, co-occurrence;
- :mod:`termkit.stats.tables`: those tables written as CSV, Parquet or JSON;
- :mod:`termkit.stats.plot`: trend plots (matplotlib, optional) and finding a
  font that has Chinese characters;
- :mod:`termkit.stats.report`: the HTML corpus report;
- :mod:`termkit.stats.cli`: the two commands' options and runners.
"""
