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

from reportgen.lib.lazy import exports_table, lazy_exports

_EXPORTS = exports_table({
    # (a name a module also has, such as `load`, would be shadowed by it once imported: hence *_content)
    "load": "load_content=load LoadedContent",
    "reload": "Reloader",
    "build": "read_report report_from_text build_one check_one BuildResult content_files output_clashes CONTENT_SUFFIXES",
    "batch": "BuildOptions Outcome build_many summary",
    "render": "render_report=render printed_fields template_path template_folders",
    "render.template": "load_template",
    "render.house_format": "house_format",
    "write": "write_docx write_bytes edited_since_written recorded_fingerprint LAID_OUT_FROM",
    "history": "old_version",
    "agenda": "build_agenda read_agenda pack_parts PackItem PackResult Paper",  # the agenda kind: its pack .docx
})
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())


if TYPE_CHECKING:  # for type checkers and editors: the same names, imported eagerly
    from reportgen.pipeline.agenda import PackItem, PackResult, Paper, build_agenda, pack_parts, read_agenda
    from reportgen.pipeline.batch import BuildOptions, Outcome, build_many, summary
    from reportgen.pipeline.build import (
        CONTENT_SUFFIXES,
        BuildResult,
        build_one,
        check_one,
        content_files,
        output_clashes,
        read_report,
        report_from_text,
    )
    from reportgen.pipeline.history import old_version
    from reportgen.pipeline.load import LoadedContent
    from reportgen.pipeline.load import load as load_content
    from reportgen.pipeline.reload import Reloader
    from reportgen.pipeline.render import printed_fields, template_folders, template_path
    from reportgen.pipeline.render import render as render_report
    from reportgen.pipeline.render.house_format import house_format
    from reportgen.pipeline.render.template import load_template
    from reportgen.pipeline.write import (
        LAID_OUT_FROM,
        edited_since_written,
        recorded_fingerprint,
        write_bytes,
        write_docx,
    )
