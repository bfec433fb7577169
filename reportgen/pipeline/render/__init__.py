"""Stage 3, render: fill a report kind's Word template from the content model, giving the document's parts.

Each kind in the registry (reportgen.kinds) has a module here of its name with the same shape:
`properties(report)` (title, author, date for the file's properties), `context(report, writer)`
(the values and blocks its template's tags use), optionally `template_problems(report, template)`.
"""

from __future__ import annotations

import importlib
import importlib.util
from pathlib import Path
from types import ModuleType

from reportgen.checks.safety import ACCESS_PROPERTY, is_public
from reportgen.errors import ContentError, Problem, display_path
from reportgen.kinds import kind_of
from reportgen.model import Node
from reportgen.oxml.properties import DocumentProperties, set_properties
from reportgen.pipeline.render.ooxml import OoxmlWriter
from reportgen.pipeline.render.template import WordTemplate, load_template


def _factory_templates() -> Path:
    """The factory templates: report_templates/ beside the package in a checkout (the ones this code
    goes with, also in a second worktree), else the package `reportgen.factory` when installed
    (setup.py ships report_templates/ as it)."""
    beside = Path(__file__).resolve().parents[3] / "report_templates"
    if (beside / "__init__.py").is_file():  # the folder setup.py ships as reportgen.factory
        return beside
    spec = importlib.util.find_spec("reportgen.factory")
    if spec is not None and spec.submodule_search_locations:
        return Path(next(iter(spec.submodule_search_locations)))
    return beside


FACTORY_TEMPLATES = _factory_templates()


def renderer_for(report: Node) -> ModuleType:
    """The kind's renderer: the module of its name here (`cover.py` renders `kind: cover`)."""
    return importlib.import_module(f"{__name__}.{kind_of(report).name}")


def template_path(report: Node, templates: Path | None = None) -> Path:
    """The template a report is rendered with: from `templates` (a folder) or the factory set.

    A report naming a house format (`template: example-borough`) takes the template from that
    subfolder of the first template folder that has it; naming one that none has is a located error."""
    name = kind_of(report).template
    house = getattr(report, "template", "")
    if house:
        for folder in template_folders(templates):
            if (folder / house / name).is_file():
                return folder / house / name
        known = sorted({p.parent.name for f in template_folders(templates) if f.is_dir()
                        for p in f.glob(f"*/{name}")})
        raise ContentError([Problem(f"expected a house format with a {name} ({', '.join(known) or 'none found'} "
                                    f"in {', '.join(display_path(f) for f in template_folders(templates))}), "
                                    f"got {house!r}", report.where("template"), "template")])
    for folder in template_folders(templates):
        if (folder / name).exists():
            return folder / name
    return (templates or FACTORY_TEMPLATES) / name


def template_problems(report: Node, template: Path | WordTemplate) -> list[Problem]:
    """What the report asks of its template that the template cannot give (errors and warnings)."""
    check = getattr(renderer_for(report), "template_problems", None)
    if check is None:
        return []
    if not isinstance(template, WordTemplate):
        template = load_template(template)
    return check(report, template)


def template_folders(templates: Path | None = None) -> list[Path]:
    """Where templates are looked for, first match wins: `templates`, ./report_templates, the factory set."""
    return [f for f in (templates, Path.cwd() / "report_templates", FACTORY_TEMPLATES) if f is not None]


def render(report: Node, template: Path | WordTemplate | None = None,
           extra_properties: dict[str, str] | None = None,
           draft: dict[str, str] | None = None, **context_args: object) -> dict[str, bytes]:
    """The finished document's parts (name -> bytes), ready to be packed into a .docx.

    `draft` (see reportgen.pipeline.draft) is what every template's header shows under `{%p if draft %}`.
    `context_args` go to the kind's `context()`: what it needs besides the report (an agenda's papers).
    """
    module = renderer_for(report)
    if not isinstance(template, WordTemplate):
        template = load_template(template or template_path(report))
    errors = [p for p in template_problems(report, template) if p.severity == "error"]
    if errors:  # every route to a document comes through here: nothing is rendered, nothing written
        raise ContentError(errors)
    writer = OoxmlWriter(template)
    context = module.context(report, writer, **context_args)
    context["draft"] = draft  # set for every kind in this one place, so templates may always test it
    properties: DocumentProperties = module.properties(report)
    if not is_public(report):  # so that a tool given the .docx alone knows (reportgen.checks.safety)
        properties.custom[ACCESS_PROPERTY] = "non-public"
    if extra_properties:
        properties.custom.update(extra_properties)
    return fill(template, context, properties, writer)


def fill(template: WordTemplate, context: dict[str, object], properties: DocumentProperties,
         writer: OoxmlWriter | None = None) -> dict[str, bytes]:
    """The template's parts with `context` filled in (body, headers, footers, notes, tagged properties).

    `properties` are the document's (from content); a property the template sets with a tag wins."""
    rendered = template.render_parts(context)
    for name, value in template.render_properties(context).items():
        setattr(properties, name, value)
    parts = (writer or OoxmlWriter(template)).finish(template.parts, rendered)
    return set_properties(parts, properties)


def printed_fields(report: Node, template: Path | WordTemplate | None = None) -> dict[str, str]:
    """The report's own fields as its template prints them ('10/02/2020', 'Y', 'August 2019'), by name.

    What a summary of changes quotes, so that it says what the reader sees, not what was typed.
    """
    module = renderer_for(report)
    if not isinstance(template, WordTemplate):
        template = load_template(template or template_path(report))
    context = module.context(report, OoxmlWriter(template))
    fields = type(report).model_fields  # type: ignore[attr-defined]
    return {name: value for name, value in context.items() if name in fields and isinstance(value, str)}
