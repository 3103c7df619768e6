"""Every .eml fixture through the offline pipeline, against what it should become.

The fixtures are mail as real clients write it (Outlook, Gmail, Apple Mail, Thunderbird,
Android, Exchange, Postfix, ...); ``expected.json`` names, per fixture, the kind and the
exact idea text, decision and note, bounce details or return date ideabox must read.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from intake.offline import understand_file
from tests.conftest import EMAILS, make_settings

EXPECTED: dict[str, dict[str, Any]] = json.loads(
    (EMAILS / "expected.json").read_text(encoding="utf-8")
)
KINDS = {"idea", "decision", "bounce", "auto_reply", "unknown"}


def test_every_fixture_has_an_expectation_and_every_expectation_a_fixture() -> None:
    files = {path.stem for path in EMAILS.glob("*.eml")}
    assert sorted(files - EXPECTED.keys()) == [], "fixtures without an expectation"
    assert sorted(EXPECTED.keys() - files) == [], "expectations without a fixture"
    assert {e["kind"] for e in EXPECTED.values()} == KINDS


@pytest.mark.parametrize("name", sorted(EXPECTED))
async def test_fixture(name: str, tmp_path: Path) -> None:
    expected = EXPECTED[name]
    result = await understand_file(EMAILS / f"{name}.eml", make_settings(tmp_path))
    assert result["kind"] == expected["kind"]
    reason = (result["reason"] or "").partition(":")[0] or None
    assert reason == expected.get("reason")
    assert result["reply"] == expected.get("reply")
    if expected["kind"] in ("idea", "unknown") and "text" in expected:
        assert result["text"] == expected["text"]
    if expected["kind"] == "idea":
        assert result["anonymous"] is expected.get("anonymous", False)
        # What is left out of the idea is not lost: the quote is gone, the sign-off kept.
        assert result["signoff"] == expected["signoff"]
        assert "ideabox" not in result["text"] and ">" not in result["text"]
    if expected["kind"] == "decision":
        assert (result["decision"], result["note"]) == (expected["decision"], expected["note"])
        assert result["forward_to"] == expected.get("forward_to")
    else:
        assert "decision" not in result
    if expected["kind"] == "bounce":
        assert result["bounce"] == expected["bounce"]
    if expected["kind"] == "auto_reply":
        assert result.get("away_until") == expected["away_until"]
    if result["role"] not in (None, "plain"):
        assert result["token_verified"] is False  # offline only the token's form is read
