"""Answers that may be read once per request, until the request writes.

The incident rule (``incidents.access.incident_rule``) needs three small id
lists about the reader: the incidents they are excluded from, their live
need-to-know grants and (a manager's) services. A page that lists several
kinds of record builds the rule once per list, and each build read the lists
again: 12 times on "My work" (docs/performance.md).

``remembered(key, compute)`` keeps ``compute()``'s answer for the rest of the
request, and only inside one: ``RequestMemoMiddleware`` (safeguard/middleware.py)
opens the scope around each request. Outside a request (a management command,
the export worker, a test calling a function directly) nothing is kept, so a
long-lived caller never reads a stale answer.

Inside a request the first write through the ORM (a saved or deleted row of
any model, a many-to-many change) empties the memo and **closes** it: from
then on the request reads every answer afresh. Not a list of the models that
affect access: a new kind of record that someday narrows or widens who sees an
incident is covered without anyone remembering to add it. And closed rather
than only emptied, because a write may yet be rolled back (a service that fails
after granting access, a form shown again with its errors): an answer read
after the write and kept would outlive the rows it was read from. Pages that
only read pass through with the memo open; the one write every record view
makes, its access entry in the audit trail, is passed over because the model
declares ``keeps_request_memo = True`` (a log no access rule reads). Writes
that bypass model signals (``QuerySet.update``, ``bulk_create``, raw SQL) are
not seen; the three lists above are written only through ``save()`` and the
many-to-many manager (``incidents.services``, ``organisations.services``),
which ``tests/organisations/test_request_memo.py`` exercises inside a request.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

T = TypeVar("T")

_memo: ContextVar[dict[Hashable, Any] | None] = ContextVar("safeguard_request_memo", default=None)


@contextmanager
def request_scope() -> Iterator[None]:
    """Keep ``remembered`` answers until the block ends (one request)."""
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


# Set in a request's memo by its first write: nothing is kept after it.
_CLOSED = object()


def remembered(key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, read once per request scope until its first write
    (every time outside a request, and after that write)."""
    memo = _memo.get()
    if memo is None or _CLOSED in memo:
        return compute()
    if key not in memo:
        memo[key] = compute()
    answer: T = memo[key]
    return answer


def forget(sender: Any = None, **_: Any) -> None:
    """Empty and close the current request's memo (a signal receiver: any
    write), unless the written model declares ``keeps_request_memo = True``: a
    log that no access rule reads (the audit trail's entries, written by every
    record view before the page is built). Opting out is explicit, per model; a
    model that does not say so closes the memo, which costs queries, never a leak."""
    if getattr(sender, "keeps_request_memo", False):
        return
    memo = _memo.get()
    if memo is not None:
        memo.clear()
        memo[_CLOSED] = True


def connect() -> None:
    """Connect ``forget`` to every model's writes (``OrganisationsConfig.ready``)."""
    signals = {"post_save": post_save, "pre_delete": pre_delete}
    signals |= {"post_delete": post_delete, "m2m_changed": m2m_changed}
    for name, signal in signals.items():
        signal.connect(forget, dispatch_uid=f"request_memo_forget_on_{name}")
