from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from organisations import access


def membership(request: HttpRequest) -> dict[str, Any]:
    """Expose the user's membership to templates (navigation, role badges)."""
    user = getattr(request, "user", None)
    return {"membership": access.membership_of(user) if user is not None else None}
