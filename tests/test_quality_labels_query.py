"""bench/quality/labels_query.py prints one half's labels only (tuning by default)."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest

QUALITY = Path(__file__).resolve().parents[1] / "bench" / "quality"


@pytest.fixture(scope="module")
def query():
    sys.path.insert(0, str(QUALITY))
    try:
        yield importlib.import_module("labels_query")
    finally:
        sys.path.remove(str(QUALITY))


@pytest.fixture()
def two_halves(tmp_path, monkeypatch, query):
    corpus = tmp_path / "corpus.yaml"
    corpus.write_text(
        "apps:\n"
        "  - {name: tuned, package: tuned, version: '1', framework: flask, half: tuning, sha256: a}\n"
        "  - {name: unseen, package: unseen, version: '1', framework: flask, half: validation,"
        " sha256: b}\n", encoding="utf-8")
    labels = tmp_path / "labels"
    labels.mkdir()
    (labels / "tuned.yaml").write_text(
        "findings:\n"
        "  - {path: t.py, line: 3, rule: BR102, verdict: \"false\", why: a command, fix: wrong,"
        " fix_why: no such lookup}\n"
        "  - {path: t.py, line: 9, rule: BR102, verdict: true, why: per row}\n"
        "  - {path: t.py, line: 12, rule: BR303, verdict: \"false\", why: tiny}\n"
        "misses:\n"
        "  - {path: m.py, line: 1, rule: BR102, why: serializer walk}\n", encoding="utf-8")
    (labels / "unseen.yaml").write_text(
        "findings:\n"
        "  - {path: u.py, line: 5, rule: BR102, verdict: \"false\", why: SECRET VALIDATION WHY}\n",
        encoding="utf-8")
    real_load = query.load_corpus
    monkeypatch.setattr(query, "load_corpus", lambda: real_load(corpus))
    return labels


def run(query, capsys, *argv: str) -> list[str]:
    assert query.main(list(argv)) == 0
    return capsys.readouterr().out.splitlines()


def test_default_half_is_tuning_and_filters_apply(query, capsys, two_halves):
    out = run(query, capsys, "--labels", str(two_halves), "--rule", "BR102", "--verdict", "false")
    assert out == ["tuned t.py:3 BR102 false fix=wrong — a command [fix: no such lookup]"]


def test_unquoted_true_and_fix_filter(query, capsys, two_halves):
    assert run(query, capsys, "--labels", str(two_halves), "--verdict", "true") == [
        "tuned t.py:9 BR102 true fix=- — per row"]
    assert run(query, capsys, "--labels", str(two_halves), "--fix", "wrong") == [
        "tuned t.py:3 BR102 false fix=wrong — a command [fix: no such lookup]"]


def test_misses_section(query, capsys, two_halves):
    assert run(query, capsys, "--labels", str(two_halves), "--misses") == [
        "tuned m.py:1 BR102 — serializer walk"]


def test_validation_only_when_asked(query, capsys, two_halves):
    tuning = run(query, capsys, "--labels", str(two_halves))
    assert not any("SECRET VALIDATION WHY" in text for text in tuning)
    assert run(query, capsys, "--labels", str(two_halves), "--half", "validation") == [
        "unseen u.py:5 BR102 false fix=- — SECRET VALIDATION WHY"]


def test_naming_an_app_of_the_other_half_is_an_error(query, capsys, two_halves):
    with pytest.raises(SystemExit) as exc:
        query.main(["--labels", str(two_halves), "--app", "unseen"])
    assert exc.value.code == 2
    assert "not in the tuning half: unseen" in capsys.readouterr().err
