from django.urls import path

from . import views

app_name = "needs"

urlpatterns = [
    path("", views.need_list, name="list"),
    path("queue/", views.verification_queue, name="queue"),
    path("my-school/", views.my_school, name="my_school"),
    path("new/<int:school_pk>/", views.need_create, name="create"),
    path("<int:pk>/", views.need_detail, name="detail"),
    path("<int:pk>/card.jpg", views.need_card, name="card"),
    path("<int:pk>/edit/", views.need_edit, name="edit"),
    path("<int:pk>/photos/<int:photo_pk>/delete/", views.need_photo_delete, name="photo_delete"),
    path("<int:pk>/photos/<int:photo_pk>/original/", views.photo_original, name="photo_original"),
    path("<int:pk>/events/<int:event_pk>/attachment/", views.event_attachment, name="event_attachment"),
    path("<int:pk>/photos/<int:photo_pk>/check/", views.photo_check, name="photo_check"),
    path("<int:pk>/<slug:action>/", views.need_act, name="act"),
]
