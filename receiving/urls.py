from django.urls import path

from . import views

app_name = "receiving"

urlpatterns = [
    # The receiving team, usage plans and their comments
    path("schools/<int:school_pk>/team/", views.team, name="team"),
    path("needs/<int:need_pk>/plan/", views.plan, name="plan"),
    path("needs/<int:need_pk>/comment/", views.comment, name="comment"),
    path("comments/", views.moderation, name="moderation"),
    path("comments/<int:pk>/moderate/", views.comment_moderate, name="comment_moderate"),
    # Receipt records and settlement reports
    path("records/issue/<str:reference>/", views.record_issue, name="record_issue"),
    path("records/<int:pk>/pdf/", views.record_pdf, name="record_pdf"),
    path("settlements/need/<int:need_pk>/", views.settlement_edit, name="settlement_edit"),
    path("settlements/need/<int:need_pk>/publish/", views.settlement_publish, name="settlement_publish"),
    path("settlements/<int:pk>/pdf/", views.settlement_pdf, name="settlement_pdf"),
]
