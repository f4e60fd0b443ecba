from django.urls import path

from . import statement_views, views

app_name = "donations"

urlpatterns = [
    path("give/<int:need_pk>/", views.pledge_create, name="give"),
    path("mine/", views.my_pledges, name="mine"),
    path("my-data/", views.my_data, name="my_data"),
    path("my-data/download/", views.my_data_download, name="my_data_download"),
    path("my-data/erase/", views.my_data_erase, name="my_data_erase"),
    path("profile/", views.donor_profile, name="profile"),
    path("accounts/school/<int:school_pk>/", views.receiving_account, name="receiving_account"),
    path("honour/", views.honour_index, name="honour_index"),
    path("honour/<int:unit_pk>/", views.honour_roll, name="honour"),
    path("transparency/", views.transparency_index, name="transparency_index"),
    path("transparency/<int:unit_pk>/", views.transparency_unit, name="transparency"),
    path("transparency/school/<int:school_pk>/", views.transparency_school, name="transparency_school"),
    path("statements/", statement_views.statement_upload, name="statements"),
    path("statements/<int:pk>/", statement_views.statement_preview, name="statement"),
    path("statements/<int:pk>/lines/<int:line>/", statement_views.statement_line, name="statement_line"),
    path("statements/<int:pk>/lines/<int:line>/unmatch/", statement_views.statement_unmatch, name="statement_unmatch"),
    path("statements/columns/<str:bank>/", statement_views.statement_columns, name="statement_columns"),
    path("statements/template/<str:bank>.<str:fmt>", statement_views.statement_template, name="statement_template"),
    path("pledges/<str:reference>/", views.pledge_detail, name="detail"),
    path("pledges/<str:reference>/cancel/", views.pledge_cancel, name="cancel"),
    path("pledges/<str:reference>/vietqr.png", views.pledge_vietqr_png, name="vietqr_png"),
    path("pledges/<str:reference>/receive/", views.pledge_receive, name="receive"),
    path("pledges/<str:reference>/letter.pdf", views.pledge_letter, name="letter"),
    path("funds/", views.fund_list, name="funds"),
    path("funds/new/", views.fund_create, name="fund_create"),
    path("funds/<slug:slug>/", views.fund_detail, name="fund"),
    path("funds/<slug:slug>/card.jpg", views.fund_card, name="fund_card"),
    path("funds/<slug:slug>/give/", views.fund_give, name="fund_give"),
    path("funds/<slug:slug>/edit/", views.fund_edit, name="fund_edit"),
    path("give/<int:need_pk>/lunches/", views.sponsor, name="sponsor"),
    path("pledges/<str:reference>/stop/", views.sponsorship_stop, name="sponsorship_stop"),
]

# Programme funds' allocation plans (donations.allocations), for the fund's office.
urlpatterns += [
    path("funds/<slug:slug>/plans/", views.fund_plans, name="fund_plans"),
    path("plans/<int:pk>/", views.plan_detail, name="plan"),
    path("plans/<int:pk>/approve/", views.plan_approve, name="plan_approve"),
    path("plans/<int:pk>/withdraw/", views.plan_withdraw, name="plan_withdraw"),
    path("plans/<int:pk>/reverse/", views.plan_reverse, name="plan_reverse"),
    path("plans/<int:pk>/decision.pdf", views.plan_decision, name="plan_decision"),
]
