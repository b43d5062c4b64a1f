"""The layout's rules, held: data flows one way (text -> glossary -> match ->
render; io and batch at the edges; cli on top), and the core never imports
the optional integrations."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "termkit"

#: What each part may import from termkit (besides itself and these).
ALLOWED = {
    "text": {"native", "cache"},
    "glossary": {"text", "cache", "scope"},
    "match": {"text", "glossary", "native", "cache", "render", "scope"},  # render: Annotator.expand's shortcut
    "render": {"text", "glossary", "match", "textio", "scope", "native"},
    "textio": set(),
    "batch": {"match", "render", "textio"},
    "corpus": {"text", "glossary", "match", "textio", "scope"},
    "scope": set(),
    "columnar": {"match", "render"},
    "cache": set(),
    "native": set(),
    # cli: discover.cli takes annotate's glossary options from termkit.cli, imported when called
    "discover": {"text", "glossary", "match", "corpus", "textio", "scope", "batch", "cli"},
    "stats": {"cli", "batch", "corpus", "render", "text", "textio"},  # cli: its errors and shared options
}


def part_of(path: Path) -> str:
    rel = path.relative_to(PACKAGE)
    return rel.parts[0].removesuffix(".py")


def imported_parts(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    parts = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = path.parent
            for _ in range(node.level - 1):
                base = base.parent
            target = (base / (node.module or "").replace(".", "/")) if node.module else base
            if target == PACKAGE:
                parts |= {a.name for a in node.names}
            elif PACKAGE in target.parents or target == PACKAGE:
                parts.add(target.relative_to(PACKAGE).parts[0])
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("termkit."):
            parts.add(node.module.split(".")[1])
    return parts


@pytest.mark.parametrize("path", sorted(p for p in PACKAGE.rglob("*.py") if part_of(p) in ALLOWED),
                         ids=lambda p: str(p.relative_to(PACKAGE)))
def test_each_part_imports_only_what_lies_below_it(path):
    part = part_of(path)
    used = imported_parts(path) - {part, "__version__", "_native"}
    assert used <= ALLOWED[part], f"{path.relative_to(PACKAGE)} imports {sorted(used - ALLOWED[part])}"


def test_the_core_never_imports_the_integrations():
    script = (
        "import sys, termkit, termkit.cli, termkit.batch, termkit.render, termkit.corpus.extract, "
        "termkit.glossary.validate\n"
        "termkit.Annotator(termkit.Glossary.load()).find('两个维护')\n"
        "print(sorted(m for m in sys.modules if m.startswith('termkit.integrations')))"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_every_package_is_installed():
    """pyproject.toml lists termkit's packages by hand: a new one left out would be missing
    from a wheel (a regular install), though the tests from a checkout would not notice."""
    import tomllib

    listed = set(tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text(encoding="utf-8"))
                 ["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(PACKAGE.parent).parts) for p in PACKAGE.rglob("__init__.py")}
    assert found <= listed, f"add to [tool.setuptools] packages: {sorted(found - listed)}"
