from django.urls import path

from . import views

app_name = "registry"

urlpatterns = [
    path("", views.business_list, name="list"),
    path("new/", views.business_create, name="create"),
    path("import/", views.business_import, name="import"),
    path("export/", views.business_export, name="export"),
    path("jobs/<int:pk>/", views.job_detail, name="job"),
    path("jobs/<int:pk>/status/", views.job_status, name="job_status"),
    path("jobs/<int:pk>/cancel/", views.job_cancel, name="job_cancel"),
    path("jobs/<int:pk>/download/", views.job_download, name="job_download"),
    path("cohorts/", views.cohorts, name="cohorts"),
    path("worklist/", views.worklist, name="worklist"),
    path("duplicates/", views.duplicates, name="duplicates"),
    path("<int:pk>/", views.business_detail, name="detail"),
    path("<int:pk>/checks/", views.check_create, name="check_create"),
]
