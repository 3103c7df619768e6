"""Intake throughput: ideabox's real SMTP listener against a bare aiosmtpd server.

    python bench/bench_intake.py [--messages 4000] [--connections 8] [--rounds 5]
        [--database-url postgres://user@127.0.0.1:5432/db] [--redis-url redis://...]

One client (a separate process, so it does not share the server's interpreter) opens
``--connections`` SMTP connections to 127.0.0.1, reuses each for its share of the
messages (about 4 KB each, unique Message-IDs) and counts the 250 answers. Each round
runs it against a bare aiosmtpd server that only answers 250, then against ideabox's
listener (the real handler: rate limit, RCPT checks, store, queue) on a fresh SQLite
file in a temp folder and the embedded Redis; every accepted message is then checked to
be a row in the database. With ``--database-url`` (a PostgreSQL server: a temporary
database is created on it and dropped) or IDEABOX_BENCH_DATABASE_URL, ideabox is also
measured on PostgreSQL. Rounds alternate so that other load on the machine hits all
servers alike; the best and the median of the rounds are printed, then the ratios.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from aiosmtpd.smtp import SMTP  # noqa: E402  (needs the repo root on sys.path)

DOMAIN = "ideabox.bench"
TIME_LIMIT = 120.0  # seconds per run: the bench never hangs


# --- the client (run in its own process) -------------------------------------------------


def make_message(n: int, sender: str) -> bytes:
    """A realistic reply of about 4 KB: multipart/alternative, a quoted invitation."""
    text = (
        "Goedemorgen,\r\n\r\nDe koffieautomaat op de tweede verdieping is al weken kapot. "
        "Kunnen we die laten repareren, of een tweede neerzetten bij de trap?\r\n\r\n"
        "Met vriendelijke groet,\r\nJan\r\n\r\n"
        "Van: ideabox <ideas@ideabox.bench>\r\nVerzonden: dinsdag 24 november 2026 09:00\r\n"
        "Onderwerp: Noem een punt wat deze organisatie zou moeten verbeteren\r\n\r\n"
        + "> Beste collega, wat zou jij verbeteren? Antwoord gewoon op deze mail.\r\n" * 18
        + "\r\n"
    )
    html = "<html><body><p>" + text.replace("\r\n", "<br>\r\n") + "</p></body></html>\r\n"
    headers = (
        f"Received: from mail.example.nl (mail.example.nl [192.0.2.{n % 250 + 1}])\r\n"
        f"\tby mx.ideabox.bench with ESMTPS id {uuid.uuid4().hex[:12]}\r\n"
        f"\tfor <ideas@{DOMAIN}>; Tue, 24 Nov 2026 09:12:{n % 60:02d} +0100\r\n"
        f"From: Jan Jansen <{sender}>\r\n"
        f"To: ideabox <ideas@{DOMAIN}>\r\n"
        "Subject: RE: Noem een punt wat deze organisatie zou moeten verbeteren\r\n"
        "Date: Tue, 24 Nov 2026 09:12:00 +0100\r\n"
        f"Message-ID: <bench.{n}.{uuid.uuid4().hex}@mail.example.nl>\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/alternative; boundary="b1"\r\n'
        "Thread-Topic: Noem een punt\r\nX-MS-Has-Attach: \r\n\r\n"
    )
    body = (
        "--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        + text
        + "--b1\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
        + html
        + "--b1--\r\n"
    )
    return (headers + body).encode()


async def reply_code(reader: asyncio.StreamReader) -> int:
    """The code of one (possibly multi-line) SMTP reply."""
    while True:
        line = await reader.readline()
        if not line:
            raise ConnectionError("server closed the connection")
        if line[3:4] != b"-":
            return int(line[:3])


async def _connection(port: int, messages: list[tuple[str, bytes]], codes: dict[int, int]) -> int:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    accepted = 0
    try:
        await reply_code(reader)
        writer.write(b"EHLO client.bench\r\n")
        await reply_code(reader)
        for sender, raw in messages:
            writer.write(f"MAIL FROM:<{sender}>\r\n".encode())
            if await reply_code(reader) != 250:
                writer.write(b"RSET\r\n")
                await reply_code(reader)
                continue
            writer.write(f"RCPT TO:<ideas@{DOMAIN}>\r\n".encode())
            await reply_code(reader)
            writer.write(b"DATA\r\n")
            await reply_code(reader)
            writer.write(raw + b".\r\n")  # no line starts with "." (no dot-stuffing needed)
            code = await reply_code(reader)
            codes[code] = codes.get(code, 0) + 1
            accepted += code == 250
        writer.write(b"QUIT\r\n")
        await reply_code(reader)
    finally:
        writer.close()
    return accepted


async def run_client(port: int, count: int, connections: int) -> dict[str, Any]:
    senders = [f"person{i}@example.nl" for i in range(50)]
    batches: list[list[tuple[str, bytes]]] = [[] for _ in range(connections)]
    for n in range(count):
        sender = senders[n % len(senders)]
        batches[n % connections].append((sender, make_message(n, sender)))
    codes: dict[int, int] = {}
    start = time.perf_counter()
    results = await asyncio.gather(*(_connection(port, b, codes) for b in batches))
    seconds = time.perf_counter() - start
    return {
        "accepted": sum(results),
        "seconds": seconds,
        "codes": codes,
        "bytes": sum(len(raw) for b in batches for _, raw in b) // max(count, 1),
    }


def client(port: int, count: int, connections: int) -> dict[str, Any]:
    """Run the client in a fresh process and return what it measured."""
    done = subprocess.run(
        [
            sys.executable,
            __file__,
            "--client",
            str(port),
            "--messages",
            str(count),
            "--connections",
            str(connections),
        ],
        capture_output=True,
        text=True,
        timeout=TIME_LIMIT,
        check=True,
    )
    result: dict[str, Any] = json.loads(done.stdout)
    return result


# --- the servers ---------------------------------------------------------------------------


class Bare:
    async def handle_DATA(self, server: SMTP, session: Any, envelope: Any) -> str:
        return "250 OK"


async def bare_server(count: int, connections: int) -> dict[str, Any]:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(Bare(), hostname="localhost", decode_data=False), "127.0.0.1", 0
    )
    try:
        return await asyncio.to_thread(
            client, server.sockets[0].getsockname()[1], count, connections
        )
    finally:
        server.close()


@contextlib.asynccontextmanager
async def postgres_database(server_url: str) -> Any:
    """A fresh database on the server, dropped afterwards."""
    import asyncpg

    name = f"ideabox_bench_{uuid.uuid4().hex[:10]}"
    dsn = server_url.replace("postgres://", "postgresql://", 1)
    admin = await asyncpg.connect(dsn)
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    try:
        yield f"{server_url.rpartition('/')[0]}/{name}"
    finally:
        admin = await asyncpg.connect(dsn)
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def ideabox_server(
    count: int, connections: int, database_url: str, redis_url: str, var: Path
) -> dict[str, Any]:
    from core.app import App
    from core.queue import Queue
    from core.settings import Settings
    from db.models import InboundMessage
    from db.setup import close_database, open_database
    from intake.server import start_listener

    settings = Settings(
        var_dir=var,
        database_url=database_url,
        redis_url=redis_url,
        domain=DOMAIN,
        secret_key="bench-only-key-" * 3,
        smtp_listen="127.0.0.1:0",
        # The limit is checked on every message (a Redis round trip) but never reached.
        rate_limit_messages=10**9,
    )
    await open_database(settings.database)
    queue = await Queue.connect(redis_url)
    assert queue.pool is not None, f"Redis not reachable at {redis_url}"
    await queue.pool.flushdb()
    app = App(settings, queue=queue)
    await app.load_keys()
    listener = await start_listener(app, "127.0.0.1", 0)
    try:
        result = await asyncio.to_thread(client, listener.port, count, connections)
        result["stored"] = await InboundMessage.all().count()
        result["queued"] = await queue.pool.zcard("arq:queue")
    finally:
        await listener.close()
        await queue.pool.flushdb()
        await queue.close()
        await close_database()
    return result


def ideabox_process(
    args: argparse.Namespace, database_url: str, redis_url: str, var: Path
) -> dict[str, Any]:
    """Measure ideabox in a fresh process: the ORM keeps per-backend state per process."""
    done = subprocess.run(
        [
            sys.executable,
            __file__,
            "--serve",
            database_url,
            "--redis-url",
            redis_url,
            "--var",
            str(var),
            "--messages",
            str(args.messages),
            "--connections",
            str(args.connections),
        ],
        capture_output=True,
        text=True,
        timeout=TIME_LIMIT * 2,
        check=False,
    )
    if done.returncode != 0:
        print(done.stderr[-3000:], file=sys.stderr)
        raise SystemExit(f"the ideabox run failed ({done.returncode})")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


# --- the run -----------------------------------------------------------------------------


def summary(name: str, results: list[dict[str, Any]]) -> tuple[float, float]:
    """Print and return the best and the median rate over the rounds."""
    rates = [r["accepted"] / r["seconds"] for r in results]
    best, median = max(rates), statistics.median(rates)
    runs = ", ".join(f"{rate:.0f}" for rate in rates)
    print(f"{name}: best {best:.0f} messages/s, median {median:.0f} (runs: {runs})")
    for r in results:
        if r["codes"] != {"250": r["accepted"]} or r.get("stored", r["accepted"]) != r["accepted"]:
            print(
                f"  a run did not store everything: replies {r['codes']}, stored {r.get('stored')}"
            )
    return best, median


def ratio(name: str, ours: tuple[float, float], bare: tuple[float, float], target: str) -> None:
    print(
        f"ratio {name}/bare: {ours[0] / bare[0]:.2f} best to best, "
        f"{ours[1] / bare[1]:.2f} median to median{target}"
    )


async def main_async(args: argparse.Namespace) -> int:
    from ideabox.embedded_redis import EmbeddedRedis

    logging.basicConfig(level=logging.WARNING)
    temp = Path(tempfile.mkdtemp(prefix="ibb"))  # short: unix socket paths are limited
    embedded: EmbeddedRedis | None = None
    try:
        redis_url = args.redis_url
        if not redis_url:
            embedded = EmbeddedRedis(temp / "redis")
            redis_url = await embedded.start()
        print(
            f"messages: {args.messages} per run of ~{len(make_message(0, 'x@example.nl'))} "
            f"bytes, {args.connections} connections, client in its own process, "
            f"{os.cpu_count()} cores, {args.rounds} rounds"
        )
        print(f"redis: {'embedded (unix socket)' if embedded else redis_url}")
        bare: list[dict[str, Any]] = []
        sqlite: list[dict[str, Any]] = []
        pg: list[dict[str, Any]] = []
        # Rounds alternate between the servers, so a busy moment on the machine does
        # not fall on one of them only.
        for n in range(args.rounds):
            bare.append(await bare_server(args.messages, args.connections))
            url = f"sqlite://{temp / f'ideabox{n}.sqlite3'}"
            sqlite.append(
                await asyncio.to_thread(ideabox_process, args, url, redis_url, temp / "var")
            )
            if args.database_url:
                async with postgres_database(args.database_url) as url:
                    pg.append(
                        await asyncio.to_thread(ideabox_process, args, url, redis_url, temp / "v")
                    )
        bare_rate = summary("bare aiosmtpd (answers 250 only)", bare)
        sqlite_rate = summary("ideabox intake, SQLite (accepted and stored)", sqlite)
        if pg:
            pg_rate = summary("ideabox intake, PostgreSQL (accepted and stored)", pg)
        ratio("SQLite", sqlite_rate, bare_rate, " (target >= 0.5)")
        if pg:
            ratio("PostgreSQL", pg_rate, bare_rate, "")
    finally:
        if embedded is not None:
            await embedded.stop()
        shutil.rmtree(temp, ignore_errors=True)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=4000, help="per run (default 4000)")
    parser.add_argument("--connections", type=int, default=8, help="concurrent (default 8)")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("IDEABOX_BENCH_DATABASE_URL", ""),
        help="also measure on this PostgreSQL server",
    )
    parser.add_argument("--redis-url", default="", help="a Redis server (default: embedded)")
    parser.add_argument("--rounds", type=int, default=5, help="runs of each (default 5)")
    parser.add_argument("--client", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--serve", default="", help=argparse.SUPPRESS)
    parser.add_argument("--var", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.messages = max(1, min(args.messages, 50_000))
    args.connections = max(1, min(args.connections, 64))
    args.rounds = max(1, min(args.rounds, 10))
    if args.client:
        print(json.dumps(asyncio.run(run_client(args.client, args.messages, args.connections))))
        return 0
    if args.serve:
        logging.basicConfig(level=logging.CRITICAL)
        result = asyncio.run(
            ideabox_server(
                args.messages, args.connections, args.serve, args.redis_url, Path(args.var)
            )
        )
        print(json.dumps(result))
        return 0
    return asyncio.run(main_async(args))


if __name__ == "__main__":
    raise SystemExit(main())
