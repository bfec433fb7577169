"""What a story (the body, a header, footer, footnotes) holds that a reader of the printed page does not
see, or should not: comment anchors, hidden text, tracked deletions and moves; and the names of the
people a document records as its reviewers.

Most documents hold none of it: a story is parsed only when its raw XML holds a marker of something
looked for (a marker may be a false alarm, never a miss: a character reference may spell a brace).
"""

from __future__ import annotations

from dataclasses import dataclass

from reportgen.oxml.ns import qn
from reportgen.oxml.package import xml_parser

_MARKERS = (b"commentReference", b"commentRangeStart", b"vanish", b"Vanish", b"del ", b"del>", b"del/",
            b"delText", b"moveFrom", b"{", b"}", b"&#")
_W15 = "http://schemas.microsoft.com/office/word/2012/wordml"


@dataclass
class Unseen:
    """What one story holds."""

    comments: bool = False
    """A comment is anchored in it."""
    hidden_text: bool = False
    """Text formatted hidden (Font > Hidden), directly."""
    deletions: bool = False
    """Tracked deletions."""
    moves: bool = False
    """Tracked moves (the text's old place kept)."""
    hidden_style: str | None = None
    """The name of a hidden style some of its text is in."""
    text: str = ""
    """All its text run together (only when it may hold a brace: '' otherwise)."""


def unseen(story: bytes, hidden_styles: dict[str, str]) -> Unseen:
    """What `story` (a story part's XML) holds, given the document's hidden styles (`Styles.hidden`)."""
    if not hidden_styles and not any(marker in story for marker in _MARKERS):
        return Unseen()
    from lxml import etree

    root = etree.fromstring(story, xml_parser())

    def has(*tags: str) -> bool:
        return next(root.iter(*(qn(t) for t in tags)), None) is not None

    return Unseen(has("w:commentReference", "w:commentRangeStart"), has("w:vanish", "w:specVanish"),
                  has("w:del", "w:delText"), has("w:moveFrom", "w:moveFromRangeStart"),
                  _uses_hidden_style(root, hidden_styles) if hidden_styles else None,
                  "".join(t.text or "" for t in root.iter(qn("w:t"))))


def _uses_hidden_style(root, hidden: dict[str, str]) -> str | None:
    """The name of a hidden style that some text of this story is in, if any."""
    if "*" in hidden and next(root.iter(qn("w:t")), None) is not None:
        return hidden["*"]
    for paragraph in root.iter(qn("w:p")):
        style = paragraph.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        sid = style.get(qn("w:val"), "") if style is not None else ""
        if sid in hidden and next(paragraph.iter(qn("w:t")), None) is not None:
            return hidden[sid]
    for run in root.iter(qn("w:rStyle")):
        if run.get(qn("w:val"), "") in hidden:
            return hidden[run.get(qn("w:val"), "")]
    return None


@dataclass
class SettingsRecord:
    """What a document's settings keep out of sight."""

    variables: bool = False
    """Document variables (w:docVars): values a macro or a program stored in the file."""
    template: bool = False
    """The Word template the file was made from (w:attachedTemplate), a path on someone's machine."""


def settings_record(parts: dict[str, bytes]) -> SettingsRecord:
    settings = parts.get("word/settings.xml", b"")
    return SettingsRecord(b"docVar " in settings or b"docVar>" in settings, b"attachedTemplate" in settings)


def reviewers(parts: dict[str, bytes]) -> list[str] | None:
    """The names of the people who edited or commented, as word/people.xml records them (sorted, unnamed
    left out); None when the document records no one."""
    people = parts.get("word/people.xml", b"")
    if b"person" not in people:
        return None
    from lxml import etree

    root = etree.fromstring(people, xml_parser())
    return sorted({p.get(f"{{{_W15}}}author", "") for p in root.iter(f"{{{_W15}}}person")} - {""})
