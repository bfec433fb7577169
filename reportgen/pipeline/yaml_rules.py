"""What a content file's YAML may hold: its size, the values and text aliases may expand to, its depth,
its tags and characters. One set of rules for both readers: ruamel's (load.py) and the libyaml fast
path (fastload.py)."""

from __future__ import annotations

import re

MAX_FILE_BYTES = 4 * 1024 * 1024
"""A content file larger than this is refused: an annual report is about 100 kB."""
MAX_VALUES = 200_000
"""Values after aliases are expanded; stops a 'billion laughs' file before it eats the memory."""
MAX_TEXT = 4 * MAX_FILE_BYTES
"""Characters of text after aliases are expanded: a short file repeating one long anchor is refused too."""
MAX_DEPTH = 40
"""Lists and mappings nested deeper than this are refused: a report nests a handful of levels."""

# Characters XML cannot hold, as pasted from Word or email. A vertical tab is Word's manual
# line break and a form feed its page break: both become line breaks, the rest are dropped.
# C1 controls (U+0080-U+009F, bar NEL) are what Windows "smart quotes" become when mis-decoded, and the
# YAML reader refuses them; lone surrogates (from a "\\ud800" escape) cannot be stored as UTF-8 at all.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")
# Stands for a pasted line break while the YAML parser reads the text: a Unicode noncharacter, which
# Unicode keeps for a program's internal use, so no real text holds one (one that did would become a break).
LINE_BREAK_MARK = "\ufdd0"


# Explicit tags that only say what YAML would infer anyway; any other tag (!!python/...) is refused.
CORE_TAGS = {f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")}


def without_controls(text: str, line_break: str) -> str:
    """`text` with CONTROL's characters dropped, a vertical tab or form feed becoming `line_break`."""
    return CONTROL.sub(lambda m: line_break if m.group() in "\x0b\x0c" else "", text)


def cleaned_value(value: str) -> tuple[str, list[str]]:
    """A parsed text value as the model gets it, and the control characters dropped from it (distinct, in
    code point order: one warning each). Escapes ("\\v", "\\x00", "\\ud800", "\\r") get past the cleaning of
    the raw file; here they are treated the same way, and a line end is plain, as XML would read a lone CR."""
    if "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    found: list[str] = []
    if CONTROL.search(value):
        found = sorted(set(CONTROL.findall(value)))
        value = without_controls(value, "\n")
    return value.replace(LINE_BREAK_MARK, "\n"), found
