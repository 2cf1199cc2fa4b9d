from django.urls import path

from disclosures import views

app_name = "disclosures"
urlpatterns = [
    path("incident/<int:pk>/", views.incident_log, name="incident_log"),
    path("incident/<int:pk>/new/", views.decision_create, name="create"),
    path("<int:pk>/", views.decision_detail, name="detail"),
    path("<int:pk>/amend/", views.decision_amend, name="amend"),
    path("<int:pk>/review/", views.review_create, name="review"),
    path("<int:pk>/evidence/new/", views.decision_evidence_upload, name="evidence_upload"),
    path(
        "<int:pk>/evidence/<int:evidence_pk>/",
        views.decision_evidence_download,
        name="evidence_download",
    ),
    path("person/<int:pk>/", views.person_register, name="person_register"),
    path("reviews/", views.reviews_due, name="reviews_due"),
]
