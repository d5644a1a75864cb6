"""Reporters turn `Finding`s (and only `Finding`s) into console, JSON or SARIF output."""

from __future__ import annotations

FORMATS = ("console", "json", "sarif", "github")
