"""The mailto links that let a manager decide with two taps."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

# The words the mailto links prefill, per manager language.
DECIDE_LINKS = {
    "nl": (
        ("Akkoord", "akkoord"),
        ("Afwijzen", "afgewezen"),
        ("Later", "later"),
        ("Gedaan", "gedaan"),
    ),
    "en": (("Accept", "accept"), ("Decline", "decline"), ("Later", "later"), ("Done", "done")),
}


@dataclass(frozen=True, slots=True)
class Link:
    label: str
    url: str


def decide_links(address: str, subject: str, language: str) -> list[Link]:
    """mailto links that open a reply with the outcome word already written."""
    links = []
    for label, word in DECIDE_LINKS[language]:
        query = f"subject={quote(subject)}&body={quote(word + ', ')}"
        links.append(Link(label, f"mailto:{address}?{query}"))
    return links


def decide_subject(idea_id: int, language: str) -> str:
    return f"Re: {'Idee' if language == 'nl' else 'Idea'} #{idea_id}"
