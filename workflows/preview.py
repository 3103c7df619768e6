"""A gallery of every mail kind in every language, with sample data, built exactly as
real mails are (the same templates, catalogs, links and MIME): ``ideabox preview``
writes them to look at, the tests open them in a browser.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path
from typing import Any

from core.about import About, Topic
from core.i18n import format_percent, format_time
from core.mail import (
    Attachment,
    Headers,
    MailKind,
    Recipient,
    build_message,
    idea_subject,
    render,
)
from core.settings import Settings
from core.tokens import reply_address
from core.vocabulary import LANGUAGES, vocabulary
from db.models import BounceState, IdeaStatus
from workflows.links import decide_links
from workflows.reports.chart import render_chart
from workflows.reports.data import (
    Bouncing,
    CampaignRate,
    GroupRow,
    Listening,
    RateGroup,
    ThemeCount,
    WaitingIdea,
    WeeklyReport,
    WeekPoint,
)
from workflows.reports.presentation import report_context
from workflows.results import ResultIdea, by_theme
from workflows.themes import label_in

SAMPLE_KEY = b"preview-only-key-not-for-real-mail"
NOW = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)
IDEA_TEXT = (
    "The coffee machine on the second floor has been broken for weeks. Could we have it "
    "repaired, or put a kettle next to it until then?"
)
NAMES = {"nl": "Jan Jansen", "en": "Tom Smith", "de": "Lena Wagner", "fr": "Chloé Martin"}
MANAGERS = {"nl": "Pieter Bakker", "en": "Emma Clarke", "de": "Jonas Becker", "fr": "Hugo Petit"}
QUESTIONS = {
    "nl": "Noem één punt wat deze organisatie zou moeten verbeteren",
    "en": "Name one thing this organisation should improve",
    "de": "Nennen Sie eine Sache, die diese Organisation verbessern sollte",
    "fr": "Citez une chose que cette organisation devrait améliorer",
}


TO_EMPLOYEES = {
    MailKind.INVITATION,
    MailKind.IDEA_RECEIVED,
    MailKind.DECISION_REPORT,
    MailKind.ASK_AGAIN,
    MailKind.DECIDER_WRITES,
    MailKind.TEAM_IDEAS,
}


@dataclass(frozen=True, slots=True)
class Sample:
    kind: MailKind
    language: str
    variant: str  # "" or what differs ("anonymous", "digest", ...)
    message: EmailMessage

    @property
    def name(self) -> str:
        return "-".join(p for p in (self.kind.value, self.variant, self.language) if p)

    @property
    def html(self) -> str:
        part = self.message.get_body(preferencelist=("html",))
        assert isinstance(part, EmailMessage)
        return str(part.get_content())

    def viewable_html(self) -> str:
        """The HTML with its inline images as data URLs: a browser shows it as is."""
        html = self.html
        for part in self.message.walk():
            cid = str(part.get("Content-ID", "")).strip("<>")
            data = part.get_payload(decode=True)
            if cid and isinstance(data, bytes):
                url = f"data:{part.get_content_type()};base64,{base64.b64encode(data).decode()}"
                html = html.replace(f"cid:{cid}", url)
        return html


def _address(about: About, domain: str) -> str:
    return reply_address(SAMPLE_KEY, "ideas", domain, about)


def _waiting(language: str, domain: str, count: int) -> list[dict[str, Any]]:
    texts = [
        IDEA_TEXT,
        "Meetings on Monday morning start at nine, when half the team is still on the road.",
        "A shared calendar for the holidays, so that we see who is away before we plan.",
    ]
    items = []
    for n in range(count):
        idea_id = 12 + n
        about = About(Topic.IDEA, idea_id)
        subject = idea_subject(language, idea_id, texts[n % len(texts)])
        items.append(
            {
                "id": idea_id,
                "subject": subject,
                "text": texts[n % len(texts)],
                "author_name": None if n == 1 else NAMES[language],
                "received_on": date(2026, 11, 16 + n),
                "waiting_days": 6 - n,
                "escalated": n == 0,
                "reply_to": _address(about, domain),
                "links": decide_links(_address(about, domain), subject, language),
            }
        )
    return items


def contexts(language: str, domain: str) -> Iterator[tuple[MailKind, str, dict[str, Any]]]:
    """(kind, variant, context) for every mail, with people who speak ``language``."""
    name, manager = NAMES[language], MANAGERS[language]
    idea = {
        "idea_id": 12,
        "idea_text": IDEA_TEXT,
        "idea_subject": idea_subject(language, 12, IDEA_TEXT),
    }
    decide = _address(About(Topic.IDEA, 12), domain)
    links = decide_links(decide, str(idea["idea_subject"]), language)
    yield (
        MailKind.INVITATION,
        "",
        {
            "question": QUESTIONS[language],
            "context": None,
            "anonymous": False,
            "closes_on": date(2026, 12, 18),
            "reminder": False,
        },
    )
    yield (
        MailKind.INVITATION,
        "reminder",
        {
            "question": QUESTIONS[language],
            "context": None,
            "anonymous": False,
            "closes_on": date(2026, 12, 18),
            "reminder": True,
        },
    )
    yield MailKind.IDEA_RECEIVED, "", {**idea, "manager_name": manager, "anonymous": False}
    yield (
        MailKind.IDEA_NOTIFICATION,
        "",
        {
            **idea,
            "author_name": name,
            "department": "Facilities",
            "question": QUESTIONS[language],
            "links": links,
            "forwarded_by": None,
            "forward_note": "",
            "elsewhere": {"departments": 3, "ideas": "#4, #7, #9"},
        },
    )
    yield (
        MailKind.IDEA_NOTIFICATION,
        "anonymous",
        {
            **idea,
            "author_name": None,
            "department": None,
            "question": None,
            "links": links,
            "forwarded_by": manager,
            "forward_note": "Facilities is yours now.",
            "elsewhere": None,
        },
    )
    yield (
        MailKind.REMINDER,
        "",
        {"ideas": _waiting(language, domain, 1), "count": 1, "single": True},
    )
    yield (
        MailKind.REMINDER,
        "digest",
        {
            "ideas": _waiting(language, domain, 3),
            "count": 3,
            "single": False,
        },
    )
    yield (
        MailKind.ESCALATION,
        "",
        {
            "manager_name": manager,
            "ideas": _waiting(language, domain, 2),
            "count": 2,
            "single": False,
        },
    )
    confirmation = {
        **idea,
        "outcome": "accepted",
        "outcome_label": vocabulary(language).outcome_labels["accepted"],
        "note": "We will order a new one this week.",
        "author_name": name,
        "forward_to": None,
        "report_at": format_time(NOW + timedelta(minutes=10), language, Settings().zone),
        "grace_minutes": 10,
    }
    yield MailKind.DECISION_CONFIRMATION, "", confirmation
    yield (
        MailKind.DECISION_CONFIRMATION,
        "forward",
        {
            **confirmation,
            "outcome": "forward",
            "outcome_label": vocabulary(language).outcome_labels["forward"],
            "forward_to": MANAGERS["en"],
            "note": "",
        },
    )
    yield (
        MailKind.DECISION_REPORT,
        "",
        {
            **idea,
            "outcome": "accepted",
            "outcome_label": vocabulary(language).outcome_labels["accepted"],
            "note": "We will order a new one this week.",
            "manager_name": manager,
            "update": False,
        },
    )
    yield (
        MailKind.DECISION_HELP,
        "",
        {
            "problem": "forward_unknown",
            "address": "someone@elsewhere.example",
            "question": None,
        },
    )
    yield MailKind.ASK_AGAIN, "", {"problem": "", "address": "", "question": QUESTIONS[language]}
    comment = {
        **idea,
        "author_name": name,
        "text": "When does that start? The kettle would already help a lot.",
        "answer": False,
        "question": None,
        "links": [],
        "decided": vocabulary(language).outcome_labels["accepted"],
    }
    yield MailKind.AUTHOR_WRITES, "", comment
    yield (
        MailKind.AUTHOR_WRITES,
        "answer-anonymous",
        {
            **comment,
            "author_name": None,
            "text": "For the whole second floor: Facilities and Finance both use it.",
            "answer": True,
            "question": "Which department does this concern?",
            "links": links,
            "decided": None,
        },
    )
    asks = {
        **idea,
        "decider_name": manager,
        "text": "Which department does this concern?",
        "question": True,
        "anonymous": True,
    }
    yield MailKind.DECIDER_WRITES, "question-anonymous", asks
    yield (
        MailKind.DECIDER_WRITES,
        "",
        {
            **asks,
            "text": "In January, with the new kitchen.",
            "question": False,
            "anonymous": False,
        },
    )
    decided_for_you = {
        **idea,
        "outcome": "accepted",
        "outcome_label": vocabulary(language).outcome_labels["accepted"],
        "note": "Approved in the management meeting.",
        "author_name": name,
        "forward_to": None,
    }
    yield MailKind.DECIDED_FOR_YOU, "", decided_for_you
    yield (
        MailKind.DECIDED_FOR_YOU,
        "forward",
        {**decided_for_you, "outcome": "forward", "note": "", "forward_to": MANAGERS["en"]},
    )
    yield MailKind.WEEKLY_REPORT, "", report_context(sample_report(language), chart_cid="chart")
    team = sample_team_ideas(language)
    question = QUESTIONS[language]
    yield (
        MailKind.TEAM_RESULTS,
        "",
        {"question": question, "themes": by_theme(team, language, names=True), "team_mail": True},
    )
    yield (
        MailKind.TEAM_IDEAS,
        "",
        {
            "question": question,
            "themes": by_theme(team, language, names=False),
            "manager_name": MANAGERS[language],
        },
    )
    summary = {
        "question": question,
        "invited": 240,
        "answered": 151,
        "rate": format_percent(151 / 240, language),
        "ideas": 173,
        "decided": 120,
        "teams": 14,
        "themes": [
            {
                "label": label_in("coffee", language).capitalize(),
                "count": 23,
                "departments": "IT, Zorg",
            },
            {"label": label_in("meetings", language).capitalize(), "count": 17, "departments": ""},
        ],
    }
    yield MailKind.CAMPAIGN_SUMMARY, "", summary


def sample_team_ideas(language: str) -> tuple[ResultIdea, ...]:
    texts = [
        (
            12,
            IDEA_TEXT,
            IdeaStatus.ACCEPTED,
            "Repaired on Monday; a kettle until then.",
            NAMES["en"],
        ),
        (15, "Better coffee beans in the canteen, please.", IdeaStatus.OPEN, "", None),
        (19, "Fewer meetings on Friday afternoon.", IdeaStatus.IN_PROGRESS, "", "Sam Jones"),
        (
            23,
            "A quiet room for focused work.",
            IdeaStatus.DECLINED,
            "No room free this year.",
            None,
        ),
    ]
    return tuple(
        ResultIdea(i, text, status, note, author, "en", "IT")
        for i, text, status, note, author in texts
    )


def sample_report(language: str) -> WeeklyReport:
    monday = date(2026, 11, 23)
    weeks = tuple(
        WeekPoint(2026, 37 + k, monday - timedelta(weeks=11 - k), 3 + (k * 7) % 11, (k * 5) % 9)
        for k in range(12)
    )
    return WeeklyReport(
        language=language,
        zone="Europe/Amsterdam",
        generated_at=NOW,
        week="2026-W48",
        period_start=NOW - timedelta(days=7),
        received_week=14,
        received_total=212,
        decided_week=9,
        decided_total=171,
        open=41,
        overdue=6,
        median_days=3.5,
        departments=(
            GroupRow("Customer service and complaints", None, 61, 52, 9, 2),
            GroupRow("Facilities", None, 40, 33, 7, 1),
            GroupRow(None, None, 11, 9, 2, 0),
        ),
        managers=(
            GroupRow(MANAGERS[language], "manager@example.org", 30, 22, 8, 3),
            GroupRow(MANAGERS["en"], "emma.clarke@example.org", 25, 25, 0, 0),
        ),
        campaigns=(
            CampaignRate(
                3,
                QUESTIONS[language],
                NOW - timedelta(days=20),
                180,
                121,
                (
                    RateGroup("Facilities", False, False, 40, 30),
                    RateGroup(None, True, False, 12, 7),
                ),
            ),
        ),
        bouncing=(Bouncing("old.address@example.org", "Sam Old", BounceState.HARD, 0),),
        weeks=weeks,
        anonymity_threshold=5,
        listening=Listening(
            campaigns_last_year=3,
            next_campaign=NOW + timedelta(days=48),
            decided_by_manager=139,
            decided_after_escalation=22,
            decided_by_hr=10,
            decided_within_ten_days=128,
            done=64,
            waiting_on_hr=(
                WaitingIdea(17, NOW - timedelta(days=30), "Facilities", MANAGERS[language]),
                WaitingIdea(31, NOW - timedelta(days=12), None, None),
            ),
            themes=(
                ThemeCount("coffee", 23, ("Customer service and complaints", "Facilities")),
                ThemeCount("meetings", 12, ()),
            ),
        ),
    )


def samples(
    kinds: set[MailKind] | None = None, languages: tuple[str, ...] = LANGUAGES
) -> list[Sample]:
    """Every mail (of ``kinds``) in every language (of ``languages``), as real MIME."""
    settings = Settings(domain="ideabox.example.org")
    domain = settings.domain
    found = []
    for language in languages:
        for kind, variant, context in contexts(language, domain):
            if kinds is not None and kind not in kinds:
                continue
            # The employee, or the manager the mail is for.
            person = NAMES if kind in TO_EMPLOYEES else MANAGERS
            to = Recipient("someone@example.org", person[language], language)
            rendered = render(kind, language, {"name": to.name, **context})
            attachments: tuple[Attachment, ...] = ()
            if kind is MailKind.WEEKLY_REPORT:
                chart = render_chart(sample_report(language))
                attachments = (Attachment("weeks.png", chart, "image", "png", cid="<chart>"),)
            message = build_message(
                sender_name="ideabox",
                sender=settings.address,
                domain=domain,
                headers=Headers(to=to.email, to_name=to.name, reply_to=settings.address),
                rendered=rendered,
                date=NOW,
                attachments=attachments,
            )
            found.append(Sample(kind, language, variant, message))
    return found


def write_gallery(out: Path, found: list[Sample]) -> list[Path]:
    """Each sample as ``NAME.eml`` (open it in a mail client) and ``NAME.html``."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for sample in found:
        eml = out / f"{sample.name}.eml"
        eml.write_bytes(sample.message.as_bytes(policy=SMTP))
        html = out / f"{sample.name}.html"
        html.write_text(sample.viewable_html(), encoding="utf-8")
        written += [eml, html]
    return written
