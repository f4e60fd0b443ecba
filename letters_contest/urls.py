from django.urls import path

from . import views

app_name = "letters_contest"

urlpatterns = [
    path("", views.contest_home, name="home"),
    path("<int:pk>/", views.round_detail, name="round"),
    path("<int:pk>/entries/", views.entry_list, name="entries"),
    path("<int:pk>/entries/new/", views.entry_create, name="entry_create"),
    path("<int:pk>/entries/<int:entry_pk>/", views.entry_detail, name="entry"),
    path("<int:pk>/entries/<int:entry_pk>/letter/", views.entry_letter, name="entry_letter"),
    path("<int:pk>/entries/<int:entry_pk>/withdraw/", views.entry_withdraw, name="entry_withdraw"),
]
