"""Line classes: small named matchers that say what one line of a reply is.

Each takes a line (some a list of lines and an index) and answers one question: blank?
quoted? a quote header ("On ... wrote:", possibly wrapped)? an Outlook header block? a
separator, a mobile footer, a disclaimer, a closing phrase, a name, contact details?
The words they look for are in ``intake.trimmer.vocabulary``.

Every regular expression is anchored or applied to a bounded slice of a line and has no
nested quantifiers, so the run time stays linear in the input.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from intake.trimmer import vocabulary as v

# Header-like patterns are only tested on this many leading characters of a line,
# and lines longer than this are never taken for a quote header.
HEAD = 300
_MAX_HEADER_LINE = 500
# How many physical lines a wrapped "On ... wrote:" header may span.
_HEADER_SPAN = 5

# --------------------------------------------------------------------------
# Small helpers


def is_blank(line: str) -> bool:
    return not line.strip()


def is_quoted(line: str) -> bool:
    # "> text", ">> text", "  > text"
    return line.lstrip().startswith(">")


def next_nonblank(lines: Sequence[str], start: int, limit: int | None = None) -> int | None:
    end = len(lines) if limit is None else min(len(lines), limit)
    for i in range(start, end):
        if lines[i].strip():
            return i
    return None


def strip_blank_edges(lines: list[str]) -> list[str]:
    start, end = 0, len(lines)
    while start < end and not lines[start].strip():
        start += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    return lines[start:end]


def join(lines: Sequence[str]) -> str:
    return "\n".join(strip_blank_edges(list(lines)))


# --------------------------------------------------------------------------
# Quote headers: "On <date>, <name> wrote:" in many languages

# A header that ends in a "wrote" verb: "On 2 Apr 2012, Bob <bob@x.org> wrote:".
_WROTE_RE = re.compile(rf"(?:^|[\s>)\]\"'])(?:{v.WROTE_AT_END})$")

# Words a (possibly wrapped) quote header starts with: "On", "Op", "Am", "Le", ...
# or a date/weekday first: "2014-10-17 11:28 ...", "tir. 18. apr. 2017 ...", "pe 20. lokakuuta".
_INTRO_RE = re.compile(
    rf"^(?:{v.INTRO_WORDS})\s"
    r"|^\d"
    r"|^[^\W\d_]{1,4}\.?,?\s+\d",
    re.IGNORECASE,
)

# An intro word in the middle of a line: "reply On Wed, Apr 4, 2012 ... wrote:".
_MIDLINE_INTRO_RE = re.compile(rf"(?<![\w])(?:{v.MIDLINE_INTRO_WORDS})\s")

# "... <jan@example.com>:" / "... (jan@example.com) skrev:" / "... jan@example.com>:"
_ENDS_WITH_ADDRESS_RE = re.compile(r"[\w.+-]@[\w-]+(?:\.[\w-]+)+\s?[>)\]]?\s?:$")
_EMAIL_RE = re.compile(r"[\w.+-]@[\w-]+(?:\.[\w-]+)+")
_DIGIT_RE = re.compile(r"\d")
_DATE_START_RE = re.compile(r"^\d{1,4}[./-]\d{1,2}[./-]\d{1,4}\b")
# A "wrote" verb inside a header that ends in ":": "Am 03.06.2024 schrieb Ideabox:".
_WROTE_WORD_RE = re.compile(rf"(?:^|\s)(?:{v.WROTE_INSIDE})(?:\s|\(|:|$)")
# "Quoting Jan <jan@x.nl>:", "Zitat von Jan <jan@x.de>:"
_QUOTING_RE = re.compile(rf"^(?:{v.QUOTING_WORDS})\s", re.IGNORECASE)


def _ends_with_wrote(text: str) -> bool:
    """True for "... wrote:", "... wrote", "---- Bob wrote ----", "... skrev:"."""
    t = text.rstrip().rstrip("-").rstrip()
    if t.endswith((":", "\uff1a")):  # also the full-width colon
        t = t[:-1].rstrip()
    return t.endswith(v.CJK_WROTE) or bool(_WROTE_RE.search(t[-40:].lower()))


def _header_text_ok(text: str, joined: bool) -> bool:
    """Does this (possibly joined) text read as a quote header?"""
    has_digit = bool(_DIGIT_RE.search(text))
    has_at = "@" in text
    dashed = text.lstrip().startswith("--")
    if _ends_with_wrote(text) and (has_digit or has_at or (dashed and not joined)):
        return True
    if text.endswith(":"):
        if (has_digit or has_at) and _WROTE_WORD_RE.search(text[:HEAD].lower()):
            return True
        if has_at and _QUOTING_RE.match(text):
            return True
    # "30.09.2017, 18.30, "John" <j@x.com>:" / "2017-11-24 16:32 GMT+01:00 John <j@x.com>:"
    tail = text[-120:]
    if has_digit and _ENDS_WITH_ADDRESS_RE.search(tail):
        before = tail[: tail.rfind("@")]
        return any(ch.isdigit() for ch in text[: len(text) - len(tail)] + before)
    return False


def _unwrap_qp(parts: list[str]) -> str:
    # Join wrapped header lines; a quoted-printable soft break "w=" + "rote:" joins tight.
    out = ""
    for part in parts:
        if out.endswith("="):
            out = out[:-1] + part
        elif out:
            out = out + " " + part
        else:
            out = part
    return out


@dataclass(frozen=True, slots=True)
class Header:
    start: int
    end: int  # index of the header's last line
    prefix: str  # new text sharing the header's first line ("reply On ... wrote:")


def quote_header_at(lines: Sequence[str], i: int) -> Header | None:
    """Match an "On ... wrote:" header starting at line i (possibly wrapped)."""
    first = lines[i].strip()
    if not first or len(first) > _MAX_HEADER_LINE:
        return None
    starts_like_header = bool(_INTRO_RE.match(first.lstrip("- "))) or bool(_QUOTING_RE.match(first))
    # Every header form below needs one of these; most body lines have none.
    if not (starts_like_header or "@" in first or first[0] == "-" or _DIGIT_RE.search(first)):
        return None
    # The header shares its line with new text: "reply On Wed, ... wrote:".
    if not starts_like_header and _ends_with_wrote(first):
        for count, m in enumerate(_MIDLINE_INTRO_RE.finditer(first)):
            if count >= 8:
                break
            if m.start() == 0:
                continue
            rest = first[m.start() :]
            if any(ch.isdigit() for ch in rest) and _header_text_ok(rest, joined=False):
                return Header(i, i, first[: m.start()].rstrip(" -"))
    if _header_text_ok(first, joined=False):
        return Header(i, i, "")
    # A header wrapped over up to _HEADER_SPAN lines must start like one.
    if len(first) > HEAD or not starts_like_header:
        return None
    parts = [first]
    for j in range(i + 1, min(len(lines), i + _HEADER_SPAN)):
        s = lines[j].strip()
        if not s:
            continue
        if len(s) > HEAD:
            return None
        parts.append(s)
        joined = _unwrap_qp(parts)
        if _header_text_ok(joined, joined=True):
            return Header(i, j, "")
    return None


# --------------------------------------------------------------------------
# Outlook-style header blocks: "From: / Sent: / To: / Subject:" in many languages

_FROM, _DATE = "from", "date"
_HEADER_KEYS: dict[str, str] = {
    name: group for group, names in v.HEADER_NAMES.items() for name in names.split("|")
}

# "From: Bob", "*From:* Bob", "De : Bob", "Envoyé le :jeudi", "Sujet :  Re: idee"
_HEADER_KEY_RE = re.compile(
    r"^[*_]{0,2}([^\W\d_][^\W\d_' ]{0,13}(?:[ '][^\W\d_]{1,9})?)[*_]{0,2} ?:"
)


def header_key(line: str) -> str | None:
    s = line.strip()[:40]
    if ":" not in s:
        return None
    m = _HEADER_KEY_RE.match(s)
    if not m:
        return None
    return _HEADER_KEYS.get(m.group(1).lower())


def is_flat_header(line: str) -> bool:
    """An Outlook header block flattened into one line."""
    return bool(_FLAT_HEADER_RE.match(line.strip()[:HEAD]))


def starts_with_date(line: str) -> bool:
    # "2011/4/7 Nathan <n@x.com>"
    return bool(_DATE_START_RE.match(line.strip()))


def header_block_at(lines: Sequence[str], keys: Sequence[str | None], i: int) -> bool:
    """A From/Date header line followed by at least one other header key line."""
    if i >= len(lines):
        return False
    first = keys[i]
    if first not in (_FROM, _DATE):
        return False
    groups = {first}
    evidence = "@" in lines[i][:HEAD] or any(ch.isdigit() for ch in lines[i][:HEAD])
    other = 0
    for j in range(i + 1, min(len(lines), i + 9)):
        s = lines[j].strip()
        if not s:
            break
        key = keys[j]
        if key is None:
            other += 1
            if other > 2:
                break
            continue
        groups.add(key)
        evidence = evidence or "@" in s[:HEAD] or any(ch.isdigit() for ch in s[:HEAD])
    return len(groups) >= 2 and evidence


# Outlook sometimes flattens the block into one line:
#   "From: Bob <bob@x.org> Sent: Monday, 2 May 2022 10:00 To: Ann Subject: Idee"
_FLAT_HEADER_RE = re.compile(
    rf"^\*?(?:{v.FLAT_FROM})\*? ?:.{{1,120}}?\s\*?(?:{v.FLAT_DATE})"
    rf"\*? ?:.{{1,80}}?\s\*?(?:{v.FLAT_TO})\*? ?:",
    re.IGNORECASE,
)


# --------------------------------------------------------------------------
# Separators: "-----Original Message-----", "________________", "Begin forwarded message:"

_RULE_CHARS = "-_=*~ \u2014\u2013"


def is_separator_phrase(line: str) -> bool:
    # "-----Original Message-----", "-------- Message d'origine --------",
    # "---------- Forwarded message ---------", "Begin forwarded message:"
    s = line.strip()
    if len(s) > 120:
        return False
    core = s.strip(_RULE_CHARS).rstrip(": ").lower()
    return core in v.SEPARATOR_PHRASES


def is_rule(line: str) -> bool:
    # "________________________________", " ------------------------------", "====",
    # and "* * *"
    s = line.strip().replace(" ", "")
    return len(s) >= 3 and not s.strip("-_=*~")


# --------------------------------------------------------------------------
# Mobile and app footers

_FOOTER_VERB_RE = re.compile(rf"^(?:{v.FOOTER_VERBS})\b", re.IGNORECASE)
# "Sent from my iPhone", "Verzonden vanaf mijn iPhone", "Envoyé de mon iPhone",
# "Sent with Sparrow (http://...)", "Sent wirelessly from my BlackBerry device ..."
_FOOTER_RE = re.compile(
    rf"^\S+(?: wirelessly| sans fil)? (?:{v.FOOTER_PREPOSITIONS}) (?P<rest>.+)$", re.IGNORECASE
)
_DEVICE_WORDS = re.compile(v.DEVICE_WORDS, re.IGNORECASE)
# "Get Outlook for iOS", "Outlook voor iOS downloaden", "Gesendet von Outlook für Android"
_OUTLOOK_APP_RE = re.compile(
    rf"^(?:{v.GET_OUTLOOK}) outlook\b|^outlook (?:{v.OUTLOOK_FOR}) \S+ (?:{v.DOWNLOAD_AFTER})\b",
    re.IGNORECASE,
)
_VON_MEINEM_RE = re.compile(
    r"^von meine[mnr]? .{1,40} gesendet\b|^(?:sent )?via (?:mobile|my \S+|iphone|android)\b",
    re.IGNORECASE,
)
_TRAILING_LINK_RE = re.compile(r"\s?(?:<[^<>]{0,300}>|\([^()]{0,300}\)|\[[^\[\]]{0,300}\])$")


def is_mobile_footer(line: str) -> bool:
    s = line.strip()
    if not s or len(s) > 160:
        return False
    if _OUTLOOK_APP_RE.match(s) or _VON_MEINEM_RE.match(s):
        return True
    if not _FOOTER_VERB_RE.match(s):
        return False
    s = _TRAILING_LINK_RE.sub("", s).rstrip(" .!")
    m = _FOOTER_RE.match(s)
    if not m or "," in s or len(s.split()) > 12:
        return False
    # "my iPhone", "Mailbox for iPhone", "TypeApp"; not "a magnificent torch of pixels"
    rest = m.group("rest")
    first = rest.split()[0]
    if first.lower() in v.MY_WORDS or first[:1].isupper():
        return True
    return bool(_DEVICE_WORDS.search(rest)) and first.lower() not in ("a", "an", "the")


# --------------------------------------------------------------------------
# Disclaimers

_DISCLAIMER_RE = re.compile(rf"^(?:{v.DISCLAIMER_STARTS})", re.IGNORECASE)


def is_disclaimer_start(line: str) -> bool:
    return bool(_DISCLAIMER_RE.match(line.strip()[:160]))


# --------------------------------------------------------------------------
# Sign-offs, names, contact lines

_CLOSING_PUNCT = " ,.!:;-\u2014\u2013"


def _name_words_ok(words: Sequence[str], allow_lower: bool = False) -> bool:
    if not words or len(words) > 4:
        return False
    capitalised = 0
    for word in words:
        core = word.strip(".,")
        if not core or not all(ch.isalpha() or ch in "'\u2019.-" for ch in core):
            return False
        if core[0].isupper():
            capitalised += 1
        elif core.lower() not in v.NAME_PARTICLES and not allow_lower:
            return False
    return capitalised > 0 or allow_lower


def _strip_symbols(s: str) -> str:
    # "Anna 🌱" -> "Anna": drop trailing emoji and other symbols.
    end = len(s)
    while end > 0 and (unicodedata.category(s[end - 1])[0] == "S" or s[end - 1] in "\u200d\ufe0f "):
        end -= 1
    return s[:end]


def is_name_line(line: str, allow_lower: bool = False) -> bool:
    """ "Jan", "John Doe", "Maarten de Jong", "John Doe, FCLS", "Søren"."""
    s = _strip_symbols(line.strip())
    if not s or len(s) > 40 or s.endswith(("?", ":", ";")):
        return False
    name, _, suffix = s.partition(",")
    if suffix and (len(suffix.split()) > 2 or not suffix.strip()):
        return False
    words = name.split()
    # "Svar." or "Akkoord." is a sentence; "John E. Doe" and "-Lev." are names.
    if (
        not allow_lower
        and words
        and words[-1].endswith(".")
        and (len(words) == 1 or len(words[-1]) > 3)
    ):
        return False
    if len(words) == 1 and words[0].lower().strip(".!") in v.ANSWER_WORDS:
        return False
    return _name_words_ok(words, allow_lower)


# "Met vriendelijke groet / Kind regards", "Bedankt en groetjes", "Thanks & regards"
_PHRASE_JOIN_RE = re.compile(rf"\s?/\s?|\s(?:{v.PHRASE_JOINERS})\s|,\s")


def is_closing_phrase(line: str) -> bool:
    """A line that is only a closing phrase: "Kind regards,", "Groetjes", "Mvg"."""
    s = line.strip().lower()
    if not s or len(s) > 60:
        return False
    core = s.rstrip(_CLOSING_PUNCT)
    if core in v.CLOSING_PHRASES:
        return True
    parts = _PHRASE_JOIN_RE.split(core)
    return len(parts) > 1 and all(part.strip(_CLOSING_PUNCT) in v.CLOSING_PHRASES for part in parts)


def closing_with_name(line: str) -> bool:
    """ "Regards, Roman", "Groet, Jan", "Thanks,Christine", "Groetjes Anna", "Gr. Jan"."""
    s = line.strip()
    if len(s) > 60:
        return False
    head, found, tail = s.partition(",")
    if found and is_closing_phrase(head) and is_name_line(tail):
        return True
    words = s.split()
    for k in range(1, min(5, len(words))):
        if is_closing_phrase(" ".join(words[:k])) and is_name_line(" ".join(words[k:])):
            return True
    return False


_PHONE_RE = re.compile(r"(?:\+|\(?\b)\d[\d ()./-]{6,20}\d\b")
_CONTACT_LABEL_RE = re.compile(rf"^(?:{v.CONTACT_LABELS})\s?[.:]", re.IGNORECASE)


def is_contact_line(line: str) -> bool:
    s = line.strip()[:200]
    if not s:
        return False
    if "@" in s and _EMAIL_RE.search(s):
        return True
    low = s.lower()
    if "http://" in low or "https://" in low or "www." in low:
        return True
    if _CONTACT_LABEL_RE.match(s):
        return True
    m = _PHONE_RE.search(s)
    return m is not None and sum(ch.isdigit() for ch in m.group(0)) >= 7


def is_dash_name(line: str) -> bool:
    # "-Abhishek Kona", "- roman", "/John", "-Lev."
    s = line.strip()
    if len(s) < 2 or s[0] not in "-/~\u2013\u2014" or s[:2] in ("--", "//"):
        return False
    return is_name_line(s[1:].strip(), allow_lower=True)


_NUMBERED_RE = re.compile(r"\d{1,2}[.)]\s")


def is_list_item(line: str) -> bool:
    # "- item", "* item", "1. item"
    s = line.lstrip()
    return s[:1] in ("-", "*", "\u2022") or bool(_NUMBERED_RE.match(s[:4]))
