"""Gunicorn's logger, with the request id on every access line and JSON output
when ``LOG_FORMAT=json``. Query strings are never logged (they can carry a
person's name from a search box)."""

from __future__ import annotations

import os
from typing import Any

from gunicorn.glogging import Logger

from safeguard.logjson import JsonFormatter


def json_logs() -> bool:
    return os.environ.get("LOG_FORMAT", "plain").lower() == "json"


class SafeguardLogger(Logger):
    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        if json_logs():
            for log in (self.error_log, self.access_log):
                for handler in log.handlers:
                    handler.setFormatter(JsonFormatter())

    def access(self, resp: Any, req: Any, environ: Any, request_time: Any) -> None:
        if not json_logs():
            super().access(resp, req, environ, request_time)
            return
        if not self.access_log_enabled:
            return
        atoms = self.atoms(resp, req, environ, request_time)
        self.access_log.info(
            "%s %s %s",
            atoms["m"],
            atoms["U"],
            atoms["s"],
            extra={
                "request_id": atoms.get("{x-request-id}o", "-"),
                "method": atoms["m"],
                "path": atoms["U"],
                "status": int(atoms["s"]),
                "bytes": atoms["B"],
                "duration_ms": atoms["M"],
                "remote_addr": atoms["h"],
            },
        )
