from django.urls import path

from . import views

app_name = "dashboard"

urlpatterns = [
    path("", views.dashboard_view, name="home"),
    path("needs/", views.dashboard_needs, name="needs"),
    path("pledges/", views.dashboard_pledges, name="pledges"),
    path("export/<slug:table>.<str:fmt>", views.dashboard_export, name="export"),
    path("digests/", views.digest_archive, name="digests"),
    path("audit/", views.audit_trail, name="audit"),
    path("digests/preview/", views.digest_preview, name="digest_preview"),
    path("digests/<int:pk>/", views.digest_show, name="digest"),
]
