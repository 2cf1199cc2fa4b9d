"""Generate a large, realistic data set quickly, for the benchmark (not for demos).

    python -m bench.seed --incidents 100000 [--manifest]

Adds N incidents with their organisations, services, users, adults at risk,
chronology entries and audit entries (``bench/scale.py``), streamed in with
COPY, to the database of ``DATABASE_URL`` (or the embedded server); run it on a
database of its own (``make bench`` does). Needs the owner role: the generator
drops and rebuilds indexes and resets sequences.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--incidents", type=int, default=100_000)
    parser.add_argument("--detail-entries", type=int, default=200)
    parser.add_argument("--pdf-entries", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument(
        "--manifest",
        action="store_true",
        help="Store the manifest (size, fixtures) as the database's comment, for reuse.",
    )
    options = parser.parse_args(argv)
    if options.incidents < 2:
        parser.error("--incidents must be at least 2.")

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeguard.settings")
    import django

    django.setup()
    from bench import scale

    started = time.monotonic()
    manifest = scale.build(
        incidents=options.incidents,
        detail_entries=options.detail_entries,
        pdf_entries=options.pdf_entries,
        seed=options.seed,
        log=print,
    )
    manifest["seconds"] = round(time.monotonic() - started, 1)
    if options.manifest:
        scale.store_manifest(manifest)
    print(
        f"{manifest['incidents']:,} incidents, {manifest['rows']:,} rows "
        f"in {manifest['seconds']} s."
    )
    print(json.dumps(manifest["fixtures"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
