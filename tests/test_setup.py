"""Start-up: migrations applied once on both databases, the secret key kept and private."""

from __future__ import annotations

import stat
from pathlib import Path

from tortoise import Tortoise
from tortoise.migrations.api import plan

from db.models import Person
from db.setup import apply_migrations, close_database, open_database, tortoise_config
from tests.conftest import make_settings


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


def test_the_secret_key_is_generated_once_and_kept_private(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, secret_key="")
    key = settings.key
    path = tmp_path / "var" / "secret_key"
    assert len(key) >= 32 and path.read_bytes().strip() == key
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert make_settings(tmp_path, secret_key="").key == key  # the same on every start
    assert key.decode() not in repr(settings)
    assert make_settings(tmp_path, secret_key="from-env").key == b"from-env"
