"""Which functions run outside any request: entry points an operator, a scheduler or an
upgrade runs, and the functions reached only from them.

The evidence is what the code declares, read through the program model:
- a method of a class whose project hierarchy derives from Django's `BaseCommand` (or
  flask-script's `Command`): a management command;
- a function registered as a background task by its decorator (`@shared_task`,
  `@app.task` on a Celery app, `@huey.task`, `@dramatiq.actor`, `@job` of rq, or a
  project's own `@register_task`), or a method of a Celery `Task` class;
- a command-line command (`@click.command`, `@<group>.command` on a click group or a typer
  app, `@app.cli.command`, `@with_appcontext`);
- an upgrade step registered by its decorator (`@version_upgrade`);
- a scheduled job (dispatch.py: a function handed to an APScheduler `add_job`, a
  django-extensions job's `execute`).
A function none of these describe is *reached only from* them when every chain of its
resolved callers ends at one of them (or at a root the caller of this module names, such as
a script's path). A chain that ends at a function with no caller the call graph sees, at a
route handler or at a request-serving framework hook (dispatch.py: class-based view
methods, serializer hooks, template tags, admin methods, signal receivers) leaves the
function on the request path as far as anyone can tell. `reaching_entries` is the one
query behind both answers: which entry points reach a function.
Test code calling a function is neither: tests call views directly too.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass

from .dispatch import (
    SCHEDULED,
    SERVING_KINDS,
    declared_kind,
    dispatch_kind,
    form_builders,
    form_slotted,
    handed_kind,
    in_module,
    made_by,
    signal_senders,
)
from .facts import FunctionInfo
from .model import ProgramModel, short_name

_COMMAND_BASES = frozenset({
    "django.core.management.base.BaseCommand", "django.core.management.BaseCommand",
    "django.core.management.base.LabelCommand", "django.core.management.base.AppCommand",
    "django.core.management.LabelCommand", "django.core.management.AppCommand",
    "flask_script.Command", "flask_script.commands.Command",
})
_TASK_BASES = frozenset({"celery.Task", "celery.app.task.Task", "celery.task.Task"})
# Decorators that register the function as a background job, by their own name: the
# scheduler, not a request, calls it. The last part of the reference, so a project's
# re-export or its own registry (`kolibri.core.tasks.decorators.register_task`) counts.
_TASK_DECORATORS = frozenset({"shared_task", "periodic_task", "db_task", "db_periodic_task",
                              "register_task", "actor", "background_task"})
# `@x.task` / `@x.job`: a task when `x` is a task queue's application object.
_QUEUE_APPS = ("celery.", "flask_celery.", "huey.", "rq.", "dramatiq.", "django_rq.",
               "apscheduler.")
_TASK_METHODS = frozenset({"task", "job", "periodic_task", "db_task", "db_periodic_task",
                           "scheduled_job"})
_CLI_MODULES = ("click.", "asyncclick.", "typer.", "flask.cli.", "flask_script.")
_CLI_METHODS = frozenset({"command", "group", "callback"})
_UPGRADE_DECORATORS = frozenset({"version_upgrade", "upgrade_step", "data_migration"})

MAX_DEPTH = 6  # caller levels followed up from the function
MAX_SEEN = 200  # functions looked at before giving up (unknown)


def entry_kind(model: ProgramModel, fn: FunctionInfo, handed: bool = True) -> str | None:
    """What runs `fn` outside a request, by `fn`'s own declaration: `management command`,
    `background task`, `command-line command`, `upgrade step` or `scheduled job`
    (dispatch.py: a django-extensions job, and with `handed` a function handed to a
    scheduler elsewhere, `scheduler.add_job(fn)`, which others may still call directly);
    None when nothing says."""
    if declared_kind(model, fn) == SCHEDULED or (
            handed and handed_kind(model, fn) == SCHEDULED):
        return SCHEDULED
    for dec in fn.decorators:
        kind = _decorator_kind(model, in_module(model, fn, dec))
        if kind:
            return kind
    cls = model.classes.get(fn.cls) if fn.cls else None
    if cls is not None:
        bases = {ref for klass in model.mro(cls) for ref in klass.bases}
        if bases & _COMMAND_BASES:
            return "management command"
        if bases & _TASK_BASES:
            return "background task"
    return None


def _decorator_kind(model: ProgramModel, dec: str) -> str | None:
    owner, _, last = dec.rpartition(".")
    if last in _TASK_DECORATORS:
        return "background task"
    if last in _UPGRADE_DECORATORS:
        return "upgrade step"
    if dec.startswith(_CLI_MODULES) or dec.endswith((".cli.command", ".cli.group")):
        return "command-line command"
    if not owner:
        return None
    made = made_by(model, owner)
    if last in _TASK_METHODS and (made.startswith(_QUEUE_APPS) or owner.startswith(
            _QUEUE_APPS)):  # `@app.task` on a Celery app, `@rq.decorators.job`, `@huey.task`
        return "background task"
    if last in _CLI_METHODS:
        if made.startswith(_CLI_MODULES) or made.endswith("AppGroup"):
            return "command-line command"
        group = model.resolve(owner)
        if isinstance(group, FunctionInfo) and any(
                d.startswith(_CLI_MODULES) for d in group.decorators):
            return "command-line command"  # `@cli.command()` under `@click.group() def cli`
    return None


ROUTE = "route handler"
# Kinds of entry points that serve requests: a route's handler (or a method of its class)
# and the framework hooks of dispatch.py.
REQUEST_KINDS = frozenset({ROUTE, *SERVING_KINDS})


@dataclass(frozen=True)
class Reach:
    """Which entry points reach a function through chains of resolved callers."""

    # (function, kind) of every entry point a chain ends at, in qualname order
    entries: tuple[tuple[FunctionInfo, str], ...]
    # functions where a chain ends with no visible caller and no declaration: what runs
    # them is not known (a view registered by reference, a call through getattr)
    open_ends: tuple[FunctionInfo, ...]
    complete: bool  # False: the search was cut short (MAX_DEPTH, MAX_SEEN)

    def serves(self) -> bool:
        """Some chain ends at a route handler or a request-serving framework hook."""
        return any(kind in REQUEST_KINDS for _, kind in self.entries)

    def kinds(self) -> frozenset[str]:
        return frozenset(kind for _, kind in self.entries)

    def offline(self) -> list[tuple[FunctionInfo, str]] | None:
        """The entry points, when every chain ends at one that runs outside a request;
        None when a chain ends elsewhere or the search was cut short."""
        if not self.complete or self.open_ends or self.serves():
            return None
        return list(self.entries) or None


def reaching_entries(model: ProgramModel, fn: FunctionInfo,
                     root_reason: Callable[[FunctionInfo], str | None] = lambda f: None,
                     serving: Collection[tuple[str, int]] = (),
                     ignored: Callable[[FunctionInfo], bool] = lambda f: False) -> Reach:
    """The entry points `fn`'s resolved callers lead to, level by level (MAX_DEPTH levels,
    MAX_SEEN functions): a route handler or a method of its class (`serving`: their
    (path, line)), a declared offline entry (`entry_kind`), a framework hook
    (`dispatch_kind`), another root `root_reason` names (a script's path). A chain stops at
    the first entry point on it, unless that function is one only by a registration
    elsewhere (`handed_kind`): its direct callers are followed too. A receiver of a
    project signal is called by the functions that send it, a form's hook by the functions
    that build the form (dispatch.form_builders) and, when a class slot names the form
(dispatch.form_slotted), by code out of sight. `ignored` callers (tests)
    count neither way."""
    found: dict[str, tuple[FunctionInfo, str]] = {}
    open_ends: dict[str, FunctionInfo] = {}
    seen = {fn.qualname}
    level = [fn]
    for _ in range(MAX_DEPTH + 1):
        upper: list[FunctionInfo] = []
        for current in level:
            kind = (ROUTE if _serves(model, current, serving) else None) or entry_kind(
                model, current) or dispatch_kind(model, current) or root_reason(current)
            if kind:
                found.setdefault(current.qualname, (current, kind))
                if handed_kind(model, current) is None:
                    continue
                # handed to a framework (`scheduler.add_job(fn)`): an entry point, and a
                # function whoever calls it directly runs too (a view's `refresh()`)
            callers = [c for c in [*model.callers(current), *signal_senders(model, current),
                                   *form_builders(model, current)] if not ignored(c)]
            if (not callers and not kind) or (not kind and form_slotted(model, current)):
                # no visible caller, or a form hook whose form a class slot hands to code
                # the model does not follow
                open_ends.setdefault(current.qualname, current)
            for caller in callers:
                if caller.qualname not in seen:
                    seen.add(caller.qualname)
                    upper.append(caller)
            if len(seen) > MAX_SEEN:
                return _reach(found, open_ends, False)
        if not upper:
            return _reach(found, open_ends, True)
        level = upper
    return _reach(found, open_ends, False)


def _reach(found: dict[str, tuple[FunctionInfo, str]], open_ends: dict[str, FunctionInfo],
           complete: bool) -> Reach:
    return Reach(tuple(found[q] for q in sorted(found)),
                 tuple(open_ends[q] for q in sorted(open_ends)), complete)


def offline_entries(model: ProgramModel, fn: FunctionInfo,
                    root_reason: Callable[[FunctionInfo], str | None],
                    serving: Collection[tuple[str, int]] = (),
                    ignored: Callable[[FunctionInfo], bool] = lambda f: False,
                    ) -> list[tuple[FunctionInfo, str]] | None:
    """The entry points (function, what it is) every chain of `fn`'s resolved callers ends
    at, when all of them run outside a request; None when any chain ends elsewhere (a
    function with no visible caller and no such declaration, a route handler, a
    request-serving framework hook) or the search is cut short (`reaching_entries`)."""
    return reaching_entries(model, fn, root_reason, serving, ignored).offline()


def _serves(model: ProgramModel, fn: FunctionInfo,
            serving: Collection[tuple[str, int]]) -> bool:
    if (fn.path, fn.line) in serving:
        return True
    cls = model.classes.get(fn.cls) if fn.cls else None
    return cls is not None and (cls.path, cls.line) in serving


def describe_entries(entries: list[tuple[FunctionInfo, str]]) -> str:
    """`a management command (`Command.handle` in ping.py) and a background task (`_ping` in
    tasks.py)`."""
    parts = [f"{'an' if kind[0] in 'aeiou' else 'a'} {kind} (`{short_name(fn.qualname, fn.path)}`"
             f" in {fn.path.rsplit('/', 1)[-1]})" for fn, kind in entries[:3]]
    if len(entries) > 3:
        parts.append(f"{len(entries) - 3} more")
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
