"""Stage 1's fast path: YAML parsed by libyaml (ruamel.yaml.clib) into what load.parse_text gives.

ruamel's round-trip parser is pure Python and was most of the cost of building a report in a batch
(about 9 ms of 14 ms for the seed cover report); libyaml parses the same file in about 1 ms. This
path gives the same plain values and the same positions (tests/test_fastload.py checks both on every
content file). Anything out of the ordinary -- a syntax error, a duplicate key, a tag, a merge key, a
key that is not text, too many values -- gives None, and the round-trip parser reads the file instead,
so every message about a bad file is exactly what it was. (So does a field left empty, `key:`,
which the two parsers place differently.) Control characters and line ends that a value holds as escapes
("\\v", "\\x00", "\\r") are cleaned here as the round-trip path cleans them, each reported where
that path reports it, so such a file (common among generated and pasted content) still takes this path.
So does a lone surrogate escape ("\\ud800", which libyaml refuses): see _shift_surrogates.
"""

from __future__ import annotations

import re
from typing import Any

from reportgen.model.common import PathKey
from reportgen.pipeline.yaml_rules import CORE_TAGS, MAX_DEPTH, MAX_TEXT, MAX_VALUES, cleaned_value

_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_STR = "tag:yaml.org,2002:str"
_NULL = "tag:yaml.org,2002:null"
_YAML: Any = None


class _Unusual(Exception):
    """Something the fast path leaves to the round-trip parser."""


def _yaml() -> Any:
    global _YAML
    if _YAML is None:
        from ruamel.yaml import YAML

        yaml = YAML(typ="safe")  # uses libyaml when ruamel.yaml.clib is installed
        _YAML = yaml if getattr(yaml.Parser, "__name__", "") == "CParser" else False
    return _YAML


# libyaml composes a file by calling itself once per level of nesting, in C: thousands of nested
# brackets overflow the C stack and kill the process (and, in a batch, the other reports in its
# worker); ruamel's pure parser takes time in the square of the depth. Nesting is at most the
# brackets plus twice the indentation (a block list may sit at its key's column, nothing else nests
# without indenting), so a file with few of either -- every real report -- is parsed as it is; any
# other has its depth measured first (load._deepest). libyaml was seen to compose 8,000 levels safely.
_SAFE = 250
_DEEP_INDENT = re.compile(r"^[ \-?:]{%d}" % _SAFE, re.MULTILINE)


def may_nest_deeply(text: str) -> bool:
    """Whether `text` could nest deeper than either parser safely composes (a cheap upper bound)."""
    return text.count("[") + text.count("{") > _SAFE or _DEEP_INDENT.search(text) is not None


# A surrogate escape in a double-quoted value ("\\ud800", "\\U0000DC00") makes libyaml refuse the whole file, and
# one in a long pasted file sent it all through the round-trip parser (0.37 CPU-s for the hostile-text tests'
# two 0.8 MB files, 0.045 s this way). Such escapes are shifted, length kept (so every column stays), to the private-use
# characters U+E000-U+E7FF, which libyaml decodes, and shifted back in the values, where the cleaning drops
# them as the round-trip path does. A file already holding such a character, or an escape of one, is left to
# the round-trip parser; so is one where a shifted escape was not decoded as exactly one character in a value
# (it sat in plain or single-quoted text or a comment, where it is literal, or in a key).
# The pattern: a backslash not after another (written first, so the search skips to backslashes), an even run
# of them (escaped backslashes), then the escape.
_SURROGATE_ESCAPE = re.compile(r"\\(?<!\\\\)((?:\\\\)*(?:u|U0000))([dD][89a-fA-F][0-9a-fA-F]{2})")
_SHIFTED_USED = re.compile(r"[\ue000-\ue7ff]|\\(?:u|U0000)[eE][0-7][0-9a-fA-F]{2}")
_SHIFTED = re.compile(r"[\ue000-\ue7ff]")
_SHIFT = 0xE000 - 0xD800
_UNSHIFT = {code: code - _SHIFT for code in range(0xE000, 0xE800)}


def _shift_surrogates(text: str) -> tuple[str, int] | None:
    """`text` with its surrogate escapes shifted to private-use ones, and how many; None if it cannot be."""
    if "\\" not in text or not _SURROGATE_ESCAPE.search(text):
        return text, 0
    if _SHIFTED_USED.search(text):
        return None
    return _SURROGATE_ESCAPE.subn(lambda m: f"\\{m.group(1)}{int(m.group(2), 16) + _SHIFT:04X}", text)


Controls = list[tuple[str, tuple[int, int]]]
"""Control characters found in values, each with the (line, col) of its value: load.parse_text warns of each."""


def parse_fast(text: str, controls: Controls | None = None) \
        -> tuple[Any, dict[PathKey, tuple[int, int]], dict[PathKey, tuple[int, int]]] | None:
    """(values, value positions, key positions) as load.parse_text records them; None to use the slow path.

    The control characters the values held (cleaned from them) are added to `controls`, in the order the
    round-trip path warns of them: for each value, its distinct characters in code point order."""
    yaml = _yaml()
    shifted = _shift_surrogates(text) if yaml else None
    if shifted is None:
        return None
    try:
        root = yaml.compose(shifted[0])
        if root is None:
            return None
        values: dict[PathKey, tuple[int, int]] = {(): (1, 1)}
        keys: dict[PathKey, tuple[int, int]] = {}
        found: Controls = []
        counter = [0, 0, shifted[1]]  # values, characters of text, shifted escapes not yet met in a value
        plain = _plain(root, (), values, keys, counter, yaml.constructor, found)
        if counter[2]:
            return None
    except Exception:  # anything at all: the round-trip parser reads it and says what is wrong
        return None
    if controls is not None:
        controls.extend(found)
    return plain, values, keys


def _plain(node: Any, path: PathKey, values: dict, keys: dict, counter: list[int], constructor: Any,
           controls: Controls) -> Any:
    from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

    counter[0] += 1
    if counter[0] > MAX_VALUES or len(path) > MAX_DEPTH or node.tag not in CORE_TAGS and node.tag != _TIMESTAMP:
        raise _Unusual
    if isinstance(node, MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode) or key_node.tag != _STR or key_node.value in out:
                raise _Unusual  # merge keys, keys that are not text, duplicates
            key = key_node.value
            if counter[2] and _SHIFTED.search(key):
                raise _Unusual  # a surrogate escape in a key
            keys[path + (key,)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            values[path + (key,)] = (value_node.start_mark.line + 1, value_node.start_mark.column + 1)
            out[key] = _plain(value_node, path + (key,), values, keys, counter, constructor, controls)
        return out
    if isinstance(node, SequenceNode):
        items = []
        for i, item in enumerate(node.value):
            values[path + (i,)] = (item.start_mark.line + 1, item.start_mark.column + 1)
            items.append(_plain(item, path + (i,), values, keys, counter, constructor, controls))
        return items
    if node.value == "" and node.tag == _NULL:
        raise _Unusual  # `key:` with nothing: libyaml and the round-trip parser place it differently
    if node.tag in (_STR, _TIMESTAMP):  # dates stay text for the model to check, as in load.py
        counter[1] += len(node.value)
        if counter[1] > MAX_TEXT:
            raise _Unusual  # an alias bomb
        if counter[2] and _SHIFTED.search(node.value):
            counter[2] -= len(_SHIFTED.findall(node.value))
            node.value = node.value.translate(_UNSHIFT)  # so an alias of this value does not count it again
        value, found = cleaned_value(node.value)
        controls.extend((char, values.get(path, (1, 1))) for char in found)
        return value
    return constructor.yaml_constructors[node.tag](constructor, node)
