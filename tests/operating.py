"""An operator at a terminal: ``ideabox`` commands in one working directory, services
started and stopped as separate processes (``tests.conftest`` makes the fixture)."""

from __future__ import annotations

import contextlib
import json
import mailbox
import os
import signal
import smtplib
import socket
import subprocess
import sys
import time
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from pathlib import Path

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

    def start(self, mode: str, *, listens: bool = True) -> subprocess.Popen[str]:
        process = subprocess.Popen(
            [sys.executable, "-m", "ideabox", mode],
            cwd=self.cwd,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.services.append(process)
        if not listens:  # a worker: it answers no SMTP, and waits for Redis if need be
            time.sleep(1)
            assert process.poll() is None, process.stdout.read() if process.stdout else ""
            return process
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

    def reply(
        self,
        invitation: EmailMessage,
        text: str,
        message_id: str = "<reply-1@example.nl>",
        sender: tuple[str, str] = ("Jan Jansen", JAN),
    ) -> None:
        reply = EmailMessage()
        reply["From"] = f"{sender[0]} <{sender[1]}>"
        reply["To"] = invitation["Reply-To"]
        reply["Subject"] = "RE: " + str(invitation["Subject"])
        reply["Message-ID"] = message_id
        reply["In-Reply-To"] = invitation["Message-ID"]
        body = invitation.get_body(preferencelist=("plain",))
        assert body is not None
        quoted = "\n".join("> " + line for line in str(body.get_content()).splitlines())
        reply.set_content(f"{text}\n\nOp 24 nov. 2026 om 10:00 schreef ideabox:\n{quoted}\n")
        with smtplib.SMTP("127.0.0.1", self.port, timeout=10) as client:
            client.sendmail(
                sender[1], [str(invitation["Reply-To"])], reply.as_bytes(policy=SMTP_POLICY)
            )

    def cleanup(self) -> None:
        for process in self.services:
            if process.poll() is None:
                process.kill()
                process.communicate()
        sock = self.cwd / "var" / "redis.sock"
        if sock.exists():  # a Redis left behind by a killed process
            with contextlib.suppress(redis.exceptions.ConnectionError):
                redis.Redis(unix_socket_path=str(sock)).shutdown(nosave=True)
