"""Campaign sending: invitations per second through ideabox vs aiosmtplib alone.

    .venv/bin/python bench/bench_campaign.py [--people 2000] [--connections 4]

Both send to the same local SMTP sink (a bare aiosmtpd answering 250, in its own
process so it does not share the interpreter with the sender). ideabox's figure is
the real path: outbox rows claimed and delivered by the arq worker over Redis, marked
sent in the database. The baseline sends the very same pre-rendered bytes with
aiosmtplib over the same number of connections. Prints both rates and their ratio.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiosmtplib

from core.app import App
from core.queue import Queue, redis_settings
from core.settings import Settings
from db.models import OutboxMail
from db.setup import close_database, open_database
from ideabox.embedded_redis import EmbeddedRedis
from workflows.campaigns import start_campaign
from workflows.org import import_people
from workflows.transport import RelayTransport, parse_relay_url
from workflows.worker import make_worker, stop_worker

SINK = """
import asyncio, sys
from aiosmtpd.smtp import SMTP
class Sink:
    async def handle_DATA(self, server, session, envelope):
        return "250 OK"
async def main():
    loop = asyncio.get_running_loop()
    port = int(sys.argv[1])
    server = await loop.create_server(lambda: SMTP(Sink(), hostname="sink"), "127.0.0.1", port)
    print("ready", flush=True)
    await asyncio.sleep(3600)
asyncio.run(main())
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def organisation(path: Path, people: int) -> None:
    lines = ["email;name;manager_email;language"]
    lines.append("boss@example.org;The Boss;;nl")
    for n in range(people - 1):
        lines.append(f"person{n}@example.org;Person {n};boss@example.org;{'nl' if n % 2 else 'en'}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


async def ideabox_rate(app: App, connections: int) -> tuple[float, float, int]:
    """(seconds to render and store, seconds to deliver everything, count)."""
    transport = RelayTransport(parse_relay_url(app.settings.relay_url), connections=connections)
    worker = make_worker(app, transport, redis_settings(app.queue.url), with_cron=False)
    task = asyncio.create_task(worker.async_run())
    started = time.perf_counter()
    result = await start_campaign(app, question="Wat kan er beter?")
    stored = time.perf_counter()
    while await OutboxMail.filter(sent_at=None).exists():  # noqa: ASYNC110 - polling the DB
        await asyncio.sleep(0.05)
    delivered = time.perf_counter()
    await stop_worker(worker, task)
    await transport.close()
    return stored - started, delivered - stored, result.invited


async def baseline_rate(
    port: int, mails: list[tuple[str, list[str], bytes]], connections: int
) -> float:
    queue: asyncio.Queue[tuple[str, list[str], bytes]] = asyncio.Queue()
    for mail in mails:
        queue.put_nowait(mail)

    async def sender() -> None:
        async with aiosmtplib.SMTP(hostname="127.0.0.1", port=port, start_tls=False) as client:
            while not queue.empty():
                sender_address, recipients, raw = queue.get_nowait()
                await client.sendmail(sender_address, recipients, raw)

    started = time.perf_counter()
    await asyncio.gather(*(sender() for _ in range(connections)))
    return time.perf_counter() - started


async def main(people: int, connections: int) -> None:
    port = free_port()
    sink = subprocess.Popen(  # noqa: ASYNC220 - started once, before timing
        [sys.executable, "-c", SINK, str(port)], stdout=subprocess.PIPE, text=True
    )
    assert sink.stdout is not None and sink.stdout.readline().strip() == "ready"
    workdir = Path(tempfile.mkdtemp(prefix="ibb"))
    redis = EmbeddedRedis(workdir / "redis")
    try:
        url = await redis.start()
        settings = Settings(
            var_dir=workdir / "var",
            redis_url=url,
            relay_url=f"smtp://127.0.0.1:{port}",
            secret_key="bench-only-key-" * 3,
        )
        await open_database(settings.database)
        app = App(settings, queue=await Queue.connect(url))
        await app.load_keys()
        csv_path = workdir / "org.csv"
        organisation(csv_path, people)
        await import_people(app, csv_path)
        render_s, send_s, count = await ideabox_rate(app, connections)
        rows = await OutboxMail.all().order_by("id")
        mails = [(f"ideas+b.{r.id}@bench", r.recipients, r.raw_bytes) for r in rows]
        base_s = await baseline_rate(port, mails, connections)
        base_1 = await baseline_rate(port, mails, 1)
        await app.queue.close()
        await close_database()
    finally:
        await redis.stop()
        sink.terminate()
        sink.wait()
        shutil.rmtree(workdir, ignore_errors=True)
    ideabox_per_s = count / send_s
    baseline_per_s = count / base_s
    print(f"invitations: {count}, relay connections: {connections}")
    print(f"ideabox render+store: {count / render_s:.0f} mails/s ({render_s:.2f} s)")
    print(f"ideabox send (worker, outbox -> sink): {ideabox_per_s:.0f} mails/s ({send_s:.2f} s)")
    print(f"ideabox end to end (start -> all sent): {count / (render_s + send_s):.0f} mails/s")
    print(f"aiosmtplib, same mails, {connections} connections: {baseline_per_s:.0f} mails/s")
    print(f"aiosmtplib, same mails, 1 connection: {count / base_1:.0f} mails/s")
    print(f"ratio send (target >= 0.7): {ideabox_per_s / baseline_per_s:.2f}")
    print(f"ratio end to end: {count / (render_s + send_s) / baseline_per_s:.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--connections", type=int, default=4)
    args = parser.parse_args()
    asyncio.run(main(args.people, args.connections))
