from django.urls import path

from . import dashboard, views

app_name = "reports"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("reports/", views.report_list, name="list"),
    path("reports/request/", views.report_request, name="request"),
    path("reports/status/", views.report_status, name="status"),
    path("reports/<int:pk>/retry/", views.report_retry, name="retry"),
    path("reports/<int:pk>/<str:fmt>/", views.report_download, name="download"),
    path("milestones/<int:pk>/done/", views.milestone_done, name="milestone_done"),
]
