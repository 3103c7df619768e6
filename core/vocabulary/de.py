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
    thanks=(
        "danke", "danke schön", "dankeschön", "vielen dank", "herzlichen dank",
        "danke sehr", "super", "toll", "prima", "klasse", "perfekt", "sehr gut", "gut",
        "wunderbar", "spitze", "ok", "okay", "merci",
    ),
    question_words=("frage", "eine frage", "ich habe eine frage", "kurze frage"),
    no_idea=(
        "keine idee", "keine ahnung", "ich weiß nicht", "ich weiss nicht", "nichts",
        "nein", "keine", "nichts zu ergänzen", "keine ideen", "weiß nicht", "nicht wirklich",
        "im moment nicht", "gerade nicht", "momentan nicht",
    ),
    courtesy=(
        "dir", "ihnen", "euch", "sehr", "vielen", "herzlichen", "herzlich", "für", "die",
        "den", "das", "ihre", "deine", "eure", "schnelle", "rückmeldung", "antwort",
        "nachricht", "info", "information", "update", "und", "nochmal", "nochmals",
        "wirklich", "leider", "im", "moment", "momentan", "zurzeit", "derzeit", "gerade",
        "jetzt", "ich", "habe", "von", "meiner", "seite", "aus", "sonst",
        "ehrlich", "gesagt", "grüße", "gruß", "lg", "vg", "mfg", "beste", "viele",
    ),
)  # fmt: skip
