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
- an upgrade step registered by its decorator (`@version_upgrade`).
A function none of these describe is *reached only from* them when every chain of its
resolved callers ends at one of them (or at a root the caller of this module names, such as
a script's path). A chain that ends at a function with no caller the call graph sees, or at
a route handler, leaves the function on the request path as far as anyone can tell: callers
the graph cannot see (a view registered by reference, a signal receiver) are exactly those.
Test code calling a function is neither: tests call views directly too.
"""

from __future__ import annotations

from collections.abc import Callable, Collection

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
_QUEUE_APPS = ("celery.", "huey.", "rq.", "dramatiq.", "django_rq.", "apscheduler.")
_TASK_METHODS = frozenset({"task", "job", "periodic_task", "db_task", "db_periodic_task",
                           "scheduled_job"})
_CLI_MODULES = ("click.", "asyncclick.", "typer.", "flask.cli.", "flask_script.")
_CLI_METHODS = frozenset({"command", "group", "callback"})
_UPGRADE_DECORATORS = frozenset({"version_upgrade", "upgrade_step", "data_migration"})

MAX_DEPTH = 6  # caller levels followed up from the function
MAX_SEEN = 200  # functions looked at before giving up (unknown)


def entry_kind(model: ProgramModel, fn: FunctionInfo) -> str | None:
    """What runs `fn` outside a request, by `fn`'s own declaration: `management command`,
    `background task`, `command-line command` or `upgrade step`; None when nothing says."""
    for dec in fn.decorators:
        kind = _decorator_kind(model, _in_module(model, fn, dec))
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


def _in_module(model: ProgramModel, fn: FunctionInfo, dec: str) -> str:
    """A decorator on an object of `fn`'s own module (`@typer_app.command()`, recorded as
    the file names it) as a dotted reference from that module."""
    head = dec.split(".", 1)[0]
    parts = fn.qualname.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        module = model.modules.get(".".join(parts[:cut]))
        if module is not None:
            if head in module.instances or f"{module.name}.{head}" in model.functions:
                return f"{module.name}.{dec}"
            return dec
    return dec


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
    made = model.instance_of(owner) or ""
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


def offline_entries(model: ProgramModel, fn: FunctionInfo,
                    root_reason: Callable[[FunctionInfo], str | None],
                    serving: Collection[tuple[str, int]] = (),
                    ignored: Callable[[FunctionInfo], bool] = lambda f: False,
                    ) -> list[tuple[FunctionInfo, str]] | None:
    """The entry points (function, what it is) every chain of `fn`'s resolved callers ends
    at, when all of them run outside a request; None when any chain ends elsewhere (a
    function with no visible caller and no such declaration, a route handler) or the
    search is cut short. `root_reason` names other outside roots (a script's path);
    `serving` holds the (path, line) of route handlers and their classes; `ignored` callers
    (tests) count neither way."""
    found: dict[str, tuple[FunctionInfo, str]] = {}
    seen = {fn.qualname}
    level = [fn]
    for _ in range(MAX_DEPTH + 1):
        upper: list[FunctionInfo] = []
        for current in level:
            if _serves(model, current, serving):
                return None
            kind = entry_kind(model, current) or root_reason(current)
            if kind:
                found.setdefault(current.qualname, (current, kind))
                continue
            callers = [c for c in model.callers(current) if not ignored(c)]
            if not callers:
                return None  # called from where the graph cannot see: unknown
            for caller in callers:
                if caller.qualname not in seen:
                    seen.add(caller.qualname)
                    upper.append(caller)
            if len(seen) > MAX_SEEN:
                return None
        if not upper:
            return [found[q] for q in sorted(found)] or None
        level = upper
    return None


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
