"""Pages of the yearly figures (Vietnamese paths: what officers see in the bar)."""

from __future__ import annotations

from django.urls import path

from indicators import views_entry, views_review

app_name = "indicators"
urlpatterns: list = [
    path("so-lieu/", views_entry.entry_index, name="entry_index"),
    path("so-lieu/<int:year>/<str:unit_code>/", views_entry.entry_open, name="entry_open"),
    path("bao-cao/<int:pk>/", views_entry.submission_detail, name="submission"),
    path("bao-cao/<int:pk>/bieu-mau.xlsx", views_entry.template_download, name="template"),
    path("bao-cao/<int:pk>/tai-len/", views_entry.figures_upload, name="upload"),
    path("tep-tai-len/<int:pk>/", views_entry.upload_download, name="upload_download"),
    path("bao-cao/<int:pk>/hoat-dong/them/", views_entry.activity_create, name="activity_create"),
    path("hoat-dong/<int:pk>/sua/", views_entry.activity_edit, name="activity_edit"),
    path("hoat-dong/<int:pk>/xoa/", views_entry.activity_delete, name="activity_delete"),
    path("bao-cao/<int:pk>/xem-xet/", views_review.review_action, name="review_action"),
    path("xem-xet/", views_review.review_latest, name="review_latest"),
    path("xem-xet/<int:year>/", views_review.review_queue, name="review_queue"),
    path("tien-do/", views_review.completeness_latest, name="completeness_latest"),
    path("tien-do/<int:year>/", views_review.completeness, name="completeness"),
    path("ky-bao-cao/", views_review.periods, name="periods"),
    path("ky-bao-cao/<int:year>/", views_review.period_action, name="period_action"),
]
