from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("registers/", views.registers, name="registers"),
    path("registers/<str:kind>/<int:pk>/", views.register, name="register"),
    path("issued/<int:pk>/", views.issued_pdf, name="issued_pdf"),
    path("verify/", views.verify, name="verify"),
]
