import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command

from commitments.models import Commitment, Milestone, ProgressEntry
from core import persian
from programs.models import County, Organization, Program, Sector
from reports import figures

pytestmark = pytest.mark.django_db


def snapshot():
    User = get_user_model()
    return {
        "counties": list(County.objects.values_list("id", "name")),
        "sectors": list(Sector.objects.values_list("id", "name")),
        "orgs": list(Organization.objects.values_list("id", "name", "kind")),
        "programs": list(Program.objects.values_list("id", "name", "jobs_target")),
        "commitments": list(
            Commitment.objects.values_list("id", "title", "status", "jobs_target", "parent_id", "updated_at")
        ),
        "entries": list(ProgressEntry.objects.values_list("id", "jobs_created", "status")),
        "milestones": list(Milestone.objects.values_list("id", "title", "due_on")),
        "users": list(User.objects.values_list("id", "username", "password")),
        "reporters": list(Commitment.reporters.through.objects.values_list("commitment_id", "user_id")),
        # "Running it twice changes nothing" holds for the history too: every history
        # table (simple-history's Historical* models) keeps its row count.
        "history": {
            m._meta.label: m.objects.count() for m in apps.get_models() if m._meta.object_name.startswith("Historical")
        },
    }


@pytest.fixture
def seeded(monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "demo-pass-1405")
    call_command("seed_kerman", "--demo-users")


def test_seed_facts(seeded):
    program = Program.objects.get()
    assert program.jobs_target == 12_000
    resalat = Organization.objects.get(name="بانک رسالت")
    assert resalat.kind == "bank"

    mou = Commitment.objects.get(organization=resalat, jobs_target=30_000)
    assert mou.instrument == "mou" and mou.parent is None
    tranche = mou.tranches.get()
    assert tranche.jobs_target == 6_000
    assert tranche.status == "in_execution"
    assert tranche.partners.get().name == "بنیاد برکت"

    pledge = Commitment.objects.get(organization=resalat, jobs_target=15_000)
    assert pledge.venue == "ستاد فرماندهی اقتصاد مقاومتی"
    assert pledge.parent is None

    prepared = Commitment.objects.filter(status="prepared")
    assert sorted(prepared.values_list("organization__name", flat=True)) == sorted(
        ["مس شهید باهنر", "نظم آوران", "گهرزمین"]
    )
    assert all(c.jobs_target is None for c in prepared)

    assert County.objects.filter(name="کرمان").exists() and County.objects.count() == 23
    assert Sector.objects.filter(name="فرش دستباف").exists()


def test_seed_baseline_14000_verified_by_admin(seeded):
    entry = ProgressEntry.objects.get()
    assert entry.jobs_created == 14_000 and entry.status == "verified" and entry.is_baseline
    assert entry.entered_by.username == "admin" and entry.verified_by.username == "admin"
    numbers = figures.dashboard_figures(Commitment.objects.all())
    # the 14,000 are شغل پایه, apart: not new jobs, not a promise
    assert (numbers["baseline_jobs"], numbers["new_jobs"]) == (14_000, 0)
    # تعهد شده is Resalat's 30,000 (its Barakat 6,000 inside it) and the HQ's 15,000;
    # never 59,000 (which would add the baseline), never 51,000 (the tranche twice)
    assert numbers["pledged"] == 45_000
    assert entry.commitment.is_baseline_record and entry.commitment.jobs_target is None


def test_seed_milestones_on_next_5_tir(seeded):
    due = persian.next_jalali_occurrence(4, 5)
    milestones = Milestone.objects.order_by("title")
    assert milestones.count() == 2
    assert {m.due_on for m in milestones} == {due}
    assert {m.report_kind for m in milestones} == {"commitment_timetable", "pathology"}


def test_seed_demo_users_and_roles(seeded):
    User = get_user_model()
    admin, official, staff = (User.objects.get(username=n) for n in ("admin", "official", "staff"))
    assert admin.is_superuser and admin.check_password("demo-pass-1405")
    assert list(official.groups.values_list("name", flat=True)) == ["provincial_officials"]
    assert list(staff.groups.values_list("name", flat=True)) == ["chamber_staff"]
    assert sorted(staff.reported_commitments.values_list("jobs_target", flat=True)) == [6_000, 30_000]


def test_seed_is_idempotent(seeded, monkeypatch):
    before = snapshot()
    call_command("seed_kerman", "--demo-users")
    assert snapshot() == before


def test_seed_without_demo_password_generates_and_prints_one(monkeypatch, capsys):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    call_command("seed_kerman", "--demo-users")
    out = capsys.readouterr().out
    password = out.split("(admin, official, staff): ")[1].split()[0]
    assert get_user_model().objects.get(username="official").check_password(password)
