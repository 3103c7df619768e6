"""The report as people read it: figures formatted once, the same in text and HTML."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

from core.i18n import (
    N_,
    format_date,
    format_datetime,
    format_number,
    format_percent,
    translate,
)
from core.mail import MailKind, render
from db.models import BounceState
from workflows.reports.data import GroupRow, RateGroup, WeeklyReport
from workflows.themes import label_in

# The few words the report puts together in Python: group names, the chart's labels.
OTHER = N_("other")
NO_DEPARTMENT = N_("(no department)")
NO_MANAGER = N_("(no manager)")


def _number(value: float, language: str) -> str:
    return format_number(round(value, 1), language)


def _percent(value: float | None, language: str) -> str:
    return "-" if value is None else format_percent(value, language)


def _group_name(row: GroupRow, language: str, missing: str) -> str:
    return row.name if row.name is not None else translate(language, missing)


def _rate_label(group: RateGroup, language: str) -> str:
    other = translate(language, OTHER)
    if group.is_other:
        return other
    name = group.department if group.department is not None else translate(language, NO_DEPARTMENT)
    return f"{name} + {other}" if group.with_other else name


def report_context(report: WeeklyReport, *, chart_cid: str | None = None) -> dict[str, Any]:
    """The figures as the templates show them: formatted once, the same in text and HTML."""
    lang = report.language
    zone = ZoneInfo(report.zone)

    def rows(groups: Sequence[GroupRow], missing: str) -> list[dict[str, Any]]:
        return [
            {
                "name": _group_name(g, lang, missing),
                "email": g.email or "",
                "received": g.received,
                "decided": g.decided,
                "open": g.open,
                "overdue": g.overdue,
            }
            for g in groups
        ]

    return {
        "week": report.week,
        "period_start": format_datetime(report.period_start, lang, zone),
        "period_end": format_datetime(report.generated_at, lang, zone),
        "zone": report.zone,
        "received_week": report.received_week,
        "received_total": report.received_total,
        "decided_week": report.decided_week,
        "decided_total": report.decided_total,
        "open": report.open,
        "overdue": report.overdue,
        "decision_rate": _percent(report.decision_rate, lang),
        "median_days": "-" if report.median_days is None else _number(report.median_days, lang),
        "departments": rows(report.departments, NO_DEPARTMENT),
        "managers": rows(report.managers, NO_MANAGER),
        "campaigns": [
            {
                "question": c.question,
                "started": format_date(c.created_at.astimezone(zone), lang, "medium"),
                "invited": c.invited,
                "responded": "-" if c.responded is None else c.responded,
                "nothing_to_add": c.nothing_to_add or 0,
                "rate": _percent(c.rate, lang),
                "groups": [
                    {
                        "name": _rate_label(g, lang),
                        "invited": g.invited,
                        "responded": g.responded,
                        "rate": _percent(g.rate, lang),
                    }
                    for g in c.groups
                ],
            }
            for c in report.campaigns
        ],
        "bouncing": [
            {
                "email": b.email,
                "name": b.name,
                "hard": b.state == BounceState.HARD,
                "soft_bounces": b.soft_bounces,
            }
            for b in report.bouncing
        ],
        "weeks": [
            {"label": w.label, "received": w.received, "decided": w.decided} for w in report.weeks
        ],
        "threshold": report.anonymity_threshold,
        "chart_cid": chart_cid,
        "listening": _listening(report, lang, zone),
    }


def _listening(report: WeeklyReport, lang: str, zone: ZoneInfo) -> dict[str, Any] | None:
    found = report.listening
    if found is None:
        return None
    decided = report.decided_total

    def share(n: int) -> str:
        return _percent(n / decided if decided else None, lang)

    return {
        "campaigns": found.campaigns_last_year,
        "next": (
            format_date(found.next_campaign.astimezone(zone), lang) if found.next_campaign else None
        ),
        "by_manager": share(found.decided_by_manager),
        "after_escalation": share(found.decided_after_escalation),
        "by_hr": share(found.decided_by_hr),
        "within_ten_days": share(found.decided_within_ten_days),
        "done": share(found.done),
        "waiting": [
            {
                "id": w.idea_id,
                "received": format_date(w.received_at.astimezone(zone), lang, "medium"),
                "department": w.department or "",
                "manager": w.manager or translate(lang, NO_MANAGER),
            }
            for w in found.waiting_on_hr
        ],
        "themes": [
            {
                "label": label_in(t.key, lang).capitalize(),
                "count": t.count,
                "departments": ", ".join(t.departments),
            }
            for t in found.themes
        ],
    }


def render_text(report: WeeklyReport) -> str:
    """The report as plain text, in HR's language: what ``ideabox report weekly`` prints."""
    return render(MailKind.WEEKLY_REPORT, report.language, report_context(report)).text
