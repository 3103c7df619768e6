"""Mailing the report to HR: once per ISO week from the configured weekday and hour.

The mail is multipart/mixed: text and HTML (the HTML with the chart inline, by Content-ID)
and the CSV as an attachment. The worker asks ``weekly_report_due`` every half hour: it
sends from the configured weekday and hour (Monday 08:00, organisation time zone) on,
once per ISO week, guaranteed by the unique ``ReportRun.week`` row written in the same
transaction as the outbox rows.
"""

from __future__ import annotations

import logging
from datetime import datetime
from email.utils import make_msgid

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from core.about import About, Topic
from core.app import App
from core.mail import Attachment, MailKind, Recipient
from db.models import ReportRun
from workflows.outbox import mail_to, nudge
from workflows.reports.chart import render_chart
from workflows.reports.data import WeeklyReport
from workflows.reports.figures import build_weekly_report
from workflows.reports.presentation import report_context
from workflows.reports.spreadsheet import csv_attachment, ideas_csv
from workflows.reports.sql import week_label

log = logging.getLogger(__name__)


async def _store_mails(
    app: App, conn: BaseDBAsyncClient, report: WeeklyReport, chart: bytes, csv_bytes: bytes
) -> list[int]:
    """One outbox row per HR address: text | (HTML + chart), and the CSV attached."""
    chart_cid = make_msgid(idstring="chart", domain=app.settings.domain)
    context = report_context(report, chart_cid=chart_cid[1:-1])
    attachments = (
        Attachment("weeks.png", chart, "image", "png", cid=chart_cid),
        csv_attachment(report, csv_bytes),
    )
    # Replies to it are about the week (2026-W48 as 202648): set aside, never an idea.
    about = About(Topic.REPORT, int(report.week.replace("-W", "")))
    ids = []
    for address in app.settings.hr_emails:
        mail = await mail_to(
            app,
            conn,
            MailKind.WEEKLY_REPORT,
            Recipient(address, "", report.language),
            about,
            context,
            attachments=attachments,
        )
        ids.append(mail.id)
    return ids


async def send_weekly_report(app: App, *, now: datetime | None = None) -> list[int]:
    """Build the report and mail it to every HR address now; the outbox ids."""
    if not app.settings.hr_emails:
        log.warning("no IDEABOX_HR_EMAILS: the weekly report goes to nobody")
        return []
    report = await build_weekly_report(app, now=now)
    chart, csv_bytes = render_chart(report), await ideas_csv(app)
    async with in_transaction() as conn:
        ids = await _store_mails(app, conn, report, chart, csv_bytes)
    await nudge(app, ids)
    return ids


def report_is_due(app: App, now: datetime) -> bool:
    """From the report's weekday and hour until the end of that ISO week.

    A service that was down at the appointed hour still sends that week's report when it
    is back (once: ReportRun holds one row per week).
    """
    local = now.astimezone(app.settings.zone)
    moment = (local.weekday(), local.hour)
    return moment >= (app.settings.report_weekday, app.settings.report_hour)


async def weekly_report_due(app: App) -> list[int]:
    """The worker's schedule asks: send this week's report once, from the configured
    weekday and hour (Monday 08:00) in the organisation's time zone."""
    now = app.clock.now()
    if not report_is_due(app, now) or not app.settings.hr_emails:
        return []
    week = week_label(now, app.settings.zone)
    if await ReportRun.exists(week=week):
        return []
    report = await build_weekly_report(app, now=now)
    chart, csv_bytes = render_chart(report), await ideas_csv(app)
    try:
        async with in_transaction() as conn:
            # The unique week: of two workers (or two runs) only one gets past this line.
            await ReportRun.create(week=week, created_at=now, using_db=conn)
            ids = await _store_mails(app, conn, report, chart, csv_bytes)
    except IntegrityError:
        log.info("weekly report %s was already sent", week)
        return []
    await nudge(app, ids)
    log.info("weekly report %s queued for %d address(es)", week, len(ids))
    return ids
