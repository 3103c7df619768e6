"""The 12-week chart: received and decided per ISO week, as a PNG."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw, ImageFont

from workflows.reports.data import WeeklyReport
from workflows.reports.presentation import WORDS

RECEIVED_COLOUR = (26, 86, 176)  # #1a56b0, the links' blue
DECIDED_COLOUR = (240, 140, 30)  # orange: apart from blue for colour-blind readers too
CHART_SIZE = (600, 260)


def _nice_step(top: int) -> int:
    """A round gridline step giving at most five lines up to ``top``."""
    step = 1
    while top / step > 5:
        for factor in (2, 5, 10):
            if top / (step * factor) <= 5:
                return step * factor
        step *= 10
    return step


def render_chart(report: WeeklyReport) -> bytes:
    """Grouped bars, received vs decided per ISO week, as PNG bytes."""
    words = WORDS[report.language]
    width, height = CHART_SIZE
    image = Image.new("RGB", CHART_SIZE, "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default()
    left, right, top, bottom = 44, width - 12, 34, height - 28
    highest = max([1, *(max(w.received, w.decided) for w in report.weeks)])
    step = _nice_step(highest)
    scale_top = -(-highest // step) * step

    def y_of(value: int) -> float:
        return bottom - (bottom - top) * value / scale_top

    for value in range(0, scale_top + 1, step):
        y = y_of(value)
        draw.line([(left, y), (right, y)], fill=(225, 225, 225))
        draw.text((left - 6, y), str(value), fill=(90, 90, 90), font=font, anchor="rm")
    draw.line([(left, bottom), (right, bottom)], fill=(120, 120, 120))
    slot = (right - left) / max(len(report.weeks), 1)
    bar = slot * 0.34
    for k, week in enumerate(report.weeks):
        x = left + k * slot + slot / 2
        for value, colour, x0 in (
            (week.received, RECEIVED_COLOUR, x - bar - 1),
            (week.decided, DECIDED_COLOUR, x + 1),
        ):
            if value:
                draw.rectangle([(x0, y_of(value)), (x0 + bar, bottom)], fill=colour)
        draw.text((x, bottom + 6), f"W{week.week:02d}", fill=(60, 60, 60), font=font, anchor="mt")
    # The legend, top left.
    x = left
    for label, colour in ((words["received"], RECEIVED_COLOUR), (words["decided"], DECIDED_COLOUR)):
        draw.rectangle([(x, 10), (x + 12, 22)], fill=colour)
        draw.text((x + 18, 16), label, fill=(34, 34, 34), font=font, anchor="lm")
        x += 18 + int(draw.textlength(label, font=font)) + 20
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
