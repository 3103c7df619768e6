import pytest

from core.about import About, Topic
from core.tokens import (
    BadToken,
    make_token,
    read_token,
    read_unverified,
    reply_address,
    split_address,
)

KEY = b"k" * 32


def test_a_token_reads_back_as_what_it_names() -> None:
    token = make_token(KEY, About(Topic.INVITATION, 42))
    assert token.startswith("s.42.")  # letters already out in the world stay as they were
    assert read_token([KEY], token) == read_token([KEY], token.upper())
    assert read_token([KEY], token) == About(Topic.INVITATION, 42)
    assert read_unverified(token) == About(Topic.INVITATION, 42)


def test_tokens_are_short_and_survive_lower_casing() -> None:
    address = reply_address(KEY, "ideas", "example.org", About(Topic.IDEA, 123456))
    assert len(address.split("@")[0]) <= 30
    token = split_address(address.upper(), "ideas", "example.org")
    assert token is not None
    assert read_token([KEY], token).id == 123456


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t[:-1] + ("a" if t[-1] != "a" else "b"),  # signature changed
        lambda t: t.replace(".42.", ".43."),  # id changed
        lambda t: "i" + t[1:],  # kind changed
        lambda t: t[:-3],  # truncated
        lambda t: "",
    ],
)
def test_a_changed_token_is_refused(mangle) -> None:  # type: ignore[no-untyped-def]
    token = make_token(KEY, About(Topic.INVITATION, 42))
    with pytest.raises(BadToken):
        read_token([KEY], mangle(token))


def test_another_key_does_not_verify() -> None:
    with pytest.raises(BadToken):
        read_token([b"o" * 32], make_token(KEY, About(Topic.AUTHOR, 7)))


def test_any_accepted_key_verifies() -> None:
    old, new = b"o" * 32, b"n" * 32
    token = make_token(old, About(Topic.IDEA, 7))
    assert read_token([new, old], token) == About(Topic.IDEA, 7)  # until the old one goes
    with pytest.raises(BadToken):
        read_token([new], token)


def test_split_address() -> None:
    assert split_address("ideas@example.org", "ideas", "example.org") == ""
    assert split_address("Ideas+s.1.abc@Example.org", "ideas", "example.org") == "s.1.abc"
    assert split_address("other@example.org", "ideas", "example.org") is None
    assert split_address("ideas@elsewhere.org", "ideas", "example.org") is None


def test_every_topic_has_its_own_letter_and_reads_back_from_its_ref() -> None:
    letters = [topic.letter for topic in Topic]
    assert len(set(letters)) == len(letters)
    for topic in Topic:
        about = About(topic, 12)
        assert Topic.of_letter(topic.letter) is topic
        assert About.from_ref(about.ref) == about
    assert About.from_ref("report:2026-W48") is None  # an old row's ref: about nothing known
    assert About.from_ref("nonsense:1") is None
