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
    thanks=(
        "thanks", "thank you", "thanks a lot", "thank you very much", "many thanks",
        "thanks so much", "cheers", "great", "great news", "perfect", "awesome", "excellent",
        "brilliant", "wonderful", "nice", "good", "cool", "lovely", "fantastic", "ok",
        "okay", "much appreciated", "appreciated", "ta", "thx",
    ),
    question_words=("question", "a question", "quick question", "i have a question"),
    no_idea=(
        "no idea", "i have no idea", "nothing", "none", "no", "nothing comes to mind",
        "i don't know", "i dont know", "not really", "n/a", "nothing to add", "no ideas",
        "not at the moment", "not right now", "not now",
    ),
    courtesy=(
        "you", "so", "very", "much", "a", "lot", "for", "the", "your", "quick", "fast",
        "reply", "response", "answer", "feedback", "update", "info", "news", "letting",
        "me", "us", "know", "again", "and", "all", "really", "indeed", "again", "sorry",
        "unfortunately", "at", "this", "moment", "time", "right", "now", "currently",
        "really", "i", "have", "got", "to", "add", "from", "my", "side", "else",
        "honestly", "regards", "best", "kind",
    ),
)  # fmt: skip
