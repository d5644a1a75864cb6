"""BR206: who reaches a route named like authentication, and whether its code checks a
one-time code, read through the program model.

Two questions the route model cannot answer from one file: a FastAPI dependency that hands
its check to a helper (`get_current_org_for_credential_routes()` returning
`_org_for_token_types(...)`, which raises 403 without an API key) guards the route all the
same; and a route whose path says `totp` or `otp` behind such a guard may only store a code
(a mail hook forwarding one for an agent to use elsewhere): dropped only when its code is
seen keeping the code and checking none (no `==`/`!=`, no call that checks a code).
"""

from __future__ import annotations

import dataclasses
import re

from ..analysis.frameworks.routes import Route
from ..analysis.program import AUTH, CREDENTIAL, ProgramModel
from ..analysis.program.extract import SECRET_TEST
from ..analysis.program.facts import FunctionInfo

_CALLER_TEST = re.compile(r"is_authenticated|is_anonymous|current_user|request\.user\b|"
                          r"is_superuser|is_staff|is_admin\b")


def refuses_anonymous(test: str) -> bool:
    """`if not request.user.is_authenticated:` / `if user.is_anonymous:` turn anonymous
    callers away; `if user.is_authenticated: return redirect(next)` on a login page sends
    signed-in callers on, and says nothing about who may post the form."""
    if not _CALLER_TEST.search(test):
        return False
    # `not in` tests membership (`... and "next" not in request.GET`), it negates nothing.
    negated = re.search(r"\bnot\b(?!\s+in\b)", test) is not None
    return not negated if "is_anonymous" in test else negated


# How the guard found here is named on the route; signed_in_caller() reads it back.
THROUGH_CALLS = "(refuses callers without credentials, in its calls)"
# How far a dependency may hand its check on: a dependency calling the shared helper that
# raises is one call; a check deeper than two calls is some other work's step.
_GUARD_DEPTH = 2


def with_guarding_dependency(program: ProgramModel, route: Route, sign_in: bool) -> Route:
    """The route as BR206 judges it: a project dependency of the route (a name the route
    model collected, resolving to a project function other than the handler) that refuses
    a caller without credentials within two calls — a test of the secret the request
    carries (`if not x_api_key: raise HTTPException(403)`) or of who the caller is —
    guards it like a dependency refusing in its own code. Not on a sign-in page
    (`sign_in`: its guard must let anonymous callers reach the form), nor when the
    dependency checks a password itself: that is the sign-in."""
    if route.auth or route.global_auth or route.credentials is not None or sign_in:
        return route
    for name in route.raw:
        fn = program.resolve(name)
        if not isinstance(fn, FunctionInfo) or (
                fn.path == route.handler_file and fn.line == route.handler_line):
            continue
        if program.effects(fn, CREDENTIAL):
            continue
        if any(len(r.via) <= _GUARD_DEPTH and (SECRET_TEST.search(r.effect.detail)
                                               or refuses_anonymous(r.effect.detail))
               for r in program.guarded_by(fn, AUTH)):
            return dataclasses.replace(route, auth=(f"{fn.name} {THROUGH_CALLS}",))
    return route


# A call that checks a code or secret the caller sent: `verify_totp(code)`,
# `totp.verify(code)`, `check_otp`, `match_token`, `compare_digest`, a password check.
# Storing, parsing or sending a code (`create_otp_code`, `parse_otp_login`) checks nothing.
_CHECKS_A_CODE = re.compile(r"verify|check_?(?:otp|totp|code|token|pass)|validate_?(?:otp"
                            r"|totp|code|token)|match_token|compare_digest|checkpw"
                            r"|authenticat", re.I)
_CODE_DEPTH = 3


# A call keeping or handing on what it is given: `create_otp_code(...)`, `session.add(row)`,
# `row.save()`, `send_code(...)`, `queue.publish(...)`.
_KEEPS_A_CODE = re.compile(r"(?:^|_)(?:create|save|store|insert|add|put|persist|record|send"
                           r"|forward|enqueue|publish)(?:_|$)", re.I)


def only_keeps_a_code(program: ProgramModel, code: list[FunctionInfo]) -> bool:
    """Whether the project code a request runs first (`code`: the handler and what it
    validates) keeps the posted code and checks none: it stores or forwards a value (a
    parameter's value assigned to an attribute or an item, a store or send call of its
    own) while no `==`/`!=` of its own and no call up to three calls away checks a code
    (`checks_a_code`). Only that positive evidence makes a one-time-code route nothing to
    guess; a route doing neither, seen or not, keeps its finding."""
    if any("compare" in fn.value_uses for fn in code) or checks_a_code(program, code):
        return False
    return any("store" in fn.value_uses or any(
        _KEEPS_A_CODE.search(site.text.rsplit(".", 1)[-1]) for site in fn.calls)
        for fn in code)


def checks_a_code(program: ProgramModel, code: list[FunctionInfo]) -> bool:
    """Whether the project code a request runs (`code`: the handler and what it validates),
    or a function it calls up to three calls away, calls something that checks a code or
    a password — library calls included, by name — or hands a password on to be checked."""
    for level in program.callee_levels(code, _CODE_DEPTH + 1):
        for fn in level:
            # The calls the model resolved, and the auth-like calls it could not
            # (`request.user.totp_device.verify_token(...)`, kept by name in auth_acts).
            names = [*fn.auth_acts, *(site.text.rsplit(".", 1)[-1] for site in fn.calls)]
            if program.effects(fn, CREDENTIAL) or any(_CHECKS_A_CODE.search(n) for n in names):
                return True
    return False
