"""The report's charts: bar charts with visible axes, data labels and a description for screen readers."""

from __future__ import annotations

import html
import re
import zipfile
from pathlib import Path

from openpyxl.chart import BarChart, Reference
from openpyxl.chart.label import DataLabelList


def bar_chart(
    ws,
    title: str,
    data: tuple[int, int, int, int],
    categories: tuple[int, int, int],
    anchor: str,
    *,
    horizontal: bool = True,
    stacked: bool = False,
    colours: list[str] | None = None,
    number_format: str = '#,##0" k€"',
    size: tuple[float, float] = (8.0, 17.0),
):
    """A bar chart of ``data`` (min_col, max_col, header_row, last_row: the series with their titles)
    against ``categories`` (col, first_row, last_row), anchored at ``anchor``.

    Both axes are written with ``delete = False`` (Excel hides an axis that does not say so), a horizontal
    chart reads from the top (first row first). Every bar of a simple chart carries its value; the segments
    of a stacked chart do not (their labels overlap on small segments): gridlines and the legend, below the
    plot so that it keeps the chart's width, are read instead.
    """
    chart = BarChart()
    chart.type = "bar" if horizontal else "col"
    if stacked:
        chart.grouping, chart.overlap = "stacked", 100
    chart.title = title
    min_col, max_col, header, last = data
    chart.add_data(
        Reference(ws, min_col=min_col, max_col=max_col, min_row=header, max_row=last), titles_from_data=True
    )
    col, first, last_cat = categories
    chart.set_categories(Reference(ws, min_col=col, min_row=first, max_row=last_cat))
    chart.x_axis.delete = chart.y_axis.delete = False
    if horizontal:
        chart.x_axis.scaling.orientation = "maxMin"
    chart.y_axis.numFmt = number_format
    if stacked:
        chart.legend.position = "b"
    else:
        chart.y_axis.majorGridlines = None
        chart.dataLabels = DataLabelList(showVal=True, showSerName=False, showCatName=False, showLegendKey=False,
                                         showPercent=False, showLeaderLines=False)  # fmt: skip
        chart.dataLabels.numFmt = number_format
    for series, colour in zip(chart.series, colours or [], strict=False):
        series.graphicalProperties.solidFill = colour
        series.graphicalProperties.line.solidFill = colour
    if max_col == min_col:
        chart.legend = None
    chart.height, chart.width = size
    ws.add_chart(chart, anchor)
    return chart


def describe_charts(path: Path, descriptions: list[str]) -> None:
    """Give each chart of the saved workbook its alternative text (``descr``), in the order the charts were
    added sheet after sheet (openpyxl writes no description)."""
    if not descriptions:
        return
    with zipfile.ZipFile(path) as z:
        items = {n: z.read(n) for n in z.namelist()}
    queue = iter(descriptions)
    drawings = sorted((n for n in items if re.fullmatch(r"xl/drawings/drawing\d+\.xml", n)), key=_number)
    for name in drawings:
        text = re.sub(
            r"<(xdr:)?cNvPr ([^>]*?)\s*/>",
            lambda m: f'<{m.group(1) or ""}cNvPr {m.group(2)} descr="{html.escape(next(queue, ""))}"/>',
            items[name].decode("utf-8"),
        )
        items[name] = text.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in items.items():
            z.writestr(name, content)


def _number(name: str) -> int:
    return int(re.search(r"(\d+)\.xml$", name).group(1))
