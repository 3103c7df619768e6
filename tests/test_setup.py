"""Start-up: migrations applied once on both databases, nothing lost on a second start."""

from __future__ import annotations

from tortoise import Tortoise
from tortoise.migrations.api import plan

from db.models import Person
from db.setup import apply_migrations, close_database, open_database, tortoise_config


async def pending(url: str) -> list[str]:
    lines = await plan(config=tortoise_config(url))
    await Tortoise.close_connections()
    return [line for line in lines if not line.startswith("#")]  # "# Connection: ..." headers


async def test_a_second_start_applies_nothing(fresh_database_url: str) -> None:
    database_url = fresh_database_url
    assert await pending(database_url) != []
    await apply_migrations(database_url)
    assert await pending(database_url) == []
    await open_database(database_url)  # migrates again: nothing to do, nothing lost
    await Person.create(email="a@example.nl", name="A")
    await close_database()
    await open_database(database_url)
    assert await Person.all().count() == 1
    await close_database()
