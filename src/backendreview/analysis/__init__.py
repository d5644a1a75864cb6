"""Shared analysis the rules lean on, below the rules and above the semantic model: values
and strings (what an expression can hold), SQL sinks and DB-API handles, the route model
(`frameworks`), the ORM model (`orm`), production paths, and the project-wide program model
(`program`). Nothing here imports `checks` or anything above it."""
