"""A Word template made ready to render: tags repaired, Jinja compiled once, styles and lists indexed.

Tags follow docxtpl's conventions: `{{ name }}` inside text; `{{p name }}` alone in a paragraph replaces
the paragraph with a block of paragraphs; `{%p if ... %}` / `{%p endif %}` keep or drop the paragraphs
between them; `{%tr for/if ... %}` does the same for table rows; `{{r name }}` replaces its run.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from dataclasses import astuple, dataclass, field
from pathlib import Path
from typing import Any

from reportgen.cache import code_version, key_of, lookup, store
from reportgen.errors import Problem, Position, TemplateError
from reportgen.load import display_path
from reportgen.oxml.ns import NS, qn
from reportgen.oxml.package import NotADocx, read_parts

_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
_OPENERS = re.compile(r"\{\{|\{%|\{#")
_CURLY = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u00a0": " "})
_BLOCK_P = re.compile(r"^\s*(\{%-?p\s.*?%\}|\{\{p\s.*?\}\})\s*$", re.DOTALL)
_ROW = re.compile(r"\{%-?tr\s.*?%\}", re.DOTALL)
_RUN = re.compile(r"\{\{r\s.*?\}\}", re.DOTALL)
_MARK = "urn:reportgen:jinja"
_MARKED = re.compile(r'<rg:j xmlns:rg="urn:reportgen:jinja">(.*?)</rg:j>', re.DOTALL)
_TEMPLATED_PART = re.compile(r"^word/(document|header\d*|footer\d*)\.xml$")
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
    styles: dict[str, Style] = field(default_factory=dict)
    abstract_of_num: dict[int, int] = field(default_factory=dict)
    max_num_id: int = 0
    max_drawing_id: int = 0
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

            env = jinja_environment()
            self._variables = {name for source in self.sources.values()
                               for name in meta.find_undeclared_variables(env.parse(source))}
        return self._variables

    def index(self) -> dict[str, Any]:
        """What preparing the template worked out (Jinja sources, styles, numbering), as JSON values."""
        return {"sources": self.sources, "styles": [[k, *astuple(s)] for k, s in self.styles.items()],
                "abstract_of_num": list(self.abstract_of_num.items()), "max_num_id": self.max_num_id,
                "max_drawing_id": self.max_drawing_id, "body_font": self.body_font}

    def restore(self, index: dict[str, Any]) -> None:
        """Take back what `index()` gave, instead of working it out again."""
        self.sources = dict(index["sources"])
        self.styles = {key: Style(*values) for key, *values in index["styles"]}
        self.abstract_of_num = {int(num): int(abstract) for num, abstract in index["abstract_of_num"]}
        self.max_num_id = index["max_num_id"]
        self.max_drawing_id = index["max_drawing_id"]
        self.body_font = index.get("body_font", "Arial")

    def render_parts(self, context: dict[str, Any]) -> dict[str, str]:
        """Each templated part's XML with `context` filled in."""
        from jinja2 import TemplateError as JinjaError, UndefinedError

        out = {}
        for part, template in self.compiled.items():
            try:
                out[part] = template.render(context)
            except UndefinedError as exc:
                raise TemplateError([self._tag_problem(part, exc, _undefined_name(str(exc)))]) from None
            except JinjaError as exc:
                raise TemplateError([self._tag_problem(part, exc, None)]) from None
            except Exception as exc:  # {{ 1/0 }}, {{ range(10**9) }}: the context holds only text, so it is the template's
                raise TemplateError([self._tag_problem(part, exc, None)]) from None
        return out

    def _tag_problem(self, part: str, exc: Exception, name: str | None) -> Problem:
        source = self.sources.get(part, "")
        line = getattr(exc, "lineno", None) or _template_line(exc)
        tag = ""
        if name:
            tag = next((t for t in _TAG.findall(source) if re.search(rf"\b{re.escape(name)}\b", t)), "")
        nearby = _nearby(source, line, tag)
        what = f"undefined variable {name!r}" if name else str(exc)
        return Problem(f"{what}{f' in tag {tag}' if tag else ''}{f' near {nearby!r}' if nearby else ''}",
                       Position(display_path(self.path)), part, rule="template-tag")


def _template_line(exc: BaseException) -> int | None:
    """The template line an error was raised on: Jinja names the template's frames '<template>'."""
    line = None
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
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


def _words(xml_line: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", xml_line))).strip()


_CACHE: dict[tuple[str, int, int], WordTemplate] = {}


def load_template(path: str | Path) -> WordTemplate:
    """The template at `path`, compiled; reused while the file is unchanged."""
    path = Path(path)
    try:
        stat = path.stat()
    except OSError as exc:
        raise TemplateError.at(f"cannot read the template: {exc.strerror or exc}", display_path(path)) from None
    key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    cached = _CACHE.get(key)
    if cached is None:
        cached = _CACHE[key] = _prepare(path)
    return cached


def _prepare(path: Path) -> WordTemplate:
    try:
        data = path.read_bytes()
        parts = read_parts(data)
    except (OSError, NotADocx) as exc:
        raise TemplateError.at(f"the template is not a Word .docx file ({exc}); save it from Word as "
                               "'Word Document (*.docx)'", display_path(path)) from None
    template = WordTemplate(path, parts)
    # Working out the Jinja sources and the style index means parsing the template's XML with lxml
    # (about 50 ms with lxml's import, each build); a template seen before takes them from the cache,
    # keyed by the template's bytes, this module's code and lxml's version. Jinja still compiles here:
    # that is quick, and its compiled code cannot be kept as data.
    key = key_of("template", hashlib.sha256(data).hexdigest(), code_version(__file__, "lxml"))
    stored = lookup("templates", key)
    if stored is not None:
        template.restore(json.loads(stored))
    problems: list[Problem] = []
    if stored is None:
        for part in parts:
            if _TEMPLATED_PART.match(part):
                found = len(problems)
                source = _jinja_source(parts[part], path, part, problems)
                if source is not None and len(problems) == found:  # an unclosed tag: compiling adds only noise
                    template.sources[part] = source
    env = jinja_environment()
    for part, source in template.sources.items():
        try:
            template.compiled[part] = env.from_string(source)
        except Exception as exc:  # jinja2.TemplateSyntaxError, but any compile failure is the template's
            line = getattr(exc, "lineno", None)
            problems.append(Problem(f"template syntax: {getattr(exc, 'message', exc)}"
                                    f"{_near(source, line)}", Position(display_path(path)), part,
                                    rule="template-tag"))
    if problems:
        raise TemplateError(problems)
    if stored is None:
        _index_styles(template)
        _index_numbering(template)
        template.max_drawing_id = max((int(m) for m in re.findall(rb'<wp:docPr id="(\d+)"', parts["word/document.xml"])),
                                      default=0)
        store("templates", key, json.dumps(template.index()).encode("utf-8"))
    return template


def _near(source: str, line: int | None) -> str:
    nearby = _nearby(source, line, "")
    return f" near {nearby!r}" if nearby else ""


def jinja_environment() -> Any:
    """The one Jinja environment: sandboxed, strict about unknown names, escaping every value."""
    from jinja2 import StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment
    from markupsafe import Markup

    def finalize(value: Any) -> Any:
        # Values land inside <w:t>: escape them, and turn line breaks into Word line breaks.
        if isinstance(value, Markup):
            return value
        if value is None:
            return ""
        if isinstance(value, (list, tuple)):
            value = ", ".join(str(v) for v in value)
        from reportgen.oxml.xml import escape
        return Markup(escape(str(value)).replace("\n", '</w:t><w:br/><w:t xml:space="preserve">'))

    class BoundedSandbox(SandboxedEnvironment):
        """Jinja's sandbox, and no template arithmetic that builds a huge string or number."""

        intercepted_binops = frozenset(["*", "**"])

        def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
            from jinja2.exceptions import SecurityError

            if operator == "**" and isinstance(right, (int, float)) and abs(right) > 64:
                raise SecurityError(f"a power of {right} is too large for a template")
            if operator == "*":
                sized, count = (left, right) if isinstance(left, (str, list, tuple)) else (right, left)
                if isinstance(sized, (str, list, tuple)) and isinstance(count, int) and \
                        len(sized) * count > MAX_REPEAT:
                    raise SecurityError(f"repeating text {count:,} times is too large for a template")
            return super().call_binop(context, operator, left, right)

    return BoundedSandbox(autoescape=True, undefined=StrictUndefined, finalize=finalize,
                          keep_trailing_newline=True)


MAX_REPEAT = 100_000
"""The most characters (or items) a template's `*` may build: a report needs far fewer."""


def _jinja_source(xml: bytes, path: Path, part: str, problems: list[Problem]) -> str | None:
    """The part's XML turned into Jinja source, or None when it has no tags at all."""
    from lxml import etree  # only when the template is not in the cache (see _prepare)

    if b"{" not in xml:
        return None
    try:
        root = etree.fromstring(xml)
    except etree.XMLSyntaxError as exc:
        problems.append(Problem(f"the part is not well-formed XML: {exc}", Position(display_path(path)), part))
        return None
    found = False
    for p in root.iter(qn("w:p")):
        found |= _repair_paragraph(p, path, part, problems)
    if not found:
        return None
    for p in list(root.iter(qn("w:p"))):
        text = _text(p)
        if _BLOCK_P.match(text):
            _replace(p, _unmark(text.strip()))
        elif (m := _RUN.search(text)) is not None:
            for r in p.iter(qn("w:r")):
                if m.group() in _text(r):
                    _replace(r, _unmark(m.group()))
                    break
    for tr in list(root.iter(qn("w:tr"))):
        m = _ROW.search(_text(tr))
        if m is not None:
            _replace(tr, _unmark(m.group()))
    source = etree.tostring(root, encoding="unicode")
    source = _MARKED.sub(lambda m: m.group(1), source)
    source = _TAG.sub(lambda m: html.unescape(m.group()).translate(_CURLY), source)
    source = _declare_namespaces(source)
    # one paragraph or row per line, so Jinja's line numbers point at the paragraph with the problem
    source = re.sub(r"<w:(p|tr)(?=[ >])", r"\n<w:\1", source)
    return '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + source


def _text(element: Any) -> str:
    return "".join(t.text or "" for t in element.iter(qn("w:t")))


def _repair_paragraph(p: Any, path: Path, part: str, problems: list[Problem]) -> bool:
    """Move each tag's text into the run where it starts (Word splits tags across runs)."""
    ts = list(p.iter(qn("w:t")))
    full = "".join(t.text or "" for t in ts)
    if not _OPENERS.search(full):
        return False
    owner: list[int] = []
    for i, t in enumerate(ts):
        owner.extend([i] * len(t.text or ""))
    spans = [(m.start(), m.end()) for m in _TAG.finditer(full)]
    covered = {i for s, e in spans for i in range(s, e)}
    for m in _OPENERS.finditer(full):
        if m.start() not in covered:
            row = next(p.iterancestors(qn("w:tr")), None)
            around = " ".join(_text(q) for q in row.iter(qn("w:p"))) if row is not None else full
            around = re.sub(r"\s+", " ", around).strip()
            problems.append(Problem(f"a tag is not closed: {full[m.start():m.start() + 40]!r} "
                                    f"(in {'the table row' if row is not None else 'the paragraph'} "
                                    f"{around[:80]!r})",
                                    Position(display_path(path)), part, rule="template-tag"))
    for s, e in spans:
        for i in range(s, e):
            owner[i] = owner[s]
    texts = [""] * len(ts)
    for i, char in enumerate(full):
        texts[owner[i]] += char
    for t, text in zip(ts, texts):
        if t.text != text:
            t.text = text
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return bool(spans)


def _unmark(tag: str) -> str:
    """'{%p if x %}' -> '{% if x %}'; '{{p x }}' -> '{{ x }}' (also tr and r)."""
    return re.sub(r"^(\{[{%]-?)(?:p|tr|r)\s", r"\1 ", tag)


def _replace(element: Any, jinja: str) -> None:
    from lxml import etree

    marker = etree.Element(f"{{{_MARK}}}j", nsmap={"rg": _MARK})
    marker.text = jinja
    parent = element.getparent()
    parent.replace(element, marker)


def _declare_namespaces(source: str) -> str:
    # rendered blocks may hold pictures: make sure the root declares the drawing namespaces
    head_end = source.index(">")
    head = source[:head_end]
    extra = "".join(f' xmlns:{p}="{NS[p]}"' for p in _NEEDED_NS if f"xmlns:{p}=" not in head)
    return head + extra + source[head_end:]


def _index_styles(template: WordTemplate) -> None:
    from lxml import etree

    xml = template.parts.get("word/styles.xml")
    if xml is None:
        return
    root = etree.fromstring(xml)
    raw: dict[str, tuple[Any, str]] = {}
    for s in root.iter(qn("w:style")):
        sid = s.get(qn("w:styleId"))
        name_el = s.find(qn("w:name"))
        name = name_el.get(qn("w:val")) if name_el is not None else sid
        raw[sid] = (s, name)
    for sid, (s, name) in raw.items():
        num_id = None
        num_level = 0
        seen: set[str] = set()
        current: Any = s
        while current is not None and num_id is None:
            el = current.find(f"{qn('w:pPr')}/{qn('w:numPr')}/{qn('w:numId')}")
            if el is not None:
                num_id = int(el.get(qn("w:val")))
                level = current.find(f"{qn('w:pPr')}/{qn('w:numPr')}/{qn('w:ilvl')}")
                value = level.get(qn("w:val"), "0") if level is not None else "0"
                num_level = int(value) if value.isdigit() and int(value) < 9 else 0
                break
            based = current.find(qn("w:basedOn"))
            parent = based.get(qn("w:val")) if based is not None else None
            if parent is None or parent in seen or parent not in raw:
                break
            seen.add(parent)
            current = raw[parent][0]
        style = Style(sid, name, s.get(qn("w:type")) or "paragraph", num_id, num_level)
        template.styles.setdefault(name.lower(), style)
    template.body_font = _body_font(root, raw) or template.body_font


def _body_font(root: Any, raw: dict[str, tuple[Any, str]]) -> str | None:
    """The Normal style's font, else the document default's (a theme font counts as none: it is not named here)."""
    normal = next((s for s, name in raw.values() if name.lower() == "normal"), None)
    defaults = root.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
    for where in (normal.find(qn("w:rPr")) if normal is not None else None, defaults):
        fonts = where.find(qn("w:rFonts")) if where is not None else None
        if fonts is not None and fonts.get(qn("w:ascii")):
            return fonts.get(qn("w:ascii"))
    return None


def _index_numbering(template: WordTemplate) -> None:
    from lxml import etree

    xml = template.parts.get("word/numbering.xml")
    if xml is None:
        return
    root = etree.fromstring(xml)
    for num in root.iter(qn("w:num")):
        num_id = int(num.get(qn("w:numId")))
        abstract = num.find(qn("w:abstractNumId"))
        if abstract is not None:
            template.abstract_of_num[num_id] = int(abstract.get(qn("w:val")))
        template.max_num_id = max(template.max_num_id, num_id)
