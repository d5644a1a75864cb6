"""The `backendreview` command's entry point, kept free of imports.

Loading the rules takes a moment (seconds on a busy CI runner); a Ctrl-C in that moment
must still end in one line and exit status 2, not a KeyboardInterrupt traceback.
"""

from __future__ import annotations

import signal
import sys


def entry() -> None:
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
