"""Writing fixed files without ever losing or misplacing the user's code.

A fixed file is written next to the original under a temporary name and renamed over it
(atomic on POSIX: a reader sees the old file or the new one, never half of each). A file that
is a symbolic link, or that lies outside the reviewed root once links are resolved, is never
written: the rename would replace the link, and following it would write outside the tree.
A read-only file stays as it is. Each refusal is one note; the run goes on.
"""

from __future__ import annotations

import codecs
import contextlib
import io
import os
import stat
import tempfile
import tokenize
from pathlib import Path


class WriteRefused(Exception):
    """This file must not or cannot be written; the message says why (one line)."""


def check_writable(path: Path, roots: tuple[Path, ...], *, for_writing: bool = True) -> None:
    """Raise WriteRefused when `path` must not be rewritten. `roots` are the reviewed paths
    (directories or files) as given on the command line."""
    if path.is_symlink():
        raise WriteRefused("it is a symbolic link (fix the file it points to instead)")
    try:
        real = path.resolve(strict=True)
    except (OSError, RuntimeError) as exc:
        raise WriteRefused(f"cannot resolve it: {exc}") from None
    if not any(real == top or top in real.parents for top in _resolved(roots)):
        raise WriteRefused("it lies outside the reviewed tree (through a linked "
                           "directory)")
    info = real.stat()
    if not stat.S_ISREG(info.st_mode):
        raise WriteRefused("it is not a regular file")
    # No write bit at all is the owner's "leave this alone", which root would override.
    if for_writing and (not os.access(real, os.W_OK) or not info.st_mode & (
            stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)):
        raise WriteRefused("it is read-only")


def _resolved(roots: tuple[Path, ...]) -> list[Path]:
    out = []
    for root in roots:
        try:
            out.append(root.resolve(strict=True))
        except (OSError, RuntimeError):
            continue
    return out


def encode_like(original: bytes, text: str) -> bytes:
    """`text` in the original file's encoding (PEP 263 cookie or UTF-8), BOM kept."""
    bom = original.startswith(codecs.BOM_UTF8)
    try:
        encoding = tokenize.detect_encoding(io.BytesIO(original).readline)[0]
    except SyntaxError:
        encoding = "utf-8"
    if encoding == "utf-8-sig":
        encoding = "utf-8"
    return (codecs.BOM_UTF8 if bom else b"") + text.encode(encoding)


def write_atomically(path: Path, original: bytes, data: bytes, roots: tuple[Path, ...]
                     ) -> None:
    """Replace `path` (whose content was `original`) with `data`, or raise WriteRefused."""
    check_writable(path, roots)
    try:
        if path.read_bytes() != original:
            raise WriteRefused("it changed while it was being fixed")
        mode = stat.S_IMODE(path.stat().st_mode)
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.",
                                    suffix=".brfix")
    except OSError as exc:
        raise WriteRefused(f"cannot write it: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, mode)
        os.replace(temp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise WriteRefused(f"cannot write it: {exc.strerror or exc}") from None
