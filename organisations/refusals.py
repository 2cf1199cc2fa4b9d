"""What a service raises, besides ``ValidationError``, to refuse a write. It
lives in the bottom app so that :mod:`organisations.web` can show any app's
refusal the one way."""

from __future__ import annotations


class ConcurrentChange(Exception):
    """Someone else changed the record since the form was opened (the form's
    version is stale). Each app's subclass words ``message`` for its record."""

    message = (
        "Someone else changed this record while you were working on it. "
        "Review the latest version below and try again."
    )
