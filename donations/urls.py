from django.urls import path

from . import views

app_name = "donations"

urlpatterns = [
    path("give/<int:need_pk>/", views.pledge_create, name="give"),
    path("mine/", views.my_pledges, name="mine"),
    path("statements/", views.statement_upload, name="statements"),
    path("statements/<int:pk>/", views.statement_preview, name="statement"),
    path("pledges/<str:reference>/", views.pledge_detail, name="detail"),
    path("pledges/<str:reference>/cancel/", views.pledge_cancel, name="cancel"),
    path("pledges/<str:reference>/receive/", views.pledge_receive, name="receive"),
    path("pledges/<str:reference>/letter.pdf", views.pledge_letter, name="letter"),
]
