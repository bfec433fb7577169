"""The content model: the contract between readers (YAML) and writers (Word). Imports neither ruamel nor docx."""

from __future__ import annotations

from reportgen.model.agenda import Agenda
from reportgen.model.common import Node, SourceMap, attach_source
from reportgen.model.annual import AnnualReport
from reportgen.model.cover import CoverReport

KINDS: dict[str, type[Node]] = {
    "cover": CoverReport,
    "annual": AnnualReport,
    "agenda": Agenda,
}
"""Each report kind's name, as written in `kind:`, and its model."""

__all__ = ["KINDS", "Agenda", "AnnualReport", "CoverReport", "Node", "SourceMap", "attach_source"]
