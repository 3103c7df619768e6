"""``ideabox themes`` as an operator runs it: a Dutch and an English idea about one thing
are one theme, with both departments; the JSON is what scripts read."""

from __future__ import annotations

import json

import pytest

from tests.operating import JAN, SAMPLE, Operator

TOM = ("Tom Smith", "tom.smith@example.nl")  # IT, English


@pytest.mark.timeout(120)
def test_themes_group_across_languages_and_departments(operator: Operator) -> None:
    service = operator.start("run")
    operator.command("org", "import", str(SAMPLE))
    operator.command("campaign", "start", "--question", "Wat kan er beter?")
    invitations = operator.wait_for_outbox(9)
    [to_jan] = [m for m in invitations if JAN in str(m["To"])]
    [to_tom] = [m for m in invitations if TOM[1] in str(m["To"])]
    operator.reply(to_jan, "De koffieautomaat in de kantine is steeds kapot.")
    operator.reply(
        to_tom, "The coffee machine keeps breaking down.", "<reply-2@example.nl>", sender=TOM
    )
    operator.reply(to_jan, "Meer fietsenstallingen bij de ingang graag.", "<reply-3@example.nl>")
    operator.wait_for_ideas(3)

    found = json.loads(operator.command("themes", "--json").stdout)
    assert [theme["count"] for theme in found] == [2, 1]
    coffee = found[0]
    assert coffee["ideas"] == [1, 2]
    assert coffee["departments"] == ["IT", "Zorg"]
    assert isinstance(coffee["label"], str) and coffee["label"]
    assert sorted(i for t in found for i in t["ideas"]) == [1, 2, 3]  # each idea once
    assert json.loads(operator.command("themes", "--campaign", "1", "--json").stdout) == found
    text = operator.command("themes").stdout
    assert text.splitlines()[0] == "3 ideas in 2 themes"
    missing = operator.command("themes", "--campaign", "9", check=False)
    assert missing.returncode == 1 and missing.stderr == "ideabox: no campaign with id 9\n"
    operator.stop(service)
