"""Trend plots (PNG and SVG through matplotlib, an optional extra) and a font for their Chinese labels.

matplotlib's own font (DejaVu Sans) has no Chinese characters: a plot made
with it shows empty boxes where the terms should be. So a plot is made only
with a font that has a glyph for every character of its labels: one given
(``--font PATH``) or one found among the fonts matplotlib sees (Noto Sans CJK,
Source Han Sans, WenQuanYi, Droid Sans Fallback, … and any other whose
glyphs cover the labels). Where there is none, :class:`PlotError` says what
to install.
"""

from __future__ import annotations

import os
from itertools import chain

#: Font families known to cover Chinese, tried first, in this order.
PREFERRED = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN", "WenQuanYi Micro Hei",
             "WenQuanYi Zen Hei", "Noto Sans CJK JP", "Noto Sans CJK TC", "Droid Sans Fallback", "Microsoft YaHei",
             "SimHei", "PingFang SC", "Hiragino Sans GB", "Heiti SC", "Arial Unicode MS", "AR PL UMing CN")
#: What to install when no font will do.
INSTALL = ("no font with Chinese characters found for the plot's labels: install one (Debian/Ubuntu: "
           "apt install fonts-noto-cjk, or the smaller fonts-wqy-microhei; Fedora: google-noto-sans-cjk-fonts) "
           "or give --font PATH to a .ttf/.otf/.ttc font that has them")
#: matplotlib missing.
NO_MATPLOTLIB = "plots need matplotlib: pip install 'termkit[plot]' (or give --no-plot for the table alone)"


class PlotError(Exception):
    """A plot that cannot be made; ``str()`` is one line saying why and what to do."""


def _matplotlib():
    try:
        import matplotlib

        matplotlib.use("Agg")
        return matplotlib
    except ImportError:
        raise PlotError(NO_MATPLOTLIB) from None


def missing_glyphs(path: str, text: str) -> str:
    """The characters of ``text`` (besides spaces) that the font file at ``path`` has no glyph for.

    A glyph index of 0 is the font's "missing" glyph: the empty box.
    """
    from matplotlib.ft2font import FT2Font

    font = FT2Font(path)
    return "".join(sorted({c for c in text if not c.isspace() and font.get_char_index(ord(c)) == 0}))


def find_font(text: str, given: str | None = None) -> str:
    """The path of a font with a glyph for every character of ``text``: ``given``
    (checked), else the first such among the fonts matplotlib knows, those of
    :data:`PREFERRED` first. Raises :class:`PlotError` naming what to install."""
    _matplotlib()
    from matplotlib import font_manager

    if given:
        if not os.path.isfile(given):
            raise PlotError(f"--font {given}: no such file")
        try:
            missing = missing_glyphs(given, text)
        except (RuntimeError, OSError, ValueError) as e:
            raise PlotError(f"--font {given}: cannot be read as a font: {e}") from None
        if missing:
            raise PlotError(f"--font {given}: has no glyphs for {missing[:20]}; give a font with Chinese characters")
        return given
    fonts = sorted(font_manager.fontManager.ttflist,
                   key=lambda f: PREFERRED.index(f.name) if f.name in PREFERRED else len(PREFERRED))
    seen = set()
    # matplotlib's list is cached from its first run: a font installed since
    # is found among the system's font files, listed afresh.
    for path in chain((f.fname for f in fonts), sorted(font_manager.findSystemFonts())):
        if path in seen or not path.lower().endswith((".ttf", ".otf", ".ttc")):
            continue
        seen.add(path)
        try:
            if not missing_glyphs(path, text):
                return path
        except (RuntimeError, OSError, ValueError):
            continue
    raise PlotError(INSTALL)


def plot_trend(rows: list[dict], measure: str, paths: list[str], font: str, title: str = "",
               by: str | None = None) -> None:
    """Plot the trend table ``rows`` (see :meth:`termkit.stats.counts.Tally.series`):
    one line per term (and group, with ``by``), ``measure`` (``per_10k``,
    ``mentions`` or ``documents_with_term``) against the year, written to each
    of ``paths`` (``.png``, ``.svg``) with the font at ``font``."""
    matplotlib = _matplotlib()
    import matplotlib.pyplot as plt
    from matplotlib import font_manager

    font_manager.fontManager.addfont(font)
    name = font_manager.FontProperties(fname=font).get_name()
    series: dict[str, dict[int, float]] = {}
    for r in rows:
        label = r["term"] if not by else f"{r['term']} · {r[by] or '?'}"
        series.setdefault(label, {})
        series[label][r["year"]] = series[label].get(r["year"], 0) + r[measure]
    ylabel = {"per_10k": "每万字出现次数 (mentions per 10,000 characters)", "mentions": "出现次数 (mentions)",
              "documents_with_term": "提及文件数 (documents)"}[measure]
    with matplotlib.rc_context({"font.family": [name], "axes.unicode_minus": False, "svg.fonttype": "path"}):
        fig, ax = plt.subplots(figsize=(10, 5.5), dpi=110)
        try:
            for label, points in series.items():
                # A year without documents is a gap in the line, not a 0: nothing was counted there.
                years = list(range(min(points), max(points) + 1)) if points else []
                values = [points.get(y, float("nan")) for y in years]
                ax.plot(years, values, marker="o", markersize=3, linewidth=1.6, label=label)
            ax.set_xlabel("年份 (year)")
            ax.set_ylabel(ylabel)
            if title:
                ax.set_title(title)
            ax.grid(True, alpha=0.3)
            ax.legend(loc="upper left", fontsize=10, frameon=False)
            fig.tight_layout()
            for p in paths:
                fig.savefig(p)
        finally:
            plt.close(fig)
