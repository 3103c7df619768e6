"""Français."""

from core.vocabulary import Button, Vocabulary

WORDS = Vocabulary(
    code="fr",
    name="Français",
    idea="Idée",
    decisions={
        "accepted": (
            "d'accord", "accepté", "acceptée", "accepter", "oui", "validé",
            "approuvé", "bonne idée", "ok", "on le fait",
        ),
        "declined": ("refusé", "refusée", "refuser", "non", "rejeté", "malheureusement non"),
        "in_progress": (
            "plus tard", "en cours", "à l'étude", "nous étudions", "on regarde",
        ),
        "done": ("fait", "c'est fait", "terminé", "réalisé", "déjà fait"),
    },
    forward_verbs=(r"transf[ée]r(?:er|é)", r"transmettre", r"transmis"),
    forward_prepositions=("à",),
    buttons=(
        Button("accepted", "D'accord", "d'accord"),
        Button("declined", "Refuser", "refusé"),
        Button("in_progress", "Plus tard", "plus tard"),
        Button("done", "Fait", "fait"),
    ),
    outcome_labels={
        "accepted": "accepté",
        "declined": "refusé",
        "in_progress": "en cours",
        "done": "fait",
        "forward": "transféré",
    },
    greetings=("bonjour", "salut", "cher", "chère", "bonsoir", "coucou"),
    anonymous_tags=("anonyme", "anon"),
)  # fmt: skip
