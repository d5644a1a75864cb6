"""Fix texts of the classes issue 13 names for session 17 (fix17), each beside a near miss
whose old text stays right.

- BR306: a Django page rendered as `HttpResponse(template.render(...))` or
  `HttpResponse(render_to_string(...))`, by the view or by a project helper (tendenci's
  themed_response, imported as render_to_resp): the page stays a GET and only the write
  moves (was: require_POST, which makes the page unreachable from every link).
"""

from __future__ import annotations

import ast
from pathlib import Path

from backendreview.config import Config
from backendreview.engine import finish, review_source
from backendreview.metadata import load_rule_docs
from backendreview.model import Finding

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

PAGE = ("This route shows a page (its handler renders one): keep the page a GET and move "
        "only the write out of it")


def _fixture(name: str, rule: str) -> dict[int, Finding]:
    path = FIXTURES / rule / name
    result = review_source(path.read_bytes(), f"fixtures/{rule}/{name}", Config(), (rule,))
    findings = finish([result], Config(), (rule,), load_rule_docs()).findings
    found = {f.span.start_line: f for f in findings if f.rule_id == rule}
    for finding in found.values():
        if finding.fix is not None and finding.fix.suggestion:
            ast.parse(finding.fix.suggestion)
    return found


def _line_of(rule: str, name: str, text: str) -> int:
    lines = (FIXTURES / rule / name).read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if text in line)


def test_br306_a_page_rendered_into_an_http_response_keeps_its_get() -> None:
    found = _fixture("rendered_helper.py", "BR306")
    for text in ('path("help/<slug:slug>/", help_detail)',
                 'path("speakers/<int:pk>/card/", speaker_card)'):
        fix = found[_line_of("BR306", "rendered_helper.py", text)].fix
        assert fix.suggestion is None
        assert fix.description.startswith(PAGE)
    # Near misses: an action that redirects, and an HttpResponse of JSON text, take POST.
    for text, name in (('path("speakers/<int:pk>/delete/"', "delete_speaker"),
                       ('path("speakers/<int:pk>/ping/"', "speaker_ping")):
        fix = found[_line_of("BR306", "rendered_helper.py", text)].fix
        assert fix.description.startswith("Accept only POST for the change (Django).")
        assert f"@require_POST\ndef {name}(request):" in fix.suggestion


def test_br306_a_rendered_download_is_no_page() -> None:
    # tendenci libs/tinymce/views.py:38 renders a script: `HttpResponse(template.render(...),
    # content_type="application/x-javascript")`; its content type says it is no HTML page.
    found = _fixture("rendered_helper.py", "BR306")
    export = found[_line_of("BR306", "rendered_helper.py", 'path("speakers/<int:pk>/export/"')]
    assert export.fix.description.startswith("Accept only POST for the change (Django).")
    assert "@require_POST\ndef speaker_export(request):" in export.fix.suggestion
    # Near miss: an HTML content type (with its charset, given positionally) is a page.
    badge = found[_line_of("BR306", "rendered_helper.py", 'path("speakers/<int:pk>/badge/"')]
    assert badge.fix.suggestion is None
    assert badge.fix.description.startswith(PAGE)


def test_br102_a_list_lookup_gets_no_second_in() -> None:
    # pulpcore dump-publications-to-fs.py:106: `repository_version__in=repository.versions
    # .all()` per row became `repository_version__in__in=...`, a lookup Django refuses.
    found = _fixture("in_lookups.py", "BR102")
    listed = found[_line_of("BR102", "in_lookups.py", "out.append(Publication.objects.filter(")].fix
    assert "__in__in" not in listed.description
    assert listed.description == (
        "query once before the loop: one query for all iterations before the loop (or an "
        "annotate()/Subquery on the outer query), then look each iteration's rows up in a dict")
    # Near miss: one key per row keeps its `__in` batch.
    keyed = found[_line_of("BR102", "in_lookups.py", "repository_version=version")].fix
    assert keyed.description.startswith(
        "query once before the loop: Publication.objects.filter(complete=True, "
        "repository_version__in=Version.objects.all()) before the loop")


def test_br301_a_router_whose_collections_are_singular_says_so() -> None:
    # nautobot-golden-config api/urls.py: compliance-feature, compliance-rule, config-plan...
    # all singular, a published plugin API; the bare rename said neither to keep the old path
    # nor that the singular may be the API's convention.
    found = _fixture("singular_router.py", "BR301")
    fix = found[_line_of("BR301", "singular_router.py", 'register("compliance-feature"')].fix
    assert fix.suggestion == '"compliance-features"'
    assert fix.description == (
        'Name the collection in the plural: "compliance-features"; the other collections '
        'registered beside it in this module are singular too ("compliance-rule", '
        '"config-plan", "device-group"; 1 in the plural): rename them together, keeping the '
        "old paths answering until the clients that call them have moved, or, if the "
        "singular is this API's published convention, keep it")
    # Near miss: the router's other collections are plural; the rename alone fits.
    near = _fixture("plural_router.py", "BR301")
    widget = near[_line_of("BR301", "plural_router.py", 'register("widget"')].fix
    assert widget.suggestion == '"widgets"'
    assert widget.description == 'Name the collection in the plural: "widgets"'
