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

How it works: every line is looked at with small, named matchers (blank,
quoted, quote header, Outlook header block, separator, footer, ...).  A first
pass finds where the earlier message starts ("hard cut"); before that cut,
">"-quoted blocks and the "On ... wrote:" lines that introduce them are
removed, so text written below or between quotes is kept.  A second pass
splits what is left into body, sign-off and signature.

Every regular expression is anchored or applied to a bounded slice of a line
and has no nested quantifiers, so the run time stays linear in the input.
"""

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["TrimmedReply", "trim"]


@dataclass(frozen=True, slots=True)
class TrimmedReply:
    """The parts of a reply its author wrote; each stripped of blank edge lines."""

    body: str
    signoff: str
    signature: str


# Header-like patterns are only tested on this many leading characters of a line,
# and lines longer than this are never taken for a quote header.
_HEAD = 300
_MAX_HEADER_LINE = 500
# How many physical lines a wrapped "On ... wrote:" header may span.
_HEADER_SPAN = 5

# --------------------------------------------------------------------------
# Small helpers


def _is_blank(line: str) -> bool:
    return not line.strip()


def _is_quoted(line: str) -> bool:
    # "> text", ">> text", "  > text"
    return line.lstrip().startswith(">")


def _next_nonblank(lines: Sequence[str], start: int, limit: int | None = None) -> int | None:
    end = len(lines) if limit is None else min(len(lines), limit)
    for i in range(start, end):
        if lines[i].strip():
            return i
    return None


def _strip_blank_edges(lines: list[str]) -> list[str]:
    start, end = 0, len(lines)
    while start < end and not lines[start].strip():
        start += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    return lines[start:end]


def _join(lines: Sequence[str]) -> str:
    return "\n".join(_strip_blank_edges(list(lines)))


def _wordset(text: str) -> frozenset[str]:
    """A set from "a|b|c" (newlines count as "|"), e.g. a list of phrases."""
    return frozenset(w.strip() for w in text.replace("\n", "|").split("|") if w.strip())


# --------------------------------------------------------------------------
# Quote headers: "On <date>, <name> wrote:" in many languages

# Verbs that end a quote header, lower case, compared with the end of the header.
#   "On Tue, 2 Apr 2012 at 18:02, Bob <bob@x.org> wrote:"      (en)
#   "Op 12 december 2016 19:05 schreef Jan <jan@x.nl>:"        (nl, verb in the middle)
#   "Op 17-feb.-2015, om 13:18 heeft Jan het volgende geschreven:" (nl, Apple Mail)
#   "Am 13.12.2017 21:11 schrieb Hans <h@x.de>:"               (de)
#   "Le 15 janv. 2024 à 14:30, Pierre <p@x.fr> a écrit :"      (fr)
_WROTE_RE = re.compile(
    r"(?:^|[\s>)\]\"'])(?:wrote|writes|sent|schreef|schreef het volgende|geschreven"
    r"|schrieb|geschrieben|a écrit|a ecrit|ha scritto|escreveu|escribió|escribio|skrev|skriver"
    r"|kirjoitti|napisał\(a\)|napisała|napisał|napisal\(a\)|napisala|napisal|napsal|napísal"
    r"|написал\(а\)|написала|написал|пишет|đã viết|írta|yazdı|kirjutas|rašė|rakstīja)$"  # noqa: RUF001
)

# Words a (possibly wrapped) quote header starts with: "On", "Op", "Am", "Le", ...
# or a date/weekday first: "2014-10-17 11:28 ...", "tir. 18. apr. 2017 ...", "pe 20. lokakuuta".
_INTRO_RE = re.compile(
    r"^(?:on|op|am|le|el|il|il giorno|in data|em|den|på|w dniu|dnia|vào|dne|dana|el día)\s"
    r"|^\d"
    r"|^[^\W\d_]{1,4}\.?,?\s+\d",
    re.IGNORECASE,
)

# An intro word in the middle of a line: "reply On Wed, Apr 4, 2012 ... wrote:".
_MIDLINE_INTRO_RE = re.compile(r"(?<![\w])(?:On|Op|Am|Le|El|Em|Den|På)\s")

# "... <jan@example.com>:" / "... (jan@example.com) skrev:" / "... jan@example.com>:"
_ENDS_WITH_ADDRESS_RE = re.compile(r"[\w.+-]@[\w-]+(?:\.[\w-]+)+\s?[>)\]]?\s?:$")
_EMAIL_RE = re.compile(r"[\w.+-]@[\w-]+(?:\.[\w-]+)+")
_DIGIT_RE = re.compile(r"\d")
_DATE_START_RE = re.compile(r"^\d{1,4}[./-]\d{1,2}[./-]\d{1,4}\b")
# A "wrote" verb anywhere in a header that ends in ":" after a name or date:
#   "Am 03.06.2024 um 09:12 schrieb Ideabox:", "Op 3 juni 2024 schreef Jan het volgende:",
#   "Ideebox <ideebox@x.nl> schreef op 3 juni 2024 om 09:12:" (Outlook for Mac),
#   "Ideabox <i@x.com> ezt írta (időpont: 2024. jún. 3., H, 9:12):"
# English "wrote" is left out: "On 3 May I wrote to HR:" is body text.
_WROTE_WORD_RE = re.compile(
    r"(?:^|\s)(?:schreef|schrieb|a écrit|ha scritto|escribió|escreveu|skrev|napisał|napisała"
    r"|написал|написала|kirjoitti|napsal|yazdı|írta|đã viết)(?:\s|\(|:|$)"  # noqa: RUF001
)
# Horde/IMP and friends: "Quoting Jan <jan@x.nl>:", "Zitat von Jan <jan@x.de>:"
_QUOTING_RE = re.compile(r"^(?:quoting|zitat von|citando|citation de|citaat van)\s", re.IGNORECASE)
# CJK verbs follow the date without a space and may end in a full-width colon.
_CJK_WROTE = ("写道", "寫道", "書きました", "작성")


def _ends_with_wrote(text: str) -> bool:
    """True for "... wrote:", "... wrote", "---- Bob wrote ----", "... skrev:"."""
    t = text.rstrip().rstrip("-").rstrip()
    if t.endswith((":", "\uff1a")):  # also the full-width colon
        t = t[:-1].rstrip()
    return t.endswith(_CJK_WROTE) or bool(_WROTE_RE.search(t[-40:].lower()))


def _header_text_ok(text: str, joined: bool) -> bool:
    """Does this (possibly joined) text read as a quote header?"""
    has_digit = bool(_DIGIT_RE.search(text))
    has_at = "@" in text
    dashed = text.lstrip().startswith("--")
    if _ends_with_wrote(text) and (has_digit or has_at or (dashed and not joined)):
        return True
    if text.endswith(":"):
        if (has_digit or has_at) and _WROTE_WORD_RE.search(text[:_HEAD].lower()):
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
class _Header:
    start: int
    end: int  # index of the header's last line
    prefix: str  # new text sharing the header's first line ("reply On ... wrote:")


def _quote_header_at(lines: Sequence[str], i: int) -> _Header | None:
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
                return _Header(i, i, first[: m.start()].rstrip(" -"))
    if _header_text_ok(first, joined=False):
        return _Header(i, i, "")
    # A header wrapped over up to _HEADER_SPAN lines must start like one.
    if len(first) > _HEAD or not starts_like_header:
        return None
    parts = [first]
    for j in range(i + 1, min(len(lines), i + _HEADER_SPAN)):
        s = lines[j].strip()
        if not s:
            continue
        if len(s) > _HEAD:
            return None
        parts.append(s)
        joined = _unwrap_qp(parts)
        if _header_text_ok(joined, joined=True):
            return _Header(i, j, "")
    return None


# --------------------------------------------------------------------------
# Outlook-style header blocks: "From: / Sent: / To: / Subject:" in many languages

_FROM, _DATE, _TO, _CC, _SUBJECT = "from", "date", "to", "cc", "subject"
_HEADER_KEYS: dict[str, str] = {
    name: group
    for group, names in (
        (_FROM, "from|van|von|de|da|fra|från|od|от|frá|lähettäjä|kimden|feladó"),
        (
            _DATE,
            "sent|date|verzonden|datum|gesendet|envoyé|envoyé le|inviato|enviado|enviada|sendt"
            "|skickat|wysłano|data|отправлено|дата|lähetetty|päivämäärä|dato|gönderildi"
            "|message du|date d'envoi|enviado el",
        ),
        (_TO, "to|aan|an|à|a|para|til|till|do|кому|vastaanottaja|kime|címzett"),
        (_CC, "cc|bcc|kopie|copie|copie à|copia|kopia|копия"),
        (
            _SUBJECT,
            "subject|onderwerp|betreff|objet|oggetto|asunto|assunto|emne|ämne|temat|тема|aihe"
            "|konu|tárgy|sujet",
        ),
    )
    for name in names.split("|")
}

# "From: Bob", "*From:* Bob", "De : Bob", "Envoyé le :jeudi", "Sujet :  Re: idee"
_HEADER_KEY_RE = re.compile(
    r"^[*_]{0,2}([^\W\d_][^\W\d_' ]{0,13}(?:[ '][^\W\d_]{1,9})?)[*_]{0,2} ?:"
)


def _header_key(line: str) -> str | None:
    s = line.strip()[:40]
    if ":" not in s:
        return None
    m = _HEADER_KEY_RE.match(s)
    if not m:
        return None
    return _HEADER_KEYS.get(m.group(1).lower())


def _header_block_at(lines: Sequence[str], keys: Sequence[str | None], i: int) -> bool:
    """A From/Date header line followed by at least one other header key line."""
    if i >= len(lines):
        return False
    first = keys[i]
    if first not in (_FROM, _DATE):
        return False
    groups = {first}
    evidence = "@" in lines[i][:_HEAD] or any(ch.isdigit() for ch in lines[i][:_HEAD])
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
        evidence = evidence or "@" in s[:_HEAD] or any(ch.isdigit() for ch in s[:_HEAD])
    return len(groups) >= 2 and evidence


# Outlook sometimes flattens the block into one line:
#   "From: Bob <bob@x.org> Sent: Monday, 2 May 2022 10:00 To: Ann Subject: Idee"
_FLAT_HEADER_RE = re.compile(
    r"^\*?(?:from|van|von|de)\*? ?:.{1,120}?\s\*?(?:sent|date|verzonden|datum|gesendet|envoyé)"
    r"\*? ?:.{1,80}?\s\*?(?:to|aan|an|à)\*? ?:",
    re.IGNORECASE,
)


# --------------------------------------------------------------------------
# Separators: "-----Original Message-----", "________________", "Begin forwarded message:"

_SEPARATOR_PHRASES = _wordset(
    """
    original message|original e-mail|original email|reply message|forwarded message
    begin forwarded message|forwarded e-mail|forwarded email|message forwarded
    oorspronkelijk bericht|oorspronkelijk e-mailbericht|origineel bericht|doorgestuurd bericht
    begin doorgestuurd bericht|doorgestuurde bericht|oorspronkelijke bericht
    ursprüngliche nachricht|ursprungliche nachricht|urspruengliche nachricht|antwort nachricht
    originalnachricht|weitergeleitete nachricht|anfang der weitergeleiteten nachricht
    message d'origine|message original|message transféré|message transfere
    début du message réexpédié|début du message transféré
    messaggio originale|messaggio inoltrato|inizio messaggio inoltrato
    mensaje original|mensaje reenviado|inicio del mensaje reenviado
    mensagem original|mensagem encaminhada|início da mensagem encaminhada
    oprindelig meddelelse|oprindelig besked|videresendt meddelelse|videresendt besked
    opprinnelig melding|oprinnelig melding|videresendt melding
    ursprungligt meddelande|vidarebefordrat meddelande|ursprungligt mail
    alkuperäinen viesti|välitetty viesti
    wiadomość oryginalna|oryginalna wiadomość|przekazana wiadomość
    původní zpráva|přeposlaná zpráva
    исходное сообщение|пересылаемое сообщение|оригинальное сообщение
    """
)
_RULE_CHARS = "-_=*~ \u2014\u2013"


def _is_separator_phrase(line: str) -> bool:
    # "-----Original Message-----", "-------- Message d'origine --------",
    # "---------- Forwarded message ---------", "Begin forwarded message:"
    s = line.strip()
    if len(s) > 120:
        return False
    core = s.strip(_RULE_CHARS).rstrip(": ").lower()
    return core in _SEPARATOR_PHRASES


def _is_rule(line: str) -> bool:
    # "________________________________", " ------------------------------", "====",
    # and html2text's "* * *"
    s = line.strip().replace(" ", "")
    return len(s) >= 3 and not s.strip("-_=*~")


# --------------------------------------------------------------------------
# Mobile and app footers

_FOOTER_VERB_RE = re.compile(
    r"^(?:sent|verzonden|verstuurd|gesendet|envoyé|envoye|enviado|inviato|sendt|skickat|"
    r"wysłane|wyslane|отправлено|lähetetty|odesláno)\b",
    re.IGNORECASE,
)
# "Sent from my iPhone", "Verzonden vanaf mijn iPhone", "Envoyé de mon iPhone",
# "Sent with Sparrow (http://...)", "Sent wirelessly from my BlackBerry device ..."
_FOOTER_RE = re.compile(
    r"^\S+(?: wirelessly| sans fil)?"
    r" (?:from|with|via|using|by|vanaf|vanuit|van|met|von|mit|vom|de|depuis|à partir de|par"
    r"|desde|do|da|dal|dalla|fra|från|med|z|ze|с|со|iz)"  # noqa: RUF001
    r" (?P<rest>.+)$",
    re.IGNORECASE,
)
_MY_WORDS = _wordset(
    "my|mijn|meinem|meiner|mein|mon|ma|mi|mio|mia|meu|minha|min|mitt|mine|mój|mojego|moim"
    "|моего|мой|моей"
)
_DEVICE_WORDS = re.compile(
    r"iphone|ipad|android|blackberry|samsung|galaxy|mobile|mobiel|mobil|móvil|smartphone|"
    r"outlook|gmail|mail|typeapp|sparrow|acompli|htc|nokia|huawei|xiaomi|pixel|wiko|motorola|"
    r"device|telefoon|phone|handy|tablet|windows|yahoo|aol|spark|newton|airmail|proton",
    re.IGNORECASE,
)
# "Get Outlook for iOS", "Outlook voor iOS downloaden", "Gesendet von Outlook für Android"
_OUTLOOK_APP_RE = re.compile(
    r"^(?:get|download|obtenir|télécharger|holen sie sich|scarica|descargar|baixe|hent|skaffa)"
    r" outlook\b|^outlook (?:voor|für|pour|per|para|for|til|för) \S+ (?:downloaden|herunterladen"
    r"|downloaden|télécharger|scaricare|descargar)\b",
    re.IGNORECASE,
)
_VON_MEINEM_RE = re.compile(
    r"^von meine[mnr]? .{1,40} gesendet\b|^(?:sent )?via (?:mobile|my \S+|iphone|android)\b",
    re.IGNORECASE,
)
_TRAILING_LINK_RE = re.compile(r"\s?(?:<[^<>]{0,300}>|\([^()]{0,300}\)|\[[^\[\]]{0,300}\])$")


def _is_mobile_footer(line: str) -> bool:
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
    if first.lower() in _MY_WORDS or first[:1].isupper():
        return True
    return bool(_DEVICE_WORDS.search(rest)) and first.lower() not in ("a", "an", "the")


# --------------------------------------------------------------------------
# Disclaimers

_DISCLAIMER_RE = re.compile(
    r"^(?:\W{0,3}disclaimer\b|confidentiality notice|confidential(?:ity)?:|privileged"
    r" (?:and|&) confidential|important notice:"
    # "This e-mail (and any attachments) is confidential / intended solely for ..."
    r"|this (?:e-?mail|message|communication|electronic mail)\b[^.]{0,60}?"
    r" (?:is|are|may be|may contain|contains?) (?:strictly )?(?:confidential|privileged"
    r"|intended (?:solely|only|exclusively))"
    r"|the information (?:contained )?in this (?:e-?mail|message|communication)"
    r"|if you (?:are not|have received this) (?:the intended|(?:e-?mail|message) in error)"
    # "De informatie verzonden met dit e-mailbericht is uitsluitend bestemd ..."
    r"|(?:de )?informatie (?:verzonden )?(?:in|met) dit (?:e-?mail)?bericht"
    r"|dit (?:e-?mail)?bericht (?:is |kan )?(?:uitsluitend|vertrouwelijk|alleen bestemd|bestemd)"
    r"|aan (?:dit|deze) (?:e-?mail)?(?:bericht|e-mail) kunnen geen rechten"
    r"|diese (?:e-?mail|nachricht) (?:enthält vertrauliche|ist vertraulich|ist ausschließlich)"
    r"|ce (?:message|courriel|mail) (?:et (?:ses|toutes les) pièces jointes|est confidentiel)"
    r"|le informazioni contenute"
    r"|you (?:received|are receiving) this (?:message|e-?mail)? ?because"
    r"|please consider the environment|think before you print|denk aan het milieu"
    r")",
    re.IGNORECASE,
)


def _is_disclaimer_start(line: str) -> bool:
    return bool(_DISCLAIMER_RE.match(line.strip()[:160]))


# --------------------------------------------------------------------------
# Sign-offs, names, contact lines

_CLOSING_PHRASES = _wordset(
    """
    thanks|thank you|thanks a lot|thank you very much|many thanks|thanks again|thanks in advance
    thank you in advance|thanks so much|thanks much|with thanks|thx|tnx|ty|cheers|ta
    regards|kind regards|best regards|warm regards|warmest regards|with regards|with kind regards
    with best regards|many regards|best wishes|all the best|best|all best|sincerely
    yours sincerely|sincerely yours|yours truly|yours faithfully|faithfully|respectfully
    take care|talk soon|br|kr|rgds|greetings|kind greetings|warm greetings|love|yours|bye
    met vriendelijke groet|met vriendelijke groeten|vriendelijke groet|vriendelijke groeten
    met hartelijke groet|met hartelijke groeten|hartelijke groet|hartelijke groeten
    hartelijke groetjes|met groet|met groeten|groet|groeten|groetjes|gr|grt|grtz|mvg|m.v.g
    hgr|vgr|liefs|bedankt|alvast bedankt|dank|dank je|dank je wel|dankjewel|dank u|dank u wel
    hartelijk dank|veel dank|fijne dag|fijne dag nog|prettige dag|tot ziens|doei
    met vriendelijke groet en dank|met dank|vriendelijke groet en dank
    mit freundlichen grüßen|mit freundlichen grüssen|freundliche grüße|freundliche grüsse
    viele grüße|viele grüsse|beste grüße|beste grüsse|liebe grüße|liebe grüsse|herzliche grüße
    schöne grüße|grüße|grüsse|gruß|gruss|lg|vg|mfg|danke|vielen dank|danke schön
    cordialement|bien cordialement|bien à vous|merci|merci beaucoup|salutations
    sincères salutations|amitiés|bonne journée|à bientôt|bises
    saludos|un saludo|saludos cordiales|atentamente|gracias|muchas gracias|un abrazo
    cordiali saluti|saluti|distinti saluti|grazie|grazie mille|un saluto
    atenciosamente|abraços|obrigado|obrigada|cumprimentos|att
    med venlig hilsen|venlig hilsen|mvh|hilsen|kh|kærlig hilsen|de bedste hilsner|vh
    med vennlig hilsen|vennlig hilsen|med vänliga hälsningar|vänliga hälsningar|hälsningar
    vänligen|tack|tak|takk|tusen takk|mange tak
    pozdrawiam|z poważaniem|dziękuję|ystävällisin terveisin|terveisin
    """
) | {"с уважением", "спасибо"}  # noqa: RUF001
_CLOSING_PUNCT = " ,.!:;-\u2014\u2013"
# One-word replies that are answers, not names ("Akkoord", "Approved").
_ANSWER_WORDS = _wordset(
    "yes|no|ok|okay|oke|oké|sure|agreed|approved|rejected|declined|done|noted|fine|great|perfect"
    "|ja|nee|jawel|akkoord|goedgekeurd|afgewezen|afgekeurd|prima|top|klopt|eens|mee|gedaan"
    "|genoteerd|helder|duidelijk|super|mooi|graag|nein|genehmigt|abgelehnt|einverstanden"
    "|oui|non|d'accord|approuvé|refusé|sí|si|vale"
)
_NAME_PARTICLES = _wordset(
    "van|de|der|den|von|la|le|du|da|di|del|della|ter|ten|te|'t|d'|al|bin|el|y|zu"
)


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
        elif core.lower() not in _NAME_PARTICLES and not allow_lower:
            return False
    return capitalised > 0 or allow_lower


def _strip_symbols(s: str) -> str:
    # "Anna 🌱" -> "Anna": drop trailing emoji and other symbols.
    end = len(s)
    while end > 0 and (unicodedata.category(s[end - 1])[0] == "S" or s[end - 1] in "\u200d\ufe0f "):
        end -= 1
    return s[:end]


def _is_name_line(line: str, allow_lower: bool = False) -> bool:
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
    if len(words) == 1 and words[0].lower().strip(".!") in _ANSWER_WORDS:
        return False
    return _name_words_ok(words, allow_lower)


# "Met vriendelijke groet / Kind regards", "Bedankt en groetjes", "Thanks & regards"
_PHRASE_JOIN_RE = re.compile(r"\s?/\s?|\s(?:and|en|und|et|e|y|og|och|i|&|\+)\s|,\s")


def _is_closing_phrase(line: str) -> bool:
    """A line that is only a closing phrase: "Kind regards,", "Groetjes", "Mvg"."""
    s = line.strip().lower()
    if not s or len(s) > 60:
        return False
    core = s.rstrip(_CLOSING_PUNCT)
    if core in _CLOSING_PHRASES:
        return True
    parts = _PHRASE_JOIN_RE.split(core)
    return len(parts) > 1 and all(part.strip(_CLOSING_PUNCT) in _CLOSING_PHRASES for part in parts)


def _closing_with_name(line: str) -> bool:
    """ "Regards, Roman", "Groet, Jan", "Thanks,Christine", "Groetjes Anna", "Gr. Jan"."""
    s = line.strip()
    if len(s) > 60:
        return False
    head, found, tail = s.partition(",")
    if found and _is_closing_phrase(head) and _is_name_line(tail):
        return True
    words = s.split()
    for k in range(1, min(5, len(words))):
        if _is_closing_phrase(" ".join(words[:k])) and _is_name_line(" ".join(words[k:])):
            return True
    return False


_PHONE_RE = re.compile(r"(?:\+|\(?\b)\d[\d ()./-]{6,20}\d\b")
_CONTACT_LABEL_RE = re.compile(
    r"^(?:t|tel|tel\.|telefoon|phone|mob|mobile|mobiel|m|f|fax|e|email|e-mail|w|web|skype|"
    r"www)\s?[.:]",
    re.IGNORECASE,
)


def _is_contact_line(line: str) -> bool:
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


def _is_dash_name(line: str) -> bool:
    # "-Abhishek Kona", "- roman", "/John", "-Lev."
    s = line.strip()
    if len(s) < 2 or s[0] not in "-/~\u2013\u2014" or s[:2] in ("--", "//"):
        return False
    return _is_name_line(s[1:].strip(), allow_lower=True)


_NUMBERED_RE = re.compile(r"\d{1,2}[.)]\s")


def _is_list_item(line: str) -> bool:
    # "- item", "* item", "1. item"
    s = line.lstrip()
    return s[:1] in ("-", "*", "\u2022") or bool(_NUMBERED_RE.match(s[:4]))


# --------------------------------------------------------------------------
# Pass 1: find where the earlier message starts; drop ">" quote blocks before it


@dataclass(frozen=True, slots=True)
class _Cut:
    index: int  # first dropped line
    prefix: str = ""  # new text kept from the line at `index`


def _find_cut(lines: Sequence[str], soft_headers: dict[int, _Header]) -> _Cut:
    """Scan for the start of the quoted/forwarded original.

    "On ... wrote:" headers directly followed by ">" lines are "soft": only the
    header and its quote block go, and text after them is kept.  Any other
    quote header, Outlook header block or separator drops the rest.
    """
    n = len(lines)
    keys = [_header_key(line) for line in lines]
    i = 0
    while i < n:
        s = lines[i].strip()
        if not s or _is_quoted(s):
            i += 1
            continue
        if _is_separator_phrase(s):
            return _Cut(i)
        if _is_rule(s):
            j = _next_nonblank(lines, i + 1, i + 4)
            if j is not None and (
                _header_block_at(lines, keys, j) or _is_separator_phrase(lines[j])
            ):
                return _Cut(i)
        if _header_block_at(lines, keys, i) or _FLAT_HEADER_RE.match(s[:_HEAD]):
            return _Cut(i)
        header = _quote_header_at(lines, i)
        if header is not None:
            j = _next_nonblank(lines, header.end + 1)
            if j is not None and _is_quoted(lines[j]):
                soft_headers[i] = header
                i = header.end + 1
                continue
            return _Cut(i, header.prefix)
        # A date + address line right above a quote: "2011/4/7 Nathan <n@x.com>"
        if _DATE_START_RE.match(s) and "@" in s[:_HEAD]:
            j = _next_nonblank(lines, i + 1, i + 3)
            if j is not None and _is_quoted(lines[j]):
                soft_headers[i] = _Header(i, i, "")
                i += 1
                continue
        # "Sent from my iPhone": what follows is the original, headers or not.
        if _is_mobile_footer(s):
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
        if _is_quoted(lines[i]):
            end = i
            i += 1
            continue
        if _is_blank(lines[i]):
            k = _next_nonblank(lines, i, stop)
            if k is not None and _is_quoted(lines[k]):
                end = k
                i = k + 1
                continue
            return end
        j = i
        while j < stop and j - i < 2 and not _is_blank(lines[j]) and not _is_quoted(lines[j]):
            j += 1
        if j < stop and _is_quoted(lines[j]) and _looks_wrapped(lines[end], lines[i]):
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
        or "http" in text[:_HEAD].lower()
    )


def _drop_quotes(lines: list[str], soft_headers: dict[int, _Header]) -> list[str]:
    """Remove soft quote headers and ">" blocks; keep all other lines in order."""
    out: list[str] = []
    n = len(lines)
    i = 0
    while i < n:
        header = soft_headers.get(i)
        if header is not None:
            if header.prefix:
                out.append(header.prefix)
            q = _next_nonblank(lines, header.end + 1)
            assert q is not None  # a soft header is followed by a quoted line
            end = _quote_block_end(lines, q, n)
            i = _skip_blanks(lines, end + 1)
            continue
        if _is_quoted(lines[i]):
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
    while i < len(lines) and _is_blank(lines[i]):
        i += 1
    return i


def _is_inline_false_quote(lines: Sequence[str], start: int, end: int, out: list[str]) -> bool:
    """A lone decorative ">>> ... <<<" line glued to text above and below is text.

    e.g. "Visit us now...\n>>> >>>  http://www.domain.com <<<\nVisit our site..."
    """
    if end != start or start == 0 or not out or _is_blank(out[-1]) or "<<" not in lines[start]:
        return False
    if _is_blank(lines[start - 1]):
        return False
    return end + 1 < len(lines) and not _is_blank(lines[end + 1])


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
        if len(s) > 80 and not _is_contact_line(s):
            return False
        if s.endswith("?"):
            return False
    return any(_is_contact_line(s) or _is_name_line(s) for s in content)


def _signature_start(lines: Sequence[str]) -> int:
    n = len(lines)
    start = n
    for i, line in enumerate(lines):
        if i > 0 and _is_strong_delimiter(line):
            start = i
            break
    for i in range(start):
        if _is_mobile_footer(lines[i]):
            start = i
            break
    for i in range(1, start):
        s = lines[i].strip()
        if s and _is_weak_delimiter(s) and _looks_like_signature_block(lines, i + 1):
            start = i
            break
    for i in range(1, start):
        if _is_disclaimer_start(lines[i]):
            start = i
            break
    return start


def _paragraph_start(lines: Sequence[str], end: int) -> int:
    i = end
    while i > 0 and not _is_blank(lines[i - 1]):
        i -= 1
    return i


def _split_signoff(body: list[str]) -> tuple[list[str], list[str], list[str]]:
    """Split trailing sign-off (and contact lines under it) from the body.

    Returns (body, signoff, extra signature lines).
    """
    if not body:
        return body, [], []
    first = _next_nonblank(body, 0)
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
        if _is_closing_phrase(line):
            split = _split_after_phrase(body, p)
            if split is not None:
                return split
            break
        # "Groet, Jan" on the last line, under a blank line or a finished sentence
        # (not glued to unfinished text: "Test reply\nRegards, Roman" stays whole).
        if (
            p == last
            and _closing_with_name(line)
            and (_is_blank(body[p - 1]) or body[p - 1].rstrip().endswith((".", "!", "?")))
        ):
            return body[:p], body[p:], []

    last_line = body[last]
    previous = _next_nonblank_back(body, last - 1)
    # 2. "-Abhishek Kona", "/John"
    if _is_dash_name(last_line) and previous is not None and not _is_list_item(body[previous]):
        return body[:last], [last_line], []

    # 3. A last paragraph that is a name, or a signature card:
    #    "Jan Jansen", "Jan Jansen\nAfdeling HR", "Gina X\ngina@x.com\n(555) 346-9947".
    para = _paragraph_start(body, last)
    if para > first:
        block = body[para:]
        named = _is_name_line(block[0])
        rest = block[1:] if named else block
        plain = len(block) <= 8 and all(
            (len(t.strip()) <= 60 or _is_contact_line(t)) and not t.strip().endswith((":", "?"))
            for t in block
        )
        contacts = sum(_is_contact_line(t) for t in rest)
        if named and not rest:
            return body[:para], block, []
        # Contact details make it a signature card (as a client inserts it): keep it whole.
        if plain and ((named and contacts) or (len(block) >= 2 and contacts >= 2)):
            return body[:para], [], block
        # A typed name with a job title or team under it.
        if plain and named and len(rest) <= 2 and all(_is_name_line(t) for t in rest):
            return body[:para], block[:1], rest

    # 4. A single first name under the last text line: "...\nBob".
    s = last_line.strip()
    if (
        previous is not None
        and previous >= first
        and 2 <= len(s) <= 15
        and s.isalpha()
        and s[0].isupper()
        and not _is_closing_phrase(s)
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
        if (len(t) > 60 and not _is_contact_line(t)) or t.endswith("?") or _PS_RE.match(t):
            return None
    end = p
    names = 0
    for k in range(p + 1, len(body)):
        if not body[k].strip():
            continue
        if names < 1 and _is_name_line(body[k]):
            end = k
            names += 1
            continue
        break
    return body[:p], body[p : end + 1], body[end + 1 :]


# "#anoniem", "#idee #facilitair"
_HASHTAG_LINE_RE = re.compile(r"^#[^\W\d_][\w-]{0,40}(?: #[^\W\d_][\w-]{0,40}){0,5}$")

# --------------------------------------------------------------------------
# Entry point


def trim(text: str) -> TrimmedReply:
    """Split a reply into the new body, its sign-off and its signature."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    soft_headers: dict[int, _Header] = {}
    cut = _find_cut(lines, soft_headers)
    kept = lines[: cut.index]
    if cut.prefix:
        kept.append(cut.prefix)
    new = _strip_blank_edges(_drop_quotes(kept, soft_headers))

    start = _signature_start(new)
    head = _strip_blank_edges(new[:start])  # `new` has no leading blank lines
    body, signoff, extra = _split_signoff(head)
    # Contact lines split off under the sign-off join the signature, spacing kept.
    signature = [*extra, *new[len(head) :]] if extra else new[start:]
    # Tags such as "#anoniem" are instructions to ideabox: keep them with the body
    # even when they were typed under the sign-off.
    tags = [line for line in (*signoff, *signature) if _HASHTAG_LINE_RE.match(line.strip())]
    if tags:
        signoff = [line for line in signoff if line not in tags]
        signature = [line for line in signature if line not in tags]
        body = [*_strip_blank_edges(body), "", *tags]
    return TrimmedReply(body=_join(body), signoff=_join(signoff), signature=_join(signature))
