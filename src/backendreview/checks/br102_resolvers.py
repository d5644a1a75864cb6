"""BR102 on GraphQL: a field resolver that queries once per parent object.

A resolver on a type (not a root Query / Mutation) that runs a query reading its parent
(`User.objects.get(pk=self.owner_id)`, `User.query.get(root.owner_id)`, a related manager
`self.comments.all()`) runs once per object of every list that serves the type: a list of
N posts makes N+1 queries. Reported when the type is served in a list somewhere (a graphene
`List` / connection field, a strawberry `list[T]`, an ariadne `[T]` in the SDL) and nothing
batches the read: no DataLoader in the resolver, no `prefetch_related` / `selectinload` of
that relation at every list field, no strawberry-django optimizer on the schema.
"""

from __future__ import annotations

import ast
import re
from typing import Any

from ..analysis.frameworks.graphql import GqlField
from ..analysis.frameworks.graphql_model import ResolvedType, graph_model, is_graphql_route
from ..analysis.frameworks.routes import project_routes
from ..model import Fix, Severity
from .base import ProjectRule


def check_resolvers(rule: ProjectRule, facts: dict[str, list[Any]]) -> None:
    if not facts.get("gql_type") and not facts.get("gql_binding"):
        return
    http = [r for r in project_routes(facts) if not is_graphql_route(r)]
    model = graph_model(facts, http)
    roots = model.root_names()
    listed: dict[str, list[GqlField]] = {}
    for resolved in model.all_types():
        for gql_field, _ in resolved.fields:
            if gql_field.list_of:
                listed.setdefault(gql_field.list_of, []).append(gql_field)
    for setting in model.settings:
        if setting.key == "sdl-list":
            listed.setdefault(setting.value, [])
    # A resolver is run per parent of every listed type that has it, its own or inherited
    # from a mixin: the class that defines it -> the listed types that serve it.
    served: dict[str, list[ResolvedType]] = {}
    for resolved in model.all_types():
        name = resolved.fact.graphql_name
        if resolved.fact.name in roots or resolved.kind != "object" or (
                name not in listed and resolved.fact.name.rsplit(".", 1)[-1] not in listed):
            continue
        for owner in [resolved.fact.name, *model.ancestors(resolved)]:
            served.setdefault(owner, []).append(resolved)
    optimizer = any(s.optimizer for s in model.schemas)
    for owner, users in sorted(served.items()):
        definer = model.resolve(owner)
        if definer is None or owner in roots:
            continue
        for gql_field in definer.fact.fields + tuple(b.field for b in model.bindings.get(
                owner, [])):
            _check_field(rule, model, definer, gql_field, users, listed, optimizer)


def _check_field(rule: ProjectRule, model: Any, definer: ResolvedType, gql_field: GqlField,
                 users: list[ResolvedType], listed: dict[str, list[GqlField]],
                 optimizer: bool) -> None:
    query = gql_field.per_parent
    if query is None or gql_field.loader or gql_field.optimizer_hint:
        return
    lists = [f for u in users for f in listed.get(u.fact.graphql_name, [])]
    if gql_field.relation_read is not None and (
            (lists and all(gql_field.relation_read in f.preloads for f in lists)) or
            (optimizer and definer.library == "strawberry")):
        return  # the list loads the relation, or strawberry-django's optimizer does
    file = next((b.file for b in model.bindings.get(definer.fact.name, [])
                 if b.field is gql_field), definer.fact.file)
    text = " ".join(query.text.split())
    name = definer.fact.graphql_name
    user = users[0].fact.graphql_name
    via = "" if user == name else f" (served as {user}{' and others' if len(users) > 1 else ''})"
    served_by = next((f.name for f in lists), None)
    where = f' ("{served_by}")' if served_by else ""
    handler = gql_field.handler.name if gql_field.handler else gql_field.attr
    message = (f'resolver "{name}.{handler}" runs `{_short(text)}` once per parent object'
               f"{via}: a list of N {user} objects{where} makes N+1 queries")
    if gql_field.required_args:
        # A field the client must pass a value to (`validate(condition: "...")`) is asked
        # about one object it chose on the tuning half (arize-phoenix's filter checks), and
        # a loader keyed by the parent alone would drop the value the answer depends on.
        args = ", ".join(f"`{a}`" for a in gql_field.required_args)
        rule.report(
            file, query.span,
            f"{message} when it asks this field (a note: the field needs {args} from the client, "
            "so it is usually asked about one object)",
            fix=Fix("If a list does ask this field, batch it with a DataLoader keyed by "
                    f"(parent id, {', '.join(gql_field.required_args)}): the answer depends "
                    "on the arguments, not on the parent alone"),
            snippet=query.text, severity=Severity.NOTE)
        return
    rule.report(file, query.span, message, fix=_fix(definer, gql_field, text),
                snippet=query.text)


def _short(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "..."


def _fix(resolved: ResolvedType, gql_field: GqlField, text: str) -> Fix:
    handler = gql_field.handler.name if gql_field.handler else f"resolve_{gql_field.attr}"
    if gql_field.relation_read is not None:
        relation = gql_field.relation_read
        # The list fields that serve this type are elsewhere: words, not a made-up query.
        return Fix(
            f"Load `{relation}` for the whole list at every list field that serves "
            f"{resolved.fact.graphql_name} (`.prefetch_related(\"{relation}\")` on its "
            f"queryset) and read `self.{relation}.all()` in {handler}, served from the "
            f"prefetch; or batch it with a DataLoader keyed by the parent id")
    model = _model_name(text)
    key = _parent_key(text)
    loader = f"{model}Loader"
    if model == "Item":
        # A query method of the parent (`self.get_descendants()`): batch it by parent id.
        title = "".join(p.title() for p in gql_field.attr.split("_"))
        return Fix(
            f"Batch `{gql_field.attr}` for the whole list with a DataLoader keyed by the "
            f"parent id: one query for all parents, grouped in Python",
            f"class {title}Loader(DataLoader):\n"
            "    def batch_load_fn(self, parent_ids):\n"
            "        ...  # one query filtered on all parent_ids, grouped per parent\n\n"
            f"def {handler}(self, info):\n"
            f"    return info.context.{gql_field.attr}_loader.load(self.pk)")
    if resolved.library == "strawberry":
        example = (
            "from strawberry.dataloader import DataLoader\n\n"
            f"async def load_{model.lower()}s(keys: list[int]) -> list[{model} | None]:\n"
            f"    rows = {{r.pk: r async for r in {model}.objects.filter(pk__in=keys)}}\n"
            "    return [rows.get(k) for k in keys]\n\n"
            f"# once per request, in the context getter: "
            f"{{\"{model.lower()}_loader\": DataLoader(load_fn=load_{model.lower()}s)}}\n"
            f"async def {handler}(self, info) -> ...:\n"
            f"    return await info.context[\"{model.lower()}_loader\"].load({key})")
    else:
        example = (
            "from promise import Promise\nfrom promise.dataloader import DataLoader\n\n"
            f"class {loader}(DataLoader):\n"
            "    def batch_load_fn(self, keys):\n"
            f"        rows = {model}.objects.in_bulk(keys)  # one query for the whole list\n"
            "        return Promise.resolve([rows.get(k) for k in keys])\n\n"
            f"# one {loader}() per request, e.g. on info.context\n"
            f"def {handler}(self, info):\n"
            f"    return info.context.{model.lower()}_loader.load({key})")
    return Fix(f"Batch the {model} reads of the whole list with a DataLoader", example)


def _model_name(text: str) -> str:
    match = re.match(r"\s*([A-Z]\w*)\s*\.\s*(objects|query)\b", text)
    if match:
        return match.group(1)
    match = re.search(r"\(\s*([A-Z]\w*)\s*,", text)  # session.get(User, self.owner_id)
    return match.group(1) if match else "Item"


def _parent_key(text: str) -> str:
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError:
        return "self.id"
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and \
                node.value.id in ("self", "root", "parent", "obj"):
            return ast.unparse(node)
    return "self.id"
