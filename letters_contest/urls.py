from django.urls import path

from . import result_views, views

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
    path("<int:pk>/rankings/", result_views.rankings, name="rankings"),
    path("<int:pk>/results/", result_views.results_page, name="results"),
    path("<int:pk>/participation/", views.participation_view, name="participation"),
]

# The national round (letters_contest.national_views), by edition number.
from . import national_views  # noqa: E402  (kept with its patterns, apart from the provincial round's)

urlpatterns += [
    path("national/<int:number>/", national_views.national_detail, name="national"),
    path("national/<int:number>/open/", national_views.national_open, name="national_open"),
    path("national/<int:number>/people/", national_views.national_people, name="national_people"),
    path("national/<int:number>/forward/<int:round_pk>/", national_views.national_forward, name="national_forward"),
    path("national/<int:number>/judging/", national_views.national_judging, name="national_judging"),
    path(
        "national/<int:number>/judging/<int:pk>/", national_views.national_judging_entry, name="national_judging_entry"
    ),
    path(
        "national/<int:number>/judging/<int:pk>/letter/",
        national_views.national_judging_letter,
        name="national_judging_letter",
    ),
    path("national/<int:number>/ranking/", national_views.national_ranking, name="national_ranking"),
    path("national/<int:number>/results/", national_views.national_results, name="national_results"),
]
