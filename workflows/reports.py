"""HR's weekly status: figures aggregated in SQL, a 12-week chart, a CSV of every idea.

Every figure is one GROUP BY (or one conditional count) over the idea table, so the cost
of the report follows the number of ideas linearly; nothing loads all ideas into Python.
The CSV is read in chunks of rows ordered by id. The SQL is plain enough to run on both
SQLite and PostgreSQL (only the placeholders differ, see ``_query``).

The mail is multipart/mixed: text and HTML (the HTML with the chart inline, by Content-ID)
and the CSV as an attachment. The worker asks ``weekly_report_due`` every half hour: it
sends from the configured weekday and hour (Monday 08:00, organisation time zone) on,
once per ISO week, guaranteed by the unique ``ReportRun.week`` row written in the same
transaction as the outbox rows.
"""

from __future__ import annotations

import csv
import io
import logging
import zipfile
from collections import Counter
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from email.utils import make_msgid
from typing import Any
from zoneinfo import ZoneInfo

from PIL import Image, ImageDraw, ImageFont
from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from core.about import About, Topic
from core.app import App
from core.mail import Attachment, MailKind, Recipient, language_of, render
from db.models import BounceState, ReportRun
from workflows.outbox import mail_to, nudge

log = logging.getLogger(__name__)

SERIES_WEEKS = 12
CSV_CHUNK_ROWS = 20_000
CSV_COLUMNS = (
    "id",
    "received_at",
    "department",
    "manager_email",
    "status",
    "decided_at",
    "business_days_to_decision",
    "escalated",
    "text",
    "author_email",
)

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


# --- the report as data --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GroupRow:
    """Ideas of one department (of the author) or one manager: all time, as of now."""

    name: str | None  # None: no department / no manager
    email: str | None  # a manager's address; None for departments
    received: int
    decided: int
    open: int
    overdue: int


@dataclass(frozen=True, slots=True)
class RateGroup:
    """Invited people of a campaign in one department (or merged small departments)."""

    department: str | None
    is_other: bool  # the small departments merged together
    with_other: bool  # a department that also took in "other" (itself too small)
    invited: int
    responded: int

    @property
    def rate(self) -> float:
        return self.responded / self.invited


@dataclass(frozen=True, slots=True)
class CampaignRate:
    campaign_id: int
    question: str
    created_at: datetime
    invited: int
    # None when fewer than the anonymity threshold were invited: no figure is shown.
    responded: int | None
    groups: tuple[RateGroup, ...]  # empty when a breakdown would add nothing

    @property
    def rate(self) -> float | None:
        if self.responded is None or not self.invited:
            return None
        return self.responded / self.invited


@dataclass(frozen=True, slots=True)
class Bouncing:
    email: str
    name: str
    state: BounceState
    soft_bounces: int


@dataclass(frozen=True, slots=True)
class WeekPoint:
    year: int
    week: int
    start: date  # the Monday
    received: int
    decided: int

    @property
    def label(self) -> str:
        return f"{self.year}-W{self.week:02d}"


@dataclass(frozen=True, slots=True)
class WeeklyReport:
    language: str
    zone: str
    generated_at: datetime  # now, UTC
    week: str  # ISO week of now, local: "2026-W48"
    period_start: datetime  # now minus 7 days, UTC
    received_week: int
    received_total: int
    decided_week: int
    decided_total: int
    open: int
    overdue: int
    median_days: float | None
    departments: tuple[GroupRow, ...]
    managers: tuple[GroupRow, ...]
    campaigns: tuple[CampaignRate, ...]
    bouncing: tuple[Bouncing, ...]
    weeks: tuple[WeekPoint, ...]  # the 12 complete ISO weeks before this one, oldest first
    anonymity_threshold: int

    @property
    def decision_rate(self) -> float | None:
        return self.decided_total / self.received_total if self.received_total else None


# --- SQL helpers ------------------------------------------------------------------------


def _db() -> BaseDBAsyncClient:
    conn: BaseDBAsyncClient = connections.get("default")
    return conn


async def _query(conn: BaseDBAsyncClient, sql: str, values: Sequence[Any] = ()) -> list[Any]:
    """Run SQL written with ``?`` placeholders on SQLite or PostgreSQL; the rows."""
    if conn.capabilities.dialect == "postgres":
        parts = sql.split("?")
        sql = parts[0] + "".join(f"${i}{part}" for i, part in enumerate(parts[1:], 1))
    _, rows = await conn.execute_query(sql, list(values))
    return list(rows)


def _int(value: Any) -> int:
    return int(value or 0)


def _datetime(value: Any) -> datetime | None:
    """A timestamp column: a datetime on PostgreSQL, ISO text on SQLite; aware, UTC."""
    if value is None:
        return None
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _week_label(moment: datetime, zone: ZoneInfo) -> str:
    iso = moment.astimezone(zone).isocalendar()
    return f"{iso.year}-W{iso.week:02d}"


def _local_midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


# Conditions every grouped query counts with.
DECIDED = "i.decided_at IS NOT NULL"
OPEN = "i.status = 'open'"
# Due for at least one reminder, or escalated, and still undecided.
OVERDUE = "i.status = 'open' AND (i.reminders_sent >= 1 OR i.escalated)"


def _count_if(condition: str) -> str:
    return f"SUM(CASE WHEN {condition} THEN 1 ELSE 0 END)"


GROUP_COUNTS = f"COUNT(*), {_count_if(DECIDED)}, {_count_if(OPEN)}, {_count_if(OVERDUE)}"


# --- the figures ----------------------------------------------------------------------------


async def _totals(conn: BaseDBAsyncClient, since: datetime, until: datetime) -> list[int]:
    rows = await _query(
        conn,
        f"""SELECT COUNT(*),
                   {_count_if("i.received_at >= ? AND i.received_at < ?")},
                   {_count_if(DECIDED)},
                   {_count_if("i.decided_at >= ? AND i.decided_at < ?")},
                   {_count_if(OPEN)},
                   {_count_if(OVERDUE)}
            FROM idea i""",
        [since, until, since, until],
    )
    return [_int(v) for v in rows[0]]


async def _median_days(conn: BaseDBAsyncClient) -> float | None:
    """The median of decision_business_days, from its (small) histogram."""
    rows = await _query(
        conn,
        """SELECT decision_business_days, COUNT(*) FROM idea
           WHERE decision_business_days IS NOT NULL
           GROUP BY decision_business_days ORDER BY decision_business_days""",
    )
    histogram = [(int(days), int(count)) for days, count in rows]
    n = sum(count for _, count in histogram)
    if not n:
        return None
    wanted = ((n - 1) // 2, n // 2)  # the middle position(s), 0-based
    found: list[int] = []
    seen = 0
    for days, count in histogram:
        found += [days for position in wanted if seen <= position < seen + count]
        seen += count
    return sum(found) / 2


def _group_row(name: Any, email: Any, counts: Sequence[Any]) -> GroupRow:
    received, decided, open_, overdue = (_int(v) for v in counts)
    return GroupRow(
        name=None if name is None else str(name),
        email=None if email is None else str(email),
        received=received,
        decided=decided,
        open=open_,
        overdue=overdue,
    )


async def _departments(conn: BaseDBAsyncClient) -> tuple[GroupRow, ...]:
    rows = await _query(
        conn,
        f"""SELECT a.department, {GROUP_COUNTS}
            FROM idea i JOIN person a ON a.id = i.author_id
            GROUP BY a.department""",
    )
    found = [_group_row(row[0], None, row[1:]) for row in rows]
    # Departments by name, ideas without a department last.
    return tuple(sorted(found, key=lambda r: (r.name is None, (r.name or "").lower())))


async def _managers(conn: BaseDBAsyncClient) -> tuple[GroupRow, ...]:
    rows = await _query(
        conn,
        f"""SELECT m.name, m.email, s.received, s.decided, s.open, s.overdue
            FROM (SELECT i.manager_id AS manager_id, COUNT(*) AS received,
                         {_count_if(DECIDED)} AS decided, {_count_if(OPEN)} AS open,
                         {_count_if(OVERDUE)} AS overdue
                  FROM idea i GROUP BY i.manager_id) s
            LEFT JOIN person m ON m.id = s.manager_id""",
    )
    found = [_group_row(row[0], row[1], row[2:]) for row in rows]
    # The most overdue first, then by name; ideas without a manager after named ones.
    return tuple(sorted(found, key=lambda r: (-r.overdue, r.name is None, (r.name or "").lower())))


def merge_small_groups(
    groups: Sequence[tuple[str | None, int, int]], threshold: int
) -> tuple[RateGroup, ...]:
    """Departments (name, invited, responded) with fewer than ``threshold`` invited merged.

    Small departments become "other"; an "other" still too small joins the largest
    department. The result partitions the campaign, every group at least ``threshold``
    people, so no figure (nor a difference of figures) is about fewer people. Empty when
    a breakdown would show nothing beyond the campaign total.
    """
    big = [RateGroup(d, False, False, i, r) for d, i, r in groups if i >= threshold]
    small = [(i, r) for _, i, r in groups if i < threshold]
    other = RateGroup(None, True, False, sum(i for i, _ in small), sum(r for _, r in small))
    if small and other.invited < threshold and big:
        largest = min(big, key=lambda g: (-g.invited, (g.department or "").lower()))
        merged = RateGroup(
            largest.department,
            False,
            True,
            largest.invited + other.invited,
            largest.responded + other.responded,
        )
        big = [merged if g is largest else g for g in big]
    elif small:
        big.append(other)
    if len(big) < 2:
        return ()
    return tuple(
        sorted(big, key=lambda g: (g.is_other, g.department is None, (g.department or "").lower()))
    )


async def _campaigns(conn: BaseDBAsyncClient, threshold: int) -> tuple[CampaignRate, ...]:
    campaigns = await _query(conn, "SELECT id, question, created_at FROM campaign ORDER BY id DESC")
    # A response: an invited person who sent at least one idea to the campaign.
    rows = await _query(
        conn,
        """SELECT v.campaign_id, p.department, COUNT(*), COUNT(r.author_id)
           FROM invitation v
           JOIN person p ON p.id = v.person_id
           LEFT JOIN (SELECT DISTINCT campaign_id, author_id FROM idea
                      WHERE campaign_id IS NOT NULL) r
             ON r.campaign_id = v.campaign_id AND r.author_id = v.person_id
           GROUP BY v.campaign_id, p.department""",
    )
    by_campaign: dict[int, list[tuple[str | None, int, int]]] = {}
    for campaign_id, department, invited, responded in rows:
        by_campaign.setdefault(int(campaign_id), []).append(
            (None if department is None else str(department), int(invited), int(responded))
        )
    result = []
    for campaign_id, question, created_at in campaigns:
        groups = by_campaign.get(int(campaign_id), [])
        invited = sum(i for _, i, _ in groups)
        responded = sum(r for _, _, r in groups)
        shown = invited >= threshold
        created = _datetime(created_at)
        assert created is not None
        result.append(
            CampaignRate(
                campaign_id=int(campaign_id),
                question=str(question),
                created_at=created,
                invited=invited,
                responded=responded if shown else None,
                groups=merge_small_groups(groups, threshold) if shown else (),
            )
        )
    return tuple(result)


async def _bouncing(conn: BaseDBAsyncClient) -> tuple[Bouncing, ...]:
    rows = await _query(
        conn,
        """SELECT email, name, bounce_state, soft_bounces FROM person
           WHERE bounce_state IN (?, ?)""",
        [BounceState.HARD.value, BounceState.SOFT.value],
    )
    found = [Bouncing(str(e), str(n), BounceState(s), _int(c)) for e, n, s, c in rows]
    # Hard bounces first, then the most soft bounces, then by address.
    return tuple(
        sorted(found, key=lambda b: (b.state != BounceState.HARD, -b.soft_bounces, b.email))
    )


async def _weeks(conn: BaseDBAsyncClient, now: datetime, zone: ZoneInfo) -> tuple[WeekPoint, ...]:
    """Received and decided per ISO week (local), the complete weeks before this one."""
    today = now.astimezone(zone).date()
    this_monday = today - timedelta(days=today.weekday())
    mondays = [this_monday - timedelta(weeks=SERIES_WEEKS - k) for k in range(SERIES_WEEKS + 1)]
    bounds = [_local_midnight(day, zone) for day in mondays]

    async def per_week(column: str) -> dict[int, int]:
        cases = " ".join(f"WHEN i.{column} < ? THEN {k}" for k in range(SERIES_WEEKS))
        rows = await _query(
            conn,
            f"""SELECT b.week, COUNT(*) FROM
                  (SELECT CASE {cases} END AS week FROM idea i
                   WHERE i.{column} >= ? AND i.{column} < ?) b
                GROUP BY b.week""",
            [*bounds[1:], bounds[0], bounds[-1]],
        )
        return {int(week): int(count) for week, count in rows}

    received = await per_week("received_at")
    decided = await per_week("decided_at")
    points = []
    for k, monday in enumerate(mondays[:-1]):
        iso = monday.isocalendar()
        points.append(WeekPoint(iso.year, iso.week, monday, received.get(k, 0), decided.get(k, 0)))
    return tuple(points)


async def build_weekly_report(app: App, *, now: datetime | None = None) -> WeeklyReport:
    """Every figure of the weekly report, each aggregated in the database."""
    s = app.settings
    now = (now or app.clock.now()).astimezone(UTC)
    zone = s.zone
    # "This week": the seven days before now, counted in local days (DST-proof).
    since = (now.astimezone(zone) - timedelta(days=7)).astimezone(UTC)
    conn = _db()
    total, received_week, decided_total, decided_week, open_, overdue = await _totals(
        conn, since, now
    )
    return WeeklyReport(
        language=language_of(s.default_language),
        zone=s.timezone,
        generated_at=now,
        week=_week_label(now, zone),
        period_start=since,
        received_week=received_week,
        received_total=total,
        decided_week=decided_week,
        decided_total=decided_total,
        open=open_,
        overdue=overdue,
        median_days=await _median_days(conn),
        departments=await _departments(conn),
        managers=await _managers(conn),
        campaigns=await _campaigns(conn, s.anonymity_threshold),
        bouncing=await _bouncing(conn),
        weeks=await _weeks(conn, now, zone),
        anonymity_threshold=s.anonymity_threshold,
    )


# --- the CSV of all ideas -------------------------------------------------------------------

# A cell starting with one of these is a formula to Excel: an idea's text must not be.
CSV_DELIMITER = {"nl": ";", "en": ","}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: str | None) -> str:
    if not value:
        return ""
    return "'" + value if value.startswith(FORMULA_START) else value


def _local_text(value: Any, zone: ZoneInfo) -> str:
    """``2026-11-24 10:00:00`` in the organisation's time; runs for every row of the CSV."""
    if value is None:
        return ""
    moment = value if isinstance(value, datetime) and value.tzinfo else _datetime(value)
    assert moment is not None
    return moment.astimezone(zone).isoformat(" ", "seconds")[:19]


async def iter_ideas_csv(app: App, *, chunk_rows: int = CSV_CHUNK_ROWS) -> AsyncIterator[bytes]:
    """The CSV of every idea, UTF-8 with a BOM (for Excel), one chunk per query of rows.

    Times are local to the organisation; anonymous ideas have no author. People (far
    fewer than ideas) are read once, so each chunk is a plain range scan of the idea table.
    """
    zone = app.settings.zone
    conn = _db()
    people = {
        int(pid): (_cell(department), _cell(email))
        for pid, department, email in await _query(conn, "SELECT id, department, email FROM person")
    }
    nobody = ("", "")
    # An anonymous idea from a small department would give its author away by the
    # department alone: below the anonymity threshold that column stays empty.
    sizes = Counter(department for department, _ in people.values())
    threshold = app.settings.anonymity_threshold

    def department_of(author_id: int, anonymous: bool) -> str:
        department = people.get(author_id, nobody)[0]
        return "" if anonymous and sizes[department] < threshold else department

    # Dutch Excel splits on semicolons, English on commas.
    delimiter = CSV_DELIMITER.get(language_of(app.settings.default_language), ",")
    # PostgreSQL turns the times into local text itself (a third of the work per row);
    # SQLite, without time zones, hands UTC text to Python.
    if conn.capabilities.dialect == "postgres":
        columns = "to_char({} AT TIME ZONE ?, 'YYYY-MM-DD HH24:MI:SS')"
        received_sql, decided_sql = columns.format("received_at"), columns.format("decided_at")
        zone_values: list[Any] = [app.settings.timezone, app.settings.timezone]

        def local(value: Any) -> str:
            return value or ""
    else:
        received_sql, decided_sql, zone_values = "received_at", "decided_at", []

        def local(value: Any) -> str:
            return _local_text(value, zone)

    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerow(CSV_COLUMNS)
    yield "\ufeff".encode() + buffer.getvalue().encode()
    last_id = 0
    while True:
        rows = await _query(
            conn,
            f"""SELECT id, {received_sql}, author_id, manager_id, status, {decided_sql},
                       decision_business_days, escalated, text, anonymous
                FROM idea WHERE id > ? ORDER BY id LIMIT ?""",
            [*zone_values, last_id, chunk_rows],
        )
        if not rows:
            return
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=delimiter).writerows(
            (
                idea_id,
                local(received),
                department_of(author_id, anonymous),
                people.get(manager_id, nobody)[1],
                status,
                local(decided),
                "" if days is None else days,
                "yes" if escalated else "no",
                _cell(text),
                "" if anonymous else people.get(author_id, nobody)[1],
            )
            for (
                idea_id,
                received,
                author_id,
                manager_id,
                status,
                decided,
                days,
                escalated,
                text,
                anonymous,
            ) in rows
        )
        yield buffer.getvalue().encode()
        last_id = int(rows[-1][0])


async def ideas_csv(app: App) -> bytes:
    return b"".join([chunk async for chunk in iter_ideas_csv(app)])


# --- the chart ------------------------------------------------------------------------------

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


# --- rendering ------------------------------------------------------------------------------


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


# --- sending --------------------------------------------------------------------------------


# Above this size the CSV travels zipped (about a tenth): relays refuse large mails.
ZIP_ABOVE = 5 * 1024 * 1024


def csv_attachment(report: WeeklyReport, csv_bytes: bytes) -> Attachment:
    name = f"ideabox-{report.week}.csv"
    if len(csv_bytes) <= ZIP_ABOVE:
        return Attachment(name, csv_bytes, "text", "csv")
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, csv_bytes)
    return Attachment(name + ".zip", packed.getvalue(), "application", "zip")


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
    week = _week_label(now, app.settings.zone)
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
