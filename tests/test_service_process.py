"""The product as its operator meets it: the ``ideabox`` command on embedded defaults.

Separate processes, as in real life: ``ideabox run`` (SQLite and an embedded Redis under
./var, SMTP on a local port, mail into the ./var/outbox Maildir) and the CLI commands.
"""

from __future__ import annotations

import json
import re
import sqlite3

import pytest
import redis

from tests.operating import DOMAIN, JAN, SAMPLE, Operator


@pytest.mark.timeout(120)
def test_the_readme_walkthrough_on_embedded_defaults(operator: Operator) -> None:
    service = operator.start("run")
    imported = operator.command("org", "import", str(SAMPLE))
    assert imported.stdout.strip() == "added 9, updated 0, unchanged 0"
    started = operator.command("campaign", "start", "--question", "Wat kan er beter?")
    assert started.stdout.strip() == "1"
    invitations = operator.wait_for_outbox(9)
    [to_jan] = [m for m in invitations if JAN in str(m["To"])]
    assert str(to_jan["Reply-To"]).startswith("ideas+s.")
    assert str(to_jan["Reply-To"]).endswith(f"@{DOMAIN}")

    operator.reply(to_jan, "Een tweede koffieautomaat in de kantine.")
    [idea] = operator.wait_for_ideas(1)
    assert idea["author"] == JAN
    assert idea["manager"] == "pieter.bakker@example.nl"
    assert idea["text"] == "Een tweede koffieautomaat in de kantine."
    assert idea["status"] == "open"
    mails = operator.wait_for_outbox(11)
    subjects = {str(m["To"]): str(m["Subject"]) for m in mails if "beter" not in str(m["Subject"])}
    # The manager's notification and Jan's thank-you: one subject, the idea's.
    subject = "Idee #1: Een tweede koffieautomaat in de kantine."
    assert subjects == {
        "Pieter Bakker <pieter.bakker@example.nl>": subject,
        f"Jan Jansen <{JAN}>": subject,
    }
    shown = json.loads(operator.command("ideas", "show", str(idea["id"]), "--json").stdout)
    assert shown["text"] == idea["text"]

    # HR decides on Pieter's behalf; the decision shows at once.
    decided = operator.command("ideas", "decide", str(idea["id"]), "accepted", "--note", "Komt er.")
    assert decided.stdout.strip() == f"idea {idea['id']}: accepted"
    shown = json.loads(operator.command("ideas", "show", str(idea["id"]), "--json").stdout)
    assert (shown["status"], shown["decision"], shown["note"]) == (
        "accepted",
        "accepted",
        "Komt er.",
    )
    wrong = operator.command("ideas", "decide", str(idea["id"]), "maybe", check=False)
    assert wrong.returncode == 2 and "OUTCOME must be one of" in wrong.stderr  # usage
    report = operator.command("report", "weekly").stdout
    assert report.startswith("ideabox weekoverzicht ")
    assert re.search(r"Ontvangen in totaal +1\n", report)
    assert re.search(r"Besloten in totaal +1\n", report)
    no_hr = operator.command("report", "weekly", "--send", check=False)
    assert no_hr.returncode == 1 and "IDEABOX_HR_EMAILS" in no_hr.stderr

    output = operator.stop(service)
    assert service.returncode == 0, output
    assert not (operator.cwd / "var" / "redis.sock").exists()  # embedded Redis stopped
    with sqlite3.connect(operator.cwd / "var" / "ideabox.sqlite3") as db:
        [(secret,)] = db.execute("SELECT secret FROM signing_key").fetchall()
    assert secret not in output  # never printed
    # A second start applies no migration and finds everything in place.
    service = operator.start("run")
    assert len(operator.ideas()) == 1
    operator.stop(service)


@pytest.mark.timeout(120)
def test_a_crash_between_receipt_and_processing_loses_nothing(operator: Operator) -> None:
    service = operator.start("run")
    operator.command("org", "import", str(SAMPLE))
    operator.command("campaign", "start", "--question", "Wat kan er beter?")
    [to_jan] = [m for m in operator.wait_for_outbox(9) if JAN in str(m["To"])]
    operator.stop(service)

    # Only the listener runs: the reply is stored and answered 250, not processed.
    intake = operator.start("intake")
    operator.reply(to_jan, "Fietsenstalling overdekken.")
    # The machine dies: the listener and its Redis (with the queued job) are gone.
    intake.kill()
    intake.communicate()
    redis.Redis(unix_socket_path=str(operator.cwd / "var" / "redis.sock")).shutdown(nosave=True)
    assert operator.ideas() == []

    service = operator.start("run")
    [idea] = operator.wait_for_ideas(1)
    assert idea["text"] == "Fietsenstalling overdekken."
    operator.stop(service)


def test_cli_errors_name_the_line_and_column(operator: Operator) -> None:
    bad = operator.cwd / "bad.csv"
    bad.write_text("e-mail;naam;leidinggevende\na@example.nl;A;baas@example.nl\n", encoding="utf-8")
    result = operator.command("org", "import", str(bad), check=False)
    assert result.returncode == 1
    assert "line 2, column manager_email: baas@example.nl is not in the file" in result.stderr
    assert "nothing imported" in result.stderr
    assert operator.command("ideas", "list").stdout.strip() == "no ideas yet"
    missing = operator.command("ideas", "show", "7", check=False)
    assert missing.returncode == 1 and "no idea with id 7" in missing.stderr
    operator.env["IDEABOX_TIMEZONE"] = "Mars/Base"
    wrong_setting = operator.command("ideas", "list", check=False)
    assert wrong_setting.returncode == 2
    assert "IDEABOX_TIMEZONE: 'Mars/Base' is not a time zone name" in wrong_setting.stderr
    del operator.env["IDEABOX_TIMEZONE"]
    help_text = operator.command("--help").stdout
    for command in ("run", "intake", "worker", "org", "campaign", "ideas", "parse"):
        assert command in help_text
