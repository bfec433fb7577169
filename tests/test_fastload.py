"""The libyaml fast path gives exactly what the round-trip parser gives: values, value and key positions."""

from __future__ import annotations

import re

import pytest

from conftest import CASES, ROOT
from reportgen.pipeline import fastload, load
from reportgen.features.authoring.skeleton import skeleton_text

SNIPPETS = {
    "scalars": "kind: cover\nn: 12\nf: 1.5\nyes_no: true\nnothing: ~\nempty: ''\nq: \"a \\\"b\\\"\"\nd: 2020-02-10\n",
    "blocks": "a: >-\n  folded\n  text\nb: |\n  literal\n  text\nc:\n  - one\n  -   two\n  - [x, y]\n",
    "nested": "top:\n  - key: v\n    list:\n      - {a: 1, b: [2, 3]}\n  - plain\n",
    "unicode": "title: \u2018Quality\u2019 \u2013 Children\u2019s \u00a320 \U0001F600\n",
    "explicit core tag": "n: !!str 123\n",
    "alias": "a: &x [1, 2]\nb: *x\n",
    # escapes the raw-text cleaning lets past: cleaned, with a warning each at the value, on either path
    "escaped controls": 'a: "x\\x00y\\vz\\x0c\\x1f\\x7f\\x80\\x84\\x86\\x9f\\ufffe\\uffff\\x85 \\x00"\n'
                        'b:\n  - "\\x08\\x0e"\n  - {c: "\\x01", d: "\\x01\\ufdd0"}\n',
    "escaped line ends": 'b:\n  - "\\r\\nline\\rend\\x0b"\n  - "CRLF\\r\\n\\r\\r\\n"\n',
    # lone surrogates (libyaml refuses their escapes): dropped with a warning at the value, on either path
    "escaped surrogates": 'a: "x\\ud800y \\uDFFF\\U0000dc00 \\\\ud800 \\\\\\udbff z"\nb: [&s "\\ud83d\\ude00", *s, "\\\\"]\n'
                          'c: "one \\\n  \\udc00 two"  # a comment\nd: \'\\\\ud800\'\n',
}
UNUSUAL = {  # left to the round-trip parser, which gives its messages
    "duplicate key": "a: 1\na: 2\n",
    "merge key": "base: &b {x: 1}\nuse:\n  <<: *b\n  y: 2\n",
    "custom tag": "a: !python/name:os.system x\n",
    "number key": "1: one\n",
    "empty value": "a:\nb: 1\n",
    "syntax error": "a: [1, 2\n",
    # a surrogate escape fast path could not tell from what it stands in for, or one that is literal text
    "surrogate escape beside a private-use character": 'a: "\\ud800 \ue000"\n',
    "surrogate escape beside a private-use escape": 'a: "\\ud800"\nb: "\\ue7ff"\n',
    "surrogate escape in plain text": 'a: "\\ud800"\nb: plain \\ud800\n',
    "surrogate escape in single quotes": "a: '\\ud800'\n",
    "surrogate escape in a comment": 'a: 1  # "\\ud800"\n',
    "surrogate escape in a key": '"k\\ud800": 1\n',
}


def _slow(text: str) -> load.LoadedContent:
    saved, fastload._YAML = fastload._YAML, False
    try:
        return load.parse_text(text, "x.yaml")
    finally:
        fastload._YAML = saved


def _texts() -> dict[str, str]:
    texts = {f"content/{p.name}": p.read_text(encoding="utf-8") for p in sorted((ROOT / "content").glob("*.yaml"))}
    texts.update({f"cases/{p.name}": p.read_text(encoding="utf-8") for p in sorted(CASES.glob("*.yaml"))})
    # a skeleton's empty fields (`extra_spending:`) go the slow way; written `~`, they take the fast one
    texts.update({f"skeleton {kind}": re.sub(r"(extra_spending|funding_agreed|consent|status):\n", r"\1: ~\n",
                                             skeleton_text(kind, "x"))
                  for kind in ("cover", "annual", "agenda")})
    texts.update(SNIPPETS)
    return texts


def test_libyaml_is_used() -> None:
    assert fastload._yaml(), "ruamel.yaml.clib is a dependency: without it every build takes the slow path"


@pytest.mark.parametrize("name, text", list(_texts().items()))
def test_same_values_and_positions(name: str, text: str) -> None:
    fast = fastload.parse_fast(text)
    assert fast is not None, name
    slow = _slow(text)
    assert fast[0] == slow.values
    assert fast[1] == slow.source.values
    assert fast[2] == slow.source.keys
    assert load.parse_text(text, "x.yaml").warnings == slow.warnings  # the same, said at the same places


@pytest.mark.parametrize("name, text", list(UNUSUAL.items()))
def test_unusual_files_go_the_slow_way(name: str, text: str) -> None:
    assert fastload.parse_fast(text) is None
