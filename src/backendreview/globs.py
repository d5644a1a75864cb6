"""gitignore-style glob matching for `exclude`, `extend-exclude` and `per-file-ignores`."""

from __future__ import annotations

from collections.abc import Iterable

import pathspec


def compile_globs(patterns: Iterable[str]) -> pathspec.PathSpec:
    return pathspec.GitIgnoreSpec.from_lines(list(patterns))
