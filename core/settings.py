"""All settings, read once from the environment (``IDEABOX_...``) with safe defaults."""

from __future__ import annotations

import contextlib
import os
import secrets
from functools import cached_property
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays
from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

MB = 1024 * 1024


class Settings(BaseSettings):
    """Typed settings; every field maps to ``IDEABOX_<FIELD>`` in the environment."""

    model_config = SettingsConfigDict(env_prefix="IDEABOX_", frozen=True, extra="ignore")

    var_dir: Path = Field(Path("var"), description="Where embedded state lives.")
    database_url: str = Field("", description="Default: a SQLite file under var_dir.")
    redis_url: str = Field("", description="Default: an embedded Redis on a unix socket.")
    domain: str = "ideabox.localhost"
    local_part: str = Field("ideas", description="The address people write to.")
    sender_name: str = "ideabox"
    smtp_listen: str = "127.0.0.1:2525"
    relay_url: str = Field("", description="smtp://… or smtps://…; default a Maildir.")
    secret_key: str = Field("", repr=False)
    hr_emails: str = Field("", description="Comma-separated addresses of HR.")
    trusted_authserv_id: str = Field(
        "", description="authserv-id of the receiving MX whose Authentication-Results count."
    )
    timezone: str = "Europe/Amsterdam"
    holidays: str = "NL"
    default_language: str = "nl"
    max_message_size: int = 25 * MB
    max_recipients: int = 10
    # Per envelope sender: at most this many messages within this many seconds (sliding
    # window, shared through Redis by every intake process); more get 451 4.7.1.
    rate_limit_messages: int = 20
    rate_limit_seconds: int = 60
    reminder_after_days: int = 3
    reminder_every_days: int = 3
    escalate_after: int = 2
    decision_grace_minutes: int = 10
    # Reminders go out on business days between these hours, in the manager's time zone.
    working_hours_start: int = 9
    working_hours_end: int = 17
    # The weekly HR report: weekday (0 = Monday) and hour, in the organisation's zone.
    report_weekday: int = 0
    report_hour: int = 8
    anonymity_threshold: int = 5
    # Seconds between the worker's sweeps for stored-but-unprocessed inbound mail and
    # unsent outbox rows (what Redis lost, or what was stored while it was down).
    sweep_every_seconds: int = 10
    worker_poll_delay: float = 0.05

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"'{value}' is not a time zone name like Europe/Amsterdam") from None
        return value

    @field_validator("holidays")
    @classmethod
    def _known_country(cls, value: str) -> str:
        if value.upper() not in holidays.list_supported_countries():
            raise ValueError(f"'{value}' is not a country code the holidays package knows (NL, BE)")
        return value.upper()

    @field_validator("default_language")
    @classmethod
    def _known_language(cls, value: str) -> str:
        if value not in ("nl", "en"):
            raise ValueError("the default language is nl or en")
        return value

    @property
    def database(self) -> str:
        return self.database_url or f"sqlite://{self.var_dir / 'ideabox.sqlite3'}"

    @property
    def outbox_dir(self) -> Path:
        return self.var_dir / "outbox"

    @property
    def listen_host(self) -> str:
        return self.smtp_listen.rsplit(":", 1)[0]

    @property
    def listen_port(self) -> int:
        return int(self.smtp_listen.rsplit(":", 1)[1])

    @property
    def address(self) -> str:
        """The plain address: ``ideas@domain``."""
        return f"{self.local_part}@{self.domain}"

    @property
    def hr_addresses(self) -> list[str]:
        return [a.strip().lower() for a in self.hr_emails.split(",") if a.strip()]

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @cached_property
    def key(self) -> bytes:
        """The HMAC key: the setting, else a key generated once and kept under var_dir."""
        if self.secret_key:
            return self.secret_key.encode()
        path = self.var_dir / "secret_key"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            # Written whole and private under a temporary name, then linked into place:
            # of two processes starting at once, one key wins and both read it complete.
            temporary = path.with_name(f".secret_key.{os.getpid()}")
            descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(descriptor, "w", encoding="ascii") as f:
                f.write(secrets.token_urlsafe(32))
            with contextlib.suppress(FileExistsError):
                os.link(temporary, path)
            temporary.unlink()
        return path.read_text(encoding="ascii").strip().encode()
