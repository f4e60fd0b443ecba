from django.urls import path

from . import views

app_name = "trust"

urlpatterns = [
    path("needs/<int:pk>/dismiss/", views.signal_dismiss, name="dismiss"),
]
