"""The keys that sign reply addresses: one set for every process of an installation.

They live in the database, so an intake on one host and a worker on another sign and
verify alike without anyone copying a file: the first process to start generates the
key (or, once, takes over the ``var/secret_key`` file an earlier version wrote).
``IDEABOX_SECRET_KEY`` overrides them: then it signs, and the stored keys are still
accepted.

``ideabox key rotate`` adds a key that every process accepts at once and signs with a
little later (``SIGNS_AFTER``, twice the time processes take to notice a new key): by
then every process knows it, so no address it signs is ever refused. The keys before it
keep verifying for the days asked, so addresses already out in mailboxes keep working.
"""

from __future__ import annotations

import contextlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from db.models import SigningKey

REFRESH_EVERY = timedelta(seconds=60)  # how often a running process reads the keys again
SIGNS_AFTER = 2 * REFRESH_EVERY
LEGACY_FILE = "secret_key"  # what versions before the keys table kept under var_dir


class KeysNotLoaded(RuntimeError):
    pass


@dataclass(eq=False)
class KeyRing:
    """The key to sign with and every key to accept, newest first; updated in place when
    the keys are read again, so whoever holds the ring sees the new ones."""

    signing: bytes = b""
    accepted: tuple[bytes, ...] = ()
    from_setting: bool = False  # IDEABOX_SECRET_KEY signs; rotation is the operator's

    @property
    def current(self) -> bytes:
        if not self.signing:
            raise KeysNotLoaded("the signing keys were not loaded from the database")
        return self.signing

    async def load(self, configured: bytes, var_dir: Path, now: datetime) -> None:
        """Read the keys (creating the first one if there is none)."""
        rows = await _valid_keys(now)
        if not rows and not configured:
            await _create_first(var_dir, now)
            rows = await _valid_keys(now)
        stored = [row.secret.encode() for row in rows]
        signing = [row.secret.encode() for row in rows if row.signs_from <= now]
        if configured:
            self.signing = configured
            self.accepted = (configured, *(k for k in stored if k != configured))
        else:
            self.signing = signing[0] if signing else stored[-1]
            self.accepted = tuple(stored)
        self.from_setting = bool(configured)


async def _valid_keys(now: datetime) -> list[SigningKey]:
    return (
        await SigningKey.filter(Q(accepted_until=None) | Q(accepted_until__gt=now))
        .order_by("-generation")
        .all()
    )


def new_secret() -> str:
    return secrets.token_urlsafe(32)  # 256 bits, in characters any config file keeps


def _legacy_secret(var_dir: Path) -> str | None:
    path = var_dir / LEGACY_FILE
    try:
        text = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return text or None


async def _create_first(var_dir: Path, now: datetime) -> None:
    """Generation 1: of two processes starting at once, the unique generation lets one
    win; the other reads the winner's key."""
    with contextlib.suppress(IntegrityError):
        await SigningKey.create(
            generation=1, secret=_legacy_secret(var_dir) or new_secret(), signs_from=now
        )


async def rotate(now: datetime, keep_old: timedelta) -> SigningKey:
    """A new key, signing from ``now + SIGNS_AFTER``; the older ones accepted until
    ``now + keep_old`` (or until they expire already, if sooner)."""
    async with in_transaction() as conn:
        newest = await SigningKey.all().using_db(conn).order_by("-generation").first()
        generation = newest.generation + 1 if newest else 1
        until = now + SIGNS_AFTER + keep_old
        await (
            SigningKey.filter(Q(accepted_until=None) | Q(accepted_until__gt=until))
            .using_db(conn)
            .update(accepted_until=until)
        )
        return await SigningKey.create(
            generation=generation,
            secret=new_secret(),
            signs_from=now + SIGNS_AFTER,
            using_db=conn,
        )
