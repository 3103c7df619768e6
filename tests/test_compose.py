"""The container set-up: docker-compose.yml and the Dockerfile keep what they promise.

No Docker engine is needed: the compose file is checked against the Compose
specification (check-jsonschema's vendored copy, no network) and read as YAML; the
Dockerfile is read line by line.
"""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML  # comes with check-jsonschema

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"

SERVICES = ("postgres", "redis", "intake", "worker", "mailcatcher")


def compose() -> dict[str, Any]:
    data = YAML(typ="safe").load(COMPOSE.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def service(name: str) -> dict[str, Any]:
    services = compose()["services"]
    assert name in services, f"no service {name!r} in {COMPOSE.name}"
    spec: dict[str, Any] = services[name]
    return spec


def environment(name: str) -> dict[str, str]:
    """A service's environment as a mapping, whichever syntax the file uses."""
    env = service(name).get("environment", {})
    if isinstance(env, list):
        return dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {key: "" if value is None else str(value) for key, value in env.items()}


def command(name: str) -> list[str]:
    cmd = service(name).get("command")
    return shlex.split(cmd) if isinstance(cmd, str) else list(cmd or [])


def instructions() -> list[tuple[str, str]]:
    """The Dockerfile as (INSTRUCTION, arguments), continuation lines joined."""
    result: list[tuple[str, str]] = []
    pending = ""
    for raw in DOCKERFILE.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if line.startswith("#"):  # a comment inside a continued instruction
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        full = (pending + line).strip()
        pending = ""
        if full:
            keyword, _, args = full.partition(" ")
            result.append((keyword.upper(), args.strip()))
    assert not pending, "the Dockerfile ends inside a continued line"
    return result


def copy_sources() -> list[str]:
    """What the Dockerfile's COPY and ADD lines take from the build context."""
    sources: list[str] = []
    for keyword, args in instructions():
        if keyword not in ("COPY", "ADD"):
            continue
        parts = json.loads(args) if args.startswith("[") else shlex.split(args)
        flags = [p for p in parts if p.startswith("--")]
        if any(flag.startswith("--from") for flag in flags):
            continue  # from another stage or image, not from the repo
        paths = [p for p in parts if not p.startswith("--")]
        assert len(paths) >= 2, f"{keyword} {args}: needs a source and a destination"
        sources.extend(paths[:-1])
    return sources


def check_against_compose_spec(path: Path) -> subprocess.CompletedProcess[str]:
    """check-jsonschema with its vendored Compose specification schema (no network)."""
    schema = ["--builtin-schema", "vendor.compose-spec"]
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", *schema, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


# --- docker-compose.yml ----------------------------------------------------------------


def test_compose_file_follows_the_compose_specification() -> None:
    result = check_against_compose_spec(COMPOSE)
    assert result.returncode == 0, result.stdout + result.stderr


def test_schema_check_rejects_a_broken_compose_file(tmp_path: Path) -> None:
    # Guards the test above against a check that would pass anything.
    broken = tmp_path / "docker-compose.yml"
    broken.write_text("services:\n  intake:\n    build: .\n    restart: 5\n    bogus: 1\n")
    result = check_against_compose_spec(broken)
    assert result.returncode == 1, result.stdout + result.stderr


def test_every_published_port_binds_loopback_only() -> None:
    published = 0
    for name, spec in compose()["services"].items():
        assert spec.get("network_mode") != "host", f"{name}: host networking publishes all"
        for port in spec.get("ports", []):
            published += 1
            if isinstance(port, dict):  # long syntax
                assert port.get("host_ip") == "127.0.0.1", f"{name}: {port}"
                assert port.get("published"), f"{name}: {port} picks a random host port"
            else:
                parts = str(port).split(":")
                assert len(parts) == 3 and parts[0] == "127.0.0.1", (
                    f"{name}: port {port!r} is not bound to 127.0.0.1"
                )
    assert published, "nothing is published at all"


def test_smtp_and_mail_catcher_ui_are_published() -> None:
    assert service("intake")["ports"] == ["127.0.0.1:2525:2525"]
    assert service("mailcatcher")["ports"] == ["127.0.0.1:8025:8025"]


def test_every_service_exists_with_a_healthcheck() -> None:
    for name in SERVICES:
        check = service(name).get("healthcheck")
        assert check, f"{name} has no healthcheck"
        assert not check.get("disable"), f"{name}: healthcheck disabled"
        test = check.get("test")
        assert test and test != ["NONE"], f"{name}: healthcheck without a test"


def test_long_running_services_restart() -> None:
    for name in SERVICES:
        assert service(name).get("restart") == "unless-stopped", name


def test_intake_and_worker_share_one_image_and_pick_their_role() -> None:
    assert service("intake")["build"] == "."
    assert service("worker")["build"] == "."
    assert command("intake") == ["ideabox", "intake"]
    assert command("worker") == ["ideabox", "worker"]


def test_intake_listens_on_all_interfaces_inside_its_container() -> None:
    assert environment("intake")["IDEABOX_SMTP_LISTEN"] == "0.0.0.0:2525"
    check = " ".join(service("intake")["healthcheck"]["test"])
    assert "2525" in check and "220" in check, "the healthcheck should read the SMTP banner"


def test_intake_and_worker_use_the_same_database_redis_and_key() -> None:
    intake, worker = environment("intake"), environment("worker")
    for key in ("IDEABOX_DATABASE_URL", "IDEABOX_REDIS_URL", "IDEABOX_SECRET_KEY"):
        assert key in intake, f"intake: {key} not passed on"
        assert intake[key] == worker.get(key), f"{key} differs between intake and worker"
    assert "@postgres:" in intake["IDEABOX_DATABASE_URL"]
    assert "//redis:" in intake["IDEABOX_REDIS_URL"]


def test_no_secret_has_a_default() -> None:
    """The database password must come from .env; without it the stack does not start.
    The signing key needs none: it is made once and kept in the database."""
    text = COMPOSE.read_text(encoding="utf-8")
    assert "change-me" not in text
    assert environment("intake")["IDEABOX_SECRET_KEY"] == "${IDEABOX_SECRET_KEY:-}"
    password = service("postgres")["environment"]["POSTGRES_PASSWORD"]
    assert password.startswith("${POSTGRES_PASSWORD:?"), password
    assert ":${POSTGRES_PASSWORD:?" in environment("intake")["IDEABOX_DATABASE_URL"]


def test_every_image_tag_is_pinned() -> None:
    # A release, not a moving line: x.y.z, or PostgreSQL's x.y (its minor is the patch).
    patch = {"postgres": r"\d+\.\d+"}
    for name, spec in compose()["services"].items():
        if "image" in spec:
            tag = spec["image"].rpartition(":")[2]
            release = patch.get(name, r"v?\d+\.\d+\.\d+")
            assert re.fullmatch(release + r"(-[a-z0-9.]+)?", tag), f"{name}: {spec['image']}"
    base = instructions()[0][1]
    assert re.fullmatch(r"python:\d+\.\d+\.\d+-slim-[a-z]+", base), base


def test_the_queue_server_is_under_a_permissive_licence() -> None:
    assert service("redis")["image"].startswith("valkey/valkey:")  # BSD-3-Clause


def test_worker_relays_mail_to_the_mail_catcher() -> None:
    relay = environment("worker")["IDEABOX_RELAY_URL"]
    assert relay == "smtp://mailcatcher:1025"
    published = [str(port) for port in service("mailcatcher").get("ports", [])]
    assert not [port for port in published if port.endswith(":1025")], (
        "the catcher's SMTP port should stay inside the compose network"
    )


def test_start_order_waits_for_healthy_dependencies() -> None:
    def waits_for(name: str) -> dict[str, str]:
        return {dep: spec.get("condition") for dep, spec in service(name)["depends_on"].items()}

    intake, worker = waits_for("intake"), waits_for("worker")
    for dep in ("postgres", "redis"):
        assert intake.get(dep) == "service_healthy", f"intake on {dep}"
        assert worker.get(dep) == "service_healthy", f"worker on {dep}"
    # The intake runs the migrations; the worker starts once they are done.
    assert worker.get("intake") == "service_healthy"


# --- Dockerfile ------------------------------------------------------------------------


def installs_the_package(run: str) -> bool:
    """Whether a RUN line has a ``pip install ... .`` among its ``&&``-joined commands."""
    for part in run.split("&&"):
        words = shlex.split(part)
        if "pip" in words and "install" in words and "." in words:
            return True
    return False


def test_dockerfile_installs_the_package() -> None:
    steps = instructions()
    assert steps[0][0] == "FROM"
    assert any(keyword == "RUN" and installs_the_package(args) for keyword, args in steps)
    cmd = [args for keyword, args in steps if keyword == "CMD"][-1]
    assert json.loads(cmd) == ["ideabox", "run"]
    assert ("EXPOSE", "2525") in steps


def test_dockerfile_runs_as_a_non_root_user() -> None:
    users = [args for keyword, args in instructions() if keyword == "USER"]
    assert users, "no USER: the container would run as root"
    user = users[-1].split(":")[0]
    assert user not in ("root", "0"), f"the last USER is {users[-1]!r}"
    # The install runs as root; the USER switch after it is what the CMD runs as.
    steps = instructions()
    install = max(
        i
        for i, (keyword, args) in enumerate(steps)
        if keyword == "RUN" and installs_the_package(args)
    )
    assert any(keyword == "USER" for keyword, _ in steps[install:]), "USER before install"


def test_dockerfile_copies_every_package_and_each_exists() -> None:
    copied = {src.rstrip("/") for src in copy_sources()}
    include = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
        "setuptools"
    ]["packages"]["find"]["include"]
    packages = {pattern.rstrip("*").rstrip(".") for pattern in include}
    assert packages <= copied, f"packages the Dockerfile does not copy: {packages - copied}"
    for name in sorted(copied & packages):
        assert (ROOT / name / "__init__.py").is_file(), f"COPY {name}: no such package"


def test_every_file_the_dockerfile_copies_exists() -> None:
    # The build fails on a missing COPY source, README.md included.
    missing = [src for src in copy_sources() if not (ROOT / src).exists()]
    assert not missing, f"the Dockerfile copies what the repo does not have: {missing}"


def test_dockerignore_keeps_copied_files_in_the_build_context() -> None:
    ignored = {
        line.strip().rstrip("/")
        for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert {".venv", "var", ".git"} <= ignored
    assert not ignored & {src.rstrip("/") for src in copy_sources()}
