"""Each app's pages under its own prefix; the dashboard at / belongs to reports. The health
probe belongs to the project: it checks the parts the apps stand on, not the apps."""

from django.contrib import admin
from django.urls import include, path

from core.views import glossary_page
from kerman_jobs import health

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("glossary/", glossary_page, name="glossary"),
    path("businesses/", include("registry.urls")),
    # No login: the public accountability pages (accountability/).
    path("public/", include("accountability.urls")),
    path("api/", include("api.urls")),
    path("notifications/", include("notifications.urls")),
    path("", include("reports.urls")),
    path("", include("commitments.urls")),
]
