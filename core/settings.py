"""All settings, read once from the environment (``IDEABOX_...``) with safe defaults.

A value that makes no sense stops the start with one line naming its variable
(``ideabox: IDEABOX_REPORT_HOUR: ...``), never later in the middle of the night.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays
from pydantic import Field, SecretStr, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from core.vocabulary import LANGUAGES

MB = 1024 * 1024

_ADDRESS = re.compile(r"^[^@\s,;<>]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})+$")
_DOMAIN = re.compile(r"^(?=.{1,253}$)[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})*$")
_LOCAL_PART = re.compile(r"^[A-Za-z0-9._-]{1,40}$")  # no "+": that starts the token
_URL_SCHEMES = {
    "database_url": ("sqlite", "postgres", "postgresql"),
    "redis_url": ("redis", "rediss", "unix"),
    "relay_url": ("smtp", "smtps"),
}

MIN_KEY_BYTES = 32
Hour = Annotated[int, Field(ge=0, le=23)]
Positive = Annotated[int, Field(ge=1)]


def split_host_port(value: str) -> tuple[str, int]:
    """``127.0.0.1:2525`` or ``[::1]:2525``: the host and the port (0: any free port)."""
    host, colon, port = value.strip().rpartition(":")
    host = host.removeprefix("[").removesuffix("]") if host.startswith("[") else host
    if not colon or not host or not port.isdigit() or int(port) > 65535:
        raise ValueError(f"'{value}' is not HOST:PORT like 127.0.0.1:2525")
    return host, int(port)


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
    # Signs reply addresses; unset, a key generated once and kept in the database.
    secret_key: SecretStr = Field(SecretStr(""), description="Signs reply addresses.")
    # Comma-separated in the environment: "hr@example.nl, p.o@example.nl".
    hr_emails: Annotated[tuple[str, ...], NoDecode] = ()
    trusted_authserv_id: str = Field(
        "", description="authserv-id of the receiving MX whose Authentication-Results count."
    )
    # Where DKIM keys are looked up (HOST:PORT); empty: the system's resolver.
    dns_server: str = ""
    timezone: str = "Europe/Amsterdam"
    holidays: str = "NL"
    default_language: str = "nl"
    max_message_size: Annotated[int, Field(ge=64 * 1024)] = 25 * MB
    max_recipients: Positive = 10
    # Per envelope sender: at most this many messages within this many seconds (sliding
    # window, shared through Redis by every intake process); more get 451 4.7.1.
    rate_limit_messages: Positive = 20
    rate_limit_seconds: Positive = 60
    # At most this many mails a day to one person in answer to their own mail.
    answers_per_day: Positive = 10
    reminder_after_days: Positive = 3
    reminder_every_days: Positive = 3
    escalate_after: Annotated[int, Field(ge=0)] = 2
    # While a manager waits for the author's answer to a question, reminders pause for
    # at most this many business days.
    question_pause_days: Positive = 5
    # Who has not answered a campaign is reminded once, this many business days before
    # it closes (campaigns without a closing date remind nobody).
    campaign_reminder_days: Positive = 3
    decision_grace_minutes: Annotated[int, Field(ge=0, le=24 * 60)] = 10
    # Reminders go out on business days between these hours, in the manager's time zone.
    working_hours_start: Hour = 9
    working_hours_end: Annotated[int, Field(ge=1, le=24)] = 17
    # The weekly HR report: weekday (0 = Monday) and hour, in the organisation's zone.
    report_weekday: Annotated[int, Field(ge=0, le=6)] = 0
    report_hour: Hour = 8
    anonymity_threshold: Positive = 5
    # Days after which the raw bytes of processed mail (in and out) and the relayed
    # texts of conversations are deleted; what the reports count stays.
    retention_days: Positive = 90
    # Seconds between the worker's sweeps for stored-but-unprocessed inbound mail and
    # unsent outbox rows (what Redis lost, or what was stored while it was down).
    sweep_every_seconds: Annotated[int, Field(ge=1, le=60)] = 10
    worker_poll_delay: Annotated[float, Field(gt=0, le=5)] = 0.05

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
        if value not in LANGUAGES:
            raise ValueError(f"'{value}' is not one of {', '.join(LANGUAGES)}")
        return value

    @field_validator("hr_emails", mode="before")
    @classmethod
    def _address_list(cls, value: Any) -> tuple[str, ...]:
        items = value.split(",") if isinstance(value, str) else list(value)
        addresses = tuple(dict.fromkeys(str(a).strip().lower() for a in items if str(a).strip()))
        for address in addresses:
            if not _ADDRESS.match(address):
                raise ValueError(f"'{address}' is not an email address")
        return addresses

    @field_validator("domain")
    @classmethod
    def _domain(cls, value: str) -> str:
        if not _DOMAIN.match(value):
            raise ValueError(f"'{value}' is not a domain name like ideabox.example.org")
        return value.lower()

    @field_validator("local_part")
    @classmethod
    def _local_part(cls, value: str) -> str:
        if not _LOCAL_PART.match(value):
            raise ValueError(f"'{value}' is not a plain local part like ideas (no '+')")
        return value.lower()

    @field_validator("smtp_listen", "dns_server")
    @classmethod
    def _host_port(cls, value: str, info: ValidationInfo) -> str:
        if value.strip() or info.field_name == "smtp_listen":  # the DNS server may be unset
            split_host_port(value)
        return value.strip()

    @field_validator("database_url", "redis_url", "relay_url")
    @classmethod
    def _url(cls, value: str, info: ValidationInfo) -> str:
        if not value:
            return value
        schemes = _URL_SCHEMES[info.field_name or ""]
        try:
            parts = urlsplit(value)
            parts.port  # noqa: B018 -- reading it checks it
        except ValueError as wrong:
            raise ValueError(f"'{without_password(value)}' is not a valid URL ({wrong})") from None
        if parts.scheme not in schemes:
            examples = ", ".join(f"{s}://..." for s in schemes)
            raise ValueError(f"'{without_password(value)}' does not start with {examples}")
        return value

    @field_validator("secret_key")
    @classmethod
    def _long_enough(cls, value: SecretStr) -> SecretStr:
        # A short key can be guessed from the signatures on a few reply addresses.
        length = len(value.get_secret_value().encode())
        if 0 < length < MIN_KEY_BYTES:
            raise ValueError(
                f"too short ({length} bytes, at least {MIN_KEY_BYTES} needed), e.g. "
                "python3 -c 'import secrets; print(secrets.token_urlsafe(32))'"
            )
        return value

    @field_validator("working_hours_end")
    @classmethod
    def _after_start(cls, value: int, info: ValidationInfo) -> int:
        start = info.data.get("working_hours_start")
        if start is not None and value <= start:
            raise ValueError(f"{value} is not after IDEABOX_WORKING_HOURS_START ({start})")
        return value

    @property
    def database(self) -> str:
        return self.database_url or f"sqlite://{self.var_dir / 'ideabox.sqlite3'}"

    @property
    def outbox_dir(self) -> Path:
        return self.var_dir / "outbox"

    @property
    def listen_host(self) -> str:
        return split_host_port(self.smtp_listen)[0]

    @property
    def listen_port(self) -> int:
        return split_host_port(self.smtp_listen)[1]

    @property
    def dns(self) -> tuple[str, int] | None:
        return split_host_port(self.dns_server) if self.dns_server else None

    @property
    def address(self) -> str:
        """The plain address: ``ideas@domain``."""
        return f"{self.local_part}@{self.domain}"

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def without_password(url: str) -> str:
    """A URL fit for an error message: the password replaced."""
    return re.sub(r"(//[^:/@]*:)[^@/]*@", r"\1***@", url)
