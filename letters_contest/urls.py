from django.urls import path

from . import views

app_name = "letters_contest"

urlpatterns = [
    path("", views.contest_home, name="home"),
    path("new/", views.round_create, name="round_create"),
    path("<int:pk>/judges/", views.judges, name="judges"),
    path("<int:pk>/", views.round_detail, name="round"),
    path("<int:pk>/dates/", views.round_dates, name="round_dates"),
    path("<int:pk>/entries/", views.entry_list, name="entries"),
    path("<int:pk>/entries/new/", views.entry_create, name="entry_create"),
    path("<int:pk>/entries/<int:entry_pk>/", views.entry_detail, name="entry"),
    path("<int:pk>/entries/<int:entry_pk>/letter/", views.entry_letter, name="entry_letter"),
    path("<int:pk>/entries/<int:entry_pk>/withdraw/", views.entry_withdraw, name="entry_withdraw"),
    path("<int:pk>/entries/<int:entry_pk>/certificate.pdf", views.certificate, name="certificate"),
    path("<int:pk>/judging/", views.judging_list, name="judging"),
    path("<int:pk>/judging/<int:entry_pk>/", views.judging_entry, name="judging_entry"),
    path("<int:pk>/judging/<int:entry_pk>/letter/", views.judging_letter, name="judging_letter"),
    path("<int:pk>/rankings/", views.rankings, name="rankings"),
    path("<int:pk>/results/", views.results, name="results"),
    path("<int:pk>/participation/", views.participation_view, name="participation"),
]
