"""The calls the rest of the project makes to put something into the audit trail.

This module sits at the bottom of the dependency graph: it imports only Django
and django-auditlog, never the ``audits`` app that stores and chains entries
(``auditlog.get_logentry_model()`` finds that model through settings).

- ``log_access(obj, view=...)``: a person opened a record. Call it in every view
  of a sensitive record (incident, chronology, decision, allegation record,
  timeline, export). The ``view`` name is stored on the entry.
- ``log_event(event, target=..., view=...)``: something that is not a save of a
  registered model: login, logout, a failed login, an export, opening a
  register or list. ``target`` is the object concerned, or the model class
  for a list/register.
- ``log_listed(model, rows, view=..., query=...)``: a list or search page showed
  ``rows``. One ACCESS entry on the model naming the ids shown (never their
  text), the page number and a fingerprint of the query string, so a search
  cannot be used to read records page by page without trace.
- ``acting_as(user)``: attribute the writes inside to ``user`` (demo data,
  commands). Unlike auditlog's ``set_actor`` it nests: the outer actor is
  restored when the inner block ends.
- ``command_actor(name, username)``: run a management command's writes as a
  named user, or as "system" when ``username`` is empty.

Saves of models registered with auditlog (in each app's ``apps.py``) are logged
automatically; nothing else is needed for creates and changes. Never put record
text into ``details``: it is stored as given (keys and short values only).
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator, Mapping
from typing import Any

from auditlog import get_logentry_model
from auditlog.context import auditlog_value, set_actor
from auditlog.signals import accessed

from organisations.models import Actor

# Where an entry comes from when there is no request: "command:<name>".
_source: contextvars.ContextVar[str] = contextvars.ContextVar("safeguard_audit_source", default="")

EVENTS = ("access", "export", "login", "logout", "login_failed")


def current_source() -> str:
    return _source.get()


def log_access(obj: Any, *, view: str) -> None:
    """Record that the current user (from the request context) opened ``obj``
    through ``view`` (e.g. "incident", "register", "export")."""
    accessed.send(sender=obj.__class__, instance=obj, view=view)


def log_event(
    event: str,
    *,
    target: Any,
    view: str = "",
    actor: Actor | None = None,
    organisation_id: int | None = None,
    details: Mapping[str, str | int | bool | list[int] | None] | None = None,
    fingerprints: Mapping[str, str] | None = None,
) -> Any:
    """Record an event that is not a model save. Returns the entry.

    ``event`` is one of ``EVENTS``. ``target`` is a model instance or, for a
    register/list/search, a model class. ``actor`` defaults to the request's
    user; ``organisation_id`` defaults to the target's, then the actor's.
    ``details`` holds identifiers and counts only (values are capped at 64
    characters); it is part of the hashed entry. ``fingerprints`` holds
    values that may be record text (a search term): only their keyed
    fingerprints are stored.
    """
    if event not in EVENTS:
        raise ValueError(f"Unknown audit event {event!r}; expected one of {EVENTS}.")
    return get_logentry_model().objects.log_event(
        event,
        target=target,
        view=view,
        actor=actor,
        organisation_id=organisation_id,
        details=dict(details or {}),
        fingerprints=dict(fingerprints or {}),
    )


def log_listed(
    model: Any, rows: Any, *, view: str, query: Mapping[str, Any] | None = None
) -> list[Any]:
    """Record that a list or search page showed ``rows`` of ``model``.

    ``rows`` is a ``Page`` or an iterable of instances. One entry, however many
    rows (no per-row queries): the ids shown, their number, the page number and
    a fingerprint of the query string without ``page`` (what was searched for
    can be confirmed, not read). A ``Page``'s rows are evaluated here, once, so
    the template renders exactly the rows that were logged. Returns them.
    """
    shown = list(getattr(rows, "object_list", rows))
    if hasattr(rows, "object_list"):
        rows.object_list = shown
    details: dict[str, str | int | bool | list[int] | None] = {
        "shown": [row.pk for row in shown],
        "count": len(shown),
    }
    if hasattr(rows, "number"):
        details["page"] = rows.number
    terms = sorted((k, v) for k, v in _items(query) if k != "page" and v)
    log_event(
        "access",
        target=model,
        view=view,
        details=details,
        fingerprints={"query": "&".join(f"{k}={v}" for k, v in terms)} if terms else None,
    )
    return shown


def _items(query: Mapping[str, Any] | None) -> list[tuple[str, str]]:
    if query is None:
        return []
    lists = getattr(query, "lists", None)
    if lists is not None:  # a QueryDict: every value of every key
        return [(k, str(v)) for k, values in lists() for v in values]
    return [(str(k), str(v)) for k, v in query.items()]


@contextlib.contextmanager
def acting_as(user: Actor) -> Iterator[Any]:
    """auditlog's ``set_actor`` that nests.

    ``set_actor`` overwrites auditlog's context and never puts the outer one
    back, so after a nested block every entry lost its actor. Restoring the
    outer context (whose signal receiver is still connected) fixes that.
    """
    previous = auditlog_value.get(None)
    try:
        with set_actor(user):
            yield user
    finally:
        if previous is not None:
            auditlog_value.set(previous)


class UnknownActor(ValueError):
    """``command_actor`` was given a username that does not exist."""


class command_actor:  # used like a function: ``with command_actor(...)``
    """Attribute a management command's writes to ``username``, or to "system".

    Entries get ``view="command:<command>"``; with a username they also carry
    that user as actor. The user is looked up at once, so a typo fails before
    anything is written (``UnknownActor``). ``__enter__`` returns the user or
    None for system.
    """

    def __init__(self, command: str, username: str | None = None) -> None:
        from django.contrib.auth import get_user_model

        self.command = command
        self.user = None
        if username:
            User = get_user_model()
            self.user = User._default_manager.filter(**{User.USERNAME_FIELD: username}).first()
            if self.user is None:
                raise UnknownActor(f"No such user: {username}")
        self._stack = contextlib.ExitStack()

    def __enter__(self) -> Any:
        token = _source.set(f"command:{self.command}")
        self._stack.callback(_source.reset, token)
        if self.user is not None:
            self._stack.enter_context(acting_as(self.user))
        return self.user

    def __exit__(self, *exc: Any) -> None:
        self._stack.close()
