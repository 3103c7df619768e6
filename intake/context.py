"""What the steps are handed: settings they need and a directory to look things up in."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from core.keys import KeyRing
from core.settings import Settings
from intake.directory import DbDirectory
from intake.message import Directory
from intake.signatures import DkimVerifier


@dataclass(frozen=True, slots=True)
class StepContext:
    directory: Directory
    # The signing keys, updated in place when they are read again (a rotation reaches a
    # running listener without a new context); empty offline.
    keys: KeyRing
    local_part: str
    domain: str
    hr_emails: tuple[str, ...] = ()
    default_language: str = "nl"
    # The authserv-id of the receiving MX whose Authentication-Results header we trust;
    # empty: no such header is trusted (an attacker can write one too).
    trusted_authserv_id: str = ""
    # Checks DKIM signatures itself when no trusted MX does; None offline (no DNS).
    dkim: DkimVerifier | None = None

    @property
    def offline(self) -> bool:
        return self.directory.offline


@lru_cache(maxsize=8)
def step_context(settings: Settings, keys: KeyRing) -> StepContext:
    """The context of the running service: the database as directory, the real keys."""
    return StepContext(
        directory=DbDirectory(hr_emails=tuple(settings.hr_emails)),
        keys=keys,
        local_part=settings.local_part,
        domain=settings.domain,
        hr_emails=tuple(settings.hr_emails),
        default_language=settings.default_language,
        trusted_authserv_id=settings.trusted_authserv_id,
        dkim=DkimVerifier(settings.dns),
    )
