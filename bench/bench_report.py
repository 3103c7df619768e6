"""Time HR's weekly report (figures + CSV of all ideas) with 100,000 and 1,000,000 ideas.

    python bench/bench_report.py [--server postgres://postgres@127.0.0.1:5432/test]

Creates a PostgreSQL database for the run on that server (dropped afterwards), seeds
2,000 people, 10 campaigns inviting all of them and 100,000 ideas (COPY), times
build_weekly_report and the CSV, adds ideas up to 1,000,000 and times both again (each
the best of --repeat runs, against the noise of a shared machine). Prints plain lines:
seeding times, each size's times and the ratio (target: <= 10).
"""

import argparse
import asyncio
import random
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# Needs the repo root on sys.path.
from core.app import App  # noqa: E402
from core.clock import SettableClock  # noqa: E402
from core.settings import Settings  # noqa: E402
from db.models import BounceState, Campaign, Invitation, Person  # noqa: E402
from db.setup import close_database, open_database  # noqa: E402
from workflows.reports import build_weekly_report, ideas_csv  # noqa: E402

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
PEOPLE = 2000
MANAGERS = 100
DEPARTMENTS = [f"Afdeling {n:02d}" for n in range(20)]
CAMPAIGNS = 10
SIZES = (100_000, 1_000_000)
COPY_BATCH = 100_000
STATUSES = ("accepted", "declined", "in_progress", "done")
IDEA_COLUMNS = (
    "author_id",
    "manager_id",
    "campaign_id",
    "text",
    "anonymous",
    "status",
    "received_at",
    "assigned_at",
    "decided_at",
    "decision_business_days",
    "next_reminder_at",
    "reminders_sent",
    "escalated",
)


def asyncpg_url(url: str) -> str:
    return url.replace("postgres://", "postgresql://", 1)


async def seed_people() -> tuple[list[int], dict[int, int], list[int]]:
    """People (the first MANAGERS manage the rest), campaigns inviting everyone."""
    rng = random.Random(1)
    managers = [
        Person(email=f"m{n}@example.nl", name=f"Manager {n}", department=DEPARTMENTS[n % 20])
        for n in range(MANAGERS)
    ]
    await Person.bulk_create(managers, batch_size=1000)
    manager_ids = [p.id for p in await Person.all().order_by("id")]
    staff = [
        Person(
            email=f"p{n}@example.nl",
            name=f"Persoon {n}",
            department=rng.choice(DEPARTMENTS),
            manager_id=rng.choice(manager_ids),
            bounce_state=BounceState.SOFT if n % 97 == 0 else BounceState.OK,
            soft_bounces=2 if n % 97 == 0 else 0,
        )
        for n in range(PEOPLE - MANAGERS)
    ]
    await Person.bulk_create(staff, batch_size=1000)
    people = await Person.all().order_by("id").values_list("id", "manager_id")
    manager_of = {int(pid): int(mid or manager_ids[0]) for pid, mid in people}
    campaign_ids = []
    for n in range(CAMPAIGNS):
        campaign = await Campaign.create(question=f"Vraag {n}?", created_at=NOW)
        campaign_ids.append(campaign.id)
        await Invitation.bulk_create(
            [
                Invitation(campaign_id=campaign.id, person_id=pid, message_id=f"<i{n}.{pid}@b>")
                for pid in manager_of
            ],
            batch_size=2000,
        )
    return list(manager_of), manager_of, campaign_ids


def idea_rows(
    count: int, seed: int, people: list[int], manager_of: dict[int, int], campaigns: list[int]
) -> list[tuple[Any, ...]]:
    rng = random.Random(seed)
    rows = []
    span = 2 * 365 * 24 * 3600
    for n in range(count):
        author = rng.choice(people)
        received = NOW - timedelta(seconds=rng.randrange(span))
        decided_at = None
        days = None
        status = "open"
        reminders = 0
        if rng.random() < 0.7:
            decided_at = min(received + timedelta(hours=rng.randrange(1, 24 * 20)), NOW)
            days = rng.randrange(0, 15)
            status = rng.choice(STATUSES)
        else:
            reminders = rng.choice((0, 0, 1, 2, 3))
        rows.append(
            (
                author,
                manager_of[author],
                rng.choice(campaigns) if rng.random() < 0.3 else None,
                f"Idee {seed}.{n}: meer koffie, minder vergaderen",
                rng.random() < 0.1,
                status,
                received,
                received,
                decided_at,
                days,
                None if decided_at else received + timedelta(days=3),
                reminders,
                reminders >= 2,
            )
        )
    return rows


async def add_ideas(url: str, count: int, seed: int, *args: Any) -> float:
    started = time.perf_counter()
    conn = await asyncpg.connect(asyncpg_url(url))
    try:
        for offset in range(0, count, COPY_BATCH):
            rows = idea_rows(min(COPY_BATCH, count - offset), seed * 1000 + offset, *args)
            await conn.copy_records_to_table("idea", records=rows, columns=IDEA_COLUMNS)
        # As a live database would be: statistics current, hint bits and visibility map set.
        await conn.execute("VACUUM ANALYZE idea")
    finally:
        await conn.close()
    return time.perf_counter() - started


async def measure(app: App, repeat: int) -> tuple[float, float, int]:
    """The best of ``repeat`` runs of the report and of the CSV, and the CSV's size."""
    report_s = csv_s = float("inf")
    size = 0
    for _ in range(repeat):
        started = time.perf_counter()
        await build_weekly_report(app, now=NOW)
        middle = time.perf_counter()
        data = await ideas_csv(app)
        ended = time.perf_counter()
        report_s, csv_s, size = (
            min(report_s, middle - started),
            min(csv_s, ended - middle),
            len(data),
        )
        del data
    return report_s, csv_s, size


async def run(server: str, repeat: int) -> int:
    name = f"ideabox_bench_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(asyncpg_url(server))
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    url = f"{server.rpartition('/')[0]}/{name}"
    try:
        await open_database(url)
        settings = Settings(
            database_url=url, secret_key="bench-only-key-" * 3, hr_emails="hr@example.nl"
        )
        app = App(settings, clock=SettableClock(NOW))
        await app.load_keys()
        started = time.perf_counter()
        people, manager_of, campaigns = await seed_people()
        took = time.perf_counter() - started
        print(f"seeded {len(people)} people, {CAMPAIGNS} campaigns in {took:.1f} s")
        totals = []
        have = 0
        for size in SIZES:
            took = await add_ideas(url, size - have, size, people, manager_of, campaigns)
            have = size
            print(f"seeded {size} ideas (+{took:.1f} s)")
            report_s, csv_s, csv_bytes = await measure(app, repeat)
            total = report_s + csv_s
            totals.append(total)
            print(
                f"ideas={size} report={report_s:.3f} s csv={csv_s:.3f} s "
                f"({csv_bytes / 1e6:.0f} MB) total={total:.3f} s (best of {repeat})"
            )
        ratio = totals[1] / totals[0]
        print(f"ratio {SIZES[1]}/{SIZES[0]} ideas: {ratio:.2f} (target <= 10)")
        return 0 if ratio <= 10 else 1
    finally:
        await close_database()
        admin = await asyncpg.connect(asyncpg_url(server))
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432/test")
    parser.add_argument("--repeat", type=int, default=3, help="runs per size, best kept")
    args = parser.parse_args()
    return asyncio.run(run(args.server, args.repeat))


if __name__ == "__main__":
    sys.exit(main())
