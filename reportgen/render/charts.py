"""Bar and pie charts drawn from a figure's data with matplotlib, as PNG bytes that are the same on every build.

matplotlib is imported only here, and only when a chart has to be drawn: it takes about half a second
to import (more on a busy machine). A drawn chart is kept in the content-addressed cache
(reportgen/cache.py), so a rebuild whose figures have not changed draws nothing and never imports
matplotlib.
"""

from __future__ import annotations

import io
from typing import Literal, Sequence

from reportgen.cache import cached_bytes, code_version, key_of
from reportgen.model.statistics import format_count

ChartKind = Literal["bar", "pie"]

WIDTH_INCHES = 6.0
HEIGHT_INCHES = 3.4
DPI = 150
FONT = "DejaVu Sans"  # ships with matplotlib, so every machine draws the same glyphs
BAR_COLOUR = "#1F4E79"  # dark blue: 8.6:1 against white
PIE_COLOURS = ("#1F4E79", "#C55A11", "#548235", "#7030A0", "#BF9000", "#2E75B6", "#7F7F7F")
# every slice and bar is also labelled with its category and value: colour never carries the meaning alone


def alt_text(kind: ChartKind, categories: Sequence[str], values: Sequence[float]) -> str:
    """'Bar chart: Maternity alerts 12, Missing children 28, Other reasons 6 (46 in all)'."""
    total = sum(values)
    if kind == "pie" and total:
        items = [f"{c} {format_count(v)} ({100 * v / total:.1f}%)" for c, v in zip(categories, values)]
    else:
        items = [f"{c} {format_count(v)}" for c, v in zip(categories, values)]
    name = "Bar chart" if kind == "bar" else "Pie chart"
    return f"{name}: {', '.join(items)} ({format_count(total)} in all)"


_DRAWN: dict[tuple, bytes] = {}  # watch mode rebuilds after every save: a chart whose data is unchanged is not redrawn


def chart_png(kind: ChartKind, categories: Sequence[str], values: Sequence[float]) -> bytes:
    """The chart as PNG bytes: fixed size, resolution and font, and no timestamp or software tag."""
    key = (kind, tuple(categories), tuple(values))
    if key not in _DRAWN:
        if len(_DRAWN) >= 64:
            _DRAWN.clear()
        _DRAWN[key] = _cached_draw(kind, categories, values)
    return _DRAWN[key]


def _cached_draw(kind: ChartKind, categories: Sequence[str], values: Sequence[float]) -> bytes:
    # Kept across processes: the key is everything the picture depends on, namely the data, this
    # module's code (sizes, colours, fonts) and matplotlib's version. The caption is printed beside
    # the picture, not in it, so a retitled figure reuses its picture.
    key = key_of("chart", kind, [str(c) for c in categories], [float(v) for v in values],
                 code_version(__file__, "matplotlib"))
    return cached_bytes("charts", key, lambda: _draw(kind, categories, values))


def _draw(kind: ChartKind, categories: Sequence[str], values: Sequence[float]) -> bytes:
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    settings = {"font.family": "sans-serif", "font.sans-serif": [FONT], "font.size": 10,
                "axes.edgecolor": "#404040", "text.color": "black", "axes.labelcolor": "black",
                "xtick.color": "black", "ytick.color": "black", "path.simplify": True}
    with matplotlib.rc_context(settings):
        figure = Figure(figsize=(WIDTH_INCHES, HEIGHT_INCHES), dpi=DPI, layout="constrained")
        FigureCanvasAgg(figure)  # a canvas of its own: no pyplot, no global figure state
        axes = figure.add_subplot()
        if kind == "bar":
            _bar(axes, categories, values)
        else:
            _pie(axes, categories, values)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


LITERAL = {"parse_math": False}
"""Text properties for every label drawn from content: printed as typed. matplotlib would otherwise read
text between two `$` as mathematics ('$5 and $10' loses its dollars) and refuse text it cannot parse."""


def _bar(axes, categories: Sequence[str], values: Sequence[float]) -> None:
    bars = axes.bar(range(len(values)), values, color=BAR_COLOUR, width=0.6)
    axes.set_xticks(range(len(values)), [str(c) for c in categories], **LITERAL)
    axes.bar_label(bars, labels=[format_count(v) for v in values], padding=3, **LITERAL)
    axes.spines[["top", "right"]].set_visible(False)
    axes.set_ylim(0, max(max(values), 1) * 1.15)
    axes.yaxis.get_major_locator().set_params(integer=True)


def _pie(axes, categories: Sequence[str], values: Sequence[float]) -> None:
    total = sum(values) or 1
    labels = [f"{c}\n{format_count(v)} ({100 * v / total:.1f}%)" for c, v in zip(categories, values)]
    colours = [PIE_COLOURS[i % len(PIE_COLOURS)] for i in range(len(values))]
    axes.pie(values, labels=labels, colors=colours, startangle=90, counterclock=False,
             wedgeprops={"edgecolor": "white", "linewidth": 1.5}, textprops=LITERAL)
    axes.set_aspect("equal")


def size_emu(emu_per_inch: int) -> tuple[int, int]:
    """The picture's size in the document, in English Metric Units: as drawn, so it is not rescaled."""
    return int(WIDTH_INCHES * emu_per_inch), int(HEIGHT_INCHES * emu_per_inch)
