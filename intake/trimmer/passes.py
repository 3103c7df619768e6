"""The two passes over the line classes: where the earlier message starts, then how
the new text splits into body, sign-off and signature.

Pass 1 finds the "hard cut" (a quote header, an Outlook header block, a separator or a
mobile footer: the rest is the earlier message); before it, ">"-quoted blocks and the
"On ... wrote:" lines that introduce them go, so that text written below or between
quotes is kept. Pass 2 looks at what is left from the bottom up.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from intake.trimmer.lines import (
    HEAD,
    Header,
    closing_with_name,
    header_block_at,
    header_key,
    is_blank,
    is_closing_phrase,
    is_contact_line,
    is_dash_name,
    is_disclaimer_start,
    is_flat_header,
    is_list_item,
    is_mobile_footer,
    is_name_line,
    is_quoted,
    is_rule,
    is_separator_phrase,
    next_nonblank,
    quote_header_at,
    starts_with_date,
)

# --------------------------------------------------------------------------
# Pass 1: find where the earlier message starts; drop ">" quote blocks before it


@dataclass(frozen=True, slots=True)
class _Cut:
    index: int  # first dropped line
    prefix: str = ""  # new text kept from the line at `index`


def find_cut(lines: Sequence[str], soft_headers: dict[int, Header]) -> _Cut:
    """Scan for the start of the quoted/forwarded original.

    "On ... wrote:" headers directly followed by ">" lines are "soft": only the
    header and its quote block go, and text after them is kept.  Any other
    quote header, Outlook header block or separator drops the rest.
    """
    n = len(lines)
    keys = [header_key(line) for line in lines]
    i = 0
    while i < n:
        s = lines[i].strip()
        if not s or is_quoted(s):
            i += 1
            continue
        if is_separator_phrase(s):
            return _Cut(i)
        if is_rule(s):
            j = next_nonblank(lines, i + 1, i + 4)
            if j is not None and (header_block_at(lines, keys, j) or is_separator_phrase(lines[j])):
                return _Cut(i)
        if header_block_at(lines, keys, i) or is_flat_header(s):
            return _Cut(i)
        header = quote_header_at(lines, i)
        if header is not None:
            j = next_nonblank(lines, header.end + 1)
            if j is not None and is_quoted(lines[j]):
                soft_headers[i] = header
                i = header.end + 1
                continue
            return _Cut(i, header.prefix)
        # A date + address line right above a quote: "2011/4/7 Nathan <n@x.com>"
        if starts_with_date(s) and "@" in s[:HEAD]:
            j = next_nonblank(lines, i + 1, i + 3)
            if j is not None and is_quoted(lines[j]):
                soft_headers[i] = Header(i, i, "")
                i += 1
                continue
        # "Sent from my iPhone": what follows is the original, headers or not.
        if is_mobile_footer(s):
            return _Cut(i + 1)
        i += 1
    return _Cut(n)


def _quote_block_end(lines: Sequence[str], start: int, stop: int) -> int:
    """Index of the last line of the ">" block starting at `start`.

    Blank lines between quoted lines belong to the block, and so do up to two
    unquoted lines wedged between quoted lines when they are the rest of a
    wrapped quoted line (see _looks_wrapped).
    """
    end = start
    i = start + 1
    while i < stop:
        if is_quoted(lines[i]):
            end = i
            i += 1
            continue
        if is_blank(lines[i]):
            k = next_nonblank(lines, i, stop)
            if k is not None and is_quoted(lines[k]):
                end = k
                i = k + 1
                continue
            return end
        j = i
        while j < stop and j - i < 2 and not is_blank(lines[j]) and not is_quoted(lines[j]):
            j += 1
        if j < stop and is_quoted(lines[j]) and _looks_wrapped(lines[end], lines[i]):
            end = j
            i = j + 1
            continue
        return end
    return end


def _looks_wrapped(quoted: str, line: str) -> bool:
    """Is `line` the wrapped-off end of the quoted line above it?

    "> ... Nullam pharetra d" + "ignissim odio?", "> View ticket (http://x/action" +
    "_nonce=3dd518)", a quoted-printable soft break "> ... Wednesda=" + "y".
    An inline answer ("> Question?" + "Answer.") is not.
    """
    above = quoted.strip()
    text = line.strip()
    return (
        len(above) >= 60
        or above.endswith("=")
        or not text[:1].isalpha()
        or text[:1].islower()
        or "http" in text[:HEAD].lower()
    )


def drop_quotes(lines: list[str], soft_headers: dict[int, Header]) -> list[str]:
    """Remove soft quote headers and ">" blocks; keep all other lines in order."""
    out: list[str] = []
    n = len(lines)
    i = 0
    while i < n:
        header = soft_headers.get(i)
        if header is not None:
            if header.prefix:
                out.append(header.prefix)
            q = next_nonblank(lines, header.end + 1)
            assert q is not None  # a soft header is followed by a quoted line
            end = _quote_block_end(lines, q, n)
            i = _skip_blanks(lines, end + 1)
            continue
        if is_quoted(lines[i]):
            end = _quote_block_end(lines, i, n)
            if _is_inline_false_quote(lines, i, end, out):
                out.extend(lines[i : end + 1])
                i = end + 1
                continue
            i = _skip_blanks(lines, end + 1)
            continue
        out.append(lines[i])
        i += 1
    return out


def _skip_blanks(lines: Sequence[str], i: int) -> int:
    # A removed block takes the blank lines under it along.
    while i < len(lines) and is_blank(lines[i]):
        i += 1
    return i


def _is_inline_false_quote(lines: Sequence[str], start: int, end: int, out: list[str]) -> bool:
    """A lone decorative ">>> ... <<<" line glued to text above and below is text.

    e.g. "Visit us now...\n>>> >>>  http://www.domain.com <<<\nVisit our site..."
    """
    if end != start or start == 0 or not out or is_blank(out[-1]) or "<<" not in lines[start]:
        return False
    if is_blank(lines[start - 1]):
        return False
    return end + 1 < len(lines) and not is_blank(lines[end + 1])


# --------------------------------------------------------------------------
# Pass 2: split the new text into body, sign-off and signature


def _is_strong_delimiter(line: str) -> bool:
    # "-- " (RFC 3676) and the common "--"
    return line.strip() == "--"


def _is_weak_delimiter(s: str) -> bool:
    # "---", "__", "________________", "==========" (but "--" is a strong one)
    return len(s) >= 2 and s != "--" and not s.strip("-_=")


def _looks_like_signature_block(lines: Sequence[str], start: int) -> bool:
    """Short lines (from `start` on) with a name, contact details or a list footer, not prose."""
    content: list[str] = []
    for line in lines[start : start + 40]:
        if line.strip():
            content.append(line.strip())
    if not content or len(content) > 15 or len(lines) - start > 40:
        return False
    for s in content:
        if len(s) > 80 and not is_contact_line(s):
            return False
        if s.endswith("?"):
            return False
    return any(is_contact_line(s) or is_name_line(s) for s in content)


def signature_start(lines: Sequence[str]) -> int:
    n = len(lines)
    start = n
    for i, line in enumerate(lines):
        if i > 0 and _is_strong_delimiter(line):
            start = i
            break
    for i in range(start):
        if is_mobile_footer(lines[i]):
            start = i
            break
    for i in range(1, start):
        s = lines[i].strip()
        if s and _is_weak_delimiter(s) and _looks_like_signature_block(lines, i + 1):
            start = i
            break
    for i in range(1, start):
        if is_disclaimer_start(lines[i]):
            start = i
            break
    return start


def _paragraph_start(lines: Sequence[str], end: int) -> int:
    i = end
    while i > 0 and not is_blank(lines[i - 1]):
        i -= 1
    return i


def split_signoff(body: list[str]) -> tuple[list[str], list[str], list[str]]:
    """Split trailing sign-off (and contact lines under it) from the body.

    Returns (body, signoff, extra signature lines).
    """
    if not body:
        return body, [], []
    first = next_nonblank(body, 0)
    assert first is not None
    last = len(body) - 1

    # 1. A closing phrase followed only by a few short lines: "Thanks,\nBob".
    seen = 0
    for p in range(last, first, -1):
        line = body[p]
        if not line.strip():
            continue
        seen += 1
        if seen > 14:
            break
        if is_closing_phrase(line):
            split = _split_after_phrase(body, p)
            if split is not None:
                return split
            break
        # "Groet, Jan" on the last line, under a blank line or a finished sentence
        # (not glued to unfinished text: "Test reply\nRegards, Roman" stays whole).
        if (
            p == last
            and closing_with_name(line)
            and (is_blank(body[p - 1]) or body[p - 1].rstrip().endswith((".", "!", "?")))
        ):
            return body[:p], body[p:], []

    last_line = body[last]
    previous = _next_nonblank_back(body, last - 1)
    # 2. "-Abhishek Kona", "/John"
    if is_dash_name(last_line) and previous is not None and not is_list_item(body[previous]):
        return body[:last], [last_line], []

    # 3. A last paragraph that is a name, or a signature card:
    #    "Jan Jansen", "Jan Jansen\nAfdeling HR", "Gina X\ngina@x.com\n(555) 346-9947".
    para = _paragraph_start(body, last)
    if para > first:
        block = body[para:]
        named = is_name_line(block[0])
        rest = block[1:] if named else block
        plain = len(block) <= 8 and all(
            (len(t.strip()) <= 60 or is_contact_line(t)) and not t.strip().endswith((":", "?"))
            for t in block
        )
        contacts = sum(is_contact_line(t) for t in rest)
        if named and not rest:
            return body[:para], block, []
        # Contact details make it a signature card (as a client inserts it): keep it whole.
        if plain and ((named and contacts) or (len(block) >= 2 and contacts >= 2)):
            return body[:para], [], block
        # A typed name with a job title or team under it.
        if plain and named and len(rest) <= 2 and all(is_name_line(t) for t in rest):
            return body[:para], block[:1], rest

    # 4. A single first name under the last text line: "...\nBob".
    s = last_line.strip()
    if (
        previous is not None
        and previous >= first
        and 2 <= len(s) <= 15
        and s.isalpha()
        and s[0].isupper()
        and not is_closing_phrase(s)
        and not body[previous].rstrip().endswith((":", ","))
    ):
        return body[:last], [last_line], []
    return body, [], []


def _next_nonblank_back(lines: Sequence[str], i: int) -> int | None:
    while i >= 0:
        if lines[i].strip():
            return i
        i -= 1
    return None


# "P.S. ...", "PS: ...", "PPS ..."
_PS_RE = re.compile(r"^p\.?p?\.?s\b", re.IGNORECASE)


def _split_after_phrase(body: list[str], p: int) -> tuple[list[str], list[str], list[str]] | None:
    """Closing phrase at p: name lines under it join the sign-off, other short lines
    (title, company, phone) go to the signature; prose under it cancels the match."""
    after = body[p + 1 :]
    content = [s for s in after if s.strip()]
    if len(content) > 12:
        return None
    for s in content:
        t = s.strip()
        if (len(t) > 60 and not is_contact_line(t)) or t.endswith("?") or _PS_RE.match(t):
            return None
    end = p
    names = 0
    for k in range(p + 1, len(body)):
        if not body[k].strip():
            continue
        if names < 1 and is_name_line(body[k]):
            end = k
            names += 1
            continue
        break
    return body[:p], body[p : end + 1], body[end + 1 :]


# "#anoniem", "#idee #facilitair"
HASHTAG_LINE_RE = re.compile(r"^#[^\W\d_][\w-]{0,40}(?: #[^\W\d_][\w-]{0,40}){0,5}$")
