"""Which rows a DRF view's filter backends keep, as far as their code says.

A generic list view runs `filter_queryset()` on its queryset, and that hands the queryset
to each class of the view's `filter_backends` in turn. A project backend whose
`filter_queryset` returns what the requesting user's own method makes of the queryset
(`return request.user.filter_readable(queryset)`, kolibri's permissions filter) lists the
rows that user may read: a user's own handful for most callers, every row for an admin.
That is weak evidence that the list is small (BR303 says so in a note), never proof.

Read over the program model: `filter_backends` is a class slot (`class_refs`, one entry per
listed class, `filter_backends[0]`...), the nearest class of the view's hierarchy that sets
it decides, and each backend's `filter_queryset` is looked up along its own hierarchy.
"""

from __future__ import annotations

from ..program import ClassInfo, ProgramModel

SLOT = "filter_backends"


def backend_refs(program: ProgramModel, view: ClassInfo) -> list[str]:
    """The references of the view's `filter_backends`, from the nearest class setting it."""
    for cls in program.mro(view):
        refs = [ref for key, ref in sorted(cls.class_refs.items(), key=_slot_order)
                if key.startswith(f"{SLOT}[")]
        if refs or f"{SLOT}[]" in cls.class_refs:
            return refs
    return []


def _slot_order(item: tuple[str, str]) -> tuple[str, int]:
    key = item[0]
    if key.startswith(f"{SLOT}[") and key[len(SLOT) + 1:-1].isdigit():
        return SLOT, int(key[len(SLOT) + 1:-1])
    return key, 0


def requester_filter(program: ProgramModel, view: ClassInfo) -> str | None:
    """The name of a filter backend of `view` whose `filter_queryset` answers what a
    method of the requesting user returns for the queryset, or None."""
    for ref in backend_refs(program, view):
        backend = program.class_of(ref)
        if backend is None:
            continue
        method = next((c.methods["filter_queryset"] for c in program.mro(backend)
                       if "filter_queryset" in c.methods), None)
        fn = program.functions.get(method) if method else None
        if fn is None:
            continue
        if fn.user_filter:
            return backend.name
    return None
