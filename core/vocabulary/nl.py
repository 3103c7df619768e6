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
    thanks=(
        "bedankt", "dank", "dank je", "dank je wel", "dankjewel", "dank u", "dank u wel",
        "hartelijk dank", "heel erg bedankt", "super bedankt", "top", "super", "mooi",
        "fijn", "prima", "helder", "duidelijk", "goed zo", "geweldig", "klasse", "topper",
        "wat fijn", "wat goed", "mooi zo", "fantastisch", "ok", "oké", "oke", "thanks",
    ),
    question_words=("vraag", "een vraag", "ik heb een vraag"),
    no_idea=(
        "geen idee", "ik heb geen idee", "weet ik niet", "ik weet het niet", "niets",
        "niks", "nee", "geen", "geen ideeën", "ik heb niets", "niets te melden",
        "geen opmerkingen", "n.v.t.", "nvt", "niet echt", "nu niet", "op dit moment niet",
        "niet op dit moment", "ik weet het even niet", "niets te bedenken",
    ),
    courtesy=(
        "je", "jij", "jullie", "u", "wel", "heel", "erg", "zeer", "echt", "hartelijk",
        "hartstikke", "voor", "de", "het", "een", "snelle", "vlotte", "reactie",
        "terugkoppeling", "antwoord", "bericht", "berichtje", "info", "informatie", "update",
        "laten", "weten", "moeite", "nieuws", "goed", "mooi", "fijn", "wat", "zo", "en",
        "alvast", "nogmaals", "allemaal", "hoor", "eigenlijk", "helaas", "sorry", "even",
        "nu", "op", "dit", "moment", "momenteel", "verder", "nog", "ook", "ik",
        "weet", "heb", "er", "eerlijk", "gezegd", "van", "mijn", "kant", "te", "melden",
        "bedenken", "groet",
        "groeten", "groetjes", "gr", "mvg",
    ),
)  # fmt: skip
