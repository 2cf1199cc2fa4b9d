from django.urls import path

from incidents import pattern_views, views

app_name = "incidents"
urlpatterns = [
    path("", views.incident_list, name="list"),
    path("new/", views.incident_create, name="create"),
    path("<int:pk>/", views.incident_detail, name="detail"),
    path("<int:pk>/entries/new/", views.entry_create, name="entry_create"),
    path("<int:pk>/entries/<int:entry_pk>/amend/", views.entry_amend, name="entry_amend"),
    path(
        "<int:pk>/entries/<int:entry_pk>/evidence/new/",
        views.evidence_upload,
        name="evidence_upload",
    ),
    path("<int:pk>/entries/<int:entry_pk>/body-map/", views.body_map, name="body_map"),
    path("<int:pk>/evidence/<int:evidence_pk>/", views.evidence_download, name="evidence_download"),
    path("<int:pk>/status/", views.status_change, name="status_change"),
    path("<int:pk>/need-to-know/", views.need_to_know, name="need_to_know"),
    path(
        "<int:pk>/need-to-know/<int:grant_pk>/revoke/",
        views.need_to_know_revoke,
        name="need_to_know_revoke",
    ),
    path("<int:pk>/restrict/", views.restrict, name="restrict"),
    path("<int:pk>/people/", views.person_links, name="person_links"),
    path("<int:pk>/people/new/", views.person_link_create, name="person_link_create"),
    path("patterns/", pattern_views.pattern_alerts, name="pattern_alerts"),
    path("patterns/settings/", pattern_views.pattern_settings, name="pattern_settings"),
    path("patterns/<str:kind>/<int:key>/", pattern_views.pattern_review, name="pattern_review"),
    path("people/", views.person_list, name="person_list"),
    path("people/others/<int:pk>/", views.linked_person_detail, name="linked_person_detail"),
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
]
