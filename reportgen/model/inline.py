"""The small inline markup of content text: **bold**, *italic*, ^superscript^ and [[statistic]] references.

A reference names a statistic (`[[survey_rate]]`) or a cell of a named table (`[[grades.Q1.Good]]`).

Everything else in a string is literal text: `{{ }}`, `<tags>` and `&` are printed as typed.
A backslash before `*`, `^`, `[`, `]` or another backslash prints that character literally.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache


@dataclass(frozen=True)
class Span:
    """A stretch of text with one set of formatting; `stat` names a statistic to show instead."""

    text: str = ""
    bold: bool = False
    italic: bool = False
    superscript: bool = False
    stat: str | None = None
    published: str | None = None


_TOKEN = re.compile(
    r"\\(?P<escaped>[*^\[\]\\])"
    r"|\*\*(?=\S)(?P<bold>.+?)(?<=\S)\*\*"
    r"|\*(?=[^\s*])(?P<italic>.+?)(?<=[^\s*])\*(?!\*)"
    r"|\^(?P<sup>[^\s^]+)\^"
    r"|\[\[(?P<stat>[A-Za-z_]\w*(?:\.\w+)*)(?:\|(?P<published>[^\]]*))?\]\]",
    re.DOTALL,
)


@lru_cache(maxsize=4096)
def parse(text: str) -> tuple[Span, ...]:
    """Split `text` into spans. Cached: drafts are rebuilt again and again with mostly the same text."""
    return tuple(_merge(_parse(text, Span())))


def _parse(text: str, style: Span) -> list[Span]:
    spans: list[Span] = []
    pos = 0
    for m in _TOKEN.finditer(text):
        if m.start() > pos:
            spans.append(replace(style, text=text[pos:m.start()]))
        if m.group("escaped") is not None:
            spans.append(replace(style, text=m.group("escaped")))
        elif m.group("bold") is not None:
            spans.extend(_parse(m.group("bold"), replace(style, bold=True)))
        elif m.group("italic") is not None:
            spans.extend(_parse(m.group("italic"), replace(style, italic=True)))
        elif m.group("sup") is not None:
            spans.append(replace(style, text=m.group("sup"), superscript=True))
        else:
            spans.append(replace(style, stat=m.group("stat"), published=m.group("published")))
        pos = m.end()
    if pos < len(text):
        spans.append(replace(style, text=text[pos:]))
    return spans


def _merge(spans: list[Span]) -> list[Span]:
    out: list[Span] = []
    for span in spans:
        if out and span.stat is None and out[-1].stat is None and \
                replace(out[-1], text="") == replace(span, text=""):
            out[-1] = replace(out[-1], text=out[-1].text + span.text)
        else:
            out.append(span)
    return out


def plain(text: str) -> str:
    """The text a reader sees, markup removed (statistics shown by name or as published)."""
    return "".join(s.text if s.stat is None else (s.published or s.stat) for s in parse(text))


def statistic_references(text: str) -> list[Span]:
    """The [[statistic]] references in `text`, in order."""
    return [s for s in parse(text) if s.stat is not None]
