"""A province-scale data set built inside PostgreSQL with generate_series.

Everything is deterministic (derived from the row number), so two builds at the
same scale hold the same rows; a second run finds the set complete and skips it.
History tables are not filled for these rows: they are benchmark data, not
changes anybody made.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection, transaction

from commitments import summaries as commitment_summaries
from commitments.models import Commitment, ProgressEntry
from core.roles import CHAMBER_STAFF_GROUP, OFFICIALS_GROUP
from programs.models import County, Organization, Program, Sector
from registry import summaries as registry_summaries
from registry.models import ContinuityCheck, HomeBusiness

BENCH_PREFIX = "بنچ"
FULL = {"commitments": 300, "entries": 200_000, "businesses": 1_000_000, "checks": 3_000_000}


@dataclass
class Sizes:
    commitments: int
    entries: int
    businesses: int

    @property
    def checks(self) -> int:
        # As _build_rows makes them: none for every tenth business, four for the other
        # multiples of 3, three for the rest (3,000,000 at 1,000,000 businesses).
        n = self.businesses
        return 3 * (n - n // 10) + (n // 3 - n // 30)

    @property
    def unchecked(self) -> int:
        return self.businesses // 10

    @classmethod
    def at(cls, scale: float) -> Sizes:
        parents = max(int(FULL["commitments"] * scale) // 5, 2)
        return cls(
            commitments=parents * 5,
            entries=max(int(FULL["entries"] * scale), 100),
            businesses=max(int(FULL["businesses"] * scale), 100),
        )


def _ids(model, **filters) -> list[int]:
    return list(model.objects.filter(**filters).order_by("id").values_list("id", flat=True))


def bench_users():
    User = get_user_model()
    official, _ = User.objects.get_or_create(username="bench_official")
    official.groups.add(Group.objects.get_or_create(name=OFFICIALS_GROUP)[0])
    staff, _ = User.objects.get_or_create(username="bench_staff")
    staff.groups.add(Group.objects.get_or_create(name=CHAMBER_STAFF_GROUP)[0])
    return official, staff


LOAD_NOTE = "bench-load"


def bench_pages(official, staff) -> list[tuple[str, str, object]]:
    """(name, url, user): every page an official and a staff member open. Official pages
    are page.<name>; the staff member's own view of a shared page is page.staff_<name>."""
    from django.urls import reverse

    mine = Commitment.objects.filter(title__startswith=BENCH_PREFIX, reporters=staff).order_by("id").first()
    parent = Commitment.objects.filter(title__startswith=BENCH_PREFIX, parent__isnull=True).order_by("id").first()
    business = HomeBusiness.objects.filter(commitment=mine).order_by("id").first()
    return [
        ("dashboard", reverse("reports:dashboard"), official),
        ("commitment", reverse("commitments:detail", args=[parent.pk]), official),
        ("review_queue", reverse("commitments:review_queue"), official),
        ("business_list", reverse("registry:list"), official),
        ("business", reverse("registry:detail", args=[business.pk]), official),
        ("continuity", reverse("registry:cohorts"), official),
        ("reports_list", reverse("reports:list"), official),
        ("staff_dashboard", reverse("reports:dashboard"), staff),
        ("staff_commitment", reverse("commitments:detail", args=[mine.pk]), staff),
        ("staff_business_list", reverse("registry:list"), staff),
        ("staff_business", reverse("registry:detail", args=[business.pk]), staff),
        ("staff_continuity", reverse("registry:cohorts"), staff),
        ("worklist", reverse("registry:worklist"), staff),
        ("staff_reports_list", reverse("reports:list"), staff),
    ]


def remove_load_entries() -> int:
    """The progress entries the load run wrote (their note), and their history."""
    removed = ProgressEntry.objects.filter(note=LOAD_NOTE).delete()[0]
    ProgressEntry.history.filter(note=LOAD_NOTE).delete()
    return removed


def current_sizes() -> dict[str, int]:
    return {
        "commitments": Commitment.objects.filter(title__startswith=BENCH_PREFIX).count(),
        "entries": ProgressEntry.objects.filter(commitment__title__startswith=BENCH_PREFIX).count(),
        "businesses": HomeBusiness.objects.filter(reference_code__startswith="BN-").count(),
        "checks": ContinuityCheck.objects.filter(business__reference_code__startswith="BN-").count(),
        # A set built before «پایش‌نشده» existed has none: it differs, so it is rebuilt.
        "unchecked": HomeBusiness.objects.filter(reference_code__startswith="BN-", status="unchecked").count(),
    }


def build(sizes: Sizes, *, log=print) -> dict[str, int]:
    if connection.vendor != "postgresql":
        raise SystemExit("The benchmark data set is built in PostgreSQL: set DATABASE_URL=postgres://…")
    call_command("seed_kerman", verbosity=0)
    official, staff = bench_users()
    have = current_sizes()
    want = {
        "commitments": sizes.commitments,
        "entries": sizes.entries,
        "businesses": sizes.businesses,
        "checks": sizes.checks,
        "unchecked": sizes.unchecked,
    }
    if have == want:
        log(f"data set already built: {have}")
        return have
    if any(have.values()):
        log(f"data set differs ({have} != {want}); rebuilding")
        wipe()
    _build_commitments(sizes, staff)
    _build_rows(sizes, official, staff, log)
    fill_summaries(log)
    return current_sizes()


def fill_summaries(log=print) -> None:
    """The rows above are written with SQL, past the ORM that keeps the summary tables:
    fill them from the rows, as `check_summaries --repair` does."""
    log("summary tables")
    commitment_summaries.repair()
    registry_summaries.repair()
    with connection.cursor() as cur:
        # VACUUM too: freshly inserted rows are not yet all-visible, so the counts the
        # pages make (the review badge) could not use an index-only scan until autovacuum.
        # (VACUUM cannot run inside a transaction: ANALYZE alone there.)
        cur.execute("VACUUM ANALYZE" if connection.get_autocommit() else "ANALYZE")


def wipe() -> None:
    with connection.cursor() as cur:
        cur.execute(
            "DELETE FROM registry_continuitycheck WHERE business_id IN "
            "(SELECT id FROM registry_homebusiness WHERE reference_code LIKE 'BN-%%')"
        )
        cur.execute("DELETE FROM registry_homebusiness WHERE reference_code LIKE 'BN-%%'")
        # In SQL too: deleting through the ORM would rewrite the summaries once per
        # entry; build() fills them from the rows afterwards.
        cur.execute(
            "DELETE FROM commitments_progressentry WHERE commitment_id IN "
            "(SELECT id FROM commitments_commitment WHERE title LIKE %s)",
            [BENCH_PREFIX + "%"],
        )
    bench = Commitment.objects.filter(title__startswith=BENCH_PREFIX)
    Commitment.objects.filter(title__startswith=BENCH_PREFIX, parent__isnull=False).delete()
    bench.delete()


@transaction.atomic
def _build_commitments(sizes: Sizes, staff) -> None:
    program = Program.objects.get(name="برنامه توسعه مشاغل خانگی استان کرمان")
    orgs = [
        Organization.objects.get_or_create(name=f"{BENCH_PREFIX} بانک {n}", defaults={"kind": "bank"})[0]
        for n in range(1, 31)
    ]
    parents = sizes.commitments // 5
    signed = datetime.date(2023, 3, 21)
    made = []
    for p in range(parents):
        parent = Commitment.objects.create(
            program=program,
            organization=orgs[p % len(orgs)],
            title=f"{BENCH_PREFIX} تفاهم‌نامه {p + 1}",
            instrument="mou",
            status="signed",
            jobs_target=20_000,
            credit_amount=2_000_000_000_000,
            signed_on=signed,
            due_on=datetime.date(2028, 3, 19),
        )
        made.append(parent)
        for t in range(4):
            made.append(
                Commitment.objects.create(
                    program=program,
                    organization=orgs[p % len(orgs)],
                    parent=parent,
                    title=f"{BENCH_PREFIX} تفاهم‌نامه {p + 1} — بخش {t + 1}",
                    instrument="agreement",
                    status="in_execution",
                    jobs_target=4_000,
                    credit_amount=400_000_000_000,
                    signed_on=signed,
                    due_on=datetime.date(2027, 3, 20),
                )
            )
    through = Commitment.reporters.through
    through.objects.bulk_create([through(commitment_id=c.id, user_id=staff.id) for c in made])


def _build_rows(sizes: Sizes, official, staff, log) -> None:
    commitments = _ids(Commitment, title__startswith=BENCH_PREFIX)
    counties = _ids(County)
    sectors = _ids(Sector)
    params = {
        "commitments": commitments,
        "counties": counties,
        "sectors": sectors,
        "nc": len(commitments),
        "nk": len(counties),
        "ns": len(sectors),
        "official": official.id,
        "staff": staff.id,
    }
    with connection.cursor() as cur:
        log(f"progress entries: {sizes.entries:,}")
        cur.execute(
            """
            INSERT INTO commitments_progressentry
              (commitment_id, period_end, jobs_created, county_id, sector_id, credit_paid, note, evidence,
               status, review_note, is_baseline, entered_by_id, verified_by_id, verified_at, version,
               created_at, updated_at)
            SELECT (%(commitments)s::bigint[])[1 + i %% %(nc)s],
                   DATE '2023-03-21' + ((i * 7919) %% 1300),
                   1 + i %% 20,
                   (%(counties)s::bigint[])[1 + (i * 7) %% %(nk)s],
                   (%(sectors)s::bigint[])[1 + (i * 11) %% %(ns)s],
                   (i %% 50) * 10000000::bigint,
                   '', '',
                   CASE WHEN i %% 20 < 16 THEN 'verified' WHEN i %% 20 < 19 THEN 'submitted' ELSE 'rejected' END,
                   '', false, %(staff)s,
                   CASE WHEN i %% 20 < 16 OR i %% 20 = 19 THEN %(official)s END,
                   CASE WHEN i %% 20 < 16 OR i %% 20 = 19 THEN now() END,
                   1, now(), now()
            FROM generate_series(1, %(n)s) AS i
            """,
            {**params, "n": sizes.entries},
        )
        log(f"home businesses: {sizes.businesses:,}")
        # Every tenth business is never checked («پایش‌نشده»); the others get 3 checks, or
        # 4 when i is a multiple of 3, and take their last check's status: status(i, k).
        status_expr = (
            "CASE WHEN ((i * {k} * 37) %% 100) < 70 THEN 'active' "
            "WHEN ((i * {k} * 37) %% 100) < 85 THEN 'semi_closed' ELSE 'inactive' END"
        )
        last_check = "(3 + ({i} %% 3 = 0)::int)"
        cur.execute(
            f"""
            INSERT INTO registry_homebusiness
              (commitment_id, reference_code, county_id, sector_id, started_on, jobs, loan_amount, status, created_at)
            SELECT (%(commitments)s::bigint[])[1 + (i * 13) %% %(nc)s],
                   'BN-' || lpad(i::text, 8, '0'),
                   (%(counties)s::bigint[])[1 + (i * 3) %% %(nk)s],
                   (%(sectors)s::bigint[])[1 + (i * 5) %% %(ns)s],
                   DATE '2022-03-21' + ((i * 31) %% 1180),
                   1 + i %% 3,
                   (1 + i %% 30) * 50000000::bigint,
                   CASE WHEN i %% 10 = 0 THEN 'unchecked' ELSE {status_expr.format(k=last_check.format(i="i"))} END,
                   now()
            FROM generate_series(1, %(n)s) AS i
            """,
            {**params, "n": sizes.businesses},
        )
        log(f"continuity checks: {sizes.checks:,}")
        # Checks come late, as in the field: check k falls 95·k to 95·k + 39 days after the
        # start, so check 1 tells the 3-month status, check 2 the 6-month one, check 4
        # (when there is one) the 12-month one, and check 3 falls in no window.
        cur.execute(
            f"""
            INSERT INTO registry_continuitycheck
              (business_id, checked_on, status, reason, note, checked_by_id, created_at)
            SELECT b.id,
                   b.started_on + 95 * k + (b.i * k) %% 40,
                   s.status,
                   CASE WHEN s.status = 'active' THEN ''
                        ELSE (ARRAY['raw_materials','marketing','financing','training','other'])[1 + (b.i * k) %% 5]
                   END,
                   '', %(staff)s, now()
            FROM (SELECT id, started_on, substr(reference_code, 4)::int AS i
                  FROM registry_homebusiness WHERE reference_code LIKE 'BN-%%') AS b
            CROSS JOIN LATERAL generate_series(1, CASE WHEN b.i %% 10 = 0 THEN 0 ELSE {last_check.format(i="b.i")} END) AS k
            CROSS JOIN LATERAL (SELECT {status_expr.replace("i *", "b.i *").format(k="k")} AS status) AS s
            """,
            params,
        )
        log("ANALYZE")
        cur.execute("ANALYZE")


REMINDER_REPORTERS = 30  # each reports on a tenth of the bench commitments, with an address
MILESTONE_OFFSETS = (10, 3, 1, 0, -1, -3, -7, -8, -14, -21, -30, 15)  # days from the run's day


def ensure_reminder_set(run_on: datetime.date) -> dict[str, int]:
    """Reporters (with addresses) and milestones for the daily reminders run, added to the
    bench commitments without touching the rest of the set: each commitment gets one more
    reporter, and each top-level one a milestone due around `run_on` (10, 3, 1 days
    before, on the day, and 1 to 30 days overdue), so every stage of the run is met."""
    from commitments.models import Milestone

    User = get_user_model()
    staff_group = Group.objects.get_or_create(name=CHAMBER_STAFF_GROUP)[0]
    reporters = []
    for n in range(1, REMINDER_REPORTERS + 1):
        user, _ = User.objects.get_or_create(
            username=f"bench_reporter_{n}", defaults={"email": f"bench_reporter_{n}@example.com"}
        )
        user.groups.add(staff_group)
        reporters.append(user)
    commitments = list(Commitment.objects.filter(title__startswith=BENCH_PREFIX).order_by("id"))
    through = Commitment.reporters.through
    through.objects.bulk_create(
        [through(commitment_id=c.id, user_id=reporters[i % len(reporters)].id) for i, c in enumerate(commitments)],
        ignore_conflicts=True,
    )
    Milestone.objects.filter(title__startswith=BENCH_PREFIX).delete()
    parents = [c for c in commitments if c.parent_id is None]
    Milestone.objects.bulk_create(
        [
            Milestone(
                commitment=c,
                title=f"{BENCH_PREFIX} مهلت {i + 1}",
                responsible_id=c.organization_id,
                due_on=run_on + datetime.timedelta(days=MILESTONE_OFFSETS[i % len(MILESTONE_OFFSETS)]),
            )
            for i, c in enumerate(parents)
        ]
    )
    return {"reporters": len(reporters), "milestones": len(parents), "commitments": len(commitments)}
