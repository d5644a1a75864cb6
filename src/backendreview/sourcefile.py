"""Reading a file under review without trusting it.

A path that looked like a Python file during discovery may be a FIFO (opening it would block
forever), a device (`/dev/zero` never ends), or may have been swapped for one since. So the
file is opened non-blocking, checked to be a regular file on the open descriptor (no race
with the check), and read with a size cap.
"""

from __future__ import annotations

import os
import stat

# Far above any real source file (the largest in the corpus run is a few MB) and far below
# what would exhaust a CI runner's memory.
MAX_SOURCE_BYTES = 64 * 1024 * 1024

_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


class UnreadableSource(Exception):
    """The file cannot or must not be read; the message says why, for a BR000 finding."""


def file_kind(mode: int) -> str:
    """What a non-regular file is, in words."""
    for test, name in _KINDS:
        if test(mode):
            return name
    return "not a regular file"


def read_source(path: str | os.PathLike[str], limit: int = MAX_SOURCE_BYTES) -> bytes:
    """The bytes of a regular file of at most `limit` bytes; UnreadableSource otherwise."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise UnreadableSource(_os_reason(exc)) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise UnreadableSource(f"not a regular file ({file_kind(info.st_mode)}): not read")
        if info.st_size > limit:
            raise UnreadableSource(_too_large(limit))
        chunks: list[bytes] = []
        total = 0
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            total += len(chunk)
            if total > limit:  # a file that grows while read, or misreports its size
                raise UnreadableSource(_too_large(limit))
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError as exc:
        raise UnreadableSource(_os_reason(exc)) from None
    finally:
        os.close(fd)


def _too_large(limit: int) -> str:
    return f"file larger than {limit // (1024 * 1024)} MB: not read"


def _os_reason(exc: OSError) -> str:
    return f"cannot read the file: {exc.strerror or exc}"
