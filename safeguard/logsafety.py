"""Keep record text out of logs.

Exception messages are the usual leak: a database error quotes the offending
value ("Key (name)=(…) already exists"), a ValueError repeats its input. Logs
travel further than the database (log shippers, support tickets), so the
traceback written for a logged exception keeps the exception *type* and the
stack (file, line, function), which is what a developer needs, and drops the
message and source lines.
"""

from __future__ import annotations

import logging
import traceback
from types import TracebackType


def redacted_traceback(
    exc_type: type[BaseException] | None,
    exc: BaseException | None,
    tb: TracebackType | None,
) -> str:
    lines = ["Traceback (most recent call last; messages redacted):"]
    seen: set[int] = set()
    chain: list[BaseException] = []
    current = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        chain.append(current)
        current = current.__cause__ or current.__context__
    for position, error in enumerate(reversed(chain)):
        if position:
            lines.append("During handling of the above exception, another exception occurred:")
        for frame in traceback.extract_tb(error.__traceback__):
            lines.append(f'  File "{frame.filename}", line {frame.lineno}, in {frame.name}')
        lines.append(f"{type(error).__module__}.{type(error).__qualname__}: [redacted]")
    if not chain and exc_type is not None:
        lines.append(f"{exc_type.__module__}.{exc_type.__qualname__}: [redacted]")
    return "\n".join(lines)


class RedactExceptionsFilter(logging.Filter):
    """Replace a record's formatted exception with the redacted traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[0] is not None:
            record.exc_text = redacted_traceback(*record.exc_info)
        return True
