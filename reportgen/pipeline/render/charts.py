"""Charts drawn from a figure's data with matplotlib, as PNG bytes that are the same on every build.

Bar (bars side by side for several series), stacked bar, line and pie charts, with a legend when there
are several series, axis titles, and every bar or point labelled with its value. The text is in the
template's body font (Arial, or its metric twin Liberation Sans where Arial is not installed), so a
chart reads like the report around it.

matplotlib is imported only here, and only when a chart has to be drawn: it takes about half a second
to import (more on a busy machine). A drawn chart is kept in the content-addressed cache
(reportgen/pipeline/cache.py), so a rebuild whose figures have not changed draws nothing and never imports
matplotlib.
"""

from __future__ import annotations

import functools
import io
from dataclasses import dataclass
from typing import Literal, Sequence

from reportgen.pipeline.cache import cached_bytes, code_version, key_of
from reportgen.model.statistics import format_count

ChartKind = Literal["bar", "stacked bar", "line", "pie"]

WIDTH_INCHES = 6.0
HEIGHT_INCHES = 3.4
DPI = 150
FALLBACK_FONT = "DejaVu Sans"  # ships with matplotlib: drawn with when the template's font is nowhere to be found
METRIC_TWINS = {"arial": "Liberation Sans", "helvetica": "Liberation Sans", "times new roman": "Liberation Serif",
                "courier new": "Liberation Mono", "calibri": "Carlito", "cambria": "Caladea"}
"""Fonts with the same widths as Microsoft's, installed with LibreOffice (fonts-liberation, fonts-crosextra)."""
BAR_COLOUR = "#1F4E79"  # dark blue: 8.6:1 against white
COLOURS = ("#1F4E79", "#C55A11", "#548235", "#7030A0", "#BF9000", "#2E75B6", "#7F7F7F")
HATCHES = ("", "//", "..", "xx", "\\\\", "++", "oo")
MARKERS = ("o", "s", "^", "D", "v", "P", "X")
# several series differ in pattern (bars) or marker (lines) as well as colour, each has a legend entry,
# and every bar and point is labelled with its value: colour never carries the meaning alone


@dataclass(frozen=True)
class Drawing:
    """Everything a chart's picture depends on: kind, categories, series (name, values), axis titles, font."""

    kind: ChartKind
    categories: tuple[str, ...]
    series: tuple[tuple[str, tuple[float, ...]], ...]
    x_title: str = ""
    y_title: str = ""
    font: str = "Arial"


def drawing(kind: ChartKind, categories: Sequence[str], values: Sequence[float], font: str = "Arial") -> Drawing:
    """A chart of one unnamed series."""
    return Drawing(kind, tuple(categories), (("", tuple(float(v) for v in values)),), font=font)


_NAMES = {"bar": "Bar chart", "stacked bar": "Stacked bar chart", "line": "Line chart", "pie": "Pie chart"}


def alt_text(chart: Drawing) -> str:
    """Every value of every series, for a reader who cannot see the chart:

    'Bar chart: Maternity alerts 12, Missing children 28, Other reasons 6 (46 in all)';
    'Bar chart of Good and Inadequate by Quarter (Number of audits). Good: Q1 5, Q2 6 (11 in all). Inadequate: ...'.
    """
    name = _NAMES[chart.kind]
    if len(chart.series) == 1 and not chart.series[0][0]:
        values = chart.series[0][1]
        total = sum(values)
        if chart.kind == "pie" and total:
            items = [f"{c} {format_count(v)} ({100 * v / total:.1f}%)" for c, v in zip(chart.categories, values)]
        else:
            items = [f"{c} {format_count(v)}" for c, v in zip(chart.categories, values)]
        return f"{name}: {', '.join(items)} ({format_count(total)} in all)"
    names = [s for s, _ in chart.series]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    head = f"{name} of {listed}" + (f" by {chart.x_title}" if chart.x_title else "") + \
        (f" ({chart.y_title})" if chart.y_title else "")
    parts = [f"{s}: " + ", ".join(f"{c} {format_count(v)}" for c, v in zip(chart.categories, values))
             + f" ({format_count(sum(values))} in all)" for s, values in chart.series]
    return f"{head}. " + ". ".join(parts) + "."


_DRAWN: dict[Drawing, bytes] = {}  # watch mode rebuilds after every save: a chart whose data is unchanged is not redrawn


def chart_png(chart: Drawing) -> bytes:
    """The chart as PNG bytes: fixed size, resolution and font, and no timestamp or software tag."""
    if chart not in _DRAWN:
        if len(_DRAWN) >= 64:
            _DRAWN.clear()
        _DRAWN[chart] = _cached_draw(chart)
    return _DRAWN[chart]


def _cached_draw(chart: Drawing) -> bytes:
    # Kept across processes: the key is everything the picture depends on, namely the data, the font,
    # this module's code (sizes, colours) and matplotlib's version. The caption is printed beside the
    # picture, not in it, so a retitled figure reuses its picture.
    key = key_of("chart", chart.kind, list(chart.categories), [[s, list(v)] for s, v in chart.series],
                 chart.x_title, chart.y_title, chart.font, font_files(chart.font), code_version(__file__, "matplotlib"))
    return cached_bytes("charts", key, lambda: _draw(chart))


FONT_FOLDERS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.local/share/fonts", "~/.fonts",
                "/Library/Fonts", "~/Library/Fonts", "C:/Windows/Fonts")


@functools.cache
def font_files(font: str) -> tuple[str, ...]:
    """The installed files of `font` and of its metric twin, found by file name without importing
    matplotlib (a rebuild from the cache never does): what a cached picture's key names."""
    import os

    wanted = [w.lower().replace(" ", "") for w in (font, METRIC_TWINS.get(font.lower(), "")) if w]
    found = []
    for folder in FONT_FOLDERS:
        for root, _, names in os.walk(os.path.expanduser(folder)):
            for name in names:
                stem = name.lower().replace(" ", "").replace("-", "").replace("_", "")
                if name.lower().endswith((".ttf", ".otf")) and any(stem.startswith(w) for w in wanted):
                    found.append(os.path.join(root, name))
    return tuple(sorted(found))


@functools.cache
def font_file(font: str) -> str:
    """The font family the chart is drawn in: the template's own, its metric twin, or the fallback."""
    from matplotlib import font_manager

    manager = font_manager.fontManager
    # matplotlib's list of fonts is cached per user and misses fonts installed after it was made (such
    # as Liberation Sans, installed with LibreOffice): add the wanted families' files found on the system
    known = {f.fname for f in manager.ttflist}
    for path in font_files(font):
        if path not in known:
            try:
                manager.addfont(path)
            except (OSError, RuntimeError, ValueError):  # an unreadable font file is simply not used
                continue
    installed = {f.name.lower(): f.name for f in manager.ttflist}
    for name in (font, METRIC_TWINS.get(font.lower(), "")):
        if name and name.lower() in installed:
            return installed[name.lower()]
    return FALLBACK_FONT


def literal(text: str) -> str:
    """Text matplotlib prints as typed: a `$` would otherwise start mathematical notation ('$5 and $6')."""
    return text.replace("$", r"\$")


def _draw(chart: Drawing) -> bytes:
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    settings = {"font.family": "sans-serif", "font.sans-serif": [font_file(chart.font), FALLBACK_FONT],
                "font.size": 10, "axes.edgecolor": "#404040", "text.color": "black", "axes.labelcolor": "black",
                "xtick.color": "black", "ytick.color": "black", "path.simplify": True, "hatch.color": "white",
                "hatch.linewidth": 1.0, "legend.frameon": False}
    with matplotlib.rc_context(settings):
        figure = Figure(figsize=(WIDTH_INCHES, HEIGHT_INCHES), dpi=DPI, layout="constrained")
        FigureCanvasAgg(figure)  # a canvas of its own: no pyplot, no global figure state
        axes = figure.add_subplot()
        if chart.kind == "pie":
            _pie(axes, chart.categories, chart.series[0][1])
        else:
            if chart.kind == "line":
                _lines(axes, chart)
            else:
                _bars(axes, chart)
            axes.spines[["top", "right"]].set_visible(False)
            axes.yaxis.get_major_locator().set_params(integer=True)
            if chart.x_title:
                axes.set_xlabel(literal(chart.x_title))
            if chart.y_title:
                axes.set_ylabel(literal(chart.y_title))
            if len(chart.series) > 1:
                axes.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def _category_labels(categories: Sequence[str]) -> list[str]:
    """Labels wrapped to the room each category has along the axis, so neighbours never overlap."""
    import textwrap

    room = max(6, int(11 * WIDTH_INCHES * 0.75 / max(len(categories), 1)))  # about 11 characters an inch
    return [literal("\n".join(textwrap.wrap(str(c), room, break_long_words=False)) or str(c)) for c in categories]


def _labels(values: Sequence[float]) -> list[str]:
    return [format_count(v) for v in values]


def _bars(axes, chart: Drawing) -> None:
    positions = range(len(chart.categories))
    count = len(chart.series)
    stacked = chart.kind == "stacked bar"
    width = 0.6 if stacked or count == 1 else 0.8 / count
    bottoms = [0.0] * len(chart.categories)
    for n, (name, values) in enumerate(chart.series):
        colour = BAR_COLOUR if count == 1 else COLOURS[n % len(COLOURS)]
        if stacked:
            xs = list(positions)
        else:
            xs = [p + (n - (count - 1) / 2) * width for p in positions]
        bars = axes.bar(xs, values, width=width, bottom=bottoms if stacked else None, color=colour,
                        hatch=HATCHES[n % len(HATCHES)] if count > 1 else None, label=literal(name) or None,
                        edgecolor="white" if count > 1 else None, linewidth=0.5)
        if stacked:
            # inside each segment, in white on the dark colours; a segment of 0 has no label
            axes.bar_label(bars, labels=[format_count(v) if v else "" for v in values], label_type="center",
                           color="white", fontweight="bold",
                           bbox={"boxstyle": "round,pad=0.15", "facecolor": colour, "edgecolor": "none"})
            bottoms = [b + v for b, v in zip(bottoms, values)]
        else:
            axes.bar_label(bars, labels=_labels(values), padding=2, fontsize=9 if count > 2 else 10)
    if stacked and count > 1:
        for x, total in zip(positions, bottoms):
            axes.annotate(format_count(total), (x, total), xytext=(0, 3), textcoords="offset points",
                          ha="center", va="bottom", fontweight="bold")
    axes.set_xticks(list(positions), _category_labels(chart.categories))
    top = max(bottoms) if stacked else max((max(v) for _, v in chart.series if v), default=0)
    axes.set_ylim(0, max(top, 1) * 1.15)


def _lines(axes, chart: Drawing) -> None:
    positions = list(range(len(chart.categories)))
    top = 0.0
    for n, (name, values) in enumerate(chart.series):
        colour = BAR_COLOUR if len(chart.series) == 1 else COLOURS[n % len(COLOURS)]
        axes.plot(positions, values, color=colour, marker=MARKERS[n % len(MARKERS)], linewidth=2,
                  label=literal(name) or None)
        for x, v in zip(positions, values):
            axes.annotate(format_count(v), (x, v), xytext=(0, 5), textcoords="offset points", ha="center",
                          va="bottom", fontsize=9, color=colour)
        top = max([top, *values])
    axes.set_xticks(positions, _category_labels(chart.categories))
    axes.set_ylim(0, max(top, 1) * 1.2)
    axes.margins(x=0.12)  # room for the first and last values' labels


def _pie(axes, categories: Sequence[str], values: Sequence[float]) -> None:
    total = sum(values) or 1
    labels = [literal(f"{c}\n{format_count(v)} ({100 * v / total:.1f}%)") for c, v in zip(categories, values)]
    colours = [COLOURS[i % len(COLOURS)] for i in range(len(values))]
    axes.pie(values, labels=labels, colors=colours, startangle=90, counterclock=False,
             wedgeprops={"edgecolor": "white", "linewidth": 1.5})
    axes.set_aspect("equal")


def size_emu(emu_per_inch: int) -> tuple[int, int]:
    """The picture's size in the document, in English Metric Units: as drawn, so it is not rescaled."""
    return int(WIDTH_INCHES * emu_per_inch), int(HEIGHT_INCHES * emu_per_inch)
