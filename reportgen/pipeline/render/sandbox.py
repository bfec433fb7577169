"""The one Jinja environment templates run in: Jinja's sandbox, bounded in time and in everything that widens text.

A template may come from another department, so it is treated like any input from elsewhere: it
cannot reach Python (Jinja's immutable sandbox), each render has a time limit, and every operation
that can build a large string, number or list from a short expression is bounded before it runs
(`*`, `**`, `+`, `~`, `%`, format widths, `center`, `ljust`, `indent`, `replace`, `join`, `lipsum`,
`batch`, `slice`, `sum`) as is the text a render writes. A template that breaks a bound gets a
`TemplateBoundError`, which the template module reports with the template's place, like any other
template error.
"""

from __future__ import annotations

import itertools
import os
import re
import string
import threading
import time
from typing import Any, Callable, Iterable

from reportgen.errors import FilterDefinitionError, RenderTimeout, TemplateBoundError
from reportgen.lib import settings
from reportgen.oxml.xml import inside_text

RENDER_SECONDS = 10.0
"""The longest one report's template may take to render (all its parts): a report takes milliseconds
($REPORTGEN_RENDER_SECONDS changes it)."""


def render_limit() -> float:
    """The render time limit in force: RENDER_SECONDS, or $REPORTGEN_RENDER_SECONDS."""
    return settings.seconds("RENDER", RENDER_SECONDS)

MAX_REPEAT = 100_000
"""The most characters (or items) a template's `*` may build: a report needs far fewer."""

MAX_WIDTH = 10_000
"""The widest field a template may pad text to (`center`, `ljust`, `indent`, format widths, `%` widths)."""

MAX_TEXT = 5_000_000
"""The longest text a template may build by joining, concatenating or replacing (`~`, `+`, `join`, `replace`)."""

MAX_OUTPUT = 20_000_000
"""The most characters one rendered part may hold: the annual report's body is 75 kB."""

MAX_INT_BITS = 4_096
"""The largest number (in bits, about 1,200 digits) a template's `*` or `**` may make."""

MAX_LIPSUM_WORDS = 10_000
"""The most placeholder words `lipsum()` may write (paragraphs times words per paragraph)."""


# -- sizes --------------------------------------------------------------------------------------------------
def _size(value: Any, budget: int = MAX_TEXT, seen: dict[int, int] | None = None) -> int:
    """Roughly how many characters `value` prints as: its length for text, its items' sizes for lists.

    Stops counting past `budget`, so measuring a huge value costs no more than the bound; a list held
    twice (`[l, l]`) is measured once (`seen`: the sandbox makes lists read-only, so it cannot change)."""
    if isinstance(value, str):
        return len(value)
    if _is_int(value):
        return value.bit_length() // 3 + 1  # about the digits it prints as
    if not isinstance(value, (list, tuple, dict)) and type(value).__name__ != "Namespace":
        return 8
    seen = {} if seen is None else seen
    if id(value) in seen:
        return seen[id(value)]
    items: Any = value
    if isinstance(value, dict) or type(value).__name__ == "Namespace":
        attrs = value if isinstance(value, dict) else object.__getattribute__(value, "_Namespace__attrs")
        items = [*attrs.keys(), *attrs.values()]
    total = len(items)
    for item in items:
        total += _size(item, budget - total, seen)
        if total > budget:
            break
    seen[id(value)] = total
    return total


def _check_text(size: int, what: str, limit: int = MAX_TEXT) -> None:
    if size > limit:
        raise TemplateBoundError(f"{what} would build text of {size:,} characters or more; a template may "
                                 f"build at most {limit:,}")


def _check_width(width: Any, what: str) -> None:
    if isinstance(width, int) and not isinstance(width, bool) and abs(width) > MAX_WIDTH:
        raise TemplateBoundError(f"{what} pads to a width of {width:,}; a template may pad to at most {MAX_WIDTH:,}")


_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?[hlL]?[a-zA-Z%]")


def _check_percent_format(fmt: str, args: Any) -> None:
    """`'%0999999999d' % 1`: widths and precisions written in the format, or passed for its `*`."""
    star = False
    for m in _PERCENT_SPEC.finditer(fmt):
        for number in m.groups():
            if number == "*":
                star = True
            elif number:
                _check_width(int(number), "a '%' format")
    if star:
        for arg in args if isinstance(args, tuple) else (args,):
            _check_width(arg, "a '%' format")


def _check_brace_format(fmt: str, args: Iterable[Any], kwargs: dict[str, Any]) -> None:
    """`'{:>999999999}'.format(x)`: widths and precisions in each field's spec, or nested from the arguments."""
    try:
        fields = list(string.Formatter().parse(fmt))
    except ValueError:
        return  # str.format raises the same error itself
    for _, _, spec, _ in fields:
        if not spec:
            continue
        for number in re.findall(r"\d+", spec):
            _check_width(int(number), "a '{}' format")
        if "{" in spec:  # '{:{w}}': the width comes from an argument
            for arg in [*args, *kwargs.values()]:
                _check_width(arg, "a '{}' format")


def _check_int(bits: int) -> None:
    if bits > MAX_INT_BITS:
        raise TemplateBoundError(f"a number of about {bits * 0.30103:,.0f} digits is too large for a template "
                                 f"(at most {MAX_INT_BITS * 0.30103:,.0f})")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_binop(operator: str, left: Any, right: Any) -> None:
    """Refuse, before it runs, a template operator that would build something too large."""
    if operator == "**" and _is_int(left) and _is_int(right):
        if right > 0 and abs(left) > 1:
            _check_int(max(abs(left).bit_length() - 1, 1) * right)
    elif operator == "**" and isinstance(right, (int, float)) and abs(right) > 64 \
            and isinstance(left, (int, float)) and abs(left) > 1:
        raise TemplateBoundError(f"a power of {right} is too large for a template")
    elif operator == "*":
        if _is_int(left) and _is_int(right):
            _check_int(abs(left).bit_length() + abs(right).bit_length())
            return
        sized, count = (left, right) if isinstance(left, (str, list, tuple)) else (right, left)
        if isinstance(sized, (str, list, tuple)) and _is_int(count) and count > 0:
            if len(sized) * count > MAX_REPEAT:
                raise TemplateBoundError(f"repeating text {count:,} times is too large for a template "
                                         f"(at most {MAX_REPEAT:,} characters or items)")
            _check_text(_size(sized) * count, "repeating text")
    elif operator == "+" and isinstance(left, (str, list, tuple)) and isinstance(right, (str, list, tuple)):
        _check_text(_size(left) + _size(right), "joining text with '+'")
    elif operator == "%" and isinstance(left, str):
        _check_percent_format(left, right)
        _check_text(len(left) + _size(right), "a '%' format")


_WIDENING_METHODS = {"center", "ljust", "rjust", "zfill"}


def check_call(function: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """Refuse a method call on text that would build something too large (`'x'.ljust(10**9)`)."""
    target = getattr(getattr(function, "__wrapped__", function), "__self__", None)
    name = getattr(function, "__name__", "")
    if not isinstance(target, str):
        return
    if name in _WIDENING_METHODS and args:
        _check_width(args[0], f"'.{name}()'")
    elif name == "expandtabs":
        size = args[0] if args else kwargs.get("tabsize", 8)
        if _is_int(size):
            _check_text(len(target) * max(size, 1), "'.expandtabs()'")
    elif name == "replace" and len(args) >= 2:
        _check_text(len(target) + (len(target) + 1) * _size(args[1]), "'.replace()'")
    elif name == "join" and args:
        items = args[0]
        if isinstance(items, (list, tuple)):
            _check_text(_size(items) + len(target) * len(items), "'.join()'")
    elif name in ("format", "format_map"):
        if name == "format_map" and args and isinstance(args[0], dict):
            _check_brace_format(target, (), args[0])
        else:
            _check_brace_format(target, args, kwargs)


# -- bounded filters and globals ----------------------------------------------------------------------------
def _bounded_filters(env: Any) -> dict[str, Callable[..., Any]]:
    """Jinja's widening filters, each checking its arguments first."""
    from jinja2 import filters as jf

    def center(value: Any, width: int = 80) -> str:
        _check_width(width, "the 'center' filter")
        return jf.do_center(value, width)

    def indent(value: Any, width: Any = 4, first: bool = False, blank: bool = False) -> str:
        if isinstance(width, str):
            _check_text(len(width), "the 'indent' filter")
            pad = len(width)
        else:
            _check_width(width, "the 'indent' filter")
            pad = width if _is_int(width) else 0
        _check_text(_size(str(value)) + (str(value).count("\n") + 1) * pad, "the 'indent' filter")
        return jf.do_indent(value, width, first, blank)

    def format_(value: Any, *args: Any, **kwargs: Any) -> str:
        _check_percent_format(str(value), args or tuple(kwargs.values()))
        return jf.do_format(value, *args, **kwargs)

    def replace(eval_ctx: Any, value: Any, old: Any, new: Any, count: Any = None) -> str:
        text = str(value)
        _check_text(len(text) + (len(text) + 1) * _size(str(new)), "the 'replace' filter")
        return jf.do_replace(eval_ctx, value, old, new, count)

    def join(eval_ctx: Any, value: Any, d: str = "", attribute: Any = None) -> str:
        items = list(value) if not isinstance(value, (list, tuple)) else value
        _check_text(_size(list(items)) + len(str(d)) * len(items), "the 'join' filter")
        return jf.sync_do_join(eval_ctx, items, d, attribute)

    def batch(value: Any, linecount: int, fill_with: Any = None) -> Any:
        if fill_with is not None and _is_int(linecount) and linecount > MAX_REPEAT:
            raise TemplateBoundError(f"the 'batch' filter would fill {linecount:,} items")
        return list(jf.do_batch(value, linecount, fill_with))

    def slice_(value: Any, slices: int, fill_with: Any = None) -> Any:
        if _is_int(slices) and slices > MAX_REPEAT:
            raise TemplateBoundError(f"the 'slice' filter would make {slices:,} slices")
        return list(jf.sync_do_slice(value, slices, fill_with))

    def sum_(env_: Any, iterable: Any, attribute: Any = None, start: Any = 0) -> Any:
        items = list(iterable)
        if isinstance(start, (list, tuple, str)):
            _check_text(_size(start) + _size(items), "the 'sum' filter")
        return jf.sync_do_sum(env_, items, attribute, start)

    from jinja2.utils import pass_environment, pass_eval_context

    return {"center": center, "indent": indent, "format": format_, "replace": pass_eval_context(replace),
            "join": pass_eval_context(join), "batch": batch, "slice": slice_, "sum": pass_environment(sum_)}


def _bounded_lipsum(n: int = 5, html: bool = True, min: int = 20, max: int = 100) -> str:  # noqa: A002
    from jinja2.utils import generate_lorem_ipsum

    for value in (n, min, max):
        if not _is_int(value) or value < 0:
            raise TemplateBoundError("lipsum() takes whole numbers of paragraphs and words")
    if n * max > MAX_LIPSUM_WORDS:
        raise TemplateBoundError(f"lipsum() would write up to {n * max:,} words; a template may ask for at most "
                                 f"{MAX_LIPSUM_WORDS:,}")
    return generate_lorem_ipsum(n=n, html=html, min=min, max=max)


def bounded_items(value: Any) -> Any:
    """A list, tuple or dict a template writes (`[a, a]`), refused when what it holds is too large to print.

    Without this, `{% set ns.l = [ns.l, ns.l] %}` in a loop doubles what `ns.l` prints at each turn,
    and printing it would build gigabytes in one step the time limit cannot interrupt."""
    _check_text(_size(value), "a list in the template")
    return value


def _bounded_constructor(make: Callable[..., Any], name: str) -> Callable[..., Any]:
    """`dict()` or `namespace()`, refused like a list literal when what it holds is too large to print."""
    def construct(*args: Any, **kwargs: Any) -> Any:
        value = make(*args, **kwargs)
        _check_text(_size(value), f"{name}()")
        return value
    construct.__name__ = name
    return construct


def bounded_join(join: Callable[[Iterable[Any]], str], values: tuple[Any, ...]) -> str:
    """The `~` operator (Jinja's Concat), after checking the size of what it joins."""
    _check_text(sum(_size(v) if isinstance(v, (str, list, tuple)) else 8 for v in values), "joining text with '~'")
    return join(values)


# -- the environment ----------------------------------------------------------------------------------------
def _xml_finalize(value: Any) -> Any:
    """How a value prints inside <w:t>: escaped, None as nothing, a list as 'a, b', line breaks as Word's."""
    from markupsafe import Markup

    if isinstance(value, Markup):
        return value
    return Markup(inside_text(_plain_finalize(value)))


def _plain_finalize(value: Any) -> str:
    """How a value prints as plain text (document properties): None as nothing, a list as 'a, b'."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        _check_text(_size(value), "printing a list")
        return ", ".join(str(v) for v in value)
    return str(value)


def jinja_environment(xml: bool = True) -> Any:
    """The one Jinja environment: sandboxed and bounded, strict about unknown names, escaping every value.

    `xml=False` gives the same environment for plain text (document properties): nothing escaped."""
    from jinja2 import StrictUndefined
    from jinja2.compiler import CodeGenerator
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    class BoundedCodeGenerator(CodeGenerator):
        """Jinja's code generator, with `~` going through `bounded_join` and list, tuple and dict
        literals through `bounded_items`."""

        def _bounded(self, visit: Callable[[Any, Any], None], node: Any, frame: Any) -> None:
            if getattr(node, "ctx", "load") != "load":  # `{% for a, b in ... %}`: a target, not a value
                visit(node, frame)
                return
            self.write("environment.bounded_items(")
            visit(node, frame)
            self.write(")")

        def visit_List(self, node: Any, frame: Any) -> None:
            self._bounded(super().visit_List, node, frame)

        def visit_Tuple(self, node: Any, frame: Any) -> None:
            self._bounded(super().visit_Tuple, node, frame)

        def visit_Dict(self, node: Any, frame: Any) -> None:
            self._bounded(super().visit_Dict, node, frame)

        def visit_Concat(self, node: Any, frame: Any) -> None:
            self.write("environment.bounded_join(")
            if frame.eval_ctx.volatile:
                self.write("(markup_join if context.eval_ctx.volatile else str_join)")
            else:
                self.write("markup_join" if frame.eval_ctx.autoescape else "str_join")
            self.write(", (")
            for arg in node.nodes:
                self.visit(arg, frame)
                self.write(", ")
            self.write("))")

    class BoundedSandbox(ImmutableSandboxedEnvironment):
        """Jinja's sandbox (lists and dicts read-only), and nothing that builds a huge string, number or list."""

        intercepted_binops = frozenset(["*", "**", "+", "%"])
        code_generator_class = BoundedCodeGenerator

        def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
            from jinja2.exceptions import SecurityError

            try:
                check_binop(operator, left, right)
            except TemplateBoundError as exc:
                raise SecurityError(str(exc)) from None
            return super().call_binop(context, operator, left, right)

        def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
            from jinja2.exceptions import SecurityError

            try:
                check_call(__obj, args, kwargs)
            except TemplateBoundError as exc:
                raise SecurityError(str(exc)) from None
            return super().call(__context, __obj, *args, **kwargs)

        @staticmethod
        def bounded_join(join: Callable[[Iterable[Any]], str], values: tuple[Any, ...]) -> str:
            return bounded_join(join, values)

        @staticmethod
        def bounded_items(value: Any) -> Any:
            return bounded_items(value)

    env = BoundedSandbox(autoescape=xml, undefined=StrictUndefined,
                         finalize=_xml_finalize if xml else _plain_finalize, keep_trailing_newline=True)
    env.filters.update(_bounded_filters(env))
    env.globals["lipsum"] = _bounded_lipsum
    from jinja2.utils import Namespace

    env.globals["dict"] = _bounded_constructor(dict, "dict")
    env.globals["namespace"] = _bounded_constructor(Namespace, "namespace")
    return env


# -- the time limit -----------------------------------------------------------------------------------------
WATCH_INTERVAL = 0.1
"""How often the watchdog looks at the renders in progress (seconds): the time limit's granularity."""


class _Watchdog:
    """One thread per process that interrupts renders past their deadline.

    It raises RenderTimeout inside the rendering thread (Python's asynchronous exception), so it stops
    template code in any thread, not only the main one as a signal would. One thread for the process,
    not one per render: starting a thread costs milliseconds on a busy machine, more than a render."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.renders: dict[int, tuple[int, float, list[bool]]] = {}  # key -> (thread, deadline, fired)
        self.wake = threading.Event()
        self.thread: threading.Thread | None = None

    def watch(self) -> None:
        while True:
            with self.lock:
                now = time.monotonic()
                for thread_id, deadline, fired in self.renders.values():
                    if now >= deadline and not fired[0]:
                        fired[0] = True
                        _interrupt(thread_id)
                if not self.renders:
                    self.wake.clear()
            self.wake.wait()  # returns at once while renders are in progress
            time.sleep(WATCH_INTERVAL)

    def add(self, key: int, deadline: float) -> None:
        with self.lock:
            self.renders[key] = (threading.get_ident(), deadline, [False])
            if self.thread is None:
                self.thread = threading.Thread(target=self.watch, name="reportgen-render-watchdog", daemon=True)
                self.thread.start()
        self.wake.set()

    def remove(self, key: int) -> None:
        with self.lock:
            self.renders.pop(key, None)


_WATCHDOG = _Watchdog()
_KEYS = itertools.count()


def _after_fork() -> None:
    global _WATCHDOG  # a forked batch worker has none of its parent's threads: it starts its own
    _WATCHDOG = _Watchdog()


os.register_at_fork(after_in_child=_after_fork)


def _interrupt(thread_id: int) -> None:
    """Raise RenderTimeout in the thread `thread_id` at its next Python instruction."""
    import ctypes  # only when a render runs out of time

    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id), ctypes.py_object(RenderTimeout))


def within_time(action: Callable[[], Any], seconds: float | None = None) -> Any:
    """`action()`, interrupted with TemplateBoundError after `seconds` (default render_limit()).

    Rendering runs Jinja's compiled Python, where the watchdog's exception lands; the C-level
    operations that could run long (repeating, padding, joining, powers) are bounded before they start."""
    limit = render_limit() if seconds is None else seconds  # read here, so a test may lower it
    watchdog = _WATCHDOG
    key = next(_KEYS)
    try:
        try:
            watchdog.add(key, time.monotonic() + limit)
            return action()
        finally:
            watchdog.remove(key)  # the watchdog fires only while the key is there, so never after this
    except RenderTimeout:
        raise TemplateBoundError(timeout_message(limit)) from None


def timeout_message(limit: float | None = None) -> str:
    return (f"the template took longer than {render_limit() if limit is None else limit:g} seconds to render "
            "(a report takes well under one): a loop in it runs too long")


def bounded_output(chunks: Iterable[str], limit: int = MAX_OUTPUT) -> str:
    """Join a render's output, stopping once it passes `limit` characters."""
    out: list[str] = []
    total = 0
    for chunk in chunks:
        total += len(chunk)
        if total > limit:
            raise TemplateBoundError(f"the template wrote more than {limit:,} characters into one part of the "
                                     "document: a loop in it repeats too often")
        out.append(chunk)
    return "".join(out)


# -- custom filters -----------------------------------------------------------------------------------------
FILTERS_FILE = "filters.yaml"
"""The file beside the templates that defines a council's own filters."""

_SIGNATURE = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?:\((.*)\))?\s*$", re.DOTALL)


def custom_filters(text: str, envs: list[Any]) -> None:
    """Register the filters `text` (the filters file) defines in each environment of `envs`.

    Each entry is `name: expression` or `name(param, other=default): expression`; the expression is
    Jinja (the same sandbox as the templates) over `value` and the parameters, e.g.
    `money: '"£{:,.2f}".format(value)'`. Filters may use each other and every built-in filter."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    try:
        document = YAML(typ="rt").load(text)
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise FilterDefinitionError(f"not valid YAML: {getattr(exc, 'problem', exc)}",
                                    (mark.line + 1) if mark else 1, (mark.column + 1) if mark else 1) from None
    if document is None:
        return
    if not isinstance(document, dict):
        raise FilterDefinitionError("expected a mapping of filter names to expressions, e.g. "
                                    "`money: '\"£{:,.2f}\".format(value)'`")
    entries = []
    for key, expression in document.items():
        line, column = document.lc.key(key) if hasattr(document, "lc") else (0, 0)
        line, column = line + 1, column + 1
        m = _SIGNATURE.match(str(key))
        if m is None:
            raise FilterDefinitionError(f"{key!r}: expected a filter name, optionally with parameters, "
                                        "like `ordinal` or `money(symbol='£')`", line, column)
        if not isinstance(expression, str):
            raise FilterDefinitionError(f"{m.group(1)}: expected a Jinja expression (text), got "
                                        f"{type(expression).__name__}", line, column)
        entries.append((m.group(1), m.group(2) or "", expression, line, column))
    for env in envs:
        macros: dict[str, Any] = {}
        for name, *_ in entries:  # every name first, so a filter may use one defined below it
            env.filters[name] = _applier(name, macros)
        for name, params, expression, line, column in entries:
            macros[name] = _macro(env, name, params, expression, line, column)


def _macro(env: Any, name: str, params: str, expression: str, line: int, column: int) -> Any:
    """One custom filter as a sandboxed Jinja macro taking `value` and `params`.

    A macro returns text; to keep the expression's value (a number stays a number for the next filter)
    the macro hands the value out through a namespace instead of printing it."""
    source = (f"{{% macro reportgen_filter(reportgen_ns, value{', ' + params if params.strip() else ''}) %}}"
              f"{{% set reportgen_ns.result = ({expression}) %}}{{% endmacro %}}")
    try:
        return env.from_string(source).module.reportgen_filter
    except Exception as exc:  # jinja2.TemplateSyntaxError: the expression or the parameters are not Jinja
        raise FilterDefinitionError(f"{name}: {getattr(exc, 'message', exc)}", line, column) from None


def _applier(name: str, macros: dict[str, Any]) -> Callable[..., Any]:
    from jinja2 import pass_context
    from jinja2.utils import Namespace

    @pass_context  # never run while compiling (Jinja folds constants): only inside a timed render
    def apply(context: Any, value: Any, *args: Any, **kwargs: Any) -> Any:
        ns = Namespace(result=None)
        macros[name](ns, value, *args, **kwargs)
        return ns.result

    apply.__name__ = name
    return apply
