"""The themes of the stored ideas: what teams run into, at a glance, across languages.

``workflows.themes`` groups texts; this reads the ideas (of one campaign, or all) with
their author's language as the hint and their department, never their names.
"""

from __future__ import annotations

from db.models import Idea, Person
from workflows.themes import IdeaText, Theme, group_themes


async def stored_ideas(campaign_id: int | None = None) -> list[IdeaText]:
    query = Idea.all().order_by("id")
    if campaign_id is not None:
        query = query.filter(campaign_id=campaign_id)
    rows = await query.values("id", "text", "author_id")
    authors = {
        p["id"]: p
        for p in await Person.filter(id__in={r["author_id"] for r in rows}).values(
            "id", "language", "department"
        )
    }
    return [
        IdeaText(
            id=row["id"],
            text=row["text"],
            language=authors[row["author_id"]]["language"],
            department=authors[row["author_id"]]["department"],
        )
        for row in rows
    ]


async def idea_themes(campaign_id: int | None = None) -> list[Theme]:
    return group_themes(await stored_ideas(campaign_id))
