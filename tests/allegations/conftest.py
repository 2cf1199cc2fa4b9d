"""Allegation fixtures: ``world`` plus an allegation with content on both sides."""

from __future__ import annotations

from typing import Any

import pytest

from tests.allegations import factories


@pytest.fixture
def aworld(world: Any) -> Any:
    factories.with_content(world)
    return world
