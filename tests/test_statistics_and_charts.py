"""Statistics worked out and shown in house style, published figures compared, and charts drawn reproducibly."""

from __future__ import annotations

import pytest

from reportgen.model.statistics import Definition, Statistics, StatisticError, agrees, compute, format_count
from reportgen.pipeline.render import charts


def test_house_style_numbers() -> None:
    assert format_count(1204) == "1,204"
    assert format_count(46.0) == "46"
    assert format_count(1234.56) == "1,234.6"  # one decimal place when not whole
    assert compute("percent", [39, 62]).shown == "62.9%"
    assert compute("change", [66, 83]).shown == "25.8%"
    assert compute("change", [83, 66]).explained("x") == "83 to 66 is a 20.5% decrease"
    assert compute("sum", [12, 28, 6]).explained("total") == "12 + 28 + 6 is 46"


def test_published_figures_are_compared_at_their_own_precision() -> None:
    rate = compute("percent", [39, 62])  # 62.903...
    assert agrees(rate, "62.9%") and agrees(rate, "63%")
    assert not agrees(rate, "61.2 %") and not agrees(rate, "62.8%")
    assert not agrees(compute("change", [66, 83]), "28%")
    assert agrees(compute("sum", [600, 604]), "1,204")
    assert agrees(rate, "about two thirds")  # words are not figures: nothing to compare


def test_statistics_refer_to_each_other_and_refuse_loops_and_zero() -> None:
    book = Statistics({"a": Definition("count", (10,)), "b": Definition("sum", ("a", 5)),
                       "c": Definition("percent", ("a", "b"))})
    assert book.value("c").shown == "66.7%"
    looped = Statistics({"a": Definition("sum", ("b",)), "b": Definition("sum", ("a",))})
    with pytest.raises(StatisticError, match=r"depends on itself \(a -> b -> a\)"):
        looped.value("a")
    with pytest.raises(StatisticError, match="percentage of 0"):
        compute("percent", [1, 0])


def test_alt_text_is_made_from_the_data() -> None:
    assert charts.alt_text(charts.drawing("pie", ["Yes", "No"], [30, 10])) == \
        "Pie chart: Yes 30 (75.0%), No 10 (25.0%) (40 in all)"
    assert charts.alt_text(charts.drawing("bar", ["A"], [1204])) == "Bar chart: A 1,204 (1,204 in all)"


def test_alt_text_covers_every_series() -> None:
    chart = charts.Drawing("stacked bar", ("Q1", "Q2"), (("Good", (5.0, 6.0)), ("Inadequate", (1.0, 0.0))),
                           "Quarter", "Audits")
    assert charts.alt_text(chart) == ("Stacked bar chart of Good and Inadequate by Quarter (Audits). "
                                      "Good: Q1 5, Q2 6 (11 in all). Inadequate: Q1 1, Q2 0 (1 in all).")


def test_charts_are_drawn_in_the_templates_font_or_its_metric_twin() -> None:
    # Arial where installed, else Liberation Sans (same widths), which LibreOffice brings: never the default
    assert charts.font_file("Arial") in ("Arial", "Liberation Sans")
    assert charts.font_file("No Such Font") == charts.FALLBACK_FONT


@pytest.mark.parametrize("kind", ["bar", "stacked bar", "line"])
def test_several_series_draw_the_same_bytes_each_time(kind: str) -> None:
    chart = charts.Drawing(kind, ("Q1", "Q2", "A long category name that wraps"),
                           (("Good $5", (5.0, 6.0, 2.0)), ("Inadequate", (1.0, 0.0, 3.0))), "Quarter", "Audits")
    first = charts._draw(chart)
    assert first.startswith(b"\x89PNG") and charts._draw(chart) == first
    other = charts._draw(charts.Drawing(kind, chart.categories, chart.series[:1] + (("Inadequate", (1.0, 0.0, 4.0)),),
                                        "Quarter", "Audits"))
    assert other != first  # a changed value is a changed picture


def test_labels_print_literally() -> None:
    assert charts.literal("costs $5 and $6") == r"costs \$5 and \$6"  # no mathematical notation


def test_pie_chart_is_a_png_of_fixed_size_and_the_same_bytes_each_time() -> None:
    first = charts.chart_png(charts.drawing("pie", ["Yes", "No"], [30, 10]))
    assert first.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = int.from_bytes(first[16:20], "big"), int.from_bytes(first[20:24], "big")
    assert (width, height) == (charts.WIDTH_INCHES * charts.DPI, charts.HEIGHT_INCHES * charts.DPI)
    assert b"Software" not in first and b"matplotlib" not in first
    assert charts.chart_png(charts.drawing("pie", ["Yes", "No"], [30, 10])) == first
