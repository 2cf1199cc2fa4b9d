from django.urls import path

from organisations import mfa_views

app_name = "mfa"
urlpatterns = [
    path("", mfa_views.manage, name="manage"),
    path("set-up/", mfa_views.enrol, name="enrol"),
    path("verify/", mfa_views.verify, name="verify"),
    path("confirm/", mfa_views.reauth, name="reauth"),
    path("recovery-codes/", mfa_views.recovery_codes, name="recovery_codes"),
]
