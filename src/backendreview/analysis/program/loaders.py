"""Classes a project loads by name at run time, read where the strings are constants.

`get_class("customer.views", "AccountAuthView")` (a project's own loader, django-oscar's
style) or Django's `import_string("app.views.LoginView")` hands back a class whose module
and name the call spells out. The per-file phase keeps the spelled-out target
("customer.views:AccountAuthView"); the project phase (`ProgramModel.loaded`) resolves it
like an import when the project has that module and it defines that class. A name built
at run time, or a module the project does not have, stays unresolved.
"""

from __future__ import annotations

import ast
import re

_MODULE = re.compile(r"^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*$")
_CLASS = re.compile(r"^_?[A-Z]\w*$")
# Library loaders taking one dotted path to a class.
_DOTTED_LOADERS = frozenset({"django.utils.module_loading.import_string",
                             "werkzeug.utils.import_string"})
# Loaders taking a module path and a class name (django-oscar's `get_class`, the projects
# that copy it). Any other call of two constant strings is no load we can tell:
# `apps.get_model("auth", "User")` names an app label, `make_view("a.views", "Title")` may
# build anything, `os.getenv("AUTH", "Ldap")` reads a setting.
_MODULE_AND_NAME_LOADERS = frozenset({"get_class", "load_class", "import_class"})


def loaded_spec(call: ast.Call, callee_ref: str | None) -> str | None:
    """"module:Class" when `call` loads a class named by constant strings: two leading
    string arguments, a dotted module path and a class name, given to a loader named so
    (`get_class("a.views", "LoginView")`), or one dotted path given to a known library
    loader; else None.
    `callee_ref` is the call's callee as the file resolves it: a call of a local value or
    of a method of an unknown object is no loader we can tell."""
    if callee_ref is None:
        return None
    texts = [a.value for a in call.args[:2]
             if isinstance(a, ast.Constant) and isinstance(a.value, str)]
    if callee_ref in _DOTTED_LOADERS and len(call.args) == 1 and len(texts) == 1:
        module, _, name = texts[0].rpartition(".")
        texts = [module, name]
    elif (len(texts) != 2 or len(call.args) > 3
          or callee_ref.rsplit(".", 1)[-1] not in _MODULE_AND_NAME_LOADERS):
        return None
    module, name = texts
    if not module or not _MODULE.match(module) or not _CLASS.match(name):
        return None
    return f"{module}:{name}"
