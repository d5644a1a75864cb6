"""`functools.partial` in call resolution: calling a partial calls the function it binds,
with the bound arguments first; a partial of a library function or a cycle of partials
resolves to nothing in the project."""

from __future__ import annotations

from backendreview.analysis.program import ProgramModel

from .projects import program_model as _project


def _targets(model: ProgramModel, function: str, text: str) -> list[str]:
    info = model.functions[function]
    [site] = [s for s in info.calls if s.text == text]
    return [t.qualname for t in model.targets(info, site)]


FILES = {
    "shop/__init__.py": "",
    "shop/store.py": "def save(kind, item):\n    return (kind, item)\n",
    "shop/jobs.py": (
        "import functools\n"
        "from functools import partial\n\n"
        "from shop.store import save\n\n"
        "def run(item):\n"
        "    save_order = functools.partial(save, 'order')\n"
        "    return save_order(item)\n\n"
        "def run_now(item):\n"
        "    return partial(save, 'order')(item)\n\n"
        "def log(item):\n"
        "    show = functools.partial(print, 'item')\n"
        "    return show(item)\n\n"
        "def twice(item):\n"
        "    save_order = functools.partial(save, 'order')\n"
        "    save_order = functools.partial(print, 'order')\n"
        "    return save_order(item)\n"
    ),
}


def test_a_call_of_a_partial_bound_to_a_name_calls_the_function_it_binds(tmp_path,
                                                                         monkeypatch):
    model = _project(tmp_path, FILES, monkeypatch)
    assert _targets(model, "shop.jobs.run", "save_order") == ["shop.store.save"]


def test_a_partial_called_where_it_is_made_calls_the_function_it_binds(tmp_path,
                                                                       monkeypatch):
    model = _project(tmp_path, FILES, monkeypatch)
    info = model.functions["shop.jobs.run_now"]
    called = [t.qualname for s in info.calls for t in model.targets(info, s)]
    assert called == ["shop.store.save"]


def test_a_partial_of_a_builtin_or_a_rebound_name_resolves_to_no_project_function(
        tmp_path, monkeypatch):
    model = _project(tmp_path, FILES, monkeypatch)
    # An unresolved call has no call site in the model.
    assert [s.text for s in model.functions["shop.jobs.log"].calls] == ["functools.partial"]
    # Two bindings: which partial runs is not known, so the call stays unresolved.
    assert [s.text for s in model.functions["shop.jobs.twice"].calls] == [
        "functools.partial", "functools.partial"]
