"""BR206: the positive evidence that makes a missing limit a warning, not a note.

A route that reads like authentication is worth a warning only when a client can abuse what
it does on every call: it verifies a password or a one-time code (guessing), sends a mail or
an SMS (flooding), or creates an account (mass sign-up). Its path or name, or a call merely
named `token` or `session`, is not that evidence: such routes go out as notes saying so.

The evidence is read from code the program model reaches: the handler, the cleaners and
validators of the forms and serializers it validates (through their MRO), and the project
functions they call through *resolved* edges, up to three calls away. In that code a call
counts when its name is one of the specific acts below (`authenticate`, `check_password`,
`send_mail`, `create_user`) or when the model solved a CREDENTIAL effect (a password it was
handed, checked). A library view whose behaviour is known by its resolved import
(`django.contrib.auth.views.LoginView`) is evidence of its own act. A task the code enqueues
or hands to the call that sends it runs once per request: its code is read as the route's
(`enqueued_task`, `handed_task`). A credential check read by its name on a library object
counts only when that library is an authentication API (`_AUTH_LIBRARIES`).
"""

from __future__ import annotations

import re

from ..analysis.frameworks.routes import Route
from ..analysis.program import CREDENTIAL, ProgramModel, describe
from ..analysis.program.facts import CallSite, ClassInfo, FunctionInfo, derived_ref

# A call that checks a password or a one-time code the caller sent, or signs the caller in
# once a form has checked one (`login(request, form.get_user())`). A bare `verify` is not
# here: JWT and signature checks of an unguessable token share the name. Nor is
# `compare_digest`: it compares refresh tokens, API keys and signatures as often as
# passwords, and a posted password compared is the model's CREDENTIAL effect already.
_VERIFIES = re.compile(r"^(?:authenticate\w*|\w*_authenticate|check_?password\w*|checkpw"
                       r"|verify_?(?:password|passwd|otp|totp|2fa|mfa|user|credentials?)"
                       r"|check_?(?:otp|totp|auth|credentials?)|password_?verify"
                       r"|login|log_?in|login_user|sign_?in"
                       # An OAuth token endpoint (Authlib, oauthlib) checks the client's
                       # secret, and a password grant's password, on every call.
                       r"|create_token_response)$", re.I)
# The calls of _VERIFIES that sign the caller in rather than check what it sent: evidence
# of a password check only where nothing else lets the caller in (a one-time secret in the
# path, a mailed reset or magic-link token, lets it in as well: nothing to guess there).
_SIGNS_IN = re.compile(r"^(?:log_?in|login_user|sign_?in)$", re.I)
# A call that sends a message to an address or a phone per request.
_SENDS = re.compile(r"^(?:send_?(?:mass_)?e?mail\w*|send_?sms\w*|send_\w*_(?:e?mail|sms)"
                    r"|send_(?:password|reset|verification|confirmation|activation|welcome"
                    r"|invitation|invite|otp|code|magic)\w*|mail_user|send_message_to_user"
                    r"|send_registration\w*)$", re.I)
# A call that creates an account.
_CREATES = re.compile(r"^(?:create_(?:user|account|new_user|local_user)|register_(?:user"
                      r"|account|new_user)|signup|sign_up|user_create)$", re.I)

# Mail and SMS libraries, by the reference a call resolves to through the imports: a
# function of theirs called (`django.core.mail.send_mail`), or a message object of theirs
# sent (`EmailMessage(...).send()`, `smtplib.SMTP(...).sendmail(...)`).
_MAIL_MODULES = ("django.core.mail", "flask_mail", "smtplib", "fastapi_mail", "aiosmtplib",
                 "twilio", "sendgrid", "flask_mailman", "anymail")
_SEND_METHODS = frozenset({"send", "send_message", "sendmail", "send_messages", "create"})


def _sends_through_a_library(program: ProgramModel, site: CallSite) -> bool:
    ref = site.callee.ref
    if derived_ref(ref):
        return False  # a project-phase type (`form = self.form_class(...)`): no library's
    if site.callee.kind == "ref" and "." in ref:
        # `mailer.send(msg)` on a module-level `mailer = Mail()` of Flask-Mail.
        head, attr = ref.rsplit(".", 1)
        made_by = program.instance_of(head) if attr in _SEND_METHODS else None
        if made_by is not None and made_by.startswith(_MAIL_MODULES):
            return True
    if not ref.startswith(_MAIL_MODULES):
        return False
    if site.callee.kind == "typed":
        return site.callee.attr in _SEND_METHODS and (site.callee.attr != "create"
                                                      or ref.startswith("twilio"))
    return site.callee.kind == "ref" and "send" in ref.rsplit(".", 1)[-1].lower()


# Library calls that check a caller's credentials against another service, by the
# reference the call resolves to through the imports (a library class built, or a method
# of a library client: the project's subclass of it, or what a project factory returns).
_LIBRARY_SIGN_INS: tuple[tuple[str, frozenset[str], str], ...] = (
    # keystoneauth's password and TOTP plugins: the session signs in with them
    ("keystoneauth1.identity.", frozenset({"Password", "TOTP", "PasswordMethod",
                                           "TOTPMethod"}),
     "hands the caller's password or passcode to keystone"),
    ("python_freeipa.", frozenset({"login", "otptoken_sync", "change_password"}),
     "checks the caller's password against FreeIPA"),
    ("ldap3.", frozenset({"bind", "rebind"}), "binds to LDAP with the caller's password"),
    ("ldap.", frozenset({"simple_bind_s", "simple_bind", "bind_s"}),
     "binds to LDAP with the caller's password"),
    ("pyotp.", frozenset({"verify"}), "checks a one-time code"),
)


def _library_refs_of(program: ProgramModel, ref: str) -> list[str]:
    """The library classes a type reference stands for: itself when the project does not
    define it, the library bases of a project class (its MRO), or of the class a project
    factory returns (`return Client(...)`, followed one call)."""
    found = program.resolve(ref)
    if found is None:
        return [ref]
    if isinstance(found, FunctionInfo):
        made = [site.callee.ref for site in found.calls
                if site.returned and site.callee.kind == "ref"]
        return [r for m in made for r in _library_refs_of_class(program, m)]
    return _library_refs_of_class(program, ref)


def _library_refs_of_class(program: ProgramModel, ref: str) -> list[str]:
    cls = program.resolve(ref)
    if cls is None:
        return [ref]
    if not isinstance(cls, ClassInfo):
        return []
    return [b for c in program.mro(cls) for b in c.bases if program.resolve(b) is None]


def _signs_in_through_a_library(program: ProgramModel, site: CallSite) -> str | None:
    """What a call does when it checks a credential with a library client
    (_LIBRARY_SIGN_INS), else None."""
    callee = site.callee
    if callee.kind == "ref":
        # A library class built (`v3.Password(...)`), a library function, or a method of a
        # library base the project's class does not override (`Client.login` of
        # `class Client(ClientMeta)`).
        head, _, last = callee.ref.rpartition(".")
        owner = program.resolve(head) if head else None
        if program.resolve(callee.ref) is not None:
            return None  # the project's own code: its calls are followed instead
        candidates = [(callee.ref, last)] if owner is None else [
            (f"{r}.{last}", last) for r in _library_refs_of_class(program, head)]
    elif callee.kind == "typed" and not derived_ref(callee.ref):
        candidates = [(f"{r}.{callee.attr}", callee.attr)
                      for r in _library_refs_of(program, callee.ref)]
    else:
        return None
    for ref, last in candidates:
        for prefix, names, what in _LIBRARY_SIGN_INS:
            if ref.startswith(prefix) and last in names:
                return what
    return None


# A task queue's decorators (dramatiq's `actor`, Celery's `shared_task` / `app.task`) and
# the methods that enqueue the decorated function: `send_email.send(...)` runs `send_email`
# in a worker, once per request.
_TASK_DECORATORS = frozenset({"actor", "shared_task", "task"})
_ENQUEUES = frozenset({"send", "send_with_options", "delay", "apply_async"})


def enqueued_task(program: ProgramModel, site: CallSite) -> FunctionInfo | None:
    """The project task function a call enqueues (`send_email.send(...)` of a function
    decorated `@dramatiq.actor`), else None."""
    if site.callee.kind != "ref" or "." not in site.callee.ref:
        return None
    head, _, attr = site.callee.ref.rpartition(".")
    task = program.resolve(head) if attr in _ENQUEUES else None
    if not isinstance(task, FunctionInfo) or not any(
            d.rsplit(".", 1)[-1] in _TASK_DECORATORS for d in task.decorators):
        return None
    return task


# Libraries whose objects' `login` / `authenticate` / token methods check the credentials a
# caller sends (an OAuth server's token endpoint, PAM, the auth frameworks), by the resolved
# reference's prefix. Any other library object's `login()` signs the application in to
# another service (SMTP, IMAP, an identity provider's redirect): no check of the caller.
_AUTH_LIBRARIES = ("authlib.", "oauthlib.", "django.contrib.auth.", "flask_login.",
                   "flask_security.", "fastapi_users.", "pam.", "passlib.", "flask_httpauth.",
                   *(prefix for prefix, _, _ in _LIBRARY_SIGN_INS))


def _library_receiver(program: ProgramModel, fn: FunctionInfo, site: CallSite
                      ) -> list[str] | None:
    """The library classes the object a method call is made on stands for, when the
    program model types it and it is no project class (`auth = OneLogin_Saml2_Auth(req)`,
    or what a project factory returns, or a module-level object of a library class);
    None when the receiver is the project's, a plain function is called, or the call is
    not typed at all."""
    callee = site.callee
    if callee.kind == "typed" and not derived_ref(callee.ref):
        if program.receiver_class(fn, callee.ref) is not None:
            return None
        factory = program.resolve(callee.ref)
        if isinstance(factory, FunctionInfo) and any(
                isinstance(program.resolve(s.callee.ref), ClassInfo) for s in factory.calls
                if s.returned and s.callee.kind == "ref"):
            return None  # a project factory handing back a project object
        return _library_refs_of(program, callee.ref)
    if callee.kind == "ref" and "." in callee.ref and program.resolve(callee.ref) is None:
        made = program.instance_of(callee.ref.rpartition(".")[0])
        if made is not None and program.class_of(made) is None:
            return _library_refs_of(program, made)
    return None


def _named_act_counts(program: ProgramModel, fn: FunctionInfo, site: CallSite,
                      pattern: re.Pattern[str]) -> bool:
    """A credential check read by its name counts unless it is a method of a library
    object whose class is no known authentication API (_AUTH_LIBRARIES)."""
    if pattern is not _VERIFIES:
        return True
    refs = _library_receiver(program, fn, site)
    return refs is None or any(r.startswith(_AUTH_LIBRARIES) for r in refs)


# Calls that hand a function or a task to a queue or a worker to run (`queue.enqueue(send_mail,
# ...)`, `background_tasks.add_task(send_mail, ...)`, `self.send_task(actor, ...)`): what is
# handed to one runs once per request. Handed to any other call (`hooks.append(task)`), it
# is only kept.
_RUNS_HANDED = re.compile(r"^(?:enqueue\w*|add_task|send_task|send|submit|apply_async|delay"
                          r"|defer|spawn|schedule|run_task|dispatch\w*)$")


def handed_task(program: ProgramModel, site: CallSite) -> tuple[str, list[FunctionInfo]] | None:
    """The project task a call that runs what it is handed (_RUNS_HANDED) is handed, with
    the name it goes by and its code: a project function (`queue.enqueue(mail_link, ...)`,
    or its dotted name written as a string, `celery.send_task("app.tasks.send_reset")`), or
    an object a task decorator makes of a project class or function (`self.send_task(
    on_reset, ...)` of `on_reset = dramatiq.actor(ResetTask())`: the class's own methods).
    None otherwise."""
    ref = site.first_ref
    if not ref or not _RUNS_HANDED.match(site.text.rsplit(".", 1)[-1]):
        return None
    found = program.resolve(ref)
    if isinstance(found, FunctionInfo):
        # a registered task or a plain function a worker runs, named or spelled as a string
        # (`enqueue("app.tasks.mail_link")`): the project must define it
        return found.name, [found]
    return _task_object(program, ref)


def _task_object(program: ProgramModel, ref: str) -> tuple[str, list[FunctionInfo]] | None:
    """A module-level object a queue's decorator makes of a project definition."""
    made = program.instance_of(ref)
    if made is None or made.rsplit(".", 1)[-1] not in _TASK_DECORATORS:
        return None
    inner = program.wrapped(ref)
    if isinstance(inner, FunctionInfo):
        return inner.name, [inner]
    if isinstance(inner, ClassInfo):
        return ref.rsplit(".", 1)[-1], [program.functions[q] for _, q in sorted(
            inner.methods.items()) if q in program.functions]
    return None


_ACTS = ((_VERIFIES, "verifies a credential"), (_SENDS, "sends a message"),
         (_CREATES, "creates an account"))
_DEPTH = 3

# Library views whose work is known (resolved import prefix, name -> what it does on every
# call). A reset-confirm view checks an unguessable emailed token and a password-change view
# re-checks a signed-in caller's own password: neither is here, they stay notes.
_LIBRARY_ACTS: tuple[tuple[str, frozenset[str], str], ...] = (
    ("django.contrib.auth.", frozenset({"LoginView", "login"}),
     "Django's LoginView checks the posted password"),
    ("django.contrib.auth.", frozenset({"PasswordResetView", "password_reset"}),
     "Django's PasswordResetView sends a reset e-mail"),
    ("rest_framework.authtoken.", frozenset({"ObtainAuthToken", "obtain_auth_token"}),
     "DRF's ObtainAuthToken checks the posted password"),
    ("rest_framework_simplejwt.", frozenset({"TokenObtainPairView", "TokenObtainSlidingView",
                                             "TokenObtainView"}),
     "simplejwt's token view checks the posted password"),
    ("oauth2_provider.", frozenset({"TokenView"}),
     "django-oauth-toolkit's TokenView checks client secrets and, for the password grant, "
     "passwords"),
    ("knox.", frozenset({"LoginView"}), "knox's LoginView checks the caller's credentials"),
    ("dj_rest_auth.", frozenset({"LoginView"}), "dj-rest-auth's LoginView checks the password"),
    ("dj_rest_auth.", frozenset({"PasswordResetView"}),
     "dj-rest-auth's PasswordResetView sends a reset e-mail"),
    ("dj_rest_auth.registration.", frozenset({"RegisterView"}),
     "dj-rest-auth's RegisterView creates an account"),
    ("django_registration.", frozenset({"RegistrationView"}),
     "django-registration's view creates an account"),
    ("allauth.account.", frozenset({"LoginView"}), "allauth's LoginView checks the password"),
    ("allauth.account.", frozenset({"SignupView"}), "allauth's SignupView creates an account"),
    ("allauth.account.", frozenset({"PasswordResetView"}),
     "allauth's PasswordResetView sends a reset e-mail"),
    ("registration.", frozenset({"RegistrationView"}),
     "django-registration-redux's RegistrationView creates an account"),
    ("rest_framework_jwt.", frozenset({"obtain_jwt_token", "ObtainJSONWebToken"}),
     "djangorestframework-jwt's token view checks the posted password"),
    ("flask_security.", frozenset({"login"}), "Flask-Security's login view checks the password"),
    ("flask_security.", frozenset({"register"}), "Flask-Security's register view creates an "
                                                 "account"),
    ("flask_security.", frozenset({"forgot_password"}),
     "Flask-Security's forgot_password view sends a reset e-mail"),
)


def library_act(refs: list[str]) -> str | None:
    """What a library view the route serves (its resolved reference, or a base of the
    project's view class) does on every call, when that is known."""
    for ref in refs:
        last = ref.rsplit(".", 1)[-1]
        for prefix, names, what in _LIBRARY_ACTS:
            if ref.startswith(prefix) and last in names:
                # "runs Django's LoginView, which checks the posted password"
                return "runs " + re.sub(r" (checks|sends|creates) ", r", which \1 ", what,
                                        count=1)
    return None


# The methods of a form or serializer a view's validation runs.
_VALIDATORS = ("clean", "validate")


def validators(program: ProgramModel, cls: ClassInfo) -> list[FunctionInfo]:
    """`clean`, `clean_<field>`, `validate`, `validate_<field>` through the class's MRO."""
    return [fn for c in program.mro(cls) for name, qualname in sorted(c.methods.items())
            if any(name == v or name.startswith(v + "_") for v in _VALIDATORS)
            and (fn := program.functions.get(qualname)) is not None]


# Form and serializer libraries whose validation runs a class's `clean*` / `validate*`
# methods (`is_valid()`, `validate_on_submit()`, `load()`).
_FORM_LIBRARIES = ("django.forms.", "django.contrib.auth.forms.", "rest_framework.serializers.",
                   "rest_framework_simplejwt.serializers.", "wtforms.", "flask_wtf.",
                   "marshmallow.")


def is_form(program: ProgramModel, cls: ClassInfo) -> bool:
    """A form or serializer: a library base of its MRO is one (_FORM_LIBRARIES). A plain
    project class with a `validate()` of its own is no form: nothing runs it."""
    return any(base.startswith(_FORM_LIBRARIES) for c in program.mro(cls) for base in c.bases
               if program.resolve(base) is None)


def constructed_forms(program: ProgramModel, fn: FunctionInfo) -> list[ClassInfo]:
    """Project forms and serializers `fn` builds (`LoginForm(request.POST)`,
    `Serializer(data=...)`) that validate: their validators run when the handler asks
    `is_valid()`, wherever the handler is registered."""
    out: list[ClassInfo] = []
    for site in fn.calls:
        # `LoginForm(...)`, or `self.form_class(...)` holding one (ProgramModel.constructed)
        cls = program.constructed(fn, site)
        if cls is not None and cls not in out and validators(program, cls) \
                and is_form(program, cls):
            out.append(cls)
    return out


# The password checks a form's or serializer's validation makes (a subset of _VERIFIES:
# signing in is not checking).
_CHECKS_PASSWORD = re.compile(r"^(?:authenticate\w*|\w*_authenticate|check_?password\w*"
                              r"|checkpw|verify_?(?:password|passwd|credentials?)"
                              r"|password_?verify)$", re.I)


def form_checks_password(program: ProgramModel, code: list[FunctionInfo],
                         forms: list[ClassInfo]) -> str | None:
    """How the validation of a form or serializer the code a request runs validates —
    one it builds (`LoginForm(request.POST)`) or one the view names (`forms`) — checks a
    password: `clean()` calling `authenticate(...)` or `check_password(...)`, in the form's
    MRO or up to two resolved calls from it. The login is in the form, whatever the
    route's path says."""
    classes = [*forms, *(f for fn in code for f in constructed_forms(program, fn)
                         if f not in forms)]
    for cls in classes:
        for fn in validators(program, cls):
            found = sorted(program.effects(fn, CREDENTIAL),
                           key=lambda r: (len(r.via), r.origin_path, r.effect.line))
            if found and len(found[0].via) <= 2:
                return f"`{cls.name}` validates with {describe(found[0], 'checks')}"
            for reached in [fn, *(t for _, t in program.edges(fn))]:
                site = next((s for s in reached.calls
                             if _CHECKS_PASSWORD.match(s.text.rsplit(".", 1)[-1])), None)
                if site is not None:
                    return (f"`{cls.name}.{fn.name}` checks `{site.text}()` "
                            f"({reached.path.rsplit('/', 1)[-1]}:{site.line})")
    return None


def abusable_act(program: ProgramModel, code: list[FunctionInfo],
                 sign_ins: bool = True) -> str | None:
    """How the code a request runs (`code`: the handler and what it validates) verifies a
    credential, sends a message or creates an account, through resolved calls up to three
    away; None when none of that is seen. `sign_ins=False`: a call that only signs the
    caller in (`login_user(user)`, _SIGNS_IN) is no evidence."""
    start = list(code)
    for fn in code:
        start += [v for form in constructed_forms(program, fn) for v in validators(program, form)
                  if v not in start]
    for fn in start:
        found = sorted(program.effects(fn, CREDENTIAL),
                       key=lambda r: (len(r.via), r.origin_path, r.effect.line))
        if found and len(found[0].via) <= _DEPTH:
            return "verifies a credential: " + re.sub(r"^which ", "", describe(found[0], "checks"))
    seen = {fn.qualname for fn in start}
    # the code of a task handed to a call that sends it -> that call, for the message
    sent_by: dict[str, str] = {}
    frontier = start
    for depth in range(_DEPTH + 1):
        following: list[FunctionInfo] = []
        for fn in frontier:
            for site in fn.calls:
                if program.untold(fn, site):
                    continue
                name = site.text.rsplit(".", 1)[-1]
                # where: `authenticate()` (views.py:12, in `helper`)
                where = (f"`{site.text}()` ({fn.path.rsplit('/', 1)[-1]}:{site.line}"
                         f"{', in `' + fn.name + '`' if depth or fn not in code else ''}"
                         f"{sent_by.get(fn.qualname, '')})")
                signs_in = _signs_in_through_a_library(program, site)
                if signs_in is not None:
                    return f"verifies a credential: {where}, which {signs_in}"
                if _sends_through_a_library(program, site):
                    return f"sends a message: {where}"
                # The name as written, and as imported (`auth_login` is Django's `login`).
                names = {name, site.callee.ref.rsplit(".", 1)[-1]} if (
                    site.callee.kind == "ref") else {name}
                task = enqueued_task(program, site)
                handed = (task.name, [task]) if task is not None else handed_task(
                    program, site)
                if handed is not None:
                    # The task runs once per request: its name and its code count.
                    names.add(handed[0])
                    for code_fn in handed[1]:
                        if depth < _DEPTH and code_fn.qualname not in seen:
                            seen.add(code_fn.qualname)
                            following.append(code_fn)
                            if task is None:
                                sent_by[code_fn.qualname] = (
                                    f", the task `{handed[0]}` that `{site.text}()` "
                                    f"({fn.path.rsplit('/', 1)[-1]}:{site.line}) sends")
                for pattern, what in _ACTS:
                    if any(pattern.match(n) and (sign_ins or not _SIGNS_IN.match(n))
                           for n in sorted(names)) and _named_act_counts(
                               program, fn, site, pattern):
                        return f"{what}: {where}"
            if depth < _DEPTH:
                for _, target in program.edges(fn):
                    if target.qualname not in seen:
                        seen.add(target.qualname)
                        following.append(target)
        frontier = following
    return None


_AS_VIEW = re.compile(r"([\w.]+)\.as_view\(")


def loaded_view(program: ProgramModel, route: Route) -> ClassInfo | None:
    """The project view class a URL pattern registers through a class loaded by name
    (`path("login/", self.login_view.as_view())` after `self.login_view =
    get_class("customer.views", "AccountAuthView")` in the app config, or a module-level
    `LoginView = get_class(...)`), when the loader's strings name a project module and class
    (ProgramModel.loaded); None when nothing such is registered or it does not resolve."""
    found = _AS_VIEW.search(route.decorator[1]) if route.decorator else None
    text = found[1] if found else route.handler
    module = next((m for m in program.modules.values() if m.path == route.file), None)
    if module is None or not text:
        return None
    head, _, rest = text.partition(".")
    if head == "self" and rest and "." not in rest:
        # The method registering the pattern: the last def of the file above it.
        owner = max((fn for fn in module.functions if fn.cls and fn.line <= route.span.start_line),
                    key=lambda fn: fn.line, default=None)
        cls = program.classes.get(owner.cls) if owner is not None and owner.cls else None
        spec = next((c.loads[rest] for c in program.mro(cls) if rest in c.loads),
                    None) if cls is not None else None
        return program.loaded(spec) if spec else None
    imported = program.imported(module, head, route.span.start_line)
    ref = (imported or f"{module.name}.{head}") + (f".{rest}" if rest else "")
    where, _, name = ref.rpartition(".")
    source = program.module_of(where) if where else None
    spec = source.loads.get(name) if source is not None else None
    return program.loaded(spec) if spec else None
