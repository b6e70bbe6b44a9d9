"""Geometry of the report's inline SVG charts (drawn by flows/templates/charts.html.j2): bars, rank changes,
lines, each with its axes, ticks and axis titles. Labels get the room their longest text needs."""
from __future__ import annotations

import math

BAR_HEIGHT, PLOT_WIDTH, LINE_WIDTH, LINE_HEIGHT = 16, 420, 560, 220
TOP = 20               # room above the bars for the y-axis title
CHAR_PX = 6.7          # average advance of a character of the 11 px system-ui font the charts use
MAX_LABEL_PX = 440
PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#7f7f7f",
           "#bcbd22"]


def label_width(labels: list[str]) -> float:
    """Pixels for the longest label (so that no name is clipped), within bounds."""
    return round(min(max((len(s) for s in labels), default=4) * CHAR_PX + 14, MAX_LABEL_PX), 1)


def nice_ticks(low: float, high: float, n: int = 5) -> list[float]:
    """About n round tick values covering [low, high]."""
    if high <= low:
        high = low + 1
    raw = (high - low) / n
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    start = math.floor(low / step) * step
    ticks, t = [], start
    while t <= high + step * 1e-9:
        ticks.append(round(t, 10))
        t += step
    if ticks[-1] < high:
        ticks.append(round(t, 10))
    return ticks


def _fmt(v: float) -> str:
    return f"{v:g}"


def _width(x0: float, plot: float, right: float, x_title: str) -> float:
    """Drawing width: labels, plot and value labels, and room for the x-axis title centred under the plot."""
    return round(max(x0 + plot + right, x0 + plot / 2 + len(x_title) * CHAR_PX / 2 + 8), 1)


def bar_chart(items: list[dict], x_title: str, y_title: str, percent: bool = True) -> dict:
    """Horizontal bars of items {label, value, href, tip}; a percent axis runs 0-100."""
    values = [i["value"] for i in items if i.get("value") is not None]
    ticks = nice_ticks(0, 100) if percent else nice_ticks(0, max(values, default=1))
    top = ticks[-1] or 1
    lw = label_width([i["label"] for i in items])
    bars = [{**i, "y": n * (BAR_HEIGHT + 4), "w": round(PLOT_WIDTH * (i.get("value") or 0) / top, 1)}
            for n, i in enumerate(items)]
    height = len(items) * (BAR_HEIGHT + 4)
    lw = max(lw, label_width([y_title]))  # the y-axis title sits above the labels
    return {"bars": bars, "label_width": lw, "plot_width": PLOT_WIDTH, "bar_height": BAR_HEIGHT, "height": height,
            "ticks": [{"x": round(PLOT_WIDTH * t / top, 1), "label": _fmt(t)} for t in ticks],
            "x_title": x_title, "y_title": y_title, "width": _width(lw, PLOT_WIDTH, 60, x_title),
            "top": TOP, "total_height": TOP + height + 44}


def change_chart(items: list[tuple[str, int]], x_title: str, y_title: str) -> dict:
    """Diverging bars of rank changes (positive = moved up), with a symmetric axis."""
    top = max(1, math.ceil(nice_ticks(0, max((abs(v) for _, v in items), default=1) or 1)[-1]))
    half = PLOT_WIDTH / 2
    bars = [{"y": i * (BAR_HEIGHT + 4), "label": label, "value": v, "x": half if v >= 0 else half - half * -v / top,
             "w": round(half * abs(v) / top, 1)} for i, (label, v) in enumerate(items)]
    ticks = sorted({-top, -(top // 2), 0, top // 2, top})  # whole places
    height = len(items) * (BAR_HEIGHT + 4)
    lw = label_width([label for label, _ in items] + [y_title])
    return {"bars": bars, "label_width": lw, "plot_width": PLOT_WIDTH, "bar_height": BAR_HEIGHT, "height": height,
            "mid": half, "ticks": [{"x": round(half + half * t / top, 1), "label": f"{t:+g}" if t else "0"}
                                   for t in ticks],
            "x_title": x_title, "y_title": y_title, "width": _width(lw, PLOT_WIDTH, 50, x_title),
            "top": TOP, "total_height": TOP + height + 44}


def line_chart(series: dict[str, dict[str, float]], x_title: str, y_title: str) -> dict:
    """One line per series over the sorted union of x labels, y axis on round ticks around the data."""
    xs = sorted({x for points in series.values() for x in points})
    values = [v for points in series.values() for v in points.values()]
    ticks = nice_ticks(min(values, default=0), max(values, default=100), 4)
    low, high = ticks[0], ticks[-1]
    span = (high - low) or 1
    step = LINE_WIDTH / max(len(xs) - 1, 1)

    def y(v: float) -> float:
        return round(LINE_HEIGHT - (v - low) / span * LINE_HEIGHT, 1)
    lines = []
    for i, (name, points) in enumerate(sorted(series.items())):
        pts = [(round(xs.index(x) * step, 1), y(v)) for x, v in sorted(points.items())]
        lines.append({"name": name, "color": PALETTE[i % len(PALETTE)], "points": pts,
                      "path": " ".join(f"{a},{b}" for a, b in pts)})
    return {"lines": lines, "xticks": [{"x": round(i * step, 1), "label": x} for i, x in enumerate(xs)],
            "yticks": [{"y": y(t), "label": _fmt(t)} for t in ticks], "width": LINE_WIDTH, "height": LINE_HEIGHT,
            "x_title": x_title, "y_title": y_title}
