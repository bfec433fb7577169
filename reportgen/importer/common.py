"""What every importer shares: the record of guesses and of what could not be mapped, and walking a
document's blocks by heading level."""

from __future__ import annotations

from dataclasses import dataclass, field

from reportgen.oxml.blocks import Block, Paragraph, Table


@dataclass
class Import:
    """A document read back as content: the values, the guesses made, and what found no field."""

    data: dict = field(default_factory=dict)
    guesses: list[str] = field(default_factory=list)
    unmapped: list[str] = field(default_factory=list)

    def guess(self, message: str) -> None:
        self.guesses.append(message)

    def note(self, message: str, *, unmapped: str) -> None:
        self.guesses.append(message)
        self.unmapped.append(unmapped)

    def unmapped_block(self, block: Block, why: str) -> None:
        if isinstance(block, Table):
            text = " | ".join(" / ".join(row) for row in block.plain_rows())
        else:
            text = (f"{block.label} " if block.label else "") + block.plain
        if text.strip():
            self.unmapped.append(f"{text.strip()}  ({why})")


def heading_text(block: Paragraph) -> str:
    """A heading's words without a number the template put before them ('1.1 Background')."""
    return block.text


def sections_by_level(blocks: list[Block], level: int, found: Import) -> list[tuple[Paragraph, list[Block]]]:
    """Headings of `level` and the blocks under each; blocks before the first heading are unmapped."""
    out: list[tuple[Paragraph, list[Block]]] = []
    for block in blocks:
        if isinstance(block, Paragraph) and block.level == level:
            out.append((block, []))
        elif out:
            out[-1][1].append(block)
        else:
            found.unmapped_block(block, "before the first heading")
    return out
