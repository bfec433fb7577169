"""oxml/ is the only place raw WordprocessingML is built or read (README "How it works").

Read from the source with `ast`: outside reportgen/oxml, no module imports an XML library or oxml's
namespace names, and no string in the code (docstrings aside) holds WordprocessingML.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "reportgen"
XML_MODULES = ("lxml", "xml.etree", "xml.dom", "xml.sax", "docx.oxml", "reportgen.oxml.ns")
MARKUP = re.compile(r"</?(w|wp|a|pic|r|v|o|mc|wps|w14|w15|cp|dc|dcterms|ep|vt):\w|<(Relationship|Default|Override)\b"
                    r"|wordprocessingml/2006/main|\{http://schemas\.openxmlformats\.org")
"""WordprocessingML's elements (and a package's relationships and content types), and its namespace."""


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) \
                and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str):
            found.add(id(body[0].value))
        # a string standing alone after an assignment documents it
        if isinstance(body, list):
            found |= {id(s.value) for s in body if isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant)}
    return found


def raw_xml(source: str, where: str) -> list[str]:
    """Each import of an XML library and each string of WordprocessingML in `source`."""
    tree = ast.parse(source)
    docs = _docstrings(tree)
    found = []
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        found += [f"{where}:{node.lineno}: imports {name}: ask oxml for it" for name in names
                  if name.startswith(XML_MODULES)]
        text = node.value.decode("latin-1") if isinstance(node, ast.Constant) and isinstance(node.value, bytes) \
            else node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None
        if text is not None and id(node) not in docs and MARKUP.search(text):
            found.append(f"{where}:{node.lineno}: WordprocessingML in a string: build it in oxml")
    return list(dict.fromkeys(found))  # (an f-string's pieces are strings of one line)


def test_no_raw_wordprocessingml_outside_oxml() -> None:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        # the PDF layer builds the PDF's own XML metadata (XMP, Dublin Core in RDF): not WordprocessingML
        if path.is_relative_to(PACKAGE / "oxml") or path.is_relative_to(PACKAGE / "pdf"):
            continue
        found += raw_xml(path.read_text(encoding="utf-8"), str(path.relative_to(PACKAGE.parent)))
    assert found == []


@pytest.mark.parametrize("planted", [
    "from lxml import etree\n",
    "def f():\n    from reportgen.oxml.ns import qn\n    return qn('w:p')\n",
    "KEEP = '<w:keepNext/>'\n",
    "import re\nIDS = re.compile(rb'<wp:docPr id=\"(\\d+)\"')\n",
    "def f(x):\n    return f'<w:p>{x}</w:p>'\n",
])
def test_the_rule_catches_what_it_forbids(planted: str) -> None:
    assert len(raw_xml(planted, "planted.py")) == 1


def test_a_docstring_may_name_the_markup() -> None:
    assert raw_xml('def f():\n    """How a value prints inside <w:t>."""\n', "planted.py") == []
