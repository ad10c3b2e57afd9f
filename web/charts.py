"""Charts drawn on the server as SVG: this module turns a series into shapes, the template
``includes/bar_chart.html`` draws them beside a data table (the same numbers, for screen
readers and for anyone who wants the figures). No JavaScript, no chart library.
"""

from dataclasses import dataclass, field

WIDTH, HEIGHT = 640, 180
PAD_LEFT, PAD_BOTTOM, PAD_TOP = 46, 22, 10


@dataclass
class Chart:
    title: str
    unit: str
    bars: list[dict] = field(default_factory=list)
    ticks: list[dict] = field(default_factory=list)
    labels: list[dict] = field(default_factory=list)
    line: str = ""  # an SVG path for line charts
    points: list[dict] = field(default_factory=list)
    width: int = WIDTH
    height: int = HEIGHT
    empty: bool = False


def _nice_max(value: float) -> float:
    """The next "round" number at or above ``value``, for the top of the axis.

    >>> _nice_max(0), _nice_max(7), _nice_max(43), _nice_max(0.8)
    (1, 8, 50, 1)
    """
    if value <= 1:
        return 1
    magnitude = 1
    while magnitude * 10 <= value:
        magnitude *= 10
    candidate = next(magnitude * m for m in (1, 2, 2.5, 4, 5, 8, 10) if magnitude * m >= value)
    return int(candidate) if candidate == int(candidate) else candidate


def _axis(top: float, fmt=lambda v: f"{v:g}") -> list[dict]:
    plot = HEIGHT - PAD_BOTTOM - PAD_TOP
    return [{"y": round(PAD_TOP + plot - plot * f, 1), "label": fmt(top * f)} for f in (0, 0.5, 1)]


def bar_chart(title: str, unit: str, rows: list[tuple[str, float, str]], *, label_every: int = 7) -> Chart:
    """Bars for ``rows`` of ``(label, value, detail)``; every ``label_every``-th label is drawn.

    >>> chart = bar_chart("Due", "cards", [("1 Dec", 3, ""), ("2 Dec", 0, ""), ("3 Dec", 6, "")], label_every=2)
    >>> [b["height"] for b in chart.bars], [t["label"] for t in chart.ticks], [l["text"] for l in chart.labels]
    ([55.5, 0.0, 111.0], ['0', '4', '8'], ['1 Dec', '3 Dec'])
    """
    top = _nice_max(max((value for _, value, _ in rows), default=0))
    plot_w, plot_h = WIDTH - PAD_LEFT, HEIGHT - PAD_BOTTOM - PAD_TOP
    slot = plot_w / max(len(rows), 1)
    chart = Chart(title=title, unit=unit, ticks=_axis(top), empty=not any(v for _, v, _ in rows))
    for i, (label, value, detail) in enumerate(rows):
        height = round(plot_h * value / top, 1)
        x = round(PAD_LEFT + i * slot + slot * 0.15, 1)
        chart.bars.append({"x": x, "y": round(PAD_TOP + plot_h - height, 1), "width": round(slot * 0.7, 1),
                           "height": height, "label": label, "value": value, "detail": detail})  # fmt: skip
        if i % label_every == 0:
            chart.labels.append({"x": round(x + slot * 0.35, 1), "text": label})
    return chart


def line_chart(title: str, unit: str, rows: list[tuple[str, float | None, str]], *, label_every: int = 2) -> Chart:
    """A line through ``rows`` of ``(label, fraction 0..1 or None, detail)``; gaps where None."""
    plot_w, plot_h = WIDTH - PAD_LEFT - 10, HEIGHT - PAD_BOTTOM - PAD_TOP
    step = plot_w / max(len(rows) - 1, 1)
    empty = all(v is None for _, v, _ in rows)
    chart = Chart(title=title, unit=unit, ticks=_axis(1, lambda v: f"{v:.0%}"), empty=empty)
    commands, pen_down = [], False
    for i, (label, value, detail) in enumerate(rows):
        x = round(PAD_LEFT + 5 + i * step, 1)
        if i % label_every == 0:
            chart.labels.append({"x": x, "text": label})
        if value is None:
            pen_down = False
            continue
        y = round(PAD_TOP + plot_h - plot_h * value, 1)
        commands.append(f"{'L' if pen_down else 'M'}{x},{y}")
        pen_down = True
        chart.points.append({"x": x, "y": y, "label": label, "value": value, "detail": detail})
    chart.line = " ".join(commands)
    return chart
