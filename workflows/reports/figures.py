"""Every figure of the weekly report, each aggregated in the database.

Every figure is one GROUP BY (or one conditional count) over the idea table, so the cost
of the report follows the number of ideas linearly; nothing loads all ideas into Python.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from core.app import App
from core.mail import language_of
from db.models import BounceState
from workflows.privacy import too_small
from workflows.reports.data import (
    Bouncing,
    CampaignRate,
    GroupRow,
    Listening,
    RateGroup,
    ThemeCount,
    WaitingIdea,
    WeeklyReport,
    WeekPoint,
)
from workflows.reports.sql import (
    DECIDED,
    GROUP_COUNTS,
    OPEN,
    OVERDUE,
    as_datetime,
    as_int,
    count_if,
    db,
    local_midnight,
    query,
    week_label,
)

SERIES_WEEKS = 12


async def _totals(conn: BaseDBAsyncClient, since: datetime, until: datetime) -> list[int]:
    rows = await query(
        conn,
        f"""SELECT COUNT(*),
                   {count_if("i.received_at >= ? AND i.received_at < ?")},
                   {count_if(DECIDED)},
                   {count_if("i.decided_at >= ? AND i.decided_at < ?")},
                   {count_if(OPEN)},
                   {count_if(OVERDUE)}
            FROM idea i""",
        [since, until, since, until],
    )
    return [as_int(v) for v in rows[0]]


async def _median_days(conn: BaseDBAsyncClient) -> float | None:
    """The median of decision_business_days, from its (small) histogram."""
    rows = await query(
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
    received, decided, open_, overdue = (as_int(v) for v in counts)
    return GroupRow(
        name=None if name is None else str(name),
        email=None if email is None else str(email),
        received=received,
        decided=decided,
        open=open_,
        overdue=overdue,
    )


async def _departments(conn: BaseDBAsyncClient) -> tuple[GroupRow, ...]:
    rows = await query(
        conn,
        f"""SELECT a.department, {GROUP_COUNTS}
            FROM idea i JOIN person a ON a.id = i.author_id
            GROUP BY a.department""",
    )
    found = [_group_row(row[0], None, row[1:]) for row in rows]
    # Departments by name, ideas without a department last.
    return tuple(sorted(found, key=lambda r: (r.name is None, (r.name or "").lower())))


async def _managers(conn: BaseDBAsyncClient) -> tuple[GroupRow, ...]:
    rows = await query(
        conn,
        f"""SELECT m.name, m.email, s.received, s.decided, s.open, s.overdue
            FROM (SELECT i.manager_id AS manager_id, COUNT(*) AS received,
                         {count_if(DECIDED)} AS decided, {count_if(OPEN)} AS open,
                         {count_if(OVERDUE)} AS overdue
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
    big = [RateGroup(d, False, False, i, r) for d, i, r in groups if not too_small(i, threshold)]
    small = [(i, r) for _, i, r in groups if too_small(i, threshold)]
    other = RateGroup(None, True, False, sum(i for i, _ in small), sum(r for _, r in small))
    if small and too_small(other.invited, threshold) and big:
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
    campaigns = await query(conn, "SELECT id, question, created_at FROM campaign ORDER BY id DESC")
    # A response: an invited person who sent at least one idea to the campaign, or who
    # answered that they had nothing to add.
    rows = await query(
        conn,
        f"""SELECT v.campaign_id, p.department, COUNT(*),
                  {count_if("r.author_id IS NOT NULL OR v.nothing_to_add_at IS NOT NULL")},
                  {count_if("r.author_id IS NULL AND v.nothing_to_add_at IS NOT NULL")}
           FROM invitation v
           JOIN person p ON p.id = v.person_id
           LEFT JOIN (SELECT DISTINCT campaign_id, author_id FROM idea
                      WHERE campaign_id IS NOT NULL) r
             ON r.campaign_id = v.campaign_id AND r.author_id = v.person_id
           GROUP BY v.campaign_id, p.department""",
    )
    by_campaign: dict[int, list[tuple[str | None, int, int]]] = {}
    nothing_to_add: dict[int, int] = {}
    for campaign_id, department, invited, responded, nothing in rows:
        by_campaign.setdefault(int(campaign_id), []).append(
            (None if department is None else str(department), int(invited), as_int(responded))
        )
        nothing_to_add[int(campaign_id)] = nothing_to_add.get(int(campaign_id), 0) + as_int(nothing)
    result = []
    for campaign_id, question, created_at in campaigns:
        groups = by_campaign.get(int(campaign_id), [])
        invited = sum(i for _, i, _ in groups)
        responded = sum(r for _, _, r in groups)
        shown = not too_small(invited, threshold)
        created = as_datetime(created_at)
        assert created is not None
        result.append(
            CampaignRate(
                campaign_id=int(campaign_id),
                question=str(question),
                created_at=created,
                invited=invited,
                responded=responded if shown else None,
                nothing_to_add=nothing_to_add.get(int(campaign_id), 0) if shown else None,
                groups=merge_small_groups(groups, threshold) if shown else (),
            )
        )
    return tuple(result)


async def _bouncing(conn: BaseDBAsyncClient) -> tuple[Bouncing, ...]:
    rows = await query(
        conn,
        """SELECT email, name, bounce_state, soft_bounces FROM person
           WHERE bounce_state IN (?, ?)""",
        [BounceState.HARD.value, BounceState.SOFT.value],
    )
    found = [Bouncing(str(e), str(n), BounceState(s), as_int(c)) for e, n, s, c in rows]
    # Hard bounces first, then the most soft bounces, then by address.
    return tuple(
        sorted(found, key=lambda b: (b.state != BounceState.HARD, -b.soft_bounces, b.email))
    )


async def _weeks(conn: BaseDBAsyncClient, now: datetime, zone: ZoneInfo) -> tuple[WeekPoint, ...]:
    """Received and decided per ISO week (local), the complete weeks before this one."""
    today = now.astimezone(zone).date()
    this_monday = today - timedelta(days=today.weekday())
    # Twelve weeks up to and including this one, so far: the current week is news too.
    mondays = [this_monday - timedelta(weeks=SERIES_WEEKS - 1 - k) for k in range(SERIES_WEEKS + 1)]
    bounds = [local_midnight(day, zone) for day in mondays]

    async def per_week(column: str) -> dict[int, int]:
        cases = " ".join(f"WHEN i.{column} < ? THEN {k}" for k in range(SERIES_WEEKS))
        rows = await query(
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


WAITING_SHOWN = 5
THEME_DAYS = 90


async def _listening(conn: BaseDBAsyncClient, now: datetime) -> Listening:
    [(campaigns,)] = await query(
        conn, "SELECT COUNT(*) FROM campaign WHERE created_at >= ?", [now - timedelta(days=365)]
    )
    [(next_at,)] = await query(
        conn, "SELECT MIN(next_at) FROM campaign_schedule WHERE cancelled_at IS NULL"
    )
    # Who took each idea's first decision: HR (nobody in the file), or a manager, and
    # whether the idea had been escalated by then.
    [(by_manager, after_escalation, by_hr)] = await query(
        conn,
        f"""SELECT {count_if("d.decided_by_id IS NOT NULL AND NOT i.escalated")},
                   {count_if("d.decided_by_id IS NOT NULL AND i.escalated")},
                   {count_if("d.decided_by_id IS NULL")}
            FROM idea i JOIN decision d ON d.id = (
                SELECT MIN(d2.id) FROM decision d2
                WHERE d2.idea_id = i.id AND d2.outcome <> 'forward' AND NOT d2.superseded)
            WHERE {DECIDED}""",
    )
    [(within, done)] = await query(
        conn,
        f"""SELECT {count_if("i.decision_business_days <= 10")}, {count_if("i.status = 'done'")}
            FROM idea i""",
    )
    waiting = await query(
        conn,
        f"""SELECT i.id, i.received_at, i.anonymous, p.department, m.name
            FROM idea i JOIN person p ON p.id = i.author_id
            LEFT JOIN person m ON m.id = i.manager_id
            WHERE {OPEN} AND (i.escalated OR i.manager_id IS NULL)
            ORDER BY i.received_at, i.id LIMIT {WAITING_SHOWN}""",
    )
    themes = await query(
        conn,
        """SELECT i.theme, p.department, COUNT(*) FROM idea i
           JOIN person p ON p.id = i.author_id
           WHERE i.theme IS NOT NULL AND i.theme <> '' AND i.received_at >= ?
           GROUP BY i.theme, p.department""",
        [now - timedelta(days=THEME_DAYS)],
    )
    counts: dict[str, int] = {}
    departments: dict[str, set[str]] = {}
    for key, department, n in themes:
        counts[str(key)] = counts.get(str(key), 0) + int(n)
        if department:
            departments.setdefault(str(key), set()).add(str(department))
    top = sorted(counts, key=lambda k: (-counts[k], k))[:5]
    return Listening(
        campaigns_last_year=as_int(campaigns),
        next_campaign=as_datetime(next_at),
        decided_by_manager=as_int(by_manager),
        decided_after_escalation=as_int(after_escalation),
        decided_by_hr=as_int(by_hr),
        decided_within_ten_days=as_int(within),
        done=as_int(done),
        waiting_on_hr=tuple(
            WaitingIdea(
                idea_id=int(idea_id),
                received_at=as_datetime(received) or now,
                department=None if anonymous else department,
                manager=manager,
            )
            for idea_id, received, anonymous, department, manager in waiting
        ),
        themes=tuple(
            ThemeCount(k, counts[k], tuple(sorted(departments.get(k, set())))) for k in top
        ),
    )


async def campaign_rates(app: App) -> tuple[CampaignRate, ...]:
    """Every campaign's invited and responded, per department (small groups merged)."""
    return await _campaigns(db(), app.settings.anonymity_threshold)


async def build_weekly_report(app: App, *, now: datetime | None = None) -> WeeklyReport:
    """Every figure of the weekly report, each aggregated in the database, all from one
    snapshot: a read-only transaction (repeatable read on PostgreSQL; on SQLite one read
    transaction sees one state of the file), so the figures add up while mail arrives."""
    s = app.settings
    now = (now or app.clock.now()).astimezone(UTC)
    zone = s.zone
    # "This week": the seven days before now, counted in local days (DST-proof).
    since = (now.astimezone(zone) - timedelta(days=7)).astimezone(UTC)
    async with in_transaction() as conn:
        if conn.capabilities.dialect == "postgres":
            await conn.execute_script("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        total, received_week, decided_total, decided_week, open_, overdue = await _totals(
            conn, since, now
        )
        return WeeklyReport(
            language=language_of(s.default_language),
            zone=s.timezone,
            generated_at=now,
            week=week_label(now, zone),
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
            listening=await _listening(conn, now),
        )
