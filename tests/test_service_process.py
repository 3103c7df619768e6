"""The product as its operator meets it: the ``ideabox`` command on embedded defaults.

Separate processes, as in real life: ``ideabox run`` (SQLite and an embedded Redis under
./var, SMTP on a local port, mail into the ./var/outbox Maildir) and the CLI commands.
"""

from __future__ import annotations

import contextlib
import json
import mailbox
import os
import re
import signal
import smtplib
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from pathlib import Path

import pytest
import redis

SAMPLE = Path(__file__).parents[1] / "examples" / "organisation.csv"
DOMAIN = "ideabox.localhost"
JAN = "jan.jansen@example.nl"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Operator:
    """Runs ideabox commands in one working directory, as a person at a terminal would."""

    def __init__(self, cwd: Path) -> None:
        self.cwd = cwd
        self.port = free_port()
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("IDEABOX_")}
        self.env["IDEABOX_SMTP_LISTEN"] = f"127.0.0.1:{self.port}"
        self.env["IDEABOX_SWEEP_EVERY_SECONDS"] = "1"
        self.services: list[subprocess.Popen[str]] = []

    def command(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [sys.executable, "-m", "ideabox", *args],
            cwd=self.cwd,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"ideabox {' '.join(args)} failed:\n{result.stderr}")
        return result

    def start(self, mode: str) -> subprocess.Popen[str]:
        process = subprocess.Popen(
            [sys.executable, "-m", "ideabox", mode],
            cwd=self.cwd,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.services.append(process)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            assert process.poll() is None, process.stdout.read() if process.stdout else ""
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                    if s.recv(100).startswith(b"220"):
                        return process
            except OSError:
                time.sleep(0.1)
        raise AssertionError(f"ideabox {mode} did not start listening")

    def stop(self, process: subprocess.Popen[str], signum: int = signal.SIGINT) -> str:
        process.send_signal(signum)
        output, _ = process.communicate(timeout=30)
        return output

    def outbox(self) -> list[EmailMessage]:
        folder = mailbox.Maildir(self.cwd / "var" / "outbox", create=False)
        messages = []
        for key in sorted(folder.keys()):
            raw = folder.get_bytes(key)
            from email import message_from_bytes, policy

            parsed = message_from_bytes(raw, policy=policy.default)
            assert isinstance(parsed, EmailMessage)
            messages.append(parsed)
        return messages

    def wait_for_outbox(self, count: int, timeout: float = 30) -> list[EmailMessage]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            messages = self.outbox() if (self.cwd / "var" / "outbox" / "new").exists() else []
            if len(messages) >= count:
                return messages
            time.sleep(0.1)
        raise AssertionError(f"expected {count} mails in var/outbox, found {len(self.outbox())}")

    def ideas(self) -> list[dict[str, object]]:
        return json.loads(self.command("ideas", "list", "--json").stdout)  # type: ignore[no-any-return]

    def wait_for_ideas(self, count: int, timeout: float = 30) -> list[dict[str, object]]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ideas = self.ideas()
            if len(ideas) >= count:
                return ideas
            time.sleep(0.2)
        raise AssertionError("no idea appeared")

    def reply(self, invitation: EmailMessage, text: str) -> None:
        reply = EmailMessage()
        reply["From"] = f"Jan Jansen <{JAN}>"
        reply["To"] = invitation["Reply-To"]
        reply["Subject"] = "RE: " + str(invitation["Subject"])
        reply["Message-ID"] = "<reply-1@example.nl>"
        reply["In-Reply-To"] = invitation["Message-ID"]
        body = invitation.get_body(preferencelist=("plain",))
        assert body is not None
        quoted = "\n".join("> " + line for line in str(body.get_content()).splitlines())
        reply.set_content(f"{text}\n\nOp 24 nov. 2026 om 10:00 schreef ideabox:\n{quoted}\n")
        with smtplib.SMTP("127.0.0.1", self.port, timeout=10) as client:
            client.sendmail(JAN, [str(invitation["Reply-To"])], reply.as_bytes(policy=SMTP_POLICY))

    def cleanup(self) -> None:
        for process in self.services:
            if process.poll() is None:
                process.kill()
                process.communicate()
        sock = self.cwd / "var" / "redis.sock"
        if sock.exists():  # a Redis left behind by a killed process
            with contextlib.suppress(redis.exceptions.ConnectionError):
                redis.Redis(unix_socket_path=str(sock)).shutdown(nosave=True)


@pytest.fixture
def operator(tmp_path: Path) -> Iterator[Operator]:
    # A short working directory: the embedded Redis listens on a unix socket under it.
    op = Operator(tmp_path)
    yield op
    op.cleanup()


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
    assert subjects == {
        "Pieter Bakker <pieter.bakker@example.nl>": "Nieuw idee van Jan Jansen",
        f"Jan Jansen <{JAN}>": "Bedankt voor je idee",
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
    assert (operator.cwd / "var" / "secret_key").read_text() not in output  # never printed
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
