"""``ideabox parse FILE.eml ... --json``: one JSON object per file, nothing stored."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import EMAILS

FILES = [
    "outlook_desktop_nl.eml",
    "gmail_en.eml",
    "decision_forward_nl.eml",
    "bounce_postfix_5_1_1.eml",
    "ooo_exchange_nl.eml",
    "empty_reply.eml",
]
FIELDS = {"file", "kind", "text", "body", "signoff", "signature"}
ROOT = Path(__file__).parents[1]


def test_parse_prints_one_json_object_per_file_and_stores_nothing(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("IDEABOX_")}
    env["IDEABOX_DOMAIN"] = "ideabox.test"
    env["PYTHONPATH"] = str(ROOT)
    result = subprocess.run(
        [sys.executable, "-m", "ideabox", "parse", *(str(EMAILS / f) for f in FILES), "--json"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == len(FILES)
    objects = [json.loads(line) for line in lines]
    for obj, name in zip(objects, FILES, strict=True):
        assert obj.keys() >= FIELDS
        assert Path(obj["file"]).name == name
    idea, gmail, forward, bounce, away, empty = objects
    assert idea["kind"] == "idea"
    assert idea["text"].startswith("Hoi,\n\nDe koffieautomaat op de tweede verdieping")
    assert idea["body"] == idea["text"]
    assert idea["signoff"] == "Met vriendelijke groet,\n\nJan Jansen"
    assert "Teamleider Zorg" in idea["signature"]
    assert idea["token_verified"] is False
    assert gmail["kind"] == "idea" and "On Tue" not in gmail["text"]
    assert forward["kind"] == "decision"
    assert forward["decision"] == "forward" and forward["note"] == "dit is iets voor IT."
    assert forward["forward_to"] == "emma.clarke@example.nl"
    assert bounce["kind"] == "bounce" and bounce["bounce"]["status"] == "5.1.1"
    assert away["kind"] == "auto_reply" and away["away_until"] == "2026-12-07"
    assert empty["kind"] == "unknown" and empty["reason"] == "empty_reply"
    # Nothing stored: no database, no outbox, no var/ folder in the working directory.
    assert list(tmp_path.iterdir()) == []
