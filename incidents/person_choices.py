"""Choices of adults that stay small at any size of organisation.

A form that picks adults from those the user may see (logging an incident, the
audit trail's filter) used to list every one of them: at 100,000 incidents a
lead's "Log incident" page held 25,000 checkboxes (5.7 MB, 16 s to render) and
the audit trail's filter a 25,000-option select (1.2 MB, 3.8 s). Up to
``SHOW_ALL_UP_TO`` candidates are still all listed (forms.js filters them as
the user types); beyond that the list holds the adults already chosen and those
whose name contains what the user searched for (at most ``MATCHES``, by name),
and the form asks for a name (each word typed must be part of a given, family or
preferred name).

What may be *chosen* is unchanged: the field's queryset stays every candidate,
so validation accepts any adult the user may see and nothing else; only what
is *listed* is narrowed (the widget's choices).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import Q, QuerySet

from incidents.models import Person
from organisations.audit import log_listed
from organisations.paging import capped_count

SHOW_ALL_UP_TO = 200  # candidates listed in full up to this many
MATCHES = 50  # a name search lists at most this many
TERM_MAX = 100  # characters of a name search that are used


@dataclass(frozen=True)
class Offer:
    """What a person field lists, for the page to explain it."""

    narrowed: bool = False  # more candidates than are listed: a name search lists them
    term: str = ""  # the name searched for ("" for none)
    matches: int = 0  # candidates matching ``term`` that are listed
    more: bool = False  # more than ``MATCHES`` matched: the rest are not listed
    listed: tuple[Person, ...] = ()  # the adults listed, when narrowed (for the audit trail)

    @property
    def searched(self) -> bool:
        return bool(self.term)


def person_label(person: Person) -> str:
    """How a form lists an adult: their name, and their date of birth when it
    is known, so that two adults of the same name can be told apart."""
    if person.date_of_birth is None:
        return person.full_name
    return f"{person.full_name} (born {person.date_of_birth.day} {person.date_of_birth:%b %Y})"


class PersonField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return person_label(obj)


class PeopleField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return person_label(obj)


def clean_term(raw: Any) -> str:
    """A name search as typed, made safe to query (PostgreSQL text holds no NUL)."""
    return str(raw or "").replace("\x00", "").strip()[:TERM_MAX]


def _ids(values: Iterable[Any]) -> set[int]:
    """The primary keys among ``values`` (ids or instances, as posted): anything
    that is not a plain number a key can hold is ignored, not an error (a forged
    "²" or a 5,000-digit number)."""
    out = set()
    for value in values:
        text = str(getattr(value, "pk", value) or "").strip()
        if text.isascii() and text.isdigit() and len(text) <= 18:
            out.add(int(text))
    return out


def offer_people(
    field: forms.ModelChoiceField,
    candidates: QuerySet[Person],
    *,
    selected: Iterable[Any] = (),
    term: str = "",
    empty_label: str | None = None,
) -> Offer:
    """Set ``field`` to choose from ``candidates`` (every one may be chosen)
    and list a bounded number of them: all up to ``SHOW_ALL_UP_TO``, else the
    ``selected`` ones (ids or instances; anything else is ignored) and up to
    ``MATCHES`` with each word of ``term`` in their given, family or preferred
    name. ``empty_label`` heads a select's list (a multiple choice has none).
    Three queries at most, whatever the number of candidates."""
    ordered = candidates.order_by("family_name", "given_name", "pk")
    field.queryset = ordered
    if not capped_count(ordered, SHOW_ALL_UP_TO).more:
        return Offer()
    term = clean_term(term)
    keep = _ids(selected)
    matched: list[int] = []
    if term:
        # Each word in a given, family or preferred name: "aisha smi" finds Aisha Smith.
        names = Q()
        for word in term.split()[:5]:
            names &= (
                Q(given_name__ilike_contains=word)
                | Q(family_name__ilike_contains=word)
                | Q(preferred_name__ilike_contains=word)
            )
        matched = list(ordered.filter(names).values_list("pk", flat=True)[: MATCHES + 1])
    more = len(matched) > MATCHES
    matched = matched[:MATCHES]
    listed = ordered.filter(pk__in=keep | set(matched)) if keep or matched else ordered.none()
    choices: list[tuple[Any, str]] = [] if empty_label is None else [("", empty_label)]
    shown = tuple(listed)
    choices += [(person.pk, field.label_from_instance(person)) for person in shown]
    field.widget.choices = choices
    return Offer(narrowed=True, term=term, matches=len(matched), more=more, listed=shown)


def log_found(offer: Offer) -> None:
    """A page that lists adults found by name is logged like the people search:
    the ids shown and a fingerprint of the name typed, never the name."""
    if offer.searched:
        log_listed(Person, offer.listed, view="person_search", query={"q": offer.term})
