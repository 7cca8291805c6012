"""«اعلان‌ها»: one's own notices (opening one marks it read and goes where the work is),
and «تنظیمات اعلان»: e-mail at once, a daily digest or none, per kind."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from core.forms import add_service_errors

from . import selectors, services
from .forms import PreferencesForm


@login_required
def notification_list(request):
    notices = list(selectors.notifications_of(request.user)[: selectors.LIST_LIMIT])
    return render(
        request,
        "notifications/list.html",
        {"notices": notices, "unread": sum(1 for n in notices if n.read_at is None), "limit": selectors.LIST_LIMIT},
    )


@login_required
def notification_open(request, pk: int):
    notification = services.notification_open(user=request.user, pk=pk)
    url = notification.url
    if not url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        url = "/notifications/"
    return redirect(url)


@login_required
@require_POST
def mark_all_read(request):
    services.notifications_mark_all_read(user=request.user)
    messages.success(request, "همهٔ اعلان‌ها خوانده شد.")
    return redirect("notifications:list")


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    form = PreferencesForm(request.POST or None, initial_channels=services.preferences_of(request.user))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.preferences_set(user=request.user, channels=form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
                status = 400
            else:
                messages.success(request, "تنظیمات اعلان ذخیره شد.")
                return redirect("notifications:settings")
        else:
            status = 400
    return render(
        request,
        "notifications/settings.html",
        {"form": form, "has_email": bool(request.user.email)},
        status=status,
    )
