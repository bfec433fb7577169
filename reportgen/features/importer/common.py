"""What every importer shares: the record of guesses and of what could not be mapped, and walking a
document's blocks by heading level."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from reportgen.oxml.blocks import Block, Paragraph, Table

_TABLE_CAPTION = re.compile(r"^Table \d+ (.*)$", re.S)
_NUMBER = re.compile(r"^-?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")
TOTAL = "Total"


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


def with_tables(blocks: list[Block], found: Import) -> list[Block | dict[str, Any]]:
    """The blocks with each 'Table N caption' paragraph and the table after it joined as `{table: ...}`,
    as content writes a table: its header row(s), rows of numbers and text, and its Total row or column
    as `total:` (worked out again when built, so a total that does not add up is not kept)."""
    out: list[Block | dict[str, Any]] = []
    i = 0
    while i < len(blocks):
        block = blocks[i]
        caption = _TABLE_CAPTION.match(block.text) if isinstance(block, Paragraph) and block.style == "Caption" \
            else None
        if caption and i + 1 < len(blocks) and isinstance(blocks[i + 1], Table):
            out.append({"table": _table(caption.group(1), blocks[i + 1], found)})  # type: ignore[arg-type]
            i += 2
            continue
        out.append(block)
        i += 1
    return out


def _table(caption: str, table: Table, found: Import) -> dict[str, Any]:
    texts = [[table.cell_text(r, c) for c in range(len(row))] for r, row in enumerate(table.rows)]
    plain = table.plain_rows()
    header_rows = table.header_rows
    if not header_rows:
        header_rows = 1
        found.guess(f"Table '{caption}': no row is marked as a header; its first row was read as the header")
    header, body, shown = texts[:header_rows], texts[header_rows:], plain[header_rows:]
    item: dict[str, Any] = {"caption": caption}
    total: list[str] = []
    numeric = [[bool(_NUMBER.match(text)) for text in row] for row in shown]
    if header and header[-1] and header[-1][-1] == TOTAL and body and all(row and row[-1] for row in numeric):
        header = [row[:-1] for row in header]
        body, shown, numeric = [r[:-1] for r in body], [r[:-1] for r in shown], [r[:-1] for r in numeric]
        total.append("column")
    if body and shown[-1] and shown[-1][0] == TOTAL and all(numeric[-1][1:]):
        body, shown = body[:-1], shown[:-1]
        total.insert(0, "row")
    item["header"] = header[0] if len(header) == 1 else header
    item["rows"] = [[_cell(text, plain_text) for text, plain_text in zip(row, plain_row)]
                    for row, plain_row in zip(body, shown)]
    if total:
        item["total"] = total[0] if len(total) == 1 else "both"
    return item


def _cell(text: str, plain: str) -> Any:
    """A number as content writes it (1204, 62.5); anything else as its text."""
    if _NUMBER.match(plain):
        number = plain.replace(",", "")
        return float(number) if "." in number else int(number)
    return text
