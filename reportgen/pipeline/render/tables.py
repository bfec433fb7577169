"""Content tables as Word tables: 'Table N' caption, header rows that repeat, the template's table style.

How a table looks (borders, the header row's shading, the Total row's weight, cell spacing) is the
template's `Report Table` style, with its header-row and last-row formatting switched on here as Word
does (tblLook); numbers sit in the `Table Number` paragraph style, words in `Table Text`. A template
without those two paragraph styles gets Normal.
"""

from __future__ import annotations

from reportgen.model import inline
from reportgen.model.tables import TOTAL, Table, Tabulated, slug
from reportgen.oxml import xml
from reportgen.pipeline.render.ooxml import OoxmlWriter

TABLE_STYLE = "Report Table"


def table_blocks(w: OoxmlWriter, report: Tabulated, table: Table, number: int) -> list[str]:
    """The caption paragraph ('Table N ...', a SEQ field so Word renumbers) and the table itself."""
    caption = xml.run("Table ") + xml.field("SEQ Table \\* ARABIC", str(number)) + w.runs(f" {table.caption}")
    key = report.table_key(table)
    text_style = _style(w, "Table Text")
    number_style = _style(w, "Table Number")

    def number_cell(address: str) -> str:
        return xml.paragraph(xml.run(report.statistic_text(address)), number_style)

    rows: list[list[str]] = []
    total_column = "column" in table.total
    total_row = "row" in table.total
    for header in table.header:
        cells = [xml.paragraph(w.runs(h), text_style) for h in header]
        if total_column:
            cells.append(xml.paragraph(xml.run(TOTAL), text_style))
        rows.append(cells)
    for r, row in enumerate(table.rows):
        label = table.row_label(r)
        cells = [xml.paragraph(w.runs(label), text_style)]
        for c, cell in enumerate(row[1:], start=1):
            if report.is_number(cell):
                cells.append(number_cell(f"{key}.{slug(label)}.{slug(table.header[-1][c])}"))
            else:
                cells.append(xml.paragraph(w.runs(str(cell)), text_style))
        if total_column:
            cells.append(number_cell(f"{key}.{slug(label)}.total"))
        rows.append(cells)
    if total_row:
        cells = [xml.paragraph(xml.run(TOTAL), text_style)]
        cells += [number_cell(f"{key}.total.{slug(h)}") for h in table.header[-1][1:]]
        if total_column:
            cells.append(number_cell(f"{key}.total.total"))
        rows.append(cells)
    widths = _widths(table, report, key)
    return [xml.paragraph(caption, w.style_id("Caption")),
            xml.table(rows, w.style_id(TABLE_STYLE, "table"), header_rows=len(table.header), widths=widths,
                      last_row=total_row, last_column=total_column)]


def _widths(table: Table, report: Tabulated, key: str) -> list[int]:
    """Column widths fitted to the text the columns show (see xml.fit_widths)."""
    shown: list[list[str]] = [[inline.plain(h) for h in row] for row in table.header]
    for r, row in enumerate(table.rows):
        label = table.row_label(r)
        shown.append([inline.plain(label)] + [
            report.statistic_text(f"{key}.{slug(label)}.{slug(table.header[-1][c])}") if report.is_number(cell)
            else inline.plain(str(cell)) for c, cell in enumerate(row[1:], start=1)])
    columns = [list(col) for col in zip(*shown)]
    if "column" in table.total:
        columns.append([TOTAL, "00,000"])
    if "row" in table.total:
        columns[0].append(TOTAL)
    return xml.fit_widths(columns)


def _style(w: OoxmlWriter, name: str) -> str:
    return w.style_id(name) if w.template.has_style(name) else w.style_id("Normal")
