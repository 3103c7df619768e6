"""Every mistake at the command line ends in one line and an exit code, never a traceback.

The real ``main()`` as the ``ideabox`` script calls it; each case checks the line, the
code (2 for usage, 1 for a failure) and that nothing stored changed.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import sys
from pathlib import Path

import pytest

from ideabox.cli import main

ORG = "email,name,manager_email\nboss@example.nl,Boss,\na@example.nl,A,boss@example.nl\n"


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for name in [n for n in list(os.environ) if n.startswith("IDEABOX_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("IDEABOX_VAR_DIR", str(tmp_path / "var"))
    return tmp_path


def ideabox(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["ideabox", *args])
    with pytest.raises(SystemExit) as ended:
        main()
    out, err = capsys.readouterr()
    code = ended.value.code
    return (code if isinstance(code, int) else 1), out, err


def people(folder: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(folder / "var" / "ideabox.sqlite3") as db:
        return sorted(db.execute("SELECT email, name FROM person").fetchall())


def one_line(err: str) -> str:
    assert err.count("\n") == 1, err
    assert "Traceback" not in err
    assert err.startswith("ideabox: ")
    return err


@pytest.fixture
def imported(
    folder: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> list[tuple[str, str]]:
    (folder / "org.csv").write_text(ORG)
    code, out, _ = ideabox(monkeypatch, capsys, "org", "import", "org.csv")
    assert (code, out) == (0, "added 2, updated 0, unchanged 0\n")
    return people(folder)


CSV_MISTAKES = {
    "binary.csv": (b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00>\x00\x01", "not a CSV text file"),
    "quote.csv": (
        b'email,name,manager_email\nc@example.nl,"Unclosed quote,boss@example.nl\n'
        b"d@example.nl,D,boss@example.nl\n",
        "line 2: a quote opened on this line is never closed",
    ),
}


@pytest.mark.parametrize("name", sorted(CSV_MISTAKES))
def test_a_broken_csv_is_one_line_naming_the_file_and_row(
    name: str,
    folder: Path,
    imported: list[tuple[str, str]],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    content, said = CSV_MISTAKES[name]
    (folder / name).write_bytes(content)
    code, _, err = ideabox(monkeypatch, capsys, "org", "import", name)
    assert code == 1
    assert one_line(err).startswith(f"ideabox: {name}: ") and said in err, err
    assert people(folder) == imported


USAGE_MISTAKES = [
    (("ideas", "list", "--status", "bogus"), "'bogus' is not one of 'open', 'accepted'"),
    (("ideas", "show", "seven"), "Invalid value for 'ID'"),
    (("ideas", "decide", "1"), "Missing argument 'OUTCOME'"),
    (("org", "import", "nowhere.csv"), "'nowhere.csv' does not exist"),
    (("campaign", "start"), "Missing option '--question'"),
    (("key", "rotate", "--keep-days", "-1"), "'--keep-days'"),
    (("nosuchcommand",), "No such command 'nosuchcommand'"),
]


@pytest.mark.parametrize(
    ("args", "said"), USAGE_MISTAKES, ids=[" ".join(a) for a, _ in USAGE_MISTAKES]
)
def test_a_usage_mistake_is_one_line_and_exit_code_2(
    args: tuple[str, ...],
    said: str,
    folder: Path,
    imported: list[tuple[str, str]],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = ideabox(monkeypatch, capsys, *args)
    assert code == 2
    assert said in one_line(err), err
    assert "(see 'ideabox" in err  # where to read more
    assert people(folder) == imported


@pytest.fixture
def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize("command", [("ideas", "list"), ("run",)])
def test_a_database_that_is_not_there_is_one_line_naming_the_variable(
    command: tuple[str, ...],
    folder: Path,
    closed_port: int,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("IDEABOX_DATABASE_URL", f"postgres://u:hunter2@127.0.0.1:{closed_port}/x")
    monkeypatch.setenv("IDEABOX_SMTP_LISTEN", f"127.0.0.1:{closed_port}")
    code, _, err = ideabox(monkeypatch, capsys, *command)
    assert code == 1
    line = one_line(err)
    assert line.startswith("ideabox: IDEABOX_DATABASE_URL: cannot open postgres://u:***@127"), err
    assert "hunter2" not in err


def test_the_smtp_port_in_use_is_one_line_naming_the_variable(
    folder: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        monkeypatch.setenv("IDEABOX_SMTP_LISTEN", f"127.0.0.1:{port}")
        code, _, err = ideabox(monkeypatch, capsys, "run")
    assert code == 1
    assert one_line(err) == (
        f"ideabox: IDEABOX_SMTP_LISTEN: cannot listen on 127.0.0.1:{port}: address already in use\n"
    )
    assert not (folder / "var" / "redis.sock").exists()  # what it started, it stopped


def test_key_rotate_with_a_configured_key_says_who_signs(
    folder: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("IDEABOX_SECRET_KEY", "k" * 40)
    code, _, err = ideabox(monkeypatch, capsys, "key", "rotate")
    assert code == 1
    assert "IDEABOX_SECRET_KEY is set" in one_line(err)


def test_version(
    folder: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = ideabox(monkeypatch, capsys, "--version")
    assert code == 0
    assert out.startswith("ideabox ") and out.strip().split()[1][0].isdigit()


def test_a_spool_file_that_is_not_a_database_is_named_in_one_line(
    folder: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The listener's spool next to the database is damaged: ``ideabox run`` says which
    file and why, and leaves it as it is (it may hold accepted mail someone recovers)."""
    spool = folder / "var" / "ideabox.spool.sqlite3"
    spool.parent.mkdir(parents=True, exist_ok=True)
    spool.write_bytes(b"not a database, but sixteen bytes and more" * 100)
    monkeypatch.setenv("IDEABOX_SMTP_LISTEN", "127.0.0.1:0")
    code, _, err = ideabox(monkeypatch, capsys, "run")
    assert code == 1
    assert one_line(err) == (
        f"ideabox: cannot open the intake spool {spool}: file is not a database\n"
    )
    assert spool.read_bytes().startswith(b"not a database")
    assert not (folder / "var" / "redis.sock").exists()  # what it started, it stopped
