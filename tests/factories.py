import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from commitments.models import Commitment, Milestone, ProgressEntry
from core.roles import CHAMBER_STAFF_GROUP, OFFICIALS_GROUP
from programs.models import County, Organization, Program, Sector
from registry.models import ContinuityCheck, HomeBusiness


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("pass-for-tests-1405")


def make_official(username="official"):
    user = UserFactory(username=username)
    user.groups.add(Group.objects.get_or_create(name=OFFICIALS_GROUP)[0])
    return user


def make_staff(username="staff"):
    user = UserFactory(username=username)
    user.groups.add(Group.objects.get_or_create(name=CHAMBER_STAFF_GROUP)[0])
    return user


class CountyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = County
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"شهرستان {n}")


class SectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sector
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"رسته {n}")


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"نهاد {n}")
    kind = "bank"


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program

    name = factory.Sequence(lambda n: f"برنامه {n}")
    jobs_target = 12_000
    starts_on = datetime.date(2024, 5, 21)
    ends_on = datetime.date(2028, 3, 19)
    owner = factory.SubFactory(OrganizationFactory)


class CommitmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commitment

    program = factory.SubFactory(ProgramFactory)
    organization = factory.SubFactory(OrganizationFactory)
    title = factory.Sequence(lambda n: f"تعهد {n}")
    instrument = "mou"
    status = "signed"
    jobs_target = 1_000
    signed_on = datetime.date(2024, 6, 4)
    due_on = datetime.date(2027, 3, 20)


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    commitment = factory.SubFactory(CommitmentFactory)
    title = factory.Sequence(lambda n: f"مهلت {n}")
    responsible = factory.SubFactory(OrganizationFactory)
    due_on = datetime.date(2027, 6, 26)


class ProgressEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressEntry

    commitment = factory.SubFactory(CommitmentFactory)
    period_end = datetime.date(2025, 6, 21)
    jobs_created = 10
    entered_by = factory.SubFactory(UserFactory)
    status = "submitted"


class HomeBusinessFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HomeBusiness

    commitment = factory.SubFactory(CommitmentFactory)
    reference_code = factory.Sequence(lambda n: f"HB-{n:06d}")
    county = factory.SubFactory(CountyFactory)
    sector = factory.SubFactory(SectorFactory)
    started_on = datetime.date(2025, 3, 21)
    jobs = 1
    # HomeBusinessFactory(owner_national_code="0012345679"): stored as the service stores it.
    owner_code_hash = factory.LazyAttribute(lambda o: _owner_fields(o.owner_national_code)["owner_code_hash"])
    owner_code_last3 = factory.LazyAttribute(lambda o: _owner_fields(o.owner_national_code)["owner_code_last3"])

    class Params:
        owner_national_code = ""


def _owner_fields(code: str) -> dict:
    from registry.services import owner_code_fields

    return owner_code_fields(code)


class ContinuityCheckFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContinuityCheck

    business = factory.SubFactory(HomeBusinessFactory)
    checked_on = datetime.date(2025, 9, 23)
    status = "active"
    reason = ""
