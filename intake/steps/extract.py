"""Get the text a person wrote: text/plain if there is one, else the HTML as text."""

from __future__ import annotations

import codecs
import re
from email.message import EmailMessage

from inscriptis import Inscriptis
from inscriptis.css_profiles import CSS_PROFILES
from inscriptis.model.config import ParserConfig
from lxml import etree
from lxml import html as lxml_html
from lxml.html import HtmlElement

from intake.context import StepContext
from intake.message import Inbound

_BLANKS = re.compile(r"\n{3,}")
_TRAILING_SPACE = re.compile(r"[ \t]+$", re.MULTILINE)

# Labels that name a single-byte Western charset (or none at all): what such mail really is
# is UTF-8 when the bytes decode as UTF-8, else Windows-1252 (a superset of Latin-1 for
# every printable character, which is why browsers read "iso-8859-1" as windows-1252).
_WESTERN = frozenset(
    {"", "us-ascii", "ascii", "iso-8859-1", "latin1", "latin-1", "windows-1252", "cp1252"}
)
# Labels seen in real mail that Python's codecs do not know, or know as something narrower.
_ALIASES = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "ks_c_5601-1987": "cp949",
    "x-sjis": "shift_jis",
    "iso-8859-8-i": "iso-8859-8",
    "windows-874": "cp874",
    "tis-620": "cp874",
    "ansi_x3.4-1968": "ascii",
    "x-user-defined": "cp1252",
    "unicode-1-1-utf-7": "utf-7",
}


def decode_bytes(data: bytes, label: str | None) -> str:
    """Text from bytes in the charset ``label`` names, surviving wrong and missing labels.

    A label that names no text encoding (``rot13``, ``base64``, ``zlib``), or one that
    fails on these bytes (``idna``, ``undefined``), reads as an unknown label does.
    """
    charset = (label or "").strip().strip('"').lower()
    charset = _ALIASES.get(charset, charset)
    if charset in _WESTERN or charset in ("utf-8", "utf8"):
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            return data.decode("cp1252", errors="replace")
    try:
        if not codecs.lookup(charset)._is_text_encoding:
            return decode_bytes(data, None)
    except (LookupError, ValueError):  # unknown, or a label with a NUL in it
        return decode_bytes(data, None)
    try:
        return data.decode(charset)
    except (UnicodeError, ValueError):
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            try:
                return data.decode(charset, errors="replace")
            except (UnicodeError, ValueError):
                return decode_bytes(data, None)


def unflow(text: str, delsp: bool = False) -> str:
    """Join the soft line breaks of ``format=flowed`` text (RFC 3676)."""
    out: list[str] = []
    paragraph: str | None = None
    paragraph_depth = 0

    def emit(depth: int, content: str) -> None:
        out.append((">" * depth + " " + content).rstrip() if depth else content)

    for line in text.split("\n"):
        stripped = line.lstrip(">")
        depth = len(line) - len(stripped)
        content = stripped[1:] if stripped.startswith(" ") else stripped  # space-stuffing
        flowed = content.endswith(" ") and content != "-- "
        if paragraph is not None and depth != paragraph_depth:
            emit(paragraph_depth, paragraph)
            paragraph = None
        if flowed and delsp:
            content = content[:-1]
        paragraph = content if paragraph is None else paragraph + content
        paragraph_depth = depth
        if not flowed:
            emit(depth, paragraph)
            paragraph = None
    if paragraph is not None:
        emit(paragraph_depth, paragraph)
    return "\n".join(out)


# inscriptis lays HTML out as a browser would; its strict profile indents no block.
_HTML_CONFIG = ParserConfig(css=CSS_PROFILES["strict"], display_links=False)
_BULLET = re.compile(r"^[ \t]*\* ", re.MULTILINE)  # inscriptis writes "  * item"
_NUMBERED = re.compile(r"^[ \t]+(?=\d{1,3}\. )", re.MULTILINE)


def _quote_blockquotes(root: HtmlElement) -> None:
    """Each <blockquote> becomes its text with "> " before every line, as mail clients
    quote in plain text: the trimmer recognises quoted mail by those lines. Innermost
    first, so a quote inside a quote gets "> > "."""
    for quote in reversed(list(root.iter("blockquote"))):
        inner = Inscriptis(quote, _HTML_CONFIG).get_text().strip("\n")
        marked = "\n".join(">" + (" " + line if line.strip() else "") for line in inner.split("\n"))
        pre = lxml_html.Element("pre")
        pre.text = "\n" + marked + "\n"
        pre.tail = quote.tail
        parent = quote.getparent()
        if parent is None:
            return
        parent.replace(quote, pre)


def html_to_text(html: str) -> str:
    """Readable text from HTML: paragraphs, line breaks and lists kept, no markup."""
    try:
        root = lxml_html.document_fromstring(html)
    except (etree.ParserError, ValueError):  # empty, or nothing lxml can read
        return ""
    _quote_blockquotes(root)
    text = Inscriptis(root, _HTML_CONFIG).get_text().replace("\u00a0", " ")
    text = _BULLET.sub("- ", _NUMBERED.sub("", text))
    # Empty <div><br></div> lines come out as spaces: make them blank, then collapse.
    text = _TRAILING_SPACE.sub("", text)
    return _BLANKS.sub("\n\n", text).strip() + "\n"


def part_text(part: EmailMessage) -> str:
    """The decoded text of one text/* part, with line endings normalised and flow undone."""
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    text = decode_bytes(payload, part.get_content_charset())
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if part.get_content_subtype() == "plain" and (
        str(part.get_param("format", "", header="content-type")).lower() == "flowed"
    ):
        delsp = str(part.get_param("delsp", "", header="content-type")).lower() == "yes"
        text = unflow(text, delsp)
    return text


def body_text(message: EmailMessage) -> str:
    """The text of the message body; attachments (winmail.dat included) are never read."""
    text = ""
    for preference in ("plain", "html"):
        part = message.get_body(preferencelist=(preference,))
        if not isinstance(part, EmailMessage):
            continue
        text = part_text(part)
        if preference == "html":
            text = html_to_text(text)
        if text.strip():
            break  # an empty text/plain part next to a filled HTML part: read the HTML
    return text.replace("\u00a0", " ")


async def extract(msg: Inbound, ctx: StepContext) -> Inbound:
    """Set the message's text: its body as a person would read it."""
    return msg.but(text=body_text(msg.msg))
