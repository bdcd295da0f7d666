"""The report's charts: bar charts with visible axes, data labels and a description for screen readers."""

from __future__ import annotations

from .excel import PX_PER_CM, Sheet


def bar_chart(
    ws: Sheet,
    title: str,
    data: tuple[int, int, int, int],
    categories: tuple[int, int, int],
    anchor: tuple[int, int],
    *,
    horizontal: bool = True,
    stacked: bool = False,
    colours: list[str] | None = None,
    number_format: str = '#,##0" k€"',
    size: tuple[float, float] = (8.0, 17.0),
) -> None:
    """A bar chart of ``data`` (min_col, max_col, header_row, last_row: the series with their titles)
    against ``categories`` (col, first_row, last_row), its top left corner at ``anchor`` (row, col); all
    1-based, ``size`` (height, width) in centimetres.

    A horizontal chart reads from the top (first row first). Every bar of a simple chart carries its
    value; the segments of a stacked chart do not (their labels overlap on small segments): gridlines and
    the legend, below the plot so that it keeps the chart's width, are read instead. The chart's
    alternative text (``descr``) says its title.
    """
    chart = ws.book.book.add_chart(
        {"type": "bar" if horizontal else "column", **({"subtype": "stacked"} if stacked else {})}
    )
    min_col, max_col, header, last = data
    col, first, last_cat = categories
    for series_col, colour in zip(
        range(min_col, max_col + 1), colours or [None] * (max_col - min_col + 1), strict=False
    ):
        series = {
            "name": [ws.name, header - 1, series_col - 1],
            "categories": [ws.name, first - 1, col - 1, last_cat - 1, col - 1],
            "values": [ws.name, header, series_col - 1, last - 1, series_col - 1],
        }
        if colour:
            series |= {"fill": {"color": f"#{colour}"}, "border": {"color": f"#{colour}"}}
        if not stacked:
            series["data_labels"] = {"value": True, "num_format": number_format}
        chart.add_series(series)
    chart.set_title({"name": title})
    # a bar chart's categories are on its vertical axis, a column chart's on its horizontal one
    category_axis, value_axis = (
        (chart.set_y_axis, chart.set_x_axis) if horizontal else (chart.set_x_axis, chart.set_y_axis)
    )
    category_axis({"reverse": horizontal})
    value_axis({"num_format": number_format, **({} if stacked else {"major_gridlines": {"visible": False}})})
    chart.set_legend({"position": "bottom"} if stacked and max_col > min_col else {"none": True})
    height, width = size
    chart.set_size({"width": round(width * PX_PER_CM), "height": round(height * PX_PER_CM)})
    ws.ws.insert_chart(anchor[0] - 1, anchor[1] - 1, chart, {"description": f"Graphique\u00a0: {title}"})
