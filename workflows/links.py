"""The decide buttons: mailto links that open a reply with the decision already written."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from core.vocabulary import vocabulary

# One colour per outcome, the same in every mail; white text on each reads well (WCAG AA).
COLOURS = {
    "accepted": "#1e7b34",
    "declined": "#b02a37",
    "in_progress": "#8a5300",
    "done": "#1a56b0",
}


@dataclass(frozen=True, slots=True)
class Link:
    label: str
    url: str
    colour: str


def decide_links(address: str, subject: str, language: str) -> list[Link]:
    """A button per outcome: a reply to ``address`` saying just the decision word, under
    the idea's own subject, ready to send as it is."""
    reply_subject = quote(f"Re: {subject}")
    return [
        Link(
            button.label,
            f"mailto:{address}?subject={reply_subject}&body={quote(button.word)}",
            COLOURS[button.outcome],
        )
        for button in vocabulary(language).buttons
    ]
