"""Generated content for the property tests: hostile text, whole reports of each kind, and their YAML."""

from __future__ import annotations

import datetime as _dt
import re
import string
from typing import Any

from hypothesis import strategies as st

from reportgen.model.inline import plain

# Pieces people paste or type that have broken document generators before: template and XML marks,
# the inline markup's own characters, right-to-left and combining text, emoji, odd spaces.
HOSTILE = ["{{", "}}", "{%", "%}", "{#", "#}", "{{ 7*7 }}", "{% raw %}", "&", "&amp;", "<", ">", "<w:p/>", '"',
           "'", "]]>", "\\", "*", "**", "^", "[", "]", "[[x]]", "\t", " ", "\u00a0", "\u200b", "\u202e",
           "\u05e9\u05dc\u05d5\u05dd", "\u0645\u0631\u062d\u0628\u0627", "e\u0301\u0302", "\U0001F600",
           "\U0001F469\u200d\U0001F467", "\ufeff", "\u2028", "\r\n", "\n", ": ", "- ", "# ", "!", "|", ">-",
           "%", "@", "`", "&anchor", "*alias", "~", "null", "yes", "0x1F", "1e3", "2020-02-31"]
# Characters XML cannot hold, pasted from Word: vertical tab and form feed become line breaks.
CONTROLS = ["\x0b", "\x0c", "\x00", "\x01", "\x1f", "\x7f", "\x92", "\ufffe"]
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")

_ordinary = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=10)
words = st.one_of(_ordinary, st.sampled_from(HOSTILE), st.sampled_from(CONTROLS))
any_text = st.lists(words, min_size=1, max_size=5).map("".join)
"""Text of every sort, blank and unprintable included."""
_visible = st.one_of(st.text(st.characters(blacklist_categories=("Cs", "Cc", "Z")), min_size=1, max_size=6),
                     st.sampled_from(["{{ subject }}", "&", "<b>", "\u05e9\u05dc\u05d5\u05dd", "\U0001F600", "e\u0301"]))


def as_loaded(text: str) -> str:
    """What the loader and model make of typed text: controls cleaned, line ends unified, trimmed."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufdd0", "\n")  # the loader's line-break mark
    return _CONTROL.sub(lambda m: "\n" if m.group() in "\x0b\x0c" else "", text).strip()


def shown(text: str) -> str:
    """What a reader sees of body text: as loaded, inline markup applied."""
    return plain(as_loaded(text))


some_text = st.tuples(st.lists(words, max_size=2), _visible, st.lists(words, max_size=2)).map(
    lambda t: "".join(t[0]) + t[1] + "".join(t[2]))
"""Text that says something once loaded: what a required field needs."""


paragraph = st.one_of(some_text, st.fixed_dictionaries({"text": some_text, "items": st.lists(some_text, max_size=2)}))
"""A paragraph as content writes it: a string, or text with lettered sub-items."""


IMPLICATIONS = ["Strategic", "Financial", "Resource", "Legal", "Risk", "Equalities", "Climate", "Security"]
"""Implications headings every factory house format knows."""


_dated = st.dates(_dt.date(1990, 1, 1), _dt.date(2060, 12, 31)).map(lambda d: d.strftime("%d/%m/%Y"))
# Every strategy is built once, here: one built inside a draw is validated afresh on every case, which cost
# more than drawing from it.
_COVER_REQUIRED = st.fixed_dictionaries({
    "committee": st.one_of(some_text, st.lists(some_text, min_size=1, max_size=3)),
    "dated": _dated,
    "subject": some_text,
})
_COVER_REST = st.fixed_dictionaries({
    "report_of": some_text,
    "purpose": st.sampled_from(["information", "decision"]),
    "summary": st.lists(paragraph, min_size=1, max_size=2),
    "recommendations": st.lists(paragraph, min_size=1, max_size=3),
    "main_report": st.lists(st.fixed_dictionaries({
        "heading": some_text,
        "paragraphs": st.lists(paragraph, min_size=1, max_size=2)}),
        min_size=1, max_size=2),
    "author": st.fixed_dictionaries(
        {"name": some_text, "job_title": some_text},
        optional={"department": some_text, "telephone": some_text, "email": some_text}),
})
_EXEMPT = st.lists(st.integers(1, 7), min_size=1, max_size=3)
_HOUSE = st.sampled_from(["", "city-current", "example-borough"])


def _cover_optional(funding: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({}, optional={
        "report_author": some_text,
        **funding,
        "recommendation_numbering": st.sampled_from(["numbered", "lettered"]),
        "recommendations_lead_in": some_text,
        "implications": st.dictionaries(st.sampled_from(IMPLICATIONS), some_text, max_size=3),
        "appendices": st.lists(st.one_of(
            st.fixed_dictionaries({"title": some_text}, optional={"public": st.just(True)}),
            st.fixed_dictionaries({"title": some_text, "public": st.just(False),
                                   "exempt_paragraphs": st.lists(st.integers(1, 7), min_size=1, max_size=2,
                                                                 unique=True)})),
            max_size=3),
        "background_papers": st.lists(some_text, max_size=3),
    })


# the house format: the 2020 grid has no funding rows, the current grid and the second council's do
_COVER_OPTIONAL = {False: _cover_optional({}), True: _cover_optional({
    "corporate_plan_outcomes": st.lists(some_text, max_size=3),
    "extra_spending": st.booleans(),
    "spending_amount": some_text,
    "funding_source": some_text,
    "funding_agreed": st.booleans(),
})}


@st.composite
def cover_content(draw: Any) -> dict[str, Any]:
    """A valid covering report with hostile text in every field that holds text."""
    access = draw(st.sampled_from(["public", "non-public"]))
    report: dict[str, Any] = {"kind": "cover", **draw(_COVER_REQUIRED), "access": access, **draw(_COVER_REST)}
    if access == "non-public":
        report["exempt_paragraphs"] = draw(_EXEMPT)
    house = draw(_HOUSE)
    report.update(draw(_COVER_OPTIONAL[bool(house)]))
    if house:
        report["template"] = house
    return report


def cover_strings(report: dict[str, Any]) -> list[str]:
    """Every string of a cover report as the built document must show it."""
    header = [report["subject"], report["report_of"], report.get("report_author", ""),
              *(report.get("corporate_plan_outcomes", [])),
              report.get("spending_amount", ""), report.get("funding_source", "")]
    committees = report["committee"] if isinstance(report["committee"], list) else [report["committee"]]
    header.append(", ".join(as_loaded(c) for c in committees))
    header.extend(v for k, v in report["author"].items())
    body: list[str] = [report.get("recommendations_lead_in", ""), *report.get("implications", {}).values()]
    for para in report["summary"] + report["recommendations"] + \
            [p for s in report["main_report"] for p in s["paragraphs"]]:
        body.extend([para] if isinstance(para, str) else [para["text"], *para["items"]])
    body.extend(s["heading"] for s in report["main_report"])
    body.extend(a["title"] for a in report.get("appendices", []))
    body.extend(report.get("background_papers", []))
    return [as_loaded(t) for t in header if t] + [shown(t) for t in body if t]


STATISTICS = {"x": 7, "total": {"sum": ["x", "x"]}}
"""Every generated annual report defines these, so the hostile text's [[x]] refers to something."""
STATISTICS_SHOWN = {"x": "7", "total": "14"}


def annual_shown(text: str) -> str:
    """Body text of an annual report as shown: inline markup applied, statistics filled in."""
    from reportgen.model.inline import parse
    return "".join(s.text if s.stat is None else STATISTICS_SHOWN.get(s.stat, s.published or s.stat)
                   for s in parse(as_loaded(text)))


_point = st.one_of(some_text, st.fixed_dictionaries({"text": some_text}, optional={
    "quote": some_text, "continued": st.lists(some_text, max_size=2)}))
_group = st.fixed_dictionaries({"points": st.lists(_point, min_size=1, max_size=2)},
                               optional={"theme": some_text, "closing": st.lists(some_text, max_size=1)})
_figure = st.one_of(
    st.fixed_dictionaries({"caption": some_text, "data_missing": some_text}),
    st.fixed_dictionaries({"caption": some_text, "chart": st.sampled_from(["bar", "pie"]),
                           "categories": st.just(["Yes", "No"]), "values": st.just(["x", 3])}))
_recommendation = st.one_of(some_text, st.fixed_dictionaries({"text": some_text}, optional={
    "id": st.text(string.digits, min_size=1, max_size=2).map("R".__add__),  # R[0-9]{1,2}
    "status": st.sampled_from(["open", "in progress", "completed"]),
    "owner": some_text, "due": some_text}))
_section = st.fixed_dictionaries(
    {"title": some_text, "type": st.sampled_from(["thematic audit", "independent audit", "multi-agency audit",
                                                  "review", "survey", "section"])},
    optional={"dates": some_text,
              # a chart is drawn by matplotlib: one figure in twenty keeps the run short
              "narrative": st.lists(st.one_of(*[some_text] * 19, st.fixed_dictionaries({"figure": _figure})),
                                    max_size=3),
              "cases": st.lists(some_text, max_size=2),
              "quotes": st.lists(st.one_of(some_text, st.fixed_dictionaries({"text": some_text,
                                                                             "consent": st.just(True)})), max_size=2),
              "key_findings": st.fixed_dictionaries({}, optional={"strengths": st.lists(_group, max_size=2),
                                                                  "areas_for_development": st.lists(_group, max_size=1)}),
              "conclusion": st.lists(some_text, max_size=2),
              "recommendations": st.lists(_recommendation, max_size=2),
              "outcome": st.fixed_dictionaries({"paragraphs": st.lists(some_text, min_size=1, max_size=2)},
                                               optional={"items": st.lists(some_text, max_size=2)})})


_ANNUAL = st.fixed_dictionaries({
    "title": some_text,
    "author": st.fixed_dictionaries({"name": some_text, "job_title": some_text}),
    "date": st.sampled_from(["August 2019", "January 2000", "December 2031"]),
})
_ANNUAL_REST = st.fixed_dictionaries({
    "introduction": st.lists(some_text, min_size=1, max_size=2),
    "sections": st.lists(_section, min_size=1, max_size=2),
})
_ANNUAL_OPTIONAL = st.fixed_dictionaries({}, optional={"service": some_text, "period": some_text})


@st.composite
def annual_content(draw: Any) -> dict[str, Any]:
    """A valid annual QA report with hostile text in every field that holds text."""
    report: dict[str, Any] = {"kind": "annual", **draw(_ANNUAL), "statistics": STATISTICS, **draw(_ANNUAL_REST)}
    report.update(draw(_ANNUAL_OPTIONAL))
    return report


def annual_strings(report: dict[str, Any]) -> list[str]:
    """Every string of an annual report as the built document must show it."""
    header = [report["title"], report.get("service", ""), report.get("period", ""), *report["author"].values()]
    body = list(report["introduction"])
    for section in report["sections"]:
        body += [section["title"], section.get("dates", ""), *section.get("cases", []),
                 *section.get("conclusion", [])]
        for item in section.get("narrative", []):
            figure = item.get("figure") if isinstance(item, dict) else None
            body += [item] if figure is None else [figure["caption"], figure.get("data_missing", "")]
        body += [q if isinstance(q, str) else q["text"] for q in section.get("quotes", [])]
        for r in section.get("recommendations", []):
            body += [r] if isinstance(r, str) else [r["text"]]
            header += [] if isinstance(r, str) else [r.get("owner", ""), r.get("due", "")]  # printed as typed
        outcome = section.get("outcome") or {}
        body += outcome.get("paragraphs", []) + outcome.get("items", [])
        findings = section.get("key_findings") or {}
        for group in findings.get("strengths", []) + findings.get("areas_for_development", []):
            body += [group.get("theme", ""), *group.get("closing", [])]
            for point in group["points"]:
                body += [point] if isinstance(point, str) else \
                    [point["text"], point.get("quote", ""), *point.get("continued", [])]
    return [as_loaded(t) for t in header if t] + [annual_shown(t) for t in body if t]


# an item number: 1-99, or one with a letter ([1-9][0-9]?[a-z]), built rather than matched to a regex
_item_number = st.one_of(st.integers(1, 99), st.tuples(
    st.sampled_from("123456789"), st.text(string.digits, max_size=1), st.sampled_from(string.ascii_lowercase)).map("".join))
_AGENDA = st.fixed_dictionaries({
    "committee": some_text,
    "date": _dated,
    "time": some_text,
    "venue": some_text,
    "members": st.lists(some_text, max_size=3),
})
_ITEM_NUMBERS = st.lists(_item_number, min_size=1, max_size=4, unique_by=str)
_AGENDA_ITEM = st.fixed_dictionaries({"title": some_text}, optional={"note": some_text})


@st.composite
def agenda_content(draw: Any) -> dict[str, Any]:
    """A valid agenda front sheet (items without papers: those need files beside it) with hostile text."""
    numbers = draw(_ITEM_NUMBERS)
    return {"kind": "agenda", **draw(_AGENDA), "items": [{"number": n, **draw(_AGENDA_ITEM)} for n in numbers]}


def agenda_strings(report: dict[str, Any]) -> list[str]:
    """Every string of an agenda front sheet as the built document must show it."""
    header = [report["committee"], report["time"], report["venue"]]
    body = list(report["members"])  # members, titles and notes are body text: inline markup applies
    for item in report["items"]:
        body += [item["title"], item.get("note", "")]
    return [as_loaded(t) for t in header] + [shown(t) for t in body if as_loaded(t)]


KINDS = {"cover": (cover_content, cover_strings), "annual": (annual_content, annual_strings),
         "agenda": (agenda_content, agenda_strings)}
"""Each report kind's generator of valid content and the strings its document must contain."""


# -- YAML, written the way a person would, every text double-quoted -----------------------------------------
_ESCAPE_ALWAYS = re.compile(r'[\\"\n\r\t\x85\u2028\u2029\ufeff]')


def yaml_text(value: Any, *, raw_controls: bool = False, indent: int = 0) -> str:
    """Block-style YAML for `value`. With `raw_controls`, control characters are written as pasted
    (the loader must clean them); otherwise as escapes (the parser makes them, the loader must still clean)."""
    pad = " " * indent
    if isinstance(value, dict):
        if not value:
            return "{}"
        lines = []
        for key, item in value.items():
            if isinstance(item, (dict, list)) and item:
                lines.append(f"{pad}{key}:\n{yaml_text(item, raw_controls=raw_controls, indent=indent + 2)}")
            else:
                lines.append(f"{pad}{key}: {yaml_text(item, raw_controls=raw_controls)}")
        return "\n".join(lines)
    if isinstance(value, list):
        if not value:
            return "[]"
        lines = []
        for item in value:
            inner = yaml_text(item, raw_controls=raw_controls, indent=indent + 2)
            lines.append(f"{pad}- {inner.lstrip()}")
        return "\n".join(lines)
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, (int, float)):
        return repr(value)
    return _quoted(str(value), raw_controls)


def _quoted(text: str, raw_controls: bool) -> str:
    out = []
    for char in text:
        code = ord(char)
        if char == "\\" or char == '"':
            out.append("\\" + char)
        elif _ESCAPE_ALWAYS.match(char) or (not raw_controls and _CONTROL.match(char)):
            out.append(f"\\u{code:04x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'
