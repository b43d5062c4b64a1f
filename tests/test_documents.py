"""Where and when a report is from (termkit.corpus.documents): synthetic heads in the shapes observed."""

import pytest

from termkit.corpus.documents import Decided, jurisdiction, report_date, report_info

BODY = "\n\n我代表省人民政府，向大会报告工作，请予审议。在东莞市考察时……\n"


@pytest.mark.parametrize("head, path, place, how", [
    ("政府工作报告\n", "provinces/南岭省/2014.md", "南岭省", "path"),
    ("政府工作报告\n", "reports/北岭市-2024.md", "北岭市", "path"),
    ("政府工作报告\n", "城区报告/x.md", None, "unknown"),
    ("政府工作报告\n——2024年1月9日在西山市第十六届人民代表大会第三次会议上\n", None, "西山市", "meeting line 2"),
    ("政府工作报告\n**——二〇一三年一月二十五日在南岭省第十二届人民代表大会第一次会议上**\n", None, "南岭省", "meeting line 2"),
    ("政府工作报告\n（2007年1月26日在东川省第十届人民代表大会第五次会议上）\n", None, "东川省", "meeting line 2"),
    ("——2010年3月5日在第十一届全国人民代表大会第三次会议上\n", None, "中华人民共和国", "meeting line 1"),
    ("——2015年1月20日在自治区第八届人民代表大会第三次会议上\n北岭自治区主席　某某\n", None, "北岭自治区", "official line 2"),
    ("---\ntitle: 2020年1月14日南岭省省长某某在南岭省第十三届\n---\n", None, "南岭省", "title"),
    ("---\ntitle: 2024年北岭自治区政府工作报告\n---\n", None, "北岭自治区", "title"),
    ("政府工作报告\n\n**南岭省人民政府代省长 某某**\n", None, "南岭省", "official line 3"),
    ("政府工作报告\n\n**省长 某某**\n", None, None, "unknown"),
])
def test_jurisdiction(head, path, place, how):
    assert jurisdiction(head + BODY, path) == Decided(place, how)


@pytest.mark.parametrize("head, path, date, how", [
    ("——2014年1月20日在南岭省第十二届人民代表大会第二次会议上\n", "provinces/南岭省/2013.md", "2014-01-20", "meeting line 1"),
    ("——二0一四年一月二十日在南岭省第十二届人民代表大会第二次会议上\n", None, "2014-01-20", "meeting line 1"),
    ("在南岭省第十一届人民代表大会第三次会议上（2010年1月26日）\n", None, "2010-01-26", "meeting line 1"),
    ("---\ntitle: 南岭省2003年政府工作报告\n---\n", "x/2002.md", "2003", "title"),
    ("政府工作报告\n", "x/2019.md", "2019", "path"),
    ("政府工作报告\n", None, None, "unknown"),
])
def test_date(head, path, date, how):
    assert report_date(head + BODY, path) == Decided(date, how)


def test_the_body_never_names_the_jurisdiction():
    info = report_info("政府工作报告" + BODY * 3)
    assert info.jurisdiction == Decided(None, "unknown")
