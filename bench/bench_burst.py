"""A burst of replies as a new user meets it: ``ideabox run`` on its embedded defaults.

    python bench/bench_burst.py [--people 200] [--replies 2000] [--connections 8]

Starts ``ideabox run`` in a temporary folder (SQLite, the embedded Redis, the Maildir),
imports ``--people`` people under 20 managers and starts a campaign. Then a client in
its own process sends ``--replies`` replies to the signed invitation addresses, over
``--connections`` connections, while the worker turns the earlier ones into ideas and
mails. Printed: the listener's rate (accepted and stored) and its SMTP transaction times
(p50, p99) during the burst, the same client's rate against a bare aiosmtpd server that
only answers 250, their ratio (target >= 0.5), and how long until every reply was an idea.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import mailbox
import os
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

from aiosmtpd.smtp import SMTP

# The same SMTP client pieces and bare server as the intake bench (this folder).
from bench_intake import Bare, reply_code

DOMAIN = "ideabox.bench"
MANAGERS = 20
TIME_LIMIT = 300.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# --- the client (its own process) ---------------------------------------------------------


async def _connection(
    port: int, messages: list[dict[str, str]], times: list[float], codes: dict[int, int]
) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    await reply_code(reader)
    writer.write(b"EHLO client.bench\r\n")
    await reply_code(reader)
    for m in messages:
        start = time.perf_counter()
        writer.write(f"MAIL FROM:<{m['sender']}>\r\n".encode())
        await reply_code(reader)
        writer.write(f"RCPT TO:<{m['to']}>\r\n".encode())
        await reply_code(reader)
        writer.write(b"DATA\r\n")
        await reply_code(reader)
        writer.write(m["raw"].encode() + b".\r\n")
        code = await reply_code(reader)
        times.append(time.perf_counter() - start)
        codes[code] = codes.get(code, 0) + 1
    writer.write(b"QUIT\r\n")
    await reply_code(reader)
    writer.close()


async def run_client(port: int, path: Path, connections: int) -> dict[str, Any]:
    messages = json.loads(path.read_text())
    batches = [messages[n::connections] for n in range(connections)]
    times: list[float] = []
    codes: dict[int, int] = {}
    start = time.perf_counter()
    await asyncio.gather(*(_connection(port, b, times, codes) for b in batches))
    seconds = time.perf_counter() - start
    times.sort()
    return {
        "accepted": codes.get(250, 0),
        "codes": codes,
        "seconds": seconds,
        "p50_ms": 1000 * times[len(times) // 2],
        "p99_ms": 1000 * times[int(len(times) * 0.99)],
    }


def client(port: int, path: Path, connections: int) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, "--client", str(port), str(path), str(connections)],
        capture_output=True,
        text=True,
        timeout=TIME_LIMIT,
        check=True,
    )
    result: dict[str, Any] = json.loads(done.stdout)
    return result


# --- set-up -------------------------------------------------------------------------------


def organisation(people: int) -> str:
    rows = ["email,name,manager_email,department,language"]
    rows += [f"manager{m}@example.nl,Manager {m},,Team {m},nl" for m in range(MANAGERS)]
    rows += [
        f"person{i}@example.nl,Persoon {i},manager{i % MANAGERS}@example.nl,Team {i % MANAGERS},nl"
        for i in range(people)
    ]
    return "\n".join(rows) + "\n"


def a_reply(n: int, sender: str, invitation: Any) -> dict[str, str]:
    quoted = "".join(
        f"> {line}\r\n" for line in str(invitation.get_body(("plain",)).get_content()).splitlines()
    )
    raw = (
        f"From: Persoon <{sender}>\r\n"
        f"To: {invitation['Reply-To']}\r\n"
        f"Subject: RE: {invitation['Subject']}\r\n"
        "Date: Tue, 24 Nov 2026 09:12:00 +0100\r\n"
        f"Message-ID: <burst.{n}.{uuid.uuid4().hex}@mail.example.nl>\r\n"
        f"In-Reply-To: {invitation['Message-ID']}\r\n"
        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        f"Idee nummer {n}: de koffieautomaat op verdieping {n % 7} is weer kapot, kan er een"
        f" tweede bij de trap?\r\n\r\nGroet,\r\nPersoon\r\n\r\n"
        f"Op 24 nov. 2026 om 09:00 schreef ideabox:\r\n{quoted}"
    )
    return {"sender": sender, "to": str(invitation["Reply-To"]), "raw": raw}


def ideas_stored(var: Path) -> int:
    with sqlite3.connect(var / "ideabox.sqlite3", timeout=30) as db:
        return int(db.execute("SELECT COUNT(*) FROM idea").fetchone()[0])


async def bare_rate(path: Path, connections: int) -> dict[str, Any]:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(Bare(), hostname="localhost", decode_data=False), "127.0.0.1", 0
    )
    try:
        return await asyncio.to_thread(
            client, server.sockets[0].getsockname()[1], path, connections
        )
    finally:
        server.close()


def main_run(args: argparse.Namespace) -> int:
    temp = Path(tempfile.mkdtemp(prefix="ibb"))
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("IDEABOX_")}
    env.update(
        IDEABOX_VAR_DIR=str(temp / "var"),
        IDEABOX_SMTP_LISTEN=f"127.0.0.1:{port}",
        IDEABOX_DOMAIN=DOMAIN,
        IDEABOX_RATE_LIMIT_MESSAGES="1000000",
        IDEABOX_ANSWERS_PER_DAY="100000",
        IDEABOX_SWEEP_EVERY_SECONDS="1",
    )

    def ideabox(*command: str) -> None:
        subprocess.run(
            [sys.executable, "-m", "ideabox", *command], cwd=temp, env=env, check=True,
            capture_output=True, timeout=TIME_LIMIT,
        )  # fmt: skip

    service = subprocess.Popen(
        [sys.executable, "-m", "ideabox", "run"], cwd=temp, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        (temp / "org.csv").write_text(organisation(args.people))
        ideabox("org", "import", "org.csv")
        ideabox("campaign", "start", "--question", "Wat kan er beter?")
        outbox = temp / "var" / "outbox"
        invitations: dict[str, Any] = {}
        deadline = time.monotonic() + TIME_LIMIT
        while len(invitations) < args.people + MANAGERS and time.monotonic() < deadline:
            time.sleep(0.5)
            if (outbox / "new").exists():
                for raw in mailbox.Maildir(outbox, create=False).values():
                    message = message_from_bytes(raw.as_bytes(), policy=policy.default)
                    invitations[str(message["To"]).split("<")[-1].rstrip(">")] = message
        senders = [f"person{i}@example.nl" for i in range(args.people)]
        messages = [a_reply(n, senders[n % len(senders)], invitations[senders[n % len(senders)]])
                    for n in range(args.replies)]  # fmt: skip
        path = temp / "messages.json"
        path.write_text(json.dumps(messages))
        size = sum(len(m["raw"]) for m in messages) // len(messages)
        print(f"replies: {args.replies} of ~{size} bytes from {args.people} people,"
              f" {args.connections} connections, {os.cpu_count()} cores")  # fmt: skip

        bare = asyncio.run(bare_rate(path, args.connections))
        start = time.perf_counter()
        ours = client(port, path, args.connections)
        while (
            ideas_stored(temp / "var") < ours["accepted"]
            and time.perf_counter() - start < TIME_LIMIT
        ):
            time.sleep(0.2)
        all_ideas = time.perf_counter() - start
        ideas = ideas_stored(temp / "var")
    finally:
        service.terminate()
        service.wait(timeout=60)
    bare_per_s = args.replies / bare["seconds"]
    ours_per_s = ours["accepted"] / ours["seconds"]
    print(f"bare aiosmtpd (answers 250 only): {bare_per_s:.0f} messages/s")
    print(
        f"ideabox run, during the burst: {ours_per_s:.0f} messages/s accepted and stored"
        f" ({ours['accepted']} of {args.replies}; codes {ours['codes']}),"
        f" SMTP transaction p50 {ours['p50_ms']:.1f} ms, p99 {ours['p99_ms']:.1f} ms"
    )
    print(f"every reply an idea after: {all_ideas:.1f} s ({ideas} ideas,"
          f" {ideas / all_ideas:.0f} ideas/s)")  # fmt: skip
    print(f"ratio burst/bare (target >= 0.5): {ours_per_s / bare_per_s:.2f}")
    return 0 if ideas == ours["accepted"] == args.replies else 1


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--client":
        port, path, connections = int(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4])
        print(json.dumps(asyncio.run(run_client(port, path, connections))))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--replies", type=int, default=2000)
    parser.add_argument("--connections", type=int, default=8)
    return main_run(parser.parse_args())


if __name__ == "__main__":
    sys.exit(main())
