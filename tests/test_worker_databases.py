"""A worker's copy of the test database that cannot be dropped because a
connection outlived the wait is left for the next run; any other failure of the
drop still fails the run (``_drop_worker_copy``, tests/conftest.py)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db.utils import OperationalError
from psycopg import errors

from tests.conftest import _drop_worker_copy


class _Creation:
    def __init__(self, cause: Exception) -> None:
        self.cause = cause

    def destroy_test_db(self, *args: Any, **kwargs: Any) -> None:
        raise OperationalError("drop failed") from self.cause


class _Owner:
    def __init__(self, cause: Exception) -> None:
        self.creation = _Creation(cause)
        self.settings_dict = {"NAME": "test_safeguard"}


def test_a_copy_still_in_use_is_left_and_said(capsys: Any) -> None:
    owner = _Owner(errors.ObjectInUse("being accessed by other users"))
    _drop_worker_copy(owner, "safeguard", 1, False, "gw0")
    assert "left for the next run to drop" in capsys.readouterr().err
    assert owner.settings_dict["NAME"] == "safeguard"


def test_any_other_failure_of_the_drop_fails() -> None:
    with pytest.raises(OperationalError):
        _drop_worker_copy(_Owner(errors.InsufficientPrivilege("no")), "safeguard", 1, False, "gw0")
