"""Privacy: the rule for groups, and what an anonymous author's words may not carry.

A figure about a group smaller than the anonymity threshold (a department's response
rate, an anonymous idea's department) could point at a person: every place that shows a
group asks ``too_small``. Words relayed from an anonymous author go through
``without_identity`` first.
"""

from __future__ import annotations

import re


def too_small(size: int, threshold: int) -> bool:
    """A group of ``size`` people is too small to be shown on its own."""
    return size < threshold


# What names a person in words they wrote: an address, a phone number, their name.
_ADDRESS = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63})+")
_PHONE_LIKE = re.compile(r"(?<![\w+])\+?\d[\d ()./-]{7,22}\d(?!\w)")
_PHONE_DIGITS = 9  # fewer are a date ("12-03-2026") or an amount, not a phone number
# Name particles are ordinary words too ("van der Berg"): they stay.
_PARTICLES = frozenset({"van", "der", "den", "ter", "ten", "von", "del", "dos", "los", "bin"})
HIDDEN = "[…]"


def _phone_or_not(found: re.Match[str]) -> str:
    digits = sum(c.isdigit() for c in found.group(0))
    return HIDDEN if digits >= _PHONE_DIGITS else found.group(0)


def without_identity(text: str, name: str, email: str) -> str:
    """``text`` with whatever could name its writer hidden: every email address, phone
    numbers, and the words of their name ("Jan", "Jansen") wherever they appear.

    For an anonymous author's words relayed to who decides. The trimmer keeps the
    signature out already; this is for what a person types into the text itself.
    """
    hidden = _ADDRESS.sub(HIDDEN, text)
    hidden = _PHONE_LIKE.sub(_phone_or_not, hidden)
    parts = {
        w for w in re.findall(r"[^\W\d_]+(?:['-][^\W\d_]+)*", f"{name} {email.partition('@')[0]}")
    }
    for word in sorted(parts, key=lambda w: (-len(w), w)):
        if len(word) >= 3 and word.lower() not in _PARTICLES:
            hidden = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", HIDDEN, hidden, flags=re.IGNORECASE)
    return hidden


def without_address(text: str, email: str) -> str:
    """``text`` without ``email`` in it: a manager's own address stays theirs."""
    return re.sub(re.escape(email), HIDDEN, text, flags=re.IGNORECASE) if email else text
