"""Pausing the cyclic garbage collector while an export renders.

WeasyPrint allocates hundreds of thousands of long-lived objects (boxes,
styles) while it lays out and writes a document, so the collector kept
re-scanning them: about a sixth of a large export's CPU, for almost no
garbage (reference counting still frees almost everything). This uses only
the standard library's ``gc`` module; nothing of WeasyPrint is changed.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_gc_pausers = 0
_gc_was_enabled = False


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while rendering. Nests and works across
    threads: the collector is back on, if it was on, once the last render ends."""
    global _gc_pausers, _gc_was_enabled
    with _lock:
        if _gc_pausers == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_pausers += 1
    try:
        yield
    finally:
        with _lock:
            _gc_pausers -= 1
            if _gc_pausers == 0 and _gc_was_enabled:
                gc.enable()
