from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("registers/", views.registers, name="registers"),
    path("registers/<str:kind>/<int:pk>/", views.register, name="register"),
    path("issued/<int:pk>/", views.issued_pdf, name="issued_pdf"),
    path("issued/<int:pk>/sign/", views.sign_again, name="sign_again"),
    path("signers/<str:kind>/<int:pk>/", views.signers, name="signers"),
    path("signers/<int:pk>/edit/", views.signer_edit, name="signer_edit"),
    path("signers/<int:pk>/active/", views.signer_active, name="signer_active"),
    path("verify/", views.verify, name="verify"),
]
