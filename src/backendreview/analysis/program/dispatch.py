"""Entry points a framework dispatches to, which no call the program's code makes shows.

Django, DRF and their kin call project code by what it declares, not by a call the call
graph can see: a class-based view's `get_queryset`, a serializer's `get_<field>` for its
`SerializerMethodField`, a template filter registered on a `template.Library()`, a signal
receiver, a job an APScheduler scheduler was handed. Each kind here is read from declared
evidence only (the class's project MRO reaching a framework base, a decorator or a
registration call on an object the framework made), never from a method name alone:

request-serving
- `view method`: any method of a class whose MRO reaches a Django view (`django.views.`,
  `django.contrib.auth.views.`) or a DRF view, viewset or generic view: the framework
  dispatches to its hooks, and a template may call any of them (`{{ view.x }}`);
- `serializer method`: a DRF serializer's (or field's) `to_representation`,
  `to_internal_value`, `validate`, `validate_<field>`, `create`, `update`, `save`, and
  the method of each `SerializerMethodField` the class (or a base) declares: its
  `method_name`, else `get_<field>` (analysis/orm/drf.py method_field_method);
- `template tag`: a function registered by `@register.filter` / `simple_tag` /
  `inclusion_tag` / `tag` (or the same methods called with it) on a `template.Library()`,
  and `render` of a `template.Node` subclass;
- `admin method`: any method of a Django admin class (`ModelAdmin`, an inline, a list
  filter, an `AdminSite`);
- `GraphQL resolver`: `resolve_<field>` / `mutate` of a graphene type or mutation;
- `form method`: `__init__`, `clean`, `clean_<field>`, `full_clean`, `_post_clean` and
  `save` of a Django form (a class whose MRO reaches `django.forms.` or Django's auth
  forms) that a Django view holds as its `form_class` (generic views build it, validate
  it and save it: `get_form()`, `form_valid()`), also when the method is a base form's
  that the held form inherits. A function that calls the form class builds it: it is
  the hooks' caller (`form_builders`), as a sender is a receiver's;
- `signal receiver`: `@receiver(signal)` or `signal.connect(fn)`. A receiver runs inside
  whoever sends the signal: for a signal the project defines and sends itself
  (`paid = Signal()`, `paid.send(...)`), the functions that send it are its callers
  (`signal_senders`); a library's signal (`post_save`: any save) or one whose sender is not
  seen is request-serving.

offline (joining entries.py's kinds)
- `scheduled job`: a function handed to an APScheduler scheduler's `add_job`, and
  `execute` of a django-extensions job (`BaseJob`, `HourlyJob`, ...).
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field

from .facts import ClassInfo, FunctionInfo
from .model import ProgramModel

VIEW = "view method"
SERIALIZER = "serializer method"
TEMPLATE = "template tag"
ADMIN = "admin method"
GRAPHQL = "GraphQL resolver"
RECEIVER = "signal receiver"
FORM = "form method"
SCHEDULED = "scheduled job"
SERVING_KINDS = frozenset({VIEW, SERIALIZER, TEMPLATE, ADMIN, GRAPHQL, RECEIVER, FORM})

_VIEW_BASES = ("django.views.", "django.contrib.auth.views.", "rest_framework.views.",
               "rest_framework.viewsets.", "rest_framework.generics.")
_SERIALIZER_BASES = ("rest_framework.serializers.", "rest_framework.fields.",
                     "rest_framework.relations.")
_SERIALIZER_HOOKS = frozenset({"to_representation", "to_internal_value", "validate",
                               "create", "update", "save"})
_ADMIN_BASES = ("django.contrib.admin.",)
_FORM_BASES = ("django.forms.", "django.contrib.auth.forms.")
# What Django runs on a form whoever builds it: the constructor, validation (`is_valid()`
# runs `full_clean()`: each `clean_<field>`, `clean`, `_post_clean`) and, for a model form
# a generic view or its builder keeps, `save`.
_FORM_HOOKS = frozenset({"__init__", "clean", "full_clean", "_post_clean", "save"})
_TEMPLATE_NODES = frozenset({"django.template.Node", "django.template.base.Node",
                             "django.template.library.Node"})
_LIBRARIES = frozenset({"django.template.Library", "django.template.base.Library",
                        "django.template.library.Library"})
_TAG_METHODS = frozenset({"filter", "simple_tag", "inclusion_tag", "tag", "assignment_tag"})
_GRAPHENE = "graphene."
_RECEIVER_DECORATORS = frozenset({"django.dispatch.receiver",
                                  "django.dispatch.dispatcher.receiver"})
# Signal objects the project makes, one object each. Not `blinker.signal("name")`: a named
# signal is one object for every module that asks for that name, so a send through
# another module's `signal("name")` would be missed among its senders.
_SIGNAL_CLASSES = frozenset({"django.dispatch.Signal", "django.dispatch.dispatcher.Signal",
                             "blinker.Signal", "blinker.base.Signal"})
# Signals of a library: `django.db.models.signals.post_save`, `flask.signals.got_request_...`
_LIBRARY_SIGNALS = ("django.", "flask.signals.", "flask_login.signals.", "blinker.")
_SENDS = frozenset({"send", "send_robust", "asend", "asend_robust"})
_SCHEDULERS = "apscheduler."
_JOB_BASES = ("django_extensions.management.jobs.",)


@dataclass
class _Index:
    """What the project's registrations say, per function qualname (built once a model)."""

    kinds: dict[str, str] = field(default_factory=dict)
    # a receiver of a signal the project defines -> the qualnames of that signal's senders
    senders: dict[str, list[str]] = field(default_factory=dict)
    # a form hook -> the qualnames of the functions that build its form (`OrderForm(...)`)
    builders: dict[str, list[str]] = field(default_factory=dict)
    # the hooks of a form a class slot other than a view's `form_class` names (`model_form
    # = DeviceForm`): code the model does not follow builds that form too
    slotted: set[str] = field(default_factory=set)


_indexes: weakref.WeakKeyDictionary[ProgramModel, _Index] = weakref.WeakKeyDictionary()


def dispatch_kind(model: ProgramModel, fn: FunctionInfo) -> str | None:
    """The kind of framework entry point `fn` is by what it declares (see the module
    docstring), or None. A receiver of a project signal whose sends the model sees is
    None: its senders are its callers (`signal_senders`)."""
    return handed_kind(model, fn) or declared_kind(model, fn)


def declared_kind(model: ProgramModel, fn: FunctionInfo) -> str | None:
    """The kind of framework entry point `fn` is by its own declaration (its decorators,
    its class's bases), registrations elsewhere aside (`handed_kind`)."""
    for dec in fn.decorators:
        owner, _, method = in_module(model, fn, dec).rpartition(".")
        if method in _TAG_METHODS and owner and made_by(model, owner) in _LIBRARIES:
            return TEMPLATE  # `@register.filter` on a `template.Library()`
    cls = model.classes.get(fn.cls) if fn.cls else None
    if cls is None or fn.kind == "staticmethod":
        return None
    return _class_kind(model, cls, fn)


def handed_kind(model: ProgramModel, fn: FunctionInfo) -> str | None:
    """The kind of entry point a registration elsewhere makes of `fn`
    (`scheduler.add_job(fn)`, `sig.connect(fn)`, `register.filter("x", fn)`), or None.
    Unlike a declaration of its own, being handed over does not stop anyone calling `fn`
    directly: what its visible callers run in still counts (`reaching_entries`)."""
    return _index(model).kinds.get(fn.qualname)


def signal_senders(model: ProgramModel, fn: FunctionInfo) -> list[FunctionInfo]:
    """The project functions that send the project signal `fn` receives (`paid.send(...)`
    for `@receiver(paid)`), in qualname order; [] when `fn` receives no such signal."""
    found = _index(model).senders.get(fn.qualname, [])
    return [model.functions[q] for q in found if q in model.functions]


def form_builders(model: ProgramModel, fn: FunctionInfo) -> list[FunctionInfo]:
    """The project functions that build a form whose hook `fn` is (a call of the form class,
    `OrderForm(request.POST)`, or of `self.form_class`), in qualname order: Django runs the
    hook for them, so they are its callers; [] when `fn` is no form hook or nothing seen
    builds its form."""
    found = _index(model).builders.get(fn.qualname, [])
    return [model.functions[q] for q in found if q in model.functions]


def form_slotted(model: ProgramModel, fn: FunctionInfo) -> bool:
    """`fn` is a hook of a form a class attribute other than a Django view's `form_class`
    names (`model_form = DeviceForm`, ClassInfo.class_refs): whoever reads that slot builds
    the form out of the model's sight, so its visible builders are not all its callers."""
    return fn.qualname in _index(model).slotted


def in_module(model: ProgramModel, fn: FunctionInfo, dec: str) -> str:
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


def made_by(model: ProgramModel, ref: str) -> str:
    """The class (or factory) reference that made the module-level object `ref`
    (ProgramModel.instance_of), through a project factory's return annotation
    (`celery_app = _create_celery(CONFIG)` with `def _create_celery(...) -> Celery`:
    `celery.Celery`); "" when `ref` is no such object."""
    made = model.instance_of(ref) or ""
    factory = model.resolve(made) if made else None
    if isinstance(factory, FunctionInfo) and factory.returns:
        return factory.returns
    return made


def _class_kind(model: ProgramModel, cls: ClassInfo, fn: FunctionInfo) -> str | None:
    lineage = model.mro(cls)
    bases = {ref for klass in lineage for ref in klass.bases}
    if any(base.startswith(_VIEW_BASES) for base in bases):
        return VIEW
    if any(base.startswith(_ADMIN_BASES) for base in bases):
        return ADMIN
    if any(base.startswith(_SERIALIZER_BASES) for base in bases):
        name = fn.name
        if name in _SERIALIZER_HOOKS or name.startswith("validate_"):
            return SERIALIZER
        if any(name in klass.method_fields for klass in lineage):
            return SERIALIZER  # the method a SerializerMethodField names (or get_<field>)
        return None
    if fn.name == "render" and bases & _TEMPLATE_NODES:
        return TEMPLATE
    if any(base.startswith(_GRAPHENE) for base in bases) and (
            fn.name.startswith("resolve_") or fn.name == "mutate"):
        return GRAPHQL
    if fn.name == "execute" and any(base.startswith(_JOB_BASES) for base in bases):
        return SCHEDULED
    return None


def _is_form(model: ProgramModel, cls: ClassInfo) -> bool:
    return any(base.startswith(_FORM_BASES) for klass in model.mro(cls) for base in klass.bases)


def _form_hooks(model: ProgramModel, form: ClassInfo) -> list[FunctionInfo]:
    """The project methods Django runs on an instance of `form` (_FORM_HOOKS and each
    `clean_<field>`), each as `form`'s MRO resolves it, in name order."""
    names = {name for klass in model.mro(form) for name in klass.methods
             if name in _FORM_HOOKS or name.startswith("clean_")}
    return [hook for name in sorted(names) if (hook := model.method(form, name)) is not None]


def _forms(model: ProgramModel, index: _Index) -> None:
    """Form hooks held by a Django view's `form_class` (FORM) and built by a function."""
    forms = {q for q, cls in model.classes.items() if _is_form(model, cls)}
    if not forms:
        return
    for qualname in sorted(model.classes):
        cls = model.classes[qualname]
        if qualname in forms or not any(
                base.startswith(_VIEW_BASES) for klass in model.mro(cls) for base in klass.bases):
            continue
        held = model.class_attribute(cls, "form_class")
        if held is not None and held.qualname in forms:
            for hook in _form_hooks(model, held):
                index.kinds.setdefault(hook.qualname, FORM)
    for qualname in sorted(model.classes):
        cls = model.classes[qualname]
        view = any(base.startswith(_VIEW_BASES) for klass in model.mro(cls)
                   for base in klass.bases)
        for attr, ref in sorted(cls.class_refs.items()):
            target = model.resolve(ref) if ref else None
            if isinstance(target, ClassInfo) and target.qualname in forms and not (
                    view and attr == "form_class"):
                index.slotted.update(hook.qualname for hook in _form_hooks(model, target))
    for qualname in sorted(model.functions):
        fn = model.functions[qualname]
        for site in fn.calls:
            if site.callee.kind not in ("ref", "self"):
                continue
            built = model.constructed(fn, site)
            if built is None or built.qualname not in forms:
                continue
            for hook in _form_hooks(model, built):
                found = index.builders.setdefault(hook.qualname, [])
                if qualname not in found and qualname != hook.qualname:
                    found.append(qualname)


def _index(model: ProgramModel) -> _Index:
    index = _indexes.get(model)
    if index is None:
        index = _indexes[model] = _build(model)
    return index


def _build(model: ProgramModel) -> _Index:
    index = _Index()
    senders = _senders(model)
    for name in sorted(model.modules):
        module = model.modules[name]
        for reg in module.registrations:
            target = model.resolve(reg.target)
            if not isinstance(target, FunctionInfo):
                continue
            kind, signal = _registration_kind(model, reg.registrar, reg.subject)
            if kind is None:
                continue
            if kind == RECEIVER and signal and senders.get(signal):
                # a project signal whose sends are seen: its senders run the receiver
                found = index.senders.setdefault(target.qualname, [])
                found.extend(q for q in senders[signal] if q not in found)
                continue
            index.kinds.setdefault(target.qualname, kind)
    # Kept when a registration also gives the function a kind (a library's signal, a
    # scheduler): reaching_entries follows the callers of a function handed over, and the
    # senders of a project signal are among them (a request that sends it runs it too).
    for found in index.senders.values():
        found.sort()
    _forms(model, index)
    return index


def _registration_kind(model: ProgramModel, registrar: str, subject: str
                       ) -> tuple[str | None, str]:
    """What a registration makes of its function, and the signal's canonical reference for
    a project signal ("" otherwise)."""
    owner, _, method = registrar.rpartition(".")
    if registrar in _RECEIVER_DECORATORS:
        return RECEIVER if subject and _is_signal(model, subject) else None, _project_signal(
            model, subject)
    if method == "connect" and owner and _is_signal(model, owner):
        return RECEIVER, _project_signal(model, owner)
    if method in _TAG_METHODS and owner and made_by(model, owner) in _LIBRARIES:
        return TEMPLATE, ""
    if method == "add_job" and (owner.startswith(_SCHEDULERS) or made_by(
            model, owner).startswith(_SCHEDULERS)):
        return SCHEDULED, ""
    return None, ""


def _is_signal(model: ProgramModel, ref: str) -> bool:
    """A signal of a request-serving library (`django.db.models.signals.post_save`) or one
    the project makes. Another library's `signals` module says nothing of when its signals
    fire (Celery's `worker_ready`, `task_prerun` fire in a worker): a receiver of one is no
    kind here, its callers unknown."""
    module = ref.rpartition(".")[0]
    if ref.startswith(_LIBRARY_SIGNALS):
        return ".signals." in f".{module}." or ref.startswith("blinker.")
    return bool(_project_signal(model, ref))


def _project_signal(model: ProgramModel, ref: str) -> str:
    """The defining reference of a signal the project makes (`paid = Signal()`), or ""."""
    if not ref or ref.startswith(_LIBRARY_SIGNALS):
        return ""
    if made_by(model, ref) not in _SIGNAL_CLASSES:
        return ""
    return model.defining_name(ref) or ref


def _senders(model: ProgramModel) -> dict[str, list[str]]:
    """Project signal (defining reference) -> the functions that send it."""
    out: dict[str, list[str]] = {}
    for qualname in sorted(model.functions):
        fn = model.functions[qualname]
        for site in fn.calls:
            callee = site.callee
            owner, _, method = callee.ref.rpartition(".")
            if callee.kind != "ref" or method not in _SENDS or not owner:
                continue
            signal = _project_signal(model, owner)
            if signal and qualname not in out.setdefault(signal, []):
                out[signal].append(qualname)
    return out
