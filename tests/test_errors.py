"""Outcomes are data: every reason has its row, and what it leads to is in that row."""

from __future__ import annotations

import pytest

from intake.errors import (
    OUTCOMES,
    ForwardUnknown,
    Malformed,
    Rejection,
    SmtpRejection,
    smtp_reply,
)


def reasons(base: type[Rejection] = Rejection) -> list[type[Rejection]]:
    """Every class below ``base`` that names its own reason (the leaves of the tree)."""
    found = []
    for cls in base.__subclasses__():
        if "reason" in vars(cls):
            found.append(cls)
        found += reasons(cls)
    return found


def test_there_are_reasons_to_check() -> None:
    assert len(reasons()) >= 15


@pytest.mark.parametrize("cls", reasons(), ids=lambda cls: cls.__name__)
def test_every_reason_has_its_row(cls: type[Rejection]) -> None:
    assert cls in OUTCOMES, f"{cls.__name__} has no row in OUTCOMES"
    answer = OUTCOMES[cls]
    if issubclass(cls, SmtpRejection):
        assert answer.smtp_reply is not None and answer.smtp_reply[:1] in "45"
        if answer.help_mail is not None:  # only what can also be found after the 250
            assert issubclass(cls, Malformed)
    else:
        assert answer.smtp_reply is None  # set aside after the 250


def test_reason_codes_are_unique() -> None:
    codes = [cls.reason for cls in reasons()]
    assert len(codes) == len(set(codes))


def test_every_row_is_a_reason() -> None:
    assert set(OUTCOMES) == set(reasons())


def test_a_refused_forward_names_its_target_for_the_help_mail() -> None:
    refused = ForwardUnknown("iemand@elders.nl is not someone ideabox knows", "iemand@elders.nl")
    assert (refused.reason, refused.problem, refused.address) == (
        "forward_unknown",
        "forward_unknown",
        "iemand@elders.nl",
    )


def test_an_smtp_reply_carries_the_detail() -> None:
    from intake.errors import BadToken

    assert smtp_reply(BadToken("ideas+x@d")).startswith("550 5.1.1 ")
    assert smtp_reply(BadToken("ideas+x@d")).endswith(": ideas+x@d")
