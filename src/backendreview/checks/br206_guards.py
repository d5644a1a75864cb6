"""BR206: whether a project decorator the route model reads as a guard by its name checks
the caller at all, read from its body.

The route model takes `@check_delegated_auth` or `@auth_audit` at its word: the name says
authentication. When the decorator is the project's own and its wrapper can be read, the
wrapper decides: one that calls the view whatever the request carries, or that turns the
call away only on a setting (`if request.settings.enable_oauth2_client: raise ...`: the
feature is off for everyone), lets an anonymous caller through, so it is no guard against
one. Anything the reader cannot see through (a wrapper it does not find, a call to a library
function that may check the caller, a test of anything but configuration) keeps the name's
word: the guard stands.
"""

from __future__ import annotations

import ast
import re

from ..analysis.frameworks.routes import Route
from ..analysis.program import AUTH, ProgramModel
from ..analysis.program.facts import FunctionInfo

# A segment of a name that holds configuration: `settings.X`, `app.config["X"]`,
# `request.settings.enable_x` (per-site settings a middleware hangs on the request).
_CONFIG = re.compile(r"^(?:settings|config|conf|configuration|app_config|features?|flags?"
                     r"|options)$", re.I)
# Library calls a wrapper makes that may check the caller (`verify_jwt_in_request()`,
# `current_identity.require()`): the reader cannot see what they do, so the guard stands.
_MAY_CHECK = re.compile(r"auth|login|user|token|perm|verify|check|require|session|credential"
                        r"|key|secret|jwt|role|access|identity|principal|scope|allow|deny",
                        re.I)


# An exception a wrapper raises to turn the call away (`PermissionDenied(...)`): the refusal,
# not a check; what decides is the test it sits under (FunctionInfo.gates).
_REFUSAL = re.compile(r"(?:Error|Exception|Denied|Forbidden|Unauthori[sz]ed)$")
# Builtins a configuration test calls (`getattr(settings, "X", False)`).
_BUILTINS = frozenset({"getattr", "hasattr", "bool", "len", "isinstance", "str", "int"})


def checks_no_one(program: ProgramModel, route: Route, name: str) -> bool:
    """The decorator `name` on the route's handler is a project decorator whose wrapper
    turns no one away for who they are: it calls on unconditionally or refuses only on
    configuration (module docstring). False whenever that cannot be read."""
    handler = program.function_at(route.handler_file, route.handler_line)
    if handler is None:
        return False
    last = name.rsplit(".", 1)[-1]
    ref = next((d for d in handler.decorators if d == name or d.rsplit(".", 1)[-1] == last),
               None)
    decorator = program.resolve(ref) if ref else None
    if not isinstance(decorator, FunctionInfo) or program.guarded_by(decorator, AUTH):
        return False
    inside = decorator.qualname + "."
    wrappers = [fn for _, fn in sorted((qualname, fn) for qualname, fn in
                                       program.functions.items() if qualname.startswith(inside))]
    if not wrappers:
        return False  # `return login_required(view)`: a library guard, out of sight
    return all(_lets_anyone_through(program, fn) for fn in wrappers)


def _lets_anyone_through(program: ProgramModel, wrapper: FunctionInfo) -> bool:
    if program.effects(wrapper, AUTH):
        return False  # it, or a project function it calls, turns anonymous callers away
    for site in wrapper.calls:
        last = site.text.rsplit(".", 1)[-1]
        if not program.targets(wrapper, site) and _MAY_CHECK.search(site.text) and not (
                _REFUSAL.search(last)):
            return False
    return all(_reads_configuration_only(test) for test in wrapper.gates)


def _reads_configuration_only(test: str) -> bool:
    """Every name the test reads is configuration (a chain through a _CONFIG segment) or a
    module constant in capitals; literals and operators aside."""
    try:
        tree = ast.parse(test, mode="eval")
    except SyntaxError:
        return False
    for node in ast.walk(tree):
        if not isinstance(node, ast.Name) or node.id in _BUILTINS:
            continue
        chain = _chain_of(tree, node)
        if not (_configuration(chain) or (len(chain) == 1 and chain[0].isupper())):
            return False
    return True


# A segment that names the caller (`g.account.flags.active`, `current_user.settings.x`):
# what hangs below it is that caller's own, not the site's configuration.
_CALLER = re.compile(r"user|account|member|identity|principal|session|token|profile|owner"
                     r"|caller|person|customer|client|tenant", re.I)


def _configuration(chain: list[str]) -> bool:
    """The chain reads configuration: it passes a _CONFIG segment, and no segment before
    the first one names the caller."""
    first = next((i for i, part in enumerate(chain) if _CONFIG.match(part)), None)
    return first is not None and not any(_CALLER.search(part) for part in chain[:first])


def _chain_of(tree: ast.AST, name: ast.Name) -> list[str]:
    """The dotted names of the longest attribute chain rooted at `name` in `tree`."""
    parents = {id(child): node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    parts = [name.id]
    node: ast.AST = name
    while isinstance(parent := parents.get(id(node)), ast.Attribute) and parent.value is node:
        parts.append(parent.attr)
        node = parent
    return parts
