"""Trim an email reply down to the text its author just wrote.

``trim(text)`` takes the decoded plain text of a reply and returns a
:class:`TrimmedReply` with three parts:

* ``body``: the new text;
* ``signoff``: a closing phrase plus the name lines under it
  ("Met vriendelijke groet,\\nJan", "Thanks,\\nBob", "-Anna");
* ``signature``: what follows as a signature: a "-- " block, contact lines,
  mailing-list footers, disclaimers and mobile footers ("Sent from my iPhone").

The quoted earlier message (quote header plus quoted text, an Outlook header
block, a forwarded original) is dropped.

How it works, one module each: the words it knows in many languages
(``vocabulary``); small, named matchers that say what one line is (``lines``:
blank, quoted, quote header, Outlook header block, separator, footer, ...); and
two passes over them (``passes``): the first finds where the earlier message
starts ("hard cut") and removes ">"-quoted blocks before it, so text written
below or between quotes is kept; the second splits what is left into body,
sign-off and signature.
"""

from __future__ import annotations

from dataclasses import dataclass

from intake.trimmer.lines import (
    Header,
    closing_with_name,
    is_closing_phrase,
    is_mobile_footer,
    join,
    strip_blank_edges,
)
from intake.trimmer.passes import (
    HASHTAG_LINE_RE,
    drop_quotes,
    find_cut,
    signature_start,
    split_signoff,
)

__all__ = ["TrimmedReply", "before_signoff", "only_closing", "trim"]

# The new text of a reply is at its top. Past this many lines nobody is still writing an
# idea, and what follows (a long quoted thread, a pasted log) is left out unread, so the
# trimmer's time stays bounded however long the message below is.
MAX_LINES = 1000


@dataclass(frozen=True, slots=True)
class TrimmedReply:
    """The parts of a reply its author wrote; each stripped of blank edge lines."""

    body: str
    signoff: str
    signature: str


def trim(text: str) -> TrimmedReply:
    """Split a reply into the new body, its sign-off and its signature."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n", MAX_LINES)[:MAX_LINES]
    soft_headers: dict[int, Header] = {}
    cut = find_cut(lines, soft_headers)
    kept = lines[: cut.index]
    if cut.prefix:
        kept.append(cut.prefix)
    new = strip_blank_edges(drop_quotes(kept, soft_headers))

    start = signature_start(new)
    head = strip_blank_edges(new[:start])  # `new` has no leading blank lines
    body, signoff, extra = split_signoff(head)
    # Contact lines split off under the sign-off join the signature, spacing kept.
    signature = [*extra, *new[len(head) :]] if extra else new[start:]
    # Tags such as "#anoniem" are instructions to ideabox: keep them with the body
    # even when they were typed under the sign-off.
    tags = [line for line in (*signoff, *signature) if HASHTAG_LINE_RE.match(line.strip())]
    if tags:
        signoff = [line for line in signoff if line not in tags]
        signature = [line for line in signature if line not in tags]
        body = [*strip_blank_edges(body), "", *tags]
    return TrimmedReply(body=join(body), signoff=join(signoff), signature=join(signature))


# A line the trimmer always keeps as body, put above a text to see what it makes of the
# rest: the trimmer never splits a reply's first line off, however it reads.
_PROBE = "Probe."


def only_closing(text: str) -> bool:
    """True when ``text`` holds nothing but a sign-off or a signature ("Met vriendelijke
    groet,\\nJan", "-- \\nJan Jansen\\nTeamleider", "Sent from my iPhone"): what is left
    of a reply that said nothing but how its writer signs."""
    if not text.strip():
        return True
    probed = trim(f"{_PROBE}\n\n{text}")
    if probed.body != _PROBE:
        return False
    first = probed.signoff.strip().partition("\n")[0]
    # A sign-off must start with a closing phrase: "Keine Ahnung, ehrlich gesagt." reads
    # like "Groet, Jan" but says something.
    return (bool(probed.signature) and not probed.signoff) or (
        is_closing_phrase(first) or closing_with_name(first)
    )


def before_signoff(text: str) -> str:
    """``text`` up to its first sign-off, signature delimiter or mobile footer line.

    The trimmer splits off the last sign-off; a reply signed twice ("Groet,\\nJan\\n
    Verpleegkundige", then the client's own signature) keeps the first in its body.
    Words relayed from an anonymous author end where any sign-off starts.
    """
    lines = text.split("\n")
    for i, line in enumerate(lines[1:], start=1):
        stripped = line.strip()
        if stripped in ("--", "-- ", "__") or is_mobile_footer(line):
            return join(strip_blank_edges(lines[:i]))
        if is_closing_phrase(stripped) or closing_with_name(stripped):
            return join(strip_blank_edges(lines[:i]))
    return text
