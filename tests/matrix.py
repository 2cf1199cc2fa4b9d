"""The permission matrix: every URL, every role, plus an outsider organisation.

Each app's ``tests/<app>/matrix.py`` declares ``CASES``; ``test_permission_matrix``
collects them all and also fails when a URL pattern has no case, so a new page
cannot ship without saying who may open it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

OK = "ok"  # 200, or a redirect back into the app after a POST
NOT_FOUND = 404  # invisible: other organisation, wrong role, not on the list
ALL_ROLES = ("manager", "manager_dom", "lead", "hr", "auditor", "admin", "outsider")


@dataclass(frozen=True)
class Case:
    url_name: str
    kwargs: Callable[[Any], dict[str, Any]] = lambda w: {}
    expect: dict[str, Any] = field(default_factory=dict)
    method: str = "get"
    data: Callable[[Any], dict[str, Any]] = lambda w: {}
    label: str = ""

    @property
    def id(self) -> str:
        return f"{self.method.upper()} {self.url_name}{' ' + self.label if self.label else ''}"


def roles(default: Any, **overrides: Any) -> dict[str, Any]:
    """Expectation for every role: ``default`` unless overridden."""
    result = dict.fromkeys(ALL_ROLES, default)
    result.update(overrides)
    return result
