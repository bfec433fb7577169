"""Publication safety on the content model: nothing confidential in a Public report; quotations' consent.

Any content node with a `public` field set to false is confidential. A Public report refuses to
build while it holds one, naming where it was written, unless the node's model says it is only
*listed* in the report (an exempt appendix: the cover lists its title with its Schedule 12A
citation, as councils do, but the appendix itself is never part of a Public document).

Any content node with a `consent` field is a quotation from a person: in a Public report a
quotation whose consent is false refuses the build, and one whose consent is not recorded is
warned about, so that a child or family cannot be quoted on a public website unknowingly.
"""

from __future__ import annotations

from reportgen.errors import Position, Problem
from reportgen.model import Node

ACCESS_PROPERTY = "reportgen.access"
"""The custom document property a non-public document carries ('non-public'), so that tools given the
.docx alone (redline, a later pack) know it holds exempt text."""


def is_public(report: Node) -> bool:
    """A report is Public unless its content says `access: non-public`."""
    return getattr(report, "access", "public") == "public"


def confidential_content(report: Node) -> list[Problem]:
    """Errors for confidential content in a Public report (none for a non-public one)."""
    if not is_public(report):
        return []
    problems = []
    for node in report.walk():
        if getattr(node, "public", True) is False and not getattr(node, "listed_when_exempt", False):
            problems.append(Problem(
                "this is marked `public: false` (confidential), and the report is Public: it must never "
                "appear in a Public document. Remove it, or make the report `access: non-public`",
                node.where("public"), node.key_path, rule="confidential-in-public"))
    return problems


def quotation_consent(report: Node) -> list[Problem]:
    """For a Public report: an error for each quotation without consent, a warning where none is recorded."""
    if not is_public(report):
        return []
    problems = []
    for node in report.walk():
        if "consent" not in type(node).model_fields:
            continue
        consent = getattr(node, "consent")
        if consent is False:
            problems.append(Problem(
                "this quotation is recorded as given without consent (`consent: false`), and the report is "
                "Public: remove it or make the report non-public", node.where("consent"), node.key_path,
                rule="quotation-consent"))
        elif consent is None:
            problems.append(Problem(
                "this quotation does not record consent to publish it: once given, write it as `text:` "
                "with `consent: true`", node.where(), node.key_path, "warning", "quotation-consent"))
    return problems


def publication_problems(report: Node, *, consent: bool, confidential: bool = True) -> tuple[list[Problem], list[Problem]]:
    """(errors, warnings) that stop or caution a build of `report`; `consent` adds the quotation checks,
    `confidential=False` leaves out confidential parts (for a caller that deals with exempt text itself)."""
    found = (confidential_content(report) if confidential else []) + (quotation_consent(report) if consent else [])
    return [p for p in found if p.severity == "error"], [p for p in found if p.severity == "warning"]


def exempt_text(report: Node) -> list[Problem]:
    """Where `report` holds text that must not be published: all of it when it is non-public (located at
    its `access`), else each part marked `public: false` (found in an earlier version, say)."""
    if not is_public(report):
        return [Problem("the report is non-public (access: non-public)", report.where("access"), "access",
                        rule="non-public")]
    return confidential_content(report)


def exempt_document(parts: dict[str, bytes], name: str) -> list[Problem]:
    """For a .docx: a problem when it says (ACCESS_PROPERTY) it holds non-public text."""
    from reportgen.oxml.properties import custom_properties

    if custom_properties(parts).get(ACCESS_PROPERTY) == "non-public":
        return [Problem(f"the document is non-public (its {ACCESS_PROPERTY} property says so)", Position(name),
                        rule="non-public")]
    return []


def mark_non_public(parts: dict[str, bytes], line: str) -> dict[str, bytes]:
    """`parts` marked as holding exempt text: `line` first in the body, in bold, and ACCESS_PROPERTY set."""
    from reportgen.oxml.properties import custom_properties, set_custom
    from reportgen.oxml.xml import paragraph, prepend_to_body, run

    marked = prepend_to_body(parts, paragraph(run(line, bold=True)))
    return set_custom(marked, {**custom_properties(marked), ACCESS_PROPERTY: "non-public"})
