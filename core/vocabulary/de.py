"""Deutsch."""

from core.vocabulary import Button, Vocabulary

WORDS = Vocabulary(
    code="de",
    name="Deutsch",
    idea="Idee",
    decisions={
        "accepted": (
            "einverstanden", "akzeptiert", "genehmigt", "angenommen", "ja", "machen wir",
            "gute idee", "in ordnung", "ok", "okay",
        ),
        "declined": ("abgelehnt", "ablehnen", "nein", "leider nicht", "machen wir nicht"),
        "in_progress": (
            "später", "spaeter", "in bearbeitung", "wir prüfen das", "wird geprüft", "prüfen",
        ),
        "done": ("erledigt", "umgesetzt", "fertig", "schon erledigt", "gemacht"),
    },
    forward_verbs=(r"weiterleiten", r"weitergeleitet", r"leite (?:ich )?(?:es )?weiter"),
    forward_prepositions=("an",),
    buttons=(
        Button("accepted", "Einverstanden", "einverstanden"),
        Button("declined", "Ablehnen", "abgelehnt"),
        Button("in_progress", "Später", "später"),
        Button("done", "Erledigt", "erledigt"),
    ),
    outcome_labels={
        "accepted": "einverstanden",
        "declined": "abgelehnt",
        "in_progress": "in Bearbeitung",
        "done": "erledigt",
        "forward": "weitergeleitet",
    },
    greetings=("hallo", "hi", "liebe", "lieber", "guten morgen", "guten tag", "moin", "servus"),
    anonymous_tags=("anonym", "anon"),
)  # fmt: skip
