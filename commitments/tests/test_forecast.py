"""Where the current pace leads (commitments.figures.forecast)."""

import datetime

from commitments.figures import forecast

TODAY = datetime.date(2026, 11, 30)  # 9 Azar 1405


def test_a_slow_pace_says_more_than_n_years_not_a_date_decades_away():
    # 12 jobs in 731 days towards 30,000: 29,988 more at 12/731 a day take 5,001 years
    result = forecast(
        target=30_000,
        realised=12,
        started=TODAY - datetime.timedelta(days=730),
        due=datetime.date(2028, 3, 19),
        today=TODAY,
    )
    assert result["finish_on"] is None
    assert result["finish_label"] == "بیش از ۵٬۰۰۱ سال با آهنگ فعلی"
    assert (result["label"], result["on_track"]) == ("عقب از برنامه", False)


def test_a_pace_that_finishes_within_ten_years_gives_the_jalali_date():
    # 1,000 jobs in 100 days towards 3,000: 200 more days
    started = TODAY - datetime.timedelta(days=99)
    result = forecast(target=3_000, realised=1_000, started=started, due=datetime.date(2027, 12, 1), today=TODAY)
    assert result["finish_on"] == TODAY + datetime.timedelta(days=200)
    assert result["finish_label"] == "۱۴۰۶/۰۳/۲۸"  # 18 June 2027
    assert result["on_track"] is True


def test_one_job_in_a_day_towards_millions_does_not_overflow_the_calendar():
    result = forecast(
        target=2_000_000_000, realised=1, started=TODAY - datetime.timedelta(days=4_000), due=TODAY, today=TODAY
    )
    assert result["finish_on"] is None and result["finish_label"].startswith("بیش از ")
