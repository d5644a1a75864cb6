"""The evidence behind a BR102 finding's level, in one place.

A query per row costs users when the loop walks many rows while serving requests. A finding
is a warning when nothing below applies; each reason here is positive evidence that the
per-row cost is bounded, deliberate or off the request path, and turns the finding into a
note that says which (`confidence.as_note`). Every report path of the rule asks the two
functions at the end, so this list is the rule's whole level policy:

- off the request path: a management command, a command-line or build script
  (`confidence.script_reason`, `br102_scripts.file_script_reason`), code run once at import
  or in `ready()` (`confidence.startup_reason`), and functions every chain of whose resolved
  callers ends at a command, a background task, a CLI command or an upgrade step
  (`br102_scripts.ScriptPaths`, the program model);
- per-row writes: the lookup is the read half of a get-or-create (`GET_OR_CREATE`), or
  reads what the iteration itself just wrote (`WRITTEN`); lookups made to delete, lock or
  upsert each row are not reported at all (br102_loops);
- bounded loops: the related rows of one object (`ONE_OBJECT`), one query per distinct key
  kept in a memo the loop fills (`MEMO`); literal tuples, constants, settings, slices and
  small samples are not reported at all (br102_bounds / br102_loops);
- first-hit loops: a generator `any()` / `all()` / `next()` consumes until its answer
  (`LoopFact.stops`); `break` / `return` right after the query is not reported.

Measured on the tuning half (session 15): a loop whose iterable the file's ORM reader does
not show to be query rows or request data, or a function no route or task is seen to
reach, are *not* used as reasons: the reader misses parameters fed with query rows, cursor
fetches, spreadsheet rows and framework dispatch (class-based view hooks, serializers,
template tags), so either gate sent three true findings to note for each false one.
Session 16 gave the program model framework entry points (analysis/program/dispatch.py:
view, serializer, admin and template-tag hooks, signal receivers, scheduled jobs, nested
functions) and re-measured the second gate (no route or task reaches) on the 43 tuning
apps: it still sent 43 true / 7 false warnings to note (of 110 true), through calls on
receivers whose class the file does not tell, Django forms built by generic views,
properties read as attributes, model methods the ORM calls and classes loaded by name. It
stays out; the offline reasons above use the new offline kinds. The first gate (NOT_ROWS),
re-measured with parameters followed to their callers (a loop over a parameter every known
call fills with query rows is rows: analysis/program/rowparams.py) and cursor fetch rows of
an unbounded SELECT counted as rows (br102_fetch), still sent 38 true / 12 false / 112
debatable warnings to note (35% of the true warnings). The true ones are mostly not reader
gaps of parameters: request data parsed by a serializer or a schema, spreadsheet and
search-index rows, JSON fields of a row, cached id lists, queries the ORM reader does not
follow, and parameters whose callers are out of sight (a framework's page of rows, dynamic
dispatch, a common method name). Not a reason.
Session 17 added Django form hooks to the entry points (dispatch.py `form method`: a form a
view holds as `form_class`, and the functions that build a form as its hooks' callers) and
re-measured UNSERVED on the 49 tuning apps with BR102 findings (tendenci included): 47 true /
18 false / 78 debatable warnings would go to note (79 debatable without form hooks). Still
out. Form methods held under other slots (nautobot's `model_form`) stay open ends.
"""

from __future__ import annotations

import ast

from .confidence import AT_IMPORT, startup_reason

GET_OR_CREATE = ("the lookup is the read half of a get-or-create: each missing row is then "
                 "created one at a time, so the loop writes per item anyway; one `IN` query "
                 "for the rows that exist, then a bulk insert of the missing, is the batch")
WRITTEN = "a read of what the iteration itself just wrote"
ONE_OBJECT = ("the loop walks the related rows of one object (`{}`), as many as that object "
              "has, not the rows of a list")
MEMO = ("the result is kept in `{}` and looked up only for keys not in it yet, so the query "
        "runs once per distinct key, not once per row")


def explicit_reason(ctx, call: ast.Call, loop: ast.AST,  # type: ignore[no-untyped-def]
                    *, script: str | None, creates: bool, written: bool) -> str | None:
    """Why an explicit per-row query (`Model.objects.get(pk=row.x)` in a loop) found in the
    file phase is a note, or None. One object's relation is not decided here: whether a
    caller runs the function once per item is a question for the project phase
    (`project_reason`)."""
    if script:
        return script
    found = startup_reason(ctx, loop)
    if found:
        return found
    if creates:
        return GET_OR_CREATE
    if written:
        return WRITTEN
    memo = memo_of(ctx, call, loop)
    if memo:
        return MEMO.format(memo)
    return None


def one_object_reason(relation: str | None) -> str:
    """The note for a loop over the related rows of one object (`relation`), or ""."""
    return ONE_OBJECT.format(relation) if relation else ""


def project_reason(scripts, path: str, owner: int, stops: str = "",  # type: ignore[no-untyped-def]
                   one_object: str = "") -> str | None:
    """Why a per-row query the project phase reports (a lazy load, a member or a call that
    queries, a deferred explicit query) is a note, or None: the program model shows only
    non-request entry points run the function, the loop stops at its first hit, or the loop
    walks one object's relation (`one_object`, from `one_object_reason`) in a function no
    resolved caller runs once per item of a loop (then the object is each item's). A loop
    in no function (`owner` 0: module level or a class body) runs once, at import, as
    `explicit_reason` says of an explicit query there."""
    return scripts.reason(path, owner) or (AT_IMPORT if not owner else None) or stops or (
        one_object if one_object and not called_per_item(scripts, path, owner) else None)


def called_per_item(scripts, path: str, owner: int) -> bool:  # type: ignore[no-untyped-def]
    """A resolved chain of callers (up to four calls up, test callers aside) runs the
    function at `path:owner` from inside a loop over something other than a literal."""
    program = scripts.program
    fn = program.function_at(path, owner) if program is not None and owner else None
    if fn is None:
        return False
    seen = {fn.qualname}
    level = [fn]
    for _ in range(4):
        above = []
        for callee in level:
            for caller in program.callers(callee):
                if scripts.ignored(caller.path):
                    continue
                if any(target.qualname == callee.qualname and site.loop_line
                       and not site.loop_literal for site, target in program.edges(caller)):
                    return True
                if caller.qualname not in seen:
                    seen.add(caller.qualname)
                    above.append(caller)
        level = above
    return False


def memo_of(ctx, call: ast.Call, loop: ast.AST) -> str | None:  # type: ignore[no-untyped-def]
    """`if key not in cache: cache[key] = Model.objects.get(pk=key)` inside the loop: the
    source of the memo (`cache`), or None. The guard must hold whenever the query runs (the
    assignment sits in the `if` body and the membership test is the whole test or a
    conjunct of `and`), and the memo must outlive the iteration (not rebound in the loop)."""
    parent = ctx.semantic.parent(call)
    if not (isinstance(parent, ast.Assign) and parent.value is call and len(parent.targets) == 1
            and isinstance(parent.targets[0], ast.Subscript)):
        return None
    target = parent.targets[0]
    memo = ast.unparse(target.value)
    key = ast.unparse(target.slice)
    if _rebound_in(loop, memo):
        return None  # `cache = {}` on every iteration: every row misses
    child: ast.AST = parent
    for anc in ctx.semantic.ancestors(parent):
        if anc is loop:
            return None
        if isinstance(anc, ast.If) and any(child is stmt for stmt in anc.body) and any(
                _tests_absent(test, memo, key) for test in _conjuncts(anc.test)):
            return memo
        child = anc
    return None


def _conjuncts(test: ast.expr) -> list[ast.expr]:
    """The tests that all hold when `test` does: `a and b` gives both, `a or b` neither."""
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And):
        return [part for value in test.values for part in _conjuncts(value)]
    return [test]


def _tests_absent(test: ast.expr, memo: str, key: str) -> bool:
    """`key not in memo` or `not key in memo`."""
    negated = isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not)
    compare = test.operand if negated else test  # type: ignore[attr-defined]
    if not (isinstance(compare, ast.Compare) and len(compare.ops) == 1):
        return False
    absent = ast.In if negated else ast.NotIn
    return isinstance(compare.ops[0], absent) and ast.unparse(
        compare.comparators[0]) == memo and ast.unparse(compare.left) == key


def _rebound_in(loop: ast.AST, memo: str) -> bool:
    """The loop assigns the memo itself (not one of its keys) somewhere in its body."""
    for node in ast.walk(loop):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AnnAssign | ast.NamedExpr | ast.For | ast.AsyncFor
                        | ast.comprehension):
            targets = [node.target]  # `cache |= more` keeps the keys: not a reset
        for target in targets:
            for part in ast.walk(target):
                if isinstance(part, ast.Name | ast.Attribute) and isinstance(
                        part.ctx, ast.Store) and ast.unparse(part) == memo:
                    return True
    return False
