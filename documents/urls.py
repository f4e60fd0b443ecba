from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("verify/", views.verify, name="verify"),
]
