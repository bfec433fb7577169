"""A covering report read back from Word: the header grid by its labels, then the headings in the
house order (Summary, Recommendation(s), Main Report, Appendices, Background Papers) and the author
block that ends it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from reportgen.features.importer.common import Import, heading_text, sections_by_level, with_tables
from reportgen.oxml.blocks import Block, Paragraph, Table

# The header grid's labels as templates word them, folded to lower case without ':' and '(s)'.
LABELS = {
    "committee": "committee", "committees": "committee", "dated": "dated", "date": "dated",
    "subject": "subject", "report of": "report_of", "report author": "report_author",
    "if so, how much": "spending_amount", "what is the source of funding": "funding_source",
}
QUESTIONS = (  # long questions, recognised by their opening words
    ("which outcomes in the city corporation", "corporate_plan_outcomes"),
    ("does this proposal require extra", "extra_spending"),
    ("has this funding source been agreed", "funding_agreed"),
)
ACCESS = {"public": "public", "non-public": "non-public", "non public": "non-public"}
PURPOSE = {"for information": "information", "for decision": "decision"}
_LETTER = re.compile(r"^\(?[a-z]{1,2}[.)]$")
_APPENDIX = re.compile(r"^Appendix\s+\d+\s*[–-]\s*(.+)$", re.S)
_EXEMPT_APPENDIX = re.compile(r"^Non-Public:\s*Appendix\s+(\d+)\b")
NON_PUBLIC = "(Non-Public)"
_SCHEDULE = re.compile(r"paragraphs?\(?s?\)?\s+([\d,\sand]+)\s+of\s+Part\s+1\s+of\s+Schedule\s+12A", re.I)


def _label(text: str) -> str:
    return text.strip().rstrip(":?").replace("(s)", "s").replace("’", "'").strip().lower()


def house_format_of(grid: Table) -> tuple[Path, str] | None:
    """The template whose header grid this is: of the covering-report templates in the template folders
    (and their house-format subfolders), the one most of whose labels the grid has, the most labels first;
    with the house format's name ('' for a folder's own template, else its subfolder's name)."""
    from reportgen.kinds import KINDS
    from reportgen.oxml.blocks import read_blocks
    from reportgen.pipeline import load_template, template_folders

    TEMPLATE = KINDS["cover"].template
    labels = {_label(c) for row in grid.plain_rows() for c in row if c.strip()}
    best: tuple[float, int] | None = None
    chosen = None
    for folder in template_folders():
        formats = [(folder / TEMPLATE, ""), *((p, p.parent.name) for p in sorted(folder.glob(f"*/{TEMPLATE}")))]
        for path, name in formats:
            if not path.is_file():
                continue
            try:
                first = next((b for b in read_blocks(load_template(path).parts) if isinstance(b, Table)), None)
            except Exception:  # noqa: BLE001 - a broken template is not this document's format
                continue
            if first is None:
                continue
            own = {_label(c) for row in first.plain_rows() for c in row[::2] if c.strip() and "{" not in c}
            if not own:
                continue
            score = (len(own & labels) / len(own), len(own & labels))
            if best is None or score > best:
                best, chosen = score, (path, name)
    return chosen


def read_cover(blocks: list[Block], found: Import) -> dict[str, Any]:
    data: dict[str, Any] = {"kind": "cover"}
    rest = list(blocks)
    template = None
    if rest and isinstance(rest[0], Table):
        matched = house_format_of(rest[0])
        if matched is not None:
            template, name = matched
            if name:
                data["template"] = name
        _header(rest.pop(0), data, found)
    else:  # a grid some program flattened into paragraphs: label, value, label, value ...
        lines = []
        while rest and isinstance(rest[0], Paragraph) and not rest[0].is_heading:
            lines.append(rest.pop(0))
        if any(_label(p.plain) in LABELS for p in lines):
            found.guess("the header grid was read from paragraphs (label, then value), not a table")
            _header(Table([[[p] for p in lines]]), data, found)
        else:
            rest[:0] = lines
            found.guess("no header grid found before the first heading: committee, date and subject left blank")
    exempt_appendices: dict[int, list[int]] = {}
    while rest and not (isinstance(rest[0], Paragraph) and rest[0].is_heading):  # under the grid
        line = rest.pop(0)
        if isinstance(line, Table):  # an older template's second table of questions
            _header(line, data, found)
            continue
        citation = _SCHEDULE.search(line.plain)
        appendix = _EXEMPT_APPENDIX.match(line.plain)
        if citation and appendix:  # 'Non-Public: Appendix 2 – by virtue of paragraph(s) 3 ...'
            exempt_appendices[int(appendix.group(1))] = [int(n) for n in re.findall(r"\d+", citation.group(1))]
        elif citation and "exempt_paragraphs" not in data:
            data["exempt_paragraphs"] = [int(n) for n in re.findall(r"\d+", citation.group(1))]
        elif line.plain:
            found.unmapped_block(line, "a line under the header grid")
    author, rest = _author_block(rest, found)
    for heading, body in sections_by_level(rest, 0, found):
        name = heading_text(heading).lower()
        if name == "summary":
            data["summary"] = _paragraphs(body, found, "summary")
        elif name.startswith("recommendation"):
            _recommendations(body, data, found)
        elif name == "main report":
            data["main_report"] = _main_report(body, found)
            _implications(data, template)
        elif name.startswith("appendi"):
            data["appendices"] = _appendices(body, found, exempt_appendices)
        elif name == "background papers":
            data["background_papers"] = [b.text for b in body if isinstance(b, Paragraph) and b.text]
        else:
            found.unmapped_block(heading, "a heading the covering report does not have")
            for block in body:
                found.unmapped_block(block, f"under '{heading.plain}'")
    data["author"] = author
    if data.get("report_author") and data["report_author"] == ", ".join(
            v for v in (author.get("name"), author.get("job_title"), author.get("department")) if v):
        del data["report_author"]  # the grid's line is built from the author block: nothing to keep
    return data


def _header(table: Table, data: dict[str, Any], found: Import) -> None:
    for r, row in enumerate(table.plain_rows()):
        cells = [c.strip() for c in row]
        i = 0
        while i < len(cells):
            text = cells[i]
            key = LABELS.get(_label(text)) if text.endswith(":") or _label(text) in LABELS else None
            question = next((k for start, k in QUESTIONS if _label(text).startswith(start)), None)
            if key or question:
                value = next((c for c in cells[i + 1:] if c), "")
                _set(data, key or question, value, table.rows[r], found)
                i = cells.index(value, i + 1) + 1 if value else len(cells)
                continue
            lowered = text.lower()
            if r < table.header_rows and lowered in ("question", "answer"):
                pass  # the column headings of a questions table
            elif lowered in PURPOSE:
                data["purpose"] = PURPOSE[lowered]
            elif lowered in ACCESS or lowered.startswith("public report"):
                data["access"] = ACCESS.get(lowered, "public")
            elif text:
                found.note(f"header grid: '{text}' not recognised", unmapped=text)
            i += 1


def _set(data: dict[str, Any], key: str, value: str, row, found: Import) -> None:
    if value.strip().upper() == "N/A":
        return  # the template's word for a question the content left out
    if key in ("extra_spending", "funding_agreed"):
        answer = value.strip().lower()
        if answer in ("y", "yes"):
            data[key] = True
        elif answer in ("n", "no"):
            data[key] = False
        elif answer:
            found.note(f"header grid: expected Y or N for {key}, got '{value}'", unmapped=value)
    elif key == "corporate_plan_outcomes":
        data[key] = [line.strip() for line in value.split("\n") if line.strip()]
    elif key == "committee":
        data[key] = value
    else:
        data[key] = value


def _author_block(blocks: list[Block], found: Import) -> tuple[dict[str, Any], list[Block]]:
    """The lines that end the report: name, job title, department, then 'T: ...' and 'E: ...'.

    Paragraphs in the template's Author Block style are the block; in a document without that style,
    the 'T:'/'E:' lines and the three lines before them (a guess, said so)."""
    end = len(blocks)
    while end and isinstance(blocks[end - 1], Paragraph) and blocks[end - 1].style == "Author Block":
        end -= 1
    lines = [b for b in blocks[end:] if isinstance(b, Paragraph)]
    if not lines:
        end = len(blocks)
        while end and isinstance(blocks[end - 1], Paragraph) and re.match(r"^[TE]:", blocks[end - 1].plain):
            end -= 1
        start = end
        while start and end - start < 3 and isinstance(blocks[start - 1], Paragraph) \
                and not blocks[start - 1].is_heading and not blocks[start - 1].label:
            start -= 1
        if start < len(blocks):
            found.guess("the author block was read as the last lines (name, job title, department, T:, E:)")
        end = start
        lines = [b for b in blocks[end:] if isinstance(b, Paragraph)]
    author: dict[str, Any] = {}
    names = []
    for p in lines:
        if re.match(r"^T:", p.plain):
            author["telephone"] = p.plain[2:].strip()
        elif re.match(r"^E:", p.plain):
            author["email"] = p.plain[2:].strip()
        elif p.plain:
            names.append(p.plain)
    for key, value in zip(("name", "job_title", "department"), names):
        author[key] = value
    if not author.get("name"):
        found.guess("no author block found at the end: author left blank")
    return author, blocks[:end]


def _paragraphs(body: list[Block], found: Import, where: str) -> list[Any]:
    out: list[Any] = []
    for block in with_tables(body, found):
        if isinstance(block, dict):  # a table and its caption
            out.append(block)
        elif isinstance(block, Table):
            found.unmapped_block(block, f"a table in {where}")
        elif block.text and _LETTER.match(block.label or "") and out and not (
                isinstance(out[-1], dict) and "table" in out[-1]):
            previous = out[-1] if isinstance(out[-1], dict) else {"text": out[-1]}
            previous.setdefault("items", []).append(block.text)
            out[-1] = previous
        elif block.text:
            out.append(block.text)
    return out


def _recommendations(body: list[Block], data: dict[str, Any], found: Import) -> None:
    items = [b for b in body if isinstance(b, Paragraph) and b.text]
    if len(items) > 1 and not items[0].label and items[1].label:  # 'Members are asked to:' then the items
        data["recommendations_lead_in"] = items.pop(0).text
    if any(_LETTER.match(b.label) for b in items):
        data["recommendation_numbering"] = "lettered"
    data["recommendations"] = [b.text for b in items]
    for block in body:
        if isinstance(block, Table):
            found.unmapped_block(block, "a table in the recommendations")


def _main_report(body: list[Block], found: Import) -> list[dict[str, Any]]:
    sections: list[dict[str, Any]] = []
    for heading, blocks in sections_by_level(body, 1, found):
        sections.append({"heading": heading_text(heading), "paragraphs": _paragraphs(blocks, found, "the main report")})
    return sections


def _implications(data: dict[str, Any], template: Path | None) -> None:
    """The Main Report's last section, when it is the house format's implications block, as `implications:`."""
    from reportgen.pipeline import house_format

    settings = house_format(template) if template is not None else None
    block = settings.implications if settings is not None else None
    sections = data.get("main_report", [])
    if block is None or not sections or sections[-1]["heading"] != block.heading:
        return
    found: dict[str, str] = {}
    for paragraph in sections[-1]["paragraphs"]:
        text = paragraph if isinstance(paragraph, str) else ""
        name = next((n for n, label in block.headings.items() if text.startswith(f"**{label}**{block.separator}")),
                    None)
        if name is None:
            return  # not the block as the template writes it: leave it a section
        found[name] = text[len(f"**{block.headings[name]}**{block.separator}"):]
    sections.pop()
    data["implications"] = found


def _appendices(body: list[Block], found: Import, exempt: dict[int, list[int]]) -> list[dict[str, Any]]:
    out = []
    for block in body:
        if not isinstance(block, Paragraph) or not block.text:
            continue
        match = _APPENDIX.match(block.text)
        if match:
            title = match.group(1).strip()
            number = len(out) + 1
            if title.endswith(NON_PUBLIC) and number in exempt:
                out.append({"title": title[:-len(NON_PUBLIC)].rstrip(), "public": False,
                            "exempt_paragraphs": exempt[number]})
                continue
            out.append({"title": title})
        else:
            found.unmapped_block(block, "a line under Appendices that is not 'Appendix N – title'")
    return out
