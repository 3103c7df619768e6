"""English."""

from core.vocabulary import Button, Vocabulary

WORDS = Vocabulary(
    code="en",
    name="English",
    idea="Idea",
    decisions={
        "accepted": (
            "accepted", "accept", "approved", "approve", "agreed", "agree", "yes", "ok",
            "okay", "no problem", "go ahead", "let's do it",
        ),
        "declined": ("declined", "decline", "rejected", "reject", "no"),
        "in_progress": (
            "in progress", "looking into it", "we are looking into it",
            "we're looking into it", "under review", "investigating", "later",
        ),
        "done": ("done", "completed", "already done", "implemented", "fixed"),
    },
    forward_verbs=(r"forward(?:ed)?", r"fwd", r"pass(?:ed)? (?:it )?on"),
    forward_prepositions=("to",),
    buttons=(
        Button("accepted", "Accept", "accept"),
        Button("declined", "Decline", "decline"),
        Button("in_progress", "Later", "later"),
        Button("done", "Done", "done"),
    ),
    outcome_labels={
        "accepted": "accepted",
        "declined": "declined",
        "in_progress": "in progress",
        "done": "done",
        "forward": "forwarded",
    },
    greetings=("hi", "hello", "hey", "dear", "good morning", "good afternoon", "morning"),
    anonymous_tags=("anonymous", "anon"),
)  # fmt: skip
