"""BR211 graphql-no-depth-limit, BR212 graphql-introspection and BR213
graphql-unbounded-batching, over the served GraphQL endpoints of the project
(analysis/frameworks/graphql_model.py). An endpoint registered only under
`if settings.DEBUG:` is a development tool and is left alone."""

from __future__ import annotations

from typing import Any, ClassVar

from ..analysis.frameworks.graphql_model import Endpoint, graph_model
from ..analysis.frameworks.routes import project_routes
from ..model import Fix
from .base import ProjectRule

# Every example binds the names it reads (its imports) or names what the endpoint's own
# file registers (the view class): nothing invented such as `schema` or `Query`.
_DEPTH_FIX = {
    "graphene": (
        "Reject queries nested deeper than the schema needs with graphene's "
        "depth_limit_validator (pass it as the view's validation_rules)",
        "from graphene.validation import depth_limit_validator\n\n"
        "{view}(..., validation_rules=(depth_limit_validator(max_depth=10),))"),
    "strawberry": (
        "Add strawberry's query limiters to the schema's extensions (strawberry.Schema(..., "
        "extensions=limits))",
        "from strawberry.extensions import MaxTokensLimiter, QueryDepthLimiter\n\n"
        "limits = [QueryDepthLimiter(max_depth=10), MaxTokensLimiter(max_token_count=1000)]"),
    "ariadne": (
        "Bound the cost of a query with ariadne's cost_validator (GraphQL(..., "
        "validation_rules=rules))",
        "from ariadne.validation import cost_validator\n\n"
        "rules = [cost_validator(maximum_cost=1000, default_cost=1)]"),
}
_INTROSPECTION_FIX = {
    "graphene": (
        "Disable introspection outside development with graphene's DisableIntrospection rule",
        "from graphene.validation import DisableIntrospection\n{debug_import}\n"
        "rules = () if {debug} else (DisableIntrospection,)\n"
        "{view}(..., validation_rules=rules)"),
    "strawberry": (
        "Disable introspection outside development with strawberry's AddValidationRules "
        "(strawberry.Schema(..., extensions=extensions))",
        "from graphql.validation import NoSchemaIntrospectionCustomRule\n"
        "from strawberry.extensions import AddValidationRules\n{debug_import}\n"
        "extensions = [] if {debug} else "
        "[AddValidationRules([NoSchemaIntrospectionCustomRule])]"),
    "ariadne": (
        "Turn introspection off outside development (GraphQL(..., introspection=introspection))",
        "{debug_import}\nintrospection = {debug}"),
}


def _debug_flag(endpoint: Endpoint) -> tuple[str, str]:
    """(import, expression) for "in development": Django's DEBUG setting where Django serves
    the endpoint, else an environment variable."""
    if endpoint.http is not None and endpoint.http.framework in ("django", "drf"):
        return "from django.conf import settings\n", "settings.DEBUG"
    return "import os\n", 'os.environ.get("GRAPHQL_INTROSPECTION") == "1"'


def _endpoints(facts: dict[str, list[Any]]) -> list[Endpoint]:
    routes = project_routes(facts)  # builds the GraphQL model with the HTTP routes
    http = [r for r in routes if r.methods and r.methods[0] not in ("QUERY", "MUTATION")]
    seen: set[tuple[str, int, int]] = set()
    out: list[Endpoint] = []
    for endpoint in graph_model(facts, http).endpoints:
        span = endpoint.fact.span
        key = (endpoint.fact.file, span.start_line, span.start_col)
        if key in seen or endpoint.fact.debug_only:
            continue
        seen.add(key)
        out.append(endpoint)
    return out


def _view(endpoint: Endpoint) -> str:
    return (endpoint.fact.view_class or "GraphQLView").rsplit(".", 1)[-1] + ".as_view"


def _where(endpoint: Endpoint) -> str:
    schema = endpoint.schema.name if endpoint.schema and endpoint.schema.name else None
    shown = f' "{endpoint.path}"' if endpoint.path and endpoint.path != "/" else ""
    return f"GraphQL endpoint{shown}" + (f" (schema `{schema.rsplit('.', 1)[-1]}`)"
                                          if schema else "")


class _EndpointRule(ProjectRule):
    """Reports each served endpoint that `missing` says lacks the protection."""

    needs_facts: ClassVar[tuple[str, ...]] = ("routes",)
    FIXES: ClassVar[dict[str, tuple[str, str]]] = {}
    PROBLEM: ClassVar[str] = ""

    def missing(self, endpoint: Endpoint) -> bool:  # pragma: no cover - interface
        raise NotImplementedError

    def check(self, facts: dict[str, list[Any]]) -> None:
        for endpoint in _endpoints(facts):
            if not self.missing(endpoint):
                continue
            description, example = self.FIXES[endpoint.library]
            debug_import, debug = _debug_flag(endpoint)
            example = example.replace("{view}", _view(endpoint)).replace(
                "{debug_import}", debug_import).replace("{debug}", debug)
            if "{debug}" in self.FIXES[endpoint.library][1] and debug.startswith("os.environ"):
                # No development flag the code shows: the variable is the suggestion's own.
                description += (". GRAPHQL_INTROSPECTION is a new environment variable this "
                                "suggestion introduces: use the project's own development "
                                "setting if it has one, and keep introspection where a GraphiQL "
                                "IDE the project ships needs it")
            self.report(endpoint.fact.file, endpoint.fact.span,
                        f"{_where(endpoint)} {self.PROBLEM}", fix=Fix(description, example))


class NoDepthLimit(_EndpointRule):
    id = "BR211"
    FIXES = _DEPTH_FIX
    PROBLEM = ("is served with no depth, token or cost limit: one deeply nested or wide "
               "query can make the server resolve millions of fields")

    def missing(self, endpoint: Endpoint) -> bool:
        return not endpoint.limits


class IntrospectionOn(_EndpointRule):
    id = "BR212"
    FIXES = _INTROSPECTION_FIX
    PROBLEM = ("answers introspection queries in production: anyone can download the whole "
               "schema, every type, field and mutation, to plan an attack")

    def missing(self, endpoint: Endpoint) -> bool:
        # Off, or only signed-in callers reach the endpoint at all.
        return not (endpoint.introspection_off or endpoint.auth)


class UnboundedBatching(ProjectRule):
    id = "BR213"
    needs_facts: ClassVar[tuple[str, ...]] = ("routes",)

    def check(self, facts: dict[str, list[Any]]) -> None:
        reported: set[tuple[str, int]] = set()
        for endpoint in _endpoints(facts):
            fact = endpoint.fact
            if fact.batch:
                self.report(fact.file, fact.span,
                            f"{_where(endpoint)} accepts batched requests (batch=True) with "
                            f"no cap: one HTTP request can carry any number of operations, "
                            f"past every per-request limit",
                            fix=Fix("Turn batching off, or subclass the view and reject a "
                                    "batch longer than a small maximum",
                                    "class CappedGraphQLView(GraphQLView):\n"
                                    "    def execute_graphql_request(self, request, data, "
                                    "*args, **kwargs):\n"
                                    "        ...  # parse_body: reject len(data) > 10"))
            schema = endpoint.schema
            if schema is None or (schema.file, schema.line) in reported:
                continue
            if schema.batching == "uncapped":
                reported.add((schema.file, schema.line))
                self.report(schema.file, schema.span,
                            "the schema enables query batching with no max_operations: one "
                            "HTTP request can carry any number of operations",
                            fix=Fix("Cap the operations per batch",
                                    "config=StrawberryConfig(batching_config="
                                    "{\"max_operations\": 10})"))
            elif schema.library == "strawberry" and schema.limits and not schema.alias_cap \
                    and not endpoint.alias_cap:
                reported.add((schema.file, schema.line))
                self.report(schema.file, schema.span,
                            "the schema limits query depth but not aliases: a shallow query "
                            "that asks for one expensive field thousands of times under "
                            "different aliases passes the depth limit",
                            fix=Fix("Add strawberry's MaxAliasesLimiter (or MaxTokensLimiter)",
                                    "from strawberry.extensions import MaxAliasesLimiter\n\n"
                                    "extensions=[..., MaxAliasesLimiter(max_alias_count=15)]"))


RULES = (NoDepthLimit, IntrospectionOn, UnboundedBatching)
