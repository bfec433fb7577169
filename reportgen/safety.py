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

from reportgen.errors import Problem
from reportgen.model import Node


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


def publication_problems(report: Node, *, consent: bool) -> tuple[list[Problem], list[Problem]]:
    """(errors, warnings) that stop or caution a build of `report`; `consent` adds the quotation checks."""
    found = confidential_content(report) + (quotation_consent(report) if consent else [])
    return [p for p in found if p.severity == "error"], [p for p in found if p.severity == "warning"]
