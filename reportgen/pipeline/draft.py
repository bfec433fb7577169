"""Draft marking: the DRAFT line a draft build carries in its header, with the draft's date and content revision."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from pathlib import Path

from reportgen.model.common import long_date

PROPERTY = "reportgen.pipeline.draft"
"""The custom document property that records the draft mark, for tools that read properties."""


@dataclass(frozen=True)
class DraftMark:
    """What marks a build as a draft: the day it was drafted and which version of the content it shows."""

    date: _dt.date
    revision: str = ""
    """The content file's git short hash ('3f2a9c1', '3f2a9c1-dirty', 'uncommitted'), or '' outside git."""

    @property
    def line(self) -> str:
        """The header line: 'DRAFT – 25 November 2026 – 3f2a9c1-dirty'."""
        parts = ["DRAFT", long_date(self.date)] + ([self.revision] if self.revision else [])
        return " \u2013 ".join(parts)

    def context(self) -> dict[str, str]:
        """The `draft` value templates see: `{%p if draft %}{{ draft.line }}{%p endif %}`."""
        return {"line": self.line, "date": long_date(self.date), "revision": self.revision}


def draft_mark(source: Path, date: _dt.date | None = None) -> DraftMark:
    """The mark for a draft of `source`, dated `date` (today when not given)."""
    from reportgen.pipeline.history import revision_of

    return DraftMark(date or _dt.date.today(), revision_of(source))
