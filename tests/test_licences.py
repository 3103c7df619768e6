"""What ships is free of GPL: every package ``pip install .`` brings, with its licence."""

from __future__ import annotations

import re
from importlib.metadata import Distribution, PackageNotFoundError, distribution

from packaging.requirements import Requirement


def runtime_closure(name: str = "ideabox") -> dict[str, Distribution]:
    """The installed distributions ideabox needs to run (no extras), by name."""
    found: dict[str, Distribution] = {}
    todo = [name]
    while todo:
        current = todo.pop()
        key = re.sub(r"[-_.]+", "-", current).lower()
        if key in found:
            continue
        try:
            dist = distribution(current)
        except PackageNotFoundError:  # an optional dependency for another platform
            continue
        found[key] = dist
        for line in dist.requires or []:
            requirement = Requirement(line)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                todo.append(requirement.name)
    return found


def licence(dist: Distribution) -> str:
    """What the package says of its licence: the expression, the field, the classifiers."""
    meta = dist.metadata
    said = [*(meta.get_all("License-Expression") or []), *(meta.get_all("License") or [])]
    said += [c for c in meta.get_all("Classifier") or [] if c.startswith("License ::")]
    return " | ".join(said)


def test_no_gpl_in_what_ships() -> None:
    shipped = runtime_closure()
    assert {"aiosmtpd", "jinja2", "tortoise-orm", "arq", "inscriptis"} <= set(shipped)
    gpl = {name: licence(dist) for name, dist in shipped.items() if "GPL" in licence(dist)}
    assert gpl == {}
    unknown = sorted(name for name, dist in shipped.items() if not licence(dist))
    assert unknown == [], "packages without licence metadata: check them by hand"
