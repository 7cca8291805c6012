from django.urls import path

from . import business_views as views

app_name = "businesses"

urlpatterns = [
    path("", views.business_list, name="list"),
]
