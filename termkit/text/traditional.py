"""Traditional-script spellings of Simplified forms (OpenCC), which the
automaton learns so that Traditional text matches without being converted."""

from __future__ import annotations

from functools import lru_cache

#: OpenCC configurations whose output the automaton learns, so that text in
#: any of these standards matches without being converted.
TRADITIONAL_CONFIGS = ("s2t", "s2tw", "s2hk", "s2twp")


@lru_cache(maxsize=None)
def _converter(config: str):
    import opencc

    return opencc.OpenCC(config)


#: Characters Hong Kong writes otherwise than OpenCC's s2hk (線 → 綫, as in
#: 三區三綫; 裡 → 裏): each Traditional spelling is learnt in both.
HK_VARIANTS = str.maketrans({"線": "綫", "裡": "裏"})


def traditional_forms(form: str) -> list[str]:
    """The distinct Traditional-script spellings of a Simplified form.

    A Taiwan phrase conversion that gives another word which is itself plain
    Simplified text (智能 → 智慧) is left out: it would tag that other word
    in Simplified documents.

    >>> traditional_forms("两个维护")
    ['兩個維護']
    >>> traditional_forms("十大平台")
    ['十大平臺']
    >>> traditional_forms("智能+"), traditional_forms("信息化")
    ([], ['資訊化'])
    >>> traditional_forms("三区三线")
    ['三區三線', '三區三綫']
    """
    out = []
    for config in TRADITIONAL_CONFIGS:
        converted = _converter(config).convert(form)
        if converted == form or converted in out:
            continue
        if _converter("t2s").convert(converted) == converted:
            continue  # another Simplified word, not a spelling of this one
        out.append(converted)
    out += [v for v in (t.translate(HK_VARIANTS) for t in out) if v not in out]
    return out
