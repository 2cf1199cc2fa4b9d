from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from organisations import access


def membership(request: HttpRequest) -> dict[str, Any]:
    """Expose the signed-in user's membership to templates (header, navigation,
    role-dependent links) as ``signed_in``.

    A view's context overrides a context processor's, so the name must be one no
    view uses for anyone else: a member's edit page once passed the member as
    ``membership`` and the header named the member as signed in. Views never
    pass ``signed_in``; a page about another member calls it ``member``."""
    user = getattr(request, "user", None)
    return {"signed_in": access.membership_of(user) if user is not None else None}
