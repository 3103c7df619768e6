"""HR's weekly status: figures aggregated in SQL, a 12-week chart, a CSV of every idea.

One module per seam: the report as data (``data``), the SQL both databases run
(``sql``), the figures (``figures``), the CSV (``spreadsheet``), the chart (``chart``),
the words and formatting (``presentation``) and mailing it once a week (``sending``).
Which groups are too small to show is ``workflows.privacy``'s one rule.
"""

from workflows.reports.chart import render_chart
from workflows.reports.data import CampaignRate, GroupRow, RateGroup, WeeklyReport, WeekPoint
from workflows.reports.figures import build_weekly_report, merge_small_groups
from workflows.reports.presentation import render_text, report_context
from workflows.reports.sending import report_is_due, send_weekly_report, weekly_report_due
from workflows.reports.spreadsheet import (
    CSV_COLUMNS,
    ZIP_ABOVE,
    csv_attachment,
    csv_header,
    ideas_csv,
    iter_ideas_csv,
)

__all__ = [
    "CSV_COLUMNS",
    "ZIP_ABOVE",
    "CampaignRate",
    "GroupRow",
    "RateGroup",
    "WeekPoint",
    "WeeklyReport",
    "build_weekly_report",
    "csv_attachment",
    "csv_header",
    "ideas_csv",
    "iter_ideas_csv",
    "merge_small_groups",
    "render_chart",
    "render_text",
    "report_context",
    "report_is_due",
    "send_weekly_report",
    "weekly_report_due",
]
