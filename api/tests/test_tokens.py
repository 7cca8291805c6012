"""Tokens: made by the command or the admin and shown once, stored only as a SHA-256,
revoked from the admin; each organisation writes as its own technical user."""

from __future__ import annotations

import hashlib
import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse

from api.models import ApiToken
from api.services import api_token_create, technical_user_for
from commitments.selectors import commitments_of_organization, commitments_reportable_by, commitments_visible_to
from core.roles import api_organization_id
from programs.models import Organization


def test_command_prints_the_token_once_on_its_own_line(province):
    out, err = io.StringIO(), io.StringIO()

    call_command("create_api_token", "--organization", "بانک رسالت", "--days", "365", stdout=out, stderr=err)

    lines = out.getvalue().splitlines()
    assert len(lines) == 1 and re.fullmatch(r"[A-Za-z0-9_-]{43}", lines[0])
    raw = lines[0]
    token = ApiToken.objects.filter(organization__name="بانک رسالت").latest("id")
    assert token.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in {getattr(token, f.attname) for f in ApiToken._meta.concrete_fields}
    assert token.prefix == raw[:8]
    assert 364 <= (token.expires_at - token.created_at).days <= 365
    assert "یک بار" in err.getvalue()


def test_command_refuses_an_unknown_organisation_and_a_bad_term(province):
    with pytest.raises(CommandError, match="دستگاهی به نام «بانک ملی» نیست"):
        call_command("create_api_token", "--organization", "بانک ملی", stdout=io.StringIO())
    with pytest.raises(CommandError, match="مدت اعتبار"):
        call_command("create_api_token", "--organization", "بانک رسالت", "--days", "0", stdout=io.StringIO())


def test_admin_shows_the_new_token_once_and_revokes(province, client):
    admin_client = client
    admin_client.force_login(get_user_model().objects.get(username="admin"))  # seed_kerman's superuser
    organization = Organization.objects.get(name="بنیاد برکت")
    answer = admin_client.post(
        reverse("admin:api_apitoken_add"),
        {"organization": organization.pk, "name": "سامانهٔ وام", "days": "۳۰"},
        follow=True,
    )
    assert answer.status_code == 200
    token = ApiToken.objects.get(name="سامانهٔ وام")
    shown = re.search(r'<code dir="ltr" class="api-token">([^<]+)</code>', answer.content.decode()).group(1)
    assert hashlib.sha256(shown.encode()).hexdigest() == token.token_hash
    # Not again: the list and the token's own page show its prefix only.
    for url in (reverse("admin:api_apitoken_changelist"), reverse("admin:api_apitoken_change", args=[token.pk])):
        assert shown not in admin_client.get(url).content.decode()

    admin_client.post(
        reverse("admin:api_apitoken_changelist"), {"action": "revoke", "_selected_action": [token.pk]}, follow=True
    )
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_technical_user_cannot_log_in_and_is_scoped_to_its_organisation(province):
    barakat = Organization.objects.get(name="بنیاد برکت")
    user = technical_user_for(barakat)

    assert user.get_full_name() == "توکن API — بنیاد برکت"
    assert not user.has_usable_password() and not user.is_staff and not user.is_superuser
    assert technical_user_for(barakat) == user  # one per organisation
    assert api_organization_id(user) == barakat.pk
    assert list(commitments_visible_to(user)) == [province.barakat_tranche]
    assert list(commitments_reportable_by(user)) == [province.barakat_tranche]
    # Its name alone is no pass: a person called so, outside the API's group, is nobody's client.
    impostor = get_user_model().objects.create_user(f"api-org-{barakat.pk}x")
    assert api_organization_id(impostor) is None
    assert not user.check_password("") and not user.check_password(user.username)


def test_scope_rule_partner_with_own_tranche_acts_on_the_tranche(province):
    resalat, barakat, gohar, chamber = (
        Organization.objects.get(name=n) for n in ("بانک رسالت", "بنیاد برکت", "گهرزمین", "اتاق بازرگانی کرمان")
    )
    assert set(commitments_of_organization(resalat.pk)) == {
        province.resalat_mou,
        province.barakat_tranche,
        province.resalat_pledge,
    }
    assert list(commitments_of_organization(barakat.pk)) == [province.barakat_tranche]
    assert list(commitments_of_organization(gohar.pk)) == [province.gohar_mou]
    # A partner without a tranche of its own sees the commitments it is partner in.
    assert province.gohar_mou in commitments_of_organization(chamber.pk)
    assert commitments_of_organization(chamber.pk).count() == 3


def test_tokens_are_stored_hashed_only(province):
    new = api_token_create(actor=None, organization=Organization.objects.get(name="گهرزمین"), days=None)
    assert new.token.expires_at is None
    stored = ApiToken.objects.filter(pk=new.token.pk).values().get()
    assert new.raw not in [str(v) for v in stored.values()]
