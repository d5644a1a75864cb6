"""The `backendreview` command's entry point, kept free of imports.

`backendreview --version` is answered before importing the CLI framework (typer, click,
rich), so that version probes by editors and CI cost no more than starting Python. Loading
the rules takes a moment (seconds on a busy CI runner); a Ctrl-C in that moment must still
end in one line and exit status 2, not a KeyboardInterrupt traceback.
"""

from __future__ import annotations

import gc
import signal
import sys


def entry() -> None:
    if sys.argv[1:] == ["--version"]:
        from . import __version__

        sys.stdout.write(f"backendreview {__version__}\n")
        sys.exit(0)
    # One short process: no cyclic garbage collection. Reviews free each file's tree by
    # reference counting and their results are acyclic (engine._gc_paused_during); the
    # collections only re-traversed live objects, ~5% of a cold run's CPU. Worker
    # processes are forked with the same setting.
    gc.disable()
    try:
        from .cli import main
    except KeyboardInterrupt:
        sys.exit(_interrupted_while_loading())
    sys.exit(main())


def _interrupted_while_loading() -> int:
    args = sys.argv[1:]
    if "sarif" in " ".join(args).lower():
        # A CI run that asked for SARIF gets its failure log; no one is waiting at a
        # keyboard there, so finishing the import with Ctrl-C ignored is acceptable.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        from .cli import _fail

        return _fail("interrupted", args)
    sys.stderr.write("backendreview: error: interrupted\n")
    return 2


__all__ = ["entry"]
