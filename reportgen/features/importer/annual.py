"""An annual QA report read back from Word: the title page, Introduction, then one section per Heading 1
with its narrative (figures by their captions), cases, quotations, Key Findings (Strengths / Areas for
Development, themes, points), Conclusion, Recommendations and Outcome, and the sign-off."""

from __future__ import annotations

import re
from typing import Any

from reportgen.features.importer.common import Import, heading_text, sections_by_level, with_tables
from reportgen.oxml.blocks import Block, Paragraph, Table

_CASE = re.compile(r"^Case \d+ [–-] (.*)$", re.S)
_CAPTION = re.compile(r"^Fig \d+ (.*)$", re.S)
_PLACEHOLDER = re.compile(r"^\*\*Chart not available:\*\* ?(.*)$", re.S)
_ALT = re.compile(r"^(Bar|Pie) chart: (.*) \(([\d.,]+) in all\)$", re.S)
_ALT_ITEM = re.compile(r"^(.*) (-?[\d.,]+)(?: \([\d.]+%\))?$")
_TRACKING = re.compile(r"^(.*?) \(([^()]*)\)$", re.S)
_ANSWERS = re.compile(r"^(.*?) \(answers recommendations? ([^()]*)\)$", re.S)
SECTION_TYPE_GUESS = "section"


def read_annual(blocks: list[Block], found: Import) -> dict[str, Any]:
    data: dict[str, Any] = {"kind": "annual"}
    rest = list(blocks)
    subtitles = []
    while rest and isinstance(rest[0], Paragraph) and (rest[0].style in ("Title", "Subtitle", "TOC Heading")
                                                       or not rest[0].plain) and not rest[0].is_heading:
        block = rest.pop(0)
        if block.style == "Title":
            data["title"] = block.text
        elif block.style == "Subtitle":
            subtitles.append(block.text)
    for key, value in zip(("service", "period"), subtitles):
        data[key] = value
    author, date, rest = _sign_off(rest, found)
    sections = []
    for heading, body in sections_by_level(rest, 0, found):
        name = heading_text(heading)
        if name == "Introduction" and "introduction" not in data:
            data["introduction"] = _paragraphs(body, found)
        elif name == "Action Plan":
            data["action_plan"] = True
        else:
            sections.append(_section(name, body, found))
    data["author"] = author
    data["date"] = date
    data["sections"] = sections
    if sections:
        found.guess(f"each section's `type` is not printed in the report: all were set to "
                    f"'{SECTION_TYPE_GUESS}'; set thematic audit, independent audit, review or survey")
    return data


def _sign_off(blocks: list[Block], found: Import) -> tuple[dict[str, Any], str, list[Block]]:
    """The name, job title, and month and year that end the report."""
    end = len(blocks)
    while end and isinstance(blocks[end - 1], Paragraph) and blocks[end - 1].style == "Author Block":
        end -= 1
    lines = [b for b in blocks[end:] if isinstance(b, Paragraph)]
    if len(lines) < 3:
        end = max(0, len(blocks) - 3)
        lines = [b for b in blocks[end:] if isinstance(b, Paragraph) and not b.is_heading]
        found.guess("the sign-off was read as the last three lines (name, job title, month and year)")
    texts = [p.plain for p in lines][-3:]
    while len(texts) < 3:
        texts.insert(0, "")
    return {"name": texts[0], "job_title": texts[1]}, texts[2], blocks[:end]


def _section(title: str, body: list[Block], found: Import) -> dict[str, Any]:
    section: dict[str, Any] = {"title": title, "type": SECTION_TYPE_GUESS}
    head: list[Block] = []
    i = 0
    while i < len(body) and not (isinstance(body[i], Paragraph) and body[i].level == 1):
        head.append(body[i])
        i += 1
    narrative, cases, quotes = _narrative(head, found)
    # a section of earlier years' recommendations has no 'Recommendations' heading: its numbered list is them
    listed = [b for b in narrative if isinstance(b, Paragraph)]
    narrative = [b for b in narrative if not isinstance(b, Paragraph)]
    if listed:
        section["recommendations"] = [_recommendation(b) for b in listed]
    if narrative:
        section["narrative"] = narrative
    if cases:
        section["cases"] = cases
    if quotes:
        section["quotes"] = quotes
    for heading, blocks in sections_by_level(body[i:], 1, found):
        name = heading_text(heading)
        if name == "Key Findings":
            section["key_findings"] = _findings(blocks, found)
        elif name == "Conclusion":
            section["conclusion"] = _paragraphs(blocks, found)
        elif name == "Recommendations":
            section["recommendations"] = [_recommendation(b) for b in blocks if isinstance(b, Paragraph) and b.text]
        elif name == "Outcome":
            section["outcome"] = _outcome(with_tables(blocks, found))
        else:
            found.unmapped_block(heading, f"a heading in '{title}' the annual report does not have")
            for block in blocks:
                found.unmapped_block(block, f"under '{heading.plain}'")
    return section


def _paragraphs(blocks: list[Block], found: Import) -> list[Any]:
    """Paragraphs, and the tables among them."""
    return [b if isinstance(b, dict) else b.text for b in with_tables(blocks, found)
            if isinstance(b, dict) or (isinstance(b, Paragraph) and b.text)]


def _narrative(source: list[Block], found: Import) -> tuple[list[Any], list[str], list[str]]:
    narrative: list[Any] = []
    cases: list[str] = []
    quotes: list[str] = []
    blocks = with_tables(source, found)
    i = 0
    while i < len(blocks):
        block = blocks[i]
        i += 1
        if isinstance(block, dict):  # a table and its caption
            narrative.append(block)
            continue
        if isinstance(block, Table):
            found.unmapped_block(block, "a table in a section's narrative")
            continue
        case = _CASE.match(block.text)
        caption = _CAPTION.match(block.plain) if block.style == "Caption" else None
        if caption:
            figure: dict[str, Any] = {"caption": _CAPTION.match(block.text).group(1) if _CAPTION.match(block.text)
                                      else caption.group(1)}
            nxt = blocks[i] if i < len(blocks) else None
            if isinstance(nxt, dict):
                nxt = None
            if isinstance(nxt, Paragraph) and nxt.style == "Figure Placeholder":
                missing = _PLACEHOLDER.match(nxt.text)
                figure["data_missing"] = missing.group(1) if missing else nxt.text
                i += 1
            elif isinstance(nxt, Paragraph) and nxt.pictures:
                chart = _chart_from_alt(nxt.pictures[0])
                if chart is None:
                    figure["data_missing"] = "The chart's data could not be read back from the document."
                    found.guess(f"Fig '{figure['caption']}': the chart's data could not be read from its "
                                "alt text; marked data_missing (give its data)")
                else:
                    figure.update(chart)
                i += 1
            else:
                figure["data_missing"] = "No chart follows this caption in the imported document."
                found.guess(f"Fig '{figure['caption']}': no chart after its caption; marked data_missing")
            narrative.append({"figure": figure})
        elif case and block.style == "Normal":
            cases.append(case.group(1))
        elif block.style == "List Number" and block.text and not cases and not quotes:
            narrative.append(block)  # a recommendation listed without its heading (see _section)
        elif block.style == "Quote":
            quotes.append(block.text)
        elif block.text:
            if cases or quotes:
                found.unmapped_block(block, "a paragraph after the cases or quotations")
            else:
                narrative.append(block.text)
    return narrative, cases, quotes


def _chart_from_alt(alt: str) -> dict[str, Any] | None:
    """A chart's data from the alt text reportgen generates for it (one series, or several)."""
    match = _ALT.match(alt.strip())
    if not match:
        return _series_from_alt(alt.strip())
    items = _alt_items(match.group(2))
    if items is None:
        return None
    return {"chart": match.group(1).lower(), "categories": items[0], "values": items[1]}


def _alt_items(text: str) -> tuple[list[str], list[int | float]] | None:
    """'Q1 5, Q2 6 (40.0%)' -> (['Q1', 'Q2'], [5, 6]); None when an item is not 'category number'."""
    categories: list[str] = []
    values: list[int | float] = []
    for item in text.split(", "):
        parsed = _ALT_ITEM.match(item)
        if not parsed:
            return None
        categories.append(parsed.group(1))
        number = parsed.group(2).replace(",", "")
        values.append(float(number) if "." in number else int(number))
    return categories, values


_ALT_SERIES = re.compile(r"^(Bar|Stacked bar|Line|Pie) chart of (.+?)\. (.+)\.$", re.S)
_ALT_ONE_SERIES = re.compile(r"(.+?): (.*?) \([\d.,]+ in all\)(?:\. |$)", re.S)
_ALT_TITLES = re.compile(r"^(?: by (.*?))?(?: \((.*)\))?$", re.S)


def _series_from_alt(alt: str) -> dict[str, Any] | None:
    """'Bar chart of Good and Poor by Quarter (Audits). Good: Q1 5, Q2 6 (11 in all). Poor: ...' as inline series."""
    match = _ALT_SERIES.match(alt)
    if not match:
        return None
    series = []
    categories: list[str] | None = None
    for part in _ALT_ONE_SERIES.finditer(match.group(3)):
        items = _alt_items(part.group(2))
        if items is None or (categories is not None and items[0] != categories):
            return None
        categories = items[0]
        series.append({"name": part.group(1), "values": items[1]})
    names = [s["name"] for s in series]
    if not names:
        return None
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    if not match.group(2).startswith(listed):
        return None
    titles = _ALT_TITLES.match(match.group(2)[len(listed):])
    if titles is None:
        return None
    chart: dict[str, Any] = {"type": match.group(1).lower(), "categories": categories, "series": series}
    if titles.group(1):
        chart["x_title"] = titles.group(1)
    if titles.group(2):
        chart["y_title"] = titles.group(2)
    return {"chart": chart}


def _findings(blocks: list[Block], found: Import) -> dict[str, Any]:
    findings: dict[str, Any] = {}
    for heading, body in sections_by_level(blocks, 2, found):
        key = {"Strengths": "strengths", "Areas for Development": "areas_for_development"}.get(heading_text(heading))
        if key is None:
            found.unmapped_block(heading, "a heading in Key Findings other than Strengths or Areas for Development")
            continue
        groups: list[dict[str, Any]] = []
        for block in with_tables(body, found):
            if isinstance(block, dict):  # a table stands among the closing paragraphs
                if not groups:
                    found.unmapped.append(f"Table '{block['table']['caption']}'  (a table in key findings "
                                          "before any point)")
                    continue
                groups[-1].setdefault("closing", []).append(block)
                continue
            if isinstance(block, Table):
                found.unmapped_block(block, "a table in key findings")
            elif block.level == 3:
                groups.append({"theme": block.text, "points": []})
            elif block.is_heading:
                found.unmapped_block(block, "a heading in key findings below a theme")
            elif block.style == "List Bullet" or block.label == "-":
                if not groups or groups[-1].get("closing"):
                    groups.append({"points": []})
                groups[-1]["points"].append({"text": block.text})
            elif block.style == "Quote" and groups and groups[-1]["points"]:
                groups[-1]["points"][-1]["quote"] = block.text
            elif block.style == "List Continue" and groups and groups[-1]["points"]:
                groups[-1]["points"][-1].setdefault("continued", []).append(block.text)
            elif block.text:
                if not groups:  # no theme heading and no bullet: read as a point below, if nothing else
                    groups.append({"points": []})
                groups[-1].setdefault("closing", []).append(block.text)
        for group in groups:
            if not group["points"] and group.get("closing"):  # list marks lost (e.g. by a re-save)
                group["points"] = [{"text": t} for t in group.pop("closing")]
                found.guess(f"'{group.get('theme', heading.plain)}': paragraphs without bullets read as its points")
            group["points"] = [p["text"] if set(p) == {"text"} else p for p in group["points"]]
        findings[key] = groups
    return findings


def _recommendation(block: Paragraph) -> Any:
    match = _TRACKING.match(block.text)
    if not match:
        return block.text
    text, note = match.groups()
    fields = [f.strip() for f in note.split(";")]
    rec: dict[str, Any] = {"text": text}
    for part in fields:
        lowered = part.lower().removeprefix("status:").strip()
        if lowered in ("open", "in progress", "completed"):
            rec["status"] = lowered
        elif lowered.startswith("carried over from "):
            rec["carried_over_from"] = part[len("carried over from "):].strip()
        elif lowered.startswith("owner:") or lowered.startswith("owner "):
            rec["owner"] = part.split(":", 1)[-1].strip()
        elif lowered.startswith("due"):
            rec["due"] = part.split(" ", 1)[-1].strip() if ":" not in part else part.split(":", 1)[1].strip()
        elif re.fullmatch(r"[A-Za-z0-9][\w./-]*", part) and "id" not in rec:
            rec["id"] = part
        else:
            return block.text  # brackets that are the recommendation's own words
    return rec


def _outcome(blocks: list[Any]) -> dict[str, Any]:
    outcome: dict[str, Any] = {}
    for block in blocks:
        if isinstance(block, dict):  # a table among the paragraphs
            outcome.setdefault("paragraphs", []).append(block)
            continue
        if not isinstance(block, Paragraph) or not block.text:
            continue
        if block.label:
            match = _ANSWERS.match(block.text)
            if match:
                answers = [a.strip() for a in re.split(r",| and ", match.group(2)) if a.strip()]
                outcome.setdefault("items", []).append(
                    {"text": match.group(1), "answers": [int(a) if a.isdigit() else a for a in answers]})
            else:
                outcome.setdefault("items", []).append(block.text)
        else:
            outcome.setdefault("paragraphs", []).append(block.text)
    return outcome
