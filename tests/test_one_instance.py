"""Running it for real: one key for every process, one service per folder, no strays.

Real processes on real sockets: ``ideabox intake`` and ``ideabox worker`` in two
folders sharing only the database and Redis; two ``ideabox run`` racing for one
folder; the embedded Redis outliving nothing that started it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ideabox.embedded_redis import redis_server_binary
from tests.operating import JAN, SAMPLE, Operator


def processes() -> Iterator[tuple[int, str, list[str]]]:
    """(pid, command line, the fields of /proc/pid/stat after the name) of each process."""
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            # After the command's name in parentheses: state, ppid, ... (see proc(5)).
            fields = (proc / "stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue  # gone meanwhile
        yield int(proc.name), cmdline, fields


def redis_servers_under(folder: Path) -> list[int]:
    """Pids of redis-server processes whose socket is in ``folder``."""
    return [
        pid
        for pid, cmdline, _ in processes()
        if "redis-server" in cmdline and str(folder) in cmdline
    ]


def wait_until_gone(folder: Path, within: float = 10) -> list[int]:
    deadline = time.monotonic() + within
    while (left := redis_servers_under(folder)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return left


@pytest.mark.timeout(120)
async def test_intake_and_worker_in_two_folders_share_the_key_without_copying_it(
    tmp_path: Path, database_url: str, redis_url: str
) -> None:
    """No IDEABOX_SECRET_KEY, nothing copied: the key the worker signs with is the one
    the intake checks, because both read it from the database."""
    intake = Operator(tmp_path / "intake-host")
    worker = Operator(tmp_path / "worker-host")
    for op in (intake, worker):
        op.cwd.mkdir()
        op.env["IDEABOX_DATABASE_URL"] = database_url
        op.env["IDEABOX_REDIS_URL"] = redis_url
        op.env["IDEABOX_DOMAIN"] = "ideabox.localhost"
    worker.env["IDEABOX_SMTP_LISTEN"] = intake.env["IDEABOX_SMTP_LISTEN"]
    try:
        listener = intake.start("intake")
        worker.start("worker", listens=False)
        worker.command("org", "import", str(SAMPLE))
        worker.command("campaign", "start", "--question", "Wat kan er beter?")
        [to_jan] = [m for m in worker.wait_for_outbox(9) if JAN in str(m["To"])]

        intake.reply(to_jan, "Een tweede koffieautomaat in de kantine.")
        [idea] = intake.wait_for_ideas(1)
        assert idea["text"] == "Een tweede koffieautomaat in de kantine."
        assert not (intake.cwd / "var" / "secret_key").exists()
        assert not (worker.cwd / "var" / "secret_key").exists()
        intake.stop(listener)
    finally:
        intake.cleanup()
        worker.cleanup()


@pytest.mark.timeout(120)
def test_a_second_run_in_the_same_folder_says_who_holds_it_and_exits(operator: Operator) -> None:
    first = operator.start("run")
    second_port = Operator(operator.cwd).env["IDEABOX_SMTP_LISTEN"]
    second = subprocess.run(
        [sys.executable, "-m", "ideabox", "run"],
        cwd=operator.cwd,
        env={**operator.env, "IDEABOX_SMTP_LISTEN": second_port},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert second.returncode == 1
    [line] = second.stderr.strip().splitlines()
    assert f"is in use by ideabox run (pid {first.pid}, since " in line
    assert "Traceback" not in second.stdout + second.stderr
    assert first.poll() is None  # the first one is untouched, and still answers
    operator.command("org", "import", str(SAMPLE))
    operator.command("campaign", "start", "--question", "Wat kan er beter?")
    assert len(operator.wait_for_outbox(9)) == 9

    # Closing the terminal stops it as SIGTERM does, and takes the embedded Redis along.
    output = operator.stop(first, signal.SIGHUP)
    assert first.returncode == 0, output
    assert "ideabox: stopping on SIGHUP" in output
    assert wait_until_gone(operator.cwd) == []
    # The folder is free again.
    again = operator.start("run")
    operator.stop(again)


@pytest.mark.timeout(120)
def test_the_embedded_redis_dies_with_a_killed_service(operator: Operator) -> None:
    service = operator.start("run")
    [redis_pid] = redis_servers_under(operator.cwd)
    os.kill(service.pid, signal.SIGKILL)  # no handler runs: only the kernel can tell Redis
    service.communicate()
    assert wait_until_gone(operator.cwd) == [], f"redis-server {redis_pid} outlived ideabox"


@pytest.mark.timeout(120)
def test_a_redis_left_on_the_socket_is_stopped_not_adopted(operator: Operator) -> None:
    """A server some earlier process left on var/redis.sock belongs to nobody: the next
    start stops it and starts its own, so no job goes to a server about to vanish."""
    var = operator.cwd / "var"
    var.mkdir()
    binary = redis_server_binary()
    stray = subprocess.Popen(
        [str(binary), "--port", "0", "--unixsocket", str(var / "redis.sock"), "--save", ""],
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 10
        while not (var / "redis.sock").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        service = operator.start("run")
        assert stray.wait(timeout=10) == 0  # shut down by ideabox
        [own] = redis_servers_under(operator.cwd)
        assert own != stray.pid
        operator.stop(service)
    finally:
        if stray.poll() is None:
            stray.kill()
            stray.wait()


def workers_of(parent: int) -> list[tuple[int, int]]:
    """(pid, niceness) of the ``ideabox worker`` children of ``parent``."""
    return [
        (pid, int(fields[16]))  # the niceness is the 17th field after the name
        for pid, cmdline, fields in processes()
        if "ideabox worker" in cmdline and int(fields[1]) == parent
    ]


def wait_for_workers(parent: int, within: float = 20, but_not: int = 0) -> list[tuple[int, int]]:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        workers = [w for w in workers_of(parent) if w[0] != but_not]
        if workers:
            return workers
        time.sleep(0.1)
    return []


@pytest.mark.timeout(120)
def test_the_worker_of_run_is_a_child_at_lower_priority_kept_running_and_gone_with_it(
    operator: Operator,
) -> None:
    """The listener keeps its pace while the worker works: the worker is a process of its
    own that the OS serves second. It does its work, is started again when it dies, and
    does not outlive a service killed outright."""
    service = operator.start("run")
    [(worker, niceness)] = wait_for_workers(service.pid)
    assert niceness == os.getpriority(os.PRIO_PROCESS, 0) + 10
    operator.command("org", "import", str(SAMPLE))
    operator.command("campaign", "start", "--question", "Wat kan er beter?")
    [to_jan] = [m for m in operator.wait_for_outbox(9) if JAN in str(m["To"])]

    os.kill(worker, signal.SIGKILL)
    [(again, _)] = wait_for_workers(service.pid, but_not=worker)
    operator.reply(to_jan, "Een tweede koffieautomaat in de kantine.")
    [idea] = operator.wait_for_ideas(1)
    assert idea["text"] == "Een tweede koffieautomaat in de kantine."

    os.kill(service.pid, signal.SIGKILL)  # no handler runs: only the kernel can tell it
    service.communicate()
    deadline = time.monotonic() + 10
    while not gone(again) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert gone(again), f"worker {again} outlived ideabox run"


def gone(pid: int) -> bool:
    """Exited: no such process, or a zombie waiting to be reaped."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0] == "Z"
    except OSError:
        return True
