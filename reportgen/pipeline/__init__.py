"""The pipeline: a content file becomes a document on disk, in five stages.

    load      YAML with the position of every value (pipeline/load.py, its libyaml fast path fastload.py)
    validate  values -> the content model, every problem at once (validate.py)
    render    the kind's Word template filled from the model -> the document's parts (render/)
    write     parts -> .docx, deterministic, atomic, never over a hand edit (write.py)
    build     the stages for one file (build.py), an agenda's pack (agenda.py), many files (batch.py)

This module is its public entry: features and the command line import these names from
`reportgen.pipeline`, never its modules. The pipeline imports no feature (tests/test_layers.py).
Names are imported on first use, so `import reportgen.pipeline` costs nothing until one is asked for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reportgen.lib.lazy import lazy_exports

_EXPORTS: dict[str, tuple[str, str]] = {
    # load and validate
    # (a name a module also has, such as `load`, would be shadowed by it once imported: hence *_content)
    "load_content": ("load", "load"),
    "parse_text": ("load", "parse_text"),
    "LoadedContent": ("load", "LoadedContent"),
    "Reloader": ("reload", "Reloader"),
    "validate_content": ("validate", "validate"),
    # one file, many files
    "read_report": ("build", "read_report"),
    "build_one": ("build", "build_one"),
    "check_one": ("build", "check_one"),
    "BuildResult": ("build", "BuildResult"),
    "content_files": ("build", "content_files"),
    "output_clashes": ("build", "output_clashes"),
    "CONTENT_SUFFIXES": ("build", "CONTENT_SUFFIXES"),
    "BuildOptions": ("batch", "BuildOptions"),
    "Outcome": ("batch", "Outcome"),
    "build_many": ("batch", "build_many"),
    "summary": ("batch", "summary"),
    # render
    "render_report": ("render", "render"),
    "printed_fields": ("render", "printed_fields"),
    "template_path": ("render", "template_path"),
    "template_folders": ("render", "template_folders"),
    "load_template": ("render.template", "load_template"),
    "house_format": ("render.house_format", "house_format"),
    # write
    "write_docx": ("write", "write_docx"),
    "write_bytes": ("write", "write_bytes"),
    "edited_since_written": ("write", "edited_since_written"),
    "recorded_fingerprint": ("write", "recorded_fingerprint"),
    "LAID_OUT_FROM": ("write", "LAID_OUT_FROM"),
    # drafts
    "old_version": ("history", "old_version"),
    # the agenda kind: its pack .docx
    "build_agenda": ("agenda", "build_agenda"),
    "read_agenda": ("agenda", "read_agenda"),
    "pack_parts": ("agenda", "pack_parts"),
    "PackItem": ("agenda", "PackItem"),
    "PackResult": ("agenda", "PackResult"),
    "Paper": ("agenda", "Paper"),
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())


if TYPE_CHECKING:  # for type checkers and editors: the same names, imported eagerly
    from reportgen.pipeline.agenda import PackItem, PackResult, Paper, build_agenda, pack_parts, read_agenda
    from reportgen.pipeline.batch import BuildOptions, Outcome, build_many, summary
    from reportgen.pipeline.build import (CONTENT_SUFFIXES, BuildResult, build_one, check_one, content_files,
                                          output_clashes, read_report)
    from reportgen.pipeline.history import old_version
    from reportgen.pipeline.load import LoadedContent, parse_text
    from reportgen.pipeline.load import load as load_content
    from reportgen.pipeline.reload import Reloader
    from reportgen.pipeline.render import printed_fields, template_folders, template_path
    from reportgen.pipeline.render import render as render_report
    from reportgen.pipeline.render.house_format import house_format
    from reportgen.pipeline.render.template import load_template
    from reportgen.pipeline.validate import validate as validate_content
    from reportgen.pipeline.write import (LAID_OUT_FROM, edited_since_written, recorded_fingerprint, write_bytes,
                                          write_docx)
