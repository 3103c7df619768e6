"""Short replies that say no idea or decision, in every shipped language: thanks, "no
idea", nothing at all, a question. And the other way round: a reply with something in
it is never swallowed as one of those."""

from __future__ import annotations

import pytest

from intake.courtesy import (
    is_content_free,
    name_words,
    read_question,
    says_no_idea,
    says_thanks,
)
from intake.trimmer import before_signoff, only_closing

NAMES = name_words("Jan Jansen", "Chloé Martin")

THANKS = [
    "bedankt!",
    "Top, dank je wel!",
    "Super, bedankt voor de snelle reactie!",
    "Dank u wel voor het antwoord.",
    "Thanks!",
    "Great news, thanks so much! 👍",
    "Thank you for letting me know.",
    "Many thanks, Jan",
    "Vielen Dank für die schnelle Rückmeldung!",
    "Danke schön 🙏",
    "Merci beaucoup pour votre retour !",
    "Merci, Chloé",
    "👍",
    "🙏🏽",
]
NOT_THANKS = [
    "Niet goed!",
    "Thanks, but that is not what I meant.",
    "Bedankt, maar wanneer begint het?",
    "Dank je, ik had liever een andere oplossing gezien.",
    "Danke, aber das reicht nicht.",
    "Merci, mais c'est trop tard.",
    "Super, kunnen we ook de andere verdieping doen?",
    "Thanks. Could the same happen in the canteen",
]


@pytest.mark.parametrize("text", THANKS)
def test_thanks(text: str) -> None:
    assert says_thanks(text, NAMES)


@pytest.mark.parametrize("text", NOT_THANKS)
def test_not_only_thanks(text: str) -> None:
    assert not says_thanks(text, NAMES)


NO_IDEA = [
    "Geen idee.",
    "Geen idee eigenlijk.",
    "Nee, ik heb niets.",
    "Op dit moment niet, sorry.",
    "No idea",
    "Nothing comes to mind right now, sorry!",
    "Keine Ahnung, ehrlich gesagt.",
    "Im Moment nicht.",
    "Rien à signaler pour le moment.",
    "Aucune idée, désolée.",
]
IDEAS = [
    "Nee, de koffie is slecht.",
    "Geen koffie meer na vieren.",
    "Nothing works in the canteen.",
    "None of the printers work.",
    "Keine Parkplätze für Besucher.",
    "Rien ne marche à la cantine.",
]


@pytest.mark.parametrize("text", NO_IDEA)
def test_no_idea(text: str) -> None:
    assert says_no_idea(text, NAMES)


@pytest.mark.parametrize("text", IDEAS)
def test_an_idea_that_starts_like_no_idea(text: str) -> None:
    assert not says_no_idea(text, NAMES)


@pytest.mark.parametrize("text", ["", "Hoi,", "Hallo Jan!", "Jan", "Bonjour,\n\nChloé", "😀"])
def test_content_free(text: str) -> None:
    assert is_content_free(text, NAMES)


@pytest.mark.parametrize(
    "text",
    [
        "Met vriendelijke groet,\n\nJan Jansen",
        "Groet, Jan",
        "Best regards,\nTom",
        "Viele Grüße\nLena",
        "Cordialement,\nChloé Martin",
        "-- \nJan Jansen\nTeamleider Zorg\nT 06-12345678",
        "Sent from my iPhone",
        "Verzonden vanaf mijn Samsung Galaxy",
    ],
)
def test_only_a_sign_off_or_signature(text: str) -> None:
    assert only_closing(text)


@pytest.mark.parametrize(
    "text",
    ["Meer parkeerplaatsen, graag.", "Koffie, thee.", "Betere koffie\nJan", "Parkeren"],
)
def test_a_short_idea_is_not_a_sign_off(text: str) -> None:
    assert not only_closing(text)


@pytest.mark.parametrize(
    ("text", "question"),
    [
        ("vraag: voor welke afdeling geldt dit?", "voor welke afdeling geldt dit?"),
        ("Vraag - geldt dit ook voor de nachtdienst", "geldt dit ook voor de nachtdienst"),
        ("Hoi,\nvraag: welke gang bedoel je?", "welke gang bedoel je?"),
        ("Question: which shift do you mean?", "which shift do you mean?"),
        ("Frage:\nAb wann gilt das", "Ab wann gilt das"),
        ("Demande : pour quel service ?", "pour quel service ?"),
        ("Geldt dat voor alle gangen?", "Geldt dat voor alle gangen?"),
        ("Vraag het even aan Piet.", None),  # "ask Piet": no question word
        ("Goed punt, ik kom erop terug.", None),
    ],
)
def test_questions(text: str, question: str | None) -> None:
    assert read_question(text) == question


def test_relayed_words_end_where_a_sign_off_starts() -> None:
    text = "Voor de nachtdienst.\n\nGroet,\nJan Jansen\nVerpleegkundige"
    assert before_signoff(text) == "Voor de nachtdienst."
    assert before_signoff("Eerst dit.\nEn dan dat.") == "Eerst dit.\nEn dan dat."
