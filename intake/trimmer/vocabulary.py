"""The words the trimmer knows, in the languages our people's mail clients write.

Data only: phrase sets (compared with a whole, lower-cased line) and regular-expression
alternatives (``a|b|c``; where one word starts another, the longer one comes first). The
line classes in ``intake.trimmer.lines`` compile and use them.
"""

from __future__ import annotations


def wordset(text: str) -> frozenset[str]:
    """A set from "a|b|c" (newlines count as "|"), e.g. a list of phrases."""
    return frozenset(w.strip() for w in text.replace("\n", "|").split("|") if w.strip())


# --------------------------------------------------------------------------
# Quote headers: "On <date>, <name> wrote:"

# Verbs that end a quote header, compared with the end of the header:
#   "On Tue, 2 Apr 2012 at 18:02, Bob <bob@x.org> wrote:"      (en)
#   "Op 12 december 2016 19:05 schreef Jan <jan@x.nl>:"        (nl, verb in the middle)
#   "Op 17-feb.-2015, om 13:18 heeft Jan het volgende geschreven:" (nl, Apple Mail)
#   "Am 13.12.2017 21:11 schrieb Hans <h@x.de>:"               (de)
#   "Le 15 janv. 2024 à 14:30, Pierre <p@x.fr> a écrit :"      (fr)
WROTE_AT_END = (
    r"wrote|writes|sent|schreef|schreef het volgende|geschreven"
    r"|schrieb|geschrieben|a écrit|a ecrit|ha scritto|escreveu|escribió|escribio|skrev|skriver"
    r"|kirjoitti|napisał\(a\)|napisała|napisał|napisal\(a\)|napisala|napisal|napsal|napísal"
    r"|написал\(а\)|написала|написал|пишет|đã viết|írta|yazdı|kirjutas|rašė|rakstīja"  # noqa: RUF001
)
# A "wrote" verb anywhere in a header that ends in ":" after a name or date:
#   "Am 03.06.2024 um 09:12 schrieb Ideabox:", "Op 3 juni 2024 schreef Jan het volgende:",
#   "Ideebox <ideebox@x.nl> schreef op 3 juni 2024 om 09:12:" (Outlook for Mac),
#   "Ideabox <i@x.com> ezt írta (időpont: 2024. jún. 3., H, 9:12):"
# English "wrote" is left out: "On 3 May I wrote to HR:" is body text.
WROTE_INSIDE = (
    r"schreef|schrieb|a écrit|ha scritto|escribió|escreveu|skrev|napisał|napisała"
    r"|написал|написала|kirjoitti|napsal|yazdı|írta|đã viết"  # noqa: RUF001
)
# CJK verbs follow the date without a space and may end in a full-width colon.
CJK_WROTE = ("写道", "寫道", "書きました", "작성")
# Words a (possibly wrapped) quote header starts with: "On", "Op", "Am", "Le", ...
INTRO_WORDS = r"on|op|am|le|el|il|il giorno|in data|em|den|på|w dniu|dnia|vào|dne|dana|el día"
# The same in the middle of a line ("reply On Wed, Apr 4, 2012 ... wrote:"), as written.
MIDLINE_INTRO_WORDS = r"On|Op|Am|Le|El|Em|Den|På"
# Horde/IMP and friends: "Quoting Jan <jan@x.nl>:", "Zitat von Jan <jan@x.de>:"
QUOTING_WORDS = r"quoting|zitat von|citando|citation de|citaat van"

# --------------------------------------------------------------------------
# Outlook-style header blocks: "From: / Sent: / To: / Subject:"

HEADER_NAMES = {
    "from": "from|van|von|de|da|fra|från|od|от|frá|lähettäjä|kimden|feladó",
    "date": "sent|date|verzonden|datum|gesendet|envoyé|envoyé le|inviato|enviado|enviada|sendt"
    "|skickat|wysłano|data|отправлено|дата|lähetetty|päivämäärä|dato|gönderildi"
    "|message du|date d'envoi|enviado el",
    "to": "to|aan|an|à|a|para|til|till|do|кому|vastaanottaja|kime|címzett",
    "cc": "cc|bcc|kopie|copie|copie à|copia|kopia|копия",
    "subject": "subject|onderwerp|betreff|objet|oggetto|asunto|assunto|emne|ämne|temat|тема|aihe"
    "|konu|tárgy|sujet",
}
# Outlook sometimes flattens the block into one line; the first three keys it writes.
FLAT_FROM = r"from|van|von|de"
FLAT_DATE = r"sent|date|verzonden|datum|gesendet|envoyé"
FLAT_TO = r"to|aan|an|à"

# --------------------------------------------------------------------------
# Separators: "-----Original Message-----", "Begin forwarded message:"

SEPARATOR_PHRASES = wordset(
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

# --------------------------------------------------------------------------
# Mobile and app footers: "Sent from my iPhone", "Verzonden vanaf mijn iPhone"

FOOTER_VERBS = (
    r"sent|verzonden|verstuurd|gesendet|envoyé|envoye|enviado|inviato|sendt|skickat|"
    r"wysłane|wyslane|отправлено|lähetetty|odesláno"
)
FOOTER_PREPOSITIONS = (
    r"from|with|via|using|by|vanaf|vanuit|van|met|von|mit|vom|de|depuis|à partir de|par"
    r"|desde|do|da|dal|dalla|fra|från|med|z|ze|с|со|iz"  # noqa: RUF001
)
MY_WORDS = wordset(
    "my|mijn|meinem|meiner|mein|mon|ma|mi|mio|mia|meu|minha|min|mitt|mine|mój|mojego|moim"
    "|моего|мой|моей"
)
DEVICE_WORDS = (
    r"iphone|ipad|android|blackberry|samsung|galaxy|mobile|mobiel|mobil|móvil|smartphone|"
    r"outlook|gmail|mail|typeapp|sparrow|acompli|htc|nokia|huawei|xiaomi|pixel|wiko|motorola|"
    r"device|telefoon|phone|handy|tablet|windows|yahoo|aol|spark|newton|airmail|proton"
)
# "Get Outlook for iOS", "Outlook voor iOS downloaden"
GET_OUTLOOK = r"get|download|obtenir|télécharger|holen sie sich|scarica|descargar|baixe|hent|skaffa"
OUTLOOK_FOR = r"voor|für|pour|per|para|for|til|för"
DOWNLOAD_AFTER = r"downloaden|herunterladen|downloaden|télécharger|scaricare|descargar"

# --------------------------------------------------------------------------
# Disclaimers: how they start

DISCLAIMER_STARTS = (
    r"\W{0,3}disclaimer\b|confidentiality notice|confidential(?:ity)?:|privileged"
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
)

# --------------------------------------------------------------------------
# Sign-offs, names, contact lines

CLOSING_PHRASES = wordset(
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
# Words that join two closing phrases: "Bedankt en groetjes", "Thanks & regards".
PHRASE_JOINERS = r"and|en|und|et|e|y|og|och|i|&|\+"
# One-word replies that are answers, not names ("Akkoord", "Approved").
ANSWER_WORDS = wordset(
    "yes|no|ok|okay|oke|oké|sure|agreed|approved|rejected|declined|done|noted|fine|great|perfect"
    "|ja|nee|jawel|akkoord|goedgekeurd|afgewezen|afgekeurd|prima|top|klopt|eens|mee|gedaan"
    "|genoteerd|helder|duidelijk|super|mooi|graag|nein|genehmigt|abgelehnt|einverstanden"
    "|oui|non|d'accord|approuvé|refusé|sí|si|vale"
)
NAME_PARTICLES = wordset(
    "van|de|der|den|von|la|le|du|da|di|del|della|ter|ten|te|'t|d'|al|bin|el|y|zu"
)
# "T: 020 123 4567", "Mob. 06 ...", "E-mail: ..."
CONTACT_LABELS = (
    r"t|tel|tel\.|telefoon|phone|mob|mobile|mobiel|m|f|fax|e|email|e-mail|w|web|skype|www"
)
