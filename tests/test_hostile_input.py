"""Hostile input is bounded and answered: mutated real mail never breaks a step.

The fuzz test takes every fixture through every mutation of ``tests.fuzzing`` (deep
nesting, thousands of parameters or addresses, codecs that are no text encodings,
far-future dates, flipped and chopped bytes, ...): each message gets a kind or a reason,
and none raises. ``IDEABOX_FUZZ_CASES`` sets how many (default 300; 0 for all, with more
seeds by ``IDEABOX_FUZZ_SEEDS``).
"""

from __future__ import annotations

import os
import random
import time
from email import message_from_bytes
from email.policy import default
from pathlib import Path

import pytest

from db.models import InboundMessage, InboundStatus, OutboxMail
from intake.offline import understand_file
from intake.store import NewMessage, store_messages
from tests.conftest import EMAILS, Service, make_settings
from tests.fuzzing import mutations
from tests.test_loop import JAN, SAMPLE
from workflows.inbound import process_inbound
from workflows.org import import_people

PLAIN = "ideas@ideabox.test"

CASES = int(os.environ.get("IDEABOX_FUZZ_CASES", "300"))
SEEDS = int(os.environ.get("IDEABOX_FUZZ_SEEDS", "1"))


def mutated() -> list[tuple[str, bytes]]:
    found = []
    for seed in range(SEEDS):
        rng = random.Random(seed)
        for path in sorted(EMAILS.glob("*.eml")):
            for name, raw in mutations(path.read_bytes(), rng):
                found.append((f"{path.stem}: {name} (seed {seed})", raw))
    if CASES:
        found = random.Random(42).sample(found, min(CASES, len(found)))
    return found


async def test_no_mutated_message_breaks_a_step(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    file = tmp_path / "mutated.eml"
    broken, slow = [], []
    cases = mutated()
    assert len(cases) >= min(CASES or 300, 300)
    for name, raw in cases:
        file.write_bytes(raw)
        started = time.perf_counter()
        result = await understand_file(file, settings)
        took = time.perf_counter() - started
        said_nothing = result["kind"] == "unknown" and not (result["reason"] or result["reply"])
        if result["reason"] == "failed" or said_nothing:
            broken.append((name, result["reason"], result["notes"][-1:]))
        if took > 2.0:
            slow.append((name, round(took, 2)))
    assert broken == []
    assert slow == []


async def test_an_unreadable_message_from_a_known_person_gets_one_help_mail(
    service: Service,
) -> None:
    await import_people(service.app, SAMPLE)
    raw = (EMAILS / "plain_address_idea.eml").read_bytes()
    headers, _, body = raw.partition(b"\r\n\r\n") if b"\r\n\r\n" in raw else raw.partition(b"\n\n")
    # A From nested in thousands of parentheses (folded into lines SMTP allows): Python's
    # address parser recurses on it.
    opened, closed = b"\r\n ".join([b"(" * 900] * 4), b"\r\n ".join([b")" * 900] * 4)
    nested = b"From: " + opened + b"x\r\n " + closed + b" <" + JAN.encode() + b">"
    lines = [line for line in headers.splitlines() if not line.lower().startswith(b"from:")]
    for n in range(2):
        copy = b"\r\n".join([nested, *lines]).replace(b"Message-ID: <", b"Message-ID: <%d" % n)
        await service.send(
            copy + b"\r\n\r\n" + body, mail_from=JAN, rcpt_tos=["ideas@ideabox.test"]
        )
    await service.settle()
    rows = await InboundMessage.all().order_by("id")
    assert [(r.status, r.reason) for r in rows] == [(InboundStatus.PROCESSED, "unreadable")] * 2
    assert rows[0].trace is not None and rows[0].trace[-1].startswith("classify: unreadable")
    help_mails = await OutboxMail.filter(kind="ask_again", recipient=JAN)
    assert len(help_mails) == 1  # one a day, however often it happens
    assert "We konden je bericht niet lezen" in str(
        message_from_bytes(help_mails[0].raw_bytes, policy=default)["Subject"]
    )


async def test_a_stored_message_past_a_bound_is_set_aside_with_its_reason(
    service: Service,
) -> None:
    """Stored before the listener checked bounds (an older version, or a lower limit)."""
    await import_people(service.app, SAMPLE)
    params = "".join(f";\r\n p{n}=x" for n in range(60))
    raw = (
        f"From: Jan Jansen <{JAN}>\r\nTo: ideas@ideabox.test\r\nSubject: Idee\r\n"
        f"Message-ID: <params@example.nl>\r\nContent-Type: text/plain{params}\r\n\r\n"
        "Meer groen.\r\n"
    ).encode()
    [row_id] = await store_messages([NewMessage(JAN, [PLAIN], raw, service.app.clock.now())])
    assert row_id is not None
    assert await process_inbound(service.app, row_id) == "too_many_parameters"
    row = await InboundMessage.get(id=row_id)
    assert (
        row.reason == "too_many_parameters" and row.detail == "more than 50 parameters in one field"
    )
    assert await OutboxMail.filter(kind="ask_again", recipient=JAN).count() == 1


@pytest.mark.parametrize("label", ["rot13", "base64", "zlib", "idna", "undefined", "x-nope"])
async def test_a_charset_that_is_no_text_encoding_reads_as_an_unknown_one(
    tmp_path: Path, label: str
) -> None:
    raw = (
        f"From: Jan <{JAN}>\r\nTo: ideas@ideabox.test\r\nSubject: =?{label}?q?Idee?=\r\n"
        f"Content-Type: text/plain; charset={label}\r\n\r\nMeer groen op de afdeling.\r\n"
    ).encode()
    file = tmp_path / "odd.eml"
    file.write_bytes(raw)
    result = await understand_file(file, make_settings(tmp_path))
    assert (result["kind"], result["text"]) == ("idea", "Meer groen op de afdeling.")
