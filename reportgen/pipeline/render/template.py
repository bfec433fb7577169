"""A Word template made ready to render: tags repaired, Jinja compiled once, styles and lists indexed.

Tags follow docxtpl's conventions, prepared by docxtpl's own XML preparation (`DocxTemplate.patch_xml`):
`{{ name }}` inside text; `{{p name }}` replaces its paragraph (with a block of paragraphs);
`{%p if ... %}` / `{%tr ... %}` / `{%tc ... %}` keep, drop or repeat paragraphs, table rows and
cells; `{% colspan n %}`, `{% hm %}`, `{% vm %}`, `{% cellbg colour %}` merge and shade cells;
`{%- ... -%}` joins paragraphs; `{#p ... #}` (and tr, tc) comments vanish with their paragraph, row
or cell; `{_{ ... }_}` and `{_% ... %_}` print braces. The document body, headers, footers,
footnotes, endnotes and tagged document properties are rendered.

What reportgen adds: the sandbox (sandbox.py: bounded and timed), unknown names as located errors,
every value escaped, tags split across runs or with curled quotes (Word's doing) gathered first, and
the preparation done once per template and cached, so a batch renders each report with compiled code.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import threading
from dataclasses import astuple, dataclass, field
from pathlib import Path
from typing import Any

from reportgen.pipeline.cache import code_version, key_of, lookup, store
from reportgen.errors import (FilterDefinitionError, Problem, Position, RenderTimeout, TemplateBoundError,
                              TemplateError)
from reportgen.errors import display_path
from reportgen.oxml import numbering as numbering_reader, package, styles as styles_reader, typed as typed_reader
from reportgen.oxml.package import NotADocx, open_docx
from reportgen.oxml.numbering import numbering_of
from reportgen.oxml.properties import TEMPLATED_PROPERTIES, core_properties
from reportgen.oxml.styles import styles_of
from reportgen.oxml.xml import highest_picture_id
from reportgen.oxml.typed import (NotWellFormed, TypedParagraph, TypedPart, a_line_each, declare_namespaces,
                                  typed_paragraphs, with_declaration, xml_text)
from reportgen.pipeline.render.sandbox import (FILTERS_FILE, MAX_REPEAT, bounded_output, custom_filters,
                                      jinja_environment, timeout_message, within_time)

__all__ = ["MAX_REPEAT", "WordTemplate", "jinja_environment", "load_template"]

_OPENERS = re.compile(r"\{_\{|\{_%|\{\{|\{%|\{#")
_CLOSERS = {"{_{": "}_}", "{_%": "%_}", "{{": "}}", "{%": "%}", "{#": "#}"}
MAX_TAG = 1_000
"""The longest tag (characters between its braces): a report's are a line at most. An opener without its
closer then costs a bounded look ahead, not a scan to the end of a hostile part for each opener."""
MAX_UNCLOSED = 20
"""Unclosed tags reported per part: the first few say what is wrong; thousands would bury it."""
# docxtpl prints {_{ }_} and {_% %_} as braces by replacing them in its output, which would also change
# content that happens to hold them; here they become Jinja tags printing the braces, so content stays data.
_LITERAL = re.compile(r"\{_([{%])(.*?)([}%])_\}", re.DOTALL)
# tags after which docxtpl fixes the table grid (cells added, removed or spanned)
_MERGE_TAG = re.compile(r"\{%-?\s*(?:vm|hm)\s*-?%\}")
_CELL_TAGS = re.compile(r"\{[%#]-?tc\s|\{%-?\s*(?:colspan|hm)\b")
_CURLY = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u00a0": " "})
_TEMPLATED_PART = re.compile(r"^word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml$")
_NEEDED_NS = ("w", "r", "wp", "a", "pic")


@dataclass
class Style:
    """A style defined in the template, as the renderer refers to it."""

    style_id: str
    name: str
    kind: str
    num_id: int | None = None
    num_level: int = 0


@dataclass
class WordTemplate:
    """One .docx template, loaded once per process and reused for every report built from it."""

    path: Path
    parts: dict[str, bytes]
    compiled: dict[str, Any] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    property_sources: dict[str, str] = field(default_factory=dict)
    compiled_properties: dict[str, Any] = field(default_factory=dict)
    table_parts: list[str] = field(default_factory=list)
    environment: Any = None
    """The Jinja environment the template was compiled in (with the filters file beside it)."""
    styles: dict[str, Style] = field(default_factory=dict)
    abstract_of_num: dict[int, int] = field(default_factory=dict)
    max_num_id: int = 0
    max_drawing_id: int = 0
    warnings: list[Problem] = field(default_factory=list)
    """What opening the template removed or converted (macros, external links): said on every build."""
    body_font: str = "Arial"
    """The font of the Normal style (or the document default): charts are drawn in it."""
    _variables: set[str] | None = field(default=None, repr=False)

    @property
    def name(self) -> str:
        return self.path.name

    def style(self, name: str, kind: str = "paragraph") -> Style:
        """The template's style called `name` (as Word shows it); a missing one is a template error."""
        found = self.styles.get(name.lower())
        if found is None or found.kind != kind:
            raise TemplateError([Problem(
                f"the template has no {kind} style named {name!r}; restore it in Word "
                "(Styles pane) or rebuild the factory template with `make templates`",
                Position(display_path(self.path)), rule="template-style")])
        return found

    def has_style(self, name: str) -> bool:
        return name.lower() in self.styles

    def abstract_for_style(self, name: str) -> int:
        style = self.style(name)
        if style.num_id is None or style.num_id not in self.abstract_of_num:
            raise TemplateError([Problem(
                f"the style {name!r} is not a list style (it has no numbering): in Word, give it "
                "bullets or numbering under Format > Numbering", Position(display_path(self.path)),
                rule="template-style")])
        return self.abstract_of_num[style.num_id]

    def variables(self) -> set[str]:
        """Every name the template's tags use: what of a report it can show."""
        if self._variables is None:
            from jinja2 import meta

            env = self.environment or jinja_environment()  # the template's own: it knows the custom filters
            self._variables = {name for source in [*self.sources.values(), *self.property_sources.values()]
                               for name in meta.find_undeclared_variables(env.parse(source))}
        return self._variables

    def index(self) -> dict[str, Any]:
        """What preparing the template worked out (Jinja sources, styles, numbering), as JSON values."""
        return {"sources": self.sources, "property_sources": self.property_sources,
                "table_parts": self.table_parts,
                "styles": [[k, *astuple(s)] for k, s in self.styles.items()],
                "abstract_of_num": list(self.abstract_of_num.items()), "max_num_id": self.max_num_id,
                "max_drawing_id": self.max_drawing_id, "body_font": self.body_font}

    def restore(self, index: dict[str, Any]) -> None:
        """Take back what `index()` gave, instead of working it out again."""
        self.sources = dict(index["sources"])
        self.property_sources = dict(index["property_sources"])
        self.table_parts = list(index["table_parts"])
        self.styles = {key: Style(*values) for key, *values in index["styles"]}
        self.abstract_of_num = {int(num): int(abstract) for num, abstract in index["abstract_of_num"]}
        self.max_num_id = index["max_num_id"]
        self.max_drawing_id = index["max_drawing_id"]
        self.body_font = index.get("body_font", "Arial")

    def render_parts(self, context: dict[str, Any]) -> dict[str, str]:
        """Each templated part's XML with `context` filled in, within the sandbox's time and size bounds."""
        return within_time(lambda: {part: self._render(part, template, context)
                                    for part, template in self.compiled.items()})

    def render_properties(self, context: dict[str, Any]) -> dict[str, str]:
        """The document properties the template sets with tags (title, subject ...), rendered as plain text."""
        if not self.compiled_properties:
            return {}
        return within_time(lambda: {name: self._render(f"docProps/core.xml {name}", template, context)
                                    for name, template in self.compiled_properties.items()})

    def _render(self, part: str, template: Any, context: dict[str, Any]) -> str:
        from jinja2 import TemplateError as JinjaError, UndefinedError

        chunks = template.generate(context)
        try:
            out = bounded_output(chunks)
        except UndefinedError as exc:
            raise TemplateError([self._tag_problem(part, exc, _undefined_name(str(exc)))]) from None
        except JinjaError as exc:
            raise TemplateError([self._tag_problem(part, exc, None)]) from None
        except RenderTimeout as exc:
            # not an Exception, so Jinja has not rewritten its traceback: map the compiled code's line back
            raw = _template_line(exc) or _suspended_line(chunks)
            line = template.get_corresponding_lineno(raw) if raw else None
            raise TemplateError([self._tag_problem(part, TemplateBoundError(timeout_message()), None, line)]) from None
        except TemplateBoundError as exc:  # raised here between chunks (output too long), or by a filter in it
            raw = None if _template_line(exc) else _suspended_line(chunks)
            line = template.get_corresponding_lineno(raw) if raw else None
            raise TemplateError([self._tag_problem(part, exc, None, line)]) from None
        except RecursionError as exc:
            raise TemplateError([self._tag_problem(part, TemplateBoundError(
                "the template recurses too deeply: a macro calls itself without end"), None,
                _template_line(exc))]) from None
        except Exception as exc:  # {{ 1/0 }}, a bound broken: the context holds only text, so it is the template's
            raise TemplateError([self._tag_problem(part, exc, None)]) from None
        if part in self.table_parts:
            out = _fix_tables(out)
        return out

    def _tag_problem(self, part: str, exc: Exception, name: str | None, line: int | None = None) -> Problem:
        source = self.sources.get(part) or self.property_sources.get(part.rpartition(" ")[2], "")
        line = line or getattr(exc, "lineno", None) or _template_line(exc)
        tag = ""
        if name:
            tag = next((t for t in _tags(source) if re.search(rf"\b{re.escape(name)}\b", t)), "")
        nearby = _nearby(source, line, tag)
        what = f"undefined variable {name!r}" if name else str(exc)
        return Problem(f"{what}{f' in tag {tag}' if tag else ''}{f' near {nearby!r}' if nearby else ''}",
                       Position(display_path(self.path)), _where(self.parts, part, source, line, tag),
                       rule="template-tag")


def _template_line(exc: BaseException) -> int | None:
    """The template line an error was raised on: Jinja names the template's frames '<template>'."""
    line = None
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _suspended_line(generator: Any) -> int | None:
    """The template line a render's generator is paused at (the time limit may land between its chunks)."""
    line = None
    while generator is not None:
        frame = getattr(generator, "gi_frame", None)
        if frame is not None and frame.f_code.co_filename == "<template>":
            line = frame.f_lineno
        generator = getattr(generator, "gi_yieldfrom", None)
    return line


def _undefined_name(message: str) -> str | None:
    m = re.search(r"'([^']+)' is undefined", message) or re.search(r"has no attribute '([^']+)'", message)
    return m.group(1) if m else None


def _nearby(source: str, line: int | None, tag: str) -> str:
    """The words of the paragraph at `line` (or holding `tag`) and of its neighbours: what a clerk can find in Word."""
    lines = source.split("\n")
    if tag:
        line = next((i + 1 for i, text in enumerate(lines) if tag in text), line)
    if not line or line > len(lines):
        return ""
    words = [_words(lines[i]) for i in range(max(line - 2, 0), min(line + 1, len(lines)))]
    text = " ".join(w for w in words if w)
    if len(text) <= 100:
        return text
    at = max(text.find(tag) if tag else -1, text.find(_words(lines[line - 1])), 0)
    start = max(at - 40, 0)
    return ("..." if start else "") + text[start:start + 100] + "..."


def _where(parts: dict[str, bytes], part: str, source: str, line: int | None, tag: str) -> str:
    """'word/document.xml, paragraph 12': the part, and which of the template's paragraphs (counted from
    the top, table cells included, as the author sees them) holds the tag or the line's tags or words."""
    lines = source.split("\n")
    if tag:
        line = next((i + 1 for i, text in enumerate(lines) if tag in text), line)
    if not part.startswith("word/") or part not in parts:
        return part
    wanted = [tag] if tag else []
    if line and line <= len(lines):
        wanted += _tags(lines[line - 1])
        wanted += [_words(lines[line - 1])[:40]] if not wanted else []
    keys = [key for key in (_tag_key(w) for w in wanted) if key]
    if not keys:
        return part
    typed = typed_paragraphs(parts[part])
    if typed is None:
        return part
    texts = [_tag_key(text) for text in typed]
    for key in keys:
        number = next((i + 1 for i, text in enumerate(texts) if key in text), None)
        if number:
            return f"{part}, paragraph {number}"
    return part


def _tag_key(text: str) -> str:
    """Text as a tag is searched for: docxtpl's p/tr/tc/r markers dropped, quotes plain, no spaces."""
    text = html.unescape(text).translate(_CURLY)
    return re.sub(r"\s+", "", re.sub(r"(\{[{%#]-?)(?:p|tr|tc|r)(?=\s)", r"\1", text))


def _words(xml_line: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", xml_line))).strip()


_CACHE: dict[tuple[Any, ...], WordTemplate] = {}


def load_template(path: str | Path) -> WordTemplate:
    """The template at `path`, compiled; reused while it and the filters file beside it are unchanged."""
    path = Path(path)
    try:
        stat = path.stat()
    except OSError as exc:
        raise TemplateError.at(f"cannot read the template: {exc.strerror or exc}", display_path(path)) from None
    filters = path.parent / FILTERS_FILE
    try:
        fstat = filters.stat()
        filters_key: tuple[int, int] | None = (fstat.st_mtime_ns, fstat.st_size)
    except OSError:
        filters_key = None
    key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size, filters_key)
    cached = _CACHE.get(key)
    if cached is None:
        cached = _CACHE[key] = _prepare(path)
    return cached


MAX_FILTERS_BYTES = 100_000
"""The largest filters file read: a council's filters are a few lines."""


def _environments(path: Path) -> tuple[Any, Any, str | None]:
    """The XML and plain-text environments for the template at `path`, with the filters file beside it, and
    that file's text (None when there is none): with the kind of environment, all that decides them."""
    envs = jinja_environment(), jinja_environment(xml=False)
    filters = path.parent / FILTERS_FILE
    if not filters.is_file():
        return *envs, None
    where = display_path(filters)
    try:
        if filters.stat().st_size > MAX_FILTERS_BYTES:
            raise TemplateError.at(f"the filters file is larger than {MAX_FILTERS_BYTES // 1000} kB", where)
        text = filters.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise TemplateError.at(f"cannot read the filters file: {getattr(exc, 'strerror', None) or exc}",
                               where) from None
    try:
        custom_filters(text, list(envs))
    except FilterDefinitionError as exc:
        raise TemplateError.at(str(exc), where, exc.line, exc.column, rule="template-filter") from None
    return *envs, text


MAX_COMPILED = 64
"""Jinja sources whose compiled code is remembered (only those under MAX_COMPILED_SOURCE characters)."""
MAX_COMPILED_SOURCE = 1_000_000
_COMPILED: dict[tuple[bool, str | None, str], Any] = {}
_COMPILED_LOCK = threading.Lock()


def _compiled(env: Any, source: str, xml: bool, filters: str | None) -> Any:
    """`env.from_string(source)`, its code compiled once per process for each (kind of environment, filters
    file text, source): all that decides the code, as jinja_environment makes every environment alike. A
    template read again (changed elsewhere, or the same one in another folder) compiles only what changed."""
    key = (xml, filters, source)
    code = _COMPILED.get(key)
    if code is None:
        code = env.compile(source)  # a syntax error is raised here, as from_string raises it
        if len(source) < MAX_COMPILED_SOURCE:
            with _COMPILED_LOCK:  # (the editor's server may prepare templates in threads)
                if len(_COMPILED) >= MAX_COMPILED:
                    _COMPILED.pop(next(iter(_COMPILED)), None)  # the oldest first
                _COMPILED[key] = code
    return env.template_class.from_code(env, code, env.make_globals(None), None)


def _prepare(path: Path) -> WordTemplate:
    try:
        data = path.read_bytes() if path.stat().st_size <= package.MAX_DOCX_BYTES else b""
    except OSError as exc:
        raise TemplateError.at(f"the template cannot be read ({exc.strerror or exc})", display_path(path)) from None
    # Working out the Jinja sources and the style index means parsing the template's XML with lxml and
    # docxtpl's preparation (about 50 ms with their imports, each build); a template seen before takes
    # them from the cache, keyed by the template's bytes, the code of this module, of the safe opener and
    # of the readers of its paragraphs, styles and numbering, and lxml's and docxtpl's versions. Jinja
    # still compiles here: that is quick, and its compiled code cannot be kept as data. A cached template
    # passed the opener's XML checks before (nothing is stored for a template that failed them), so they
    # are not made again; its limits, and its removal of macros and external links, always apply.
    readers = (package, typed_reader, styles_reader, numbering_reader)
    key = key_of("template", hashlib.sha256(data).hexdigest(), code_version(__file__, "lxml", "docxtpl"),
                 *(code_version(module.__file__) for module in readers))
    stored = lookup("templates", key) if data else None
    try:
        opened = open_docx(data if data else path, display_path(path), check_xml=stored is None)
    except NotADocx as exc:
        raise TemplateError([_template_hint(p) for p in exc.problems]) from None
    template = WordTemplate(path, opened.parts, warnings=opened.warnings)
    parts = opened.parts
    if stored is not None:
        template.restore(json.loads(stored))
    problems: list[Problem] = []
    if stored is None:
        for part in parts:
            if _TEMPLATED_PART.match(part):
                found = len(problems)
                source = _jinja_source(parts[part], path, part, problems)
                if source is not None and len(problems) == found:  # an unclosed tag: compiling adds only noise
                    template.sources[part], cells_change = source
                    if cells_change:
                        template.table_parts.append(part)
        template.property_sources = {name: _clean_tags(text) for name, text in core_properties(parts).items()
                                     if name in TEMPLATED_PROPERTIES and _OPENERS.search(text)}
    env, plain_env, filters = _environments(path)
    template.environment = env
    for part, source in template.sources.items():
        try:
            template.compiled[part] = _compiled(env, source, True, filters)
        except Exception as exc:  # jinja2.TemplateSyntaxError, but any compile failure is the template's
            line = getattr(exc, "lineno", None)
            problems.append(Problem(f"template syntax: {getattr(exc, 'message', exc)}"
                                    f"{_near(source, line)}", Position(display_path(path)),
                                    _where(parts, part, source, line, ""), rule="template-tag"))
    for name, source in template.property_sources.items():
        try:
            template.compiled_properties[name] = _compiled(plain_env, source, False, filters)
        except Exception as exc:
            problems.append(Problem(f"template syntax in the document property {name!r} ({source!r}): "
                                    f"{getattr(exc, 'message', exc)}", Position(display_path(path)),
                                    "docProps/core.xml", rule="template-tag"))
    if problems:
        raise TemplateError(problems)
    if stored is None:
        _index_styles(template)
        _index_numbering(template)
        template.max_drawing_id = highest_picture_id(parts["word/document.xml"])
        store("templates", key, json.dumps(template.index()).encode("utf-8"))
    return template


def _template_hint(problem: Problem) -> Problem:
    """A problem opening the template, with what a clerk can do about it."""
    from dataclasses import replace

    return replace(problem, message=f"the template cannot be used: {problem.message}", rule="template-file")


def _near(source: str, line: int | None) -> str:
    nearby = _nearby(source, line, "")
    return f" near {nearby!r}" if nearby else ""


def _jinja_source(xml: bytes, path: Path, part: str, problems: list[Problem]) -> tuple[str, bool] | None:
    """The part's XML turned into Jinja source by docxtpl's preparation (None when it has no tags at all),
    and whether its tags add, remove or span table cells (so the rendered tables' grids need fixing)."""
    if b"{" not in xml:
        return None
    try:
        typed = TypedPart(xml)  # (parsed only when the template is not in the cache: see _prepare)
    except NotWellFormed as exc:
        problems.append(Problem(f"the part is not well-formed XML: {exc}", Position(display_path(path)), part))
        return None
    found, known = False, len(problems)
    for p in typed.paragraphs():
        found |= _repair_paragraph(p, path, part, problems)
        if len(problems) - known >= MAX_UNCLOSED:
            break
    if not found or len(problems) > known:  # an unclosed tag: docxtpl's preparation would scan past it
        return None
    source = typed.xml()
    cells_change = bool(_CELL_TAGS.search(source))
    source = _LITERAL.sub(lambda m: f"{{{{ '{{{m.group(1)}' }}}}{m.group(2)}{{{{ '{m.group(3)}}}' }}}}", source)
    source = _docxtpl().patch_xml(source)
    source = _clean_tags(source)
    source = declare_namespaces(source, _NEEDED_NS)  # rendered blocks may hold pictures
    # one paragraph or row per line, so Jinja's line numbers point at the paragraph with the problem
    return with_declaration(a_line_each(source)), cells_change


def _clean_tags(text: str) -> str:
    """A tag as Jinja reads it: XML escapes undone, Word's curled quotes and hard spaces made plain."""
    out, last = [], 0
    for start, end in _tag_spans(text):
        out += [text[last:start], html.unescape(text[start:end]).translate(_CURLY)]
        last = end
    return "".join(out) + text[last:]


def _docxtpl() -> Any:
    """docxtpl's DocxTemplate, for its XML preparation and table fixing (neither uses a document)."""
    from docxtpl import DocxTemplate

    return DocxTemplate.__new__(DocxTemplate)


def _fix_tables(xml: str) -> str:
    """docxtpl's fix to a rendered part's table grids after cells were added, removed or spanned."""
    head, _, body = xml.partition("?>") if xml.startswith("<?xml") else ("", "", xml)
    try:
        tree = _docxtpl().fix_tables(body)
    except (AttributeError, TypeError, ValueError):  # a table without a grid: left as rendered
        return xml
    return (head + "?>" if head else "") + xml_text(tree)


def _tag_spans(text: str) -> list[tuple[int, int]]:
    """Where the tags in `text` are: each opener with the first closer of its kind after it, left to right."""
    from bisect import bisect_left

    closers: dict[str, list[int]] = {}  # each closer's positions, found once: linear however hostile the text
    spans = []
    pos = 0
    while (m := _OPENERS.search(text, pos)) is not None:
        closer = _CLOSERS[m.group()]
        if closer not in closers:
            closers[closer] = [c.start() for c in re.finditer(re.escape(closer), text)]
        found = closers[closer]
        at = bisect_left(found, m.end())
        if at == len(found) or found[at] > m.end() + MAX_TAG:
            pos = m.start() + 1
            continue
        spans.append((m.start(), found[at] + len(closer)))
        pos = found[at] + len(closer)
    return spans


def _tags(text: str) -> list[str]:
    return [text[s:e] for s, e in _tag_spans(text)]


def _repair_paragraph(p: TypedParagraph, path: Path, part: str, problems: list[Problem]) -> bool:
    """Move each tag's text into the run where it starts (Word splits tags across runs).

    Runs left empty, and Word's spelling marks between them, are removed, so the XML docxtpl's
    preparation reads is what a template typed in one go would give (`{%- -%}` joins the next
    paragraph's text, not an empty run). A cell's `{% vm %}` / `{% hm %}` takes the whole paragraph
    into its run, as docxtpl's merge applies to the text beside the tag."""
    pieces = p.pieces
    full = "".join(pieces)
    if not _OPENERS.search(full):
        return False
    owner: list[int] = []
    for i, piece in enumerate(pieces):
        owner.extend([i] * len(piece))
    spans = _tag_spans(full)
    covered = {i for s, e in spans for i in range(s, e)}
    for m in _OPENERS.finditer(full):
        if m.start() not in covered:  # the first unclosed tag of the paragraph: the rest follow from it
            row = p.row_text
            around = re.sub(r"\s+", " ", row if row is not None else full).strip()
            problems.append(Problem(f"a tag is not closed: {full[m.start():m.start() + 40]!r} "
                                    f"(in {'the table row' if row is not None else 'the paragraph'} "
                                    f"{around[:80]!r})",
                                    Position(display_path(path)), f"{part}, paragraph {p.number}",
                                    rule="template-tag"))
            break
    for s, e in spans:
        for i in range(s, e):
            owner[i] = owner[s]
    merge = next((s for s, e in spans if _MERGE_TAG.fullmatch(full[s:e])), None)
    if merge is not None:
        owner = [owner[merge]] * len(full)
    texts: list[list[str]] = [[] for _ in pieces]
    for i, char in enumerate(full):
        texts[owner[i]].append(char)
    p.retype(["".join(chars) for chars in texts])
    return bool(spans)


def _index_styles(template: WordTemplate) -> None:
    styles = styles_of(template.parts)
    for sid, style in styles.by_id.items():
        num_id, num_level = styles.lists.get(sid, (None, 0))
        template.styles.setdefault(style.name.lower(), Style(sid, style.name, style.kind, num_id,
                                                             num_level if num_level < 9 else 0))
    template.body_font = styles.body_font or template.body_font


def _index_numbering(template: WordTemplate) -> None:
    numbering = numbering_of(template.parts)
    template.abstract_of_num = {num_id: found.definition for num_id, found in numbering.lists.items()}
    template.max_num_id = numbering.max_list_id
