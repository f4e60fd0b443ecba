from django.urls import path

from . import dashboard_views as views

app_name = "dashboard"

urlpatterns = [
    path("", views.dashboard_view, name="home"),
    path("needs/", views.dashboard_needs, name="needs"),
    path("pledges/", views.dashboard_pledges, name="pledges"),
    path("export/<slug:table>.<str:fmt>", views.dashboard_export, name="export"),
]
