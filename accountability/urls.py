from django.urls import path

from . import views

app_name = "public"

urlpatterns = [
    path("", views.index, name="index"),
    path("commitments/<int:pk>/", views.commitment, name="commitment"),
    path("feed/", views.feed, name="feed"),
    path("snapshots/<int:pk>.csv", views.snapshot_csv, name="snapshot_csv"),
]
