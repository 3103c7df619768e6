"""Nederlands."""

from core.vocabulary import Button, Vocabulary

WORDS = Vocabulary(
    code="nl",
    name="Nederlands",
    idea="Idee",
    decisions={
        "accepted": (
            "akkoord", "goedgekeurd", "goedkeuren", "goed idee", "ja", "prima", "doen we",
            "we gaan het doen", "ok", "oké", "oke", "geen probleem", "geen bezwaar", "top",
        ),
        "declined": (
            "afgewezen", "afwijzen", "niet akkoord", "nee", "helaas niet", "helaas",
            "niet doen", "doen we niet", "afgekeurd",
        ),
        "in_progress": (
            "in behandeling", "we onderzoeken het", "we onderzoeken dit", "onderzoeken",
            "wordt onderzocht", "later", "komt later",
        ),
        "done": ("gedaan", "uitgevoerd", "is gedaan", "al gedaan", "klaar", "afgerond", "geregeld"),
    },
    forward_verbs=(r"doorsturen", r"doorgestuurd", r"stuur (?:ik )?(?:dit )?door"),
    forward_prepositions=("naar", "aan"),
    buttons=(
        Button("accepted", "Akkoord", "akkoord"),
        Button("declined", "Afwijzen", "afgewezen"),
        Button("in_progress", "Later", "later"),
        Button("done", "Gedaan", "gedaan"),
    ),
    outcome_labels={
        "accepted": "akkoord",
        "declined": "afgewezen",
        "in_progress": "in behandeling",
        "done": "gedaan",
        "forward": "doorgestuurd",
    },
    greetings=("hoi", "hallo", "beste", "goedemorgen", "goedemiddag", "goedenavond", "dag", "hey"),
    anonymous_tags=("anoniem", "anon"),
)  # fmt: skip
