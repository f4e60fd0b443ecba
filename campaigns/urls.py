from django.urls import path

from . import views

app_name = "campaigns"

urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("<slug:slug>/", views.campaign_detail, name="detail"),
    path("<slug:slug>/plan/", views.plan, name="plan"),
    path("<slug:slug>/tasks/<int:pk>/status/", views.task_status, name="task_status"),
    path("<slug:slug>/events/<int:pk>/", views.event_detail, name="event"),
    path("<slug:slug>/events/<int:pk>/plan.pdf", views.event_plan, name="event_plan"),
    path("<slug:slug>/events/<int:pk>/plan/issue/", views.event_plan_issue, name="event_plan_issue"),
    path("<slug:slug>/reviews/", views.review_list, name="reviews"),
    path("<slug:slug>/reviews/<int:pk>/", views.review_detail, name="review"),
    path("<slug:slug>/reviews/<int:pk>/document.pdf", views.review_document, name="review_document"),
]
