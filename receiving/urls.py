# ruff: noqa: F401  (the two sections fill in; the noqa goes when they do)
from django.urls import path

from . import views

app_name = "receiving"

urlpatterns = [
    # ---- The receiving team, usage plans and their comments ----
    # (end of the team and plan section)
    #
    #
    #
    # ---- Receipt records and settlement reports ----
    # (end of the records section)
]
