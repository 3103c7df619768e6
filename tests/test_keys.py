"""The signing keys: one set per installation, kept in the database, rotated without
breaking an address already out in someone's mailbox."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from core.about import About, Topic
from core.app import App
from core.clock import SettableClock
from core.keys import SIGNS_AFTER, KeysNotLoaded, rotate
from core.tokens import BadToken, read_token
from db.models import SigningKey
from tests.conftest import make_settings


def token_of(address: str) -> str:
    return address.partition("@")[0].partition("+")[2]


async def test_two_processes_in_different_folders_share_one_key(app: App, tmp_path: Path) -> None:
    # The fixture's app generated the key; an intake with another var folder and no
    # IDEABOX_SECRET_KEY reads the same one from the database.
    other = App(make_settings(tmp_path / "elsewhere"), clock=app.clock)
    await other.load_keys()
    address = app.reply_address(About(Topic.INVITATION, 3))
    assert other.reply_address(About(Topic.INVITATION, 3)) == address
    assert read_token(other.keys.accepted, token_of(address)) == About(Topic.INVITATION, 3)
    assert await SigningKey.all().count() == 1
    assert not (tmp_path / "elsewhere" / "var" / "secret_key").exists()  # no file at all


async def test_an_earlier_versions_key_file_is_taken_over(app: App, tmp_path: Path) -> None:
    """Addresses signed with the var/secret_key of an earlier version keep working."""
    await SigningKey.all().delete()  # as before the keys table existed
    upgraded = App(make_settings(tmp_path / "old"), clock=app.clock)
    (tmp_path / "old" / "var").mkdir(parents=True)
    (tmp_path / "old" / "var" / "secret_key").write_text("x" * 43 + "\n", encoding="ascii")
    await upgraded.load_keys()
    assert upgraded.keys.current == b"x" * 43
    assert (await SigningKey.get()).secret == "x" * 43


async def test_the_configured_key_signs_and_the_stored_ones_still_verify(
    app: App, tmp_path: Path
) -> None:
    stored = app.reply_address(About(Topic.IDEA, 5))
    configured = App(make_settings(tmp_path, secret_key="k" * 40), clock=app.clock, queue=app.queue)
    await configured.load_keys()
    assert configured.keys.current == b"k" * 40
    assert configured.reply_address(About(Topic.IDEA, 5)) != stored
    assert read_token(configured.keys.accepted, token_of(stored)) == About(Topic.IDEA, 5)


async def test_rotation_keeps_old_addresses_valid_for_the_days_asked(app: App) -> None:
    clock = app.clock
    assert isinstance(clock, SettableClock)
    old_address = app.reply_address(About(Topic.AUTHOR, 9))
    await rotate(clock.now(), keep_old=timedelta(days=30))
    await app.load_keys()
    # Accepted at once, signing only once every process has had time to read it.
    assert app.reply_address(About(Topic.AUTHOR, 9)) == old_address
    assert len(app.keys.accepted) == 2
    clock.set(clock.now() + SIGNS_AFTER)
    await app.load_keys()
    new_address = app.reply_address(About(Topic.AUTHOR, 9))
    assert new_address != old_address
    assert read_token(app.keys.accepted, token_of(old_address)) == About(Topic.AUTHOR, 9)
    clock.set(clock.now() + timedelta(days=31))
    await app.load_keys()
    with pytest.raises(BadToken):
        read_token(app.keys.accepted, token_of(old_address))
    assert read_token(app.keys.accepted, token_of(new_address)) == About(Topic.AUTHOR, 9)


def test_no_address_is_signed_before_the_keys_are_read(tmp_path: Path) -> None:
    with pytest.raises(KeysNotLoaded):
        App(make_settings(tmp_path)).reply_address(About(Topic.IDEA, 1))
