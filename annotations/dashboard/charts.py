"""Presentation of the dashboard's figures: bar charts for the inline SVG, durations as text."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass
class Bar:
    """One bar of a server-rendered SVG chart; ``width`` is a percentage of the longest bar."""

    label: str
    value: int
    width: float
    css_class: str = ""


@dataclass
class Chart:
    """A titled horizontal bar chart; ``height`` is what the SVG needs for its bars (24 px each)."""

    title: str
    bars: list[Bar] = field(default_factory=list)

    @property
    def height(self) -> int:
        return 24 * len(self.bars) + 4


def bar_chart(title: str, values: list[tuple[str, int]], css_classes: list[str] | None = None) -> Chart:
    """Scale ``(label, value)`` pairs to bar widths for the dashboard's inline SVG."""
    longest = max((value for _label, value in values), default=0) or 1
    classes = css_classes or [""] * len(values)
    return Chart(
        title=title,
        bars=[
            Bar(label=label, value=value, width=round(100 * value / longest, 1), css_class=css_class)
            for (label, value), css_class in zip(values, classes, strict=True)
        ],
    )


def duration_text(duration: dt.timedelta | None) -> str:
    """A duration as a person reads it: "850 ms", "42 s", "7 min", "5.5 h", "3.2 days"."""
    if duration is None:
        return "-"
    seconds = duration.total_seconds()
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 90:
        return f"{seconds:.1f} s" if seconds < 10 else f"{seconds:.0f} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} min"
    if seconds < 48 * 3600:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} days"
