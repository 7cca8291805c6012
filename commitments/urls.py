from django.urls import path

from . import views

app_name = "commitments"

urlpatterns = [
    path("commitments/<int:pk>/", views.commitment_detail, name="detail"),
    path("commitments/<int:pk>/public/", views.commitment_set_public, name="set_public"),
    path("commitments/<int:pk>/progress/new/", views.entry_create, name="entry_create"),
    path("progress/<int:pk>/", views.entry_detail, name="entry"),
    path("progress/<int:pk>/evidence/", views.entry_evidence, name="entry_evidence"),
    path("progress/<int:pk>/verify/", views.entry_verify, name="entry_verify"),
    path("progress/<int:pk>/return/", views.entry_return, name="entry_return"),
    path("progress/<int:pk>/reopen/", views.entry_reopen, name="entry_reopen"),
    path("review/", views.review_queue, name="review_queue"),
]
