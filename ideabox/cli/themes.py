"""``ideabox themes``: the ideas grouped into themes, across languages."""

from __future__ import annotations

from typing import Annotated

import typer

from db.models import Campaign
from ideabox.cli.common import echo_json, fail, run_with_app
from workflows.idea_themes import idea_themes
from workflows.themes import Theme


def themes(
    campaign: Annotated[
        int | None, typer.Option("--campaign", metavar="ID", help="Only this campaign's ideas.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON array.")] = False,
) -> None:
    """What the ideas are about: themes with their ideas and departments, largest first.

    Dutch, English, German and French ideas about one thing are one theme. An idea that
    no theme recognises stands alone.
    """

    async def grouped() -> list[Theme] | None:
        if campaign is not None and not await Campaign.exists(id=campaign):
            return None
        return await idea_themes(campaign)

    found = run_with_app(lambda app: grouped())
    if found is None:
        fail(f"no campaign with id {campaign}")
    if as_json:
        echo_json(
            [
                {
                    "key": theme.key,
                    "label": " / ".join(theme.label),
                    "label_words": list(theme.label),
                    "ideas": list(theme.ideas),
                    "departments": list(theme.departments),
                    "count": theme.count,
                }
                for theme in found
            ]
        )
        return
    if not found:
        typer.echo("no ideas yet")
        return
    total = sum(theme.count for theme in found)
    typer.echo(f"{total} ideas in {len(found)} themes")
    for theme in found:
        ids = " ".join(f"#{i}" for i in theme.ideas[:12]) + (" ..." if theme.count > 12 else "")
        where = ", ".join(theme.departments) or "-"
        typer.echo(f"{theme.count:>4}  {' / '.join(theme.label):<32} {where:<30} {ids}")
