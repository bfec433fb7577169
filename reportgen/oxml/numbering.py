"""numbering.xml, read once: the list definitions (w:abstractNum: each level's number format, label
text and start) and the lists that use them (w:num: which definition, which levels restart where).

The one reader of a document's numbering: the text and block readers (list labels as Word shows them),
the template's index and the comparison of two documents ask it. `ListLabels` counts list numbers the
way Word does: a w:num continues its definition's count unless it restarts it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from reportgen.lib.numbers import format_number
from reportgen.oxml.ns import qn
from reportgen.oxml.package import xml_parser

W_VAL = qn("w:val")


@dataclass(frozen=True)
class Level:
    """One level of a list definition."""

    format: str = "decimal"
    """w:numFmt: 'decimal', 'lowerLetter', 'bullet' ..."""
    text: str = ""
    """w:lvlText: the label with %1, %2 ... for the levels' numbers ('%1.', '(%2)')."""
    start: int = 1


@dataclass
class ListInstance:
    """A w:num: the definition it numbers by, and the levels it restarts (level -> start)."""

    definition: int
    restarts: dict[int, int] = field(default_factory=dict)
    element: Any = field(default=None, repr=False)


class ListDefinitions:
    """A numbering part, read. Build one with `numbering_of(parts)`, which remembers it (shared: read-only);
    `ListDefinitions(root)` reads an element tree as it stands (one that is being changed)."""

    def __init__(self, source: bytes | Any | None) -> None:
        self.definitions: dict[int, dict[int, Level]] = {}
        self.definition_elements: dict[str, Any] = {}
        self.lists: dict[int, ListInstance] = {}
        self.list_elements: dict[str, Any] = {}
        self.root: Any = None
        if source is None:
            return
        if isinstance(source, bytes):
            from lxml import etree

            source = etree.fromstring(source, xml_parser())
        self.root = source
        for abstract in source.iter(qn("w:abstractNum")):
            aid = abstract.get(qn("w:abstractNumId"))
            self.definition_elements[aid] = abstract
            levels = {}
            for lvl in abstract.iter(qn("w:lvl")):
                fmt, text, start = lvl.find(qn("w:numFmt")), lvl.find(qn("w:lvlText")), lvl.find(qn("w:start"))
                levels[int(lvl.get(qn("w:ilvl")))] = Level(
                    fmt.get(W_VAL) if fmt is not None else "decimal",
                    text.get(W_VAL) if text is not None else "",
                    int(start.get(W_VAL)) if start is not None else 1)
            self.definitions[int(aid)] = levels
        for num in source.iter(qn("w:num")):
            self.list_elements[num.get(qn("w:numId"))] = num
            restarts = {}
            for override in num.iter(qn("w:lvlOverride")):
                start = override.find(qn("w:startOverride"))
                if start is not None:
                    restarts[int(override.get(qn("w:ilvl")))] = int(start.get(W_VAL))
            abstract = num.find(qn("w:abstractNumId"))
            if abstract is not None:
                self.lists[int(num.get(qn("w:numId")))] = ListInstance(int(abstract.get(W_VAL)), restarts, num)

    @property
    def max_list_id(self) -> int:
        """The highest w:numId in the part (0 when none)."""
        return max((int(n) for n in self.list_elements), default=0)

    @property
    def max_definition_id(self) -> int:
        return max((int(a) for a in self.definition_elements if a and a.isdigit()), default=0)

    def users(self) -> dict[int, int]:
        """How many lists use each definition."""
        found: dict[int, int] = {}
        for instance in self.lists.values():
            found[instance.definition] = found.get(instance.definition, 0) + 1
        return found


def numbering_of(parts: dict[str, bytes]) -> ListDefinitions:
    """The numbering of a document's parts, parsed once per distinct numbering part."""
    return _parsed(parts.get("word/numbering.xml"))


@lru_cache(maxsize=16)
def _parsed(xml: bytes | None) -> ListDefinitions:
    return ListDefinitions(xml)


class ListLabels:
    """List labels as Word computes them, paragraph by paragraph in document order."""

    def __init__(self, definitions: ListDefinitions) -> None:
        self.definitions = definitions
        self.counters: dict[int, dict[int, int]] = {}
        self.started: set[int] = set()

    def label(self, num_id: int, level: int) -> str:
        """The label of the next paragraph of list `num_id` at `level` ('1.', '(b)', '-' for a bullet)."""
        instance = self.definitions.lists.get(num_id)
        if instance is None:
            return ""
        levels = self.definitions.definitions.get(instance.definition, {})
        counters = self.counters.setdefault(instance.definition, {})
        if num_id not in self.started:
            self.started.add(num_id)
            for lvl, start in instance.restarts.items():
                counters[lvl] = start - 1
        own = levels.get(level, Level("decimal", f"%{level + 1}.", 1))
        counters[level] = counters.get(level, own.start - 1) + 1
        for deeper in [lvl for lvl in counters if lvl > level]:
            del counters[deeper]
        if own.format == "bullet":
            return "-"
        shown = own.text
        for lvl in range(level + 1):
            above = levels.get(lvl, Level())
            shown = shown.replace(f"%{lvl + 1}", format_number(counters.get(lvl, above.start), above.format))
        return shown


# -- writing: lists added to a numbering part as text (a build adds a few to the template's part) ------------

def restarting_list(num_id: int, definition: int) -> str:
    """A w:num numbering by list definition `definition` whose every level starts again at 1."""
    overrides = "".join(f'<w:lvlOverride w:ilvl="{lvl}"><w:startOverride w:val="1"/></w:lvlOverride>'
                        for lvl in range(9))
    return f'<w:num w:numId="{num_id}"><w:abstractNumId w:val="{definition}"/>{overrides}</w:num>'


def with_lists(numbering: bytes, lists: list[str]) -> bytes:
    """A numbering part with the w:num elements `lists` added after its own (before Word's clean-up mark)."""
    text = numbering.decode("utf-8")
    at = text.find("<w:numIdMacAtCleanup")
    at = at if at >= 0 else text.rindex("</w:numbering>")
    return (text[:at] + "".join(lists) + text[at:]).encode("utf-8")
