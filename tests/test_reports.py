"""HR's weekly status on a seeded database: every figure against a hand count.

The clock stands at Tuesday 2026-11-24 09:00 UTC (10:00 in Amsterdam, ISO week 48), so
"this week" is 2026-11-17 09:00 UTC up to now, and the chart shows ISO weeks 36 to 47.
"""

from __future__ import annotations

import asyncio
import csv
import dataclasses
import html
import io
import re
import zipfile
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from PIL import Image

from core.app import App
from core.mail import MailKind, render
from db.models import (
    BounceState,
    Campaign,
    CampaignSchedule,
    Decision,
    Idea,
    IdeaStatus,
    Invitation,
    OutboxMail,
    Outcome,
    Person,
    ReportRun,
)
from tests.conftest import MailSink, Service
from workflows.reports import (
    CSV_COLUMNS,
    RateGroup,
    WeeklyReport,
    build_weekly_report,
    csv_attachment,
    csv_header,
    ideas_csv,
    iter_ideas_csv,
    merge_small_groups,
    render_chart,
    render_text,
    report_context,
    send_weekly_report,
    weekly_report_due,
)

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
HR = ("hr@example.nl", "hr-backup@example.nl")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

_invitations = 0


async def person(email: str, name: str, department: str | None, **fields: Any) -> Person:
    return await Person.create(email=email, name=name, department=department, **fields)


async def invite(campaign: Campaign, people: list[Person]) -> None:
    global _invitations
    for p in people:
        _invitations += 1
        await Invitation.create(campaign=campaign, person=p, message_id=f"<inv{_invitations}@t>")


async def idea(
    author: Person,
    manager: Person | None,
    received_at: datetime,
    *,
    campaign: Campaign | None = None,
    status: IdeaStatus = IdeaStatus.OPEN,
    decided_at: datetime | None = None,
    days: int | None = None,
    text: str = "Een idee",
    **fields: Any,
) -> Idea:
    return await Idea.create(
        author=author,
        manager=manager,
        campaign=campaign,
        text=text,
        status=status,
        received_at=received_at,
        assigned_at=received_at,
        decided_at=decided_at,
        decision_business_days=days,
        **fields,
    )


async def seed() -> dict[str, Any]:
    """Three managers, 17 employees in four departments (and one without), 11 ideas."""
    d = timedelta(days=1)
    mara = await person("mara@example.nl", "Mara Manager", "Zorg")
    bob = await person("bob@example.nl", "Bob Boss", "IT")
    zed = await person("zed@example.nl", "Zed Chief", "Directie")
    zorg = [await person(f"zorg{c}@example.nl", f"Zorg {c}", "Zorg") for c in "abcdefg"]
    it = [await person(f"it{c}@example.nl", f"IT {c}", "IT") for c in "abcdef"]
    fin = [await person(f"fin{c}@example.nl", f"Fin {c}", "Finance") for c in "ab"]
    legal = await person("legal@example.nl", "Legal", "Legal")
    nodept = await person("nodept@example.nl", "Nobody", None)
    everyone = [*zorg, *it, *fin, legal, nodept]

    # A: everyone (Zorg 7, IT 6 | Finance 2, Legal 1, none 1 = "other" 4: too small).
    a = await Campaign.create(question="Wat kan beter?", created_at=NOW)
    await invite(a, everyone)
    # B: Zorg 7 | Finance 2, Legal 1, IT 4 = "other" 7: shown on its own.
    b = await Campaign.create(question="Hoe besparen we?", created_at=NOW)
    await invite(b, [*zorg, *fin, legal, *it[:4]])
    # C: three people: no response figure at all.
    c = await Campaign.create(question="Klein?", created_at=NOW)
    await invite(c, [zorg[0], it[0], fin[0]])
    # D: one department: only the total.
    dd = await Campaign.create(question="IT only?", department="IT", created_at=NOW)
    await invite(dd, it)

    z1, z2, z3 = zorg[:3]
    i1, i6 = it[0], it[5]
    f1, f2 = fin
    ideas = [
        # 1: this week, open, not yet reminded.
        await idea(z1, mara, NOW - d, campaign=a),
        # 2: this week, decided this week.
        await idea(
            z1,
            mara,
            NOW - 3 * d,
            campaign=a,
            status=IdeaStatus.ACCEPTED,
            decided_at=NOW - d,
            days=2,
        ),
        # 3: anonymous, reminded once: overdue.
        await idea(z2, mara, NOW - 10 * d, campaign=a, anonymous=True, reminders_sent=1),
        # 4: received in week 43 (a Sunday), declined in week 45.
        await idea(
            i1,
            bob,
            NOW - 30 * d,
            campaign=a,
            status=IdeaStatus.DECLINED,
            decided_at=NOW - 20 * d,
            days=5,
        ),
        # 5: Monday 00:30 in Amsterdam (Sunday in UTC): week 47; escalated: overdue.
        await idea(f1, bob, datetime(2026, 11, 15, 23, 30, tzinfo=UTC), campaign=a, escalated=True),
        # 6: this week, in progress since Sunday (week 47).
        await idea(
            z3,
            mara,
            NOW - 6 * d,
            campaign=b,
            status=IdeaStatus.IN_PROGRESS,
            decided_at=NOW - 2 * d,
            days=3,
        ),
        # 7: two hours ago, nobody to decide.
        await idea(f2, None, NOW - timedelta(hours=2), campaign=b, text="=SUM(A1:A9)"),
        # 8: anonymous, long ago (before the chart), done.
        await idea(
            i1,
            bob,
            NOW - 100 * d,
            campaign=b,
            anonymous=True,
            status=IdeaStatus.DONE,
            decided_at=NOW - 90 * d,
            days=8,
        ),
        # 9: to campaign B without an invitation (not a response); escalated twice over.
        await idea(i6, bob, NOW - 40 * d, campaign=b, reminders_sent=2, escalated=True),
        # 10: this week, no department, decided this week.
        await idea(
            nodept, zed, NOW - 5 * d, status=IdeaStatus.ACCEPTED, decided_at=NOW - 4 * d, days=1
        ),
        # 11: reminded and escalated, then declined: neither open nor overdue.
        await idea(
            legal,
            zed,
            NOW - 14 * d,
            status=IdeaStatus.DECLINED,
            decided_at=NOW - 9 * d,
            days=4,
            reminders_sent=1,
            escalated=True,
            text='Regel 1,\n"regel" 2; é',
        ),
    ]
    await Person.filter(id=zorg[6].id).update(bounce_state=BounceState.HARD)
    await Person.filter(id=it[4].id).update(bounce_state=BounceState.SOFT, soft_bounces=3)
    await Person.filter(id=f2.id).update(bounce_state=BounceState.SOFT, soft_bounces=1)
    return {"ideas": ideas, "campaigns": (a, b, c, dd)}


def hr_app(app: App, language: str = "nl") -> App:
    settings = app.settings.model_copy(
        update={"hr_emails": tuple(HR), "default_language": language}
    )
    return dataclasses.replace(app, settings=settings)


# --- figures ------------------------------------------------------------------------------


async def test_every_figure_matches_the_hand_count(app: App) -> None:
    await seed()
    report = await build_weekly_report(app)
    assert report.week == "2026-W48"
    assert report.period_start == datetime(2026, 11, 17, 9, 0, tzinfo=UTC)
    assert report.received_week == 5  # 1, 2, 6, 7, 10
    assert report.received_total == 11
    assert report.decided_week == 3  # 2, 6, 10
    assert report.decided_total == 6  # 2, 4, 6, 8, 10, 11
    assert report.open == 5  # 1, 3, 5, 7, 9
    assert report.overdue == 3  # 3 (reminded), 5 (escalated), 9 (both)
    assert report.decision_rate == 6 / 11
    assert report.median_days == 3.5  # 1 2 3 | 4 5 8

    departments = [(r.name, r.received, r.decided, r.open, r.overdue) for r in report.departments]
    assert departments == [
        ("Finance", 2, 0, 2, 1),
        ("IT", 3, 2, 1, 1),
        ("Legal", 1, 1, 0, 0),
        ("Zorg", 4, 2, 2, 1),
        (None, 1, 1, 0, 0),
    ]
    managers = [
        (r.name, r.email, r.received, r.decided, r.open, r.overdue) for r in report.managers
    ]
    assert managers == [
        ("Bob Boss", "bob@example.nl", 4, 2, 2, 2),  # overdue first
        ("Mara Manager", "mara@example.nl", 4, 2, 2, 1),
        ("Zed Chief", "zed@example.nl", 2, 2, 0, 0),
        (None, None, 1, 0, 1, 0),
    ]

    assert [(b.email, b.state, b.soft_bounces) for b in report.bouncing] == [
        ("zorgg@example.nl", BounceState.HARD, 0),
        ("ite@example.nl", BounceState.SOFT, 3),
        ("finb@example.nl", BounceState.SOFT, 1),
    ]

    weeks = {w.label: (w.received, w.decided) for w in report.weeks}
    # Twelve weeks up to this one, W48, which has begun (NOW is its Tuesday).
    assert [w.label for w in report.weeks] == [f"2026-W{n}" for n in range(37, 49)]
    assert {k: v for k, v in weeks.items() if v != (0, 0)} == {
        "2026-W42": (1, 0),  # 9
        "2026-W43": (1, 0),  # 4
        "2026-W45": (0, 1),  # 4
        "2026-W46": (2, 1),  # 3, 11 | 11
        "2026-W47": (4, 2),  # 5 (Monday local), 6, 2, 10 | 6, 10
        "2026-W48": (2, 1),  # 1 (yesterday), 7 (two hours ago) | 2 (yesterday)
    }


async def test_response_rates_merge_small_groups(app: App) -> None:
    await seed()
    report = await build_weekly_report(app)
    by_question = {c.question: c for c in report.campaigns}
    assert [c.question for c in report.campaigns] == [
        "IT only?",
        "Klein?",
        "Hoe besparen we?",
        "Wat kan beter?",
    ]

    a = by_question["Wat kan beter?"]
    assert (a.invited, a.responded) == (17, 4)  # z1 (twice), z2, i1, f1
    # "other" (Finance 2 + Legal 1 + no department 1 = 4) is too small: it joins Zorg.
    assert a.groups == (
        RateGroup("IT", False, False, 6, 1),
        RateGroup("Zorg", False, True, 11, 3),
    )

    b = by_question["Hoe besparen we?"]
    assert (b.invited, b.responded) == (14, 3)  # z3, f2, i1; i6 was not invited
    assert b.groups == (
        RateGroup("Zorg", False, False, 7, 1),
        RateGroup(None, True, False, 7, 2),  # Finance 2 + Legal 1 + IT 4
    )

    small = by_question["Klein?"]
    assert (small.invited, small.responded, small.rate, small.groups) == (3, None, None, ())

    it_only = by_question["IT only?"]
    assert (it_only.invited, it_only.responded, it_only.rate, it_only.groups) == (6, 0, 0.0, ())

    text = render_text(report)
    assert "4 van 17 uitgenodigden reageerden (24%)" in text
    assert re.search(r"Zorg \+ overig +3 van 11 \(27%\)", text)
    assert re.search(r"overig +2 van 7 \(29%\)", text)
    assert "Finance" not in text.split("RESPONS PER CAMPAGNE")[1].split("BOUNCENDE")[0]
    assert "3 uitgenodigd: te weinig om de respons te tonen." in text


def test_merging_never_leaves_a_group_below_the_threshold() -> None:
    cases: list[list[tuple[str | None, int, int]]] = [
        [("A", 5, 1), ("B", 4, 4)],  # B alone is too small: into A
        [("A", 2, 1), ("B", 3, 2), ("C", 9, 0)],  # other = 5
        [("A", 1, 1), ("B", 1, 0), ("C", 1, 1), ("D", 1, 0), ("E", 1, 1)],  # only other
        [("A", 6, 6), ("B", 6, 0), ("C", 1, 1)],
        [("A", 20, 3)],
    ]
    for groups in cases:
        merged = merge_small_groups(groups, 5)
        assert all(g.invited >= 5 for g in merged)
        if merged:
            assert sum(g.invited for g in merged) == sum(i for _, i, _ in groups)
            assert sum(g.responded for g in merged) == sum(r for _, _, r in groups)
    assert merge_small_groups(cases[0], 5) == ()  # A + B is the campaign total
    assert merge_small_groups(cases[2], 5) == ()
    assert merge_small_groups(cases[3], 5)[0] == RateGroup("A", False, True, 7, 7)


async def test_an_empty_database_reports_zeros(app: App) -> None:
    report = await build_weekly_report(app)
    assert (report.received_total, report.decided_total, report.open, report.overdue) == (
        0,
        0,
        0,
        0,
    )
    assert report.decision_rate is None and report.median_days is None
    assert len(report.weeks) == 12 and report.campaigns == () and report.departments == ()
    assert "Nog geen ideeën." in render_text(report)
    assert render_chart(report).startswith(PNG_SIGNATURE)


# --- chart and CSV ---------------------------------------------------------------------------


async def test_the_chart_is_a_png_with_both_series(app: App) -> None:
    await seed()
    png = render_chart(await build_weekly_report(app))
    assert png.startswith(PNG_SIGNATURE)
    with Image.open(io.BytesIO(png)) as image:
        image.verify()
    with Image.open(io.BytesIO(png)) as image:
        assert image.format == "PNG" and image.size == (1120, 640)  # twice as shown
        counted = image.convert("RGB").getcolors(maxcolors=1 << 16)
        assert counted is not None
        colours = {colour for _, colour in counted}
    assert (26, 86, 176) in colours and (240, 140, 30) in colours  # received, decided


def read_csv(data: bytes) -> list[dict[str, str]]:
    """The CSV's rows by the columns' own names; its header is in HR's language (Dutch)."""
    header, *rows = csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";")
    assert header == csv_header("nl")
    return [dict(zip(CSV_COLUMNS, row, strict=True)) for row in rows]


async def test_the_csv_lists_every_idea_without_anonymous_authors(app: App) -> None:
    seeded = await seed()
    data = await ideas_csv(app)
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs for UTF-8
    # Semicolons: HR's language is Dutch, and Dutch Excel splits on them.
    rows = read_csv(data)
    ideas = seeded["ideas"]
    assert [int(r["id"]) for r in rows] == [i.id for i in ideas]
    by_id = {int(r["id"]): r for r in rows}
    for i in ideas:
        author = by_id[i.id]["author_email"]
        assert (author == "") == i.anonymous
    first, anonymous, nobody, legal = (by_id[ideas[n].id] for n in (1, 2, 6, 10))
    assert first == {
        "id": str(ideas[1].id),
        "received_at": "2026-11-21 10:00:00",  # Amsterdam time
        "department": "Zorg",
        "manager_email": "mara@example.nl",
        "status": "akkoord",
        "decided_at": "2026-11-23 10:00:00",
        "business_days_to_decision": "2",
        "escalated": "nee",
        "text": "Een idee",
        "author_email": "zorga@example.nl",
    }
    assert anonymous["department"] == "Zorg" and anonymous["author_email"] == ""
    assert nobody["manager_email"] == "" and nobody["decided_at"] == ""
    assert nobody["text"] == "'=SUM(A1:A9)"  # not a formula when Excel opens it
    assert legal["text"] == 'Regel 1,\n"regel" 2; é' and legal["escalated"] == "ja"


async def test_anonymous_ideas_of_small_departments_show_no_department(app: App) -> None:
    boss = await Person.create(email="boss@example.nl", name="Boss", department="Staf")
    small = await Person.create(email="solo@example.nl", name="Solo", department="Klein")
    for n, anonymous in enumerate((True, False)):
        await Idea.create(
            author=small,
            manager=boss,
            text=f"Idee {n}",
            anonymous=anonymous,
            received_at=NOW,
            assigned_at=NOW,
        )
    rows = read_csv(await ideas_csv(app))
    assert [(r["department"], r["author_email"]) for r in rows] == [
        ("", ""),  # one person in Klein: the department would name the author
        ("Klein", "solo@example.nl"),
    ]


def test_a_large_csv_travels_zipped(monkeypatch: Any) -> None:
    report = dataclasses.replace(empty_report(), week="2026-W48")
    assert csv_attachment(report, b"id\r\n").filename == "ideabox-2026-W48.csv"
    monkeypatch.setattr("workflows.reports.spreadsheet.ZIP_ABOVE", 10)
    packed = csv_attachment(report, b"id;text\r\n" * 100)
    assert (packed.filename, packed.subtype) == ("ideabox-2026-W48.csv.zip", "zip")
    with zipfile.ZipFile(io.BytesIO(packed.data)) as archive:
        assert archive.read("ideabox-2026-W48.csv") == b"id;text\r\n" * 100


async def test_the_csv_is_read_in_chunks(app: App) -> None:
    await seed()
    chunks = [chunk async for chunk in iter_ideas_csv(app, chunk_rows=4)]
    assert len(chunks) == 1 + 3  # the header, then 4 + 4 + 3 rows
    assert b"".join(chunks) == await ideas_csv(app)


# --- text and HTML ---------------------------------------------------------------------------


def figures(text: str) -> Counter[str]:
    return Counter(re.findall(r"\d+(?:[.,]\d+)?%?", text))


def visible_text(markup: str) -> str:
    markup = re.sub(r"<title>.*?</title>|<!--.*?-->", "", markup, flags=re.S)
    # The preview line a mail client shows next to the subject, hidden in the mail itself.
    markup = re.sub(r'<div style="display:none;.*?</div>', "", markup, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", markup))


def parts(raw: bytes) -> dict[str, Any]:
    message = message_from_bytes(raw, policy=policy.default)
    assert isinstance(message, EmailMessage)
    found: dict[str, Any] = {"message": message}
    for part in message.walk():
        found.setdefault(part.get_content_type(), part)
    return found


async def test_text_and_html_carry_the_same_figures_in_both_languages(app: App) -> None:
    await seed()
    report = await build_weekly_report(app)
    for language, words in (
        ("nl", ("Ontvangen deze week", "Te laat", "3,5", "Zorg + overig")),
        ("en", ("Received this week", "Overdue", "3.5", "Zorg + other")),
    ):
        localised = dataclasses.replace(report, language=language)
        rendered = render(
            MailKind.WEEKLY_REPORT, language, report_context(localised, chart_cid="c@x")
        )
        plain, shown = rendered.text, visible_text(rendered.html)
        assert plain == render_text(localised)
        for word in words:
            assert word in plain and word in shown, (language, word)
        assert figures(plain) == figures(shown)
        assert re.search(r"\b55%", plain) and re.search(r"\b55%", shown)  # 6 of 11 decided


# --- sending ---------------------------------------------------------------------------------


async def test_the_mail_reaches_every_hr_address_with_chart_and_csv(
    service: Service, sink: MailSink
) -> None:
    app = hr_app(service.app)
    await seed()
    ids = await send_weekly_report(app)
    assert len(ids) == 2
    caught = await sink.wait_for(2)
    assert sorted(r for m in caught for r in m.rcpt_tos) == sorted(HR)
    for mail in caught:
        found = parts(mail.raw)
        message = found["message"]
        assert message.get_content_type() == "multipart/mixed"
        assert str(message["Subject"]) == "ideabox weekoverzicht 2026-W48"
        assert {"multipart/alternative", "multipart/related", "text/plain", "text/html"} <= set(
            found
        )
        image = found["image/png"]
        # Shown in the HTML, not offered as an attachment: inline, in multipart/related.
        assert image.get_content_disposition() == "inline"
        assert found["multipart/related"].get_param("type") == "text/html"
        assert message["Content-Language"] == "nl"
        cid = str(image["Content-ID"]).strip("<>")
        assert f'src="cid:{cid}"' in found["text/html"].get_content()
        assert image.get_content().startswith(PNG_SIGNATURE)
        attachment = found["text/csv"]
        assert attachment.get_filename() == "ideabox-2026-W48.csv"
        assert attachment.get_content_charset() == "utf-8"
        assert attachment.get_content_disposition() == "attachment"
        content = attachment.get_content().lstrip("\ufeff")
        rows = list(csv.reader(io.StringIO(content), delimiter=";"))
        assert len(rows) == 1 + 11
        assert "Ontvangen deze week" in found["text/plain"].get_content()
    await service.settle()
    mails = await OutboxMail.filter(id__in=ids).order_by("id")
    assert [r.recipient for r in mails] == list(HR)
    assert {r.kind for r in mails} == {"weekly_report"} and all(r.sent_at for r in mails)


async def test_the_cron_sends_once_a_week_from_monday_eight(app: App) -> None:
    app = hr_app(app)
    clock: Any = app.clock
    await seed()
    # Tuesday of week 48, and this week's report was never sent (the service was down
    # on Monday): it goes out now, late but once.
    assert len(await weekly_report_due(app)) == 2
    assert await weekly_report_due(app) == []
    clock.set(datetime(2026, 11, 30, 6, 59, tzinfo=UTC))  # Monday 07:59 in Amsterdam
    assert await weekly_report_due(app) == []
    clock.set(datetime(2026, 11, 30, 7, 0, tzinfo=UTC))  # 08:00
    sent = await weekly_report_due(app)
    assert len(sent) == 2
    clock.advance(timedelta(hours=1))
    assert await weekly_report_due(app) == []  # once per ISO week
    clock.set(datetime(2026, 12, 1, 7, 0, tzinfo=UTC))  # the Tuesday after
    assert await weekly_report_due(app) == []
    assert sorted(r.week for r in await ReportRun.all()) == ["2026-W48", "2026-W49"]
    assert await OutboxMail.filter(kind="weekly_report").count() == 4


async def test_concurrent_runs_send_one_report(app: App) -> None:
    app = hr_app(app)
    clock: Any = app.clock
    await seed()
    clock.set(datetime(2026, 12, 7, 9, 0, tzinfo=UTC))  # Monday 10:00
    results = await asyncio.gather(*(weekly_report_due(app) for _ in range(3)))
    assert sorted(len(r) for r in results) == [0, 0, 2]
    assert await OutboxMail.filter(kind="weekly_report").count() == 2
    assert [r.week for r in await ReportRun.all()] == ["2026-W50"]


def empty_report() -> WeeklyReport:
    return WeeklyReport(
        language="en",
        zone="Europe/Amsterdam",
        generated_at=NOW,
        week="2026-W48",
        period_start=NOW - timedelta(days=7),
        received_week=1,
        received_total=2,
        decided_week=1,
        decided_total=1,
        open=1,
        overdue=0,
        median_days=2.0,
        departments=(),
        managers=(),
        campaigns=(),
        bouncing=(),
        weeks=(),
        anonymity_threshold=5,
    )


def test_english_text_renders_without_a_database() -> None:
    report = empty_report()
    text = render_text(report)
    assert "ideabox weekly status 2026-W48" in text
    assert re.search(r"Decision rate +50%", text)
    assert re.search(r"Median business days to decision +2\n", text)
    assert "No campaigns." in text and "None." in text


async def test_the_listening_figures_answer_what_a_listening_organisation_asks(
    app: App,
) -> None:
    seeded = await seed()
    ideas = seeded["ideas"]
    # Who took each first decision: 2 and 6 their line manager, 11 (escalated) its
    # manager's manager, 10 HR; 4 and 8 were corrected once, the correction counts.
    for number, decided_by in ((2, "mara"), (6, "mara"), (11, "zed"), (4, "bob"), (8, "bob")):
        who = await Person.get(email=f"{decided_by}@example.nl")
        idea = ideas[number - 1]
        await Decision.create(idea=idea, outcome=Outcome.ACCEPTED, decided_by=who, decided_at=NOW)
    await Decision.create(
        idea=ideas[9], outcome=Outcome.DECLINED, decided_by=None, decided_at=NOW, superseded=True
    )
    await Decision.create(idea=ideas[9], outcome=Outcome.ACCEPTED, decided_by=None, decided_at=NOW)
    await Idea.filter(id__in=[ideas[0].id, ideas[2].id, ideas[8].id]).update(theme="coffee")
    await Idea.filter(id=ideas[7].id).update(theme="coffee")  # 100 days ago: not counted
    old = await Campaign.create(question="Lang geleden?", created_at=NOW - timedelta(days=400))
    await CampaignSchedule.create(
        every="quarter",
        first_day=date(2027, 1, 11),
        next_at=datetime(2027, 1, 11, 8, 0, tzinfo=UTC),
        question="Wat kan beter?",
        open_days=14,
        created_at=NOW,
    )
    assert old.id

    report = await build_weekly_report(app)
    listening = report.listening
    assert listening is not None
    assert listening.campaigns_last_year == 4  # A, B, C, D; not the one 400 days ago
    assert listening.next_campaign == datetime(2027, 1, 11, 8, 0, tzinfo=UTC)
    assert (
        listening.decided_by_manager,
        listening.decided_after_escalation,
        listening.decided_by_hr,
    ) == (4, 1, 1)
    assert listening.decided_within_ten_days == 6  # every decided idea took 1 to 8 days
    assert listening.done == 1  # 8
    # Escalated open ideas and the one without a manager, oldest first.
    assert [w.idea_id for w in listening.waiting_on_hr] == [ideas[8].id, ideas[4].id, ideas[6].id]
    assert [(t.key, t.count, t.departments) for t in listening.themes] == [
        ("coffee", 3, ("IT", "Zorg"))
    ]
    text = render_text(report)
    assert "LUISTEREN EN DOEN" in text and "Besloten na escalatie" in text
    assert "Koffie: 3 ideeën (IT, Zorg)" in text
