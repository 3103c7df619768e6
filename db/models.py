"""The data model: people, campaigns, inbound mail, ideas, decisions, reminders, outbox."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class BounceState(StrEnum):
    OK = "ok"
    SOFT = "soft"  # temporary failures are counted
    HARD = "hard"  # the address does not exist: stop mailing it


class InboundStatus(StrEnum):
    RECEIVED = "received"  # stored, not yet processed
    PROCESSED = "processed"  # became something (see kind) or was set aside (see reason)
    FAILED = "failed"  # processing raised: kept for a human, raw bytes intact


class IdeaStatus(StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    IN_PROGRESS = "in_progress"
    DONE = "done"


class Outcome(StrEnum):
    ACCEPTED = "accepted"
    DECLINED = "declined"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    FORWARD = "forward"


class Role(StrEnum):
    """Who wrote a message in an idea's conversation."""

    AUTHOR = "author"  # the person who had the idea
    DECIDER = "decider"  # the manager, one of their managers, or HR


class MessageKind(StrEnum):
    THANKS = "thanks"  # recorded, relayed to nobody
    COMMENT = "comment"  # the author's, relayed to who decides
    QUESTION = "question"  # who decides asks the author, relayed
    ANSWER = "answer"  # the author's reply to a question, relayed to who asked
    REPLY = "reply"  # who decides answers a comment, relayed to the author


class Person(Model):
    id = fields.IntField(primary_key=True)
    email = fields.CharField(max_length=254, unique=True)  # stored lower-case
    name = fields.CharField(max_length=200)
    language = fields.CharField(max_length=5, default="nl")
    timezone = fields.CharField(max_length=64, null=True)
    department = fields.CharField(max_length=200, null=True)
    manager: fields.ForeignKeyNullableRelation[Person] = fields.ForeignKeyField(
        "models.Person", related_name="reports", null=True, on_delete=fields.SET_NULL
    )
    manager_id: int | None
    active = fields.BooleanField(default=True)
    deactivated_at = fields.DatetimeField(null=True)  # left the organisation: never mailed
    # Erased on request (AVG/GDPR): no name, no address; the ideas stay for the figures.
    forgotten_at = fields.DatetimeField(null=True)
    bounce_state = fields.CharEnumField(BounceState, default=BounceState.OK, max_length=8)
    soft_bounces = fields.IntField(default=0)
    away_until = fields.DatetimeField(null=True)  # manager out of office: pause reminders
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "person"


class Campaign(Model):
    id = fields.IntField(primary_key=True)
    question = fields.TextField()  # in the default language
    # The question per language ({"en": "Name one thing ..."}); a language missing here
    # is asked ``question``.
    questions = fields.JSONField[dict[str, str]](default=dict, db_default="{}")
    department = fields.CharField(max_length=200, null=True)
    anonymous = fields.BooleanField(default=False)
    closes_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField()  # from the service's clock
    results_sent_at = fields.DatetimeField(null=True)  # the results mails, once

    class Meta:
        table = "campaign"


class CampaignSchedule(Model):
    """Asking regularly: a campaign started every quarter, half-year or year."""

    id = fields.IntField(primary_key=True)
    every = fields.CharField(max_length=12)  # "quarter", "half-year", "year"
    first_day = fields.DateField()  # the rhythm: this day, a quarter (...) later, and so on
    next_at = fields.DatetimeField()  # when the next campaign starts (a business day)
    question = fields.TextField()  # in the default language
    questions = fields.JSONField[dict[str, str]](default=dict)
    department = fields.CharField(max_length=200, null=True)
    anonymous = fields.BooleanField(default=False)
    open_days = fields.IntField()  # each campaign closes this many days after it starts
    created_at = fields.DatetimeField()
    cancelled_at = fields.DatetimeField(null=True)
    last_campaign_id = fields.IntField(null=True)

    class Meta:
        table = "campaign_schedule"
        indexes = (("cancelled_at", "next_at"),)


class Invitation(Model):
    id = fields.IntField(primary_key=True)
    campaign: fields.ForeignKeyRelation[Campaign] = fields.ForeignKeyField(
        "models.Campaign", related_name="invitations", on_delete=fields.CASCADE
    )
    campaign_id: int
    person: fields.ForeignKeyRelation[Person] = fields.ForeignKeyField(
        "models.Person", related_name="invitations", on_delete=fields.CASCADE
    )
    person_id: int
    message_id = fields.CharField(max_length=250, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    # Answered "geen idee": a response to the campaign without an idea.
    nothing_to_add_at = fields.DatetimeField(null=True)
    reminded_at = fields.DatetimeField(null=True)  # the one reminder before the closing date

    class Meta:
        table = "invitation"
        unique_together = (("campaign", "person"),)


class InboundMessage(Model):
    """Every message accepted over SMTP, stored with its raw bytes before the 250."""

    id = fields.BigIntField(primary_key=True)
    # The Message-ID header, or a hash of the raw bytes when there is none: the same
    # message delivered twice by its sender is stored (and so processed) once; another
    # sender's mail with the same Message-ID is another message.
    dedupe_key = fields.CharField(max_length=250)
    mail_from = fields.CharField(max_length=320)
    rcpt_tos = fields.JSONField[list[str]]()
    raw_bytes = fields.BinaryField()
    received_at = fields.DatetimeField()
    status = fields.CharEnumField(InboundStatus, default=InboundStatus.RECEIVED, max_length=12)
    kind = fields.CharField(max_length=16, null=True)  # idea, decision, bounce, auto_reply...
    # Why it was set aside or failed: a code (intake.errors, or "failed"); None when acted on.
    reason = fields.TextField(null=True)
    detail = fields.TextField(null=True)  # what it became ("idea 12"), or why not, in words
    trace = fields.JSONField[list[str]](null=True)  # the pipeline's steps, as they ran
    processed_at = fields.DatetimeField(null=True)
    # The raw bytes and addresses deleted after the retention period (or on a forget).
    erased_at = fields.DatetimeField(null=True)

    class Meta:
        table = "inbound_message"
        indexes = (("status", "received_at"),)
        unique_together = (("mail_from", "dedupe_key"),)


class Idea(Model):
    id = fields.IntField(primary_key=True)
    author: fields.ForeignKeyRelation[Person] = fields.ForeignKeyField(
        "models.Person", related_name="ideas", on_delete=fields.RESTRICT
    )
    author_id: int
    manager: fields.ForeignKeyNullableRelation[Person] = fields.ForeignKeyField(
        "models.Person", related_name="assigned_ideas", null=True, on_delete=fields.SET_NULL
    )
    manager_id: int | None
    campaign: fields.ForeignKeyNullableRelation[Campaign] = fields.ForeignKeyField(
        "models.Campaign", related_name="ideas", null=True, on_delete=fields.SET_NULL
    )
    campaign_id: int | None
    inbound: fields.OneToOneNullableRelation[InboundMessage] = fields.OneToOneField(
        "models.InboundMessage", related_name="idea", null=True, on_delete=fields.SET_NULL
    )
    inbound_id: int | None
    text = fields.TextField()
    # The theme it is mostly about (``workflows.themes``), "" when none is recognised,
    # None before it was looked at: how a manager hears that other departments raised
    # the same.
    theme = fields.CharField(max_length=40, null=True)
    anonymous = fields.BooleanField(default=False)
    status = fields.CharEnumField(IdeaStatus, default=IdeaStatus.OPEN, max_length=12)
    # The author's own Message-ID, so every mail to them about it threads under it.
    author_message_id = fields.CharField(max_length=250, null=True)
    received_at = fields.DatetimeField()
    # When the current manager got it (receipt, a forward, a manager change): the
    # reminder schedule counts from here.
    assigned_at = fields.DatetimeField()
    # The first decision, and how many business days it took: stored once, at decision
    # time, so the weekly report aggregates in SQL instead of walking calendars.
    decided_at = fields.DatetimeField(null=True)
    decision_business_days = fields.IntField(null=True)
    # When the next reminder is due (None once decided): the reminder sweep reads only
    # the ideas due, through the index, however many are open.
    next_reminder_at = fields.DatetimeField(null=True)
    reminders_sent = fields.IntField(default=0)
    escalated = fields.BooleanField(default=False)
    # Who decides asked the author a question and waits for the answer: reminders pause.
    question_asked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "idea"
        indexes = (
            ("status", "manager_id"),
            ("next_reminder_at",),
            ("received_at",),
            ("theme", "received_at"),
        )


class ConversationMessage(Model):
    """One message about an idea between its author and who decides, as ideabox relayed
    it (or, for thanks, only recorded)."""

    id = fields.IntField(primary_key=True)
    idea: fields.ForeignKeyRelation[Idea] = fields.ForeignKeyField(
        "models.Idea", related_name="conversation", on_delete=fields.CASCADE
    )
    idea_id: int
    role = fields.CharEnumField(Role, max_length=12)
    kind = fields.CharEnumField(MessageKind, max_length=12)
    # Who wrote it (None: HR, who need not be in the organisation's file).
    person: fields.ForeignKeyNullableRelation[Person] = fields.ForeignKeyField(
        "models.Person", related_name="conversation_messages", null=True, on_delete=fields.SET_NULL
    )
    person_id: int | None
    text = fields.TextField()  # as relayed: the new text only, nothing that names the author
    inbound: fields.ForeignKeyNullableRelation[InboundMessage] = fields.ForeignKeyField(
        "models.InboundMessage", related_name="conversation", null=True, on_delete=fields.SET_NULL
    )
    inbound_id: int | None
    relayed: fields.ForeignKeyNullableRelation[OutboxMail] = fields.ForeignKeyField(
        "models.OutboxMail", related_name="relays", null=True, on_delete=fields.SET_NULL
    )
    relayed_id: int | None
    created_at = fields.DatetimeField()
    erased_at = fields.DatetimeField(null=True)  # the text deleted after the retention period

    class Meta:
        table = "conversation_message"
        indexes = (("idea_id", "created_at"),)


class Decision(Model):
    id = fields.IntField(primary_key=True)
    idea: fields.ForeignKeyRelation[Idea] = fields.ForeignKeyField(
        "models.Idea", related_name="decisions", on_delete=fields.CASCADE
    )
    idea_id: int
    outcome = fields.CharEnumField(Outcome, max_length=12)
    note = fields.TextField(default="")
    decided_by: fields.ForeignKeyNullableRelation[Person] = fields.ForeignKeyField(
        "models.Person", related_name="decisions", null=True, on_delete=fields.SET_NULL
    )
    decided_by_id: int | None
    decided_at = fields.DatetimeField()
    inbound: fields.ForeignKeyNullableRelation[InboundMessage] = fields.ForeignKeyField(
        "models.InboundMessage", related_name="decisions", null=True, on_delete=fields.SET_NULL
    )
    inbound_id: int | None
    # Set when the employee was told; a decision corrected within the grace period is
    # superseded instead and never reported.
    reported_at = fields.DatetimeField(null=True)
    superseded = fields.BooleanField(default=False)

    class Meta:
        table = "decision"
        indexes = (("reported_at", "superseded", "decided_at"),)


class Reminder(Model):
    """One row per (idea, reminder number): a retry or a second worker cannot send it twice."""

    id = fields.IntField(primary_key=True)
    idea: fields.ForeignKeyRelation[Idea] = fields.ForeignKeyField(
        "models.Idea", related_name="reminders", on_delete=fields.CASCADE
    )
    idea_id: int
    number = fields.IntField()
    manager: fields.ForeignKeyNullableRelation[Person] = fields.ForeignKeyField(
        "models.Person", related_name="reminders", null=True, on_delete=fields.SET_NULL
    )
    sent_at = fields.DatetimeField()

    class Meta:
        table = "reminder"
        unique_together = (("idea", "number"),)


class ReminderDigest(Model):
    """One reminder mail per manager per local day, guaranteed by the unique key."""

    id = fields.IntField(primary_key=True)
    manager: fields.ForeignKeyRelation[Person] = fields.ForeignKeyField(
        "models.Person", related_name="reminder_digests", on_delete=fields.CASCADE
    )
    manager_id: int
    day = fields.DateField()
    created_at = fields.DatetimeField()

    class Meta:
        table = "reminder_digest"
        unique_together = (("manager", "day"),)


class ReportRun(Model):
    """One weekly HR report per ISO week, however many workers run the schedule."""

    id = fields.IntField(primary_key=True)
    week = fields.CharField(max_length=10, unique=True)  # e.g. 2026-W48
    created_at = fields.DatetimeField()

    class Meta:
        table = "report_run"


class SigningKey(Model):
    """A key that signs reply addresses (see core.keys). Never printed or exported."""

    id = fields.IntField(primary_key=True)
    generation = fields.IntField(unique=True)  # 1, 2, ...: one per rotation
    secret = fields.CharField(max_length=100)
    created_at = fields.DatetimeField(auto_now_add=True)
    signs_from = fields.DatetimeField()  # processes sign with the newest key past this
    accepted_until = fields.DatetimeField(null=True)  # None: accepted until rotated out

    class Meta:
        table = "signing_key"


class OutboxMail(Model):
    """A mail to send, rendered and stored in the transaction of the change that caused it."""

    id = fields.BigIntField(primary_key=True)
    kind = fields.CharField(max_length=40)
    recipient = fields.CharField(max_length=320)  # the To address
    recipients = fields.JSONField[list[str]]()  # every envelope recipient (To and Cc)
    message_id = fields.CharField(max_length=250, unique=True)
    # What the mail is about ("invitation:3", "idea:7"): a reply that lost its token still
    # finds its way through In-Reply-To / References.
    ref = fields.CharField(max_length=40, null=True, db_index=True)
    raw_bytes = fields.BinaryField()
    created_at = fields.DatetimeField()
    next_attempt_at = fields.DatetimeField()
    # A worker claims a row until this moment; another worker leaves it alone meanwhile.
    claimed_until = fields.DatetimeField(null=True)
    claimed_by = fields.CharField(max_length=32, null=True)
    sent_at = fields.DatetimeField(null=True)
    attempts = fields.IntField(default=0)
    last_error = fields.TextField(null=True)
    failed = fields.BooleanField(default=False)  # gave up after the last retry
    # Sent to someone in answer to their own mail (a thank-you, a help mail, a
    # confirmation): counted per person and day, so no mail loop can run up a bill.
    in_answer = fields.BooleanField(default=False, db_default=False)
    erased_at = fields.DatetimeField(null=True)  # the rendered mail deleted (retention)

    class Meta:
        table = "outbox_mail"
        indexes = (("sent_at", "failed", "next_attempt_at"), ("recipient", "created_at"))
