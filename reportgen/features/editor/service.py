"""What the editor can do, without HTTP: list, open, check, preview, save, create, build and redline
content files, every path confined to the content folder (and outputs to the build folder)."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportgen.errors import ContentError, OutputError, Problem, ReportgenError
from reportgen.features.authoring import digest, load_document, to_plain, updated_text
from reportgen.kinds import kind_of

CONTENT_SUFFIXES = (".yaml", ".yml")
OUTPUT_SUFFIXES = (".docx", ".pdf")


class Conflict(ReportgenError):
    """The file changed on disk since the page loaded it: saving would lose someone's edit."""


@dataclass
class Finding:
    """A check finding as the page shows it: beside its field (`field`, json-editor's path) and in the list."""

    severity: str
    message: str
    where: str
    field: str

    @classmethod
    def of(cls, problem: Problem) -> "Finding":
        return cls(problem.severity, problem.message, str(problem.position or ""), field_path(problem.path))


def field_path(key_path: str) -> str:
    """A problem's key path (`summary[2].text`, counted from 1 as people count) as json-editor names
    the field (`root.summary.1.text`, counted from 0)."""
    if not key_path:
        return "root"
    parts = []
    for name, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", key_path):
        parts.append(name if name else str(int(index) - 1))
    return ".".join(["root", *parts])


def form_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """The kind's JSON Schema as the form library reads it: `definitions` for pydantic's `$defs`."""
    import json

    text = json.dumps({k: v for k, v in schema.items() if k not in ("$schema", "$defs")})
    defs = json.dumps(schema.get("$defs", {}))
    refs = "#/definitions/"
    form = json.loads(text.replace("#/$defs/", refs))
    form["title"] = "Report content"  # not the model's class name
    form = {**form, "definitions": json.loads(defs.replace("#/$defs/", refs))}
    _name_choices(form)
    return form


_SHAPES = {"string": "Text", "array": "A list", "object": "With details", "integer": "A number",
           "number": "A number", "boolean": "Yes or no", "null": "Nothing"}


def _name_choices(node: Any) -> None:
    """Give each alternative of a field that takes several shapes a name the switcher can show
    ("Text", "A list") instead of the JSON type."""
    if isinstance(node, dict):
        for key in ("anyOf", "oneOf"):
            for option in node.get(key, []):
                if isinstance(option, dict) and "title" not in option:
                    shape = option.get("type") or ("With details" if "$ref" in option else None)
                    if isinstance(shape, str):
                        option["title"] = _SHAPES.get(shape, shape)
        for value in node.values():
            _name_choices(value)
    elif isinstance(node, list):
        for value in node:
            _name_choices(value)


class Workspace:
    """The content folder the editor serves, and the build folder it writes to."""

    def __init__(self, content: Path, build: Path, templates: Path | None = None) -> None:
        self.content_dir = Path(content).resolve()
        self.build_dir = Path(build).resolve()
        self.templates = templates
        self._positions: tuple[tuple, Any] = ((), None)

    # --- paths ---------------------------------------------------------------------------------------

    def content_path(self, name: str, *, must_exist: bool = True) -> Path:
        """`name` (relative to the content folder) as a path inside it: no `..`, no absolute path, no link
        leading out, only .yaml files."""
        return self._inside(self.content_dir, name, CONTENT_SUFFIXES, must_exist)

    def output_path(self, name: str) -> Path:
        return self._inside(self.build_dir, name, OUTPUT_SUFFIXES, True)

    @staticmethod
    def _inside(folder: Path, name: str, suffixes: tuple[str, ...], must_exist: bool) -> Path:
        """`name` as the browser sent it, confined to `folder` by the rule every typed path follows."""
        from reportgen.checks.linked_files import confined

        found = confined(name, folder, folder, suffixes, must_exist=must_exist) if name else "expected a file name"
        if isinstance(found, str):
            raise ContentError.at(found)
        return found

    def files(self) -> list[dict[str, str]]:
        """Every content file, with its kind when it says one."""
        found = []
        for path in sorted(self.content_dir.rglob("*")):
            if path.suffix.lower() not in CONTENT_SUFFIXES or not path.is_file():
                continue
            if not path.resolve().is_relative_to(self.content_dir):
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
            kind = re.search(r"^kind:\s*['\"]?(\w+)", text, re.MULTILINE)
            found.append({"name": path.relative_to(self.content_dir).as_posix(), "kind": kind.group(1) if kind else ""})
        return found

    # --- reading -------------------------------------------------------------------------------------

    def open(self, name: str) -> dict[str, Any]:
        """The file's values for the form, its kind's schema, and the digest the page saves against."""
        from reportgen.features.authoring import json_schema, kind_names

        path = self.content_path(name)
        text = path.read_text(encoding="utf-8")
        data = to_plain(load_document(text, name))
        kind = data.get("kind") if isinstance(data, dict) else None
        if kind not in kind_names():
            raise ContentError.at(f"expected kind: to be one of {', '.join(kind_names())}, got {kind!r}", name)
        return {"name": name, "kind": kind, "data": data, "schema": form_schema(json_schema(kind)),
                "digest": digest(text)}

    # --- checking and preview ------------------------------------------------------------------------

    def _report(self, name: str, data: Any) -> tuple[Any, list[Problem]]:
        """The form's values read as a report, through the pipeline's public entry (read_report).

        Positions come from the file as saved (read once per version of it): a finding names the
        line of the value it concerns, or of the nearest enclosing one for a value not saved yet."""
        from reportgen.pipeline import LoadedContent, read_report
        from reportgen.pipeline import load_content as load

        path = self.content_path(name)
        stat = path.stat()
        key = (str(path), stat.st_mtime_ns, stat.st_size)
        if self._positions[0] != key:
            try:
                self._positions = (key, load(path).source)
            except ReportgenError:  # the saved file does not read: findings fall back to its first line
                from reportgen.errors import display_path
                from reportgen.model.common import SourceMap

                self._positions = (key, SourceMap(display_path(path), {}))
        source = self._positions[1]

        def parse(_disk_text: str, _display: str, _path: Path | None = None, warnings=None) -> LoadedContent:
            return LoadedContent(path, data, source, list(warnings or []))

        return read_report(path, parse)

    def check(self, name: str, data: Any) -> list[Finding]:
        """Everything `reportgen check` says about the form's values (nothing written)."""
        from reportgen.checks import accessibility
        from reportgen.pipeline import render_report as render
        from reportgen.pipeline import template_path

        try:
            report, warnings = self._report(name, data)
            template = template_path(report, self.templates)
            problems = warnings + accessibility.check_report(report, render(report, template), template)
        except ReportgenError as exc:
            problems = exc.problems
        return [Finding.of(p) for p in problems]

    def preview(self, name: str, data: Any) -> dict[str, Any]:
        """The built document as HTML for reading (mammoth), and the findings; nothing written."""
        import mammoth

        from reportgen.oxml.package import pack
        from reportgen.oxml.slim import slim_parts
        from reportgen.pipeline import render_report as render
        from reportgen.pipeline import template_path

        try:
            report, warnings = self._report(name, data)
        except ReportgenError as exc:
            return {"html": None, "findings": [Finding.of(p).__dict__ for p in exc.problems]}
        if kind_of(report).pack:
            return {"html": None, "findings": [Finding.of(p).__dict__ for p in warnings],
                    "note": "An agenda's preview is its pack: use Build."}
        parts = render(report, template_path(report, self.templates))
        # only the parts a reader needs: the template's 350 kB of styles would cost a second a change
        html = mammoth.convert_to_html(io.BytesIO(pack(slim_parts(parts)))).value
        return {"html": html, "findings": [Finding.of(p).__dict__ for p in warnings]}

    # --- writing -------------------------------------------------------------------------------------

    def save(self, name: str, data: Any, base: str) -> dict[str, Any]:
        """Write the form's values into the file, only changed values rewritten; refuse (Conflict) when
        the file changed on disk since the page loaded the version `base`."""
        from reportgen.pipeline import write_bytes

        path = self.content_path(name)
        current = path.read_text(encoding="utf-8")
        if digest(current) != base:
            raise Conflict([Problem("the file was changed on disk since this page loaded it",
                                    path=name, rule="conflict")])
        text = updated_text(current, data, name)
        write_bytes(text.encode("utf-8"), path)
        return {"digest": digest(text), "changed": text != current}

    def keep_both(self, name: str, data: Any) -> dict[str, Any]:
        """Save the page's version beside the file changed on disk, as NAME.mine-N.yaml."""
        from reportgen.pipeline import write_bytes

        path = self.content_path(name)
        text = updated_text(path.read_text(encoding="utf-8"), data, name)
        for number in range(1, 1000):
            copy = path.with_name(f"{path.stem}.mine-{number}{path.suffix}")
            if not copy.exists():
                write_bytes(text.encode("utf-8"), copy)
                return {"name": copy.relative_to(self.content_dir).as_posix()}
        raise OutputError.at("too many saved copies beside the file", name)

    def new(self, kind: str, name: str) -> dict[str, Any]:
        from reportgen.features.authoring import kind_names, new_content

        if kind not in kind_names():
            raise ContentError.at(f"expected a kind ({', '.join(kind_names())}), got {kind!r}")
        written = new_content(kind, name, self.content_dir, schemas=self.content_dir.parent / "schemas")
        return {"name": written[0].relative_to(self.content_dir).as_posix()}

    def build(self, name: str, pdf: bool = False) -> dict[str, Any]:
        """Build the saved file into the build folder (and its PDF): what was written, and warnings."""
        from reportgen.pipeline import build_one

        result = build_one(self.content_path(name), self.build_dir, templates=self.templates, force=False)
        written = [result.output] if result.output else []
        warnings = list(result.warnings)
        if pdf and result.output is not None:
            from reportgen.features.publish import convert

            # the editor's process keeps its LibreOffice running (reportgen.features.publish.office): the next PDF is quick
            for converted in convert([result.output]):
                written.append(converted.output)
                warnings += converted.warnings
        return {"written": [p.relative_to(self.build_dir).as_posix() for p in written],
                "findings": [Finding.of(p).__dict__ for p in warnings]}

    def redline(self, name: str, against: str, data: Any = None) -> dict[str, Any]:
        """A redline into the build folder: the saved file against the last committed version
        (`against='committed'`, git HEAD), or the page's unsaved values against the saved file
        (`against='saved'`)."""
        from reportgen.features.redline import Side, read_side, redline, redline_files

        path = self.content_path(name)
        out = self.build_dir / f"{path.stem}.redline.docx"
        if against == "committed":
            result = redline_files([path], out, since="HEAD", templates=self.templates, force=True)
        elif against == "saved":
            from reportgen.pipeline import render_report as render
            from reportgen.pipeline import template_path

            report, _ = self._report(name, data)
            template = template_path(report, self.templates)
            # the template named too: the summary of changes uses its labels
            unsaved = Side(f"{name} (unsaved)", render(report, template), report, template=template)
            result = redline(read_side(path, self.templates), unsaved, out, force=True)
        else:
            raise ContentError.at(f"expected 'committed' or 'saved', got {against!r}")
        return {"written": [result.output.relative_to(self.build_dir).as_posix()], "changes": result.changes or []}

    def download(self, name: str) -> Path:
        return self.output_path(name)

