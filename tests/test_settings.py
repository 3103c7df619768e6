"""Settings that refuse nonsense: a wrong value stops the start with one line naming it."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from core.settings import Settings, split_host_port
from ideabox.cli import main

WRONG = [
    ("IDEABOX_REPORT_WEEKDAY", "7", "less than or equal to 6, not '7'"),
    ("IDEABOX_REPORT_HOUR", "24", "less than or equal to 23"),
    ("IDEABOX_WORKING_HOURS_START", "-1", "greater than or equal to 0"),
    ("IDEABOX_WORKING_HOURS_END", "8", "8 is not after IDEABOX_WORKING_HOURS_START (9)"),
    ("IDEABOX_SMTP_LISTEN", "localhost", "'localhost' is not HOST:PORT"),
    ("IDEABOX_SMTP_LISTEN", "127.0.0.1:99999", "is not HOST:PORT"),
    ("IDEABOX_HR_EMAILS", "hr@example.nl, HR afdeling", "'hr afdeling' is not an email address"),
    ("IDEABOX_DATABASE_URL", "mysql://root:hunter2@db/ideabox", "does not start with sqlite://"),
    ("IDEABOX_DATABASE_URL", "postgres://u:hunter2@[::1/x", "is not a valid URL (Invalid IPv6"),
    ("IDEABOX_DATABASE_URL", "postgres://u:hunter2@db:5432x/x", "is not a valid URL (Port"),
    ("IDEABOX_REDIS_URL", "localhost:6379", "does not start with redis://"),
    ("IDEABOX_RELAY_URL", "mail.example.org", "does not start with smtp://"),
    ("IDEABOX_REMINDER_AFTER_DAYS", "0", "greater than or equal to 1"),
    ("IDEABOX_REMINDER_EVERY_DAYS", "three", "valid integer"),
    ("IDEABOX_DOMAIN", "idea box.nl", "is not a domain name"),
    ("IDEABOX_LOCAL_PART", "ideas+x", "is not a plain local part"),
    ("IDEABOX_DEFAULT_LANGUAGE", "xx", "'xx' is not one of"),
    ("IDEABOX_TIMEZONE", "Mars/Base", "is not a time zone name"),
    ("IDEABOX_HOLIDAYS", "XX", "is not a country code"),
    ("IDEABOX_SWEEP_EVERY_SECONDS", "0", "greater than or equal to 1"),
    ("IDEABOX_SECRET_KEY", "x", "too short (1 bytes, at least 32 needed)"),
    ("IDEABOX_SECRET_KEY", "change-me-in-production", "too short"),
]


@pytest.mark.parametrize(("name", "value", "said"), WRONG, ids=[f"{n}={v}" for n, v, _ in WRONG])
def test_a_wrong_setting_names_its_variable_and_stops(
    name: str,
    value: str,
    said: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("IDEABOX_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv(name, value)
    monkeypatch.setattr(sys, "argv", ["ideabox", "ideas", "list"])
    with pytest.raises(SystemExit) as stopped:
        main()
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err  # one line
    assert err.startswith(f"ideabox: {name}: ") and said in err, err
    assert "hunter2" not in err  # a password in a URL is never repeated
    assert not (tmp_path / "var").exists()  # stopped before touching anything


def test_the_secret_key_is_never_shown() -> None:
    settings = Settings(secret_key="very-secret-value-of-32-bytes!!!")
    assert "very-secret" not in repr(settings) and "very-secret" not in str(settings)
    assert settings.secret_key.get_secret_value() == "very-secret-value-of-32-bytes!!!"


def test_typed_values() -> None:
    settings = Settings(hr_emails=" HR@Example.nl,p.o@example.nl, hr@example.nl ")
    assert settings.hr_emails == ("hr@example.nl", "p.o@example.nl")
    assert split_host_port("[::1]:2525") == ("::1", 2525)
    assert split_host_port("0.0.0.0:0") == ("0.0.0.0", 0)
