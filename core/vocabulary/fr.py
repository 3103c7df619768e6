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
    thanks=(
        "merci", "merci beaucoup", "merci bien", "mille mercis", "merci mille fois",
        "super", "génial", "parfait", "très bien", "bien", "top", "excellent", "formidable",
        "ok", "d'accord",
    ),
    question_words=("question", "une question", "demande", "j'ai une question", "petite question"),
    no_idea=(
        "aucune idée", "pas d'idée", "je ne sais pas", "rien", "non", "aucune",
        "rien à signaler", "rien à ajouter", "pas d'idées", "pas vraiment",
        "pas pour le moment", "pas pour l'instant",
    ),
    courtesy=(
        "à", "a", "vous", "toi", "beaucoup", "très", "pour", "votre", "ton", "ta", "la",
        "le", "les", "retour", "réponse", "rapide", "info", "information", "nouvelle",
        "et", "encore", "vraiment", "désolé", "désolée", "malheureusement", "pour",
        "le", "moment", "actuellement", "maintenant", "je", "n'ai", "ai", "de",
        "ma", "part", "sinon", "honnêtement", "franchement", "cordialement", "bien",
        "bonne", "journée",
    ),
)  # fmt: skip
