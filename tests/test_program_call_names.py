"""ProgramModel.sites_calling / toplevel_sites_calling: the project's call sites by the name
their callee is written with, one index built once per model, the candidates that
sqlflow's callers (`_sites_naming`, `_toplevel_reaching`) and rowparams' callers
(`_unresolved`, the names top-level code calls) resolve among."""

from __future__ import annotations

from .projects import program_model

CODE = (
    "import shop.util as util\n\n"
    "def export(rows):\n"
    "    return rows\n\n"
    "class Report:\n"
    "    def export(self, rows):\n"
    "        return rows\n\n"
    "    def run(self, rows):\n"
    "        self.export(rows)\n"
    "        return export(rows)\n\n"
    "def caller(obj, rows):\n"
    "    obj.export(rows)\n"
    "    util.export(rows)\n"
    "    Report()\n"
    "    return export(rows)\n\n"
    "export([])\n"
    "Report.run(Report(), [])\n"
)


def test_sites_by_callee_name_in_caller_then_site_order(tmp_path, monkeypatch):
    model = program_model(tmp_path, {"shop/__init__.py": "", "shop/util.py": "",
                                     "shop/views.py": CODE}, monkeypatch)
    found = [(caller.qualname, site.line) for caller, site in model.sites_calling("export")]
    # resolved or not (`util.export` names no def), a method or a function: by name only;
    # `obj.export` on an untyped parameter is no call site the extraction records
    assert found == [("shop.views.Report.run", 11), ("shop.views.Report.run", 12),
                     ("shop.views.caller", 16), ("shop.views.caller", 18)]
    assert [(c.qualname, s.line) for c, s in model.sites_calling("Report")] == [
        ("shop.views.caller", 17)]
    assert model.sites_calling("missing") == []
    top = [(module.name, site.line) for module, site in model.toplevel_sites_calling("export")]
    assert top == [("shop.views", 20)]
    assert [(m.name, s.line) for m, s in model.toplevel_sites_calling("run")] == [
        ("shop.views", 21)]
    # one index per model: asked again, the same lists
    assert model.sites_calling("export") is model.sites_calling("export")
