from django.urls import path

from allegations import views

app_name = "allegations"
urlpatterns = [
    path("", views.allegation_list, name="list"),
    path("retention/", views.retention_list, name="retention"),
    path("staff/", views.staff_list, name="staff"),
    path("staff/new/", views.staff_create, name="staff_create"),
    path("incident/<int:pk>/", views.for_incident, name="for_incident"),
    path("incident/<int:pk>/new/", views.allegation_create, name="create"),
    path("incident/<int:pk>/people/<int:link_pk>/staff/", views.source_staff, name="source_staff"),
    path("<int:pk>/", views.allegation_detail, name="detail"),
    path("<int:pk>/status/", views.status_change, name="status"),
    path("<int:pk>/referrals/new/", views.referral_create, name="referral_create"),
    path("<int:pk>/retention/", views.retention_review, name="retention_review"),
    path("<int:pk>/family/", views.family_communication, name="family"),
    # Files on the safeguarding side only: the HR side keeps its papers with HR.
    path(
        "<int:pk>/safeguarding/evidence/new/",
        views.safeguarding_evidence_upload,
        name="safeguarding_evidence_upload",
    ),
    path(
        "<int:pk>/safeguarding/evidence/<int:evidence_pk>/",
        views.safeguarding_evidence_download,
        name="safeguarding_evidence_download",
    ),
]

# The two sides have the same pages under their own URLs (and URL names), so the
# permission matrix proves each one separately.
for _side in ("safeguarding", "hr"):
    _kw = {"side_name": _side}
    urlpatterns += [
        path(f"<int:pk>/{_side}/", views.side_detail, _kw, name=_side),
        path(f"<int:pk>/{_side}/owner/", views.side_update, _kw, name=f"{_side}_update"),
        path(f"<int:pk>/{_side}/entries/new/", views.entry_create, _kw, name=f"{_side}_entry"),
        path(
            f"<int:pk>/{_side}/decisions/new/",
            views.decision_create,
            _kw,
            name=f"{_side}_decision",
        ),
        path(
            f"<int:pk>/{_side}/entries/<int:item_pk>/amend/",
            views.amend,
            {**_kw, "target_kind": "entry"},
            name=f"{_side}_entry_amend",
        ),
        path(
            f"<int:pk>/{_side}/decisions/<int:item_pk>/amend/",
            views.amend,
            {**_kw, "target_kind": "decision"},
            name=f"{_side}_decision_amend",
        ),
    ]
