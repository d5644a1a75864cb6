"""Reporters turn `Finding`s (and only `Finding`s) into console, JSON, SARIF, GitHub, GitLab
or JUnit output."""

from __future__ import annotations

# console: frames and fixes; concise: one line per finding (ruff's `concise`); then the
# machine formats: json, sarif (code scanning), github (workflow annotations), gitlab
# (GitLab code quality report), junit (JUnit XML, read by most CI systems).
FORMATS = ("console", "concise", "json", "sarif", "github", "gitlab", "junit")
