"""The HTML view, opened in a real browser: headless Chromium from the system's
packages (Debian's ``chromium``), driven by Playwright, which downloads no
browser of its own here. Skips where Playwright or the browser is missing.

Run as a script, it makes the README's screenshot of a seed document's page:
``python tests/test_viewer.py benchmarks/figures/viewer.png``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "shangdang-2023-06-government-work-report.txt"

#: Flags for a quiet, self-contained headless browser (Playwright gives each
#: launch a fresh profile directory of its own).
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]

GLOSSARY = """\
glossary: viewer-test
terms:
  - id: test/甲乙工程
    key: 甲乙工程
    headword: 甲乙工程
    kind: programme
    definition: 甲工程和乙工程的合称。
    scope: 测试县
    sources: [{document: test}]
  - id: test/三加三
    key: 3+3
    headword: 3+3
    kind: numeric-slogan
    definition: 三个加三个。
    scope: national
    sources: [{document: test}]
  - id: a/丙丁
    key: 丙丁
    headword: 丙丁
    kind: abbreviation
    definition: 甲县的丙丁。
    scope: 甲县
    sources: [{document: test}]
  - id: b/丙丁
    key: 丙丁
    headword: 丙丁
    kind: abbreviation
    definition: 乙县的丙丁。
    scope: 乙县
    sources: [{document: test}]
"""

# A synthetic document: 甲乙工程 three times, far apart, a full-width (normalized)
# 3+3 and an ambiguous 丙丁.
FILLER = "这是一段用来把页面撑长的普通文字，没有任何术语。\n" * 60
TEXT = f"开头实施甲乙工程，推进３＋３。\n{FILLER}中间再说甲乙工程和丙丁。\n{FILLER}最后甲乙工程。\n"

# Hostile text and glossary fields: all must stay text.
HOSTILE = '</script><script>alert(1)</script>"onmouseover=alert(2) x="<img src=x onerror=alert(3)>javascript:alert(4)'
HOSTILE_GLOSSARY = f"""\
glossary: evil
terms:
  - id: "evil/甲乙"
    key: 甲乙
    headword: {HOSTILE!r}
    kind: other
    definition: {HOSTILE!r}
    scope: {HOSTILE!r}
    sources: [{{document: {HOSTILE!r}}}]
"""


def _browser_path() -> str | None:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


def _launch(playwright):
    return playwright.chromium.launch(executable_path=_browser_path(), args=FLAGS, headless=True)


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    if _browser_path() is None:
        pytest.skip("no chromium installed (apt-get install chromium)")
    with sync_api.sync_playwright() as p:
        b = _launch(p)
        yield b
        b.close()


class Opened:
    """A page opened from a file, with what happened while it was open: console
    errors, requests, dialogs."""

    def __init__(self, browser, path: Path, **context):
        self.context = browser.new_context(**context)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.url = path.resolve().as_uri()
        self.page.goto(self.url)

    def display(self, selector: str) -> str:
        return self.page.eval_on_selector(selector, "e => getComputedStyle(e).display")

    def close(self):
        self.context.close()


def make_page(tmp_path: Path, text: str = TEXT, glossary: str = GLOSSARY, name: str = "doc.txt") -> Path:
    """The page ``termkit annotate --format html`` writes for ``text``."""
    (tmp_path / "g.yaml").write_text(glossary, encoding="utf-8")
    (tmp_path / name).write_text(text, encoding="utf-8")
    out = tmp_path / "page.html"
    termkit("annotate", "-f", "html", "--no-default-glossary", "-g", "g.yaml", "--scope", "none",
            "-o", str(out), name, cwd=tmp_path)
    return out


def termkit(*args: str, cwd: Path) -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-m", "termkit", *args], cwd=cwd, capture_output=True, env=env,
                          timeout=120)
    assert done.returncode == 0, done.stderr.decode()


@pytest.fixture
def opened(browser, tmp_path):
    pages = []

    def open_(path: Path, **context) -> Opened:
        pages.append(Opened(browser, path, **context))
        return pages[-1]

    yield open_
    for p in pages:
        # Nothing a page did may have reached out or failed.
        assert p.errors == [], p.errors
        assert p.requests == [p.url], p.requests
        p.close()


def test_hover_and_focus_show_the_definition(opened, tmp_path):
    o = opened(make_page(tmp_path))
    first = "mark.term >> nth=0"
    assert o.display(f"{first} >> .tip") == "none"
    o.page.hover(first)
    assert o.display(f"{first} >> .tip") == "block"
    assert "甲工程和乙工程的合称。" in o.page.inner_text(f"{first} >> .tip")
    o.page.mouse.move(0, 0)
    assert o.display(f"{first} >> .tip") == "none"
    o.page.keyboard.press("Tab")  # the first focusable element is the first mention
    focused = o.page.evaluate("document.activeElement.outerHTML.slice(0, 300)")
    assert focused.startswith('<mark class="term"') and 'data-kind="programme"' in focused
    tip = o.page.evaluate("document.getElementById(document.activeElement.getAttribute('aria-describedby'))")
    assert tip is not None
    assert o.page.evaluate("getComputedStyle(document.activeElement.querySelector('.tip')).display") == "block"
    o.page.keyboard.press("Escape")
    assert o.page.evaluate("document.activeElement.tagName") == "BODY"


def test_ambiguous_and_normalized_mentions_are_marked(opened, tmp_path):
    o = opened(make_page(tmp_path))
    amb = o.page.locator("mark.term.ambiguous")
    assert amb.count() == 1 and amb.get_attribute("data-candidates") == "a/丙丁 b/丙丁"
    amb.focus()
    tip = amb.locator(".tip").inner_text()
    assert "ambiguous" in tip and "甲县的丙丁。" in tip and "乙县的丙丁。" in tip
    norm = o.page.locator("mark.term[data-norm]")
    assert norm.count() == 1 and norm.get_attribute("data-norm") == "width"
    assert norm.evaluate("e => getComputedStyle(e, '::after').content") != "none"
    assert "(width)" in norm.locator(".tip").text_content()


def test_the_panel_counts_and_jumps_to_each_mention_in_turn(opened, tmp_path):
    o = opened(make_page(tmp_path), viewport={"width": 1200, "height": 600})
    entry = o.page.locator('aside.panel a.jump[data-for="test/甲乙工程"]')
    assert entry.locator("xpath=..").locator(".count").inner_text() == "3"
    assert o.page.locator("aside.panel").get_attribute("data-mentions") == "5"
    ids = o.page.eval_on_selector_all('mark.term[data-id="test/甲乙工程"]', "ms => ms.map(m => m.id)")
    assert len(ids) == 3
    scrolled = []
    for want in [*ids, ids[0]]:  # first, next, next, and round again
        entry.click()
        scrolled.append(o.page.evaluate("scrollY"))
        assert o.page.evaluate("document.activeElement.id") == want
        box = o.page.evaluate("(() => { const r = document.activeElement.getBoundingClientRect();"
                              " return [r.top, r.bottom, innerHeight]; })()")
        assert 0 <= box[0] and box[1] <= box[2], box  # scrolled into view
        assert o.display(f"#{want} .tip") == "block"
    assert scrolled[0] < scrolled[1] < scrolled[2] and scrolled[3] == scrolled[0], scrolled


def test_filters_by_kind_and_place(opened, tmp_path):
    o = opened(make_page(tmp_path))
    o.page.uncheck('aside.panel input[name=kind][value="programme"]')
    off = o.page.eval_on_selector_all("mark.term.off", "ms => ms.map(m => m.dataset.kind)")
    assert off == ["programme"] * 3
    assert o.page.locator('aside.panel li[data-kind="programme"]').is_hidden()
    assert o.page.eval_on_selector("mark.term.off", "m => m.tabIndex") == -1
    o.page.check('aside.panel input[name=kind][value="programme"]')
    o.page.select_option("aside.panel select[name=scope]", "ambiguous")
    shown = o.page.eval_on_selector_all("mark.term:not(.off)", "ms => ms.map(m => m.dataset.scope)")
    assert shown == ["ambiguous"]
    assert o.page.locator('aside.panel li[data-scope="national"]').is_hidden()


def test_hostile_text_and_glossary_stay_inert(opened, tmp_path):
    text = f"{HOSTILE}甲乙{HOSTILE}\n"
    o = opened(make_page(tmp_path, text, HOSTILE_GLOSSARY, name="x.txt"))
    page = o.page
    for i in range(page.locator("mark.term").count()):
        page.hover(f"mark.term >> nth={i}")
        page.focus(f"mark.term >> nth={i}")
    page.click("aside.panel a.jump")
    page.select_option("aside.panel select[name=scope]", HOSTILE)
    assert o.dialogs == []
    assert page.evaluate("document.scripts.length") == 1
    assert page.evaluate("document.images.length") == 0
    handlers = page.evaluate("[...document.querySelectorAll('*')].flatMap(e => [...e.attributes])"
                             ".filter(a => a.name.startsWith('on')).length")
    assert handlers == 0
    assert HOSTILE in page.inner_text("mark.term .tip")  # shown as text, whole
    bare = page.evaluate("(() => { const d = document.querySelector('.doc').cloneNode(true);"
                         " d.querySelectorAll('.tip').forEach(t => t.remove()); return d.textContent; })()")
    assert bare == text  # the text as it was, without the tooltips
    assert HOSTILE in page.text_content("aside.panel")


def test_readable_on_a_phone(opened, tmp_path):
    o = opened(make_page(tmp_path), viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    wide = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    assert o.page.evaluate("innerWidth") == 390  # the page is laid out for the phone, not zoomed out
    assert o.page.evaluate(wide) <= 0
    o.page.tap("mark.term >> nth=0")
    assert o.display("mark.term >> nth=0 >> .tip") == "block"
    box = o.page.eval_on_selector("mark.term >> nth=0 >> .tip", "t => { const r = t.getBoundingClientRect();"
                                  " return [r.left, r.right, innerWidth]; }")
    assert 0 <= box[0] and box[1] <= box[2], box
    assert o.page.evaluate(wide) <= 0


def test_the_seed_page_on_a_phone_and_on_screen(opened, tmp_path):
    out = tmp_path / "seed.html"
    termkit("annotate", "-f", "html", "-o", str(out), str(SEED), cwd=tmp_path)
    fits = "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    for viewport in ({"width": 390, "height": 844}, {"width": 1000, "height": 800}):
        o = opened(out, viewport=viewport)
        assert o.page.evaluate(fits)
        # The tooltip of the mention furthest right is pulled back onto the page.
        right = o.page.eval_on_selector_all("mark.term", "ms => { const r = ms.map(m => m.getBoundingClientRect().right);"
                                            " return r.indexOf(Math.max(...r)); }")
        o.page.hover(f"mark.term >> nth={right}")
        assert o.display(f"mark.term >> nth={right} >> .tip") == "block"
        assert o.page.evaluate(fits)


def test_print_hides_tooltips_and_lists_definitions(opened, tmp_path):
    o = opened(make_page(tmp_path))
    o.page.emulate_media(media="print")
    o.page.focus("mark.term >> nth=0")
    assert o.display("mark.term >> nth=0 >> .tip") == "none"
    assert o.display("aside.panel .def") == "block"
    assert o.display("aside.panel .filters") == "none"


def _several(tmp_path: Path) -> list[str]:
    (tmp_path / "g.yaml").write_text(GLOSSARY, encoding="utf-8")
    for sub, text in (("x", "甲乙工程和丙丁。"), ("y", "甲乙工程，３＋３，甲乙工程。")):
        (tmp_path / sub).mkdir(exist_ok=True)
        (tmp_path / sub / "a #1.txt").write_text(text, encoding="utf-8")
    return ["annotate", "-f", "html", "--no-default-glossary", "-g", "g.yaml", "--scope", "none",
            "x/a #1.txt", "y/a #1.txt"]


def test_several_files_to_a_directory_make_a_page_each_and_an_index(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-m", "termkit", *_several(tmp_path), "missing.txt", "-o", "pages/"],
                          cwd=tmp_path, capture_output=True, env=env, timeout=120)
    assert done.returncode == 1  # one input could not be read
    assert done.stderr.decode() == "termkit: missing.txt: cannot read: no such file or directory\n"
    assert sorted(p.name for p in (tmp_path / "pages").iterdir()) == ["a #1-2.html", "a #1.html", "index.html"]
    index = (tmp_path / "pages" / "index.html").read_text(encoding="utf-8")
    assert '<a href="a%20%231.html">x/a #1.txt</a></td><td class="n">2</td><td class="n">2</td>' in index
    assert '<a href="a%20%231-2.html">y/a #1.txt</a></td><td class="n">3</td><td class="n">2</td>' in index
    page = (tmp_path / "pages" / "a #1-2.html").read_text(encoding="utf-8")
    assert page.count("<section>") == 1 and page.rstrip().endswith("</html>")
    # -o FILE.html keeps one page with a section per file.
    termkit(*_several(tmp_path), "-o", "all.html", cwd=tmp_path)
    assert (tmp_path / "all.html").read_text(encoding="utf-8").count("<section>") == 2


def test_the_index_page_links_the_pages(opened, tmp_path):
    termkit(*_several(tmp_path), "-o", "pages/", cwd=tmp_path)
    o = opened(tmp_path / "pages" / "index.html")
    o.page.click("text=y/a #1.txt")
    o.page.wait_for_load_state()
    assert o.page.url.endswith("/a%20%231-2.html")
    assert o.page.locator("mark.term").count() == 3
    o.requests.remove(o.page.url)  # the page the link opened, and nothing else


def screenshot(path: Path) -> None:
    """The README's picture: the seed document's page with a mention's
    tooltip open (reached from the panel) and the panel beside the text."""
    from playwright.sync_api import sync_playwright

    work = Path(os.environ.get("TMPDIR", "/tmp")) / "termkit-viewer-shot"
    work.mkdir(exist_ok=True)
    page_path = work / "shangdang.html"
    termkit("annotate", "-f", "html", "-o", str(page_path), str(SEED.relative_to(ROOT)), cwd=ROOT)
    with sync_playwright() as p:
        b = _launch(p)
        page = b.new_page(viewport={"width": 1280, "height": 760}, device_scale_factor=1)
        page.goto(page_path.as_uri())
        # A jump from the panel: the first mention of 清化收, focused, its tooltip open.
        page.click('aside.panel a.jump[data-for$="/清化收"]')
        page.mouse.move(4, 4)
        page.screenshot(path=str(path))
        b.close()


if __name__ == "__main__":
    screenshot(Path(sys.argv[1]))
