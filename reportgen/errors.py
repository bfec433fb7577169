"""Every error reportgen raises, the located problems they carry, and how a file is named in them (display_path)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Position:
    """A place in a source file, counted from 1 as editors show it."""

    file: str
    line: int = 0
    col: int = 0

    def __str__(self) -> str:
        if self.line:
            return f"{self.file}:{self.line}:{self.col}"
        return self.file


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or worth a warning) in the input, and where it is."""

    message: str
    position: Position | None = None
    path: str = ""
    severity: Severity = "error"
    rule: str = ""

    def __str__(self) -> str:
        where = f"{self.position}: " if self.position else ""
        path = f"{self.path}: " if self.path else ""
        return f"{where}{self.severity}: {path}{self.message}"


@dataclass
class ReportgenError(Exception):
    """Base of every error that the command line turns into a message and exit status 2."""

    problems: list[Problem] = field(default_factory=list)
    exit_status: int = 2

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)

    @classmethod
    def at(cls, message: str, file: str | Path | None = None, line: int = 0, col: int = 0,
           path: str = "", rule: str = "") -> "ReportgenError":
        position = Position(str(file), line, col) if file is not None else None
        return cls([Problem(message, position, path, rule=rule)])


class ContentError(ReportgenError):
    """The YAML content cannot be read or does not fit the content model."""


class TemplateError(ReportgenError):
    """A Word template is broken: bad tag, unknown variable, missing style, not a .docx."""


class NotADocx(ReportgenError):
    """A .docx from elsewhere (template, appendix, a file given to check or redline) cannot be opened safely:
    not a zip, over a size limit, malformed XML, a DTD, or not a Word document."""


class OutputError(ReportgenError):
    """An output cannot be written, or writing it would destroy someone's edits."""


class SettingError(ReportgenError):
    """An environment variable reportgen reads (a time limit) holds something it cannot use."""


class ToolMissing(ReportgenError):
    """An outside program reportgen needs (LibreOffice, git) is not installed or failed."""


class Terminated(KeyboardInterrupt):
    """The process was asked to stop (SIGTERM): raised like Ctrl-C, so every `finally` runs (temporary
    files removed, LibreOffice stopped) before the command exits with status 143."""


# -- raised inside template rendering, and turned there into located TemplateErrors ----------------------------
class TemplateBoundError(Exception):
    """A template broke one of the sandbox's bounds (pipeline/render/sandbox.py), or ran out of time."""


class RenderTimeout(BaseException):
    """Raised inside a render that ran past its time limit (a BaseException, so no template code catches it)."""


class FilterDefinitionError(Exception):
    """A custom filter's definition is wrong: `line`/`column` point into the filters file."""

    def __init__(self, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.line, self.column = line, column


def display_path(path: Path) -> str:
    """The file name as error messages show it: relative to the working folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
