"""Business days in the Netherlands: weekends and public holidays skipped."""

from __future__ import annotations

from datetime import date

from workflows.calendar import BusinessCalendar

NL = BusinessCalendar("NL")


def test_christmas_new_year_and_kings_day_are_no_business_days() -> None:
    for day in (date(2026, 12, 25), date(2026, 12, 26), date(2027, 1, 1), date(2026, 4, 27)):
        assert not NL.is_business_day(day)
    assert not NL.is_business_day(date(2026, 11, 28))  # a Saturday
    assert NL.is_business_day(date(2026, 12, 24))


def test_counting_forward_over_the_holidays() -> None:
    assert NL.add_business_days(date(2026, 12, 23), 3) == date(2026, 12, 29)
    assert NL.add_business_days(date(2026, 12, 30), 1) == date(2026, 12, 31)
    assert NL.add_business_days(date(2026, 12, 31), 1) == date(2027, 1, 4)
    assert NL.add_business_days(date(2026, 12, 31), 0) == date(2026, 12, 31)
    assert NL.next_business_day(date(2026, 12, 25)) == date(2026, 12, 28)
    assert NL.next_business_day(date(2026, 12, 24)) == date(2026, 12, 24)


def test_business_days_between_counts_after_the_start_up_to_the_end() -> None:
    assert NL.business_days_between(date(2026, 12, 23), date(2026, 12, 29)) == 3
    assert NL.business_days_between(date(2026, 12, 23), date(2026, 12, 23)) == 0
    assert NL.business_days_between(date(2026, 12, 29), date(2026, 12, 23)) == 0
    assert NL.business_days_between(date(2026, 1, 1), date(2027, 1, 1)) == 254
