"""The weekly report as data: what the figures are, before anyone words them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from db.models import BounceState


@dataclass(frozen=True, slots=True)
class GroupRow:
    """Ideas of one department (of the author) or one manager: all time, as of now."""

    name: str | None  # None: no department / no manager
    email: str | None  # a manager's address; None for departments
    received: int
    decided: int
    open: int
    overdue: int


@dataclass(frozen=True, slots=True)
class RateGroup:
    """Invited people of a campaign in one department (or merged small departments)."""

    department: str | None
    is_other: bool  # the small departments merged together
    with_other: bool  # a department that also took in "other" (itself too small)
    invited: int
    responded: int

    @property
    def rate(self) -> float:
        return self.responded / self.invited


@dataclass(frozen=True, slots=True)
class CampaignRate:
    campaign_id: int
    question: str
    created_at: datetime
    invited: int
    # None when fewer than the anonymity threshold were invited: no figure is shown.
    responded: int | None
    groups: tuple[RateGroup, ...]  # empty when a breakdown would add nothing
    # Of those who responded, how many answered "nothing to add" (None: not shown).
    nothing_to_add: int | None = None

    @property
    def rate(self) -> float | None:
        if self.responded is None or not self.invited:
            return None
        return self.responded / self.invited


@dataclass(frozen=True, slots=True)
class Bouncing:
    email: str
    name: str
    state: BounceState
    soft_bounces: int


@dataclass(frozen=True, slots=True)
class WeekPoint:
    year: int
    week: int
    start: date  # the Monday
    received: int
    decided: int

    @property
    def label(self) -> str:
        return f"{self.year}-W{self.week:02d}"


@dataclass(frozen=True, slots=True)
class WeeklyReport:
    language: str
    zone: str
    generated_at: datetime  # now, UTC
    week: str  # ISO week of now, local: "2026-W48"
    period_start: datetime  # now minus 7 days, UTC
    received_week: int
    received_total: int
    decided_week: int
    decided_total: int
    open: int
    overdue: int
    median_days: float | None
    departments: tuple[GroupRow, ...]
    managers: tuple[GroupRow, ...]
    campaigns: tuple[CampaignRate, ...]
    bouncing: tuple[Bouncing, ...]
    weeks: tuple[WeekPoint, ...]  # the 12 complete ISO weeks before this one, oldest first
    anonymity_threshold: int
    listening: Listening | None = None

    @property
    def decision_rate(self) -> float | None:
        return self.decided_total / self.received_total if self.received_total else None


@dataclass(frozen=True, slots=True)
class WaitingIdea:
    """An open idea that needs HR: escalated, or without anyone to decide it."""

    idea_id: int
    received_at: datetime
    department: str | None  # None: none, or an anonymous author's
    manager: str | None  # None: no manager (HR decides)


@dataclass(frozen=True, slots=True)
class ThemeCount:
    key: str
    count: int
    departments: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Listening:
    """Does the organisation ask regularly, act on it, and act close to the work?"""

    campaigns_last_year: int
    next_campaign: datetime | None  # the next scheduled start
    decided_by_manager: int  # the first decision, by the line manager, before escalation
    decided_after_escalation: int
    decided_by_hr: int
    decided_within_ten_days: int  # business days
    done: int
    waiting_on_hr: tuple[WaitingIdea, ...]  # oldest first, at most a handful
    themes: tuple[ThemeCount, ...]  # the last 90 days, most ideas first
