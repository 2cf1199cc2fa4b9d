#!/usr/bin/env python
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeguard.settings")
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(sys.argv)
    except KeyboardInterrupt:
        # Ctrl-C (or ``make run``'s stop) part-way through a command: what was
        # being written is rolled back by its transaction; say so in one line
        # instead of a traceback, and exit as a shell reports SIGINT.
        print(f"\nStopped: manage.py {' '.join(sys.argv[1:2])} was interrupted.", file=sys.stderr)
        sys.exit(130)


if __name__ == "__main__":
    main()
