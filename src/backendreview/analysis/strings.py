"""How a string expression was built: which parts are constant text and which are runtime
values. Shared by the SQL rules (BR101, and BR103 later).

`analyze_string(expr)` follows f-strings, `%` formatting (tuple, single value, dict),
`.format()` on constant templates (also module constants), `+` / `+=` concatenation, implicit
concatenation, `"sep".join([...])`, conditional expressions, and local variables of the same
function. `is_static(expr)` decides whether an interpolated value is a compile-time constant
(or a number, an identifier quoted by the driver, a value chosen from constants).
"""

from __future__ import annotations

import ast
import re
import string
from dataclasses import dataclass, field

from ..context import FileContext
from ..semantic import Binding
from .containers import written_into

_MAX_DEPTH = 12

# Calls whose result cannot carry SQL syntax: numbers, booleans, and identifier quoting.
_SAFE_CALLS = frozenset({
    "builtins.int", "builtins.float", "builtins.len", "builtins.bool", "builtins.round",
    "builtins.abs", "builtins.hash", "builtins.id", "builtins.range",
    "math.ceil", "math.floor", "math.trunc", "math.isqrt",
    "psycopg2.extensions.quote_ident", "psycopg.sql.Identifier", "psycopg.sql.Literal",
    "psycopg2.sql.Identifier", "psycopg2.sql.Literal", "uuid.uuid4", "uuid.UUID",
})
# Containers and iteration helpers: constant when what they wrap is constant.
_WRAPPERS = frozenset({
    "builtins.enumerate", "builtins.zip", "builtins.sorted", "builtins.reversed",
    "builtins.list", "builtins.tuple", "builtins.set", "builtins.frozenset", "builtins.dict",
    "builtins.iter", "builtins.str", "builtins.repr", "json.dumps",
})
_CONTAINER_METHODS = frozenset({"items", "keys", "values", "copy", "get"})
_SAFE_METHODS = frozenset({
    "quote_name", "quote_ident", "quote_identifier", "quote_name_unless_alias",
    "quote_schema", "quote_table", "format_table", "format_column", "get_placeholder",
})
# Django's ORM compiles a queryset to parameterized SQL: (sql, params) = qs.query.sql_with_params()
_COMPILED_SQL_METHODS = frozenset({"sql_with_params", "as_sql", "compile"})
# Django and SQLAlchemy identifiers that the framework, not the user, controls.
_SAFE_ATTR_SUFFIXES = (
    ("_meta", "db_table"), ("_meta", "model_name"), ("_meta", "app_label"),
    ("_meta", "db_tablespace"), ("__table__", "name"), ("pk", "column"),
)
_SAFE_ATTRS = frozenset({"__tablename__", "db_table", "column", "attname"})
_NUMERIC_SPECS = set("diouxXeEfFgGc")
_PARAM_NAME_RE = re.compile(r"(?:(?<![:\w]):|%\(|\$)[A-Za-z_]\w*$|(?<![:\w]):$")
_PERCENT_RE = re.compile(
    r"%(?:\((?P<key>[^)]*)\))?[#0\- +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?(?P<type>[a-zA-Z%])")

# Collections a function may fill after building them (see _fills_static).
_COLLECTIONS = (ast.Dict, ast.List, ast.Set, ast.DictComp, ast.ListComp, ast.SetComp)


@dataclass
class Piece:
    """A run of constant text, or one runtime value (its expression)."""

    text: str | None = None
    value: ast.expr | None = None
    numeric: bool = False  # formatted as a number (%d, {:d}): cannot inject

    @property
    def is_value(self) -> bool:
        return self.value is not None


@dataclass
class StringBuild:
    pieces: list[Piece] = field(default_factory=list)
    constructs: list[str] = field(default_factory=list)  # "an f-string", "% formatting", ...
    built_at: list[ast.AST] = field(default_factory=list)  # where the dynamic parts joined
    exact: bool = True  # pieces describe the whole string in order (a rewrite is possible)
    through_variable: bool = False
    # `.format()` on a template imported from another module: its text is not visible here.
    imported_template: str | None = None

    @property
    def dynamic_values(self) -> list[ast.expr]:
        return [p.value for p in self.pieces if p.value is not None and not p.numeric]

    @property
    def is_dynamic(self) -> bool:
        return bool(self.dynamic_values)

    def constant_text(self) -> str:
        return "".join(p.text if p.text is not None else "\x00" for p in self.pieces)

    def extend(self, other: StringBuild) -> None:
        self.pieces.extend(other.pieces)
        self.constructs.extend(c for c in other.constructs if c not in self.constructs)
        self.built_at.extend(other.built_at)
        self.exact = self.exact and other.exact
        self.through_variable = self.through_variable or other.through_variable


def _text(value: str) -> StringBuild:
    return StringBuild(pieces=[Piece(text=value)])


class StringAnalyzer:
    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx
        self.semantic = ctx.semantic

    # -- static values -----------------------------------------------------------------------
    def is_static(self, expr: ast.AST | None, depth: int = 0) -> bool:
        if expr is None or depth > _MAX_DEPTH:
            return False
        d = depth + 1
        if isinstance(expr, ast.Constant):
            return True
        if isinstance(expr, ast.Name):
            return self._name_is_static(expr, d)
        if isinstance(expr, ast.Attribute):
            return self._attribute_is_static(expr)
        if isinstance(expr, ast.JoinedStr):
            return all(self.is_static(v, d) for v in expr.values)
        if isinstance(expr, ast.FormattedValue):
            return self.is_static(expr.value, d) or _numeric_spec(expr)
        if isinstance(expr, ast.List | ast.Tuple | ast.Set):
            return all(self.is_static(e, d) for e in expr.elts)
        if isinstance(expr, ast.Dict):
            return all(self.is_static(v, d) for v in expr.values)
        if isinstance(expr, ast.ListComp | ast.GeneratorExp | ast.SetComp):
            return self.is_static(expr.elt, d)
        if isinstance(expr, ast.BinOp):
            if isinstance(expr.op, ast.Mult):
                # "?," * n and ["%s"] * len(ids): repeating constant text is constant text.
                return self.is_static(expr.left, d) or self.is_static(expr.right, d)
            return self.is_static(expr.left, d) and self.is_static(expr.right, d)
        if isinstance(expr, ast.UnaryOp):
            return self.is_static(expr.operand, d)
        if isinstance(expr, ast.IfExp):
            return self.is_static(expr.body, d) and self.is_static(expr.orelse, d)
        if isinstance(expr, ast.Subscript):
            # Choosing from constants (an allowlist: COLUMNS[sort]) yields a constant.
            return self.is_static(expr.value, d)
        if isinstance(expr, ast.Call):
            return self._call_is_static(expr, d)
        return False

    def _call_is_static(self, call: ast.Call, depth: int) -> bool:
        qualified = self.ctx.qualified_name(call.func)
        if qualified in _SAFE_CALLS:
            return True
        if qualified in ("builtins.max", "builtins.min"):
            # max(1, n) is a number whatever n is (a string would not compare with 1).
            return any(isinstance(a, ast.Constant) and isinstance(a.value, int | float)
                       for a in call.args) or all(self.is_static(a, depth) for a in call.args)
        if qualified in _WRAPPERS:
            return bool(call.args) and all(self.is_static(a, depth) for a in call.args)
        func = call.func
        if isinstance(func, ast.Attribute):
            if func.attr in _SAFE_METHODS or func.attr in _COMPILED_SQL_METHODS:
                return True
            if func.attr == "quote" and any(
                    word in self.ctx.source(func.value) for word in ("preparer", "dialect")):
                return True  # SQLAlchemy's dialect identifier quoting
            if func.attr in _CONTAINER_METHODS and self.is_static(func.value, depth):
                # COLUMNS.get(col, col) hands back the raw input on a miss: only a constant
                # default keeps the lookup inside the fixed set.
                default = [*call.args[1:], *(k.value for k in call.keywords)]
                return func.attr != "get" or all(self.is_static(d, depth) for d in default)
            if func.attr == "join" and self.is_static(func.value, depth) and call.args:
                return self.is_static(call.args[0], depth)
            if func.attr == "format" and self.is_static(func.value, depth):
                return all(self.is_static(a, depth) for a in call.args) and all(
                    self.is_static(k.value, depth) for k in call.keywords)
            if func.attr in ("upper", "lower", "strip", "title") and self.is_static(
                    func.value, depth):
                return True
        if qualified in ("builtins.str", "builtins.repr") and call.args:
            return self.is_static(call.args[0], depth)
        if isinstance(func, ast.Name):
            # `qn = connection.ops.quote_name` ... `qn(table)`: the quoting function by
            # another name.
            bindings = self.ctx.semantic.lookup(func.id, func)[1]
            return bool(bindings) and all(
                b.kind == "assign" and isinstance(b.value, ast.Attribute)
                and b.value.attr in _SAFE_METHODS for b in bindings)
        return False

    def _attribute_is_static(self, expr: ast.Attribute) -> bool:
        if expr.attr in _SAFE_ATTRS:
            return True
        # Enum members: Status.DRAFT.value, LinkType.event.name, Color.RED
        root: ast.AST = expr
        chain: list[str] = []
        while isinstance(root, ast.Attribute):
            chain.append(root.attr)
            root = root.value
        if isinstance(root, ast.Name) and root.id[:1].isupper() and not root.id.isupper() and (
                len(chain) >= 1):
            _, bindings = self.semantic.lookup(root.id, root)
            if bindings and all(b.kind in ("import", "class") for b in bindings) and (
                    (chain[0] in ("value", "name") and len(chain) == 2) or (chain[-1].isupper()
                    and len(chain) == 1)):
                return True
        if isinstance(expr.value, ast.Attribute) and (
                expr.value.attr, expr.attr) in _SAFE_ATTR_SUFFIXES:
            return True
        # constants.USERS_TABLE after `import constants`: an upper-case module attribute.
        if isinstance(expr.value, ast.Name) and expr.attr.isupper():
            _, bindings = self.semantic.lookup(expr.value.id, expr.value)
            return bool(bindings) and all(
                b.kind == "import" and isinstance(b.node, ast.Import) for b in bindings)
        return False

    def _name_is_static(self, name: ast.Name, depth: int) -> bool:
        bindings = self.semantic.reaching_bindings(name)
        if not bindings:
            return False
        for binding in bindings:
            if binding.kind == "import":
                # A name imported from another module: a constant there, by convention.
                continue
            if binding.kind in ("assign", "annassign", "walrus") and binding.value is not None:
                if binding.value is name or not self.is_static(binding.value, depth):
                    return False
                if isinstance(binding.value, _COLLECTIONS) and not self._fills_static(
                        name, depth):
                    return False  # `orders["x"] = request.args["x"]` later
                continue
            if binding.kind == "augassign":
                if not self.is_static(binding.value, depth):
                    return False
                continue
            if binding.kind in ("for", "comprehension") and binding.value is not None:
                # for col in ("name", "email"): the loop variable takes constant values.
                if not self.is_static(binding.value, depth):
                    return False
                continue
            if binding.kind == "unpack" and binding.value is not None:
                # sql, params = qs.query.sql_with_params(); a, b = ("x", "y")
                if not self.is_static(binding.value, depth):
                    return False
                continue
            return False
        return True

    def _fills_static(self, name: ast.Name, depth: int) -> bool:
        """Every value the function writes into its local collection `name` after building
        it is static, and nothing else may change it (analysis/containers.py)."""
        func = self.semantic.enclosing_function(name)
        if func is None:
            return True  # a module's collection: its writes are its importers' business
        writes = written_into(self.ctx, func, name.id)
        return writes is not None and all(self.is_static(w, depth) for w in writes)

    def _index_like(self, value: ast.expr, before: str, depth: int = 0) -> bool:
        """A value that can only spell (part of) a bound parameter's name: a constant, an
        index, or a local like `param = f"tag_id_{index}"`."""
        if isinstance(value, ast.Constant):
            return True
        if not isinstance(value, ast.Name) or depth > 3:
            return False
        if before.endswith("_") or _INDEX_NAME.match(value.id):
            return True
        bindings = self.semantic.reaching_bindings(value)
        if not bindings or any(b.kind != "assign" or not isinstance(b.value, ast.JoinedStr)
                               for b in bindings):
            return False
        for binding in bindings:
            text = ""
            for part in binding.value.values:  # type: ignore[union-attr]
                if isinstance(part, ast.Constant):
                    text += str(part.value)
                    if not re.fullmatch(r"\w*", str(part.value)):
                        return False
                elif isinstance(part, ast.FormattedValue) and not self._index_like(
                        part.value, text, depth + 1):
                    return False
        return True

    # -- string builds -----------------------------------------------------------------------
    def analyze(self, expr: ast.AST, depth: int = 0) -> StringBuild | None:
        """The build of a string expression, or None when it is not a string we can read."""
        if depth > _MAX_DEPTH:
            return None
        d = depth + 1
        if isinstance(expr, ast.Constant):
            return _text(expr.value) if isinstance(expr.value, str) else None
        if isinstance(expr, ast.JoinedStr):
            return self._fstring(expr, d)
        if isinstance(expr, ast.BinOp):
            if isinstance(expr.op, ast.Add):
                return self._concat(expr, d)
            if isinstance(expr.op, ast.Mod):
                return self._percent(expr, d)
            return None
        if isinstance(expr, ast.Call):
            return self._call(expr, d)
        if isinstance(expr, ast.Name):
            return self._variable(expr, d)
        if isinstance(expr, ast.IfExp):
            body, orelse = self.analyze(expr.body, d), self.analyze(expr.orelse, d)
            if body is None or orelse is None:
                return None
            merged = StringBuild(pieces=body.pieces + orelse.pieces, exact=False)
            merged.constructs = body.constructs + [
                c for c in orelse.constructs if c not in body.constructs]
            merged.built_at = body.built_at + orelse.built_at
            return merged
        return None

    def _value(self, expr: ast.expr, build: StringBuild, numeric: bool = False) -> None:
        """Append an interpolated value: constant text when static, else a runtime value."""
        if isinstance(expr, ast.Constant) and isinstance(expr.value, str | int | float):
            build.pieces.append(Piece(text=str(expr.value)))
            return
        if self.is_static(expr):
            build.pieces.append(Piece(value=expr, numeric=True))  # safe: never reported
            return
        build.pieces.append(Piece(value=expr, numeric=numeric))

    def _fstring(self, expr: ast.JoinedStr, depth: int) -> StringBuild:
        build = StringBuild()
        for part in expr.values:
            if isinstance(part, ast.Constant):
                build.pieces.append(Piece(text=str(part.value)))
            elif isinstance(part, ast.FormattedValue):
                before = build.pieces[-1].text if build.pieces and build.pieces[
                    -1].text is not None else ""
                # `:tag_{i}` / `%(tag_{i})s`: an index that only names a bound parameter.
                in_name = bool(_PARAM_NAME_RE.search(before or "")) and self._index_like(
                    part.value, before or "")
                self._value(part.value, build, numeric=_numeric_spec(part) or in_name)
        if build.is_dynamic:
            build.constructs.append("an f-string")
            build.built_at.append(expr)
        return build

    def _concat(self, expr: ast.BinOp, depth: int) -> StringBuild | None:
        left = self.analyze(expr.left, depth)
        right = self.analyze(expr.right, depth)
        if left is None and right is None:
            return None
        build = StringBuild()
        for side, node in ((left, expr.left), (right, expr.right)):
            if side is None:
                self._value(node, build)
            else:
                build.extend(side)
        if any(p.value is not None and not p.numeric for p in build.pieces) and (
                left is None or right is None or "concatenation" not in build.constructs):
            if "concatenation" not in build.constructs:
                build.constructs.append("concatenation")
            build.built_at.append(expr)
        return build

    def _template(self, expr: ast.AST, depth: int) -> str | None:
        """A constant template: a literal or a name bound only to one constant string."""
        if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
            return expr.value
        if isinstance(expr, ast.Name):
            bindings = self.semantic.reaching_bindings(expr)
            values = [b.value for b in bindings if b.kind in ("assign", "annassign")]
            if len(values) == 1 and len(bindings) == 1 and isinstance(
                    values[0], ast.Constant) and isinstance(values[0].value, str):
                return values[0].value
        return None

    def _percent(self, expr: ast.BinOp, depth: int) -> StringBuild | None:
        template = self._template(expr.left, depth)
        if template is None:
            left = self.analyze(expr.left, depth)
            if left is None or left.is_dynamic:
                return None
            template = left.constant_text().replace("\x00", "")
        right = expr.right
        build = StringBuild()
        specs = list(_PERCENT_RE.finditer(template))
        named = any(m.group("key") is not None for m in specs)
        positional: list[ast.expr] = []
        mapping: dict[str, ast.expr] = {}
        if named:
            if isinstance(right, ast.Dict) and all(
                    isinstance(k, ast.Constant) for k in right.keys):
                mapping = {str(k.value): v for k, v in zip(  # type: ignore[union-attr]
                    right.keys, right.values, strict=True)}
            else:
                build.exact = False
        elif isinstance(right, ast.Tuple):
            positional = list(right.elts)
        else:
            positional = [right]
        pos = 0
        cursor = 0
        for match in specs:
            build.pieces.append(Piece(text=template[cursor:match.start()]))
            cursor = match.end()
            kind = match.group("type")
            if kind == "%":
                build.pieces.append(Piece(text="%"))
                continue
            numeric = kind in _NUMERIC_SPECS
            key = match.group("key")
            value: ast.expr | None
            if key is not None:
                value = mapping.get(key)
                if value is None:
                    # A mapping we cannot see into: every key is a runtime value.
                    value = right
            else:
                value = positional[pos] if pos < len(positional) else None
                pos += 1
            if value is None:
                build.exact = False
                continue
            self._value(value, build, numeric=numeric)
        build.pieces.append(Piece(text=template[cursor:]))
        if build.is_dynamic:
            build.constructs.append("% formatting")
            build.built_at.append(expr)
        return build

    def _call(self, call: ast.Call, depth: int) -> StringBuild | None:
        func = call.func
        if not isinstance(func, ast.Attribute):
            return None
        if func.attr == "format":
            template = self._template(func.value, depth)
            if template is None:
                return self._imported_format(call, func.value)
            return self._format(call, template)
        if func.attr == "join" and len(call.args) == 1 and not call.keywords:
            separator = self._template(func.value, depth)
            if separator is None:
                return None
            return self._join(call, separator, depth)
        return None

    def _imported_format(self, call: ast.Call, template: ast.expr) -> StringBuild | None:
        """`QUERY.format(name)` where QUERY comes from `from .queries import QUERY` (or is
        `queries.QUERY`): the values are spliced into text this file cannot read."""
        root = template
        while isinstance(root, ast.Attribute):
            root = root.value
        if not isinstance(root, ast.Name):
            return None
        bindings = self.semantic.lookup(root.id, root)[1]
        if not bindings or any(b.kind != "import" for b in bindings):
            return None
        build = StringBuild(exact=False, imported_template=self.ctx.source(template))
        for value in [*call.args, *(k.value for k in call.keywords)]:
            if isinstance(value, ast.Starred):
                value = value.value
            self._value(value, build)
        if build.is_dynamic:
            build.constructs.append(f"`.format()` on the imported template "
                                    f"`{build.imported_template}`")
            build.built_at.append(call)
        return build

    def _format(self, call: ast.Call, template: str) -> StringBuild:
        build = StringBuild()
        keywords = {k.arg: k.value for k in call.keywords if k.arg}
        auto = 0
        try:
            fields = list(string.Formatter().parse(template))
        except ValueError:
            return StringBuild(pieces=[Piece(text=template)], exact=False)
        for literal, field_name, spec, _conv in fields:
            if literal:
                build.pieces.append(Piece(text=literal))
            if field_name is None:
                continue
            head = re.split(r"[.\[]", field_name, maxsplit=1)[0]
            value: ast.expr | None
            if head == "":
                value = call.args[auto] if auto < len(call.args) else None
                auto += 1
            elif head.isdecimal():
                index = int(head)
                value = call.args[index] if index < len(call.args) else None
            else:
                value = keywords.get(head)
            if value is None or head != field_name:
                # `{user.name}` or **kwargs: still a runtime value, but not a clean rewrite.
                build.exact = False
                if value is None:
                    extra = [k.value for k in call.keywords if k.arg is None]
                    value = extra[0] if extra else None
                if value is None:
                    continue
            numeric = bool(spec) and spec[-1:] in _NUMERIC_SPECS
            self._value(value, build, numeric=numeric)
        if build.is_dynamic:
            build.constructs.append(".format()")
            build.built_at.append(call)
        return build

    def _join(self, call: ast.Call, separator: str, depth: int) -> StringBuild | None:
        iterable = call.args[0]
        build = StringBuild()
        if isinstance(iterable, ast.List | ast.Tuple):
            for i, elt in enumerate(iterable.elts):
                if i:
                    build.pieces.append(Piece(text=separator))
                part = self.analyze(elt, depth)
                if part is None:
                    self._value(elt, build)
                else:
                    build.extend(part)
        elif self.is_static(iterable):
            build.pieces.append(Piece(value=call, numeric=True))
        else:
            build.pieces.append(Piece(value=call))
            build.exact = False
        if build.is_dynamic:
            if "str.join" not in build.constructs:
                build.constructs.append("str.join")
            build.built_at.append(call)
        return build

    def _variable(self, name: ast.Name, depth: int) -> StringBuild | None:
        # the text a later assignment replaced on every path is not this statement's
        bindings = self.semantic.live_bindings(name)
        if not bindings:
            return None
        in_function = self.semantic.scope_of(name).is_function
        plain = [b for b in bindings if b.kind in ("assign", "annassign", "walrus")]
        if not plain or any(b.kind not in ("assign", "annassign", "walrus", "augassign")
                            for b in bindings):
            return None
        builds: list[StringBuild] = []
        unknown = 0
        for binding in plain:
            sub = self.analyze(binding.value, depth) if binding.value is not None else None
            if sub is None:
                unknown += 1
                continue
            builds.append(sub)
        if not builds or (unknown and not any(b.is_dynamic for b in builds)):
            return None
        result = StringBuild()
        if unknown:
            result.exact = False
        # The last plain assignment describes the text; earlier branches only add values.
        last = builds[-1]
        result.extend(last)
        for other in builds[:-1]:
            for piece in other.pieces:
                if piece.value is not None and not piece.numeric:
                    result.pieces.append(piece)
            result.constructs.extend(c for c in other.constructs if c not in result.constructs)
            result.built_at.extend(other.built_at)
        if len(builds) > 1:
            result.exact = False
        last_line = plain[-1].lineno
        for binding in bindings:
            if binding.kind != "augassign":
                continue
            if not isinstance(binding.op, ast.Add) or binding.value is None:
                return None
            sub = self.analyze(binding.value, depth)
            if sub is None:
                sub = StringBuild()
                self._value(binding.value, sub)
                if sub.is_dynamic:
                    sub.constructs.append("+= concatenation")
                    sub.built_at.append(binding.node)
            elif sub.is_dynamic and not sub.built_at:
                sub.built_at.append(binding.node)
            if binding.lineno < last_line:
                # Appended before a later reassignment: only its values can reach the use.
                sub.exact = False
            result.extend(sub)
        if in_function or result.is_dynamic:
            result.through_variable = True
        return result


_INDEX_NAME = re.compile(r"^(?:[ijkn]|idx|index|num|count|\w+_(?:idx|index|num|no))$")


def _numeric_spec(value: ast.FormattedValue) -> bool:
    spec = value.format_spec
    if isinstance(spec, ast.JoinedStr) and len(spec.values) == 1:
        only = spec.values[0]
        if isinstance(only, ast.Constant) and isinstance(only.value, str):
            return only.value[-1:] in _NUMERIC_SPECS
    return False


def binding_line(binding: Binding) -> int:
    return binding.lineno
