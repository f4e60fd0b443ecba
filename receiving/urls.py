from django.urls import path

from . import views

app_name = "receiving"

urlpatterns = [
    # ---- The receiving team, usage plans and their comments ----
    path("schools/<int:school_pk>/team/", views.team, name="team"),
    path("needs/<int:need_pk>/plan/", views.plan, name="plan"),
    path("needs/<int:need_pk>/comment/", views.comment, name="comment"),
    path("comments/", views.moderation, name="moderation"),
    path("comments/<int:pk>/moderate/", views.comment_moderate, name="comment_moderate"),
    # (end of the team and plan section)
    #
    #
    #
    # ---- Receipt records and settlement reports ----
    # (end of the records section)
]
