from django.contrib.auth import views as auth_views
from django.urls import include, path

from audits.dashboards import home
from chronology import public as chronology_public
from organisations.forms import SignInForm
from organisations.my_work import my_work
from organisations.welcome_views import welcome
from safeguard import health

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("", home, name="home"),
    path("my-work/", my_work, name="my_work"),
    # Anyone holding an export checks it here, without an account.
    path("check/", chronology_public.check, name="check"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            authentication_form=SignInForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("accounts/two-step/", include("organisations.mfa_urls")),
    path("accounts/welcome/<str:token>/", welcome, name="welcome"),
    path("organisation/", include("organisations.urls")),
    path("incidents/", include("incidents.urls")),
    path("disclosures/", include("disclosures.urls")),
    path("allegations/", include("allegations.urls")),
    path("notifications/", include("notifications.urls")),
    path("chronology/", include("chronology.urls")),
    path("audit/", include("audits.urls")),
    path("actions/", include("actions.urls")),
]

# A database outage gets a "service unavailable" page (503), not a 500.
handler500 = "safeguard.unavailable.server_error"
handler400 = "safeguard.unavailable.bad_request"
# One page for a missing record and one the user may not see (never a different answer).
handler404 = "organisations.denials.page_not_found"
