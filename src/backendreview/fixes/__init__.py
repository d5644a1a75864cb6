"""Applying exact fixes with libcst (only files that have a fix are parsed with it)."""
