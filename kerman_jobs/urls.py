"""Each app's pages under its own prefix; the dashboard at / belongs to reports."""

from django.contrib import admin
from django.urls import include, path

from core.views import glossary_page

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("glossary/", glossary_page, name="glossary"),
    path("businesses/", include("registry.urls")),
    path("", include("reports.urls")),
    path("", include("commitments.urls")),
]
