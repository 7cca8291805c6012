from csp.decorators import csp_update
from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import views

app_name = "api"

urlpatterns = [
    path("v1/commitments/", views.CommitmentList.as_view(), name="commitments"),
    path("v1/progress-entries/", views.ProgressEntryList.as_view(), name="progress-entries"),
    path("v1/businesses/", views.BusinessList.as_view(), name="businesses"),
    path("v1/continuity-checks/", views.ContinuityCheckCreate.as_view(), name="continuity-checks"),
    # The schema and its documentation are public: they describe, they hold no data.
    path("schema/", SpectacularAPIView.as_view(authentication_classes=[], permission_classes=[]), name="schema"),
    # Swagger UI draws its icons from data: images in its stylesheet; this page alone allows
    # them (images only: scripts and styles stay this site's files, as everywhere).
    path(
        "docs/",
        csp_update({"img-src": ["data:"]})(
            SpectacularSwaggerSplitView.as_view(
                url_name="api:schema", template_name="api/docs.html", authentication_classes=[], permission_classes=[]
            )
        ),
        name="docs",
    ),
]
