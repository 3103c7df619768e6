"""The due-reminder sweep with 10,000 and with 100,000 open ideas, the same 200 due.

    .venv/bin/python bench/bench_reminders.py [--database-url postgres://...]

The sweep's cost should follow the number of ideas due, not the number open: prints
the sweep time for both sizes (best of three) and their ratio (target <= 1.5).
Defaults to SQLite in a temporary folder; pass a PostgreSQL server URL to measure there
(a database is created for the run and dropped afterwards).
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
from tortoise import connections

from core.app import App
from core.clock import SettableClock
from core.settings import Settings
from db.models import Idea, OutboxMail, Person, Reminder, ReminderDigest
from db.setup import close_database, open_database
from workflows.reminders import send_due_reminders

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)  # a Thursday, in working hours
DUE_MANAGERS, DUE_PER_MANAGER = 50, 4
OTHER_MANAGERS = 500


async def seed(open_ideas: int) -> None:
    managers = [
        Person(email=f"m{n}@example.org", name=f"Manager {n}", language="en")
        for n in range(DUE_MANAGERS + OTHER_MANAGERS)
    ]
    await Person.bulk_create(managers, batch_size=1000)
    managers = await Person.all().order_by("id")
    author = await Person.create(email="author@example.org", name="Author")
    due_count = DUE_MANAGERS * DUE_PER_MANAGER
    received = NOW - timedelta(days=10)
    ideas = []
    for n in range(open_ideas):
        due = n < due_count
        manager = managers[n % DUE_MANAGERS] if due else managers[DUE_MANAGERS + n % OTHER_MANAGERS]
        ideas.append(
            Idea(
                author=author,
                manager=manager,
                text=f"Idea number {n}",
                received_at=received,
                assigned_at=received,
                next_reminder_at=NOW - timedelta(hours=1) if due else NOW + timedelta(days=3),
            )
        )
    await Idea.bulk_create(ideas, batch_size=5000)


async def reset_due() -> None:
    due_count = DUE_MANAGERS * DUE_PER_MANAGER
    first = await Idea.all().order_by("id").first()
    assert first is not None
    await Idea.filter(id__lt=first.id + due_count).update(
        next_reminder_at=NOW - timedelta(hours=1), reminders_sent=0
    )
    await Reminder.all().delete()
    await ReminderDigest.all().delete()
    await OutboxMail.all().delete()
    connection = connections.get("default")
    if connection.capabilities.dialect == "sqlite":
        # Write the set-up's pages back now, so the sweep is not billed for them.
        await connection.execute_script("PRAGMA wal_checkpoint(TRUNCATE)")
    else:
        await connection.execute_script("VACUUM ANALYZE idea")


async def measure(url: str, open_ideas: int, workdir: Path) -> float:
    settings = Settings(var_dir=workdir, database_url=url, secret_key="bench-only-key-" * 3)
    await open_database(url)
    app = App(settings, clock=SettableClock(NOW))
    await app.load_keys()
    try:
        await seed(open_ideas)
        best = float("inf")
        for _ in range(3):
            await reset_due()
            started = time.perf_counter()
            sent = await send_due_reminders(app)
            best = min(best, time.perf_counter() - started)
            assert sent == DUE_MANAGERS, sent
    finally:
        await close_database()
    return best


async def fresh_database(server: str | None, workdir: Path, label: str) -> str:
    if server is None:
        return f"sqlite://{workdir / f'{label}.sqlite3'}"
    name = f"ideabox_bench_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(server.replace("postgres://", "postgresql://", 1))
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    return f"{server.rpartition('/')[0]}/{name}"


async def drop_database(server: str | None, url: str) -> None:
    if server is None:
        return
    admin = await asyncpg.connect(server.replace("postgres://", "postgresql://", 1))
    await admin.execute(f'DROP DATABASE IF EXISTS "{url.rpartition("/")[2]}" WITH (FORCE)')
    await admin.close()


async def main(server: str | None) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="ibr"))
    times = {}
    try:
        for size in (10_000, 100_000):
            url = await fresh_database(server, workdir, str(size))
            try:
                times[size] = await measure(url, size, workdir)
            finally:
                await drop_database(server, url)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    due = DUE_MANAGERS * DUE_PER_MANAGER
    where = "PostgreSQL" if server else "SQLite"
    print(f"database: {where}; due ideas: {due} for {DUE_MANAGERS} managers (one digest each)")
    for size, seconds in times.items():
        print(f"sweep with {size:>7,} open ideas: {seconds * 1000:.1f} ms")
    print(f"ratio 100,000 / 10,000 (target <= 1.5): {times[100_000] / times[10_000]:.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="a PostgreSQL server URL; default SQLite")
    asyncio.run(main(parser.parse_args().database_url))
