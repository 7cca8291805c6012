"""The dashboard: programme figures, the commitment table, breakdowns, deadlines, filters, query count."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from commitments import figures as commitment_figures
from commitments import services
from commitments.models import Commitment
from core import persian
from programs.models import County
from reports import figures
from reports.filters import DashboardFilter
from tests import factories as f

User = get_user_model()


@pytest.fixture
def official_client(client, official):
    client.force_login(official)
    return client


def verified(commitment, jobs, *, baseline=False, county=None, sector=None, period_end=datetime.date(2025, 6, 1)):
    # Looked up first: the factory hashes a password on every call, which is slow.
    checker = User.objects.filter(username="checker").first() or f.make_official("checker")
    return f.ProgressEntryFactory(
        commitment=commitment,
        entered_by=checker,
        jobs_created=jobs,
        status="verified",
        verified_by=checker,
        is_baseline=baseline,
        county=county,
        sector=sector,
        period_end=period_end,
    )


def page(client, query="") -> str:
    response = client.get(reverse("reports:dashboard") + query)
    assert response.status_code == 200
    return response.content.decode()


def baseline_record(program):
    return f.CommitmentFactory(
        program=program, title="رقم پایه", status="completed", instrument="baseline", jobs_target=None
    )


def test_programme_card_separates_baseline_from_new_jobs(official_client, program, commitment):
    # given the 14,000 baseline and 300 new verified jobs, and 50 still awaiting review
    verified(baseline_record(program), 14_000, baseline=True)
    verified(commitment, 300)
    f.ProgressEntryFactory(commitment=commitment, jobs_created=50, status="submitted")
    html = page(official_client)
    # then شغل تازه counts only verified jobs after the baseline, the baseline stands apart,
    # and the programme's one percentage is شغل تازه ÷ هدف شغل تازه
    assert 'data-testid="new-jobs">۳۰۰<' in html
    assert 'data-testid="baseline-jobs">۱۴٬۰۰۰<' in html
    assert 'data-testid="new-jobs-target">۱۲٬۰۰۰<' in html
    assert 'data-testid="programme-remaining">۱۱٬۷۰۰<' in html
    assert 'data-testid="programme-percent">٪۲٫۵<' in html
    # and the baseline is no commitment's figure: تعهد شده is the 30,000 MoU alone
    assert 'data-testid="pledged">۳۰٬۰۰۰<' in html
    assert "۱۴٬۳۰۰" not in html and "۴۴٬۰۰۰" not in html


def test_remaining_is_never_negative(official_client, program, commitment):
    verified(commitment, 13_000)
    assert 'data-testid="programme-remaining">۰<' in page(official_client)


def test_commitment_rows_show_allocation_realised_and_no_figure(official_client, program, commitment):
    # given a 30,000 MoU with a 6,000 tranche holding 1,500 realised, and a prepared MoU
    tranche = f.CommitmentFactory(program=program, parent=commitment, title="بخش برکت", jobs_target=6_000)
    verified(tranche, 1_500)
    f.CommitmentFactory(program=program, title="تفاهم‌نامه مس", status="prepared", jobs_target=None)
    html = page(official_client)
    # then the parent shows 6,000 allocated, 24,000 unallocated, 1,500 realised (5 %)
    parent_row = html.split(commitment.title)[1].split("</tr>")[0]
    assert '<td data-label="تخصیص‌یافته" class="num">۶٬۰۰۰</td>' in parent_row
    assert '<td data-label="بی‌تخصیص" class="num">۲۴٬۰۰۰</td>' in parent_row
    assert '<td data-label="تحقق‌یافته" class="num">۱٬۵۰۰</td>' in parent_row
    assert "٪۵" in parent_row
    # and the prepared one says «بدون رقم», not 0 %
    prepared_row = html.split("تفاهم‌نامه مس")[1].split("</tr>")[0]
    assert "بدون رقم" in prepared_row
    assert "٪۰" not in prepared_row


def test_pace_forecast_is_shown(official_client, commitment):
    # signed 2024-06-04, due 2027-03-20, nothing realised: behind
    html = page(official_client)
    row = html.split(commitment.title)[1].split("</tr>")[0]
    assert "عقب از برنامه" in row
    assert persian.format_jalali(commitment.due_on) in row


def test_breakdowns_per_county_sector_and_organisation(official_client, program, commitment):
    bam, kerman = f.CountyFactory(name="بم"), f.CountyFactory(name="کرمان")
    carpet = f.SectorFactory(name="فرش دستباف")
    verified(commitment, 70, county=bam, sector=carpet)
    verified(commitment, 30, county=kerman, sector=carpet)
    html = page(official_client)
    assert "بم</th>" in html and "۷۰ شغل" in html
    assert "فرش دستباف</th>" in html and "۱۰۰ شغل" in html
    assert f"{commitment.organization.name}</th>" in html
    # the site's CSP forbids style attributes: the web charts carry classes only
    assert ' style="' not in html


def test_realised_per_jalali_month(official_client, commitment):
    today = persian.local_today()
    verified(commitment, 12, period_end=today)
    html = page(official_client)
    j = persian.to_jalali(today)
    assert persian.JALALI_MONTHS[j.month - 1] in html
    assert '<td class="kj-fig"' in html and ">۱۲</td>" in html


def test_upcoming_deadlines_with_days_left_and_overdue_marked(official_client, commitment):
    today = persian.local_today()
    f.MilestoneFactory(commitment=commitment, title="جدول زمان‌بندی", due_on=today + datetime.timedelta(days=9))
    f.MilestoneFactory(commitment=commitment, title="گزارش عقب‌افتاده", due_on=today - datetime.timedelta(days=3))
    html = page(official_client)
    assert "۹ روز مانده" in html
    overdue = html.split("گزارش عقب‌افتاده")[0].rsplit("<li", 1)[1]
    assert 'class="overdue"' in overdue
    assert "۳ روز گذشته" in html.split("گزارش عقب‌افتاده")[1].split("</li>")[0]
    assert persian.format_jalali_long(today + datetime.timedelta(days=9)) in html


def test_filters_live_in_the_url(official_client, program, commitment, other_commitment):
    other_commitment.status = "in_execution"
    other_commitment.save()
    html = page(official_client, "?status=in_execution")
    assert other_commitment.title in html and commitment.title not in html
    html = page(official_client, f"?organization={commitment.organization_id}")
    assert commitment.title in html and other_commitment.title not in html


def test_county_filter(official_client, commitment, other_commitment):
    bam = f.CountyFactory(name="بم")
    verified(other_commitment, 5, county=bam)
    f.HomeBusinessFactory(commitment=other_commitment, county=bam)
    html = page(official_client, f"?county={bam.pk}")
    assert other_commitment.title in html and commitment.title not in html
    assert html.count(f">{other_commitment.title}</a>") == 1


def test_a_county_filter_applies_to_every_card(official_client, program, commitment):
    # given one commitment with work in two counties: jobs and businesses in each
    bam, zarand = f.CountyFactory(name="بم"), f.CountyFactory(name="زرند")
    verified(commitment, 70, county=bam)
    verified(commitment, 30, county=zarand)
    f.HomeBusinessFactory(commitment=commitment, county=bam, jobs=4, status="active")
    f.HomeBusinessFactory(commitment=commitment, county=zarand, jobs=9, status="active")
    # when the dashboard is filtered to Bam
    html = page(official_client, f"?county={bam.pk}")
    # then the programme card, the ladder and the registry card count Bam's only, and say so
    assert 'data-testid="new-jobs">۷۰<' in html
    assert 'data-testid="still-active">۴<' in html
    assert '<td data-label="تحقق‌یافته" class="num">۷۰</td>' in html
    assert "فقط گزارش‌ها و کسب‌وکارهای شهرستان بم" in html
    # and the programme's percentage (of the province's 12,000) is not set against a part
    assert 'data-testid="programme-percent"' not in html
    assert 'data-testid="new-jobs-target"' not in html


def test_a_reporter_sees_their_commitments_figures_labelled_as_theirs(
    client, staff, program, commitment, other_commitment
):
    verified(commitment, 40)
    verified(other_commitment, 900)
    client.force_login(staff)
    html = page(client)
    # their own: the 30,000 commitment they report on, not the province's 45,000 nor its 12,000
    assert 'data-testid="new-jobs">۴۰<' in html
    assert 'data-testid="pledged">۳۰٬۰۰۰<' in html
    assert "فقط تعهدهایی که شما گزارش‌دهندهٔ آن‌ها هستید" in html
    assert 'data-testid="new-jobs-target"' not in html and 'data-testid="programme-percent"' not in html
    assert "۹۴۰" not in html and "۴۵٬۰۰۰" not in html


def test_jalali_due_date_range_in_persian_digits(official_client, program, commitment):
    soon = f.CommitmentFactory(program=program, title="تعهد زودرس", due_on=datetime.date(2025, 6, 26))
    html = page(official_client, "?due_from=۱۴۰۴/۰۱/۰۱&due_to=۱۴۰۴/۱۲/۲۹")
    assert soon.title in html and commitment.title not in html


def test_an_impossible_filter_date_is_explained(official_client, commitment):
    html = page(official_client, "?due_to=1404/12/30")
    assert "سال ۱۴۰۴ کبیسه نیست" in html
    assert commitment.title not in html


def build(program, n, start=0):
    county, sector = f.CountyFactory(name="زرند"), f.SectorFactory(name="پوشاک")
    clerk = User.objects.filter(username="clerk").first() or f.make_staff("clerk")
    for i in range(start, start + n):
        org = f.OrganizationFactory(name=f"بانک {i}")
        parent = f.CommitmentFactory(program=program, organization=org, title=f"تعهد {i}", jobs_target=1_000)
        tranche = f.CommitmentFactory(program=program, organization=org, parent=parent, jobs_target=400)
        verified(tranche, 10, county=county, sector=sector)
        f.ProgressEntryFactory(commitment=parent, jobs_created=3, entered_by=clerk)
        f.HomeBusinessFactory(commitment=tranche, county=county, sector=sector)
        f.MilestoneFactory(commitment=parent, responsible=org)


def test_dashboard_query_count_does_not_grow_with_commitments(official_client, program):
    build(program, 5)
    page(official_client)  # warm up: session and content types
    cache.clear()  # measure the figures computed, not read from the cache
    with CaptureQueriesContext(connection) as five:
        html = page(official_client)
    assert html.count('<tr class="depth-0">') == 5
    build(program, 45, start=5)
    with CaptureQueriesContext(connection) as fifty:
        html = page(official_client)
    assert html.count('<tr class="depth-0">') == 50
    assert html.count('<tr class="depth-1">') == 50
    assert len(fifty) == len(five), [q["sql"][:120] for q in fifty.captured_queries]
    # At most 12 statements even uncached (the figure): the session read (its
    # idle-timeout update at most once a minute, core.sessions), the person with their
    # roles (core.auth), the filter lists (one), the figures, «نیازمند گزارش» read with the
    # commitments, the frozen snapshot, the two milestone lists and the navigation's two
    # badges (one); fewer once the sums are cached.
    assert len(fifty) <= 12, [q["sql"][:120] for q in fifty.captured_queries]
    with CaptureQueriesContext(connection) as cached:
        again = page(official_client)
    csrf = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert csrf.sub("", again) == csrf.sub("", html)
    assert len(cached) < len(fifty)


def test_a_verified_entry_shows_at_once_on_a_cached_dashboard(official_client, program, commitment):
    verified(commitment, 300)
    assert 'data-testid="new-jobs">۳۰۰<' in page(official_client)
    assert 'data-testid="new-jobs">۳۰۰<' in page(official_client)  # now from the cache
    entry = f.ProgressEntryFactory(commitment=commitment, jobs_created=125, status="submitted")
    assert 'data-testid="new-jobs">۳۰۰<' in page(official_client)  # submitted is not realised
    checker = User.objects.get(username="checker")
    services.progress_entry_verify(actor=checker, entry=entry, version=entry.version)
    assert 'data-testid="new-jobs">۴۲۵<' in page(official_client)


def test_dashboard_figures_sum_every_verified_entry_and_business(program, commitment, other_commitment):
    # given entries in and out of the last twelve months, with and without a county,
    # a baseline, a tranche, one entry still submitted, businesses active and closed
    today = datetime.date(2026, 11, 27)  # 6 Azar 1405
    county, sector = f.CountyFactory(name="بم"), f.SectorFactory(name="پوشاک")
    tranche = f.CommitmentFactory(program=program, parent=commitment, jobs_target=6_000)
    verified(baseline_record(program), 14_000, baseline=True, period_end=datetime.date(2024, 1, 1))
    verified(tranche, 120, county=county, sector=sector, period_end=datetime.date(2026, 10, 1))  # Mehr 1405
    verified(other_commitment, 40, county=county, period_end=datetime.date(2026, 3, 5))  # Esfand 1404
    verified(other_commitment, 7, sector=sector, period_end=datetime.date(2024, 1, 1))
    f.ProgressEntryFactory(commitment=tranche, jobs_created=999, status="submitted")
    f.HomeBusinessFactory(commitment=tranche, jobs=3, status="active")
    f.HomeBusinessFactory(commitment=other_commitment, jobs=2, status="inactive")
    # when the dashboard reads them all at once
    numbers = figures.dashboard_figures(Commitment.objects.all(), today)
    # then
    assert (numbers["new_jobs"], numbers["baseline_jobs"]) == (167, 14_000)
    assert (numbers["still_active"], numbers["registered_jobs"]) == (3, 5)
    # the breakdowns are of new jobs: the baseline (no county, no sector) is not in them
    assert [(r["label"], r["jobs"]) for r in numbers["by_county"]] == [("بم", 160), ("نامشخص", 7)]
    assert [(r["label"], r["jobs"]) for r in numbers["by_sector"]] == [("پوشاک", 127), ("نامشخص", 40)]
    assert sum(r["jobs"] for r in numbers["by_org"]) == 167
    months = {m["label"]: m["jobs"] for m in numbers["months"]}
    assert len(months) == 12 and (months["مهر ۱۴۰۵"], months["اسفند ۱۴۰۴"], months["آذر ۱۴۰۵"]) == (120, 40, 0)
    (prog,) = numbers["programs"]
    assert (prog["baseline_jobs"], prog["new_jobs"], prog["new_jobs_target"]) == (14_000, 167, program.jobs_target)
    # تعهد شده: the two top-level commitments; the tranche is inside its parent
    assert prog["pledged"] == commitment.jobs_target + other_commitment.jobs_target
    ladder = {x.commitment.pk: (x.realised, x.allocated, x.depth) for x in numbers["figures"]}
    assert ladder[commitment.pk] == (120, 6_000, 0)
    assert ladder[tranche.pk] == (120, 0, 1)
    # and the ladder is the one the commitment page draws (the baseline record is in neither)
    assert [(x.commitment.pk, x.realised) for x in numbers["figures"]] == [
        (x.commitment.pk, x.realised)
        for x in commitment_figures.commitment_figures(Commitment.objects.exclude(instrument="baseline"))
    ]


def test_staff_dashboard_query_count_does_not_grow_either(client, staff, program):
    client.force_login(staff)
    build(program, 5)
    for c in program.commitments.all():
        c.reporters.add(staff)
    page(client)
    cache.clear()  # measure the figures computed, not read from the cache
    with CaptureQueriesContext(connection) as five:
        page(client)
    build(program, 45, start=5)
    for c in program.commitments.all():
        c.reporters.add(staff)
    with CaptureQueriesContext(connection) as fifty:
        html = page(client)
    assert html.count('<tr class="depth-0">') == 51  # and the staff fixture's own commitment
    assert len(fifty) == len(five)


def test_the_filter_lists_read_in_one_query_draw_as_their_querysets(program, django_assert_num_queries):
    # given names that sort differently from their ids, and a county chosen
    for name in ("ریگان", "بم", "زرند"):
        f.CountyFactory(name=name)
    for name in ("بانک ملت", "استانداری"):
        f.OrganizationFactory(name=name)
    chosen = County.objects.get(name="زرند")
    data = {"county": str(chosen.pk)}
    plain = DashboardFilter(data, queryset=Commitment.objects.all()).form
    expected = {name: str(plain[name]) for name in ("program", "organization", "county")}
    # when the lists are read together
    filterset = DashboardFilter(data, queryset=Commitment.objects.all())
    assert filterset.is_valid()  # as the page does: the chosen county is read here
    with django_assert_num_queries(1):
        filterset.read_choices()
        drawn = {name: str(filterset.form[name]) for name in ("program", "organization", "county")}
    # then each is drawn exactly as from its own queryset, the chosen county selected
    assert drawn == expected
    assert f'value="{chosen.pk}" selected' in drawn["county"]
    assert filterset.form.cleaned_data["county"] == chosen


def test_most_commitments_seen_sum_the_province_less_the_unseen(program, commitment, other_commitment):
    # given three commitments' verified jobs in two counties, and a reporter's view of all but one
    today = datetime.date(2026, 11, 27)
    bam, zarand = f.CountyFactory(name="بم"), f.CountyFactory(name="زرند")
    sector = f.SectorFactory(name="پوشاک")
    unseen = f.CommitmentFactory(program=program, jobs_target=100)
    verified(commitment, 10, county=bam, sector=sector, period_end=datetime.date(2026, 10, 1))
    verified(other_commitment, 5, county=zarand, period_end=datetime.date(2026, 10, 1))
    verified(unseen, 7, county=bam, sector=sector, period_end=datetime.date(2026, 10, 1))
    verified(unseen, 3, county=f.CountyFactory(name="ریگان"), period_end=datetime.date(2026, 10, 1))
    verified(baseline_record(program), 900, baseline=True)
    seen = Commitment.objects.exclude(pk=unseen.pk)
    # when the figures of what is seen are read (the province's sums less the one unseen)
    numbers = figures.dashboard_figures(seen, today)
    # then they are those of the seen commitments alone, with no county of the unseen one at nought
    assert [(r["label"], r["jobs"]) for r in numbers["by_county"]] == [("بم", 10), ("زرند", 5)]
    assert [(r["label"], r["jobs"]) for r in numbers["by_sector"]] == [("پوشاک", 10), ("نامشخص", 5)]
    assert {m["label"]: m["jobs"] for m in numbers["months"]}["مهر ۱۴۰۵"] == 15
    # the same as reading those commitments' own rows (one of them alone is read that way)
    for one in (commitment, other_commitment):
        alone = figures.dashboard_figures(Commitment.objects.filter(pk=one.pk), today)
        assert sum(r["jobs"] for r in alone["by_county"]) == (10 if one == commitment else 5)


def test_a_reporters_cached_dashboard_follows_their_commitments_at_once(client, staff, program, commitment):
    # given a reporter's dashboard, cached, showing their one commitment
    from commitments.selectors import reader_scope

    client.force_login(staff)
    other = f.CommitmentFactory(program=program, title="تعهد دیگری برای آزمون", jobs_target=50)
    assert other.title not in page(client) and commitment.title in page(client)
    assert reader_scope(staff) == f"reporter:{staff.pk}"  # named by the person: no query for the ids
    # when they are made a reporter of another, and then taken off the first
    other.reporters.add(staff)
    # then the next page shows it, from the cache or not
    assert other.title in page(client)
    commitment.reporters.remove(staff)
    html = page(client)
    assert other.title in html and commitment.title not in html
