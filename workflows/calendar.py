"""Business days: weekends and the public holidays of the organisation's country skipped.

The ``holidays`` package knows both (its working-day methods); this names them the way
the reminders and the decision figures speak of them.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import holidays


@cache
def _days_off(country: str) -> holidays.HolidayBase:
    # One per country, its years filled in as they are asked for.
    return holidays.country_holidays(country)


class BusinessCalendar:
    def __init__(self, country: str) -> None:
        self.days_off = _days_off(country)

    def is_business_day(self, day: date) -> bool:
        return self.days_off.is_working_day(day)

    def add_business_days(self, day: date, count: int) -> date:
        """The ``count``-th business day after ``day`` (``day`` itself not counted)."""
        return day if count <= 0 else self.days_off.get_nth_working_day(day, count)

    def previous_business_day(self, day: date) -> date:
        """The last business day before ``day``."""
        day -= timedelta(days=1)
        while not self.is_business_day(day):
            day -= timedelta(days=1)
        return day

    def next_business_day(self, day: date) -> date:
        """``day`` itself when it is a business day, else the next one."""
        return self.days_off.get_nth_working_day(day, 0)

    def business_days_between(self, start: date, end: date) -> int:
        """Business days after ``start`` up to and including ``end`` (0 when end <= start)."""
        if end <= start:
            return 0
        return self.days_off.get_working_days_count(start + timedelta(days=1), end)

    def at_local(self, day: date, hour: int, zone: ZoneInfo) -> datetime:
        return datetime.combine(day, time(hour), tzinfo=zone)
