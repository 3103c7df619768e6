"""The report as people read it: figures formatted once, the same in text and HTML."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

from core.mail import MailKind, render
from db.models import BounceState
from workflows.reports.data import GroupRow, RateGroup, WeeklyReport

# The few words the report puts together in Python (group names), per language.
WORDS = {
    "nl": {
        "other": "overig",
        "no_department": "(geen afdeling)",
        "no_manager": "(geen leidinggevende)",
        "received": "ontvangen",
        "decided": "besloten",
    },
    "en": {
        "other": "other",
        "no_department": "(no department)",
        "no_manager": "(no manager)",
        "received": "received",
        "decided": "decided",
    },
}


def _number(value: float, language: str) -> str:
    text = f"{value:.1f}".removesuffix(".0")
    return text.replace(".", ",") if language == "nl" else text


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{round(value * 100)}%"


def _group_name(row: GroupRow, language: str, missing: str) -> str:
    return row.name if row.name is not None else WORDS[language][missing]


def _rate_label(group: RateGroup, language: str) -> str:
    words = WORDS[language]
    if group.is_other:
        return words["other"]
    name = group.department if group.department is not None else words["no_department"]
    return f"{name} + {words['other']}" if group.with_other else name


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
        "period_start": report.period_start.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
        "period_end": report.generated_at.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
        "zone": report.zone,
        "received_week": report.received_week,
        "received_total": report.received_total,
        "decided_week": report.decided_week,
        "decided_total": report.decided_total,
        "open": report.open,
        "overdue": report.overdue,
        "decision_rate": _percent(report.decision_rate),
        "median_days": "-" if report.median_days is None else _number(report.median_days, lang),
        "departments": rows(report.departments, "no_department"),
        "managers": rows(report.managers, "no_manager"),
        "campaigns": [
            {
                "question": c.question,
                "started": c.created_at.astimezone(zone).strftime("%Y-%m-%d"),
                "invited": c.invited,
                "responded": "-" if c.responded is None else c.responded,
                "rate": _percent(c.rate),
                "groups": [
                    {
                        "name": _rate_label(g, lang),
                        "invited": g.invited,
                        "responded": g.responded,
                        "rate": _percent(g.rate),
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
    }


def render_text(report: WeeklyReport) -> str:
    """The report as plain text, in HR's language: what ``ideabox report weekly`` prints."""
    return render(MailKind.WEEKLY_REPORT, report.language, report_context(report)).text
