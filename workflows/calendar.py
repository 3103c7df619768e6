"""Business days: weekends and the public holidays of the organisation's country skipped."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import holidays


@cache
def _holidays(country: str, year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays(country, years=year).keys())


class BusinessCalendar:
    def __init__(self, country: str) -> None:
        self.country = country

    def is_business_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in _holidays(self.country, day.year)

    def add_business_days(self, day: date, count: int) -> date:
        """The ``count``-th business day after ``day`` (``day`` itself not counted)."""
        while count > 0:
            day += timedelta(days=1)
            if self.is_business_day(day):
                count -= 1
        return day

    def next_business_day(self, day: date) -> date:
        """``day`` itself when it is a business day, else the next one."""
        while not self.is_business_day(day):
            day += timedelta(days=1)
        return day

    def business_days_between(self, start: date, end: date) -> int:
        """Business days after ``start`` up to and including ``end`` (0 when end <= start)."""
        if end <= start:
            return 0
        # Whole weeks in one step: a long-open idea costs no more than a short one.
        weeks, rest = divmod((end - start).days, 7)
        count = weeks * 5 - sum(
            1
            for year in range(start.year, end.year + 1)
            for holiday in _holidays(self.country, year)
            if start < holiday <= start + timedelta(days=weeks * 7) and holiday.weekday() < 5
        )
        day = start + timedelta(days=weeks * 7)
        for _ in range(rest):
            day += timedelta(days=1)
            count += self.is_business_day(day)
        return count

    def at_local(self, day: date, hour: int, zone: ZoneInfo) -> datetime:
        return datetime.combine(day, time(hour), tzinfo=zone)
