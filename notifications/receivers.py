"""How the apps below tell this one that facts were recorded: ``post_save``
receivers, run in the same transaction as the write (so a notification exists
exactly when its facts do, and a refused write leaves none). Chosen over a
registry in the lower apps because every fact that matters is a row saved
through those apps' services, and a receiver needs no change to them."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save

from allegations.models import Allegation, AllegationTransition, HREntry, Referral
from incidents.models import Incident


def _incident_saved(sender: Any, instance: Incident, created: bool, raw: bool, **kw: Any) -> None:
    from notifications import services

    if created and not raw:
        services.ensure_for_incident(instance)


def _allegation_saved(
    sender: Any, instance: Allegation, created: bool, raw: bool, **kw: Any
) -> None:
    from notifications import services

    if created and not raw:
        services.ensure_for_allegation(instance)


def _hr_entry_saved(sender: Any, instance: HREntry, created: bool, raw: bool, **kw: Any) -> None:
    from notifications import rules, services

    if created and not raw and instance.interim_measure in rules.REMOVAL_MEASURES:
        services.ensure_for_allegation(instance.record.allegation)


def _transition_saved(
    sender: Any, instance: AllegationTransition, created: bool, raw: bool, **kw: Any
) -> None:
    from notifications import services

    if created and not raw and instance.outcome:
        services.ensure_for_allegation(instance.allegation)


def _referral_saved(sender: Any, instance: Referral, created: bool, raw: bool, **kw: Any) -> None:
    from notifications import services

    if created and not raw and not services.writing_own_referral():
        services.satisfy_from_referral(instance)


def connect() -> None:
    post_save.connect(_incident_saved, sender=Incident, dispatch_uid="notif_incident")
    post_save.connect(_allegation_saved, sender=Allegation, dispatch_uid="notif_allegation")
    post_save.connect(_hr_entry_saved, sender=HREntry, dispatch_uid="notif_hr_entry")
    post_save.connect(_transition_saved, sender=AllegationTransition, dispatch_uid="notif_trans")
    post_save.connect(_referral_saved, sender=Referral, dispatch_uid="notif_referral")


def disconnect() -> None:
    """For tests that build records as they were before notifications existed."""
    for uid, sender in (
        ("notif_incident", Incident),
        ("notif_allegation", Allegation),
        ("notif_hr_entry", HREntry),
        ("notif_trans", AllegationTransition),
        ("notif_referral", Referral),
    ):
        post_save.disconnect(sender=sender, dispatch_uid=uid)
