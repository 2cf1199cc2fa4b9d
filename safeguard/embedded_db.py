"""Zero-setup PostgreSQL for machines without a database server.

When ``DATABASE_URL`` is unset, settings ask this module for a URL. It starts
(or reuses) a PostgreSQL server from the ``pgserver`` wheel with its data under
``.data/postgres`` so records survive restarts. Several processes may share it:
pgserver keeps a list of the processes using the server and stops it when the
last one exits.
"""

from __future__ import annotations

import logging
import os
import warnings
from pathlib import Path

logger = logging.getLogger(__name__)

_url: str | None = None


def data_dir(base_dir: Path) -> Path:
    return Path(os.environ.get("SAFEGUARD_EMBEDDED_PGDATA", base_dir / ".data" / "postgres"))


def database_url(base_dir: Path) -> str:
    """Start the embedded server once per process and return its URL."""
    global _url
    if _url is None:
        with warnings.catch_warnings():
            # platformdirs warns about XDG_RUNTIME_DIR on headless machines.
            warnings.simplefilter("ignore")
            import pgserver

            pgdata = data_dir(base_dir)
            pgdata.mkdir(parents=True, exist_ok=True)
            server = pgserver.get_server(pgdata, cleanup_mode="stop")
        _url = server.get_uri()
        logger.info("embedded PostgreSQL at %s", pgdata)
    return _url
