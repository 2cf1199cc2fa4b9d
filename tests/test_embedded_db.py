"""The embedded PostgreSQL (no DATABASE_URL) is what every client reaches."""

from __future__ import annotations

from django.db import connections

from safeguard.dbroles import database_settings

EMBEDDED_URL = "postgresql://safeguard_app@/postgres?host=/work/project/.data/postgres"


def test_dbshell_reaches_the_embedded_server_socket() -> None:
    """Issue 20: ``manage.py dbshell`` connected to the default socket."""
    config = database_settings(EMBEDDED_URL, app=True)
    args, _env = connections["default"].client.settings_to_cmd_args_env(config, [])
    assert args[args.index("-h") + 1] == "/work/project/.data/postgres"
    assert args[args.index("-U") + 1] == "safeguard_app"


def test_a_tcp_url_is_unchanged() -> None:
    config = database_settings("postgres://app:pw@db.internal:5433/safeguard", app=True)
    assert (config["HOST"], config["PORT"], config["NAME"]) == ("db.internal", 5433, "safeguard")
    assert "host" not in config["OPTIONS"]
    assert config["ATOMIC_REQUESTS"] is True
    assert database_settings("postgres://o@db.internal/safeguard", app=False)["CONN_MAX_AGE"] == 0
