"""The console script: answers `backendreview --version` before importing the CLI
framework (typer, click, rich), so that version probes by editors and CI cost no more than
starting Python; everything else goes to `cli.entry`."""

from __future__ import annotations

import sys


def entry() -> None:
    if sys.argv[1:] == ["--version"]:
        from . import __version__

        sys.stdout.write(f"backendreview {__version__}\n")
        sys.exit(0)
    from .cli import entry as cli_entry

    cli_entry()


__all__ = ["entry"]
