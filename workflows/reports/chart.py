"""The 12-week chart: received and decided per ISO week, as a PNG.

Drawn at twice its shown size (560 by 320 in the mail) so it is sharp on a phone's
screen, with figures large enough to read when a phone shrinks it to the screen's width.
Only digits are drawn: the legend and the axis title are words, in the mail's HTML
(in the reader's language, as any text, and readable at any size).
"""

from __future__ import annotations

import io

from PIL import Image, ImageDraw, ImageFont

from workflows.reports.data import WeeklyReport

RECEIVED_COLOUR = (26, 86, 176)  # #1a56b0, the links' blue
DECIDED_COLOUR = (240, 140, 30)  # orange: apart from blue for colour-blind readers too
SHOWN_SIZE = (560, 320)  # the width and height attributes of the <img>
SCALE = 2


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
    """Grouped bars, received vs decided per ISO week (this week last), as PNG bytes."""
    width, height = SHOWN_SIZE[0] * SCALE, SHOWN_SIZE[1] * SCALE
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    # Type about a twenty-fifth of the width: still readable when a phone shows the
    # chart 290 px wide.
    small = ImageFont.load_default(size=40)
    left, right, top, bottom = 110, width - 20, 40, height - 70
    highest = max([1, *(max(w.received, w.decided) for w in report.weeks)])
    step = _nice_step(highest)
    scale_top = -(-highest // step) * step

    def y_of(value: int) -> float:
        return bottom - (bottom - top) * value / scale_top

    for value in range(0, scale_top + 1, step):
        y = y_of(value)
        draw.line([(left, y), (right, y)], fill=(225, 225, 225), width=2)
        draw.text((left - 14, y), str(value), fill=(70, 70, 70), font=small, anchor="rm")
    draw.line([(left, bottom), (right, bottom)], fill=(120, 120, 120), width=2)
    slot = (right - left) / max(len(report.weeks), 1)
    bar = slot * 0.36
    for k, week in enumerate(report.weeks):
        x = left + k * slot + slot / 2
        for value, colour, x0 in (
            (week.received, RECEIVED_COLOUR, x - bar - 2),
            (week.decided, DECIDED_COLOUR, x + 2),
        ):
            if value:
                draw.rectangle([(x0, y_of(value)), (x0 + bar, bottom)], fill=colour)
        if (len(report.weeks) - 1 - k) % 2 == 0:
            # Every other week's number, and always this week's: room for large type.
            draw.text((x, bottom + 12), f"{week.week}", fill=(50, 50, 50), font=small, anchor="mt")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
