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

from intake.trimmer.lines import Header, join, strip_blank_edges
from intake.trimmer.passes import (
    HASHTAG_LINE_RE,
    drop_quotes,
    find_cut,
    signature_start,
    split_signoff,
)

__all__ = ["TrimmedReply", "trim"]

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
