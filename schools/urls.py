from django.urls import path

from . import views

app_name = "schools"

urlpatterns = [
    path("", views.school_list, name="list"),
    path("mine/", views.my_school, name="mine"),
    path("<int:pk>/", views.school_detail, name="detail"),
    path("<int:pk>/edit/", views.school_edit, name="edit"),
    path("<int:pk>/confirm/", views.school_confirm, name="confirm"),
    path("<int:pk>/sites/new/", views.site_create, name="site_create"),
    path("<int:pk>/sites/<int:site_pk>/edit/", views.site_edit, name="site_edit"),
    path("<int:pk>/sites/<int:site_pk>/delete/", views.site_delete, name="site_delete"),
]
