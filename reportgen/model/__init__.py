"""The content model: the contract between readers (YAML) and writers (Word). Imports neither ruamel nor docx."""

from __future__ import annotations

from reportgen.model.agenda import Agenda
from reportgen.model.common import Node, SourceMap, attach_source
from reportgen.model.annual import AnnualReport
from reportgen.model.cover import CoverReport

__all__ = ["Agenda", "AnnualReport", "CoverReport", "Node", "SourceMap", "attach_source"]
