"""Charts drawn on the server as inline SVG: no script, no chart library, nothing fetched from elsewhere.

Each chart is an ``<svg role="img">`` with a ``<title>`` and a ``<desc>`` that says the numbers in words, so a
screen reader gets what the picture shows; the pages also show the same numbers in a table. Colours come from
the stylesheet's custom properties (``--chart-1``, ``--chart-2``), so the charts follow its palette.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

_ids = itertools.count(1)

LABEL_WIDTH = 170
BAR_HEIGHT = 22
GAP = 10
WIDTH = 640
VALUE_ROOM = 80


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    values: tuple[float | None, ...]  # one per series
    shown: tuple[str, ...]  # the values as text, one per series


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0").rstrip(".")


def bar(label: str, *values: float | None, unit: str = "") -> Bar:
    """One row of a bar chart; ``None`` is a value that cannot be computed yet (drawn as "n/a")."""
    shown = tuple("n/a" if v is None else f"{_fmt(v)}{unit}" for v in values)
    return Bar(label, tuple(values), shown)


def bar_chart(title: str, bars: list[Bar], *, series: tuple[str, ...] = ("",), desc: str | None = None) -> Markup:
    """Horizontal bars, one group per row, one bar per series; the value is written at the end of each bar."""
    if not bars:
        return Markup(f'<p class="chart-empty">{escape(title)}: no data yet.</p>')
    n = next(_ids)
    per_row = len(series)
    row_height = per_row * BAR_HEIGHT + (per_row - 1) * 3 + GAP * 2
    legend = 28 if per_row > 1 else 0
    height = legend + max(len(bars), 1) * row_height + 8
    top = max((v for b in bars for v in b.values if v is not None), default=0.0) or 1.0
    room = WIDTH - LABEL_WIDTH - VALUE_ROOM
    if desc is None:
        parts = []
        for b in bars:
            said = ", ".join(f"{s} {v}".strip() for s, v in zip(series, b.shown, strict=True))
            parts.append(f"{b.label}: {said}")
        desc = "; ".join(parts)
    out = [f'<svg class="chart chart-bars" viewBox="0 0 {WIDTH} {height}" role="img" '
           f'aria-labelledby="chart{n}t chart{n}d" preserveAspectRatio="xMinYMin meet" '
           'xmlns="http://www.w3.org/2000/svg">',
           f'<title id="chart{n}t">{escape(title)}</title><desc id="chart{n}d">{escape(desc)}</desc>']
    if per_row > 1:
        x = LABEL_WIDTH
        for i, name in enumerate(series):
            out.append(f'<rect class="series-{i + 1}" x="{x}" y="6" width="14" height="14" rx="3"/>'
                       f'<text class="chart-legend" x="{x + 20}" y="18">{escape(name)}</text>')
            x += 30 + 8 * len(name)
    for r, b in enumerate(bars):
        y0 = legend + r * row_height + GAP
        mid = y0 + (row_height - 2 * GAP) / 2
        out.append(f'<text class="label" x="{LABEL_WIDTH - 10}" y="{mid + 5}" text-anchor="end">{escape(b.label)}'
                   "</text>")
        for i, (value, shown) in enumerate(zip(b.values, b.shown, strict=True)):
            y = y0 + i * (BAR_HEIGHT + 3)
            w = 0.0 if value is None else max(room * value / top, 2.0 if value > 0 else 0.0)
            out.append(f'<rect class="series-{i + 1}" x="{LABEL_WIDTH}" y="{y}" width="{w:.1f}" '
                       f'height="{BAR_HEIGHT}" rx="3"><title>{escape(b.label)}: {escape(shown)}</title></rect>')
            out.append(f'<text class="value" x="{LABEL_WIDTH + w + 6:.1f}" y="{y + BAR_HEIGHT - 6}">'
                       f"{escape(shown)}</text>")
    out.append(f'<line class="axis" x1="{LABEL_WIDTH}" y1="{legend}" x2="{LABEL_WIDTH}" y2="{height - 4}"/>')
    out.append("</svg>")
    return Markup("".join(out))


def share_chart(title: str, part: int, whole: int, *, part_label: str, rest_label: str) -> Markup:
    """A rate as one bar split in two (the part and the rest), with the percentage written beside it and the
    counts in a caption under it."""
    n = next(_ids)
    width, height, bar_w = 320, 40, 220
    if whole:
        share = part / whole
        desc = f"{part} of {whole} ({share:.0%}) {part_label}; {whole - part} {rest_label}."
        shown = f"{share:.0%}"
    else:
        share, desc, shown = 0.0, "Nothing to measure yet.", "n/a"
    filled = bar_w * share
    return Markup(
        f'<svg class="chart chart-share" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="chart{n}t chart{n}d" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="chart{n}t">{escape(title)}</title><desc id="chart{n}d">{escape(desc)}</desc>'
        f'<rect class="track" x="0" y="8" width="{bar_w}" height="24" rx="4"/>'
        f'<rect class="series-1" x="0" y="8" width="{filled:.1f}" height="24" rx="4"/>'
        f'<text class="big-value" x="{bar_w + 12}" y="28">{escape(shown)}</text>'
        "</svg>"
        f'<p class="share-caption">{part} of {whole} {escape(part_label)}</p>')
